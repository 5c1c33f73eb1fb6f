"""Clean a source document: take out page furniture, footnote blocks and markers.

Each step is a small function over the line list; :func:`clean_document`
composes them in order. What a step removes is kept (``RemovedLine``,
``Footnote``) so that nothing is lost and coverage can be measured.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from pipeline.models import (
    CleanDocument,
    CleanLine,
    Footnote,
    RemovedLine,
    SourceDocument,
    SourceLine,
)
from pipeline.vocab import read_lines

# --- page furniture ------------------------------------------------------------

_JOB_NUMBER = re.compile(
    r"^\s*(?:\d{1,4}(?:/\d{1,4})?\s+)?V\.\d{2}-\d{4,6}(?:\s*\([A-Z]\))?"
    r"(?:\s+[A-Z]{1,4}\s+\d{6}(?:\s+\d{6})?)?(?:\s+\d{1,4}(?:/\d{1,4})?)?\s*$"
)
_BARCODE = re.compile(r"^\s*\*\d{6,9}\*\s*$")
_PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,4}(?:\s*/\s*\d{1,4})?\s*-?\s*$")
_LONE_SYMBOL = re.compile(r"^\s*[A-Z][A-Z0-9.]*(?:/\s?[A-Za-z0-9.]+){2,}\s*$")
_MASTHEAD = re.compile(
    r"^\s*(?:"
    r"Distr\.?\s*[:：].*"
    r"|(?:Original|原文)\s*[:：].*"
    r"|Chinese|中文"
    r"|United\s+Nations|联\s+合\s+国"
    r"|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December)\s+\d{4}"
    r")\s*$"
)
# A contents entry: dot leaders, then paragraphs and page (``…… 1-5 2``).
_CONTENTS_LEADER = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|\s\.\s\.\s\.)[\s\d\-–—,，、]*\d\s*$")
_CONTENTS_HEAD = re.compile(r"^\s*(?:段次\s*页次|目录|页次)\s*$")
# A page margin band, as a share of the page height (PDF only).
_MARGIN_SHARE = 0.085

# --- markup left by text converters ------------------------------------------

_HTML_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([*_\[\]()#])")
_MD_HEADING = re.compile(r"^(\s*)#{1,6}\s+")
# A line without any of these characters has no markup.
_MARKUP_CHARS = frozenset("<[\\#")

# --- footnotes -----------------------------------------------------------------

_ANY_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \u3000]+(?=[^\x00-\x7f])")
_SPACE_RUN = re.compile(r"[ \u3000]{2,}")
# Spaces beside a CJK mark (、 新西兰, 与 《公约》) are extraction artifacts; a space
# between two CJK letters can separate table columns and stays.
_CJK_MARK = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2014-\u2026"
_CJK_GAP = re.compile(
    rf"(?<=[{_CJK_MARK}])[ \u3000]+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])[ \u3000]+(?=[{_CJK_MARK}])"
)
_SEPARATOR = re.compile(r"^\s*(?:_{5,}|—{5,}|-{10,})\s*$")
# A footnote opens with its number, then a space, or directly its text when
# digits are printed against the characters (never a digit, dot or slash).
_FOOTNOTE_START = re.compile(
    r"^\s*(?P<marker>\d{1,3}|\*{1,3})(?:\s+|(?=[^\d\s.．/:：]))(?P<text>\S.*)$"
)
_STAR_FOOTNOTE = re.compile(r"^\s*(?P<marker>\*{1,3})\s+(?P<text>\S.*)$")
# A line in a font at most this share of the body's size is small print.
_SMALL_PRINT = 0.9
_URL_END = re.compile(r"https?://\S+\s*$")
_TERMINAL = re.compile(r"[。．.!！?？]\s*[”’」』）)]?\s*$")

# A footnote marker is a number glued to the text: after a Han character or a
# closing mark, before a Han character, a mark, or the end of the line.
_MARKER = regex.compile(
    r"(?<=[\p{Han}》」』”’）)，。；：、])(?P<num>\d{1,3})(?=[\p{Han}《「『“‘（(，。；：、]|\s*$)"
)
# A line that is only a label word and a number (建议3, printed compactly) is a
# recommendation's label: its number is never a footnote marker.
_LABEL_LINE = re.compile(
    r"^\s*(?:"
    + "|".join(map(re.escape, read_lines("recommendations_labels.txt")))
    + r")\s*\d{1,3}\s*$"
)
# Numbers that measure something are never markers: 第 32 条, 20 次, 108 个.
_NOT_MARKER_BEFORE = set("第至和及与或、-–—/.")
_NOT_MARKER_AFTER = set("年月日时分秒条款段项号次届个名卷页章节点岁%％倍万亿千百")
# Words a number follows when printed compactly (议程项目3, 建议3): never a marker.
_NUMBERED_WORDS = read_lines("numbered_words.txt")
# A line that is only a label word and its number (建议3) is a label.
_LABEL_LINE = re.compile(
    rf"^\s*(?:{'|'.join(map(re.escape, read_lines('recommendations_labels.txt')))})\s*\d{{1,3}}\s*$"
)


@dataclass(slots=True)
class _Line:
    source: SourceLine
    text: str
    removed: str | None = None


def clean_document(source: SourceDocument, symbol: str | None = None) -> CleanDocument:
    """Run the cleaning steps over ``source`` in order."""
    lines = [_Line(line, strip_markup(line.text)) for line in source.lines]
    mark_furniture(lines, symbol)
    if source.source_format == "pdf":
        mark_margin_furniture(lines)
    body, footnotes = split_footnotes(lines, by_page=source.source_format == "pdf")
    removed_numbers = sorted(line.source.number for line in lines if line.removed)
    clean_lines = _to_clean_lines(body, removed_numbers, txt=source.source_format == "txt")
    take_out_markers(clean_lines, footnotes)
    removed = [
        RemovedLine(line.source.number, line.source.text, line.removed, line.source.page)
        for line in lines
        if line.removed
    ]
    return CleanDocument(source=source, lines=clean_lines, footnotes=footnotes, removed=removed)


def strip_markup(text: str) -> str:
    """Undo HTML links and Markdown escapes that some text converters leave."""
    if not _MARKUP_CHARS.intersection(text):
        return text  # nothing any of the patterns below could match
    text = _HTML_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return _MD_HEADING.sub(r"\1", text)


def mark_furniture(lines: list[_Line], symbol: str | None) -> None:
    """Mark running headers and footers, mastheads and contents lines by pattern."""
    lone_symbols = Counter(_squash(line.text) for line in lines if _LONE_SYMBOL.match(line.text))
    for line in lines:
        text = line.text
        if not text.strip():
            continue
        if _JOB_NUMBER.match(text) or _BARCODE.match(text):
            line.removed = "page footer"
        elif _LONE_SYMBOL.match(text) and (
            lone_symbols[_squash(text)] > 1 or (symbol and _squash(text) == symbol)
        ):
            line.removed = "page header"
        elif _MASTHEAD.match(text):
            line.removed = "masthead"
        elif _CONTENTS_LEADER.search(text) or _CONTENTS_HEAD.match(text):
            line.removed = "contents"
    # A lone page number counts as furniture next to other furniture only: a
    # number alone on a line can also be a wrapped fragment of a table.
    for index, line in enumerate(lines):
        if line.removed or not _PAGE_NUMBER.match(line.text) or not line.text.strip():
            continue
        if any(other.removed in ("page footer", "page header") for other in _near(lines, index)):
            line.removed = "page number"


def mark_margin_furniture(lines: list[_Line]) -> None:
    """PDF: lines in the top or bottom margin band repeated across pages."""
    shapes: Counter[str] = Counter()
    for line in lines:
        if _in_margin(line.source) and line.text.strip():
            shapes[_shape(line.text)] += 1
    for line in lines:
        if line.removed or not line.text.strip() or not _in_margin(line.source):
            continue
        if shapes[_shape(line.text)] > 1 or _PAGE_NUMBER.match(line.text):
            line.removed = "page header" if _is_top(line.source) else "page footer"


def split_footnotes(lines: list[_Line], by_page: bool) -> tuple[list[_Line], list[Footnote]]:
    """Take the footnote blocks (after a ``____`` separator) out of the flow.

    A block runs to the end of its page. In a PDF a block also opens without
    a separator, at the first footnote of the small print that ends a page.
    Text files rarely mark pages, so there a block ends at the first line
    that neither starts the next footnote nor continues the current one; a
    continuation follows a blank line or completes a footnote that has not
    ended its sentence yet.
    """
    body: list[_Line] = []
    footnotes: list[Footnote] = []
    current: list[_Line] = []
    marker: str | None = None
    in_block = False
    block_page: int | None = None
    blank_before = False
    last_number = 0
    small_print = _small_print_starts(lines) if by_page else set()

    def flush() -> None:
        nonlocal current, marker
        if current and marker is not None:
            footnotes.append(_make_footnote(marker, current))
        current, marker = [], None

    for line in lines:
        if line.removed:
            # Page furniture ends the page, and with it the footnote block.
            if in_block:
                flush()
                in_block = False
            continue
        text = line.text
        if _SEPARATOR.match(text):
            flush()
            line.removed = "footnote separator"
            in_block, block_page, blank_before = True, line.source.page, False
            continue
        if not in_block and line.source.number in small_print:
            flush()
            in_block, block_page, blank_before = True, line.source.page, False
        if not in_block:
            # Footnotes marked *, ** (masthead notes) may stand without separator.
            star = _STAR_FOOTNOTE.match(text)
            if star:
                flush()
                marker = star["marker"]
                current = [line]
                line.removed = "footnote"
                flush()
                continue
            body.append(line)
            continue
        if not text.strip():
            blank_before = True
            continue
        start = _FOOTNOTE_START.match(text)
        if by_page and line.source.page != block_page:
            in_block = False
        elif start and _next_footnote(start["marker"], marker, last_number):
            flush()
            marker = start["marker"]
            if marker.isdigit():
                last_number = int(marker)
            current = [line]
            line.removed = "footnote"
            blank_before = False
            continue
        elif current and (by_page or blank_before or _continues(current[-1].text, text)):
            current.append(line)
            line.removed = "footnote"
            blank_before = False
            continue
        else:
            in_block = False
        flush()
        body.append(line)
    flush()
    return body, footnotes


def _small_print_starts(lines: list[_Line]) -> set[int]:
    """Source numbers of the lines that open a footnote block set in small print.

    The block is the run of lines in a smaller font than the body's (its most
    common size) that ends a page, page furniture aside; it opens at the run's
    first line that starts a footnote. A run with table rows is not a block.
    """
    sizes = Counter(line.source.size for line in lines if line.source.size and not line.removed)
    if not sizes:
        return set()
    body_size = sizes.most_common(1)[0][0]
    starts: set[int] = set()
    for _page, page_lines in itertools.groupby(lines, key=lambda line: line.source.page):
        run: list[_Line] = []
        for line in page_lines:
            if line.removed or not line.text.strip():
                continue
            size = line.source.size
            if size and size <= _SMALL_PRINT * body_size:
                run.append(line)
            else:
                run = []
        if any("\t" in line.text for line in run):
            continue
        first = next((line for line in run if _FOOTNOTE_START.match(line.text)), None)
        if first is not None:
            starts.add(first.source.number)
    return starts


def _continues(previous: str, text: str) -> bool:
    """Text files: a line after an unfinished footnote continues it (a stray
    leading space does not tell; extracted text puts one anywhere)."""
    return not (_TERMINAL.search(previous) or _URL_END.search(previous))


def _next_footnote(marker: str, current: str | None, last_number: int) -> bool:
    if not marker.isdigit():
        return True
    number = int(marker)
    return number == last_number + 1 or (current is None and number > last_number)


def _make_footnote(marker: str, lines: list[_Line]) -> Footnote:
    first = _FOOTNOTE_START.match(lines[0].text)
    parts = [first["text"].strip() if first else lines[0].text.strip()]
    parts += [line.text.strip() for line in lines[1:]]
    return Footnote(
        number=int(marker) if marker.isdigit() else None,
        marker=marker,
        text=join_texts(parts),
        page=lines[0].source.page,
        line_start=lines[0].source.number,
        line_end=lines[-1].source.number,
    )


def _to_clean_lines(body: list[_Line], removed: list[int], txt: bool) -> list[CleanLine]:
    """Drop blank lines; flag the first line after a page break or footnote block.

    Extracted text is usually double-spaced (a blank line after every line)
    and puts one extra space before the first line of a page. A page break
    then shows as an indented line with no blank line before it.
    """
    is_double_spaced = txt and double_spaced(line.text for line in body)
    normal_gap = 1 if is_double_spaced else 0
    line_step = None if txt else _typical_leading(body)
    result: list[CleanLine] = []
    previous: SourceLine | None = None
    blank_before = False
    blanks = 0
    previous_spaced = True
    for line in body:
        if not line.text.strip():
            blank_before = True
            blanks += 1
            continue
        source = line.source
        spaces = len(line.text) - len(line.text.lstrip(" \u3000\t"))
        page_top = previous is not None and (
            (source.page is not None and source.page != previous.page)
            or _any_between(removed, previous.number, source.number)
            # Runs of single-spaced lines are lists or tables, not page breaks.
            or (is_double_spaced and not blank_before and previous_spaced and spaces > 0)
        )
        indent = source.indent
        if txt:
            indent = float(spaces)
            if page_top and indent >= 1:
                indent -= 1
        if page_top or previous is None:
            gap = 0
        elif txt:
            gap = max(0, blanks - normal_gap)
        else:
            gap = _vertical_gap(previous, source, line_step)
        result.append(
            CleanLine(
                number=source.number,
                # Tabs separate table cells (an empty first cell continues a row).
                text=line.text.strip(" \u3000").rstrip("\t"),
                page=source.page,
                indent=indent,
                page_top=page_top,
                gap_before=gap,
            )
        )
        previous = source
        previous_spaced = blank_before
        blank_before = False
        blanks = 0
    return result


def _typical_leading(body: list[_Line]) -> float | None:
    """The usual distance between two lines of a page (PDF)."""
    steps = [
        round(b.source.top - a.source.top, 1)
        for a, b in itertools.pairwise(body)
        if a.source.top is not None
        and b.source.top is not None
        and a.source.page == b.source.page
        and b.source.top > a.source.top
    ]
    return Counter(steps).most_common(1)[0][0] if steps else None


def _vertical_gap(previous: SourceLine, line: SourceLine, leading: float | None) -> int:
    if not leading or previous.top is None or line.top is None or previous.page != line.page:
        return 0
    return max(0, round((line.top - previous.top) / leading) - 1)


def double_spaced(texts: Iterable[str]) -> bool:
    """True when most lines of a text are followed by a blank line (extracted
    text is usually printed that way)."""
    gaps = together = 0
    blank = False
    seen = False
    for text in texts:
        if not text.strip():
            blank = True
            continue
        if seen:
            gaps += blank
            together += not blank
        seen, blank = True, False
    return gaps + together > 0 and gaps >= 0.6 * (gaps + together)


def _any_between(sorted_numbers: list[int], low: int, high: int) -> bool:
    index = bisect.bisect_right(sorted_numbers, low)
    return index < len(sorted_numbers) and sorted_numbers[index] < high


def take_out_markers(lines: list[CleanLine], footnotes: list[Footnote]) -> None:
    """Move footnote markers glued to the text into ``footnote_refs``, and where
    each stood in the text into ``footnote_offsets``.

    A number is a marker only when a footnote of that number sits at the foot
    of the same page: for PDFs the page is known; for text, the footnote
    block that follows the line is the one at the foot of its page.
    """
    numbered = [f for f in footnotes if f.number is not None]
    if not numbered:
        return
    used: set[int] = set()
    for index, line in enumerate(lines):
        allowed = _footnotes_for_line(line, numbered)
        if not allowed or _LABEL_LINE.match(line.text):
            continue
        previous_char = lines[index - 1].text[-1:] if index else ""
        line.text = _strip_markers(line, allowed - used, previous_char, used)


def _footnotes_for_line(line: CleanLine, footnotes: list[Footnote]) -> set[int]:
    if line.page is not None:
        return {f.number for f in footnotes if f.page == line.page and f.number is not None}
    block: set[int] = set()
    block_end: int | None = None
    for footnote in footnotes:
        if footnote.line_start < line.number or footnote.number is None:
            continue
        # Footnotes of one block follow each other within a few lines.
        if block_end is not None and footnote.line_start - block_end > 3:
            break
        block.add(footnote.number)
        block_end = footnote.line_end
    return block


def _strip_markers(line: CleanLine, allowed: set[int], previous_char: str, used: set[int]) -> str:
    text = line.text
    if _LABEL_LINE.match(text):
        return text
    pieces: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        number = int(match["num"])
        before = text[match.start() - 1] if match.start() else previous_char
        after = text[match.end() : match.end() + 1]
        if number not in allowed or before in _NOT_MARKER_BEFORE or after in _NOT_MARKER_AFTER:
            continue
        if text[: match.start()].endswith(_NUMBERED_WORDS):
            continue
        pieces.append(text[position : match.start()])
        position = match.end()
        line.footnote_refs.append(number)
        # The marker's place in the text without it: what it follows so far.
        line.footnote_offsets.append(sum(map(len, pieces)))
        used.add(number)
        allowed.discard(number)
    pieces.append(text[position:])
    if position:
        line.printed = text
    return "".join(pieces).rstrip()


def join_texts(parts: Iterable[str]) -> str:
    """Join wrapped line texts: Chinese with no space, Latin words with one."""
    result = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if result and _needs_space(result[-1], part[0]):
            result += " "
        result += part
    return tidy_spacing(result)


def tidy_spacing(text: str) -> str:
    """Drop spaces beside CJK marks (``、 新西兰``) and squeeze runs of spaces:
    extraction artifacts. A space beside Latin letters and digits (``2012 年``)
    or between two CJK letters (table columns) stays."""
    return _SPACE_RUN.sub(" ", _CJK_GAP.sub("", text))


def drop_cjk_spaces(text: str) -> str:
    """Drop every space between two CJK characters: for cells whose line breaks
    a converter turned into spaces (``对被偷运移民的 协助``)."""
    return _ANY_CJK_GAP.sub("", tidy_spacing(text))


def _needs_space(left: str, right: str) -> bool:
    # A symbol wrapped after its slash continues without a space.
    if left in "/-":
        return False
    return ((left.isascii() and left.isalnum()) or left in ",;:)") and (
        right.isascii() and (right.isalnum() or right in "(")
    )


def _near(lines: list[_Line], index: int, reach: int = 3) -> list[_Line]:
    found: list[_Line] = []
    for step in (-1, 1):
        position, seen = index + step, 0
        while 0 <= position < len(lines) and seen < reach:
            if lines[position].text.strip():
                found.append(lines[position])
                seen += 1
            position += step
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", _squash(text))


def _in_margin(line: SourceLine) -> bool:
    if line.top is None or not line.page_height:
        return False
    return (
        line.top < _MARGIN_SHARE * line.page_height
        or line.top > (1 - _MARGIN_SHARE) * line.page_height
    )


def _is_top(line: SourceLine) -> bool:
    return line.top is not None and line.page_height is not None and line.top < line.page_height / 2
