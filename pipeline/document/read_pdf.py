"""Read a PDF into numbered source lines from the positions of its characters.

Both engines only collect characters with their origin, advance width and font
size; grouping into lines, spacing and indentation are computed here, once, so
that the two engines give the same lines for the same file. There is no layout
analysis: pdfminer's (behind pdfplumber's ``extract_text``) is slow and splits
Chinese text with spurious spaces.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import itertools
import math
import re
import statistics
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import add, itemgetter, ne, sub
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.models import SourceDocument, SourceLine

if TYPE_CHECKING:
    import pdfplumber
    import pdfplumber.page
    import pypdfium2

Engine = Literal["pdfium", "pdfplumber"]

# Two characters sit on one line when their baselines differ by at most this
# share of the font size: superscript footnote markers stay on their line, the
# next line (at least ~1.2 em below) does not join.
_LINE_TOLERANCE = 0.4
# A horizontal gap wider than this share of the font size reads as a space.
# Adjacent Chinese characters have no gap at all, so they are never split.
_SPACE_GAP = 1 / 3
# The same character drawn again this close (in em) is a fake-bold overprint.
_OVERPRINT = 0.15
# An ambiguous-width character this wide (in em) is drawn full-width.
_FULL_WIDTH = 0.9
# Lines whose x0 differ by less than this (points) start at the same margin.
_SAME_X = 0.5
# A first or last line this many median line spacings away from the rest of
# the page sits in the top or bottom margin.
_STRAY_GAP = 1.5
# Where to look for the PDF header and the end-of-file marker (bytes).
_HEAD_BYTES = 1024
_TAIL_BYTES = 8192
# Code points that may be pdfium's generated spacing rather than drawn text.
_WHITESPACE = frozenset(ord(char) for char in " \u00a0\u3000")
# The code points a page's character may be left out for: controls always,
# whitespace where generated.
_MAYBE_SKIPPED = frozenset(range(32)) | _WHITESPACE
# Line positions are rounded so that float noise of an engine cannot change them.
_ROUND = 2
# Font sizes likewise, in points.
_SIZE_ROUND = 1
# An empty gap this many font sizes wide separates table cells (a tab). A
# narrower gap, down to _SOFT_CELL_GAP, does so only where it opens at the
# edge of a column that wide gaps show (tight columns of a wide table).
_CELL_GAP = 1.5
_SOFT_CELL_GAP = 1.0
# Single-cell lines a table may hold between two of its rows, and the largest
# step between two of its lines (in the page's usual line steps).
_TABLE_BREAK = 2
_ROW_STEP = 2.0
# The first cell of a line that is a label followed by a tab stop, not a table.
_LABEL_CELL = re.compile(
    r"^(?:\d{1,3}\s*[.．]|[(（][a-z]{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*[.．、]|[A-Z]\s*[.．]"
    r"|[㈠-㈩①-⑳]|[(（][一二三四五六七八九十]{1,3}[)）]|.{1,12}[:：])$"
)


class PdfReadError(ValueError):
    """A PDF that cannot be read; the message is one line: ``<file>: <reason>``."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        # Engine messages may span lines; the report wants exactly one.
        self.reason = " ".join(reason.split())
        super().__init__(f"{source}: {self.reason}")


# One character as drawn: (text, x0, x1, baseline, size), origin, advance
# and size in points. ``baseline`` is measured downward from the page top, so
# that sorting by it gives reading order. A plain tuple: a page has thousands
# of characters, and zip makes plain tuples at C speed (a named tuple costs
# a second tuple per character); the readers unpack it by position.
_Char = tuple[str, float, float, float, float]


@dataclass(slots=True)
class _Page:
    number: int
    height: float
    chars: list[_Char]


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    top: float
    # The font size of most of its characters (raised markers are smaller).
    size: float = 0.0
    indent: float = 0.0
    # Runs of text separated by wide empty gaps: table cells, (x0, text).
    cells: list[tuple[float, str]] = field(default_factory=list)
    # The right edge of each cell, and whether a narrow gap opened it.
    cell_ends: list[float] = field(default_factory=list)
    soft: list[bool] = field(default_factory=list)


