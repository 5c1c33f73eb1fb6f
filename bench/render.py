"""Render seed texts into PDFs laid out like UN documents (tests and benchmark).

The seeds are text extracted from the official PDFs. :func:`plan_pages` turns
such a text back into pages of lines (what a reader of the PDF must return);
:func:`render_lines_pdf` draws pages with reportlab's built-in CID font
``STSong-Light`` (no font file needed), a running header and a footer.

It lives in the package so that the benchmark's corpus generator can use it
without importing test modules; ``tests/pdf_render.py`` re-exports it. It needs
reportlab (a test dependency), which is imported only here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.document.clean import double_spaced as is_double_spaced
from pipeline.document.clean import strip_markup

FONT = "STSong-Light"
BODY_SIZE = 10.5
FOOTNOTE_SIZE = 8.0
PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 72.0
RIGHT = PAGE_WIDTH - 72.0
# Baselines measured up from the page bottom: header and footer in the margins.
HEADER_BASELINE = PAGE_HEIGHT - 48.0
BODY_TOP = PAGE_HEIGHT - 90.0
BODY_BOTTOM = 60.0
FOOTER_BASELINE = 36.0
BODY_LEADING = 16.0
# Lines wider than this (full-width characters of the body font) are broken;
# hard-wrapped text never is (its lines are at most about 40 wide).
TEXT_WIDTH = 46
FOOTNOTE_LEADING = 10.0

_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_START = re.compile(r"^\s*\d+\s+\S")
# The source's own page furniture: `10 V.12-57117` (even) or `V.12-57117 11` (odd)
# followed by the symbol line of the next page.
_FOOTER = re.compile(r"^(?:\d+\s+V\.\d{2}-\d{5}|V\.\d{2}-\d{5}\s+\d+)(?:\s.*)?$")
_SYMBOL = re.compile(r"^[A-Z]+(?:/[A-Za-z0-9.]+)+$")
_SPACES = re.compile(r" {2,}")


@dataclass(frozen=True, slots=True)
class RenderedLine:
    """One drawn line: indent in full-width characters, text without leading spaces."""

    indent: float
    text: str
    footnote: bool = False
    # Extra empty lines above this one (the space around headings).
    space_before: int = 0


Page = list[RenderedLine]


def register_font() -> None:
    """Make the built-in CID font known to reportlab (once)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def drawable(text: str) -> str:
    """``text`` as the built-in font can carry it, so that it reads back the same.

    STSong-Light covers the Adobe-GB1 collection (about GBK); a character
    outside it (``š`` in a delegate's name) cannot be mapped back to Unicode by
    pdfminer and is drawn as its base letter instead (``s``), or ``?``.
    """
    chars = []
    for char in text:
        if not char.encode("gbk", "ignore"):
            base = unicodedata.normalize("NFKD", char)[:1]
            char = base if base and base.encode("gbk", "ignore") else "?"
        chars.append(char)
    return "".join(chars)


