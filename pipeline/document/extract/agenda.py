"""Agenda items and the proposed organization of work (schedule).

Three agendas are read, all keyed on the documents' structure and on the fixed
phrases UN editors use (``pipeline/data/agenda_phrases.csv``):

* ``provisional``: the numbered list under the heading ``临时议程`` of an annotated
  provisional agenda. Each item's ``documents`` come from its annotation (the
  annotations repeat the item headings after the list).
* ``adopted``: the list after a report paragraph such as ``…通过了以下议程：``. A
  report that adopted the provisional agenda *contained in a document* lists no
  items; an ``info`` finding names that document.
* ``provisional_next_session``: the list after a decision's ``…临时议程如下``.

A list is the run of blocks labelled ``1.``, ``(a)``, ``(b)``, ``2.`` … that
follows its heading or introduction, numbered 1, 2, 3 … with letters a, b, c …
under an item; it ends at the first block that does not continue the numbering.

The schedule is the table of the annex ``拟议工作安排``. The segmenter does not
know tables, so it is read from the cleaned lines of that annex.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from pipeline.document.clean import join_texts
from pipeline.document.extract import DocContext
from pipeline.document.segment import match_label
from pipeline.models import Block, CleanLine
from pipeline.normalize.dates import find_time_range, parse_month_day
from pipeline.normalize.numerals import fold_width, letter_value
from pipeline.normalize.refs import RefParseError, expand_refs
from pipeline.normalize.symbols import find_symbols
from pipeline.records import AgendaItemRow, ScheduleRow
from pipeline.vocab import data_path

__all__ = [
    "PHRASES_FILE",
    "AgendaPhrases",
    "clean_title",
    "extract_agenda_items",
    "extract_schedule",
    "load_phrases",
    "same_title",
]

PHRASES_FILE = data_path("agenda_phrases.csv")

# A list may lack one number or letter (a misprint); a larger jump ends it.
_MAX_GAP = 1
# Headings allowed between an introduction and the first item (a repeated title).
_MAX_LEAD = 2
# The longest text an item heading can have, in characters.
_MAX_TITLE = 80
# How alike an annotation heading and an agenda title must be to be the same item.
_SAME_ITEM = 0.6
# Printed at the end of an item in a list, not part of its title.
_TITLE_END_CHARS = "；;。．：:，, \u3000"
_FINISHED = re.compile(r"[；;。．：:]\s*[”’」』）)]?\s*$")
_SENTENCE = re.compile(r"[。；;！!？?]")

Warn = Callable[..., None]


# --- vocabulary ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaPhrases:
    """The fixed phrases of agendas and schedules, by role (see the CSV's notes)."""

    provisional_heading: tuple[str, ...]
    documents_heading: tuple[str, ...]
    annex_heading: tuple[str, ...]
    schedule_heading: tuple[str, ...]
    schedule_table_header: tuple[str, ...]
    continued_mark: tuple[str, ...]
    adopted_intro: tuple[str, ...]
    adopted_by_reference: tuple[str, ...]
    next_session_intro: tuple[str, ...]
    weekday: dict[str, int] = field(default_factory=dict)


@functools.cache
def load_phrases(path: Path = PHRASES_FILE) -> AgendaPhrases:
    """Read the phrase file; an unknown role is an error (a typo would go unnoticed)."""
    roles: dict[str, list[str]] = {
        name: [] for name in AgendaPhrases.__dataclass_fields__ if name != "weekday"
    }
    weekdays: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            role, phrase = row["role"].strip(), row["phrase"].strip()
            if not phrase:
                continue
            if role == "weekday":
                weekdays[phrase] = int(row["value"])
            elif role in roles:
                roles[role].append(phrase)
            else:
                raise ValueError(f"{path.name}: unknown role {role!r}")
    fixed = {role: tuple(values) for role, values in roles.items()}
    return AgendaPhrases(**fixed, weekday=weekdays)


# --- text helpers ----------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _squash(text: str) -> str:
    """Text for comparing phrases: NFKC, no whitespace.

    Cached: each block's text is compared with several vocabularies in turn.
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


@functools.cache
def _squashed(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases of a vocabulary, squashed once."""
    return tuple(_squash(phrase) for phrase in phrases)


def clean_title(text: str) -> str:
    """An item's title as printed, without the ``；`` ``。`` ``：`` that ends it in a list."""
    return text.strip().rstrip(_TITLE_END_CHARS)


def same_title(left: str, right: str) -> bool:
    """Whether two printed titles are the same text (spacing and list punctuation aside)."""
    return _squash(clean_title(left)) == _squash(clean_title(right))


def _similarity(left: str, right: str) -> float:
    return difflib.SequenceMatcher(
        None, _squash(clean_title(left)), _squash(clean_title(right)), autojunk=False
    ).ratio()


def _title_like(text: str) -> bool:
    """A heading: short, one clause, not a finished sentence."""
    stripped = text.strip()
    return (
        0 < len(stripped) <= _MAX_TITLE
        and not _FINISHED.search(stripped)
        and not _SENTENCE.search(stripped)
    )


def _is_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """The whole text is one of ``phrases`` (a trailing colon aside)."""
    squashed = _squash(text).rstrip(":")
    return squashed in _squashed(phrases)


def _ends_with_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """The text's last words are one of ``phrases``: an introduction to a list.
    A phrase written with its colon must be printed with it (``…届会议的临时议程：``
    introduces a list; ``…届会议的临时议程。`` only names the agenda)."""
    squashed = _squash(text)
    if squashed.endswith(tuple(p for p in _squashed(phrases) if p.endswith(":"))):
        return True
    squashed = squashed.rstrip(":。.")
    return squashed.endswith(_squashed(phrases))


def _introduces_list(text: str, phrases: tuple[str, ...]) -> bool:
    """The text ends in one of ``phrases``, or it ends in a colon and one of its
    clauses says it (``…通过了以下议程，并核准了工作安排：``)."""
    if _ends_with_phrase(text, phrases):
        return True
    return text.rstrip().endswith(("：", ":")) and _contains_phrase(text, phrases)


def _contains_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    squashed = _squash(text)
    return any(phrase in squashed for phrase in _squashed(phrases))


@functools.cache
def _annex_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # An annex heading may carry an ordinal: 附件, 附件一, 附件 II.
    words = "|".join(re.escape(_squash(phrase)) for phrase in phrases)
    return re.compile(rf"(?:{words})(?:[一二三四五六七八九十]+|[IVX]+)?")


def _is_annex(text: str, phrases: AgendaPhrases) -> bool:
    return _annex_pattern(phrases.annex_heading).fullmatch(_squash(text)) is not None


def _quiet(*_args: object, **_kwargs: object) -> None:
    """A warn function for re-reading a list whose findings were already recorded."""


# --- lists of items ----------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    number: int
    sub: str | None
    raw: str
    block: Block
    line_end: int

    @property
    def key(self) -> str:
        return str(self.number) if self.sub is None else f"{self.number}.{self.sub}"

    @property
    def title(self) -> str:
        return clean_title(self.raw)


def _number_of(block: Block) -> int | None:
    """The item number of a block labelled ``1.`` (any numbered kind)."""
    value = block.label_value
    if block.kind in ("paragraph", "item", "subheading") and value and value.isdigit():
        return int(value)
    return None


def _letter_of(block: Block) -> str | None:
    value = block.label_value
    if block.kind == "subitem" and value and len(value) == 1 and "a" <= value <= "z":
        return value
    return None


def _continues_list(block: Block | None, items: list[_Item]) -> bool:
    """Whether ``block`` is the next item or sub-item of the list read so far."""
    if block is None or not items:
        return False
    last = items[-1]
    number = _number_of(block)
    if number is not None:
        return last.number < number <= last.number + 1 + _MAX_GAP
    letter = _letter_of(block)
    if letter is not None:
        expected = 1 if last.sub is None else letter_value(last.sub) + 1
        return expected <= letter_value(letter) <= expected + _MAX_GAP
    return False


def _read_list(ctx: DocContext, start: int, warn: Warn) -> tuple[list[_Item], int]:
    """The agenda list starting at block ``start``; also the index after its last block."""
    blocks = ctx.blocks
    index = start
    while index < len(blocks) and index - start < _MAX_LEAD and blocks[index].kind == "heading":
        index += 1
    items: list[_Item] = []
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        number = _number_of(block)
        letter = _letter_of(block)
        if number is not None and (number == 1 if not items else _continues_list(block, items)):
            if items and number != items[-1].number + 1:
                warn(
                    "agenda_numbering",
                    f"agenda item {number} follows item {items[-1].number}",
                    block,
                )
            items.append(_Item(number, None, block.text, block, block.line_end))
        elif letter is not None and _continues_list(block, items):
            last = items[-1]
            expected = 1 if last.sub is None else letter_value(last.sub) + 1
            if letter_value(letter) != expected:
                warn(
                    "agenda_numbering",
                    f"sub-item ({letter}) of agenda item {last.number} skips a letter",
                    block,
                )
            items.append(_Item(last.number, letter, block.text, block, block.line_end))
        elif block.kind == "subsubitem" and items:
            warn(
                "agenda_nested_item",
                f"agenda item {items[-1].key} has a third-level sub-item, which the "
                "agenda_items table does not hold",
                block,
            )
        elif (
            block.kind in ("body", "heading")
            and items
            and not _FINISHED.search(items[-1].raw)
            and _continues_list(following, items)
        ):
            # A wrapped title the segmenter took for a block of its own: the item
            # before it is unfinished and the list goes on after it.
            last = items[-1]
            last.raw = join_texts([last.raw, block.text])
            last.line_end = block.line_end
            warn(
                "agenda_wrapped_title",
                f"title of agenda item {last.key} continues on a separate line",
                block,
                severity="info",
            )
        else:
            break
        index += 1
    for item in items:
        if not item.title:
            warn("agenda_empty_title", f"agenda item {item.key} has no title", item.block)
    if len(items) > 1 and not _FINISHED.search(items[-1].raw) and _FINISHED.search(items[0].raw):
        # The other items close with ；/。 but the last does not: its title may go on
        # in a block that ended the list.
        warn(
            "agenda_unfinished_title",
            f"the last agenda item, {items[-1].key}, does not end like the others; "
            "its title may be cut",
            items[-1].block,
        )
    return items, index


def _provisional_list(ctx: DocContext, warn: Warn) -> tuple[list[_Item], int]:
    """The list under the ``临时议程`` heading of an annotated agenda, and where it ends."""
    phrases = load_phrases()
    for index, block in enumerate(ctx.blocks):
        # The heading may be numbered as a chapter of its own (一. 临时议程).
        if block.kind in ("heading", "chapter", "section") and _is_phrase(
            block.text, phrases.provisional_heading
        ):
            items, end = _read_list(ctx, index + 1, warn)
            if items:
                return items, end
    return [], len(ctx.blocks)


# --- annotations ---------------------------------------------------------------------


@dataclass(slots=True)
class _Annotation:
    key: str
    title: str
    block: Block
    listed: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """Symbols under the item's own 文件 heading, each once, in printed order;
        symbols only cited in the annotation's prose stay in ``citations``."""
        return list(dict.fromkeys(self.listed))


def _block_lines(ctx: DocContext, block: Block) -> list[CleanLine]:
    return [line for line in ctx.clean.lines if block.line_start <= line.number <= block.line_end]


def _split_heading(ctx: DocContext, block: Block, expected: str) -> tuple[str, str]:
    """A heading the segmenter joined with the text under it: (title, text).

    The title is the run of the block's first lines most like the agenda title,
    so that a heading wrapped onto two lines, or printed a little differently
    from the list, is still taken whole.
    """
    lines = _block_lines(ctx, block)
    if not lines:
        return block.text, ""
    label = match_label(lines[0].text)
    texts = [label.rest if label is not None else lines[0].text, *(x.text for x in lines[1:])]
    best_k, best_score = 1, -1.0
    for k in range(1, len(texts) + 1):
        score = _similarity(join_texts(texts[:k]), expected)
        if score > best_score:
            best_k, best_score = k, score
    return join_texts(texts[:best_k]), join_texts(texts[best_k:])


def _next_keys(current: str | None) -> set[str]:
    """Keys an annotation heading may have after ``current``: the next sub-item or item."""
    if current is None:
        return {"1"}
    number, _, sub = current.partition(".")
    letter = chr(ord(sub) + 1) if sub else "a"
    return {str(int(number) + 1), f"{number}.{letter}"}


def _annotation_heading(
    ctx: DocContext,
    block: Block,
    items: dict[str, _Item],
    current: str | None,
    in_documents: bool,
) -> tuple[str, str, str] | None:
    """(key, title, text after the title) when ``block`` opens an item's annotation."""
    number = _number_of(block)
    letter = _letter_of(block)
    if number is not None:
        key = str(number)
    elif letter is not None and current is not None:
        # Under a 文件 heading a lettered block is a sub-item's heading only when
        # it reads like that sub-item's title (checked below).
        key = f"{current.partition('.')[0]}.{letter}"
    else:
        return None
    expected = items[key].title if key in items else None
    if _title_like(block.text):
        alike = expected is not None and _similarity(block.text, expected) >= _SAME_ITEM
        if expected is not None:
            # An item of the list: its annotation heading reads like its title
            # (a numbered paragraph or document entry of the same number does not).
            return (key, clean_title(block.text), "") if alike else None
        if in_documents:
            return None  # a numbered list of documents, not a heading
        in_sequence = key in _next_keys(current)
        return (key, clean_title(block.text), "") if in_sequence else None
    if expected is None:
        return None
    title, rest = _split_heading(ctx, block, expected)
    if _similarity(title, expected) < _SAME_ITEM:
        return None  # a numbered paragraph of the annotation
    return key, clean_title(title), rest


def _annotations(
    ctx: DocContext, items: list[_Item], start: int, warn: Warn
) -> dict[str, _Annotation]:
    """Each item's annotation after the list: its heading and the symbols it cites."""
    by_key = {item.key: item for item in items}
    found: dict[str, _Annotation] = {}
    current: _Annotation | None = None
    for part in _annotation_parts(ctx, by_key, start):
        if part.title is not None:
            current = _open_annotation(part.key, part.title, part.block, by_key, found, warn)
        if current is not None and part.text:
            symbols = [match.symbol for match in find_symbols(part.text)]
            (current.listed if part.in_documents else current.cited).extend(symbols)
    if found:
        for item in items:
            if item.key not in found:
                warn(
                    "agenda_item_not_annotated",
                    f"agenda item {item.key} ({item.title}) has no annotation",
                    item.block,
                )
    return found


@dataclass(frozen=True, slots=True)
class _AnnotationPart:
    """A block of the 说明 after the list: the item whose annotation it is in, the
    item's title when the block is its heading, the text it adds, and whether it
    stands under the item's 文件 heading."""

    block: Block
    key: str | None
    title: str | None
    text: str
    in_documents: bool


def _annotation_parts(
    ctx: DocContext, by_key: dict[str, _Item], start: int
) -> Iterator[_AnnotationPart]:
    """The blocks of the annotations from ``start`` to an annex or the schedule,
    each with the item heading it stands under (the 文件 headings themselves are
    left out)."""
    phrases = load_phrases()
    current_key: str | None = None
    in_documents = False
    index = start
    while index < len(ctx.blocks):
        block = ctx.blocks[index]
        index += 1
        if _is_annex(block.text, phrases) or _is_phrase(block.text, phrases.schedule_heading):
            return
        heading = _annotation_heading(ctx, block, by_key, current_key, in_documents)
        if heading is not None:
            key, title, rest = heading
            if not rest and key in by_key:
                title, index = _complete_title(ctx, title, by_key[key].title, index)
            current_key, in_documents = key, False
            yield _AnnotationPart(block, key, title, rest, False)
        elif _is_phrase(block.text, phrases.documents_heading):
            in_documents = True
        else:
            yield _AnnotationPart(block, current_key, None, block.text, in_documents)


def _complete_title(ctx: DocContext, title: str, expected: str, index: int) -> tuple[str, int]:
    """A heading wrapped onto lines the segmenter made blocks of their own: join the
    unlabelled title-like blocks after it while that brings it closer to the list's
    title. Returns the title and the index of the first block after it."""
    while index < len(ctx.blocks):
        block = ctx.blocks[index]
        if block.label is not None or block.kind != "heading" or not _title_like(block.text):
            break
        joined = join_texts([title, block.text])
        if _similarity(joined, expected) <= _similarity(title, expected):
            break
        title, index = clean_title(joined), index + 1
    return title, index


def _open_annotation(
    key: str,
    title: str,
    block: Block,
    items: dict[str, _Item],
    found: dict[str, _Annotation],
    warn: Warn,
) -> _Annotation | None:
    """Start the annotation of ``key``, checking it against the agenda list."""
    item = items.get(key)
    if item is None:
        warn(
            "agenda_annotation_not_on_agenda",
            f"annotation heading {key} ({title}) names no item of the provisional agenda",
            block,
        )
        return None
    if not same_title(title, item.title):
        warn(
            "agenda_annotation_title_mismatch",
            f"agenda item {key}: the list reads {item.title!r}, "
            f"the annotation heading reads {title!r}",
            block,
            evidence=f"list: {item.title} | annotation: {title}",
        )
    if key in found:
        warn("agenda_duplicate_annotation", f"agenda item {key} is annotated twice", block)
        return found[key]
    found[key] = _Annotation(key, title, block)
    return found[key]


# --- agenda items ----------------------------------------------------------------------


def _row(ctx: DocContext, agenda: str, item: _Item, documents: list[str]) -> AgendaItemRow:
    return AgendaItemRow(
        doc_id=ctx.doc_id,
        agenda=agenda,
        item=item.key,
        number=item.number,
        sub=item.sub,
        title=item.title,
        documents=documents,
        seq=item.block.seq,
        line_start=item.block.line_start,
        line_end=item.line_end,
        page=item.block.page,
    )


def extract_agenda_items(ctx: DocContext) -> list[AgendaItemRow]:
    """Agenda items of a document: provisional, adopted and next-session agendas.

    Rows are in document order: the provisional agenda's items (with the symbols
    of their annotations in ``documents``: those of the item's ``文件`` block
    first, then the others its annotation cites, each once, in printed order; a
    parent item has those of its own annotation, not its sub-items'), then any
    list introduced by an adoption or next-session phrase. ``item`` is ``1``,
    ``1.a`` …; ``title`` is printed text without the list's closing punctuation.
    """
    phrases = load_phrases()
    rows: list[AgendaItemRow] = []
    seen: set[tuple[str, str]] = set()

    def add(agenda: str, items: list[_Item], documents: dict[str, _Annotation]) -> None:
        for item in items:
            if (agenda, item.key) in seen:
                ctx.warn(
                    "agenda_duplicate_item",
                    f"{agenda} agenda item {item.key} is listed twice; the first is kept",
                    item.block,
                )
                continue
            seen.add((agenda, item.key))
            annotation = documents.get(item.key)
            rows.append(_row(ctx, agenda, item, annotation.documents if annotation else []))

    items, end = _provisional_list(ctx, ctx.warn)
    if items:
        add("provisional", items, _annotations(ctx, items, end, ctx.warn))
    elif ctx.meta.kind == "provisional_agenda":
        ctx.warn("agenda_not_found", "no provisional agenda list under a 临时议程 heading")
    for index, block in enumerate(ctx.blocks):
        agenda = None
        if _introduces_list(block.text, phrases.adopted_intro):
            agenda = "adopted"
        elif _ends_with_phrase(block.text, phrases.next_session_intro):
            agenda = "provisional_next_session"
        elif _contains_phrase(block.text, phrases.adopted_by_reference):
            _adopted_by_reference(ctx, block)
            continue
        if agenda is None:
            continue
        listed, _ = _read_list(ctx, index + 1, ctx.warn)
        if not listed:
            ctx.warn("agenda_list_missing", f"no {agenda} agenda list follows", block)
        add(agenda, listed, {})
    return rows


def _adopted_by_reference(ctx: DocContext, block: Block) -> None:
    symbols = [match.symbol for match in find_symbols(block.text)]
    named = "、".join(dict.fromkeys(symbols)) if symbols else "a document it does not name"
    ctx.warn(
        "agenda_adopted_by_reference",
        f"the adopted agenda is the provisional agenda contained in {named}; "
        "its items are not listed in this document",
        block,
        severity="info",
    )


# --- schedule ------------------------------------------------------------------------------

# A schedule day: 9月 11日，星期一 (the weekday words come from the phrase file).
_MONTH_DAY = r"[0-9一二三四五六七八九十]{1,2}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日"
# An agenda item column: 1(a), 2, 1(a)-(c), 2 和 3 (expand_refs reads it).
_ITEM_REF = r"\d{1,2}(?!\d)(?:\s*\([a-z]\))?"
_ITEM_SEP = r"(?:以及|[-–—~至、,，和及])"
_ITEMS_RE = re.compile(
    rf"(?P<items>{_ITEM_REF}(?:\s*{_ITEM_SEP}\s*(?:{_ITEM_REF}|\([a-z]\)))*)(?![.\d])\s*"
)


@functools.cache
def _day_pattern(weekdays: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in sorted(weekdays, key=len, reverse=True))
    return re.compile(rf"(?P<md>{_MONTH_DAY})(?:\s*[,，、]?\s*(?P<weekday>{names}))?\s*")


@dataclass(slots=True)
class _Slot:
    day: date | None
    times: tuple[time, time] | None
    items_raw: str
    parts: list[str]
    first: CleanLine
    last: CleanLine


def _schedule_regions(ctx: DocContext) -> list[tuple[CleanLine, list[CleanLine]]]:
    """Each schedule heading and the lines under it, to the next annex or schedule."""
    phrases = load_phrases()
    lines = ctx.clean.lines
    regions: list[tuple[CleanLine, list[CleanLine]]] = []
    index = 0
    while index < len(lines):
        if not _is_phrase(lines[index].text, phrases.schedule_heading):
            index += 1
            continue
        heading = lines[index]
        region: list[CleanLine] = []
        index += 1
        while index < len(lines):
            text = lines[index].text
            if _is_annex(text, phrases) or _is_phrase(text, phrases.schedule_heading):
                break
            region.append(lines[index])
            index += 1
        regions.append((heading, region))
    return regions


def _is_table_header(text: str, phrases: AgendaPhrases) -> bool:
    squashed = _squash(text)
    return any(squashed.startswith(_squash(phrase)) for phrase in phrases.schedule_table_header)


def _meeting_year(ctx: DocContext) -> int | None:
    return ctx.meta.date_start.year if ctx.meta.date_start else None


def _read_slots(ctx: DocContext, region: list[CleanLine], agenda: dict[str, str]) -> list[_Slot]:
    """Rows of one schedule table: a new row at each line that names an item.

    A day line sets the date, a leading time range the slot; a line with neither
    and no item continues the title of the row above (a wrapped cell), or, right
    after a time printed alone, describes a slot without an item.
    """
    phrases = load_phrases()
    day_re = _day_pattern(tuple(phrases.weekday))
    year = _meeting_year(ctx)
    slots: list[_Slot] = []
    day: date | None = None
    times: tuple[time, time] | None = None
    current: _Slot | None = None
    for line in region:
        text = line.text.replace("\t", " ").strip()
        if not text or _is_table_header(text, phrases):
            continue
        # fold_width maps one character to one, so positions hold in ``text``.
        folded = fold_width(text)
        pos = 0
        if day_match := day_re.match(folded):
            day = _read_day(ctx, day_match, year, phrases, line)
            times, current = None, None
            pos = day_match.end()
        found = find_time_range(folded[pos:])
        if found is not None and not folded[pos : pos + found[1][0]].strip():
            times, current = found[0], None
            pos += found[1][1]
        rest = folded[pos:].lstrip()
        pos = len(folded) - len(rest)
        if not rest:
            continue
        items = _ITEMS_RE.match(rest)
        if items is not None and not _wraps_into_number(current, items["items"], agenda):
            current = _Slot(day, times, items["items"], [text[pos + items.end() :]], line, line)
            slots.append(current)
        elif current is not None:
            current.parts.append(text[pos:])
            current.last = line
        elif times is not None:
            # A slot with a description but no agenda item (a briefing, consultations).
            current = _Slot(day, times, "", [text[pos:]], line, line)
            slots.append(current)
        else:
            _warn_line(ctx, "schedule_stray_line", "schedule line outside any time slot", line)
    return slots


def _wraps_into_number(current: _Slot | None, items_raw: str, agenda: dict[str, str]) -> bool:
    """Whether a line that opens with a number (``10 条…``) rather continues the title
    above: that title is a cut-off start of its agenda title and the number names
    no agenda item."""
    if current is None or not agenda:
        return False
    try:
        items = expand_refs(current.items_raw) if current.items_raw else []
        named = expand_refs(items_raw)
    except RefParseError:
        return False
    if len(items) != 1 or items[0] not in agenda or any(item in agenda for item in named):
        return False
    so_far = _squash(join_texts(current.parts))
    full = _squash(agenda[items[0]])
    return len(so_far) < len(full) and full.startswith(so_far)


def _block_at(ctx: DocContext, line_number: int) -> Block | None:
    """The block that holds a cleaned line (for a row's seq and a finding's place)."""
    for block in ctx.blocks:
        if block.line_start <= line_number <= block.line_end:
            return block
    return None


def _warn_line(
    ctx: DocContext, check: str, message: str, line: CleanLine, evidence: str = ""
) -> None:
    ctx.warn(
        check,
        message,
        _block_at(ctx, line.number),
        evidence=evidence or f"line {line.number}: {line.text.strip()}",
    )


def _read_day(
    ctx: DocContext,
    match: re.Match[str],
    year: int | None,
    phrases: AgendaPhrases,
    line: CleanLine,
) -> date | None:
    if year is None:
        _warn_line(ctx, "schedule_no_year", "schedule day without a meeting year", line)
        return None
    day = parse_month_day(match["md"], year)
    if day is None:
        _warn_line(ctx, "schedule_bad_date", "schedule day is not a calendar date", line)
        return None
    weekday = match["weekday"]
    if weekday is not None and phrases.weekday.get(weekday) != day.weekday():
        _warn_line(ctx, "schedule_weekday_mismatch", f"{day.isoformat()} is not a {weekday}", line)
    meta = ctx.meta
    if meta.date_start and meta.date_end and not meta.date_start <= day <= meta.date_end:
        _warn_line(
            ctx,
            "schedule_date_outside_meeting",
            f"schedule day {day.isoformat()} is outside the meeting "
            f"({meta.date_start.isoformat()} to {meta.date_end.isoformat()})",
            line,
        )
    return day


def _schedule_row(ctx: DocContext, slot: _Slot, agenda: dict[str, str]) -> ScheduleRow:
    phrases = load_phrases()
    title = join_texts(slot.parts)
    continued = False
    for mark in phrases.continued_mark:
        if mark in title:
            continued = True
            title = title.replace(mark, "")
    title = title.strip()
    line = slot.first
    items: list[str] = []
    if slot.items_raw:
        try:
            items = expand_refs(slot.items_raw)
        except RefParseError as error:
            _warn_line(ctx, "schedule_bad_item", f"cannot read agenda item: {error}", line)
    if slot.day is None:
        _warn_line(ctx, "schedule_no_date", "schedule row without a day", line)
    if slot.times is None:
        _warn_line(ctx, "schedule_no_time", "schedule row without a time", line)
    if agenda:
        for item in items:
            if item not in agenda:
                _warn_line(
                    ctx,
                    "schedule_unknown_item",
                    f"schedule names agenda item {item}, which the agenda does not list",
                    line,
                )
        if len(items) == 1 and items[0] in agenda and not same_title(title, agenda[items[0]]):
            _warn_line(
                ctx,
                "schedule_title_mismatch",
                f"agenda item {items[0]}: the agenda reads {agenda[items[0]]!r}, "
                f"the schedule reads {title!r}",
                line,
                evidence=f"agenda: {agenda[items[0]]} | schedule: {title}",
            )
    start, end = slot.times if slot.times else (None, None)
    block = _block_at(ctx, line.number)
    return ScheduleRow(
        doc_id=ctx.doc_id,
        date=slot.day,
        time_start=start,
        time_end=end,
        items=items,
        title=title,
        continued=continued,
        seq=block.seq if block is not None else None,
        line_start=line.number,
        line_end=slot.last.number,
        page=line.page,
    )


def extract_schedule(ctx: DocContext) -> list[ScheduleRow]:
    """Rows of the proposed organization of work (annex ``拟议工作安排``).

    One row per item line of the table: a slot that takes up three items gives
    three rows sharing date and times, each with its one item in ``items`` (a
    line that prints several, ``1(a)-(c)``, keeps them together). ``date`` is the
    day line's month and day in the meeting's year; ``title`` is the cell's
    wrapped lines joined, without ``（续）``, which sets ``continued``. Items are
    checked against the provisional agenda when the document has one.
    """
    regions = _schedule_regions(ctx)
    if not regions:
        return []
    listed, _ = _provisional_list(ctx, _quiet)  # its findings come from extract_agenda_items
    agenda = {item.key: item.title for item in listed}
    rows: list[ScheduleRow] = []
    for heading, region in regions:
        slots = _read_slots(ctx, region, agenda)
        if not slots:
            _warn_line(ctx, "schedule_empty", "a schedule heading without rows", heading)
        rows.extend(_schedule_row(ctx, slot, agenda) for slot in slots)
    return rows


# --- annotation texts ----------------------------------------------------------------------


def annotate_agenda_items(ctx: DocContext, rows: list[AgendaItemRow]) -> list[AgendaItemRow]:
    """Fill ``annotation`` on the rows of the provisional agenda (see
    :func:`annotation_texts`); the other rows keep none. Returns ``rows``."""
    texts = annotation_texts(ctx)
    for row in rows:
        if row.agenda == "provisional":
            row.annotation = texts.get(row.item)
    return rows


def annotation_texts(ctx: DocContext) -> dict[str, str]:
    """Item key → the text of its annotation in the 说明 after the list.

    The text is the blocks under the item's heading (and any text the segmenter
    joined to the heading), one paragraph a line, up to the next item heading,
    the item's ``文件`` heading, an annex or the schedule; footnote markers were
    taken out when the document was cleaned. An item whose heading is followed
    directly by its sub-items' headings (``1. 组织事项`` then ``(a) 会议开幕``) has
    no text of its own and no entry. The headings are found as
    :func:`_annotations` finds them."""
    items, end = _provisional_list(ctx, _quiet)
    by_key = {item.key: item for item in items}
    paragraphs: dict[str, list[str]] = {}
    for part in _annotation_parts(ctx, by_key, end) if items else ():
        if part.key in by_key and part.text and not part.in_documents:
            paragraphs.setdefault(part.key, []).append(part.text)
    return {key: "\n".join(texts) for key, texts in paragraphs.items()}