def read_pdf(
    path: Path,
    engine: Engine = "pdfium",
    *,
    max_pages: int | None = None,
) -> SourceDocument:
    """Read ``path`` page by page into :class:`SourceLine` records.

    Raise :class:`PdfReadError` for a file that is not a PDF, is truncated or
    corrupt, needs a password, has more than ``max_pages`` pages, or has no text
    layer at all (a scan, which needs OCR).
    """
    path = Path(path)
    name = path.name
    extract = _ENGINES.get(engine)
    if extract is None:
        raise ValueError(f"unknown PDF engine {engine!r}; use 'pdfium' or 'pdfplumber'")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PdfReadError(name, f"cannot read file ({exc.strerror or exc})") from exc
    _check_container(data, name)
    pages = extract(data, name, max_pages)
    if not pages:
        raise PdfReadError(name, "PDF has no pages")
    if not any(not char[0].isspace() for page in pages for char in page.chars):
        raise PdfReadError(
            name, f"no text layer on any of its {len(pages)} pages (scanned?); it needs OCR"
        )
    lines: list[SourceLine] = []
    built = [_build_lines(page.chars) for page in pages]
    # Column edges shown by wide gaps anywhere: a table goes on over pages.
    edges = _hard_edges([line for page_lines in built for line in page_lines])
    # One text column for the whole document: a page whose leftmost line is
    # indented (no paragraph number hanging in the margin) keeps its indents.
    column = _text_column([_left_margin(page_lines) for page_lines in built if page_lines])
    carried: list[float] = []
    for page, page_lines in zip(pages, built, strict=True):
        for line in _page_lines(page.chars, page_lines, edges, carried, column):
            lines.append(
                SourceLine(
                    number=len(lines) + 1,
                    text=line.text,
                    page=page.number,
                    indent=line.indent,
                    top=line.top,
                    page_height=round(page.height, _ROUND),
                    size=line.size,
                )
            )
    return SourceDocument(
        path=path,
        source_format="pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="pdf",
        lines=lines,
        page_count=len(pages),
    )


def _check_container(data: bytes, name: str) -> None:
    """Refuse files that are not PDFs or lost their end before any engine sees them.

    pdfium silently repairs a PDF cut short (it rebuilds the cross-reference
    table from what is left), so truncation is checked here: every complete
    PDF ends with an ``%%EOF`` marker.
    """
    if not data:
        raise PdfReadError(name, "empty file")
    if b"%PDF-" not in data[:_HEAD_BYTES]:
        raise PdfReadError(name, "not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-_TAIL_BYTES:]:
        raise PdfReadError(name, "truncated PDF (no %%EOF marker at the end)")


def _check_page_count(name: str, count: int, max_pages: int | None) -> None:
    if max_pages is not None and count > max_pages:
        raise PdfReadError(name, f"{count} pages, more than the limit max_pages={max_pages}")


# --- engines -----------------------------------------------------------------


def _pdfium_pages(data: bytes, name: str, max_pages: int | None) -> list[_Page]:
    """Characters of every page through pypdfium2's text page API.

    pdfium leaves out of its text page any text object whose glyphs it cannot
    measure (a font that is not embedded, as installed fonts are not used,
    typically Chinese, drawn one character per object). Such a page is read
    through pdfplumber instead, which needs no glyphs: text must not vanish
    silently.
    """
    import pypdfium2 as pdfium

    _without_system_fonts()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium's FPDF_ERR_PASSWORD: encrypted with a user password.
        if getattr(exc, "err_code", None) == 4:
            raise PdfReadError(name, "encrypted PDF (password required)") from exc
        raise PdfReadError(name, f"corrupt PDF ({exc})") from exc
    fallback = _PdfplumberFallback(data, name)
    try:
        count = len(document)
        _check_page_count(name, count, max_pages)
        pages = []
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError as exc:
                raise PdfReadError(name, f"corrupt PDF (page {index + 1}: {exc})") from exc
            try:
                if _pdfium_drops_text(page):
                    pages.append(fallback.page(index))
                else:
                    pages.append(_pdfium_page(page, index + 1))
            finally:
                page.close()
        return pages
    finally:
        fallback.close()
        document.close()


@functools.cache
def _without_system_fonts() -> object:
    """Keep pdfium from standing installed fonts in for fonts a PDF does not embed.

    Reading needs a font's widths, which the PDF carries, not its glyphs.
    With a large Chinese font installed (Noto CJK) pdfium parses the outline
    of every character of such a font to measure its box, twice (page and
    text page): ten times the cost of the rest of the read. Its built-in
    fonts stand in instead, as on a machine without Chinese fonts, so that
    what is read does not depend on the fonts installed. This holds for the
    whole process (pdfium has one font mapper); the pipeline does not render
    pages. Returns the structure, which pdfium keeps using.
    """
    import ctypes

    import pypdfium2.raw as raw

    fields = dict(raw.FPDF_SYSFONTINFO._fields_)
    # Version 1: the callbacks below, none of them optional; each finds nothing.
    info = raw.FPDF_SYSFONTINFO(
        version=1,
        Release=fields["Release"](lambda _this: None),
        EnumFonts=fields["EnumFonts"](lambda _this, _mapper: None),
        MapFont=fields["MapFont"](
            lambda _this, _weight, _italic, _charset, _pitch, _face, _exact: None
        ),
        GetFont=fields["GetFont"](lambda _this, _face: None),
        GetFontData=fields["GetFontData"](lambda _this, _font, _table, _buffer, _size: 0),
        GetFaceName=fields["GetFaceName"](lambda _this, _font, _buffer, _size: 0),
        GetFontCharset=fields["GetFontCharset"](lambda _this, _font: 0),
        DeleteFont=fields["DeleteFont"](lambda _this, _font: None),
    )
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))
    return info


