"""Render a source.txt of the unseen corpus (tests/unseen/FORMAT.md) the two ways a
UN document reaches the pipeline: as the text a PDF text extractor returns (hard
wraps, stray spaces, page furniture, footnote blocks) and as a PDF in the official
layout (reportlab, STSong-Light and Times-Roman, no font files).

Both renditions are deterministic: the random choices (stray spaces, single or
double spacing) are seeded from the document's slug."""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

TAB = "<TAB>"
PAGE = "<PAGE>"
MARKER = re.compile(r"\[\^(\d+)\]")
FOOTNOTE_DEF = re.compile(r"^\s*\[\^(\d+)\]:\s*(.*?)\s*$")
TEXT_WIDTH = 38.0  # full-width columns of a body line in the text rendition
FOOTNOTE_WIDTH = 46.0
RULE = "_" * 18
OPENING = set("（《“‘〈「『【〔([{")
CLOSING = set("，。、；：？！）》”’〉」』】〕)]}…%")

Unit = tuple[str, int | None]  # a printed character and the footnote it marks, if any


@dataclass(frozen=True)
class Header:
    symbol: str | None
    job: str
    distributed: str | None = None
    masthead: bool = False
    layout: str = "flush"
    page_lines: int = 34
    header_symbol: bool = True


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line in source.txt
    kind: str  # text | table | blank | page
    indent: int = 0  # leading spaces
    text: str = ""  # the markup, leading spaces out

    @property
    def printed(self) -> str:
        """The block as printed: markers as digits, tab stops as tabs."""
        return " " * self.indent + printed(self.text)


@dataclass
class Source:
    slug: str
    header: Header
    blocks: list[Block]
    footnotes: dict[int, str]
    warnings: list[str] = field(default_factory=list)


def printed(markup: str) -> str:
    return MARKER.sub(r"\1", markup).replace(TAB, "\t")


def parse_source(text: str, slug: str) -> Source:
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValueError(f"{slug}: no '---' line between header and body")
    fields: dict[str, str] = {}
    for raw in head.splitlines():
        line = re.sub(r"\s+#.*$", "", raw).strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    yes = {"yes", "true", "1"}
    header = Header(
        symbol=fields.get("symbol") or None,
        job=fields.get("job", "V.00-00000"),
        distributed=fields.get("distributed") or None,
        masthead=fields.get("masthead", "no").lower() in yes,
        layout=fields.get("layout", "flush"),
        page_lines=int(fields.get("page_lines", 34)),
        header_symbol=fields.get("header_symbol", "yes").lower() in yes,
    )
    blocks: list[Block] = []
    footnotes: dict[int, str] = {}
    warnings: list[str] = []
    first = head.count("\n") + 3
    for number, raw in enumerate(body.split("\n"), start=first):
        line = raw.rstrip()
        if match := FOOTNOTE_DEF.match(line):
            footnotes[int(match.group(1))] = match.group(2)
        elif not line.strip():
            blocks.append(Block(number, "blank"))
        elif line.strip() == PAGE:
            blocks.append(Block(number, "page"))
        else:
            indent = len(line) - len(line.lstrip(" "))
            kind = "table" if TAB in line else "text"
            blocks.append(Block(number, kind, indent, line[indent:]))
    while blocks and blocks[-1].kind == "blank":
        blocks.pop()
    marked = {int(n) for b in blocks for n in MARKER.findall(b.text)}
    warnings += [f"footnote {n} has no marker" for n in sorted(set(footnotes) - marked)]
    warnings += [f"marker {n} has no footnote" for n in sorted(marked - set(footnotes))]
    return Source(slug, header, blocks, footnotes, warnings)


def load_source(path: Path) -> Source:
    return parse_source(path.read_text(encoding="utf-8"), path.parent.name)


def rng_for(slug: str, purpose: str) -> random.Random:
    return random.Random(int(hashlib.sha256(f"{slug}:{purpose}".encode()).hexdigest()[:16], 16))


def double_spaced(slug: str) -> bool:
    return rng_for(slug, "spacing").random() < 0.5


# --- wrapping, shared by both renditions ------------------------------------------


