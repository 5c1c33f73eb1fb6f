"""Resolutions and decisions adopted in a report → ``resolution_paragraphs``.

An instrument opens at a heading ``第 6/1 号决议`` / ``第6/1号决定`` and runs to the
next instrument heading, the next chapter or section heading, or the report's
own numbered paragraph that introduces the next group (``2. …通过了下列决定：``).
Its parts follow the AKN4UN model (preface, preamble, mainBody, attachments):

==========================  ===========  ============================================
what                        part         ref
==========================  ===========  ============================================
enacting formula            preamble     ``formula`` (the first body after the title,
                                         ending with ``，``/``：`` or ``…如下。``;
                                         AKN keeps it inside the preamble)
preambular paragraph N      preamble     ``pp.N`` (unnumbered, counted in order)
operative paragraph         operative    ``op.9``, ``op.9.a``, ``op.9.a.i``; lettered
                                         paragraphs right after the formula are
                                         operative paragraphs ``op.a``, ``op.b``;
                                         unnumbered operative paragraphs (ending in
                                         ``。``, no numbered one yet) count ``op.N``
annex title                 annex        ``annex.title``
annex lead-in               annex        ``annex.formula`` (its first unnumbered
                                         paragraph when it ends with ``：``/``，``)
other unnumbered lead-ins   annex        ``annex.pp.N``
annex items                 annex        ``annex.1``, ``annex.1.a``, ``annex.a.i``
later annex headings        annex        ``annex.heading.N``
==========================  ===========  ============================================

With numbered annexes (``附件一``, ``附件二``) the prefix carries the number:
``annex.I.a``, ``annex.II.title``. A text the instrument adopts "as follows"
(``…临时议程如下。`` followed by its own title, e.g. a provisional agenda) is an
attachment too: part ``annex``, refs ``annex.title``, ``annex.1``, ``annex.1.a``.

The ``附件`` heading itself gives no row: part and prefix carry it. Inside an
annex a chapter heading that restarts the count (``一.`` within chapter 一 of
the report) belongs to the annex; any other chapter or section heading ends the
instrument. A label line (``建议 1``) numbers the paragraph under it.

An unnumbered paragraph after numbered ones (a quoted text, a wrap-up after
sub-paragraphs) continues the row before it: its text is appended after a line
break, so nothing is lost and refs stay unique. A ref printed twice is handled
the same way, with a warning.

Findings: ``resolution_sequence`` (numbers not running 1, 2, 3 / a, b, c / i,
ii, iii under one parent; the message names the numbers on either side),
``resolution_formula``, ``resolution_title``, ``resolution_empty``,
``resolution_duplicate``, ``resolution_structure``, ``resolution_annex``
(warnings); ``resolution_end`` (info).

The refs ``formula``, ``annex.title``, ``annex.formula``, ``annex.pp.N`` and
``annex.heading.N`` name unnumbered parts; ``normalize.refs.parse_ref`` only
knows numbered paths, so it does not accept them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.document.clean import join_texts
from pipeline.document.extract import DocContext
from pipeline.models import Block
from pipeline.normalize.numerals import (
    chinese_to_int,
    fold_width,
    int_to_roman,
    letter_value,
    roman_to_int,
)
from pipeline.records import ResolutionParagraphRow
from pipeline.vocab import read_rows

__all__ = ["Vocabulary", "extract_resolution_paragraphs", "instrument_heading", "load_vocabulary"]

VOCABULARY_FILE = "resolutions_vocabulary.csv"

# A clause (not a sentence) ends a formula or a preambular paragraph.
_CLAUSE_END = re.compile(r"[，,：:]\s*$")
# Any printed end mark: a title has none.
_ANY_END = re.compile(r"[，,：:。；;！!？?]\s*[”’」』）)]?\s*$")
_SENTENCE_END = re.compile(r"。\s*[”’」』）)]?\s*$")

_LEVEL_NAMES = {1: "paragraph", 2: "sub-paragraph", 3: "sub-sub-paragraph"}


@dataclass(frozen=True)
class Vocabulary:
    """The fixed phrases the rules key on (``pipeline/data/resolutions_vocabulary.csv``)."""

    instruments: dict[str, str]
    annex_words: tuple[str, ...]
    adoption: tuple[str, ...]
    group_intro: tuple[str, ...]

    @functools.cached_property
    def heading_re(self) -> re.Pattern[str]:
        words = "|".join(map(re.escape, self.instruments))
        return re.compile(rf"^第\s*(?P<number>\d+\s*/\s*\d+)\s*号\s*(?P<word>{words})$")

    @functools.cached_property
    def annex_re(self) -> re.Pattern[str]:
        words = "|".join(map(re.escape, self.annex_words))
        return re.compile(rf"^(?:{words})\s*(?P<number>[一二三四五六七八九十]+|[IVX]+|\d+)?$")

    @functools.cached_property
    def adoption_re(self) -> re.Pattern[str]:
        words = "|".join(map(re.escape, self.adoption))
        return re.compile(rf"(?:{words})\s*[。：:]\s*$")

    @functools.cached_property
    def group_intro_re(self) -> re.Pattern[str]:
        phrases = "|".join(map(re.escape, self.group_intro))
        words = "|".join(map(re.escape, self.instruments))
        return re.compile(rf"(?:{phrases})(?:{words})\s*[：:]\s*$")


@functools.cache
def load_vocabulary() -> Vocabulary:
    """Read the vocabulary file shipped with the package."""
    instruments: dict[str, str] = {}
    lists: dict[str, list[str]] = {"annex": [], "adoption": [], "group_intro": []}
    for row in read_rows(VOCABULARY_FILE):
        category, phrase = row["category"], row["phrase"]
        if category == "instrument":
            instruments[phrase] = row["value"]
        elif category in lists:
            lists[category].append(phrase)
        else:
            raise ValueError(f"{VOCABULARY_FILE}: unknown category {category!r}")
    return Vocabulary(
        instruments=instruments,
        annex_words=tuple(lists["annex"]),
        adoption=tuple(lists["adoption"]),
        group_intro=tuple(lists["group_intro"]),
    )


def instrument_heading(text: str, vocabulary: Vocabulary | None = None) -> tuple[str, str] | None:
    """(instrument, number) of a heading such as ``第 6/1 号决议`` -> ("resolution", "6/1")."""
    vocabulary = vocabulary or load_vocabulary()
    match = vocabulary.heading_re.match(fold_width(text).strip())
    if match is None:
        return None
    number = re.sub(r"\s+", "", match["number"])
    return vocabulary.instruments[match["word"]], number


# --- pieces: blocks, with paragraphs the segmenter joined across a page split ------


@dataclass(slots=True)
class _Piece:
    """A block, or the part of one that is a paragraph of its own."""

    block: Block
    text: str
    footnote_refs: list[int]
    line_start: int
    line_end: int
    # Where each marker stood in ``text`` (same order as footnote_refs; None unknown).
    footnote_offsets: list[int | None] = field(default_factory=list)


def _whole(block: Block) -> _Piece:
    return _Piece(
        block,
        block.text,
        list(block.footnote_refs),
        block.line_start,
        block.line_end,
        list(block.footnote_offsets),
    )


def _shifted(offsets: list[int | None], by: int) -> list[int | None]:
    """Offsets into a text that now follows ``by`` characters."""
    return [None if offset is None else offset + by for offset in offsets]


def _joined_offsets(pieces: list[_Piece]) -> list[int | None]:
    """The markers' offsets in ``join_texts`` of the pieces' texts: the length of
    the joined text up to each marker (joining only adds and drops spaces)."""
    texts = [piece.text for piece in pieces]
    offsets: list[int | None] = []
    for index, piece in enumerate(pieces):
        for offset in piece.footnote_offsets:
            before = None if offset is None else join_texts([*texts[:index], texts[index][:offset]])
            offsets.append(None if before is None else len(before))
    return offsets


# --- one instrument -----------------------------------------------------------------


@dataclass(slots=True)
class _Instrument:
    """The parsing state of one instrument, fed block by block."""

    ctx: DocContext
    vocabulary: Vocabulary
    heading: Block
    instrument: str
    number: str
    chapter: str
    title_pieces: list[_Piece] = field(default_factory=list)
    title_open: bool = True
    formula_seen: bool = False
    part: str = "preamble"
    prefix: str = "op"
    stack: list[tuple[int, str]] = field(default_factory=list)
    last_value: dict[tuple[str, tuple[str, ...], int], int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    rows: list[ResolutionParagraphRow] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    unnumbered_ops: bool = False
    adoption_pending: bool = False
    annex_title: list[_Piece] = field(default_factory=list)
    annex_started: bool = False
    pending_label: Block | None = None

    @property
    def name(self) -> str:
        return f"{self.instrument} {self.number}"

    # -- end conditions

    def ends_at(self, block: Block) -> bool:
        """True when ``block`` no longer belongs to this instrument."""
        if instrument_heading(block.text, self.vocabulary) and block.kind not in _NUMBERED:
            return True
        if block.kind in ("chapter", "section"):
            return not self._annex_internal(block)
        if block.kind in ("paragraph", "subheading"):
            if self.vocabulary.group_intro_re.search(block.text):
                return True
            main = block.kind == "subheading" or block.number is not None
            return main and _value(block, 1) != self._expected(1)
        if block.kind == "item" and self.vocabulary.group_intro_re.search(block.text):
            return True
        if block.kind == "heading" and not self.title_open and self.part != "annex":
            announced = self.adoption_pending or self._annex_heading(block) is not None
            if not announced:
                self.ctx.warn(
                    "resolution_end",
                    f"{self.name} ends at an unlabelled heading",
                    block,
                    severity="info",
                )
                return True
        return False

    def _annex_internal(self, block: Block) -> bool:
        """A chapter heading inside an annex that restarts the count (一. after 一.)."""
        if self.part != "annex" or block.kind != "chapter" or not self.chapter:
            return False
        own = roman_to_int(block.label_value or "")
        enclosing = roman_to_int(self.chapter)
        return own is not None and enclosing is not None and own <= enclosing

    def _annex_heading(self, block: Block) -> str | None:
        """The annex prefix a heading such as 附件 / 附件二 opens, else None."""
        match = self.vocabulary.annex_re.match(fold_width(block.text).strip())
        if match is None:
            return None
        printed = match["number"]
        if not printed:
            return "annex"
        value = chinese_to_int(printed) or roman_to_int(printed)
        return f"annex.{int_to_roman(value)}" if value else "annex"

    # -- feeding

    def feed(self, piece: _Piece) -> None:
        block = piece.block
        if self.title_open and self._title_like(block, piece.text):
            self.title_pieces.append(piece)
            return
        self.title_open = False
        if block.kind in ("chapter", "section"):
            # A heading inside an annex keeps its printed label.
            piece.text = f"{block.label} {piece.text}"
            piece.footnote_offsets = _shifted(piece.footnote_offsets, len(f"{block.label} "))
        if block.kind == "label":
            self.pending_label = block
            return
        level = _LEVELS.get(block.kind)
        if level is not None:
            self._numbered(piece, level, block)
        elif block.kind in ("heading", "chapter", "section"):
            self._heading(piece)
        else:
            self._unnumbered(piece)

    def _title_like(self, block: Block, text: str) -> bool:
        return block.kind in ("heading", "body") and not _ANY_END.search(text)

    def _heading(self, piece: _Piece) -> None:
        block = piece.block
        prefix = self._annex_heading(block) if block.kind == "heading" else None
        if prefix is not None:
            self._open_annex(prefix, piece)
            return
        if self.part != "annex":
            # Announced by …如下。: the adopted text, under its own title.
            self._open_annex("annex", piece)
            return
        if not self.annex_started:
            self.annex_title.append(piece)
            return
        count = self._count(f"{self.prefix}.heading")
        self._emit(piece, "annex", f"{self.prefix}.heading.{count}")

    def _open_annex(self, prefix: str, piece: _Piece) -> None:
        self._flush_annex_title()
        if self.part == "annex" and prefix == self.prefix:
            self.ctx.warn("resolution_annex", f"{self.name}: a second {prefix}", piece.block)
        self.part, self.prefix = "annex", prefix
        self.stack = []
        self.annex_started = False
        self.annex_title = []
        if self._annex_heading(piece.block) is None:
            self.annex_title.append(piece)

    def _flush_annex_title(self) -> None:
        if not self.annex_title:
            return
        first, last = self.annex_title[0], self.annex_title[-1]
        title = _Piece(
            first.block,
            join_texts(piece.text for piece in self.annex_title),
            [ref for piece in self.annex_title for ref in piece.footnote_refs],
            first.line_start,
            last.line_end,
            _joined_offsets(self.annex_title),
        )
        self.annex_title = []
        self._emit(title, "annex", f"{self.prefix}.title")

    def _unnumbered(self, piece: _Piece) -> None:
        text = piece.text
        if self.pending_label is not None:
            label, self.pending_label = self.pending_label, None
            piece.line_start = label.line_start  # the row starts at its label
            self._numbered(piece, 1, label)
            return
        if not self.formula_seen and not self.rows:
            self.formula_seen = True
            if _CLAUSE_END.search(text) or self.vocabulary.adoption_re.search(text):
                self._emit(piece, "preamble", "formula")
                return
        if self.part == "annex":
            self._annex_unnumbered(piece)
        elif self.stack:
            self._continue(piece)
        elif self.unnumbered_ops or _SENTENCE_END.search(text):
            # A short decision: "决定…。" with no number is its operative paragraph.
            self.unnumbered_ops = True
            self._emit(piece, "operative", f"op.{self._count('op')}")
        else:
            self._emit(piece, "preamble", f"pp.{self._count('pp')}")

    def _annex_unnumbered(self, piece: _Piece) -> None:
        if self.annex_started and self.stack:
            self._continue(piece)
            return
        self._flush_annex_title()
        self.annex_started = True
        lead_ins = self._count(f"{self.prefix}.lead")
        if lead_ins == 1 and _CLAUSE_END.search(piece.text):
            self._emit(piece, "annex", f"{self.prefix}.formula")
        else:
            self._emit(piece, "annex", f"{self.prefix}.pp.{self._count(f'{self.prefix}.pp')}")

    def _numbered(self, piece: _Piece, level: int, label: Block) -> None:
        self._flush_annex_title()
        if self.part == "annex":
            self.annex_started = True
        elif self.part == "preamble" or self.unnumbered_ops:
            if self.unnumbered_ops:
                self.ctx.warn(
                    "resolution_structure",
                    f"{self.name}: numbered paragraphs after unnumbered operative ones",
                    piece.block,
                )
                self.unnumbered_ops = False
            self.part, self.prefix = "operative", "op"
        value = _value(label, level)
        if value is None:
            self._continue(piece)
            return
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        if level > 1 and self.stack and self.stack[-1][0] != level - 1:
            self.ctx.warn(
                "resolution_structure",
                f"{self.name}: {_LEVEL_NAMES[level]} {label.label} has no "
                f"{_LEVEL_NAMES[level - 1]} above it",
                piece.block,
            )
        parent = tuple(part for _, part in self.stack)
        self._check_sequence(level, value, parent, piece.block)
        self.stack.append((level, _format(level, value)))
        ref = ".".join((self.prefix, *(part for _, part in self.stack)))
        part = "annex" if self.part == "annex" else "operative"
        self._emit(piece, part, ref)

    def _expected(self, level: int) -> int:
        parent = tuple(part for lvl, part in self.stack if lvl < level)
        return self.last_value.get((self.prefix, parent, level), 0) + 1

    def _check_sequence(
        self, level: int, value: int, parent: tuple[str, ...], block: Block
    ) -> None:
        key = (self.prefix, parent, level)
        previous = self.last_value.get(key)
        expected = (previous or 0) + 1
        if value != expected:
            where = ".".join((self.prefix, *parent))
            before = _format(level, previous) if previous else "start"
            self.ctx.warn(
                "resolution_sequence",
                f"{self.name}: {_LEVEL_NAMES[level]} {_format(level, value)} follows "
                f"{before} under {where} (expected {_format(level, expected)})",
                block,
            )
        self.last_value[key] = value

    def _continue(self, piece: _Piece) -> None:
        """An unnumbered paragraph after numbered ones: part of the row before it."""
        if not self.rows:
            self._emit(piece, "preamble", f"pp.{self._count('pp')}")
            return
        row = self.rows[-1]
        row.footnote_offsets = [
            *(row.footnote_offsets or []),
            *_shifted(piece.footnote_offsets, len(row.text) + 1),
        ]
        row.text = f"{row.text}\n{piece.text}"
        row.footnote_refs.extend(piece.footnote_refs)
        row.line_end = max(row.line_end, piece.line_end)

    def _count(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def _emit(self, piece: _Piece, part: str, ref: str) -> None:
        self.adoption_pending = bool(self.vocabulary.adoption_re.search(piece.text))
        if ref in self.refs:
            self.ctx.warn(
                "resolution_duplicate",
                f"{self.name}: {ref} printed twice; the text joins the row before it",
                piece.block,
            )
            self._continue(piece)
            return
        self.refs.add(ref)
        block = piece.block
        self.rows.append(
            ResolutionParagraphRow(
                doc_id=self.ctx.doc_id,
                instrument=self.instrument,
                instrument_number=self.number,
                instrument_title=None,
                part=part,
                ref=ref,
                text=piece.text,
                footnote_refs=list(piece.footnote_refs),
                footnote_offsets=list(piece.footnote_offsets),
                seq=block.seq,
                line_start=piece.line_start,
                line_end=piece.line_end,
                page=block.page,
            )
        )

    def finish(self) -> list[ResolutionParagraphRow]:
        """Close the instrument: flush what is pending, set the title, check it."""
        self._flush_annex_title()
        if self.pending_label is not None:
            self.ctx.warn(
                "resolution_structure",
                f"{self.name}: label {self.pending_label.label} has no text",
                self.pending_label,
            )
        title = join_texts(piece.text for piece in self.title_pieces) or None
        if title is None:
            self.ctx.warn("resolution_title", f"{self.name} has no title", self.heading)
        if not self.rows:
            self.ctx.warn("resolution_empty", f"{self.name} has no text", self.heading)
        elif "formula" not in self.refs:
            self.ctx.warn(
                "resolution_formula",
                f"{self.name} has no enacting formula (…缔约方会议，)",
                self.heading,
            )
        for row in self.rows:
            row.instrument_title = title
        return self.rows


_NUMBERED = ("paragraph", "item", "subheading", "subitem", "subsubitem")
_LEVELS = {"paragraph": 1, "item": 1, "subheading": 1, "subitem": 2, "subsubitem": 3}


def _value(block: Block, level: int) -> int | None:
    """The integer value of a block's label at ``level`` (12, b → 2, iii → 3)."""
    value = block.label_value or ""
    if level == 1:
        return int(value) if value.isdigit() else None
    if level == 2:
        return letter_value(value) if len(value) == 1 and value.isalpha() else None
    return roman_to_int(value)