def _pdfium_drops_text(page: pypdfium2.PdfPage) -> bool:
    """True when a text object has no width: pdfium's text page skips those."""
    import ctypes

    import pypdfium2.raw as raw

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    # Raw calls rather than pypdfium2's object wrappers: this runs on every
    # page, and Word writes hundreds of text objects per page.
    pending = [
        raw.FPDFPage_GetObject(page.raw, index)
        for index in range(raw.FPDFPage_CountObjects(page.raw))
    ]
    while pending:
        page_object = pending.pop()
        kind = raw.FPDFPageObj_GetType(page_object)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            pending.extend(
                raw.FPDFFormObj_GetObject(page_object, index)
                for index in range(raw.FPDFFormObj_CountObjects(page_object))
            )
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            raw.FPDFPageObj_GetBounds(page_object, left, bottom, right, top)
            if right.value - left.value < 0.01:
                return True
    return False


class _PdfplumberFallback:
    """pdfplumber opened on first need, for the pages pdfium cannot read."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = data
        self._name = name
        self._pdf: pdfplumber.PDF | None = None

    def page(self, index: int) -> _Page:
        if self._pdf is None:
            self._pdf = _open_pdfplumber(self._data, self._name)
        try:
            return _pdfplumber_page(self._pdf.pages[index])
        except Exception as exc:  # pdfminer fails in many ways on a damaged file
            raise _pdfminer_error(self._name, exc, index + 1) from exc

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _pdfium_page(page: pypdfium2.PdfPage, number: int) -> _Page:
    """One page's characters, read through pdfium's raw text API.

    The page's text comes in one call; per character only its origin and
    its text object are asked for (the object's font, size and scale once).
    The page is read column by column, each column by a ``map`` over the
    C functions and C-level operations: no Python statement runs per
    character, which otherwise cost more than pdfium's calls themselves.
    """
    import ctypes

    import pypdfium2.raw as raw

    _left, _bottom, _right, crop_top = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        codes = _page_codes(handle, raw.FPDFText_CountChars(handle))
        # Generated characters are pdfium's own guesses (spaces, line ends).
        skipped = {
            index
            for index in itertools.compress(
                itertools.count(), map(_MAYBE_SKIPPED.__contains__, codes)
            )
            if codes[index] < 32 or raw.FPDFText_IsGenerated(handle, index)
        }
        kept = list(itertools.filterfalse(skipped.__contains__, range(len(codes))))
        count = len(kept)
        kept_codes = list(map(codes.__getitem__, kept))
        object_of, char_origin = _per_character_calls()
        objects = list(map(object_of, itertools.repeat(handle), kept))
        xs, ys, x_slots, y_slots = _origin_buffers(count)
        # The calls only write into the buffers: nothing to keep of the map.
        collections.deque(
            map(char_origin, itertools.repeat(handle), kept, x_slots, y_slots), maxlen=0
        )
        origins_x, origins_y = xs[:count], ys[:count]
        # Font, size and scale belong to the text object, and a text object's
        # characters come one after another: look them up once per run.
        starts = list(itertools.compress(range(1, count), map(ne, objects[1:], objects)))
        matrix = raw.FS_MATRIX()
        width = ctypes.c_float()
        # Advance widths per font and code; a font handle is only trusted
        # within its page, as pdfium may free and reuse it afterwards.
        widths: dict[int, dict[int, float]] = {}
        # The advances in points, per font and horizontal scale, and code.
        advances: dict[tuple[int, float], dict[int, float]] = {}
        sizes: list[float] = []
        char_advances: list[float] = []
        matrix_of, font_size_of, font_of, glyph_width = _per_object_calls()
        matrix_ref, width_ref = ctypes.byref(matrix), ctypes.byref(width)
        per_mille_size = ctypes.c_float(1000.0)
        for start, end in itertools.pairwise([0, *starts, count] if count else []):
            index = kept[start]
            matrix_of(handle, index, matrix_ref)
            # The font size is the Tf operand; the matrix carries any
            # scaling of the text or the page (Word writes Tf 1, scales by Tm).
            font_size = font_size_of(handle, index)
            size = font_size * math.hypot(matrix.c, matrix.d)
            em_width = font_size * math.hypot(matrix.a, matrix.b)
            font_key = font_of(ctypes.c_void_p(objects[start])) or 0
            font = ctypes.c_void_p(font_key)
            font_widths = widths.setdefault(font_key, {})
            advance_of = advances.setdefault((font_key, em_width), {})
            run_codes = kept_codes[start:end]
            for code in set(run_codes).difference(advance_of):
                per_mille = font_widths.get(code)
                if per_mille is None:
                    # The advance width from the font's widths (the /W array),
                    # as pdfminer has it. pdfium finds the glyph from the code
                    # point; where it cannot (no width comes back), the loose
                    # char box of the font's first such character, which also
                    # covers the ink, stands in. The code goes as a plain int
                    # (a C int, passed as the uint32_t is), not a c_uint32.
                    found = glyph_width(font, code, per_mille_size, width_ref)
                    if found and width.value > 0:
                        per_mille = width.value
                    else:
                        first = kept[start + run_codes.index(code)]
                        left, _b, right, _t = textpage.get_charbox(first, loose=True)
                        per_mille = (right - left) * 1000.0 / em_width if em_width else 0.0
                    font_widths[code] = per_mille
                advance_of[code] = per_mille / 1000.0 * em_width
            char_advances += map(advance_of.__getitem__, run_codes)
            sizes += itertools.repeat(size, end - start)
        chars = list(
            zip(
                map(chr, kept_codes),
                origins_x,
                map(add, origins_x, char_advances),
                map(sub, itertools.repeat(crop_top), origins_y),
                sizes,
                strict=True,
            )
        )
        return _Page(number=number, height=page.get_height(), chars=chars)
    finally:
        textpage.close()


# Per thread: the buffers that pdfium writes character origins into.
_ORIGIN_BUFFERS = threading.local()


def _origin_buffers(count: int) -> tuple[Any, Any, list[Any], list[Any]]:
    """Two arrays of at least ``count`` doubles (x and y) and a pointer to each slot.

    Made once and grown as needed, so that a page's origins are asked for
    by a ``map`` over ready pointers and read back as two slices.
    """
    import ctypes

    buffers = getattr(_ORIGIN_BUFFERS, "buffers", None)
    if buffers is None or len(buffers[2]) < count:
        capacity = max(count, 2 * len(buffers[2]) if buffers else 4096)
        xs = (ctypes.c_double * capacity)()
        ys = (ctypes.c_double * capacity)()
        step = ctypes.sizeof(ctypes.c_double)

        def slots(array: Any) -> list[Any]:
            # ``byref`` of a double, not of the array at an offset: a declared
            # prototype (``POINTER(c_double)``) takes it too.
            return [
                ctypes.byref(ctypes.c_double.from_buffer(array, slot * step))
                for slot in range(capacity)
            ]

        buffers = (xs, ys, slots(xs), slots(ys))
        _ORIGIN_BUFFERS.buffers = buffers
    return buffers


def _unchecked(function: Callable[..., object], restype: type | None) -> Callable[..., object]:
    """A second prototype over ``function``'s C function, without argument types.

    ctypes then passes the arguments as they are (the text page handle, an
    int index, ``byref`` pointers) instead of converting each through its
    declared type: a third of the cost of a call made once per character.
    The callers pass exactly the C types. pypdfium2's own function keeps its
    declaration; with ``restype=c_void_p`` an object comes back as its
    address, an int that compares without a ``ctypes.cast``. The prototype
    keeps the GIL over the call (``PYFUNCTYPE``): these calls only read the
    text page and return at once, and releasing and taking back the GIL
    around each cost a fifth of their time.
    """
    import ctypes

    address = ctypes.cast(function, ctypes.c_void_p).value
    return ctypes.PYFUNCTYPE(restype)(address)


@functools.cache
def _per_character_calls() -> tuple[Callable[..., object], Callable[..., object]]:
    """``FPDFText_GetTextObject`` (an address) and ``FPDFText_GetCharOrigin``."""
    import ctypes

    import pypdfium2.raw as raw

    return (
        _unchecked(raw.FPDFText_GetTextObject, ctypes.c_void_p),
        _unchecked(raw.FPDFText_GetCharOrigin, ctypes.c_int),
    )


@functools.cache
def _per_object_calls() -> tuple[Callable[..., object], ...]:
    """``FPDFText_GetMatrix``, ``FPDFText_GetFontSize``, ``FPDFTextObj_GetFont``
    (an address) and ``FPDFFont_GetGlyphWidth``, made once per text object
    (a line, often): unchecked as the per-character calls, the callers
    passing exact C types (the object and font as ``c_void_p``)."""
    import ctypes

    import pypdfium2.raw as raw

    return (
        _unchecked(raw.FPDFText_GetMatrix, ctypes.c_int),
        _unchecked(raw.FPDFText_GetFontSize, ctypes.c_double),
        _unchecked(raw.FPDFTextObj_GetFont, ctypes.c_void_p),
        _unchecked(raw.FPDFFont_GetGlyphWidth, ctypes.c_int),
    )


def _page_codes(handle: object, count: int) -> list[int]:
    """The code point of every character of a text page, in one call.

    pdfium hands the page's text out as UTF-16 (a character outside the BMP
    as a surrogate pair). It leaves out of that text any character without a
    code point; where the text is not one character per index, the
    characters are asked for one by one.
    """
    import ctypes

    import pypdfium2.raw as raw

    if count <= 0:
        # No characters, or -1 for a failure: FPDFText_GetText would take a
        # negative count as "all".
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    units = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    written = raw.FPDFText_GetText(handle, 0, count, units)
    # A surrogate pair decodes to the one character it stands for.
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    if len(text) == count:
        return list(map(ord, text))
    return [raw.FPDFText_GetUnicode(handle, index) for index in range(count)]


def _pdfplumber_pages(data: bytes, name: str, max_pages: int | None) -> list[_Page]:
    """Characters of every page from pdfplumber's ``page.chars`` (no ``extract_text``)."""
    with _open_pdfplumber(data, name) as pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:  # pdfminer fails in many ways on a damaged file
            raise _pdfminer_error(name, exc) from exc
        _check_page_count(name, count, max_pages)
        pages = []
        for page in pdf.pages:
            try:
                pages.append(_pdfplumber_page(page))
            except Exception as exc:  # pdfminer fails in many ways on a damaged file
                raise _pdfminer_error(name, exc, page.page_number) from exc
        return pages


