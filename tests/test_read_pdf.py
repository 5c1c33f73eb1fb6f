"""Reading PDFs: seed texts rendered as UN-style PDFs read back line for line."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.document.read_pdf import PdfReadError, read_pdf
from pipeline.models import SourceDocument, SourceLine
from tests.pdf_render import (
    BODY_SIZE,
    FONT,
    LEFT,
    RIGHT,
    RenderedLine,
    encrypt_pdf,
    header_footer,
    image_only_pdf,
    plan_pages,
    register_font,
    render_lines_pdf,
    render_text_pdf,
    truncate_pdf,
)

RAW = Path(__file__).resolve().parent.parent / "raw"
ENGINES = ("pdfium", "pdfplumber")

# Seed text (raw/ holds the seeds 001, 003 and 004 of ../shared/seeds under
# their symbols), its symbol, and a job number for the footers (only 004
# prints its own; the others stand in).
SEED_DOCUMENTS = {
    "001": ("CTOC_COP_WG.7_2017_1.zh.txt", "CTOC/COP/WG.7/2017/1", "V.17-04063"),
    "003": ("CTOC_COP_WG.4_2018_1.zh.txt", "CTOC/COP/WG.4/2018/1", "V.18-02184"),
    "004": ("CTOC_COP_2012_15.zh.txt", "CTOC/COP/2012/15", "V.12-57117"),
}


class Rendered:
    """A seed rendered to PDF, with the pages it was drawn from and its reads."""

    def __init__(self, pdf: Path, pages: list[list[RenderedLine]], symbol: str, job: str):
        self.pdf = pdf
        self.pages = pages
        self.symbol = symbol
        self.job = job
        self.read = {engine: read_pdf(pdf, engine) for engine in ENGINES}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("rendered")
    documents = {}
    for key, (name, symbol, job) in SEED_DOCUMENTS.items():
        text = (RAW / name).read_text(encoding="utf-8")
        pdf = folder / f"{key}.pdf"
        render_text_pdf(text, pdf, symbol=symbol, job_number=job)
        pages = plan_pages(text, symbol=symbol)
        documents[key] = Rendered(pdf, pages, symbol, job)
    return documents


def page_lines(document: SourceDocument, page: int) -> list[SourceLine]:
    return [line for line in document.lines if line.page == page]


# --- seed documents -------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", sorted(SEED_DOCUMENTS))
def test_body_lines_read_back_as_rendered(rendered: dict[str, Rendered], key: str, engine: str):
    document = rendered[key]
    read = document.read[engine]
    assert read.page_count == len(document.pages)
    for number, expected in enumerate(document.pages, start=1):
        body = page_lines(read, number)[1:-1]  # without the header and the footer
        assert [(line.indent, line.text) for line in body] == [
            (float(line.indent), line.text) for line in expected
        ], f"page {number}"


@pytest.mark.parametrize("key", sorted(SEED_DOCUMENTS))
def test_running_headers_and_footers_sit_at_the_page_edges(rendered: dict[str, Rendered], key: str):
    document = rendered[key]
    read = document.read["pdfium"]
    for number in range(1, len(document.pages) + 1):
        lines = page_lines(read, number)
        header, footer = header_footer(number, symbol=document.symbol, job_number=document.job)
        assert (lines[0].text, lines[-1].text) == (header, footer)
        assert lines[0].top is not None and lines[0].top < 60
        assert lines[-1].top is not None and lines[-1].page_height is not None
        assert lines[-1].top > lines[-1].page_height - 60
        body_tops = [line.top or 0.0 for line in lines[1:-1]]
        assert lines[0].top < min(body_tops) and lines[-1].top > max(body_tops)


@pytest.mark.parametrize("key", sorted(SEED_DOCUMENTS))
def test_both_engines_give_identical_lines(rendered: dict[str, Rendered], key: str):
    pdfium, pdfplumber = (rendered[key].read[engine] for engine in ENGINES)
    assert pdfium.lines == pdfplumber.lines
    assert pdfium.page_count == pdfplumber.page_count


@pytest.mark.parametrize("key", sorted(SEED_DOCUMENTS))
def test_lines_are_numbered_through_the_document_page_by_page(
    rendered: dict[str, Rendered], key: str
):
    read = rendered[key].read["pdfium"]
    assert [line.number for line in read.lines] == list(range(1, len(read.lines) + 1))
    pages = [line.page for line in read.lines]
    assert pages == sorted(pages)
    assert set(pages) == set(range(1, len(rendered[key].pages) + 1))
    for number in set(pages):
        tops = [line.top for line in page_lines(read, number)]
        assert tops == sorted(tops)


def test_source_document_records_the_file(rendered: dict[str, Rendered]):
    document = rendered["004"]
    read = document.read["pdfplumber"]
    assert read.path == document.pdf
    assert (read.source_format, read.encoding) == ("pdf", "pdf")
    assert read.sha256 == hashlib.sha256(document.pdf.read_bytes()).hexdigest()
    assert read.page_count == 30
    assert all(line.page_height == pytest.approx(A4[1], abs=0.01) for line in read.lines)


def find(document: SourceDocument, text: str) -> SourceLine:
    matches = [line for line in document.lines if line.text == text]
    assert len(matches) == 1, text
    return matches[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_known_lines_of_the_2012_report(rendered: dict[str, Rendered], engine: str):
    read = rendered["004"].read[engine]
    title = find(read, "第 6/1 号决议")
    assert (title.page, title.indent) == (1, 0.0)
    opening = find(
        read,
        "1. 《联合国打击跨国有组织犯罪公约》缔约方会议在 2012 年 10 月 15 日至 19",
    )
    assert (opening.page, opening.indent, opening.number) == (1, 0.0, 4)
    # A footnote of page 1, drawn in the small font, keeps its indent of one.
    footnote = find(read, "1 联合国，《条约汇编》，第 2225、2237、2241 和 2326 卷，第 39574 号。")
    assert (footnote.page, footnote.indent) == (1, 1.0)
    # The first line after the source's furniture pair `10 V.12-57117` /
    # `CTOC/COP/2012/15` opens page 8, its extra leading space gone.
    after_break = find(read, "承认各区域举措最近为打击偷运移民所做的工作，其中包括 2011 年 3 月在")
    assert (after_break.page, after_break.indent) == (8, 0.0)
    chapter = find(read, "十一. 通过缔约方会议第六届会议的报告")
    assert (chapter.page, chapter.indent) == (30, 0.0)
    # Runs of spaces in the bureau list come back as one; a name keeps its indent.
    assert find(read, "主席: Rachmat Budiman（印度尼西亚）").indent == 1.0
    assert find(read, "Eugenio María Curia（阿根廷）").indent == 5.0
    assert find(read, "（CTOC/COP/2012/L.1 和 Add.1-9）。").page == 30


# --- how characters become lines -------------------------------------------------


def draw(out: Path, paint: Callable[[canvas.Canvas], None]) -> Path:
    """A one-page PDF painted by ``paint(canvas)`` with the built-in CJK font."""
    register_font()
    pdf = canvas.Canvas(str(out), pagesize=A4)
    paint(pdf)
    pdf.showPage()
    pdf.save()
    return out


def texts(path: Path) -> dict[str, list[tuple[float, str]]]:
    return {
        engine: [(line.indent, line.text) for line in read_pdf(path, engine).lines]
        for engine in ENGINES
    }


def test_a_wide_gap_without_a_space_glyph_reads_as_a_space(tmp_path: Path):
    def paint(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, BODY_SIZE)
        pdf.drawString(LEFT, 700, "第")
        pdf.drawString(LEFT + 1.6 * BODY_SIZE, 700, "6/1")  # gap 0.6 em
        # Characters placed one by one with a little tracking stay together.
        for index, char in enumerate("号决议"):
            pdf.drawString(LEFT + (4 + index * 1.1) * BODY_SIZE, 700, char)

    for lines in texts(draw(tmp_path / "gap.pdf", paint)).values():
        assert lines == [(0.0, "第 6/1 号决议")]


def test_a_character_drawn_alone_in_an_unembedded_font_is_kept(tmp_path: Path):
    # Without an installed Chinese font pdfium cannot measure such a glyph and
    # leaves its text object out of the text page; the page is then read
    # through pdfplumber, so both engines still agree.
    def paint(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, BODY_SIZE)
        for index, char in enumerate("决议："):
            pdf.drawString(LEFT + index * BODY_SIZE, 700, char)
        pdf.drawString(LEFT + BODY_SIZE, 684, "通过了下列决议")

    for lines in texts(draw(tmp_path / "alone.pdf", paint)).values():
        assert lines == [(0.0, "决议："), (1.0, "通过了下列决议")]


def test_a_raised_footnote_marker_stays_on_its_line(tmp_path: Path):
    def paint(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, BODY_SIZE)
        pdf.drawString(LEFT, 700, "项议定书")
        pdf.setFont(FONT, 6.5)
        pdf.drawString(LEFT + 4 * BODY_SIZE, 703.5, "1")
        pdf.setFont(FONT, BODY_SIZE)
        pdf.drawString(LEFT + 4 * BODY_SIZE + 3.3, 700, "的重要性，")
        pdf.drawString(LEFT, 684, "重申《公约》")

    for lines in texts(draw(tmp_path / "marker.pdf", paint)).values():
        assert lines == [(0.0, "项议定书1的重要性，"), (0.0, "重申《公约》")]


def test_a_stray_page_number_does_not_move_the_margin(tmp_path: Path):
    def paint(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, BODY_SIZE)
        for row, (indent, text) in enumerate(
            [(2, "临时议程"), (0, "1. 组织事项："), (1, "(a) 会议开幕；")]
        ):
            pdf.drawString(LEFT + indent * BODY_SIZE, 700 - 16 * row, text)
        pdf.drawString(30, 40, "2")  # a page number left of the text block

    for lines in texts(draw(tmp_path / "number.pdf", paint)).values():
        assert lines[:3] == [(2.0, "临时议程"), (0.0, "1. 组织事项："), (1.0, "(a) 会议开幕；")]
        assert lines[3][1] == "2" and lines[3][0] < 0


def test_overprinted_bold_text_is_read_once(tmp_path: Path):
    def paint(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, BODY_SIZE)
        for offset in (0.0, 0.3):
            pdf.drawString(LEFT + offset, 700, "第 6/1 号决议")

    for lines in texts(draw(tmp_path / "bold.pdf", paint)).values():
        assert lines == [(0.0, "第 6/1 号决议")]


def test_text_scaled_by_its_matrix_reads_like_plain_text(tmp_path: Path):
    # Word writes `Tf 1` and puts the size into the text matrix.
    def paint(pdf: canvas.Canvas) -> None:
        text = pdf.beginText()
        text.setFont(FONT, 1)
        text.setTextTransform(BODY_SIZE, 0, 0, BODY_SIZE, LEFT + 2 * BODY_SIZE, 700)
        text.textOut("2012 年 10 月")
        pdf.drawText(text)
        pdf.setFont(FONT, BODY_SIZE)
        pdf.drawString(LEFT, 684, "日于维也纳举行")

    for lines in texts(draw(tmp_path / "scaled.pdf", paint)).values():
        assert lines == [(2.0, "2012 年 10 月"), (0.0, "日于维也纳举行")]


def test_characters_taken_in_bulk_read_like_characters_asked_one_by_one(
    rendered: dict[str, Rendered], monkeypatch: pytest.MonkeyPatch
):
    # The page's code points come in one call and the per-character calls go
    # through prototypes without argument types; pypdfium2's declared
    # functions, one character at a time, must give the same lines.
    import ctypes

    import pypdfium2.raw as raw

    from pipeline.document import read_pdf as read_pdf_module

    def text_object_address(handle: object, index: int) -> int | None:
        return ctypes.cast(raw.FPDFText_GetTextObject(handle, index), ctypes.c_void_p).value

    monkeypatch.setattr(
        read_pdf_module,
        "_page_codes",
        lambda handle, count: [raw.FPDFText_GetUnicode(handle, index) for index in range(count)],
    )
    monkeypatch.setattr(
        read_pdf_module,
        "_per_character_calls",
        lambda: (text_object_address, raw.FPDFText_GetCharOrigin),
    )
    for document in rendered.values():
        assert read_pdf(document.pdf).lines == document.read["pdfium"].lines


# --- errors ------------------------------------------------------------------------


def assert_one_line_error(
    path: Path, engine: str, reason: str, max_pages: int | None = None
) -> None:
    with pytest.raises(PdfReadError) as caught:
        read_pdf(path, engine, max_pages=max_pages)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    assert reason in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_that_is_not_a_pdf(tmp_path: Path, engine: str):
    path = tmp_path / "report.pdf"
    path.write_bytes("一. 导言\n这不是 PDF 文件。\n".encode())
    assert_one_line_error(path, engine, "not a PDF file")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_or_missing_file(tmp_path: Path, engine: str):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert_one_line_error(empty, engine, "empty file")
    assert_one_line_error(tmp_path / "missing.pdf", engine, "cannot read file")


@pytest.mark.parametrize("keep", [0.5, 0.995])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_truncated_pdf(rendered: dict[str, Rendered], tmp_path: Path, engine: str, keep: float):
    # pdfium would repair a file cut near its end; the reader refuses it still.
    path = tmp_path / "cut.pdf"
    truncate_pdf(rendered["001"].pdf, path, keep=keep)
    assert_one_line_error(path, engine, "truncated PDF")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_corrupt_pdf(tmp_path: Path, engine: str):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nbroken\n%%EOF\n")
    assert_one_line_error(path, engine, "corrupt PDF")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_encrypted_pdf(tmp_path: Path, engine: str):
    path = tmp_path / "locked.pdf"
    encrypt_pdf(path, password="secret")
    assert_one_line_error(path, engine, "encrypted PDF (password required)")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_scanned_pdf_needs_ocr(tmp_path: Path, engine: str):
    path = tmp_path / "scan.pdf"
    image_only_pdf(path, pages=2)
    assert_one_line_error(path, engine, "needs OCR")


@pytest.mark.parametrize("engine", ENGINES)
def test_more_pages_than_allowed(rendered: dict[str, Rendered], engine: str):
    path = rendered["004"].pdf
    assert_one_line_error(path, engine, "30 pages, more than the limit max_pages=5", max_pages=5)
    assert read_pdf(path, engine, max_pages=30).page_count == 30


def test_an_unknown_engine_is_a_programming_error(rendered: dict[str, Rendered]):
    with pytest.raises(ValueError, match="unknown PDF engine"):
        read_pdf(rendered["001"].pdf, "pymupdf")  # type: ignore[arg-type]


# --- any short lines ---------------------------------------------------------------

HAN = "联合国打击跨国有组织犯罪公约缔约方会议决定第号年月日工作组报告"
CJK = HAN + "，。、《》（）“”：；"
cjk_runs = st.text(alphabet=CJK, min_size=1, max_size=8)
words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
numbers = st.from_regex(r"[0-9]{1,4}(/[0-9]{1,2}|\.)?", fullmatch=True)
tokens = st.lists(
    st.tuples(st.one_of(cjk_runs, words, numbers), st.sampled_from(["", " "])),
    min_size=1,
    max_size=4,
)
line_texts = tokens.map(lambda parts: "".join(token + gap for token, gap in parts).strip())
# The first line of a page starts at the margin, as body text does, and with
# Chinese characters, whose width is the unit of indent.
first_lines = st.tuples(
    st.just(0.0),
    st.builds(
        lambda head, gap, rest: (head + gap + rest).strip(),
        st.text(alphabet=HAN, min_size=1, max_size=4),
        st.sampled_from(["", " "]),
        line_texts,
    ),
)
indents = st.integers(min_value=0, max_value=12).map(lambda half: half / 2)
pages_of_lines = st.lists(
    st.builds(
        lambda first, rest: [first, *rest],
        first_lines,
        st.lists(st.tuples(indents, line_texts), max_size=7),
    ),
    min_size=1,
    max_size=3,
)


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(pages=pages_of_lines, furniture=st.booleans())
def test_any_short_lines_read_back_as_drawn(
    tmp_path_factory: pytest.TempPathFactory,
    pages: list[list[tuple[float, str]]],
    furniture: bool,
):
    path = tmp_path_factory.mktemp("generated") / "lines.pdf"
    render_lines_pdf(
        pages,
        path,
        symbol="CTOC/COP/2012/15" if furniture else None,
        job_number="V.12-57117" if furniture else None,
    )
    reads = [read_pdf(path, engine) for engine in ENGINES]
    assert reads[0].lines == reads[1].lines
    for number, expected in enumerate(pages, start=1):
        lines = page_lines(reads[0], number)
        if furniture:
            lines = lines[1:-1]
        assert [(line.indent, line.text) for line in lines] == expected


def test_a_label_at_a_tab_stop_is_not_a_table(tmp_path: Path) -> None:
    """Numbered paragraphs whose text starts at a tab stop, and a bureau line with
    its names at a tab stop, read as ordinary lines; a real table keeps its tabs."""
    from reportlab.pdfgen import canvas

    register_font()
    path = tmp_path / "tabs.pdf"
    pdf = canvas.Canvas(str(path))
    rows = [
        (0, "12."), (3, "工作组审议了议程项目 3。"),
        (0, "主席:"), (5, "Rachmat Budiman（印度尼西亚）"),
        (0, "专题"), (12, "会议报告"),
        (0, "学术界"), (12, "CTOC/COP/WG.7/2013/5"),
    ]  # fmt: skip
    y = 700.0
    for index, (indent, text) in enumerate(rows):
        pdf.setFont(FONT, BODY_SIZE)
        pdf.drawString(LEFT + indent * BODY_SIZE, y, text)
        if index % 2:
            y -= 20
    pdf.showPage()
    pdf.save()
    for engine in ENGINES:
        texts = [line.text for line in read_pdf(path, engine).lines]
        assert texts == [
            "12. 工作组审议了议程项目 3。",
            "主席: Rachmat Budiman（印度尼西亚）",
            "专题\t会议报告",
            "学术界\tCTOC/COP/WG.7/2013/5",
        ], engine


def test_a_table_cell_wrapped_inside_its_column_goes_on_in_its_row(tmp_path: Path) -> None:
    """Columns come from the table's own rows (the running footer's wide gaps
    add none); a row with an empty first cell keeps its empty field; a cell
    wrapped inside its column goes on in its row; a single row spanning the
    table (a date) stays a line of its own."""
    from reportlab.pdfgen import canvas

    register_font()
    path = tmp_path / "table.pdf"
    pdf = canvas.Canvas(str(path))
    second, third = 8.5 * BODY_SIZE, 22 * BODY_SIZE
    rows = [
        [(0, "专题"), (second, "会议报告"), (third, "出处")],
        [(0, "5月10日，星期一")],
        [(0, "缔约方会议和工"), (second, "CTOC/COP/WG.4/2017/4"), (third, "一.15")],
        [(0, "作组的工作")],
        [(second, "CTOC/COP/WG.4/2021/3"), (third, "一.18(a)、一")],
        [(third, ".18(c)")],
        [(0, "数据收集"), (second, "CTOC/COP/WG.4/2010/6"), (third, "一.18")],
    ]
    y = 700.0
    pdf.setFont(FONT, BODY_SIZE)
    for row in rows:
        for x, text in row:
            pdf.drawString(LEFT + x, y, text)
        y -= 15
    pdf.drawString(LEFT - 3 * BODY_SIZE, 60, "V.31-04123")
    pdf.drawString(RIGHT - BODY_SIZE, 60, "3")
    pdf.showPage()
    pdf.save()
    for engine in ENGINES:
        texts = [line.text for line in read_pdf(path, engine).lines]
        assert texts == [
            "专题\t会议报告\t出处",
            "5月10日，星期一",
            "缔约方会议和工作组的工作\tCTOC/COP/WG.4/2017/4\t一.15",
            "\tCTOC/COP/WG.4/2021/3\t一.18(a)、一.18(c)",
            "数据收集\tCTOC/COP/WG.4/2010/6\t一.18",
            "V.31-04123\t3",
        ], engine