def units(markup: str) -> list[Unit]:
    out: list[Unit] = []
    pos = 0
    for match in MARKER.finditer(markup):
        out += [(ch, None) for ch in markup[pos : match.start()]]
        out += [(ch, int(match.group(1))) for ch in match.group(1)]
        pos = match.end()
    return out + [(ch, None) for ch in markup[pos:]]


def narrow(ch: str) -> bool:
    """A half-width character: ASCII and the other Latin letters and symbols."""
    eaw = unicodedata.east_asian_width(ch)
    return eaw in ("Na", "H") or (eaw in ("N", "A") and ord(ch) < 0x2000)


def columns(ch: str) -> float:
    return 0.5 if narrow(ch) else 1.0


def can_break(line: list[Unit], i: int) -> bool:
    """Whether a line may wrap between ``line[i - 1]`` and ``line[i]``: between two
    non-space characters only, never inside a run of half-width characters, never
    before a footnote marker, and not against the Chinese line-breaking rules."""
    (a, _), (b, marker) = line[i - 1], line[i]
    if a.isspace() or b.isspace() or marker is not None:
        return False
    if narrow(a) and narrow(b):
        return False
    if a == b and a in "—…":
        return False
    return b not in CLOSING and a not in OPENING and a not in "-/"


def wrap(line: list[Unit], widths: list[float], first: float, rest: float) -> list[list[Unit]]:
    cuts = [0, *(i for i in range(1, len(line)) if can_break(line, i)), len(line)]
    pieces: list[list[Unit]] = []
    start, used, limit = 0, 0.0, first
    for lo, hi in itertools.pairwise(cuts):
        width = sum(widths[lo:hi])
        if used + width > limit + 1e-6 and lo > start:
            pieces.append(line[start:lo])
            start, used, limit = lo, 0.0, rest
        used += width
    pieces.append(line[start:])
    return pieces


def text_of(piece: list[Unit]) -> str:
    return "".join(ch for ch, _ in piece)


# --- the text rendition ----------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    kind: str  # body | blank | furniture | footnote
    page: int
    block: int | None = None  # source line of a body line
    footnote: int | None = None  # footnote number of a footnote block line
    markers: tuple[int, ...] = ()


@dataclass
class TextRendition:
    lines: list[TextLine]
    double: bool
    pages: int

    @property
    def text(self) -> str:
        out: list[str] = []
        for line in self.lines:
            out.append(line.text)
            if self.double:
                out.append("")
        return "\n".join(out) + "\n"


def barcode(job: str) -> str:
    return "*" + re.sub(r"\D", "", job) + "*"


def _gz(distributed: str | None) -> str:
    match = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", distributed or "")
    if not match:
        return ""
    year, month, day = match.groups()
    stamp = f"{int(day):02d}{int(month):02d}{year[2:]}"
    return f"    GZ {stamp} {stamp}"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def english_date(distributed: str | None) -> str:
    """The masthead prints the distribution date in English (``2 July 2021``)."""
    match = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", distributed or "")
    if not match:
        return distributed or ""
    year, month, day = (int(g) for g in match.groups())
    return f"{day} {MONTHS[month - 1]} {year}"