def _open_pdfplumber(data: bytes, name: str) -> pdfplumber.PDF:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer fails in many ways on a damaged file
        raise _pdfminer_error(name, exc) from exc


def _pdfplumber_page(page: pdfplumber.page.Page) -> _Page:
    chars = []
    for char in page.chars:
        text = char["text"]
        if not text or (len(text) == 1 and ord(text) < 32):
            continue
        # The text matrix gives the origin; its y is measured up from the
        # page bottom.
        origin_y = char["matrix"][5]
        chars.append((text, char["x0"], char["x1"], page.height - origin_y, char["size"]))
    # Parsed layout objects are not needed again; free them as we go.
    page.close()
    return _Page(number=page.page_number, height=page.height, chars=chars)


def _pdfminer_error(name: str, exc: Exception, page: int | None = None) -> PdfReadError:
    """One line for a pdfminer failure; pdfplumber wraps the cause in ``args[0]``."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    kind = type(cause).__name__
    if kind == "PDFPasswordIncorrect":
        return PdfReadError(name, "encrypted PDF (password required)")
    if kind == "PDFEncryptionError":
        return PdfReadError(name, f"encrypted PDF (unsupported encryption: {cause})")
    where = f"page {page}: " if page is not None else ""
    return PdfReadError(name, f"corrupt PDF ({where}{kind}: {cause})")


_ENGINES: dict[str, Callable[[bytes, str, int | None], list[_Page]]] = {
    "pdfium": _pdfium_pages,
    "pdfplumber": _pdfplumber_pages,
}


# --- characters into lines -----------------------------------------------------


def _build_lines(chars: list[_Char]) -> list[_Line]:
    """A page's characters grouped into lines, top to bottom."""
    groups = _group_lines(chars)
    return [line for line in (_build_line(group) for group in groups) if line is not None]


