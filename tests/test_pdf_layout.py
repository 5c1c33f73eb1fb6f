"""PDF layouts: a short report drawn in the flush and in the hanging layout, with
items by level, a small-print footnote block, running furniture and Latin runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from pipeline.document.clean import clean_document
from pipeline.document.read_pdf import read_pdf
from pipeline.document.segment import segment
from tests.pdf_render import FONT, register_font

ENGINES = ("pdfium", "pdfplumber")
TIMES = "Times-Roman"
BODY, SMALL, MARKER = 10.5, 8.0, 6.5
LEFT = 72.0
HANG = 28.0  # hanging layout: the text column starts this far right of the numbers
COLUMN = 36  # full-width characters of a line in the text column
RIGHT = LEFT + HANG + COLUMN * BODY
LEADING = 15.0
TOP, PAGE_HEIGHT = 760.0, 842.0
SYMBOL, JOB, BARCODE = "CTOC/COP/WG.9/2031/2", "V.31-01234", "*3101234*"

Layout = Literal["flush", "hanging"]


@dataclass(frozen=True)
class Row:
    """One printed line: a label (or none), its text, and the item level."""

    text: str
    label: str = ""
    level: int = 0  # 0: a numbered paragraph or plain text; 1: (a); 2: ㈠
    first: bool = True  # False: a paragraph's continuation line


def _wrap(label: str, text: str, level: int, first_width: int, width: int) -> list[Row]:
    rows = [Row(text[:first_width], label, level)]
    rest = text[first_width:]
    while rest:
        rows.append(Row(rest[:width], "", level, first=False))
        rest = rest[width:]
    return rows


def _paragraph(label: str, text: str, layout: Layout) -> list[Row]:
    # Flush: the text starts at a tab stop two characters in and wraps to the
    # margin; hanging: all of it stands in the text column, the number left of it.
    first = COLUMN if layout == "hanging" else COLUMN + 2
    width = COLUMN if layout == "hanging" else COLUMN + 2
    return _wrap(label, text, 0, first, width)


def _item(label: str, text: str, level: int) -> list[Row]:
    width = COLUMN - 2 * level - 2
    return _wrap(label, text, level, width, width)


INTRO = "缔约方会议在其第五届会议上设立了枪支问题工作组，负责就其任务授权提供咨询和协助。" * 2
MANDATE = "工作组在会议期间审议了议定书1的批准和实施现状，并听取了秘书处关于所开展活动的介绍。"
ITEM_A = "审议枪支贩运与其他犯罪形式之间的联系；"
ITEM_B = "交流各国在实施议定书方面的经验："
ITEM_B1 = "枪支标识、记录保存和追查方面的实际困难；"
ITEM_B2 = "网络空间和暗网上的枪支贩运。"
CLOSING = "工作组还讨论了今后工作的安排，并请秘书处在下届会议之前编写一份关于所取得进展的报告。" * 3
FOOTNOTE = "联合国，《条约汇编》，第2326卷，第39574号。"


def _pages(layout: Layout) -> list[list[Row]]:
    closing = _paragraph("", CLOSING, layout)
    return [
        [
            Row("导言", "一."),
            *_paragraph("1.", INTRO, layout),
            *_paragraph("2.", MANDATE, layout),
        ],
        [
            *_paragraph("3.", "工作组建议缔约方会议：", layout),
            *_item("(a)", ITEM_A, 1),
            *_item("(b)", ITEM_B, 1),
            *_item("㈠", ITEM_B1, 2),
            *_item("㈡", ITEM_B2, 2),
            *closing[:1],
        ],
        # No numbered paragraph on this page: the rest of the closing paragraph.
        closing[1:],
    ]


def _text_left(layout: Layout) -> float:
    return LEFT + HANG if layout == "hanging" else LEFT


def _draw_row(pdf: canvas.Canvas, row: Row, y: float, layout: Layout) -> None:
    text_left = _text_left(layout)
    label_x = LEFT
    if row.level:
        label_x = text_left + 2 * row.level * BODY
        text_x = label_x + 2 * BODY
    elif row.label:
        text_x = text_left if layout == "hanging" else LEFT + 2 * BODY
    else:
        text_x = text_left
    if row.label:
        pdf.setFont(FONT, BODY)
        pdf.drawString(label_x, y, row.label)
    _draw_marked(pdf, text_x, y, row.text)


def _draw_marked(pdf: canvas.Canvas, x: float, y: float, text: str) -> None:
    """Body text with the footnote marker 1 raised in a small size."""
    before, marker, after = text.partition("1")
    pdf.setFont(FONT, BODY)
    pdf.drawString(x, y, before)
    if marker:
        x += stringWidth(before, FONT, BODY)
        pdf.setFont(TIMES, MARKER)
        pdf.drawString(x, y + 3.5, marker)
        pdf.setFont(FONT, BODY)
        pdf.drawString(x + stringWidth(marker, TIMES, MARKER), y, after)


def _furniture(pdf: canvas.Canvas, number: int) -> None:
    """The symbol at the top, job number, page number and barcode at the foot,
    on the outer side of the page."""
    odd = number % 2 == 1
    pdf.setFont(TIMES, 9)
    if odd:
        pdf.drawRightString(RIGHT, PAGE_HEIGHT - 50, SYMBOL)
        pdf.setFont(TIMES, 8)
        pdf.drawString(LEFT, 50, JOB)
        pdf.setFont(TIMES, 9)
        pdf.drawRightString(RIGHT, 50, str(number))
        pdf.setFont(TIMES, 12)
        pdf.drawString(LEFT, 36, BARCODE)
    else:
        pdf.drawString(LEFT, PAGE_HEIGHT - 50, SYMBOL)
        pdf.drawString(LEFT, 50, str(number))
        pdf.setFont(TIMES, 8)
        pdf.drawRightString(RIGHT, 50, JOB)


def draw_report(path: Path, layout: Layout) -> Path:
    """The report's pages; page 1 ends with its footnote in small print, no rule."""
    register_font()
    pdf = canvas.Canvas(str(path), pagesize=(595.0, PAGE_HEIGHT))
    for number, rows in enumerate(_pages(layout), start=1):
        _furniture(pdf, number)
        y = TOP
        for row in rows:
            _draw_row(pdf, row, y, layout)
            y -= LEADING
        if number == 1:
            foot = 110.0
            pdf.setFont(TIMES, SMALL)
            pdf.drawString(_text_left(layout), foot, "1")
            pdf.setFont(FONT, SMALL)
            pdf.drawString(_text_left(layout) + 12, foot, FOOTNOTE)
        pdf.showPage()
    pdf.save()
    return path