def render_text(src: Source) -> TextRendition:
    head, rng = src.header, rng_for(src.slug, "text")
    lines: list[TextLine] = []
    page, count = 1, 0
    pending: list[int] = []
    done: set[int] = set()
    gz = _gz(head.distributed) if rng.random() < 0.5 else ""

    def emit(text: str, kind: str = "furniture", **kw: object) -> None:
        lines.append(TextLine(text, kind, page, **kw))  # type: ignore[arg-type]

    def trail(text: str) -> str:
        return text + " " * rng.choice((1, 1, 2, 3)) if rng.random() < 0.3 else text

    def footnote_block(numbers: list[int]) -> None:
        emit("")
        emit(RULE)
        for n in numbers:
            line = units(f"{n} {src.footnotes[n]}")
            pieces = wrap(line, [columns(c) for c, _ in line], FOOTNOTE_WIDTH, FOOTNOTE_WIDTH)
            for k, piece in enumerate(pieces):
                lead = " " if k and rng.random() < 0.2 else ""
                emit(trail(lead + text_of(piece)), "footnote", footnote=n)
            done.add(n)

    def end_page(last: bool = False) -> None:
        nonlocal page, count
        if last:
            pending.extend(n for n in sorted(src.footnotes) if n not in done and n not in pending)
        if pending:
            footnote_block(pending)
            pending.clear()
        emit("")
        if page == 1:
            emit(f"{head.job} (C){gz}")
            emit(barcode(head.job))
        elif page % 2 == 0:
            emit(f"{page} {head.job}")
        else:
            emit(f"{head.job} {page}")
        if last:
            return
        page, count = page + 1, 0
        if head.header_symbol and head.symbol:
            emit(head.symbol)
            emit("")

    if head.masthead:
        emit("联 合 国")
        emit(head.symbol or "")
        emit("")
        emit("Distr.: General")
        if head.distributed:
            emit(english_date(head.distributed))
        emit("")
        emit("Chinese")
        emit("Original: English")
        emit("")
    for block in src.blocks:
        if block.kind == "page":
            if count:
                end_page()
            continue
        pieces: list[tuple[str, tuple[int, ...]]]
        if block.kind == "blank":
            pieces = [(" " * rng.choice((0, 0, 1, 3)), ())]
        elif block.kind == "table":
            pieces = [(block.printed, tuple(int(n) for n in MARKER.findall(block.text)))]
        else:
            line = units(block.text)
            widths = [columns(c) for c, _ in line]
            wrapped = wrap(line, widths, TEXT_WIDTH - block.indent / 2, TEXT_WIDTH)
            pieces = []
            for k, piece in enumerate(wrapped):
                lead = " " * block.indent if k == 0 else (" " if rng.random() < 0.2 else "")
                pieces.append((lead + text_of(piece), tuple(m for _, m in piece if m)))
        for text, markers in pieces:
            if count == head.page_lines:
                end_page()
            kind = "blank" if block.kind == "blank" else "body"
            emit(trail(text) if kind == "body" else text, kind, block=block.line, markers=markers)
            count += 1
            for n in dict.fromkeys(markers):
                if n in src.footnotes and n not in done and n not in pending:
                    pending.append(n)
    end_page(last=True)
    return TextRendition(lines, double_spaced(src.slug), page)


# --- the PDF rendition -------------------------------------------------------------

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4
LEFT, RIGHT = 98.0, 497.0  # the text column: 38 full-width characters of 10.5 pt
HANG = 28.0  # hanging layout: the text column starts this far right of the numbers
BODY, LEADING, TABSTEP = 10.5, 15.0, 21.0
TOP, BOTTOM = PAGE_H - 82.0, 84.0
FN_SIZE, FN_LEADING, FN_INDENT, RULE_GAP = 8.0, 10.0, 12.0, 12.0
SONG, TIMES = "STSong-Light", "Times-Roman"
NUMBERED = re.compile(r"^(\d{1,3}\.|[一二三四五六七八九十]{1,3}\.|[A-Z]\.)(?!\d)\s*(?=\S)")
ITEM = re.compile(
    r"^(\([a-z]{1,5}\)|[（(][一二三四五六七八九十]{1,3}[)）]|[㈠-㈩]|\(\d{1,2}\))\s*(?=\S)"
)
HEADING = re.compile(r"^([一二三四五六七八九十]{1,3}|[A-Z])\.")


def _latin(ch: str) -> bool:
    if ord(ch) >= 0x2000:
        return False
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Draw:
    x: float
    dy: float  # below the box's first baseline
    line: list[Unit]
    size: float = BODY
    bold: bool = False


@dataclass
class Box:
    height: float
    draws: list[Draw] = field(default_factory=list)
    block: int | None = None
    kind: str = "line"  # line | space | break

    @property
    def markers(self) -> list[int]:
        return list(dict.fromkeys(m for d in self.draws for _, m in d.line if m))


@dataclass
class PdfRendition:
    pages: int
    fragments: list[tuple[int, int, str]]  # (page, source line, printed text) of each drawn piece
    footnote_pages: dict[int, int]
    marker_pages: dict[int, int]


def _width(line: list[Unit], size: float) -> list[float]:
    out = []
    for ch, marker in line:
        if marker is not None:
            out.append(stringWidth(ch, TIMES, size * 0.62))
        else:
            out.append(stringWidth(ch, TIMES if _latin(ch) else SONG, size))
    return out