def _page_lines(
    chars: list[_Char],
    lines: list[_Line] | None = None,
    edges: list[float] | None = None,
    carried: list[float] | None = None,
    margin: float | None = None,
) -> list[_Line]:
    """A page's lines, top to bottom, with their indent and table cells.

    The indent is (x0 - left margin) / the median width of the page's
    full-width characters, rounded to 0.5; the margin is the document's text
    column (default: this page's). ``edges`` are the column edges of the
    document's tables (default: this page's); ``carried`` holds the columns
    of the previous page's last table, and receives this page's.
    """
    if lines is None:
        lines = _build_lines(chars)
    if not lines:
        return []
    if margin is None:
        margin = _left_margin(lines)
    unit = _char_width(chars)
    _merge_soft_cells(lines, unit, _hard_edges(lines) if edges is None else edges)
    last_columns = _tabulate(lines, unit, carried or [])
    if carried is not None:
        carried[:] = last_columns
    lines = [line for line in lines if line.text]
    for line in lines:
        line.indent = round((line.x0 - margin) / unit * 2) / 2
    return lines


_BASELINE_X0 = itemgetter(3, 1)
_X0 = itemgetter(1)


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Cluster characters whose baselines lie within the line tolerance."""
    ordered = sorted(chars, key=_BASELINE_X0)
    groups: list[list[_Char]] = []
    group: list[_Char] = []
    anchor = 0.0
    anchor_size = 0.0
    for char in ordered:
        _text, _x0, _x1, baseline, size = char
        if group and baseline - anchor <= _LINE_TOLERANCE * (
            anchor_size if anchor_size > size else size
        ):
            group.append(char)
            # The largest character sets the line's baseline: a raised
            # footnote marker met first must not pull the line up.
            if size > anchor_size:
                anchor, anchor_size = baseline, size
        else:
            group = [char]
            groups.append(group)
            anchor, anchor_size = baseline, size
    return groups


def _build_line(group: list[_Char]) -> _Line | None:
    """The line's text left to right, one space per space glyph or wide gap."""
    ordered = sorted(group, key=_X0)
    parts: list[str] = []
    cells: list[tuple[float, str]] = []
    ends: list[float] = []
    # Per cell after the first: whether a narrow gap opened it.
    soft: list[bool] = []
    cell_x0: float | None = None
    # The previous drawn character's fields, once there is one.
    has_previous = False
    previous_text = ""
    previous_x0 = previous_x1 = previous_size = 0.0
    spaced = False
    # Of the drawn (not space) characters, overprints included: the first
    # one's x0, the highest top and how many have each font size.
    first_x0: float | None = None
    top = math.inf
    size_counts: dict[float, int] = {}
    for text, x0, x1, baseline, size in ordered:
        if text.isspace():
            # A drawn space counts even when narrower than the gap rule's
            # threshold: Latin fonts (and STSong) have spaces of ~0.2-0.25 em.
            spaced = has_previous
            continue
        if first_x0 is None:
            first_x0 = x0
        if baseline - size < top:
            top = baseline - size
        size_counts[size] = size_counts.get(size, 0) + 1
        if has_previous:
            if text == previous_text and abs(x0 - previous_x0) < _OVERPRINT * size and not spaced:
                continue
            gap = x0 - previous_x1
            pair = previous_size + size
            if not spaced and gap > _SOFT_CELL_GAP * pair / 2:
                cells.append((cell_x0 or 0.0, "".join(parts).strip()))
                ends.append(previous_x1)
                soft.append(gap <= _CELL_GAP * pair / 2)
                parts, cell_x0 = [], None
            elif spaced or gap > _SPACE_GAP * pair / 2:
                parts.append(" ")
        if cell_x0 is None:
            cell_x0 = x0
        parts.append(text)
        has_previous = True
        previous_text, previous_x0, previous_x1, previous_size = text, x0, x1, size
        spaced = False
    if parts:
        cells.append((cell_x0 or 0.0, "".join(parts).strip()))
        ends.append(previous_x1 if has_previous else 0.0)
    text = " ".join(cell for _, cell in cells).rstrip()
    if not text or first_x0 is None:
        return None
    sizes: Counter[float] = Counter()
    for size, count in size_counts.items():
        sizes[round(size, _SIZE_ROUND)] += count
    return _Line(
        text=text,
        x0=round(first_x0, _ROUND),
        top=round(top, _ROUND),
        # Ties go to the larger size: a short line with its footnote marker.
        size=max(sizes, key=lambda size: (sizes[size], size)),
        cells=[(round(x0, _ROUND), cell) for x0, cell in cells],
        cell_ends=[round(x1, _ROUND) for x1 in ends],
        soft=[False, *soft],
    )


