"""Typed records passed between the stages.

Every record keeps its provenance (1-based source lines and page) so that a row
of Parquet can always be traced back to the text it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SourceFormat = Literal["txt", "pdf"]


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One physical line of a source document, as read.

    ``number`` is the 1-based line number in the raw text, or in the text
    extracted from a PDF (pages joined in order). ``indent`` is the line's
    left offset in character widths: leading spaces for text files, the
    x position relative to the page's text margin for PDFs. ``page`` is the
    1-based page when the source tells it.
    """

    number: int
    text: str
    page: int | None = None
    indent: float = 0.0
    # Vertical position from the page top in points (PDF only): lets the
    # cleaner recognise running headers and footers by position.
    top: float | None = None
    page_height: float | None = None
    # The line's font size in points (PDF only): footnotes are set smaller.
    size: float | None = None


@dataclass(slots=True)
class SourceDocument:
    """A raw document read into lines, before any cleaning."""

    path: Path
    source_format: SourceFormat
    sha256: str
    encoding: str
    lines: list[SourceLine]
    page_count: int | None = None


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote; ``number`` is None for the starred notes (``*``, ``**``)."""

    number: int | None
    marker: str
    text: str
    page: int | None
    line_start: int
    line_end: int


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line taken out of the text flow, and why (page furniture, separator)."""

    number: int
    text: str
    reason: str
    page: int | None = None


@dataclass(slots=True)
class CleanLine:
    """A body line after furniture and footnote blocks were taken out.

    ``page_top`` is set on the first body line after a page break or a
    footnote block: extracted text often adds one leading space there, so the
    segmenter must not read it as a paragraph indent.
    """

    number: int
    text: str
    page: int | None
    indent: float
    page_top: bool = False
    # Extra vertical space above the line, in empty lines beyond the text's
    # usual spacing: the space that sets off headings and blocks.
    gap_before: int = 0
    # Footnote numbers whose markers were found glued to this line's text.
    footnote_refs: list[int] = field(default_factory=list)
    # Where each marker stood in ``text`` (0-based, same order as footnote_refs);
    # None where the text was rewritten after the markers came out.
    footnote_offsets: list[int | None] = field(default_factory=list)
    # The text as printed, markers still in: where the line wrapped is
    # measured on it.
    printed: str = ""


@dataclass(slots=True)
class CleanDocument:
    source: SourceDocument
    lines: list[CleanLine]
    footnotes: list[Footnote]
    removed: list[RemovedLine]


BlockKind = Literal[
    "chapter",  # 一. 导言
    "section",  # A. 会议开幕
    "subheading",  # 1. 审议情况 (a short numbered title)
    "heading",  # an unnumbered title: 审议情况, 文件, 第 6/1 号决议
    "paragraph",  # a numbered paragraph of the document's main sequence
    "item",  # a nested numbered item: operative paragraph, agenda item
    "subitem",  # (a), (b) …
    "subsubitem",  # ㈠, (一) …
    "label",  # a label line such as 建议 1 (the text follows in the next block)
    "body",  # an unnumbered body paragraph
    "table_row",  # a row of a table, cells separated by tabs
]


@dataclass(slots=True)
class Block:
    """One logical paragraph or heading: wrapped lines joined, markers taken out.

    ``label`` is the marker as printed (``12.``, ``(a)``, ``㈠``, ``一.``,
    ``建议 1``); ``label_value`` its canonical value (``12``, ``a``, ``iii``, ``I``,
    ``1``). ``section`` is the canonical path of the enclosing numbered
    headings (``II.A.1``), ``heading`` the nearest enclosing title as printed.
    """

    seq: int
    kind: BlockKind
    text: str
    line_start: int
    line_end: int
    page: int | None
    indent: float
    label: str | None = None
    label_value: str | None = None
    number: int | None = None
    section: str = ""
    heading: str | None = None
    footnote_refs: list[int] = field(default_factory=list)
    # Where each marker stood in ``text`` (same order as footnote_refs; None unknown).
    footnote_offsets: list[int | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry of the validation report."""

    check: str
    severity: Literal["error", "warning", "info"]
    doc_id: str | None
    message: str
    where: str = ""
    evidence: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class StatedCount:
    """A count of attendees stated in prose (``108 个《公约》缔约国…派代表出席了…``),
    as the attendance extractor read it, with the ``attendance_count`` finding
    that reports it (document, line, sentence)."""

    category: str
    count: int
    finding: Finding


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-document limits, so that one pathological file cannot stall a build."""

    max_pages: int | None = 2000
    max_seconds: float | None = 300.0
    # The largest report seen is well under 1 MB of text; 16 MB is a bound
    # that no real document reaches and that keeps memory small.
    max_bytes: int | None = 16 * 1024 * 1024