def _runs(line: list[Unit]) -> list[list[str]]:
    """[font class, text] runs: T (Times), S (Song), M (marker). pdfium drops a text
    object of a single character whose glyph it cannot load (a CID font that is not
    embedded), so a lone Song character takes a neighbouring character with it."""
    runs: list[list[str]] = []
    for ch, marker in line:
        if marker is not None:
            cls = "M"
        elif ch == " ":
            cls = runs[-1][0] if runs and runs[-1][0] != "M" else "T"
        else:
            cls = "T" if _latin(ch) else "S"
        if runs and runs[-1][0] == cls:
            runs[-1][1] += ch
        else:
            runs.append([cls, ch])
    for i, run in enumerate(runs):
        if run[0] != "S" or len(run[1]) != 1:
            continue
        after = runs[i + 1] if i + 1 < len(runs) else None
        before = runs[i - 1] if i else None
        if after and after[0] == "T":
            run[1], after[1] = run[1] + after[1][0], after[1][1:]
        elif before and before[0] == "T" and before[1]:
            run[1], before[1] = before[1][-1] + run[1], before[1][:-1]
        else:
            run[1] = run[1] + " " if after is None else " " + run[1]
    return [r for r in runs if r[1]]


def _draw(canvas: Canvas, x: float, y: float, draw: Draw) -> None:
    for cls, text in _runs(draw.line):
        font = {"T": TIMES, "S": SONG, "M": TIMES}[cls]
        size = draw.size * 0.62 if cls == "M" else draw.size
        obj = canvas.beginText(x, y + (draw.size * 0.33 if cls == "M" else 0))
        obj.setFont(font, size)
        obj.setTextRenderMode(2 if draw.bold else 0)  # fill and stroke: a bold face
        obj.textOut(text)
        canvas.drawText(obj)
        x += stringWidth(text, font, size)


def _tabstop(origin: float, pos: float) -> float:
    return origin + math.ceil((pos - origin + 3.0) / TABSTEP) * TABSTEP


def _text_boxes(block: Block, text_left: float, flush: bool) -> list[Box]:
    line = units(block.text)
    label_match = NUMBERED.match(block.text) if not block.indent else None
    label_match = label_match or ITEM.match(block.text)
    bold = bool(HEADING.match(block.text)) and not block.indent
    label: list[Unit] = []
    if label_match:
        label = units(label_match.group(1))
        line = units(block.text[label_match.end() :])
    label_w = sum(_width(label, BODY))
    if label_match and not block.indent and NUMBERED.match(block.text):
        label_x = LEFT
        text_x = (
            _tabstop(LEFT, LEFT + label_w)
            if flush
            else max(text_left, _tabstop(LEFT, LEFT + label_w))
        )
        cont_x = LEFT if flush else text_left
    elif label_match:
        label_x = text_left + block.indent * BODY
        text_x = cont_x = _tabstop(label_x, label_x + label_w)
    else:
        label_x = text_x = cont_x = text_left + block.indent * BODY
    pieces = wrap(line, _width(line, BODY), RIGHT - text_x, RIGHT - cont_x)
    boxes = []
    for k, piece in enumerate(pieces):
        box = Box(LEADING, block=block.line)
        if k == 0 and label:
            box.draws.append(Draw(label_x, 0, label, bold=bold))
        box.draws.append(Draw(text_x if k == 0 else cont_x, 0, piece, bold=bold))
        boxes.append(box)
    return boxes


def _table_boxes(rows: list[Block], text_left: float) -> list[Box]:
    cells = [[units(c.strip()) for c in row.text.split(TAB)] for row in rows if row.kind == "table"]
    n = max(len(r) for r in cells)
    x0 = text_left + rows[0].indent * BODY
    gap = 12.0
    natural = [
        max((sum(_width(r[j], BODY)) for r in cells if j < len(r)), default=0.0) for j in range(n)
    ]
    room = RIGHT - x0 - gap * (n - 1)
    if sum(natural) <= room:
        widths = [w + (room - sum(natural)) / n for w in natural]
    else:  # share the room: narrow columns keep their width, the others wrap
        widths, left, open_cols = list(natural), room, set(range(n))
        while open_cols:
            share = left / len(open_cols)
            fits = {j for j in open_cols if natural[j] <= share}
            if not fits:
                for j in open_cols:
                    widths[j] = share
                break
            open_cols -= fits
            left -= sum(natural[j] for j in fits)
    xs = [x0 + sum(widths[:j]) + gap * j for j in range(n)]
    boxes = []
    for row in rows:
        if row.kind == "blank":
            boxes.append(Box(LEADING / 2, kind="space"))
            continue
        box = Box(0.0, block=row.line)
        depth = 1
        for j, cell in enumerate(units(c.strip()) for c in row.text.split(TAB)):
            if not cell:
                continue
            pieces = wrap(cell, _width(cell, BODY), widths[j], widths[j])
            depth = max(depth, len(pieces))
            box.draws += [Draw(xs[j], k * LEADING, p) for k, p in enumerate(pieces)]
        box.height = depth * LEADING
        boxes.append(box)
    return boxes


