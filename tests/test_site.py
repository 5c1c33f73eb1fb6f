"""The browsable site: Datasette over build/site/untoc.db, driven in headless Chromium.

The site is built from a fresh build of raw/, served on a free port of
127.0.0.1, and read as a browser renders it."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.site.build import FONT_STACK, STATIC_DIR, build_site
from pipeline.site.plugin import search_expression
from tests.chromium import (
    ChromiumUnavailable,
    dump_dom,
    ensure_chromium,
    ensure_cjk_font,
    parse,
    screenshot,
)
from tests.conftest import RAW

# Bounded wait for the server to answer (it reads the dictionary lazily).
STARTUP_TRIES = 120


@pytest.fixture(scope="module")
def chromium() -> Path:
    try:
        binary = ensure_chromium()
        ensure_cjk_font()
    except ChromiumUnavailable as error:
        pytest.fail(f"headless Chromium with a CJK font is needed for the site tests: {error}")
    return binary


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("processed")
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--quiet"]) == 0
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(processed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from pipeline.site.__main__ import serve_command

    folder = tmp_path_factory.mktemp("site")
    build_site(processed, RAW, folder)
    port = _free_port()
    server = subprocess.Popen(
        serve_command(folder, port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(STARTUP_TRIES):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"datasette exited: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("datasette did not answer")
        yield f"{base}/untoc"
    finally:
        server.terminate()
        server.wait(timeout=30)


def cells(html: str, column: str) -> list[str]:
    return [e.text.strip() for e in parse(html) if e.tag == "td" and f"col-{column}" in e.classes]


def test_search_finds_the_recommendation_where_the_phrase_stands_as_a_word(site, chromium):
    page = dump_dom(chromium, f"{site}/recommendations?_search={quote('联合调查小组')}")
    assert cells(page, "rec_id") == ["CTOC/COP/WG.7/2017/5#7"]


def test_traditional_and_full_width_queries_find_the_same(site, chromium):
    page = dump_dom(chromium, f"{site}/recommendations?_search={quote('聯合調查小組')}")
    assert cells(page, "rec_id") == ["CTOC/COP/WG.7/2017/5#7"]


def test_part_of_a_dictionary_word_is_not_a_match(site, chromium):
    page = dump_dom(chromium, f"{site}/recommendations?_search={quote('联合调查')}")
    assert cells(page, "rec_id") == []


def test_search_expression_quotes_each_word(processed):
    assert search_expression("聯合調查小組", str(processed)) == '"联合调查小组"'


def test_a_meeting_page_lists_its_documents_as_links(site, chromium):
    page = parse(dump_dom(chromium, f"{site}/meetings/WG.7~2F4"))
    links = [
        e.text for e in page if e.tag == "a" and "/untoc/documents/" in (e.attrs["href"] or "")
    ]
    assert links == ["CTOC/COP/WG.7/2017/1", "CTOC/COP/WG.7/2017/5"]


def test_a_resolutions_paragraphs_in_reading_order_link_to_their_lines(site, chromium):
    url = f"{site}/instrument_paragraphs?instrument_number=6/1&instrument=resolution"
    page = dump_dom(chromium, url)
    assert cells(page, "ref")[:6] == ["formula", "pp.1", "pp.2", "pp.3", "pp.4", "pp.5"]
    sources = [e for e in parse(page) if e.tag == "a" and "source-lines" in e.classes]
    assert (
        sources and "/untoc/source_lines?doc_id=CTOC%2FCOP%2F2012%2F15" in sources[0].attrs["href"]
    )


def test_metadata_carries_schema_descriptions(site):
    with urllib.request.urlopen(f"{site.rsplit('/', 1)[0]}/-/metadata.json", timeout=10) as got:
        metadata = json.load(got)
    columns = metadata["databases"]["untoc"]["tables"]["meetings"]["columns"]
    assert columns["meeting_id"].startswith("<body>/<meeting number>")


def test_the_validation_report_names_the_same_font_stack(processed):
    html = (processed / "validation" / "report.html").read_text(encoding="utf-8")
    assert " ".join(html.split()).count(FONT_STACK) == 1


def _row_profiles(image: Image.Image, top: int, bottom: int, count: int) -> list[list[int]]:
    """Ink per pixel row of ``count`` equal cells spanning the inked width of a band:
    a shape's profile, which a shift of a pixel sideways does not change."""
    band = image.crop((0, top, image.width, bottom))
    ink = [[band.getpixel((x, y)) < 128 for x in range(band.width)] for y in range(band.height)]
    columns = [x for x in range(band.width) if any(row[x] for row in ink)]
    left, width = columns[0], (columns[-1] + 1 - columns[0]) / count
    return [
        [sum(row[round(left + i * width) : round(left + (i + 1) * width)]) for row in ink]
        for i in range(count)
    ]


def _difference(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / (sum(a) + sum(b) or 1)


def test_chinese_renders_as_glyphs_not_boxes(chromium, tmp_path):
    """With the site's font stack, six different characters give six different
    shapes; six characters no font has give six identical boxes."""
    assert FONT_STACK in (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    page = tmp_path / "glyphs.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{(STATIC_DIR / "site.css").as_uri()}">'
        "<style>body{margin:0;background:#fff;color:#000}div{position:absolute;left:10px;"
        "font-size:64px;line-height:80px;white-space:nowrap}</style>"
        '<div style="top:0">联合调查小组</div>'
        '<div style="top:100px">&#xE000;&#xE001;&#xE002;&#xE003;&#xE004;&#xE005;</div>',
        encoding="utf-8",
    )
    shot = tmp_path / "glyphs.png"
    screenshot(chromium, page.as_uri(), shot, (600, 200))
    image = Image.open(shot).convert("L")
    chinese = _row_profiles(image, 0, 90, 6)
    boxes = _row_profiles(image, 100, 190, 6)
    # Measured: 0.22 to 0.47 between the characters, 0.0 between the boxes.
    assert min(_difference(a, b) for i, a in enumerate(chinese) for b in chinese[i + 1 :]) > 0.1
    assert max(_difference(boxes[0], b) for b in boxes[1:]) < 0.05
