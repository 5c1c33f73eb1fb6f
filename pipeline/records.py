"""One typed record per output row; field names and order match ``schema.py``.

``tests/test_schema.py`` keeps the two in step: the same tables, the same
columns in the same order, each field of the column's type, and no field that
may be None where the column may not be null.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(slots=True)
class DocumentRow:
    doc_id: str
    kind: str
    body: str | None
    body_name: str | None
    meeting_number: int | None
    date_start: date | None
    date_end: date | None
    venue: str | None
    language: str
    title: str | None
    source_file: str
    source_sha256: str
    source_format: str
    distribution_date: date | None
    page_count: int | None
    line_count: int | None
    symbol_source: str | None
    # Set when the corpus is assembled (pipeline/corpus/meetings.py).
    meeting_id: str | None = None


@dataclass(slots=True)
class MeetingRow:
    meeting_id: str
    body: str
    body_name: str | None
    meeting_number: int | None
    date_start: date | None
    date_end: date | None
    venue: str | None
    documents: list[str]


@dataclass(slots=True)
class ParagraphRow:
    doc_id: str
    seq: int
    kind: str
    section: str
    number: int | None
    label: str | None
    text: str
    footnote_refs: list[int]
    # Keyword-only, so that it stands where the schema has it and may be left out.
    footnote_offsets: list[int | None] | None = field(default=None, kw_only=True)
    heading: str | None
    line_start: int
    line_end: int
    page: int | None
    agenda_item: str | None = None


@dataclass(slots=True)
class FootnoteRow:
    doc_id: str
    number: int | None
    marker: str
    text: str
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class CitationRow:
    doc_id: str
    cited_symbol: str
    seq: int | None
    footnote: str | None
    context: str
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class RecommendationRow:
    rec_id: str
    doc_id: str
    number: int
    group: str | None
    group_title: str | None
    topic_title: str | None
    text: str
    paragraph_number: int | None
    # Keyword-only, so that it stands where the schema has it and may be left out.
    label: str | None = field(default=None, kw_only=True)
    seq: int
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class AgendaItemRow:
    doc_id: str
    agenda: str
    item: str
    number: int | None
    sub: str | None
    title: str
    documents: list[str]
    seq: int
    line_start: int
    line_end: int
    page: int | None
    annotation: str | None = None


@dataclass(slots=True)
class ScheduleRow:
    doc_id: str
    date: date | None
    time_start: time | None
    time_end: time | None
    items: list[str]
    title: str
    continued: bool
    seq: int | None
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class ParticipantRow:
    doc_id: str
    name: str
    iso3: str | None
    entity_type: str
    category: str | None
    role: str
    person: str | None
    agenda_item: str | None
    paragraph_number: int | None
    seq: int
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class ResolutionParagraphRow:
    doc_id: str
    instrument: str
    instrument_number: str
    instrument_title: str | None
    part: str
    ref: str
    text: str
    footnote_refs: list[int] = field(default_factory=list)
    footnote_offsets: list[int | None] | None = field(default_factory=list)
    seq: int = 0
    line_start: int = 0
    line_end: int = 0
    page: int | None = None


@dataclass(slots=True)
class IndexEntryRow:
    doc_id: str
    topic: str
    topic_main: str
    subtopic: str | None
    report_symbol: str
    report_ref: str
    location_raw: str | None
    location: str | None
    rec_id: str | None
    topic_basis: str
    line_start: int
    line_end: int
    page: int | None


@dataclass(slots=True)
class TermRow:
    source_table: str
    doc_id: str
    key: str
    seq: int | None
    term: str
    count: int
    starts: list[int]
    ends: list[int]
    in_dictionary: bool
    line_start: int | None
    line_end: int | None
    page: int | None


@dataclass(slots=True)
class TopicSuggestionRow:
    rec_id: str
    doc_id: str
    topic: str
    rank: int
    score: float
    indexed: bool
    line_start: int | None
    line_end: int | None
    page: int | None


ROW_TYPES: dict[str, type] = {
    "documents": DocumentRow,
    "meetings": MeetingRow,
    "paragraphs": ParagraphRow,
    "footnotes": FootnoteRow,
    "citations": CitationRow,
    "recommendations": RecommendationRow,
    "agenda_items": AgendaItemRow,
    "schedule": ScheduleRow,
    "participants": ParticipantRow,
    "resolution_paragraphs": ResolutionParagraphRow,
    "index_entries": IndexEntryRow,
    "terms": TermRow,
    "topic_suggestions": TopicSuggestionRow,
}
