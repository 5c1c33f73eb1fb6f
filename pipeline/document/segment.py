"""Segment cleaned lines into headings and paragraphs.

Hard-wrapped lines are joined into blocks; each block is classified by its
printed label (``一.``, ``A.``, ``12.``, ``(a)``, ``㈠``, ``建议 1``) and shape.
Rules follow the documents' layout, not their content:

* A block starts at a labelled line, at a line indented deeper than the text
  after a finished sentence, after a short finished line, and after a short
  unfinished line (a title).
* Numbered paragraphs of a report form one sequence 1, 2, 3 … through the
  whole document; numbered lists nested inside them (operative paragraphs,
  agenda items) restart at 1. :func:`main_sequence` picks the longest run.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from pipeline.document.clean import join_texts
from pipeline.models import Block, BlockKind, CleanLine
from pipeline.normalize.numerals import (
    chinese_to_int,
    fold_width,
    int_to_roman,
    marker_value,
    roman_to_int,
)
from pipeline.vocab import read_lines

_CHAPTER = re.compile(
    r"^(?P<label>(?P<value>[一二三四五六七八九十]{1,3})\s*[.．、])\s*(?P<rest>\S.*)$"
)
_SECTION = re.compile(r"^(?P<label>(?P<value>[A-Z])\s*[.．])\s*(?P<rest>[^\x00-\x7f].*)$")
# Digits ASCII or full-width (１２．): the label is matched as printed, so that
# the text after it keeps the document's own punctuation.
_NUMBERED = re.compile(
    r"^(?P<label>(?P<value>[0-9０-９]{1,3})\s*[.．])(?![0-9０-９])\s*(?P<rest>\S.*)$"
)
# "9.12个缔约国…": a number glued to the paragraph number (unspaced print);
# taken as a label only after a finished sentence, never mid-paragraph.
_NUMBERED_BEFORE_DIGIT = re.compile(
    r"^(?P<label>(?P<value>\d{1,3})[.．])(?P<rest>\d{1,4}[^\d.．%].*)$"
)
_SUBITEM = re.compile(r"^(?P<label>[(（](?P<value>[a-z]{1,2})[)）])\s*(?P<rest>.*)$")
_SUBSUBITEM = re.compile(
    r"^(?P<label>[㈠-㈩]|[⑴-⒇]|[①-⑳]|[(（](?P<value>[一二三四五六七八九十]{1,3}"
    r"|(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii))[)）])\s*(?P<rest>.*)$"
)
_TERMINAL = re.compile(r"[。；;！!？?：:]\s*[”’」』）)]?$")
# The first cell of an officer list row: a short role followed by a colon.
_ROLE_CELL = re.compile(r"^\s*[^\s\d:：]{1,10}[:：]\s*$")
# A line opened by a short role and a colon set off by space (a tab stop read
# from a PDF, or space-aligned text): a row of an officer list.
_ROLE_LINE = re.compile(r"^[^\s\d:：，。、]{1,6}[:：]\s+\S")
# A line boundary that loses a space: a number spaced from the text (spaced
# print, ``日至 19``) against a character on the other line.
_SPACED_NUMBER_END = re.compile(r"[\u4e00-\u9fff] \d+$")
_SPACED_NUMBER_START = re.compile(r"^\s*\d+ [\u4e00-\u9fff]")
_CJK_START = re.compile(r"^\s*[\u4e00-\u9fff]")
_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_OPEN_END = re.compile(r"[（(《“‘/\-—]\s*$|[A-Za-z]$")
_BRACKET_END = re.compile(r"[）)]\s*$")
_COMMA_END = re.compile(r"[，,、]\s*$")
# Marks that may not end a line (they stay with what follows) and marks that
# may not start one (they stay with what precedes).
_OPENING = frozenset("（(《“‘「『〈【〔")
_CLOSING = frozenset("，。、；：？！）)》”’」』〉】〕%…")
# The deepest first-line indent of a paragraph, in full-width characters.
_FIRST_INDENT = 2.0
# A line narrower than this share of the text width ends a title.
_TITLE_SHARE = 0.75
# How a line ends that a wrap did not cut: a sentence end or a closing bracket.
_UNCUT_END = re.compile(r"[。；;！!？?：:）)」』”’]\s*$")
# Ambiguous Roman sub-sub-items that are also letters of a lettered list.
_ROMAN_OR_LETTER = {"i": "h", "v": "u", "x": "w"}
# Scores of the main-sequence search: a member is worth far more than any
# tie-break; a member set off from the sequence's indentation is worth a little
# less than nothing (taken only to reach further members); a skipped number
# costs more than a member gains.
_MEMBER = 100.0
_INDENT_COST = 102.0
_SKIP_COST = 150.0
_MAX_SKIP = 2
# Share of lines at the full width that marks a hard-wrapped text.
_WRAPPED_SHARE = 0.15
# The longest title a heading can have, in characters.
_MAX_TITLE = 80


@dataclass(slots=True)
class _Label:
    kind: BlockKind
    label: str
    value: str
    rest: str


@dataclass(slots=True)
class _Draft:
    lines: list[CleanLine] = field(default_factory=list)
    label: _Label | None = None


def segment(lines: list[CleanLine], label_words: tuple[str, ...] = ("建议",)) -> list[Block]:
    """Join lines into blocks, classify them and give each its section path."""
    label_pattern = _label_word_pattern(label_words)
    full_width = _full_width(lines)
    wrapped = _hard_wrapped(lines, full_width)
    lines, list_rows = _untab_role_lists(lines)
    across_spaces = not _wraps_at_spaces(lines, full_width)
    drafts = _split_blocks(lines, full_width, label_pattern, wrapped, list_rows, across_spaces)
    blocks = [_classify(index, draft, drafts, full_width) for index, draft in enumerate(drafts)]
    _number_main_sequence(blocks)
    _assign_sections(blocks)
    return blocks


# --- labels --------------------------------------------------------------------


def _label_word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"^(?P<label>(?:{alternatives})\s*(?P<value>\d{{1,3}}))\s*$")


def match_label(text: str, label_pattern: re.Pattern[str] | None = None) -> _Label | None:
    """The printed label that opens ``text``, if any."""
    text = text.strip()
    if label_pattern is not None and (m := label_pattern.match(text)):
        return _Label("label", m["label"], m["value"], "")
    if m := _CHAPTER.match(text):
        value = chinese_to_int(m["value"])
        if value:
            return _Label("chapter", m["label"], int_to_roman(value), m["rest"])
    if m := _SECTION.match(text):
        return _Label("section", m["label"], m["value"], m["rest"])
    if m := _NUMBERED.match(text):
        return _Label("paragraph", m["label"], fold_width(m["value"]), m["rest"])
    if m := _SUBSUBITEM.match(text):
        value = marker_value(m["label"]) or _roman_value(m["value"])
        if value:
            return _Label("subsubitem", m["label"], int_to_roman(value, lower=True), m["rest"])
    if m := _SUBITEM.match(text):
        return _Label("subitem", m["label"], m["value"], m["rest"])
    return None


def _roman_value(text: str | None) -> int | None:
    return roman_to_int(text) if text else None


# --- splitting -----------------------------------------------------------------


def _untab_role_lists(lines: list[CleanLine]) -> tuple[list[CleanLine], set[int]]:
    """Officer lists set with tab stops (``主席：<TAB>name``, then rows with an
    empty first cell) are lists, not tables: each row becomes the line the
    space-aligned print gives (``主席： name``, ``name``), a block of its own.
    Returns the lines and the numbers of those rows."""
    result: list[CleanLine] = []
    rows: set[int] = set()
    in_list = False
    for line in lines:
        cells = line.text.split("\t")
        if len(cells) == 2 and _ROLE_CELL.match(cells[0]) and cells[1].strip():
            line = _rewritten(line, f"{cells[0].strip()} {cells[1].strip()}")
            in_list = True
        elif in_list and len(cells) == 2 and not cells[0].strip() and cells[1].strip():
            line = _rewritten(line, cells[1].strip())
        else:
            in_list = False
        if in_list:
            rows.add(line.number)
        result.append(line)
    return result, rows


def _rewritten(line: CleanLine, text: str) -> CleanLine:
    # The markers' offsets were measured on the text before; they are unknown now.
    unknown: list[int | None] = [None] * len(line.footnote_refs)
    return dataclasses.replace(line, text=text, footnote_offsets=unknown)


def _split_blocks(
    lines: list[CleanLine],
    full_width: float,
    label_pattern: re.Pattern[str],
    wrapped: bool,
    list_rows: set[int],
    across_spaces: bool = True,
) -> list[_Draft]:
    drafts: list[_Draft] = []
    last_subitem: str | None = None
    for line in lines:
        label = match_label(line.text, label_pattern)
        if label and label.kind == "subsubitem" and _is_letter_not_roman(label, last_subitem):
            label = _Label("subitem", label.label, label.label.strip("()（）"), label.rest)
        if label and label.kind == "subitem":
            last_subitem = label.value
        previous = drafts[-1] if drafts else None
        glued = None if label else _NUMBERED_BEFORE_DIGIT.match(line.text)
        if glued and (previous is None or _ends_block(previous.lines[-1].text, full_width)):
            label = _Label("paragraph", glued["label"], glued["value"], glued["rest"])
        standalone = previous is not None and (
            line.number in list_rows or previous.lines[-1].number in list_rows
        )
        if (
            previous is None
            or not wrapped
            or standalone
            or _starts_block(line, label, previous, full_width, across_spaces)
        ):
            drafts.append(_Draft([line], label))
        else:
            previous.lines.append(line)
    return drafts


def _ends_block(text: str, full_width: float) -> bool:
    """A finished sentence, or a title (a line much shorter than the text)."""
    return bool(_TERMINAL.search(text)) or _width(text) < _TITLE_SHARE * full_width


def _is_letter_not_roman(label: _Label, last_subitem: str | None) -> bool:
    bare = label.label.strip("()（）")
    return bare in _ROMAN_OR_LETTER and last_subitem == _ROMAN_OR_LETTER[bare]


def _starts_block(
    line: CleanLine,
    label: _Label | None,
    previous: _Draft,
    full_width: float,
    across_spaces: bool = True,
) -> bool:
    """Whether ``line`` starts a block, decided from both ends of the wrap.

    A line continues the previous one when that one was wrapped (the line's
    first word would not have fitted on it) or was cut inside a bracket, a
    symbol or a word, and the line carries no label. Indentation alone never
    starts a block: extracted text puts a stray space before continuation
    lines anywhere in a paragraph.
    """
    last = previous.lines[-1]
    if "\t" in line.text or "\t" in last.text:
        return True  # table rows stand alone
    if line.text.strip() in heading_words() or last.text.strip() in heading_words():
        return True  # a heading word alone on its line (文件) stands alone
    if previous.label is not None and previous.label.kind == "label":
        return True  # the text under a label such as 建议 1
    if line.gap_before > 0:
        return True  # extra space sets off a heading or a new block
    if _OPEN_END.search(last.text):
        return False  # a line cut inside a bracket, a symbol or a word goes on
    if label is not None or _ROLE_LINE.match(line.text):
        return True
    # The first line of a block may be indented, leaving it less room.
    room = full_width
    if len(previous.lines) == 1 and last.indent > 0:
        room -= _FIRST_INDENT
    # Wrapped: the line's first unbreakable piece would not have fitted.
    # In a document that never wraps at a space, what a space joins moves to
    # the next line as one piece; a title (short, unfinished) after a finished
    # sentence still stands on its own line whatever its spaces.
    title_after_sentence = bool(_TERMINAL.search(last.text)) and _title_shaped(
        line.text, full_width
    )
    first = _first_unit(
        _printed(line),
        markers=bool(line.footnote_refs),
        across_spaces=across_spaces and not title_after_sentence,
    )
    wrapped = _width(_printed(last)) + _width(first) > room
    if wrapped:
        return False
    if _TERMINAL.search(last.text) or _COMMA_END.search(last.text):
        return True  # a sentence or a preambular paragraph ended short of the width
    # No sentence end: a title, much shorter than the text or set off by the
    # indentation of the text that follows it.
    return _width(last.text) < _TITLE_SHARE * full_width or line.indent > last.indent


@functools.cache
def heading_words() -> frozenset[str]:
    """Words printed alone on a line as a heading (``heading_words.txt``)."""
    return frozenset(read_lines("heading_words.txt"))


def _printed(line: CleanLine) -> str:
    return line.printed or line.text


def _title_shaped(text: str, full_width: float) -> bool:
    """A line much shorter than the text that ends no sentence or clause."""
    return (
        _width(text) < _TITLE_SHARE * full_width
        and not _TERMINAL.search(text)
        and not _COMMA_END.search(text)
    )


def _first_unit(text: str, markers: bool = False, across_spaces: bool = True) -> str:
    """The piece a line cannot be broken inside: a character with the opening
    marks before it and the closing marks after it (and the digits of a glued
    footnote marker, where the line had ``markers``), a run of Latin words
    and digits (a name's words stay together: ``Lucas Moreira Dantas``) and,
    ``across_spaces``, whatever a space joins: a line is never wrapped at a
    space, which the wrap would lose (``在 2014 年 10 月 7 日`` moves as one)."""
    text = text.strip()
    end = 0
    while end < len(text) and text[end] in _OPENING:
        end += 1
    end += 1
    while end < len(text):
        char = text[end]
        after = text[end + 1] if end + 1 < len(text) else " "
        between_latin = _narrow(text[end - 1]) and _narrow(after)
        if char == " " and not after.isspace() and (across_spaces or between_latin):
            end += 2
        elif (
            char in _CLOSING
            or (markers and char.isdigit())
            or (_narrow(char) and _narrow(text[end - 1]))
        ):
            end += 1
        else:
            break
    return text[:end]


@functools.lru_cache(maxsize=8192)
def _width(text: str) -> float:
    """Display width in full-width characters (ASCII counts half).

    Cached: the same line's width is asked for by every layout test.
    """
    stripped = text.strip()
    if not stripped:
        return 0
    if stripped.isascii():
        return len(stripped) * 0.5
    if _ASTRAL.search(stripped):
        return len(stripped) - 0.5 * sum(1 for char in stripped if _narrow(char))
    narrow = len(stripped) - len(_narrow_chars().sub("", stripped))
    return len(stripped) - 0.5 * narrow


def _narrow(char: str) -> bool:
    """A half-width character: ASCII and the Latin letters of names (``í``)."""
    if char.isascii():
        return True
    kind = unicodedata.east_asian_width(char)
    return kind in ("Na", "H") or (kind in ("N", "A") and char < "\u2000")


# Characters beyond the Basic Multilingual Plane, measured one by one.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _narrow_chars() -> re.Pattern[str]:
    """Every half-width character of the Basic Multilingual Plane (as
    :func:`_narrow` decides) in one character class, so that counting them in
    a line is done by the regex engine rather than a call per character."""
    # As _narrow decides (ASCII is Na or N), with the loops in C: below U+2000
    # the kinds N, A, Na and H are narrow, above it Na and H only.
    low_kinds, high_kinds = {"N", "A", "Na", "H"}.__contains__, {"Na", "H"}.__contains__
    below, above = range(0x2000), [*range(0x2000, 0xD800), *range(0xE000, 0x10000)]
    codes = [
        *itertools.compress(
            below, map(low_kinds, map(unicodedata.east_asian_width, map(chr, below)))
        ),
        *itertools.compress(
            above, map(high_kinds, map(unicodedata.east_asian_width, map(chr, above)))
        ),
    ]
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    members = "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )
    return re.compile(f"[{members}]")


def _wraps_at_spaces(lines: list[CleanLine], full_width: float) -> bool:
    """True when the document wraps lines at spaces: a full line ends in a
    number spaced from the text before it (``…日至 19``) and the next line goes
    on with a character (``日于维也纳…``), or a full line ends in a character
    and the next opens with a spaced number (``…在`` / ``2017 年…``): the space
    between them was lost to the wrap."""
    for above, below in itertools.pairwise(lines):
        if "\t" in above.text or abs(_width(above.text) - full_width) > 1.5:
            continue
        if _SPACED_NUMBER_END.search(above.text) and _CJK_START.match(below.text):
            return True
        if _CJK_END.search(above.text) and _SPACED_NUMBER_START.match(below.text):
            return True
    return False


def _hard_wrapped(lines: list[CleanLine], full_width: float) -> bool:
    """True when lines were wrapped at a text width (a PDF or text extracted from
    one); text converted from HTML or Markdown has one paragraph per line."""
    text_lines = [line for line in lines if "\t" not in line.text]
    if not text_lines:
        return False
    near_full = [line for line in text_lines if abs(_width(line.text) - full_width) <= 1.5]
    # A wrap cuts sentences: when every full line ends in a full stop, a colon or
    # a closing bracket, the lines are as long as each other by chance (a short
    # text of one paragraph a line).
    cut = any(not _UNCUT_END.search(line.text) for line in near_full)
    return cut and len(near_full) >= _WRAPPED_SHARE * len(text_lines)


def _full_width(lines: list[CleanLine]) -> float:
    """The width of a full line: the most common width among the wider half."""
    widths = sorted(
        round(_width(line.text) * 2) / 2
        for line in lines
        if line.text.strip() and "\t" not in line.text
    )
    if not widths:
        return 0.0
    upper = widths[len(widths) // 2 :]
    counts = Counter(upper)
    return max(counts, key=lambda width: (counts[width], width))


# --- classification ------------------------------------------------------------


def _classify(index: int, draft: _Draft, drafts: list[_Draft], full_width: float) -> Block:
    label = draft.label
    first, last = draft.lines[0], draft.lines[-1]
    texts = [line.text for line in draft.lines]
    if label is not None and label.kind != "label":
        texts[0] = label.rest
    text = first.text if "\t" in first.text else join_texts(texts)
    after_label = (
        index > 0
        and drafts[index - 1].label is not None
        and (drafts[index - 1].label.kind == "label")
    )
    titled = _title_like(text, draft) and not after_label
    kind: BlockKind
    if label is None:
        kind = "table_row" if "\t" in first.text else ("heading" if titled else "body")
    elif label.kind in ("chapter", "section"):
        # Chapter titles may hold commas and wrap; they never end a sentence.
        headed = len(text) <= _MAX_TITLE and not _TERMINAL.search(text)
        kind = label.kind if headed and not after_label else "item"
    elif label.kind == "paragraph":
        kind = "subheading" if titled else "paragraph"
    else:
        kind = label.kind
    refs = [ref for line in draft.lines for ref in line.footnote_refs]
    offsets = _block_offsets(draft, texts, text)
    return Block(
        seq=index + 1,
        kind=kind,
        text=text,
        line_start=first.number,
        line_end=last.number,
        page=first.page,
        indent=first.indent,
        label=label.label if label else None,
        label_value=label.value if label else None,
        footnote_refs=refs,
        footnote_offsets=offsets,
    )


def _block_offsets(draft: _Draft, texts: list[str], text: str) -> list[int | None]:
    """Each marker's offset in the block's ``text``, from its offset in its line.

    ``text`` is ``texts`` joined; joining only adds and drops spaces, so the
    joined text up to a marker (which is glued to the character before it) is
    the block text's start, and its length is the marker's place.
    """
    offsets: list[int | None] = []
    for index, line in enumerate(draft.lines):
        # ``texts[index]`` is the line's text, or its end after the label.
        cut = len(line.text) - len(texts[index])
        for offset in line.footnote_offsets:
            if offset is None or not line.text.endswith(texts[index]):
                offsets.append(None)
            elif "\t" in draft.lines[0].text:
                # A table row keeps its first line as printed; the others are lost.
                offsets.append(offset if index == 0 else None)
            else:
                before = join_texts([*texts[:index], texts[index][: max(0, offset - cut)]])
                offsets.append(len(before) if text.startswith(before) else None)
    return offsets


def _title_like(text: str, draft: _Draft) -> bool:
    if not text or len(text) > _MAX_TITLE or _TERMINAL.search(text) or _COMMA_END.search(text):
        return False
    if _BRACKET_END.search(text):
        return False  # a document description ending in its symbol, not a title
    # A wrapped title has no clause breaks; a sentence missing its full stop does.
    return len(draft.lines) == 1 or "，" not in text


# --- the main paragraph sequence -------------------------------------------------


def main_sequence(candidates: list[tuple[int, int, float, int]]) -> set[int]:
    """Indices of the numbered paragraphs forming the document's main sequence.

    ``candidates`` are (index, number, indent, length) in document order. The
    main sequence is the longest chain numbered 1, 2, 3 … in document order,
    allowed to skip a missing number or two at a cost (a paragraph number can
    be misprinted or lost; the validator reports the gap). A member indented
    differently from the first paragraph counts for little (nested lists are
    indented); among otherwise equal chains the one with the longer paragraphs
    wins (nested lists are made of short items).
    """
    # The sequence's indentation is that of its least indented paragraph 1; a
    # member set off from it is most likely an item of a nested list (nested
    # lists, and an agenda printed before its annotations, are indented).
    base = min((indent for _, number, indent, _ in candidates if number == 1), default=0.0)
    best: dict[int, tuple[float, int | None]] = {}
    # The best-scoring chain end seen so far for each number: enough for the
    # recurrence, and linear in the number of candidates.
    best_for_number: dict[int, int] = {}
    for position, (_, number, indent, length) in enumerate(candidates):
        offset = min(1.0, abs(indent - base))
        own = _MEMBER - _INDENT_COST * offset + min(length, 400) / 400
        score: float | None = own - _SKIP_COST * (number - 1) if number <= _MAX_SKIP + 1 else None
        parent: int | None = None
        for skipped in range(_MAX_SKIP + 1):
            other = best_for_number.get(number - 1 - skipped)
            if other is None:
                continue
            option = best[other][0] + own - _SKIP_COST * skipped
            if score is None or option > score:
                score, parent = option, other
        if score is not None:
            best[position] = (score, parent)
            leader = best_for_number.get(number)
            if leader is None or score > best[leader][0]:
                best_for_number[number] = position
    if not best:
        return set()
    chosen: set[int] = set()
    cursor: int | None = max(best, key=lambda position: best[position][0])
    while cursor is not None:
        chosen.add(candidates[cursor][0])
        cursor = best[cursor][1]
    return chosen


def _number_main_sequence(blocks: list[Block]) -> None:
    candidates = [
        (index, int(block.label_value), block.indent, len(block.text))
        for index, block in enumerate(blocks)
        if block.kind == "paragraph" and block.label_value
    ]
    chosen = main_sequence(candidates)
    for index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        if index in chosen:
            block.number = int(block.label_value or 0)
        else:
            block.kind = "item"


def _assign_sections(blocks: list[Block]) -> None:
    chapter = section = subheading = ""
    heading: str | None = None
    for block in blocks:
        if block.kind == "chapter":
            chapter, section, subheading = block.label_value or "", "", ""
        elif block.kind == "section":
            section, subheading = block.label_value or "", ""
        elif block.kind == "subheading":
            subheading = block.label_value or ""
        block.section = ".".join(part for part in (chapter, section, subheading) if part)
        if block.kind in ("chapter", "section", "subheading", "heading"):
            heading = block.text
            block.heading = heading
        else:
            block.heading = heading