def _read(path: Path, engine: str = "pdfium"):
    source = read_pdf(path, engine)  # type: ignore[arg-type]
    cleaned = clean_document(source, SYMBOL)
    return source, cleaned, segment(cleaned.lines)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, Path]:
    folder = tmp_path_factory.mktemp("layouts")
    return {
        layout: draw_report(folder / f"{layout}.pdf", layout) for layout in ("flush", "hanging")
    }


EXPECTED_BLOCKS = [
    ("chapter", "一.", "导言", []),
    ("paragraph", "1.", INTRO, []),
    ("paragraph", "2.", MANDATE.replace("1", ""), [1]),
    ("paragraph", "3.", "工作组建议缔约方会议：", []),
    ("subitem", "(a)", ITEM_A, []),
    ("subitem", "(b)", ITEM_B, []),
    ("subsubitem", "㈠", ITEM_B1, []),
    ("subsubitem", "㈡", ITEM_B2, []),
    ("body", None, CLOSING, []),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("layout", ["flush", "hanging"])
def test_a_report_in_either_layout_gives_the_same_paragraphs(
    reports: dict[Layout, Path], layout: Layout, engine: str
) -> None:
    _source, _cleaned, blocks = _read(reports[layout], engine)
    assert [(b.kind, b.label, b.text, b.footnote_refs) for b in blocks] == EXPECTED_BLOCKS


@pytest.mark.parametrize("layout", ["flush", "hanging"])
def test_items_are_indented_by_level(reports: dict[Layout, Path], layout: Layout) -> None:
    _source, _cleaned, blocks = _read(reports[layout])
    items = {b.label: b.indent for b in blocks if b.kind in ("subitem", "subsubitem")}
    column = 0.0 if layout == "flush" else 2.5  # the text column, from the numbers
    assert items == {
        "(a)": column + 2,
        "(b)": column + 2,
        "㈠": column + 4,
        "㈡": column + 4,
    }


@pytest.mark.parametrize("layout", ["flush", "hanging"])
def test_a_page_without_a_numbered_paragraph_keeps_the_indents(
    reports: dict[Layout, Path], layout: Layout
) -> None:
    source, cleaned, _blocks = _read(reports[layout])
    removed = {line.number for line in cleaned.removed}
    by_page = {
        page: [
            line.indent for line in source.lines if line.page == page and line.number not in removed
        ]
        for page in (1, 2, 3)
    }
    text = 0.0 if layout == "flush" else 2.5  # continuation lines and plain text
    number = 0.0
    assert by_page[1] == [number, number, text, text, number, text]
    assert by_page[3] == [text] * len(by_page[3])
    assert len(by_page[3]) == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_a_footnote_in_small_print_without_a_rule_is_a_footnote(
    reports: dict[Layout, Path], engine: str
) -> None:
    for path in reports.values():
        _source, cleaned, _blocks = _read(path, engine)
        assert [(f.number, f.marker, f.text, f.page) for f in cleaned.footnotes] == [
            (1, "1", FOOTNOTE, 1)
        ]
        assert [line.text for line in cleaned.removed if line.reason == "footnote"] == [
            f"1 {FOOTNOTE}"
        ]


def test_small_print_that_starts_no_footnote_stays_in_the_text(tmp_path: Path) -> None:
    register_font()
    path = tmp_path / "small.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(FONT, BODY)
    for row in range(3):
        pdf.drawString(LEFT, 700 - row * LEADING, "缔约方会议通过了下列决议")
    pdf.setFont(FONT, SMALL)
    pdf.drawString(LEFT, 600, "资料来源：秘书处")
    pdf.showPage()
    pdf.save()
    cleaned = clean_document(read_pdf(path))
    assert cleaned.footnotes == []
    assert [line.text for line in cleaned.lines][-1] == "资料来源：秘书处"


@pytest.mark.parametrize("layout", ["flush", "hanging"])
def test_header_footer_and_barcode_on_every_page_are_removed(
    reports: dict[Layout, Path], layout: Layout
) -> None:
    _source, cleaned, _blocks = _read(reports[layout])
    furniture = sorted(
        (line.page, line.text) for line in cleaned.removed if line.reason != "footnote"
    )
    assert furniture == [
        (1, BARCODE),
        (1, SYMBOL),
        (1, f"{JOB}\t1"),
        (2, f"2\t{JOB}"),
        (2, SYMBOL),
        (3, BARCODE),
        (3, SYMBOL),
        (3, f"{JOB}\t3"),
    ]
    texts = " ".join(line.text for line in cleaned.lines)
    assert SYMBOL not in texts and JOB not in texts and BARCODE not in texts


@pytest.mark.parametrize("engine", ENGINES)
def test_a_latin_run_in_times_keeps_its_spaces_as_printed(tmp_path: Path, engine: str) -> None:
    register_font()
    path = tmp_path / "latin.pdf"
    pdf = canvas.Canvas(str(path))
    lines = [
        [("S", "会议由"), ("T", " Rachmat Budiman "), ("S", "（印度尼西亚）主持。")],
        [
            ("S", "见文件"),
            ("T", "CTOC/COP/WG.9/2031/2"),
            ("S", "和《"),
            ("T", "UNTOC"),
            ("S", "》"),
        ],
        [("S", "主席团成员"), ("T", "Ana María Pérez-Gómez, Jean Dupont")],
    ]
    for row, runs in enumerate(lines):
        x = LEFT
        for font_class, text in runs:
            font = FONT if font_class == "S" else TIMES
            pdf.setFont(font, BODY)
            pdf.drawString(x, 700 - row * LEADING, text)
            x += stringWidth(text, font, BODY)
    pdf.showPage()
    pdf.save()
    assert [line.text for line in read_pdf(path, engine).lines] == [  # type: ignore[arg-type]
        "会议由 Rachmat Budiman （印度尼西亚）主持。",
        "见文件CTOC/COP/WG.9/2031/2和《UNTOC》",
        "主席团成员Ana María Pérez-Gómez, Jean Dupont",
    ]