def _boxes(src: Source) -> list[Box]:
    flush = src.header.layout != "hanging"
    text_left = LEFT if flush else LEFT + HANG
    boxes: list[Box] = []
    blocks = src.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "table":
            j = i
            while j < len(blocks) and blocks[j].kind in ("table", "blank"):
                j += 1
            while blocks[j - 1].kind == "blank":
                j -= 1
            boxes += _table_boxes(blocks[i:j], text_left)
            i = j
            continue
        if block.kind == "blank":
            boxes.append(Box(LEADING / 2, kind="space"))
        elif block.kind == "page":
            boxes.append(Box(0.0, kind="break"))
        else:
            boxes += _text_boxes(block, text_left, flush)
        i += 1
    return boxes


def _footnote_lines(src: Source, n: int, fn_x: float) -> list[list[Unit]]:
    line = units(src.footnotes[n])
    width = RIGHT - fn_x - FN_INDENT
    return wrap(line, _width(line, FN_SIZE), width, width)


def render_pdf(src: Source, path: Path) -> PdfRendition:
    if SONG not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(SONG))
    head = src.header
    fn_x = LEFT if head.layout != "hanging" else LEFT + HANG
    fn_lines = {n: _footnote_lines(src, n, fn_x) for n in src.footnotes}
    fn_height = {n: len(v) * FN_LEADING + 2 for n, v in fn_lines.items()}

    # Paginate: each page is a list of (box, top) and the footnotes it carries.
    pages: list[tuple[list[tuple[Box, float]], list[int]]] = [([], [])]
    y = TOP - (96.0 if head.masthead else 0.0)
    reserve, placed = 0.0, set[int]()
    for box in _boxes(src):
        items, notes = pages[-1]
        if box.kind == "break":
            if items:
                pages.append(([], []))
                y, reserve = TOP, 0.0
            continue
        if box.kind == "space" and not items:
            continue
        new = [m for m in box.markers if m in src.footnotes and m not in placed]
        extra = sum(fn_height[m] for m in new) + (RULE_GAP if new and not notes else 0.0)
        if items and y - box.height < BOTTOM + reserve + extra:
            pages.append(([], []))
            items, notes = pages[-1]
            y, reserve = TOP, 0.0
            if box.kind == "space":
                continue
            extra = sum(fn_height[m] for m in new) + (RULE_GAP if new else 0.0)
        items.append((box, y))
        notes += new
        placed |= set(new)
        reserve += extra
        y -= box.height
    pages[-1][1].extend(n for n in sorted(src.footnotes) if n not in placed)

    canvas = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    canvas.setTitle(head.symbol or src.slug)
    fragments: list[tuple[int, int, str]] = []
    footnote_pages: dict[int, int] = {}
    marker_pages: dict[int, int] = {}
    canvas.setLineWidth(0.3)
    for number, (items, notes) in enumerate(pages, start=1):
        _header(canvas, head, number)
        for box, top in items:
            for draw in box.draws:
                _draw(canvas, draw.x, top - LEADING + 4.0 - draw.dy, draw)
                fragments.append((number, box.block or 0, text_of(draw.line)))
            for m in box.markers:
                marker_pages.setdefault(m, number)
        if notes:
            area_top = BOTTOM + sum(fn_height[n] for n in notes) + RULE_GAP
            _draw(canvas, fn_x, area_top - 4, Draw(fn_x, 0, units(RULE), FN_SIZE))
            yy = area_top - RULE_GAP
            for n in notes:
                footnote_pages[n] = number
                yy -= FN_LEADING
                _draw(canvas, fn_x, yy, Draw(fn_x, 0, units(str(n)), FN_SIZE))
                for k, piece in enumerate(fn_lines[n]):
                    if k:
                        yy -= FN_LEADING
                    _draw(canvas, fn_x + FN_INDENT, yy, Draw(0, 0, piece, FN_SIZE))
                yy -= 2
        _footer(canvas, head, number)
        canvas.showPage()
    canvas.save()
    return PdfRendition(len(pages), fragments, footnote_pages, marker_pages)