def _tabulate(lines: list[_Line], unit: float, carried: list[float]) -> list[float]:
    """Lines of several cells become tab-separated rows of their table's columns.

    A table is a run of lines of several cells that share column edges, with
    at most ``_TABLE_BREAK`` single-cell lines between them set at one of its
    columns (a cell wrapped inside its column, a row with one cell), each
    line close below the one before. The
    columns are the left edges of its cells (within half a character); a cell
    missing from a row leaves an empty field, as in text converted from a
    table. Lines outside the table (running headers and footers with wide
    gaps) keep their own cells, each table its own columns. The page's first
    table whose cells all sit at ``carried`` columns (the previous page's last
    table) goes on with them: a row may start with an empty cell. Returns the
    columns of the page's last table.
    """
    columns: list[float] = []
    steps = [below.top - above.top for above, below in itertools.pairwise(lines)]
    step = statistics.median([gap for gap in steps if gap > 0] or [0.0])
    for line in lines:
        # A paragraph number or a "主席:" set off by a tab stop is not a table.
        if len(line.cells) == 2 and _LABEL_CELL.match(line.cells[0][1]):
            line.cells = [(line.cells[0][0], " ".join(cell for _, cell in line.cells))]
            line.cell_ends, line.soft = line.cell_ends[-1:], [False]
    index = 0
    while index < len(lines):
        if len(lines[index].cells) < 2:
            index += 1
            continue
        edges = [x0 for x0, _ in lines[index].cells]
        last, singles, cursor = index, 0, index + 1
        while cursor < len(lines):
            line = lines[cursor]
            on_edges = sum(_near_edge(x0, edges, unit) for x0, _ in line.cells)
            # Rows follow each other at the line spacing and share columns.
            close = line.top - lines[cursor - 1].top <= _ROW_STEP * step
            shared = close and on_edges > 0
            if len(line.cells) > 1 and shared:
                edges += [x0 for x0, _ in line.cells]
                last, singles = cursor, 0
            elif len(line.cells) == 1 and shared and singles < _TABLE_BREAK:
                singles += 1
            else:
                break
            cursor += 1
        table_edges = [x0 for line in lines[index : last + 1] for x0, _ in line.cells]
        if not columns and carried and all(_near_edge(x0, carried, unit) for x0 in table_edges):
            edges += carried
        columns = _set_columns(lines[index : last + 1], edges, unit)
        index = last + 1
    return columns


