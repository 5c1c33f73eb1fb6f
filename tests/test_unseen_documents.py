"""The unseen documents (tests/unseen/documents/<slug>/): each rendered as the text a
PDF extractor gives and as a PDF, built once per rendition, and compared table by
table with the facts of its expected.json; and tests of the renderer itself."""

from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from tests.unseen.facts import (
    SCORED,
    actual_rows,
    expected_rows,
    load_expected,
    load_tables,
    start_build,
)
from tests.unseen.render import (
    RULE,
    TEXT_WIDTH,
    PdfRendition,
    Source,
    TextRendition,
    barcode,
    can_break,
    columns,
    double_spaced,
    english_date,
    load_source,
    printed,
    render_pdf,
    render_text,
    units,
    wrap,
    write_corpus,
)

DOCUMENTS = Path(__file__).resolve().parent / "unseen" / "documents"
FOLDERS = sorted(
    d for d in (DOCUMENTS.iterdir() if DOCUMENTS.is_dir() else ()) if (d / "source.txt").is_file()
)
EXPECTED = {
    d.name: load_expected(d / "expected.json") for d in FOLDERS if (d / "expected.json").is_file()
}
SLUGS = sorted(EXPECTED)
CASES = [
    (slug, table)
    for slug in SLUGS
    for table in SCORED
    if table != "paragraph_texts" or "paragraph_texts" in EXPECTED[slug]
]
WS = re.compile(r"\s+")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[dict]]]:
    """Every document rendered as text and as PDF, the two corpora built at once."""
    out = tmp_path_factory.mktemp("unseen")
    running = {}
    for rendition in ("text", "pdf"):
        write_corpus([DOCUMENTS / s for s in SLUGS], out / rendition / "raw", rendition)
        running[rendition] = start_build(out / rendition / "raw", out / rendition / "processed")
    for process in running.values():
        process.communicate()
    return {r: load_tables(out / r / "processed") for r in running}


@pytest.fixture(scope="module")
def text_tables(built: dict[str, dict[str, list[dict]]]) -> dict[str, list[dict]]:
    return built["text"]


@pytest.fixture(scope="module")
def pdf_tables(built: dict[str, dict[str, list[dict]]]) -> dict[str, list[dict]]:
    return built["pdf"]


def _lines(rows: list[Any]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in rows]


def _assert_rows(slug: str, table: str, tables: dict[str, list[dict]]) -> None:
    expected = EXPECTED[slug]
    want, got = expected_rows(expected, table), actual_rows(expected, tables, table)
    if want != got:
        diff = "\n".join(
            difflib.unified_diff(_lines(want), _lines(got), "expected", "actual", lineterm="")
        )
        pytest.fail(
            f"{slug} ({expected.get('file')}): {table}: {len(want)} expected rows, {len(got)} in the build\n{diff}",
            pytrace=False,
        )


@pytest.mark.parametrize(("slug", "table"), CASES, ids=[f"{s}-{t}" for s, t in CASES])
def test_text_rendition(text_tables: dict[str, list[dict]], slug: str, table: str) -> None:
    _assert_rows(slug, table, text_tables)


@pytest.mark.parametrize(("slug", "table"), CASES, ids=[f"{s}-{t}" for s, t in CASES])
def test_pdf_rendition(pdf_tables: dict[str, list[dict]], slug: str, table: str) -> None:
    _assert_rows(slug, table, pdf_tables)


# --- the renderer --------------------------------------------------------------


@functools.cache
def _source(slug: str) -> Source:
    return load_source(DOCUMENTS / slug / "source.txt")


@functools.cache
def _text(slug: str) -> TextRendition:
    return render_text(_source(slug))


