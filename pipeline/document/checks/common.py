"""What the checks share: row types, thresholds, the finding maker, small readers."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.models import Finding
from pipeline.vocab import data_path

Row = dict[str, Any]
Tables = dict[str, list[Row]]

VOCABULARIES = data_path("validation_vocabularies.csv")

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Upstream checks that report the same defect as a validator check: a finding
# of theirs at the same document and line as one of the validator's is dropped.
SUPERSEDES: dict[str, frozenset[str]] = {
    "index_location": frozenset({"index_location_mismatch"}),
    "index_unresolved": frozenset({"index_rec_unresolved"}),
    "unknown_country": frozenset({"unknown_country"}),
}

# Tables whose rows are entities taken out of the text: a line inside one of
# their rows "landed". Citations are not among them: a symbol found in a
# sentence does not account for the sentence.
COVERING_TABLES = (
    "recommendations",
    "agenda_items",
    "schedule",
    "participants",
    "resolution_paragraphs",
    "index_entries",
)
# Paragraph kinds that are structure (headings, labels): they count as landed.
STRUCTURAL_KINDS = frozenset({"chapter", "section", "subheading", "heading", "label"})
# How many uncovered spans a document's coverage lists, and how much of each.
SPANS_SHOWN = 3
SPAN_TEXT = 60

# Participant roles that put a participant in a meeting's attendance.
ATTENDING_ROLES = frozenset({"delegation", "observer"})
# The attendance extractor's prose-count finding: "<category>: <n> stated in prose".
# A location's sub-paragraph parts must agree with the paragraph's; the step
# from paragraph number to location number is one offset per report, decided
# when at least this many distinct paragraphs, and this share of them, agree.
_MIN_PATTERN = 3
_PATTERN_SHARE = 2 / 3
# Punctuation that ends an agenda title in a list, and is not part of it.
_TITLE_END = "；;。.：:，,"
# The most rows or values a schema finding names.
_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Span:
    """A run of a document's text that landed in no entity table."""

    line_start: int
    line_end: int
    characters: int
    text: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of one document's cleaned text (blocks and footnotes) landed."""

    doc_id: str
    characters: int
    covered: int
    spans: tuple[Span, ...]

    @property
    def share(self) -> float:
        return self.covered / self.characters if self.characters else 1.0


def _supersede(upstream: list[Finding], own: list[Finding]) -> list[Finding]:
    """``upstream`` without the findings that one of ``own`` restates."""
    covered = {
        (replaced, f.doc_id, f.line)
        for f in own
        for replaced in SUPERSEDES.get(f.check, frozenset())
    }
    return [f for f in upstream if (f.check, f.doc_id, f.line) not in covered]


def _finding(
    check: str,
    doc_id: str | None,
    message: str,
    *,
    line: int | None = None,
    where: str = "",
    evidence: str = "",
    severity: str = "warning",
) -> Finding:
    # A line of the wrong type (reported by the schema check) is left out, so
    # that findings always sort.
    line = line if _is_int(line) else None
    return Finding(
        check=check,
        severity=severity,  # type: ignore[arg-type]
        doc_id=doc_id if isinstance(doc_id, str) else None,
        message=message,
        where=where or (f"line {line}" if line is not None else ""),
        evidence=evidence,
        line=line,
    )


def _by_doc(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.get("doc_id") or ""].append(row)
    return grouped


def _in_order(rows: Iterable[Row]) -> list[Row]:
    """Rows in document order: by first line, then block sequence."""
    return sorted(rows, key=lambda row: (_int(row.get("line_start")), _int(row.get("seq"))))


def _text(value: Any) -> str:
    """A string column's value, or "" when it is null or (wrongly) not a string."""
    return value if isinstance(value, str) else ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any, default: int = 0) -> int:
    """An int column's value for sorting and arithmetic; a wrong type (which the
    schema check reports) must not stop the other checks."""
    return value if _is_int(value) else default


def _leading_number(ref: Any) -> int | None:
    for part in str(ref or "").split("."):
        if part.isdigit():
            return int(part)
    return None


def _meeting_key(document: Row) -> tuple[Any, ...]:
    """Documents of one meeting share body and meeting number (and dates)."""
    if document.get("body") and document.get("meeting_number") is not None:
        return (document["body"], document["meeting_number"])
    return ("document", document.get("doc_id"))


def _same_meeting(left: Row, right: Row) -> bool:
    if _meeting_key(left) != _meeting_key(right):
        return False
    # A date that is known on both sides must agree; a missing one does not contradict.
    a, b = left.get("date_start"), right.get("date_start")
    return a is None or b is None or str(a) == str(b)


def _title_key(title: Any) -> str:
    text = unicodedata.normalize("NFKC", str(title or ""))
    return re.sub(r"\s+", "", text).rstrip(_TITLE_END)


def _item_order(item: str) -> tuple[int, str]:
    number, _, sub = item.partition(".")
    return (int(number) if number.isdigit() else 0, sub)


def _participant_key(row: Row) -> str:
    return row.get("iso3") or _title_key(row.get("name"))