def _hard_edges(lines: list[_Line]) -> list[float]:
    """Left edges of the cells of lines split by wide gaps."""
    return [
        x0
        for line in lines
        if sum(not soft for soft in line.soft) > 1
        for (x0, _), soft in zip(line.cells, line.soft, strict=True)
        if not soft
    ]


def _merge_soft_cells(lines: list[_Line], unit: float, edges: list[float]) -> None:
    """A cell opened by a narrow gap stays a cell only at a column edge that
    wide gaps show elsewhere in the document; else its gap reads as a space."""
    for line in lines:
        if not any(line.soft):
            continue
        cells, ends, softs = [line.cells[0]], [line.cell_ends[0]], [False]
        for cell, end, soft in zip(line.cells[1:], line.cell_ends[1:], line.soft[1:], strict=True):
            if soft and not _near_edge(cell[0], edges, unit):
                cells[-1] = (cells[-1][0], f"{cells[-1][1]} {cell[1]}")
                ends[-1] = end
            else:
                cells.append(cell)
                ends.append(end)
                softs.append(soft)
        line.cells, line.cell_ends, line.soft = cells, ends, softs


def _near_edge(x0: float, edges: list[float], unit: float) -> bool:
    return any(abs(x0 - edge) <= unit / 2 for edge in edges)