@functools.cache
def _pdf(slug: str, folder: Path) -> tuple[PdfRendition, list[str]]:
    path = folder / f"{slug}.pdf"
    rendition = render_pdf(_source(slug), path)
    pdf = pdfium.PdfDocument(path)
    try:
        pages = [WS.sub("", pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()
    return rendition, pages


@pytest.fixture(scope="module")
def pdf_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("unseen-render")


def test_wrapping_of_names_symbols_and_markers() -> None:
    line = units(
        "由 Sofía Márquez Ríos（墨西哥）介绍了CTOC/COP/WG.6/2021/2号文件[^12]和第9/1号决议。"
    )
    pieces = wrap(line, [columns(c) for c, _ in line], 4.0, 4.0)
    texts = ["".join(c for c, _ in p) for p in pieces]
    assert "".join(texts) == printed(
        "由 Sofía Márquez Ríos（墨西哥）介绍了CTOC/COP/WG.6/2021/2号文件[^12]和第9/1号决议。"
    )
    assert "由 Sofía Márquez Ríos" in texts  # no break at a space or inside a Latin run
    assert any("CTOC/COP/WG.6/2021/2" in t for t in texts)  # nor inside a symbol
    assert any(t.endswith("件12") for t in texts)  # nor before a footnote marker
    assert all(not t[0].isspace() and not t[-1].isspace() for t in texts)
    assert not any(t.startswith(("，", "。", "）")) for t in texts)
    assert not can_break(units("9/1"), 1) and can_break(units("第9"), 1)


@pytest.mark.parametrize("slug", SLUGS)
def test_text_wrapping_loses_and_adds_nothing(slug: str) -> None:
    src, rendition = _source(slug), _text(slug)
    by_block: dict[int, list[str]] = {}
    for line in rendition.lines:
        if line.kind == "body":
            by_block.setdefault(line.block or 0, []).append(line.text)
    for block in src.blocks:
        if block.kind not in ("text", "table"):
            continue
        pieces = by_block[block.line]
        joined = pieces[0].rstrip(" ") + "".join(p.strip(" ") for p in pieces[1:])
        assert joined == block.printed, f"source line {block.line}"
        for piece in pieces[1:] if block.kind == "text" else ():
            assert (
                sum(columns(c) for c in piece.strip(" ")) <= TEXT_WIDTH or " " not in piece.strip()
            )
    lines = rendition.text.split("\n")
    if rendition.double:  # an empty line after every line, as in the seeds
        assert all(line == "" for line in lines[1::2])


@pytest.mark.parametrize("slug", SLUGS)
def test_text_footnotes_on_the_page_of_their_marker(slug: str) -> None:
    src, rendition = _source(slug), _text(slug)
    job = re.escape(src.header.job)
    footer = re.compile(rf"^(?:{job} \(C\).*|\d+ {job}|{job} \d+)$")
    marker_page: dict[int, int] = {}
    for line in rendition.lines:
        for n in line.markers:
            marker_page.setdefault(n, line.page)
    page, in_notes, note_page = 1, False, {}
    for text in (t for t in rendition.text.split("\n") if t.strip()):
        if footer.match(text):
            page, in_notes = page + 1, False
        elif text == RULE:
            in_notes = True
        elif in_notes and (m := re.match(r"^(\d+) ", text)) and int(m.group(1)) in src.footnotes:
            note_page.setdefault(int(m.group(1)), page)
    assert page - 1 == rendition.pages
    assert set(note_page) == set(src.footnotes)
    for n, p in marker_page.items():
        if n in src.footnotes:
            assert note_page[n] == p, (
                f"footnote {n}: marker on page {p}, text on page {note_page[n]}"
            )


@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_text_layer_holds_every_source_line(slug: str, pdf_folder: Path) -> None:
    src = _source(slug)
    rendition, pages = _pdf(slug, pdf_folder)
    drawn: dict[int, str] = {}
    for page, block, text in rendition.fragments:
        assert WS.sub("", text) in pages[page - 1], f"page {page}, source line {block}: {text!r}"
        drawn[block] = drawn.get(block, "") + text
    for block in src.blocks:
        if block.kind in ("text", "table"):
            assert WS.sub("", drawn[block.line]) == WS.sub("", block.printed), (
                f"source line {block.line}"
            )
    for n, text in src.footnotes.items():
        page = rendition.marker_pages.get(n, rendition.pages)
        assert rendition.footnote_pages[n] == page
        assert WS.sub("", text) in pages[page - 1], f"footnote {n} not on page {page}"
    assert all(WS.sub("", src.header.job) in p and p for p in pages)


def test_both_spacings_occur_in_the_corpus() -> None:
    if len(SLUGS) >= 4:
        assert {double_spaced(s) for s in SLUGS} == {True, False}


@pytest.mark.parametrize("slug", SLUGS)
def test_text_page_furniture(slug: str) -> None:
    src, rendition = _source(slug), _text(slug)
    head = src.header
    lines = [t for t in rendition.text.split("\n") if t.strip()]
    job = head.job
    assert sum(t.startswith(f"{job} (C)") for t in lines) == 1  # page 1
    assert lines.count(barcode(job)) == 1
    for page in range(2, rendition.pages + 1):
        assert (f"{page} {job}" if page % 2 == 0 else f"{job} {page}") in lines
    if head.header_symbol and head.symbol:
        assert lines.count(head.symbol) >= rendition.pages - 1
    if head.masthead:
        assert (
            lines[:4]
            == ["联 合 国", head.symbol, "Distr.: General", english_date(head.distributed)][
                : 4 if head.distributed else 3
            ]
        )


def test_renditions_are_deterministic(tmp_path: Path) -> None:
    for slug in SLUGS[:2]:
        assert (
            render_text(_source(slug)).text
            == render_text(load_source(DOCUMENTS / slug / "source.txt")).text
        )
        render_pdf(_source(slug), tmp_path / "a.pdf")
        render_pdf(_source(slug), tmp_path / "b.pdf")
        assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