def _format(level: int, value: int) -> str:
    if level == 1:
        return str(value)
    if level == 2:
        return chr(ord("a") + value - 1) if 1 <= value <= 26 else str(value)
    return int_to_roman(value, lower=True)


# --- the document -------------------------------------------------------------------


def _instruments(ctx: DocContext, vocabulary: Vocabulary) -> Iterator[tuple[Block, str, str]]:
    for block in ctx.blocks:
        if block.kind in _NUMBERED:
            continue
        found = instrument_heading(block.text, vocabulary)
        if found:
            yield block, *found


def extract_resolution_paragraphs(ctx: DocContext) -> list[ResolutionParagraphRow]:
    """Preambular, operative and annex paragraphs of the resolutions and decisions."""
    vocabulary = load_vocabulary()
    heading_at = {
        block.seq: (instrument, number)
        for block, instrument, number in _instruments(ctx, vocabulary)
    }
    rows: list[ResolutionParagraphRow] = []
    seen: set[tuple[str, str]] = set()
    current: _Instrument | None = None
    for block in ctx.blocks:
        if current is not None and current.ends_at(block):
            rows.extend(current.finish())
            current = None
        if block.seq in heading_at:
            instrument, number = heading_at[block.seq]
            if (instrument, number) in seen:
                ctx.warn(
                    "resolution_duplicate",
                    f"{instrument} {number} appears twice; the second copy is not read",
                    block,
                )
                continue
            seen.add((instrument, number))
            current = _Instrument(
                ctx, vocabulary, block, instrument, number, block.section.split(".")[0]
            )
            continue
        if current is None:
            continue
        current.feed(_whole(block))
    if current is not None:
        rows.extend(current.finish())
    return rows