def _set_columns(rows: list[_Line], edges: list[float], unit: float) -> list[float]:
    """Set each row's cells into the table's columns, as tab-separated fields.

    A single cell under a filled cell of the row before, where the first
    character of it would not have fitted after that cell within its column
    (a column is as wide as its widest cell), is that cell wrapped inside
    its column: it goes on in the row.
    """
    columns: list[float] = []
    for x0 in sorted(edges):
        if not columns or x0 - columns[-1] > unit / 2:
            columns.append(x0)

    def column_of(x0: float) -> int:
        return max((i for i, column in enumerate(columns) if column <= x0 + unit / 2), default=0)

    placed: list[tuple[_Line, list[str], list[float]]] = []
    for line in rows:
        fields = [""] * len(columns)
        ends = [0.0] * len(columns)
        for (x0, cell), x1 in zip(line.cells, line.cell_ends, strict=True):
            index = column_of(x0)
            fields[index] = f"{fields[index]} {cell}".strip()
            ends[index] = max(ends[index], x1)
        placed.append((line, fields, ends))
    rights = [max(ends[index] for _, _, ends in placed) for index in range(len(columns))]
    row: tuple[_Line, list[str], list[float]] | None = None
    for line, fields, ends in placed:
        if len(line.cells) == 1 and row is not None:
            index = column_of(line.cells[0][0])
            above, above_fields, above_ends = row
            first = unit if unicodedata.east_asian_width(fields[index][0]) in "WF" else unit / 2
            if above_fields[index] and above_ends[index] + first > rights[index] + unit / 4:
                above_fields[index] = _join_wrapped(above_fields[index], fields[index])
                above.text = _row_text(above_fields) or above.text
                line.text = ""
                continue
        line.text = _row_text(fields) or line.text
        row = (line, fields, ends)
    return columns


def _row_text(fields: list[str]) -> str | None:
    """The fields joined by tabs; None for a single cell in the first column,
    which reads as a plain line."""
    kept = list(fields)
    while kept and not kept[-1]:
        kept.pop()
    return "\t".join(kept) if len(kept) > 1 else None


def _join_wrapped(left: str, right: str) -> str:
    """A cell's text wrapped inside its column: Latin words keep their space."""
    spaced = (
        left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    )
    return f"{left} {right}" if spaced else left + right


def _left_margin(lines: list[_Line]) -> float:
    """The page's text margin: the smallest x0, unless one stray line sets it.

    A line alone at the leftmost position is left out when it is the first or
    last line of the page and stands apart from its neighbour (a page number
    or side note in the top or bottom margin). A leftmost heading followed by
    indented lines at the usual spacing is body text and sets the margin.
    """
    leftmost = min(line.x0 for line in lines)
    at_margin = [index for index, line in enumerate(lines) if line.x0 - leftmost < _SAME_X]
    if len(lines) > 2 and len(at_margin) == 1 and at_margin[0] in (0, len(lines) - 1):
        gaps = [below.top - above.top for above, below in itertools.pairwise(lines)]
        apart = gaps[0] if at_margin[0] == 0 else gaps[-1]
        if apart > _STRAY_GAP * statistics.median(gaps):
            return min(line.x0 for index, line in enumerate(lines) if index != at_margin[0])
    return leftmost


def _text_column(margins: list[float]) -> float | None:
    """The document's text column: the left margin most pages share.

    In the hanging layout paragraph numbers stand left of the text; a page
    without one would otherwise take its indented text as the margin. Ties
    go to the leftmost margin. None for a document without lines.
    """
    counts: Counter[float] = Counter()
    for margin in margins:
        same = next((seen for seen in counts if abs(seen - margin) < _SAME_X), margin)
        counts[same] += 1
    if not counts:
        return None
    return max(counts, key=lambda margin: (counts[margin], -margin))


def _char_width(chars: list[_Char]) -> float:
    """Median advance of the page's full-width characters, the unit of indent.

    Full-width: wide in Unicode (Chinese, full-width forms), or of ambiguous
    width and drawn about one em wide, as Chinese fonts draw quotes and dashes.
    """
    widths = []
    width_class = unicodedata.east_asian_width
    for text, x0, x1, _baseline, size in chars:
        advance = x1 - x0
        if advance <= 0:
            continue
        kind = width_class(text[0])
        if kind in ("W", "F") or (kind == "A" and advance >= _FULL_WIDTH * size):
            widths.append(advance)
    if not widths:
        # No Chinese on the page: one em of the body font stands in.
        widths = [char[4] for char in chars if char[4] > 0] or [10.0]
    return round(statistics.median(widths), _ROUND)