def plan_pages(text: str, *, symbol: str, lines_per_page: int = 38) -> list[Page]:
    """Pages of lines as the official PDF had them, from its extracted text.

    Blank lines are extraction artifacts and dropped. A footnote block (a
    ``____`` line and its footnotes) closes its page; the source's furniture
    pair (``10 V.12-57117`` / ``CTOC/COP/2012/15``) marks a page break and is
    dropped. The first line of each source page carries one extra leading
    space in the text (the start of the text counts as a page start): it is
    taken off. A page also ends once it holds ``lines_per_page`` lines; footnote
    lines never move to the next page, since they belong to their page. Runs
    of inner spaces become one space, and text passes through :func:`drawable`.
    """
    pages: list[Page] = [[]]
    page_top = True
    in_footnotes = False
    after_footer = False
    raw_lines = text.splitlines()
    double_spaced = is_double_spaced(raw_lines)
    blank_before = True
    previous_spaced = True

    def new_page() -> None:
        if pages[-1]:
            pages.append([])

    normal_gap = 1 if double_spaced else 0
    blanks = 0
    for raw in raw_lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            blank_before = True
            blanks += 1
            continue
        # More blank lines than the text's usual spacing: space around a heading.
        space_before = 1 if blanks > normal_gap else 0
        blanks = 0
        # A page that ended mid-text shows as an indented line right after a
        # line that itself followed a blank one (runs of single-spaced lines
        # are lists and tables, not page breaks).
        page_break = double_spaced and not blank_before and previous_spaced
        previous_spaced = blank_before
        blank_before = False
        if _FOOTER.match(stripped):
            new_page()
            in_footnotes = False
            page_top = True
            after_footer = True
            continue
        if (after_footer or not pages[0]) and (stripped == symbol or _SYMBOL.match(stripped)):
            # The next page's running header (or the first page's symbol).
            after_footer = False
            continue
        after_footer = False
        leading = len(line) - len(line.lstrip(" "))
        if _SEPARATOR.match(line):
            in_footnotes = True
            pages[-1].append(RenderedLine(leading, stripped, footnote=True))
            continue
        if in_footnotes:
            # Footnotes start with their number; a continuation of a footnote
            # is not indented. A space-led line is the next page's first line.
            if _FOOTNOTE_START.match(line) or leading == 0:
                pages[-1].append(RenderedLine(leading, _clean(stripped), footnote=True))
                continue
            in_footnotes = False
            new_page()
            page_top = True
        if page_break and leading and pages[-1]:
            new_page()
            page_top = True
        if len(pages[-1]) >= lines_per_page:
            new_page()
        if page_top and leading:
            leading -= 1
        space = 0 if page_top or not pages[-1] else space_before
        page_top = False
        # Tabs separate table cells; a leading one is an empty first cell.
        shown = _clean(strip_markup(line.strip(" \u3000") if "\t" in line else stripped))
        if "\t" in shown:
            # A table row: its cells are drawn at the table's columns.
            pages[-1].append(RenderedLine(0, shown.rstrip("\t"), space_before=space))
            continue
        for index, piece in enumerate(_wrap(shown, TEXT_WIDTH - leading)):
            if index and len(pages[-1]) >= lines_per_page:
                new_page()
            pages[-1].append(
                RenderedLine(leading if index == 0 else 0, piece, space_before=space * (index == 0))
            )
    if not pages[-1]:
        pages.pop()
    return pages


