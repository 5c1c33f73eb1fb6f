"""The Arrow schemas of every output table: the single source of truth.

Writers, the validator, the data package and the tests all read this module.
Each column carries its description in the field metadata. Changing a
column's name or type is a contract change: bump :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = "1.2.0"


@dataclass(frozen=True)
class Column:
    """One column. ``allowed`` is the closed set of codes the contract defines for
    it and ``pattern`` a regular expression every value matches (both checked by
    ``pipeline/validate.py``). Open vocabularies that grow with the data files
    (document kinds, participant roles and categories) are listed in
    ``pipeline/data/validation_vocabularies.csv`` instead."""

    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    order: tuple[str, ...]

    @functools.cached_property
    def schema(self) -> pa.Schema:
        # Built once per table: every document's rows are converted with it.
        return pa.schema(
            [
                pa.field(
                    column.name,
                    column.type,
                    nullable=column.nullable,
                    metadata={"description": column.description},
                )
                for column in self.columns
            ],
            metadata={"table": self.name, "description": self.description},
        )

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def _c(
    name: str,
    kind: pa.DataType,
    description: str,
    nullable: bool = True,
    *,
    allowed: tuple[str, ...] | None = None,
    pattern: str | None = None,
) -> Column:
    return Column(name, kind, description, nullable, allowed, pattern)


_STR = pa.string()
_INT = pa.int32()
_INTS = pa.list_(pa.int32())
_STRS = pa.list_(pa.string())

# A normalized symbol: printed without spaces or line breaks.
_SYMBOL = r"^\S+$"
_DOC_ID = _c(
    "doc_id",
    _STR,
    "Normalized UN symbol of the source document",
    nullable=False,
    pattern=_SYMBOL,
)
_SEQ = _c("seq", _INT, "Order of the source paragraph (block) within its document")
_LINE_START = _c("line_start", _INT, "First 1-based line in the raw text (or text from the PDF)")
_LINE_END = _c("line_end", _INT, "Last 1-based line in the raw text (or text from the PDF)")
_PAGE = _c("page", _INT, "1-based page where known (PDF sources, or text with form feeds)")
_PROVENANCE = (_LINE_START, _LINE_END, _PAGE)
_MEETING_ID_PATTERN = r"^[A-Z][A-Za-z0-9.]*/[0-9]+$"
_MEETING_ID = _c(
    "meeting_id",
    _STR,
    "The meeting the document serves (meetings.meeting_id): <body>/<number>, or"
    " <body>/<year> where the number is unknown",
    pattern=_MEETING_ID_PATTERN,
)
_FOOTNOTE_REFS = _c(
    "footnote_refs", _INTS, "Footnote numbers whose markers were taken out of the text"
)
_FOOTNOTE_OFFSETS = _c(
    "footnote_offsets",
    _INTS,
    "Where each marker of footnote_refs stood (same order): its 0-based character offset"
    " in text; an item is null where the place is unknown",
)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "documents",
            "One row per raw document, with the metadata the text or the catalog states",
            (
                _DOC_ID,
                _c("kind", _STR, "Document kind (see pipeline/data/kinds.csv)", nullable=False),
                _c("body", _STR, "Issuing body code: COP, WG.4, WG.7, …"),
                _c("body_name", _STR, "Issuing body as printed"),
                _c("meeting_number", _INT, "Session or meeting number (第六届会议 → 6)"),
                _c("date_start", pa.date32(), "First day of the meeting"),
                _c("date_end", pa.date32(), "Last day of the meeting"),
                _c("venue", _STR, "Meeting venue as printed"),
                _c("language", _STR, "Language code of the text (zh)", nullable=False),
                _c("title", _STR, "Document title as printed, or from the catalog"),
                _c("source_file", _STR, "Path of the raw file, relative to raw/", nullable=False),
                _c("source_sha256", _STR, "SHA-256 of the raw file's bytes", nullable=False),
                _c("source_format", _STR, "txt or pdf", nullable=False, allowed=("txt", "pdf")),
                _c("distribution_date", pa.date32(), "Distribution date (masthead or catalog)"),
                _c("page_count", _INT, "Pages (PDF sources)"),
                _c("line_count", _INT, "Lines of the raw text (or of the text from the PDF)"),
                _c(
                    "symbol_source",
                    _STR,
                    "Where doc_id came from: catalog, text or file_name",
                    allowed=("catalog", "text", "file_name"),
                ),
                _MEETING_ID,
            ),
            key=("doc_id",),
            order=("doc_id",),
        ),
        Table(
            "meetings",
            "One row per meeting (session) of a body, from the documents that serve it"
            " (pipeline/corpus/meetings.py)",
            (
                _c(
                    "meeting_id",
                    _STR,
                    "<body>/<meeting number> (WG.7/4, COP/6); <body>/<year> where no"
                    " document states the number",
                    nullable=False,
                    pattern=_MEETING_ID_PATTERN,
                ),
                _c("body", _STR, "Body code: COP, WG.4, WG.7, …", nullable=False),
                _c("body_name", _STR, "Body as printed (a report's wording first)"),
                _c("meeting_number", _INT, "Session or meeting number (第六届会议 → 6)"),
                _c("date_start", pa.date32(), "First day of the meeting"),
                _c("date_end", pa.date32(), "Last day of the meeting"),
                _c("venue", _STR, "Meeting venue as printed"),
                _c(
                    "documents",
                    _STRS,
                    "doc_ids of the corpus documents that serve the meeting (agenda,"
                    " report, background papers, indexes), in symbol order",
                ),
            ),
            key=("meeting_id",),
            order=("body", "date_start", "meeting_id"),
        ),
        Table(
            "paragraphs",
            "Headings, numbered and body paragraphs, nested items, in document order",
            (
                _DOC_ID,
                _SEQ,
                _c(
                    "kind",
                    _STR,
                    "chapter, section, subheading, heading, paragraph, item, …",
                    # The block kinds of models.BlockKind, and the segmenter's table_row.
                    allowed=(
                        "chapter",
                        "section",
                        "subheading",
                        "heading",
                        "paragraph",
                        "item",
                        "subitem",
                        "subsubitem",
                        "label",
                        "body",
                        "table_row",
                    ),
                ),
                _c("section", _STR, "Canonical path of the enclosing numbered headings (II.A.1)"),
                _c("number", _INT, "Printed number of a paragraph of the main sequence"),
                _c("label", _STR, "Label as printed: 12., (a), ㈠, 一., 建议 1"),
                _c("text", _STR, "Clean text: wraps joined, furniture and markers removed"),
                _FOOTNOTE_REFS,
                _FOOTNOTE_OFFSETS,
                _c("heading", _STR, "Nearest enclosing heading as printed"),
                *_PROVENANCE,
                _c(
                    "agenda_item",
                    _STR,
                    "Canonical agenda item (2, 1.b) under which a report's paragraph was"
                    " discussed, from its heading or a sentence such as 审议了议程项目 2"
                    " (pipeline/document/extract/deliberations.py); null where none applies",
                    pattern=r"^[0-9]+(?:\.[a-z]+)?$",
                ),
            ),
            key=("doc_id", "seq"),
            order=("doc_id", "seq"),
        ),
        Table(
            "footnotes",
            "Footnotes taken out of the text flow",
            (
                _DOC_ID,
                _c("number", _INT, "Footnote number (null for starred notes)"),
                _c(
                    "marker",
                    _STR,
                    "Marker as printed: 1, *, **",
                    nullable=False,
                    pattern=r"^(?:[0-9]+|\*+)$",
                ),
                _c("text", _STR, "Footnote text, lines joined"),
                *_PROVENANCE,
            ),
            key=("doc_id", "marker"),
            order=("doc_id", "line_start"),
        ),
        Table(
            "citations",
            "UN document symbols cited in a document",
            (
                _DOC_ID,
                _c(
                    "cited_symbol",
                    _STR,
                    "Cited symbol, normalized (no spaces)",
                    nullable=False,
                    pattern=_SYMBOL,
                ),
                _SEQ,
                _c("footnote", _STR, "Marker of the footnote the citation stands in, if any"),
                _c("context", _STR, "The sentence or text around the citation"),
                *_PROVENANCE,
            ),
            key=(),
            order=("doc_id", "line_start", "cited_symbol"),
        ),
        Table(
            "recommendations",
            "Recommendations adopted in a report",
            (
                _c("rec_id", _STR, "<doc_id>#<number>", nullable=False, pattern=r"^\S+#[0-9]+$"),
                _DOC_ID,
                _c("number", _INT, "Recommendation number", nullable=False),
                _c("group", _STR, "Group letter (A, B)"),
                _c("group_title", _STR, "Title of the group as printed"),
                _c("topic_title", _STR, "Title of the topic heading as printed"),
                _c("text", _STR, "Text of the recommendation"),
                _c("paragraph_number", _INT, "Paragraph number, when printed as a paragraph"),
                _c(
                    "label",
                    _STR,
                    "Letter of a recommendation printed as a lettered item under a lead-in"
                    " paragraph ((a) → a), else null",
                    pattern=r"^[a-z]{1,2}$",
                ),
                _SEQ,
                *_PROVENANCE,
            ),
            key=("rec_id",),
            order=("doc_id", "number"),
        ),
        Table(
            "agenda_items",
            "Agenda items and sub-items",
            (
                _DOC_ID,
                _c(
                    "agenda",
                    _STR,
                    "provisional, adopted or provisional_next_session",
                    allowed=("provisional", "adopted", "provisional_next_session"),
                ),
                _c("item", _STR, "Canonical item reference (1.a)", nullable=False),
                _c("number", _INT, "Item number"),
                _c("sub", _STR, "Sub-item letter", pattern=r"^[a-z]+$"),
                _c("title", _STR, "Item title as printed"),
                _c("documents", _STRS, "Symbols of the documents listed for the item"),
                _SEQ,
                *_PROVENANCE,
                _c(
                    "annotation",
                    _STR,
                    "The Secretariat's annotation (说明) of the item in an annotated"
                    " provisional agenda: its paragraphs, one a line, footnote markers out;"
                    " not the item's 文件 list",
                ),
            ),
            key=("doc_id", "agenda", "item"),
            order=("doc_id", "agenda", "seq", "item"),
        ),
        Table(
            "schedule",
            "Slots of a proposed organization of work",
            (
                _DOC_ID,
                _c("date", pa.date32(), "Day of the slot"),
                _c("time_start", pa.time32("ms"), "Start time"),
                _c("time_end", pa.time32("ms"), "End time"),
                _c("items", _STRS, "Canonical agenda items taken up in the slot"),
                _c("title", _STR, "Title or description as printed"),
                _c("continued", pa.bool_(), "The item continues from an earlier slot (（续）)"),
                _SEQ,
                *_PROVENANCE,
            ),
            key=(),
            order=("doc_id", "line_start"),
        ),
        Table(
            "participants",
            "Mentions of participants in attendance, bureau and speakers lists",
            (
                _DOC_ID,
                _c("name", _STR, "State or organization as printed", nullable=False),
                _c("iso3", _STR, "ISO 3166-1 alpha-3 of the state", pattern=r"^[A-Z]{3}$"),
                _c(
                    "entity_type",
                    _STR,
                    "state, organization or person",
                    allowed=("state", "organization", "person"),
                ),
                _c("category", _STR, "state_party, signatory, non_signatory_state, ngo, …"),
                _c("role", _STR, "delegation, speaker, chair, vice_chair, rapporteur, panelist"),
                _c("person", _STR, "Name of the person, for a person"),
                _c("agenda_item", _STR, "Agenda item under which a speaker spoke"),
                _c("paragraph_number", _INT, "Number of the paragraph that names it"),
                _SEQ,
                *_PROVENANCE,
            ),
            key=(),
            order=("doc_id", "line_start", "seq"),
        ),
        Table(
            "resolution_paragraphs",
            "Preambular, operative and annex paragraphs of resolutions and decisions",
            (
                _DOC_ID,
                _c(
                    "instrument",
                    _STR,
                    "resolution or decision",
                    nullable=False,
                    allowed=("resolution", "decision"),
                ),
                _c("instrument_number", _STR, "Number as printed (6/1)", nullable=False),
                _c("instrument_title", _STR, "Title of the instrument"),
                _c(
                    "part",
                    _STR,
                    "preamble, operative or annex",
                    allowed=("preamble", "operative", "annex"),
                ),
                _c("ref", _STR, "Canonical path inside the instrument (op.9.a)", nullable=False),
                _c("text", _STR, "Clean text of the paragraph"),
                _FOOTNOTE_REFS,
                _FOOTNOTE_OFFSETS,
                _SEQ,
                *_PROVENANCE,
            ),
            key=("doc_id", "instrument", "instrument_number", "ref"),
            order=("doc_id", "seq", "ref"),
        ),
        Table(
            "index_entries",
            "One cited paragraph of one row of a thematic index",
            (
                _DOC_ID,
                _c("topic", _STR, "Topic as printed, spacing artifacts removed"),
                _c("topic_main", _STR, "Main topic"),
                _c("subtopic", _STR, "Sub-topic"),
                _c("report_symbol", _STR, "Symbol of the cited report", pattern=_SYMBOL),
                _c("report_ref", _STR, "Canonical reference in the report (8.e)"),
                _c("location_raw", _STR, "Location as printed (五.2.e)"),
                _c("location", _STR, "Canonical location (V.2.e)"),
                _c("rec_id", _STR, "Recommendation cited, when its report is in the corpus"),
                _c(
                    "topic_basis",
                    _STR,
                    "How the row's topic was decided",
                    # The decisions of pipeline/extract/index.py (its module docstring).
                    allowed=(
                        "printed",
                        "continued",
                        "continued_across_page",
                        "joined_across_page",
                        "moved_to_next_topic_by_report_order",
                        "moved_to_next_topic",
                    ),
                ),
                *_PROVENANCE,
            ),
            key=(),
            order=("doc_id", "line_start"),
        ),
        Table(
            "terms",
            "Segmented terms of every paragraph, recommendation and resolution paragraph"
            " (pipeline/search.py), with counts, for search without segmenting again",
            (
                _c(
                    "source_table",
                    _STR,
                    "Table of the row: paragraphs, recommendations, resolution_paragraphs"
                    " or index_entries (a thematic-index topic)",
                    nullable=False,
                    allowed=(
                        "paragraphs",
                        "recommendations",
                        "resolution_paragraphs",
                        "index_entries",
                    ),
                ),
                _DOC_ID,
                _c(
                    "key",
                    _STR,
                    "The row's key in its table: rec_id, seq, or instrument#number#ref",
                    nullable=False,
                ),
                _SEQ,
                _c(
                    "term",
                    _STR,
                    "Word as jieba cuts it with the corpus dictionary, normalized"
                    " (NFKC, simplified characters, ASCII lower case)",
                    nullable=False,
                ),
                _c("count", _INT, "Occurrences of the term in the row's text", nullable=False),
                _c("starts", _INTS, "0-based offsets in the row's text where occurrences start"),
                _c("ends", _INTS, "0-based offsets in the row's text where occurrences end"),
                _c(
                    "in_dictionary",
                    pa.bool_(),
                    "The term is in the search dictionary (corpus terms and data/search_terms.txt)",
                ),
                *_PROVENANCE,
            ),
            key=("source_table", "doc_id", "key", "term"),
            order=("source_table", "doc_id", "seq", "key", "term"),
        ),
        Table(
            "topic_suggestions",
            "Thematic-index topics suggested for each recommendation (pipeline/topics.py)",
            (
                _c("rec_id", _STR, "<doc_id>#<number>", nullable=False, pattern=r"^\S+#[0-9]+$"),
                _DOC_ID,
                _c("topic", _STR, "Topic of the thematic index, as in index_entries.topic"),
                _c("rank", _INT, "1 for the best suggestion", nullable=False),
                _c(
                    "score",
                    pa.float64(),
                    "Label-word similarity and linked neighbours' votes, each scaled to"
                    " a best of 1, mixed half and half",
                ),
                _c(
                    "indexed",
                    pa.bool_(),
                    "The index already links the recommendation to this topic (the"
                    " recommendation's own links are held out when scoring it)",
                ),
                *_PROVENANCE,
            ),
            key=("rec_id", "topic"),
            order=("doc_id", "line_start", "rec_id", "rank"),
        ),
    )
}


def table(name: str) -> Table:
    return TABLES[name]