def _put(canvas: Canvas, text: str, x: float, y: float, size: float, right: bool = False) -> None:
    line = units(text)
    if right:
        x -= sum(_width(line, size))
    _draw(canvas, x, y, Draw(x, 0, line, size))


def _header(canvas: Canvas, head: Header, page: int) -> None:
    """The masthead on page 1 (``masthead: yes``), else the symbol at the top."""
    put = partial(_put, canvas)
    if head.masthead and page == 1:
        y0 = PAGE_H - 64
        put("联 合 国", LEFT - 20, y0, 14)
        put(head.symbol or "", RIGHT, y0, 14, right=True)
        canvas.line(LEFT - 20, y0 - 8, RIGHT, y0 - 8)
        x = RIGHT - 120
        lines = [
            "Distr.: General",
            english_date(head.distributed),
            "",
            "Chinese",
            "Original: English",
        ]
        for k, text in enumerate(lines):
            if text:
                put(text, x, y0 - 26 - 12 * k, 10)
    elif head.header_symbol and head.symbol:
        put(head.symbol, RIGHT if page % 2 else LEFT, PAGE_H - 50, 9, right=bool(page % 2))
        canvas.line(LEFT, PAGE_H - 55, RIGHT, PAGE_H - 55)


def _footer(canvas: Canvas, head: Header, page: int) -> None:
    """Job number and page number on alternate sides, the barcode's text."""
    put = partial(_put, canvas)
    job = f"{head.job} (C)" if page == 1 else head.job
    if page % 2:
        put(job, LEFT if page == 1 else RIGHT - 24, 50, 8, right=page != 1)
        put(str(page), RIGHT, 50, 9, right=True)
        put(barcode(head.job), LEFT if page == 1 else RIGHT, 36, 12, right=page != 1)
    else:
        put(str(page), LEFT, 50, 9)
        put(job, LEFT + 24, 50, 8)
        put(barcode(head.job), LEFT, 36, 12)


# --- a corpus: every document rendered into one raw/ folder ----------------------

CATALOG_FIELDS = (
    "file", "symbol", "language", "kind", "title", "body",
    "meeting_number", "venue", "distribution_date", "note",
)  # fmt: skip


def documents(folder: Path) -> list[Path]:
    """The document folders (each with a source.txt and an expected.json)."""
    if not folder.is_dir():
        return []
    return sorted(
        d
        for d in folder.iterdir()
        if (d / "source.txt").is_file() and (d / "expected.json").is_file()
    )


def write_corpus(folders: list[Path], raw: Path, rendition: str) -> dict[str, object]:
    """Render every document as ``text`` or ``pdf`` into ``raw`` (emptied first),
    named ``<file>.txt`` / ``<file>.pdf`` after its expected.json, with a
    catalog.csv from the expected files' ``catalog`` entries. Returns each slug's
    rendition (a TextRendition or a PdfRendition)."""
    import csv
    import json
    import shutil

    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    out: dict[str, object] = {}
    catalog: list[dict[str, str]] = []
    for folder in folders:
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        src = load_source(folder / "source.txt")
        name = f"{expected['file']}.{'pdf' if rendition == 'pdf' else 'txt'}"
        if rendition == "pdf":
            out[src.slug] = render_pdf(src, raw / name)
        else:
            rendered = render_text(src)
            (raw / name).write_text(rendered.text, encoding="utf-8")
            out[src.slug] = rendered
        if expected.get("catalog"):
            row = {k: "" if v is None else str(v) for k, v in expected["catalog"].items()}
            catalog.append({**dict.fromkeys(CATALOG_FIELDS, ""), **row, "file": name})
    if catalog:
        with (raw / "catalog.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=CATALOG_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(catalog)
    return out