def _width(text: str) -> float:
    """Width in full-width characters (ASCII counts half)."""
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def _wrap(text: str, width: float) -> list[str]:
    """Break a line longer than the text width, as a PDF's line breaking would
    (text converted from HTML keeps a paragraph on one line)."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if current and _width(current + char) > width:
            pieces.append(current.rstrip())
            current = char.lstrip()
        else:
            current += char
    pieces.append(current)
    return [piece for piece in pieces if piece] or [text]


def _clean(text: str) -> str:
    # A reader cannot tell how many spaces made a gap: one is drawn.
    return drawable(_SPACES.sub(" ", text))


def render_text_pdf(
    text: str,
    out: Path,
    *,
    symbol: str,
    job_number: str,
    lines_per_page: int = 38,
) -> None:
    """Render a seed text as a PDF with the pages of :func:`plan_pages`."""
    pages = plan_pages(text, symbol=symbol, lines_per_page=lines_per_page)
    render_lines_pdf(pages, out, symbol=symbol, job_number=job_number)


def header_footer(page: int, *, symbol: str, job_number: str) -> tuple[str, str]:
    """The running header and footer texts of a page, as UN documents print them."""
    footer = f"{page} {job_number}" if page % 2 == 0 else f"{job_number} {page}"
    return symbol, footer


def render_lines_pdf(
    pages: Sequence[Sequence[RenderedLine | tuple[float, str]]],
    out: Path,
    *,
    symbol: str | None = "CTOC/COP/2012/15",
    job_number: str | None = "V.12-57117",
    password: str | None = None,
) -> None:
    """Draw pages given line by line; ``(indent, text)`` tuples are body lines.

    Each line is drawn as one string at ``LEFT + indent`` full-width characters,
    so its inner spaces are real space glyphs. Footnote lines use the small
    font right after the body lines. The header (``symbol``) sits in the top
    margin and the footer in the bottom one, right-aligned on odd pages and
    left-aligned on even ones; ``None`` leaves them out. ``password`` encrypts
    the file (a user password is then needed to open it).
    """
    register_font()
    pdf = canvas.Canvas(str(out), pagesize=A4, encrypt=password, pageCompression=1)
    pdf.setTitle(symbol or "rendered")
    pages = [
        [line if isinstance(line, RenderedLine) else RenderedLine(*line) for line in page]
        for page in pages
    ]
    columns, table_size = _table_columns([line for page in pages for line in page])
    for number, lines in enumerate(pages, start=1):
        if symbol is not None:
            _draw_aligned(pdf, symbol, HEADER_BASELINE, odd=number % 2 == 1)
        if job_number is not None:
            footer = header_footer(number, symbol=symbol or "", job_number=job_number)[1]
            _draw_aligned(pdf, footer, FOOTER_BASELINE, odd=number % 2 == 1)
        # Squeeze the leading only when a page would run into the bottom margin.
        needed = sum(
            (FOOTNOTE_LEADING if line.footnote else BODY_LEADING) * (1 + line.space_before)
            for line in lines
        )
        scale = min(1.0, (BODY_TOP - BODY_BOTTOM) / needed) if needed else 1.0
        y = BODY_TOP
        for line in lines:
            y -= BODY_LEADING * line.space_before * scale
            size = FOOTNOTE_SIZE if line.footnote else BODY_SIZE
            if "\t" in line.text:
                pdf.setFont(FONT, table_size)
                for column, cell in zip(columns, line.text.split("\t"), strict=False):
                    if cell:
                        pdf.drawString(LEFT + column, y, cell)
            else:
                pdf.setFont(FONT, size)
                pdf.drawString(LEFT + line.indent * BODY_SIZE, y, line.text)
            y -= (FOOTNOTE_LEADING if line.footnote else BODY_LEADING) * scale
        pdf.showPage()
    pdf.save()


# Space between table columns, in characters of the table's font.
_COLUMN_GAP = 3


def _table_columns(lines: list[RenderedLine]) -> tuple[list[float], float]:
    """Column offsets (points from the left margin) and the font size that fit
    the widest cell of each column, a few characters apart, across the page."""
    rows = [line.text.split("\t") for line in lines if "\t" in line.text]
    if not rows:
        return [], BODY_SIZE
    count = max(len(row) for row in rows)
    # Latin glyphs of the built-in font run up to about 0.7 em wide.
    widths = [
        max((_width(row[i]) * 1.4 for row in rows if i < len(row)), default=0) for i in range(count)
    ]
    total = sum(widths) + _COLUMN_GAP * count
    size = min(BODY_SIZE, (RIGHT - LEFT) / total)
    offsets, position = [], 0.0
    for width in widths:
        offsets.append(position)
        position += (width + _COLUMN_GAP) * size
    return offsets, size


def _draw_aligned(pdf: canvas.Canvas, text: str, y: float, *, odd: bool) -> None:
    pdf.setFont(FONT, FOOTNOTE_SIZE + 1)
    if odd:
        pdf.drawRightString(RIGHT, y, text)
    else:
        pdf.drawString(LEFT, y, text)


def image_only_pdf(out: Path, pages: int = 1) -> None:
    """A "scanned" PDF: pages with a drawn picture and no text layer."""
    pdf = canvas.Canvas(str(out), pagesize=A4)
    for _ in range(pages):
        pdf.setFillGray(0.6)
        pdf.rect(LEFT, BODY_BOTTOM, RIGHT - LEFT, BODY_TOP - BODY_BOTTOM, fill=1)
        pdf.showPage()
    pdf.save()


def encrypt_pdf(out: Path, password: str = "secret") -> None:
    """A one-page PDF that needs ``password`` to be opened."""
    render_lines_pdf([[(0, "加密的文件 2012 年")]], out, password=password)


def truncate_pdf(source: Path, out: Path, keep: float = 0.5) -> None:
    """Copy the first ``keep`` share of ``source``'s bytes: a download cut short."""
    data = source.read_bytes()
    out.write_bytes(data[: int(len(data) * keep)])
