"""Recommendations adopted in a report, in either of the two printed forms.

* Labelled (recent reports): a label line ``建议 1`` (a block of kind ``label``)
  followed by the recommendation's text, up to the next label or heading.
* Numbered paragraphs (older reports): the main-sequence paragraphs of a
  chapter whose title is a recommendations title (``二. 建议``,
  ``工作组通过的建议``), with their sub-paragraphs (a), (b) … as part of the text.

* Lettered items under a lead-in paragraph (``工作组通过了下述建议：`` then
  ``(a) …``, ``(b) …``): each lettered item is a recommendation, numbered in
  the letters' order, its letter kept in ``label``.

A chapter titled as recommendations that yields none is a ``warning``.

In every form ``group`` is the letter of the enclosing lettered section
(``A. 关于特定议题的建议``), ``group_title`` its title and ``topic_title`` the
title of the enclosing numbered (or unnumbered) topic heading inside it.

Numbering of the paragraph form: ``number`` is the running number of the
recommendation in the document (1, 2, … in order, lead-in paragraphs such as
``工作组通过了下述建议：`` left out) and ``paragraph_number`` the printed
paragraph number. The running number is the one the compilations of
recommendations use (``一.21`` is the 21st recommendation of the first report),
and it keeps ``rec_id`` unique when a document has several recommendation
chapters. The corpus stage (``_link_view`` in :mod:`pipeline.corpus.assemble`) matches
an index entry's paragraph against ``paragraph_number`` when the report prints its
recommendations as paragraphs.

Vocabularies (label words, chapter titles, lead-in phrases) are data files:
``pipeline/data/recommendations_*.txt``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.document.clean import join_texts
from pipeline.document.extract import DocContext
from pipeline.models import Block
from pipeline.records import RecommendationRow
from pipeline.vocab import read_lines

# Text that ends a sentence or a clause list: a following block starts a new
# line of the recommendation rather than continuing a wrapped sentence.
_FINISHED = re.compile(r"[。；;！!？?：:]\s*[”’」』）)]?\s*$")
_SENTENCE_END = re.compile(r"[。！!？?]\s*[”’」』）)]?\s*$")
# A wrapped sentence cut after one of these marks certainly goes on.
_OPEN_CLAUSE = re.compile(r"[，,、]\s*$")
_LABEL_NUMBER = re.compile(r"(\d{1,3})\s*$")
# Blocks that can hold (part of) the text of a recommendation.
_TEXT_KINDS = frozenset({"body", "item", "subitem", "subsubitem"})
_LISTED_KINDS = frozenset({"item", "subitem", "subsubitem"})
# Blocks that end the text of a recommendation in either form.
_HEADING_KINDS = frozenset({"chapter", "section", "subheading", "heading"})


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    labels: tuple[str, ...]
    titles: tuple[re.Pattern[str], ...]
    lead_ins: tuple[re.Pattern[str], ...]


@functools.cache
def vocabulary() -> _Vocabulary:
    """Label words, recommendations-chapter title patterns and lead-in phrases."""
    return _Vocabulary(
        labels=tuple(read_lines("recommendations_labels.txt")),
        titles=tuple(re.compile(line) for line in read_lines("recommendations_titles.txt")),
        lead_ins=tuple(re.compile(line) for line in read_lines("recommendations_lead_ins.txt")),
    )


def is_recommendations_title(title: str) -> bool:
    """Whether a chapter or section title announces the recommendations."""
    text = re.sub(r"\s+", "", title)
    return any(pattern.search(text) for pattern in vocabulary().titles)


@dataclass(slots=True)
class _Draft:
    """One recommendation being built: its anchor block and its text blocks."""

    number: int
    anchor: Block
    pieces: list[Block]
    group: Block | None
    topic: Block | None
    paragraph_number: int | None = None
    label: str = ""
    letter: str | None = None


@dataclass(slots=True)
class _Headings:
    """The enclosing headings while walking the blocks in order."""

    chapter: Block | None = None
    section: Block | None = None
    topic: Block | None = None

    def see(self, block: Block) -> None:
        if block.kind == "chapter":
            self.chapter, self.section, self.topic = block, None, None
        elif block.kind == "section":
            self.section, self.topic = block, None
        elif block.kind in ("subheading", "heading"):
            self.topic = block


@dataclass(slots=True)
class _Scan:
    """Shared state of one extraction: the document and its page-top lines."""

    ctx: DocContext
    page_tops: frozenset[int] = field(default_factory=frozenset)


def extract_recommendations(ctx: DocContext) -> list[RecommendationRow]:
    """The recommendations of one document (labelled form first, else paragraphs)."""
    scan = _Scan(ctx, frozenset(line.number for line in ctx.clean.lines if line.page_top))
    labels = [index for index, block in enumerate(ctx.blocks) if _is_label(block)]
    if labels:
        drafts = _labelled(scan, labels)
        drafts = _check_label_numbers(ctx, drafts)
    else:
        drafts = _paragraph_form(scan)
        _check_paragraph_numbers(ctx, drafts)
    if not drafts:
        _warn_empty_chapters(ctx)
    rows = []
    for draft in drafts:
        text = _join_pieces(draft)
        if not text:
            ctx.warn(
                "recommendation_empty",
                f"recommendation {draft.number} has no text",
                draft.anchor,
            )
        elif not _SENTENCE_END.search(text):
            ctx.warn(
                "recommendation_unterminated",
                f"recommendation {draft.number} does not end with a full stop:"
                " its text may be cut or run into what follows",
                draft.anchor,
                evidence=text[-120:],
            )
        rows.append(_row(ctx, draft, text))
    return rows


def _row(ctx: DocContext, draft: _Draft, text: str) -> RecommendationRow:
    last = draft.pieces[-1] if draft.pieces else draft.anchor
    return RecommendationRow(
        rec_id=f"{ctx.doc_id}#{draft.number}",
        doc_id=ctx.doc_id,
        number=draft.number,
        group=draft.group.label_value if draft.group else None,
        group_title=draft.group.text if draft.group else None,
        topic_title=draft.topic.text if draft.topic else None,
        text=text,
        paragraph_number=draft.paragraph_number,
        label=draft.letter,
        seq=draft.anchor.seq,
        line_start=draft.anchor.line_start,
        line_end=max(draft.anchor.line_end, last.line_end),
        page=draft.anchor.page,
    )


def _is_label(block: Block) -> bool:
    if block.kind != "label" or not block.label:
        return False
    label = re.sub(r"\s+", "", block.label)
    return any(label.startswith(word) for word in vocabulary().labels)


# --- labelled form ---------------------------------------------------------------


def _labelled(scan: _Scan, labels: list[int]) -> list[_Draft]:
    blocks = scan.ctx.blocks
    headings = _Headings()
    drafts: list[_Draft] = []
    first = labels[0]
    for block in blocks[:first]:
        headings.see(block)
    index = first
    while index < len(blocks):
        block = blocks[index]
        if not _is_label(block):
            headings.see(block)
            index += 1
            continue
        pieces, index = _text_after(scan, index + 1, stop_at_paragraph=True)
        topic_block = _trailing_topic(blocks, pieces, index)
        if topic_block is not None:
            pieces.remove(topic_block)
        number = _label_number(block)
        drafts.append(
            _Draft(
                number=number if number is not None else 0,
                anchor=block,
                pieces=pieces,
                group=headings.section,
                topic=headings.topic,
                label=block.label or "",
            )
        )
        if topic_block is not None:
            headings.topic = topic_block
    return drafts


def _label_number(block: Block) -> int | None:
    if block.label_value and block.label_value.isdigit():
        return int(block.label_value)
    match = _LABEL_NUMBER.search(block.label or "")
    return int(match.group(1)) if match else None


def _trailing_topic(blocks: list[Block], pieces: list[Block], end: int) -> Block | None:
    """A numbered topic title the segmenter read as an item: the last piece before
    the next label, unfinished like a title (``2. 审查…的问题``)."""
    if len(pieces) < 2 or end >= len(blocks) or not _is_label(blocks[end]):
        return None
    last = pieces[-1]
    if last.kind == "item" and not _FINISHED.search(last.text):
        return last
    return None


def _text_after(scan: _Scan, start: int, stop_at_paragraph: bool) -> tuple[list[Block], int]:
    """The text blocks from ``start`` up to the next label, heading or paragraph."""
    blocks = scan.ctx.blocks
    pieces: list[Block] = []
    index = start
    while index < len(blocks):
        block = blocks[index]
        if block.kind in _TEXT_KINDS:
            pieces.append(block)
        elif block.kind == "heading" and pieces and _continues(scan, pieces[-1], block):
            # A sentence cut by a page break: its tail, short and without a full
            # stop, looks like a title to the segmenter.
            pieces.append(block)
        elif block.kind == "paragraph" and not stop_at_paragraph:
            pieces.append(block)
        else:
            break
        index += 1
    return pieces, index


def _continues(scan: _Scan, previous: Block, block: Block) -> bool:
    if _FINISHED.search(previous.text):
        return False
    return block.line_start in scan.page_tops or bool(_OPEN_CLAUSE.search(previous.text))


def _check_label_numbers(ctx: DocContext, drafts: list[_Draft]) -> list[_Draft]:
    """Warn on gaps and repeats; renumber a repeat that fills a one-number gap.

    A repeated label whose predecessor is ``n`` and whose successor is ``n + 2``
    (or which is the last one) is a misprint of ``n + 1``; any other repeat
    would give two rows one rec_id, so it is left out with its text as evidence.
    """
    kept: list[_Draft] = []
    for position, draft in enumerate(drafts):
        if draft.number == 0:
            ctx.warn(
                "recommendation_sequence",
                f"label {draft.label!r} carries no recommendation number; left out",
                draft.anchor,
                evidence=_join_pieces(draft)[:120],
            )
            continue
        previous = kept[-1].number if kept else 0
        expected = previous + 1
        if draft.number == expected:
            kept.append(draft)
            continue
        following = drafts[position + 1].number if position + 1 < len(drafts) else None
        seen = {other.number for other in kept}
        if draft.number in seen:
            if following is None or following == expected + 1:
                ctx.warn(
                    "recommendation_sequence",
                    f"recommendation number {draft.number} repeated after {previous};"
                    f" numbered {expected} by its position",
                    draft.anchor,
                )
                draft.number = expected
                kept.append(draft)
            else:
                ctx.warn(
                    "recommendation_sequence",
                    f"recommendation number {draft.number} repeated after {previous};"
                    " the repeat is left out",
                    draft.anchor,
                    evidence=_join_pieces(draft)[:120],
                )
            continue
        kind = "gap" if draft.number > expected else "out of order"
        ctx.warn(
            "recommendation_sequence",
            f"recommendation numbers {kind}: {previous or 'start'} is followed by"
            f" {draft.number} (expected {expected})",
            draft.anchor,
        )
        kept.append(draft)
    return kept


# --- numbered-paragraph form -----------------------------------------------------


def _containers(blocks: list[Block]) -> list[tuple[int, int]]:
    """(start, end) block ranges of the recommendations chapters (or sections)."""
    for level in ("chapter", "section"):
        ranges = []
        for index, block in enumerate(blocks):
            if block.kind == level and is_recommendations_title(block.text):
                end = next(
                    (
                        later
                        for later in range(index + 1, len(blocks))
                        if blocks[later].kind == "chapter"
                        or (level == "section" and blocks[later].kind == "section")
                    ),
                    len(blocks),
                )
                ranges.append((index, end))
        if ranges:
            return ranges
    return []


def _paragraph_form(scan: _Scan) -> list[_Draft]:
    blocks = scan.ctx.blocks
    drafts: list[_Draft] = []
    for start, end in _containers(blocks):
        headings = _Headings()
        for block in blocks[: start + 1]:
            headings.see(block)
        anchors_kind = (
            "paragraph" if any(block.kind == "paragraph" for block in blocks[start:end]) else "item"
        )
        index = start + 1
        while index < end:
            block = blocks[index]
            if block.kind != anchors_kind or not block.label_value:
                headings.see(block)
                index += 1
                continue
            pieces, after = _text_after(scan, index + 1, stop_at_paragraph=True)
            if anchors_kind == "item":
                # Under an item-numbered chapter the items are the anchors.
                pieces = _until_kind(pieces, "item")
                after = index + 1 + len(pieces)
            if not _is_lead_in(block):
                drafts.append(
                    _Draft(
                        number=len(drafts) + 1,
                        anchor=block,
                        pieces=pieces,
                        group=headings.section,
                        topic=headings.topic,
                        paragraph_number=block.number
                        if block.number is not None
                        else int(block.label_value),
                        label=block.label or "",
                    )
                )
            elif _lettered(pieces):
                drafts.extend(_lettered_drafts(pieces, headings, len(drafts)))
            index = max(after, index + 1)
    if not drafts:
        drafts = _lettered_anywhere(scan)
    return drafts


def _lettered(pieces: list[Block]) -> bool:
    """The blocks after a lead-in are lettered items: (a), (b) …"""
    return bool(pieces) and pieces[0].kind == "subitem" and pieces[0].label_value == "a"


def _lettered_drafts(pieces: list[Block], headings: _Headings, before: int) -> list[_Draft]:
    """One recommendation per lettered item; what follows an item up to the next
    (its ㈠ ㈡ sub-items, a wrapped tail) is part of its text."""
    drafts: list[_Draft] = []
    for piece in pieces:
        if piece.kind == "subitem" and piece.label_value:
            drafts.append(
                _Draft(
                    number=before + len(drafts) + 1,
                    anchor=piece,
                    pieces=[],
                    group=headings.section,
                    topic=headings.topic,
                    label=piece.label or "",
                    letter=piece.label_value,
                )
            )
        elif drafts:
            drafts[-1].pieces.append(piece)
    return drafts


def _lettered_anywhere(scan: _Scan) -> list[_Draft]:
    """Lettered items under a lead-in paragraph outside a recommendations chapter
    (a report whose recommendations close its discussion of an item)."""
    blocks = scan.ctx.blocks
    headings = _Headings()
    drafts: list[_Draft] = []
    for index, block in enumerate(blocks):
        headings.see(block)
        if block.kind not in ("paragraph", "body") or not _is_lead_in(block):
            continue
        pieces, _ = _text_after(scan, index + 1, stop_at_paragraph=True)
        if _lettered(pieces):
            drafts.extend(_lettered_drafts(pieces, headings, len(drafts)))
    return drafts


def _warn_empty_chapters(ctx: DocContext) -> None:
    for block in ctx.blocks:
        if block.kind == "chapter" and is_recommendations_title(block.text):
            ctx.warn(
                "recommendations_not_found",
                f"chapter {block.label or ''} {block.text} holds no recommendation in a form"
                " the pipeline reads (建议 N labels, numbered paragraphs, lettered items"
                " under a lead-in)",
                block,
            )


def _until_kind(pieces: list[Block], kind: str) -> list[Block]:
    for position, piece in enumerate(pieces):
        if piece.kind == kind:
            return pieces[:position]
    return pieces


def _is_lead_in(block: Block) -> bool:
    text = re.sub(r"\s+", "", block.text)
    return any(pattern.search(text) for pattern in vocabulary().lead_ins)


def _check_paragraph_numbers(ctx: DocContext, drafts: list[_Draft]) -> None:
    """Paragraph-numbered recommendations run on without gaps or repeats."""
    counts = Counter(draft.paragraph_number for draft in drafts)
    previous: int | None = None
    for draft in drafts:
        number = draft.paragraph_number
        if number is None:
            continue
        if counts[number] > 1:
            ctx.warn(
                "recommendation_sequence",
                f"paragraph {number} holds more than one recommendation",
                draft.anchor,
            )
        elif previous is not None and number != previous + 1:
            ctx.warn(
                "recommendation_sequence",
                f"recommendation paragraphs jump from {previous} to {number}",
                draft.anchor,
            )
        previous = number


# --- text ------------------------------------------------------------------------


def _join_pieces(draft: _Draft) -> str:
    """The recommendation's text: its blocks joined with nothing between them,
    listed sub-paragraphs with their labels (``…时：(a) 以…；(b) 与…``)."""
    parts = [] if draft.anchor.kind == "label" else [draft.anchor.text]
    for piece in draft.pieces:
        part = piece.text.strip()
        if piece.kind in _LISTED_KINDS and piece.label:
            part = f"{piece.label} {part}".strip()
        parts.append(part)
    return join_texts(parts).strip()
