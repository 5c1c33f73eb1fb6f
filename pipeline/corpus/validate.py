"""Checks over the assembled tables, and the validation report they produce.

:func:`validate` runs every check on the concatenated rows (before they are
written) and returns the findings, sorted, together with the per-document
coverage. The checks, in the order of the report:

* ``schema``: every table against its declared schema (``pipeline/schema.py``)
  with pandera: types (as the writer converts them), nullability, allowed codes
  (``Column.allowed`` and ``pipeline/data/validation_vocabularies.csv``),
  patterns and unique keys.
* Sequences (``paragraph_sequence``, ``footnote_sequence``,
  ``recommendation_sequence``, ``operative_sequence``, ``agenda_sequence``):
  numbers run 1, 2, 3 … (a, b, c …; i, ii, iii …) without gaps or repeats.
* ``coverage`` (info): the share of each document's text that landed in an
  entity table, and its longest spans that landed nowhere.
* Cross-references: ``index_unresolved``, ``agenda_vs_provisional``,
  ``speaker_not_attending``, ``attendance_count_mismatch``.
* The thematic index against itself: ``index_location`` (a location off the
  report's regular step from paragraph to location) and
  ``index_location_conflict`` (one paragraph at several locations).
* Normalization misses: ``unknown_country``, ``date_missing``,
  ``symbol_unnormalized``, ``reference_unparsed``, ``location_unnormalized``.

Every finding here is about a source document, so none is an ``error``: that
severity is left to input the pipeline could not read or parse. Where an
extractor already reported the same defect at the same line under an equivalent
check (:data:`SUPERSEDES`), the validator's finding, which states the expected
value, replaces it rather than repeating it.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
from pandera.errors import SchemaErrors

from pipeline.models import Finding
from pipeline.normalize.numerals import (
    int_to_chinese,
    int_to_roman,
    letter_for,
    letter_value,
    roman_to_int,
)
from pipeline.normalize.refs import parse_ref
from pipeline.normalize.symbols import is_symbol
from pipeline.schema import TABLES, Column, Table
from pipeline.store import write_atomic
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
_STATED_COUNT = re.compile(r"^(?P<category>[a-z_]+): (?P<count>\d+) stated in prose")
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


@dataclass(slots=True)
class Validation:
    """What :func:`validate` returns: every finding (sorted) and the coverage."""

    findings: list[Finding]
    coverage: list[Coverage]


def validate(tables: Tables, findings: Iterable[Finding] = ()) -> Validation:
    """Run every check on the assembled rows; ``findings`` are those the earlier
    stages reported (some checks read them). Returns all findings, sorted."""
    upstream = list(findings)
    coverage = measure_coverage(tables)
    own = [
        *check_schema(tables),
        *check_sequences(tables),
        *coverage_findings(coverage),
        *check_cross_references(tables, upstream),
        *check_index(tables),
        *check_normalization(tables),
    ]
    return Validation(sort_findings(_supersede(upstream, own) + own), coverage)


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


# --- schema ----------------------------------------------------------------------------


def check_schema(tables: Tables) -> list[Finding]:
    """Every table against its declared schema, all failures collected (lazy)."""
    findings: list[Finding] = []
    for name, table in TABLES.items():
        rows = tables.get(name, [])
        if not rows:
            continue
        frame = pd.DataFrame(
            {
                column.name: pd.Series([row.get(column.name) for row in rows], dtype=object)
                for column in table.columns
            }
        )
        try:
            pandera_schema(name).validate(frame, lazy=True)
        except SchemaErrors as errors:
            findings += _schema_findings(table, rows, errors.failure_cases)
    return findings


@functools.cache
def pandera_schema(name: str) -> pandera.DataFrameSchema:
    """The pandera schema of table ``name``, built from ``pipeline/schema.py``."""
    table = TABLES[name]
    vocabularies = open_vocabularies()
    columns = {}
    for column in table.columns:
        checks = [
            pandera.Check(
                _conforms_check(column.type),
                name="type",
                error=f"not convertible to {column.type}",
            )
        ]
        allowed = _allowed(column, vocabularies.get((name, column.name)))
        if allowed is not None:
            checks.append(
                pandera.Check(
                    _member_check(allowed),
                    name="allowed",
                    error="value outside the allowed codes (" + ", ".join(allowed) + ")",
                )
            )
        if column.pattern is not None:
            checks.append(
                pandera.Check(
                    _pattern_check(column.pattern),
                    name="pattern",
                    error=f"value does not match {column.pattern}",
                )
            )
        columns[column.name] = pandera.Column(
            None, checks, nullable=column.nullable, required=True, name=column.name
        )
    checks = []
    if table.key:
        checks.append(
            pandera.Check(
                _unique_check(table.key),
                name="unique",
                error="duplicate key (" + ", ".join(table.key) + ")",
            )
        )
    return pandera.DataFrameSchema(columns, checks=checks, name=name, coerce=False, strict=False)


def _unique_check(key: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows whose key occurs once. A list in a key column (a type error the
    column check reports) cannot be hashed: then keys compare by their repr."""
    columns = list(key)

    def check(frame: pd.DataFrame) -> pd.Series:
        try:
            return ~frame.duplicated(subset=columns, keep=False)
        except TypeError:
            return ~frame[columns].apply(lambda row: repr(tuple(row)), axis=1).duplicated(
                keep=False
            )

    return check


def _allowed(column: Column, extra: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if column.allowed is None and extra is None:
        return None
    return tuple(sorted({*(column.allowed or ()), *(extra or ())}))


@functools.cache
def open_vocabularies(path: Path = VOCABULARIES) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) → allowed values of the open vocabularies: literal values
    and the values of a column of another data file."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as handle:
        for entry in csv.DictReader(handle):
            key = (entry["table"], entry["column"])
            if entry["value"]:
                values[key].add(entry["value"])
            if entry["file"]:
                with (path.parent / entry["file"]).open(encoding="utf-8", newline="") as source:
                    values[key] |= {
                        row[entry["file_column"]]
                        for row in csv.DictReader(source)
                        if row.get(entry["file_column"])
                    }
    return {key: tuple(sorted(found)) for key, found in values.items()}


def conforms(value: Any, kind: pa.DataType) -> bool:
    """Whether the writer turns ``value`` into ``kind`` faithfully (None always
    does). Stricter than pyarrow, which takes ``"ab"`` for the list ``["a", "b"]``."""
    if value is None:
        return True
    if pa.types.is_string(kind):
        return isinstance(value, str)
    if pa.types.is_boolean(kind):
        return isinstance(value, bool)
    if pa.types.is_integer(kind):
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        if pa.types.is_signed_integer(kind):
            bound = 2 ** (kind.bit_width - 1)
            return -bound <= value < bound
        return 0 <= value < 2**kind.bit_width
    if pa.types.is_date(kind):
        if isinstance(value, str):
            return _parses(date.fromisoformat, value)
        return isinstance(value, date) and not isinstance(value, datetime)
    if pa.types.is_time(kind):
        return isinstance(value, time) or (
            isinstance(value, str) and _parses(time.fromisoformat, value)
        )
    if pa.types.is_list(kind):
        return isinstance(value, list | tuple) and all(
            conforms(item, kind.value_type) for item in value
        )
    try:
        pa.array([value], type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _conforms_check(kind: pa.DataType) -> Callable[[pd.Series], pd.Series]:
    """:func:`conforms` over a column. Strings, integers and booleans are judged
    by their Python type in one vectorized pass; other kinds value by value."""
    simple = _SIMPLE_TYPES.get(str(kind))
    item = _SIMPLE_TYPES.get(str(kind.value_type)) if pa.types.is_list(kind) else None

    def check(series: pd.Series) -> pd.Series:
        if item is not None:
            return series.map(
                lambda value: (
                    value is None
                    or (isinstance(value, list | tuple) and all(type(i) is item for i in value))
                )
            )
        if simple is None:
            return series.map(lambda value: conforms(value, kind))
        types = series.map(type)
        fits = types.isin([simple, type(None)])
        if pa.types.is_integer(kind):
            integers = series[types.isin([int])].astype("int64", errors="ignore")
            if len(integers):
                bound = 2 ** (kind.bit_width - 1)
                fits[integers.index] = integers.between(-bound, bound - 1).to_numpy()
        return fits

    return check


# The Python type that fits each simple Arrow type (bool is no int here).
_SIMPLE_TYPES: dict[str, type] = {"string": str, "int32": int, "int64": int, "bool": bool}


def _member_check(allowed: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    members = list(allowed)
    return lambda series: series.isna() | series.isin(members)


def _pattern_check(pattern: str) -> Callable[[pd.Series], pd.Series]:
    compiled = re.compile(pattern)
    # A value that is not a string fails the type check; it is not reported twice.

    def check(series: pd.Series) -> pd.Series:
        is_text = series.map(type).isin([str])
        fits = pd.Series(True, index=series.index)
        fits[is_text] = series[is_text].astype(str).str.contains(compiled, regex=True)
        return fits

    return check


def _schema_findings(table: Table, rows: list[Row], cases: pd.DataFrame) -> list[Finding]:
    """One finding per (column, check, document), naming the rows by their keys."""
    failures: dict[tuple[str, str], set[int]] = defaultdict(set)
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = str(case.column)
        if check.startswith("duplicate key"):
            column = "+".join(table.key)
        elif check == "not_nullable":
            check = "null in a non-nullable column"
        index = case.index
        failures[(column, check)].add(int(index) if pd.notna(index) else -1)
    findings: list[Finding] = []
    for (column, check), indices in sorted(failures.items()):
        known = sorted(i for i in indices if i >= 0)
        if not known:
            findings.append(
                _finding("schema", None, f"{table.name}.{column}: {check}", where=table.name)
            )
            continue
        by_doc: dict[str, list[int]] = defaultdict(list)
        for i in known:
            by_doc[rows[i].get("doc_id") or ""].append(i)
        for doc_id, positions in sorted(by_doc.items()):
            named = [_row_label(table, rows[i]) for i in positions[:_SHOWN]]
            more = f" and {len(positions) - _SHOWN} more" if len(positions) > _SHOWN else ""
            values = [_value_of(rows[i], column) for i in positions[:_SHOWN]]
            first = rows[positions[0]].get("line_start")
            findings.append(
                _finding(
                    "schema",
                    doc_id or None,
                    f"{table.name}.{column}: {check} in {len(positions)} row(s): "
                    + "; ".join(named)
                    + more,
                    line=first if isinstance(first, int) else None,
                    where=f"{table.name}.{column}",
                    evidence=" | ".join(values),
                )
            )
    return findings


def _row_label(table: Table, row: Row) -> str:
    """A row named by its key, or by its document and lines for keyless tables."""
    if table.key:
        return ", ".join(f"{key}={row.get(key)}" for key in table.key)
    return f"{row.get('doc_id')} lines {row.get('line_start')}-{row.get('line_end')}"


def _value_of(row: Row, column: str) -> str:
    if "+" in column:
        return "/".join(str(row.get(part)) for part in column.split("+"))
    return repr(row.get(column))


# --- sequences -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Numbered:
    value: int
    printed: str
    row: Row


def check_sequences(tables: Tables) -> list[Finding]:
    """Numbered paragraphs, footnotes, recommendations, operative paragraphs (per
    instrument) and agenda items (per agenda) run without gaps or repeats."""
    findings: list[Finding] = []
    paragraphs = [
        row
        for row in tables.get("paragraphs", [])
        if row.get("kind") == "paragraph" and _is_int(row.get("number"))
    ]
    for doc_id, rows in sorted(_by_doc(paragraphs).items()):
        findings += _sequence_findings("paragraph_sequence", "paragraph", doc_id, rows)
    findings += _stray_items(tables.get("paragraphs", []))
    footnotes = [row for row in tables.get("footnotes", []) if _is_int(row.get("number"))]
    for doc_id, rows in sorted(_by_doc(footnotes).items()):
        findings += _sequence_findings("footnote_sequence", "footnote", doc_id, rows)
    # Numbers of the wrong type are the schema check's to report, not counted here.
    recommendations = [
        row for row in tables.get("recommendations", []) if _is_int(row.get("number"))
    ]
    for doc_id, rows in sorted(_by_doc(recommendations).items()):
        findings += _sequence_findings("recommendation_sequence", "recommendation", doc_id, rows)
    findings += _operative_sequences(tables.get("resolution_paragraphs", []))
    findings += _agenda_sequences(tables.get("agenda_items", []))
    return findings


_LEADING_NUMBER = re.compile(r"^\s*(\d+)")


def _stray_items(paragraphs: list[Row]) -> list[Finding]:
    """Numbered blocks the segmenter left out of the paragraph sequence that
    continue no nested list either (``4.`` after paragraph 2, with no item 3):
    the segmenter absorbs a lone skipped number this way, so it is checked here."""
    findings: list[Finding] = []
    for doc_id, rows in sorted(_by_doc(paragraphs).items()):
        paragraph: int | None = None
        item: int | None = None
        for row in sorted(rows, key=lambda r: _int(r.get("seq"))):
            if row.get("kind") == "paragraph" and row.get("number") is not None:
                paragraph = row["number"]
                continue
            match = _LEADING_NUMBER.match(row.get("label") or "")
            if row.get("kind") != "item" or match is None:
                continue
            number = int(match.group(1))
            if number != 1 and item != number - 1:
                after = f"paragraph {paragraph}" if paragraph is not None else "the start"
                findings.append(
                    _finding(
                        "paragraph_sequence",
                        doc_id,
                        f"block labelled {row['label']} follows {after} but continues neither"
                        " the paragraph numbers nor a numbered list: a number is missing or"
                        " misprinted",
                        line=row.get("line_start"),
                        evidence=str(row.get("text") or "")[:120],
                    )
                )
            item = number
    return findings


def _text(value: Any) -> str:
    """A string column's value, or "" when it is null or (wrongly) not a string."""
    return value if isinstance(value, str) else ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any, default: int = 0) -> int:
    """An int column's value for sorting and arithmetic; a wrong type (which the
    schema check reports) must not stop the other checks."""
    return value if _is_int(value) else default


def _sequence_findings(
    check: str, what: str, doc_id: str, rows: list[Row], scope: str = ""
) -> list[Finding]:
    numbered = [_Numbered(row["number"], str(row["number"]), row) for row in _in_order(rows)]
    return _run_findings(check, what, doc_id, numbered, str, scope)


def _run_findings(
    check: str,
    what: str,
    doc_id: str,
    entries: Sequence[_Numbered],
    label: Callable[[int], str],
    scope: str = "",
) -> list[Finding]:
    """A finding wherever ``entries`` (in document order) do not go on 1, 2, 3 …;
    it names the numbers on either side of the gap or repeat."""
    findings: list[Finding] = []
    previous: _Numbered | None = None
    for entry in entries:
        expected = previous.value + 1 if previous else 1
        if entry.value != expected:
            before = previous.printed if previous else "the start"
            kind = "repeated" if previous and entry.value <= previous.value else "gap"
            line = entry.row.get("line_start")
            findings.append(
                _finding(
                    check,
                    doc_id,
                    f"{scope}{what} numbers {kind}: {before} is followed by {entry.printed}"
                    f" (expected {_safe_label(label, expected)})",
                    line=line,
                    evidence=str(entry.row.get("text") or entry.row.get("title") or "")[:120],
                )
            )
        previous = entry
    return findings


def _safe_label(label: Callable[[int], str], value: int) -> str:
    try:
        return label(value)
    except ValueError:
        return str(value)


def _operative_sequences(rows: list[Row]) -> list[Finding]:
    """Operative paragraphs 1, 2, 3 (or a, b, c in a decision) per instrument, and
    their sub-paragraphs a, b, c and i, ii, iii per parent."""
    findings: list[Finding] = []
    instruments: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        ref = _text(row.get("ref"))
        if row.get("part") == "operative" and ref.startswith("op."):
            key = (row.get("doc_id") or "", row.get("instrument"), row.get("instrument_number"))
            instruments[key].append(row)
    for (doc_id, instrument, number), members in sorted(instruments.items(), key=str):
        children: dict[tuple[str, ...], list[_Numbered]] = defaultdict(list)
        labels: dict[tuple[str, ...], Callable[[int], str]] = {}
        for row in _in_order(members):
            parts = tuple(row["ref"].split(".")[1:])
            parent, leaf = parts[:-1], parts[-1]
            value, label = _level_value(parent, leaf)
            if value is None:
                continue
            children[parent].append(_Numbered(value, leaf, row))
            labels[parent] = label
        for parent, entries in sorted(children.items()):
            under = f" under op.{'.'.join(parent)}" if parent else ""
            findings += _run_findings(
                "operative_sequence",
                "operative paragraph",
                doc_id,
                entries,
                labels[parent],
                f"{instrument} {number}{under}: ",
            )
    return findings


def _level_value(parent: tuple[str, ...], leaf: str) -> tuple[int | None, Callable[[int], str]]:
    """The value of one part of an operative path: 9, (a) or ㈠ (``i``)."""
    if leaf.isdigit():
        return int(leaf), str
    if parent and parent[-1].isalpha():
        # Under a lettered sub-paragraph the parts are Roman: op.9.a.ii.
        return roman_to_int(leaf), functools.partial(int_to_roman, lower=True)
    if len(leaf) == 1 and leaf.isalpha():
        return letter_value(leaf), letter_for
    return None, str


def _agenda_sequences(rows: list[Row]) -> list[Finding]:
    """Items 1, 2, 3 per agenda of a document, and sub-items a, b, c per item."""
    findings: list[Finding] = []
    agendas: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if _is_int(row.get("number")):
            agendas[(row.get("doc_id") or "", row.get("agenda") or "")].append(row)
    for (doc_id, agenda), members in sorted(agendas.items()):
        ordered = sorted(
            members, key=lambda row: (_int(row.get("seq")), _int(row.get("line_start")))
        )
        items = [_Numbered(r["number"], str(r["number"]), r) for r in ordered if not r.get("sub")]
        findings += _run_findings(
            "agenda_sequence", "agenda item", doc_id, items, str, f"{agenda} agenda: "
        )
        subs: dict[int, list[_Numbered]] = defaultdict(list)
        for row in ordered:
            sub = _text(row.get("sub"))
            if len(sub) == 1 and sub.isalpha():
                subs[row["number"]].append(_Numbered(letter_value(sub), sub, row))
        for number, entries in sorted(subs.items()):
            findings += _run_findings(
                "agenda_sequence",
                "sub-item",
                doc_id,
                entries,
                letter_for,
                f"{agenda} agenda, item {number}: ",
            )
    return findings


# --- coverage --------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    """A block or footnote: its lines, its characters and how many landed."""

    line_start: int
    line_end: int
    text: str
    covered: int


def measure_coverage(tables: Tables) -> list[Coverage]:
    """Per document: characters of its blocks and footnotes, the characters that
    landed (a structural block, or the share of a block's lines that an entity
    row spans) and the longest runs of blocks of which nothing landed."""
    landed: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for name in COVERING_TABLES:
        for row in tables.get(name, []):
            start, end = row.get("line_start"), row.get("line_end")
            if isinstance(start, int) and isinstance(end, int):
                landed[row.get("doc_id") or ""].append((start, max(start, end)))
    units: dict[str, list[_Unit]] = defaultdict(list)
    for row in tables.get("paragraphs", []):
        structural = row.get("kind") in STRUCTURAL_KINDS
        units[row.get("doc_id") or ""].append(_unit(row, structural))
    for row in tables.get("footnotes", []):
        units[row.get("doc_id") or ""].append(_unit(row, False))
    documents = sorted({row.get("doc_id") or "" for row in tables.get("documents", [])})
    return [
        _coverage(doc_id, units.get(doc_id, []), landed.get(doc_id, [])) for doc_id in documents
    ]


def _unit(row: Row, structural: bool) -> _Unit:
    text = row.get("text") or ""
    start = _int(row.get("line_start"))
    end = max(start, _int(row.get("line_end"), start))
    return _Unit(start, end, text, len(text) if structural else -1)


def _coverage(doc_id: str, units: list[_Unit], landed: list[tuple[int, int]]) -> Coverage:
    lines = _line_set(landed)
    ordered = sorted(units, key=lambda unit: (unit.line_start, unit.line_end))
    for unit in ordered:
        if unit.covered < 0:
            span = range(unit.line_start, unit.line_end + 1)
            hit = sum(1 for line in span if line in lines)
            unit.covered = len(unit.text) * hit // len(span)
    spans: list[Span] = []
    run: list[_Unit] = []
    for unit in [*ordered, None]:
        if unit is not None and unit.covered == 0 and unit.text:
            run.append(unit)
            continue
        if run:
            characters = sum(len(part.text) for part in run)
            text = " ".join(part.text for part in run)[:SPAN_TEXT]
            spans.append(Span(run[0].line_start, run[-1].line_end, characters, text))
            run = []
    spans.sort(key=lambda span: (-span.characters, span.line_start))
    return Coverage(
        doc_id=doc_id,
        characters=sum(len(unit.text) for unit in units),
        covered=sum(unit.covered for unit in units),
        spans=tuple(spans[:SPANS_SHOWN]),
    )


def _line_set(ranges: list[tuple[int, int]]) -> set[int]:
    lines: set[int] = set()
    for start, end in ranges:
        lines.update(range(start, end + 1))
    return lines


def coverage_findings(coverage: list[Coverage]) -> list[Finding]:
    """One ``info`` finding per document, located at its longest uncovered span."""
    findings: list[Finding] = []
    for doc in coverage:
        stated = f"{doc.share:.1%} of {doc.characters} characters landed in a table"
        if not doc.spans:
            findings.append(
                _finding("coverage", doc.doc_id, stated + "; nothing was left out", severity="info")
            )
            continue
        longest = doc.spans[0]
        spans = "; ".join(
            f"lines {span.line_start}-{span.line_end} ({span.characters} characters)"
            for span in doc.spans
        )
        findings.append(
            _finding(
                "coverage",
                doc.doc_id,
                f"{stated}; longest uncovered: {spans}",
                line=longest.line_start,
                where=f"lines {longest.line_start}-{longest.line_end}",
                evidence=longest.text,
                severity="info",
            )
        )
    return findings


# --- cross-references ------------------------------------------------------------------


def check_cross_references(tables: Tables, upstream: list[Finding]) -> list[Finding]:
    """Index citations, adopted against provisional agendas, speakers against
    attendance, and counts stated in prose against the lists."""
    return [
        *_unresolved_index_entries(tables),
        *_adopted_against_provisional(tables),
        *_speakers_against_attendance(tables),
        *_counts_against_lists(tables, upstream),
    ]


def _unresolved_index_entries(tables: Tables) -> list[Finding]:
    """An index entry citing a report whose recommendations are in the corpus
    must name one of them (``rec_id``)."""
    recommendations = tables.get("recommendations", [])
    rec_ids = {row.get("rec_id") for row in recommendations}
    by_report: dict[str, dict[int, str]] = defaultdict(dict)
    for row in recommendations:
        for key in (row.get("paragraph_number"), row.get("number")):
            if isinstance(key, int):
                by_report[row.get("doc_id") or ""].setdefault(key, row.get("rec_id") or "")
    findings: list[Finding] = []
    for entry in tables.get("index_entries", []):
        report = entry.get("report_symbol") or ""
        rec_id = entry.get("rec_id")
        line = entry.get("line_start")
        ref = entry.get("report_ref")
        if rec_id is not None and rec_id not in rec_ids:
            findings.append(
                _finding(
                    "index_unresolved",
                    entry.get("doc_id"),
                    f"index entry {report} paragraph {ref} names {rec_id}, which is no"
                    " recommendation of the corpus",
                    line=line,
                    evidence=f"{entry.get('topic')} | {report} | {ref}",
                )
            )
        elif rec_id is None and report in by_report:
            number = _leading_number(ref)
            candidate = by_report[report].get(number) if number is not None else None
            hint = (
                f"; {candidate} has that number, so the entry was not linked"
                if candidate
                else "; no recommendation of that report has that number"
            )
            findings.append(
                _finding(
                    "index_unresolved",
                    entry.get("doc_id"),
                    f"index entry cites {report} paragraph {ref}, whose recommendations are"
                    f" in the corpus, but names none of them{hint}",
                    line=line,
                    evidence=f"{entry.get('topic')} | {report} | {ref}",
                )
            )
    return findings


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


def _adopted_against_provisional(tables: Tables) -> list[Finding]:
    """The agenda a report adopted against the provisional agenda of the same
    meeting: items added, dropped or reworded."""
    documents = {row.get("doc_id"): row for row in tables.get("documents", [])}
    agendas: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for row in tables.get("agenda_items", []):
        if isinstance(row.get("item"), str):
            key = (row.get("doc_id") or "", row.get("agenda") or "")
            agendas[key].setdefault(row["item"], row)
    findings: list[Finding] = []
    for (doc_id, agenda), adopted in sorted(agendas.items()):
        if agenda != "adopted" or doc_id not in documents:
            continue
        for (other_id, other_agenda), provisional in sorted(agendas.items()):
            if (
                other_agenda != "provisional"
                or other_id == doc_id
                or other_id not in documents
                or not _same_meeting(documents[doc_id], documents[other_id])
            ):
                continue
            findings += _compare_agendas(doc_id, adopted, other_id, provisional)
    return findings


def _compare_agendas(
    doc_id: str, adopted: dict[str, Row], other_id: str, provisional: dict[str, Row]
) -> list[Finding]:
    findings: list[Finding] = []
    first_line = min(_int(row.get("line_start")) for row in adopted.values())
    for item in sorted(set(adopted) | set(provisional), key=_item_order):
        mine, theirs = adopted.get(item), provisional.get(item)
        if mine is not None and theirs is not None:
            if _title_key(mine.get("title")) == _title_key(theirs.get("title")):
                continue
            message = f"agenda item {item} is worded differently from the provisional agenda"
        elif mine is not None:
            message = f"the adopted agenda adds item {item}, absent from the provisional agenda"
        else:
            message = f"the adopted agenda drops item {item} of the provisional agenda"
        where_mine = f"line {mine.get('line_start')}" if mine else "not listed"
        where_theirs = f"line {theirs.get('line_start')}" if theirs else "not listed"
        findings.append(
            _finding(
                "agenda_vs_provisional",
                doc_id,
                f"{message} ({other_id})",
                line=mine.get("line_start") if mine else first_line,
                where=f"adopted agenda {where_mine}; {other_id} {where_theirs}",
                evidence=(
                    f"adopted: {mine.get('title') if mine else '—'}"
                    f" | provisional: {theirs.get('title') if theirs else '—'}"
                ),
            )
        )
    return findings


def _item_order(item: str) -> tuple[int, str]:
    number, _, sub = item.partition(".")
    return (int(number) if number.isdigit() else 0, sub)


def _participant_key(row: Row) -> str:
    return row.get("iso3") or _title_key(row.get("name"))


def _speakers_against_attendance(tables: Tables) -> list[Finding]:
    """A State that spoke at a meeting must be in that meeting's attendance
    (delegations and observers), where the corpus has an attendance list."""
    documents = tables.get("documents", [])
    meeting_of = {row.get("doc_id"): _meeting_key(row) for row in documents}
    attendance: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    speakers: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in tables.get("participants", []):
        if row.get("entity_type") != "state":
            continue
        meeting = meeting_of.get(row.get("doc_id"), ("document", row.get("doc_id")))
        if row.get("role") in ATTENDING_ROLES:
            attendance[meeting].add(_participant_key(row))
            attendance[meeting].add(_title_key(row.get("name")))
        elif row.get("role") == "speaker":
            speakers[(row.get("doc_id") or "", _participant_key(row))].append(row)
    findings: list[Finding] = []
    for (doc_id, key), rows in sorted(speakers.items()):
        meeting = meeting_of.get(doc_id, ("document", doc_id))
        present = attendance.get(meeting)
        if not present or key in present or _title_key(rows[0].get("name")) in present:
            continue
        rows = _in_order(rows)
        lines = ", ".join(str(row.get("line_start")) for row in rows)
        findings.append(
            _finding(
                "speaker_not_attending",
                doc_id,
                f"{rows[0].get('name')} spoke (lines {lines}) but is not in the attendance"
                " list of the meeting",
                line=rows[0].get("line_start"),
                evidence=str(rows[0].get("name")),
            )
        )
    return findings


def _counts_against_lists(tables: Tables, upstream: list[Finding]) -> list[Finding]:
    """Counts stated in prose (the attendance extractor's ``attendance_count``
    findings) against the number of attendees of that category listed."""
    listed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in tables.get("participants", []):
        if row.get("role") in ATTENDING_ROLES and row.get("category"):
            listed[(row.get("doc_id") or "", row["category"])].add(_participant_key(row))
    stated: dict[tuple[str, str], list[tuple[int, Finding]]] = defaultdict(list)
    for finding in upstream:
        match = (
            _STATED_COUNT.match(finding.message) if finding.check == "attendance_count" else None
        )
        if match:
            key = (finding.doc_id or "", match["category"])
            stated[key].append((int(match["count"]), finding))
    findings: list[Finding] = []
    for key, statements in sorted(stated.items(), key=lambda item: item[0]):
        names = listed.get(key)
        # Compare only where both exist; one agreeing statement settles it (a
        # document may state the count for each instrument of one category).
        if not names or any(count == len(names) for count, _ in statements):
            continue
        for count, source in statements:
            findings.append(
                _finding(
                    "attendance_count_mismatch",
                    source.doc_id,
                    f"the text states {count} {key[1]}, the attendance lists name {len(names)}",
                    line=source.line,
                    where=source.where,
                    evidence=source.evidence,
                )
            )
    return findings


# --- the thematic index against itself ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Located:
    """One index entry, its paragraph and location split into number and rest."""

    entry: Row
    paragraph: int
    rest: tuple[str, ...]
    chapter: tuple[str, ...]
    number: int
    location_rest: tuple[str, ...]

    @property
    def step(self) -> tuple[tuple[str, ...], int]:
        return self.chapter, self.paragraph - self.number


def _split_location(ref: str) -> tuple[tuple[str, ...], int, tuple[str, ...]] | None:
    """``V.2.e`` → (("V",), 2, ("e",)); None without a paragraph number."""
    parts = ref.split(".")
    for position, part in enumerate(parts):
        if part.isdigit():
            return tuple(parts[:position]), int(part), tuple(parts[position + 1 :])
    return None


def check_index(tables: Tables) -> list[Finding]:
    """Within one index and one cited report, the step from paragraph number to
    location number is regular, and each paragraph has one location."""
    texts = _TextAt(tables.get("paragraphs", []))
    groups: dict[tuple[str, str], list[_Located]] = defaultdict(list)
    for entry in tables.get("index_entries", []):
        paragraph = _split_location(_text(entry.get("report_ref")))
        location = _split_location(_text(entry.get("location")))
        if paragraph is None or location is None or paragraph[0]:
            continue
        key = (entry.get("doc_id") or "", entry.get("report_symbol") or "")
        groups[key].append(
            _Located(entry, paragraph[1], paragraph[2], location[0], location[1], location[2])
        )
    findings: list[Finding] = []
    for (doc_id, report), located in sorted(groups.items()):
        findings += _index_group_findings(doc_id, report, located, texts)
    return findings


def _index_group_findings(
    doc_id: str, report: str, located: list[_Located], texts: _TextAt
) -> list[Finding]:
    """The entries of one index citing one report: those off the report's
    dominant step, then paragraphs at several locations that no step explains."""
    by_ref: dict[str, dict[str, list[_Located]]] = defaultdict(lambda: defaultdict(list))
    for item in located:
        by_ref[item.entry["report_ref"]][item.entry["location"]].append(item)
    # Distinct (paragraph, location) pairs vote once each, however often cited.
    pairs = {(item.entry["report_ref"], item.entry["location"]): item for item in located}
    votes = Counter(item.step for item in pairs.values() if item.rest == item.location_rest)
    findings: list[Finding] = []
    flagged: set[str] = set()
    if votes:
        (chapter, offset), count = max(votes.items(), key=lambda vote: (vote[1], vote[0]))
        regular = count >= _MIN_PATTERN and count >= _PATTERN_SHARE * len(pairs)
        if regular:
            for item in sorted(
                located, key=lambda i: (_int(i.entry.get("line_start")), i.paragraph)
            ):
                if item.step == (chapter, offset) and item.rest == item.location_rest:
                    continue
                flagged.add(item.entry["report_ref"])
                expected = ".".join((*chapter, str(item.paragraph - offset), *item.rest))
                others = {
                    location: members
                    for location, members in by_ref[item.entry["report_ref"]].items()
                    if location != item.entry["location"]
                }
                findings.append(
                    _location_finding(
                        doc_id, report, item, expected, (offset, count, len(pairs)), others, texts
                    )
                )
    for ref, locations in sorted(by_ref.items()):
        if len(locations) < 2 or ref in flagged:
            continue
        first = min(
            (item for members in locations.values() for item in members),
            key=lambda i: _int(i.entry.get("line_start")),
        )
        listed = "; ".join(
            f"{location} (lines {_lines_of(members)})"
            for location, members in sorted(locations.items())
        )
        findings.append(
            _finding(
                "index_location_conflict",
                doc_id,
                f"{report} paragraph {ref} is located at {len(locations)} places: {listed}",
                line=first.entry.get("line_start"),
                where=f"line {first.entry.get('line_start')}, {report} paragraph {ref}",
                evidence=texts.at(doc_id, first.entry.get("line_start")),
            )
        )
    return findings


def _location_finding(
    doc_id: str,
    report: str,
    item: _Located,
    expected: str,
    vote: tuple[int, int, int],
    others: dict[str, list[_Located]],
    texts: _TextAt,
) -> Finding:
    offset, count, total = vote
    entry = item.entry
    line = entry.get("line_start")
    elsewhere = (
        "; elsewhere the index locates it at "
        + ", ".join(
            f"{location} (lines {_lines_of(members)})"
            for location, members in sorted(others.items())
        )
        if others
        else ""
    )
    step = f"paragraph - {offset}" if offset >= 0 else f"paragraph + {-offset}"
    return _finding(
        "index_location",
        doc_id,
        f"{report} paragraph {entry['report_ref']} is located at {entry.get('location_raw')}"
        f" ({entry['location']}); the step of that report's other paragraphs (location ="
        f" {step}, {count} of {total}) gives {_printed_location(expected)} ({expected})"
        + elsewhere,
        line=line,
        where=f"line {line}, {report} paragraph {entry['report_ref']}",
        evidence=texts.at(doc_id, line),
    )


def _lines_of(members: list[_Located]) -> str:
    return ", ".join(str(line) for line in sorted({m.entry.get("line_start") for m in members}))


def _printed_location(canonical: str) -> str:
    """``I.38`` as the Chinese compilation prints it: ``一.38``."""
    head, _, rest = canonical.partition(".")
    value = roman_to_int(head) if head.isupper() else None
    if value is None:
        return canonical
    return int_to_chinese(value) + ("." + rest if rest else "")


class _TextAt:
    """The printed text of the block at a line of a document (the evidence)."""

    def __init__(self, paragraphs: list[Row]) -> None:
        self._blocks: dict[tuple[str, int], str] = {}
        for row in paragraphs:
            start, end = row.get("line_start"), row.get("line_end")
            if isinstance(start, int):
                for line in range(start, (end if isinstance(end, int) else start) + 1):
                    self._blocks.setdefault((row.get("doc_id") or "", line), row.get("text") or "")

    def at(self, doc_id: str, line: Any) -> str:
        return self._blocks.get((doc_id, line), "") if isinstance(line, int) else ""


# --- normalization misses ------------------------------------------------------------


def check_normalization(tables: Tables) -> list[Finding]:
    """Values the normalizers could not turn into their canonical form."""
    return [
        *_unknown_countries(tables),
        *_missing_dates(tables),
        *_unnormalized_symbols(tables),
        *_unparsed_references(tables),
        *_unnormalized_locations(tables),
    ]


def _unknown_countries(tables: Tables) -> list[Finding]:
    findings: list[Finding] = []
    for row in tables.get("participants", []):
        if row.get("entity_type") == "state" and not row.get("iso3"):
            findings.append(
                _finding(
                    "unknown_country",
                    row.get("doc_id"),
                    f"participant {row.get('name')!r} is named as a State but resolves to no"
                    " ISO 3166 code",
                    line=row.get("line_start"),
                    evidence=str(row.get("name")),
                )
            )
    return findings


def _missing_dates(tables: Tables) -> list[Finding]:
    findings: list[Finding] = []
    for row in tables.get("documents", []):
        start, end = row.get("date_start"), row.get("date_end")
        if start is None:
            findings.append(
                _finding(
                    "date_missing",
                    row.get("doc_id"),
                    "no meeting date was read or normalized (date_start is null)",
                    where=str(row.get("source_file") or ""),
                    evidence=str(row.get("title") or ""),
                )
            )
        elif end is not None and str(end) < str(start):
            findings.append(
                _finding(
                    "date_missing",
                    row.get("doc_id"),
                    f"the meeting ends ({end}) before it starts ({start})",
                    where=str(row.get("source_file") or ""),
                    evidence=str(row.get("title") or ""),
                )
            )
    for row in tables.get("schedule", []):
        if row.get("date") is None:
            findings.append(
                _finding(
                    "date_missing",
                    row.get("doc_id"),
                    "schedule slot without a normalized date",
                    line=row.get("line_start"),
                    evidence=str(row.get("title") or ""),
                )
            )
    return findings


# Columns holding UN symbols: (table, column, whether the column is a list).
_SYMBOL_COLUMNS = (
    ("documents", "doc_id", False),
    ("citations", "cited_symbol", False),
    ("index_entries", "report_symbol", False),
    ("agenda_items", "documents", True),
)


def _unnormalized_symbols(tables: Tables) -> list[Finding]:
    findings: list[Finding] = []
    for table, column, is_list in _SYMBOL_COLUMNS:
        for row in tables.get(table, []):
            value = row.get(column)
            values = (value or []) if is_list else [value]
            for symbol in values:
                if isinstance(symbol, str) and not is_symbol(symbol):
                    findings.append(
                        _finding(
                            "symbol_unnormalized",
                            row.get("doc_id"),
                            f"{table}.{column} holds {symbol!r}, which is not a UN document symbol",
                            line=row.get("line_start"),
                            where=(
                                f"line {row['line_start']}"
                                if row.get("line_start") is not None
                                else str(row.get("source_file") or "")
                            ),
                            evidence=symbol,
                        )
                    )
    return findings


# Columns holding canonical references (CONTRACT.md, "Canonical references").
_REF_COLUMNS = (
    ("agenda_items", "item", False),
    ("schedule", "items", True),
    ("index_entries", "report_ref", False),
    ("index_entries", "location", False),
    ("paragraphs", "section", False),
)


def _unparsed_references(tables: Tables) -> list[Finding]:
    findings: list[Finding] = []
    for table, column, is_list in _REF_COLUMNS:
        for row in tables.get(table, []):
            value = row.get(column)
            for ref in (value or []) if is_list else [value]:
                if not isinstance(ref, str) or not ref:
                    continue
                try:
                    parse_ref(ref)
                except ValueError:
                    findings.append(
                        _finding(
                            "reference_unparsed",
                            row.get("doc_id"),
                            f"{table}.{column} holds {ref!r}, which is not a canonical reference",
                            line=row.get("line_start"),
                            evidence=ref,
                        )
                    )
    return findings


def _unnormalized_locations(tables: Tables) -> list[Finding]:
    return [
        _finding(
            "location_unnormalized",
            row.get("doc_id"),
            f"index location {row.get('location_raw')!r} has no canonical form",
            line=row.get("line_start"),
            evidence=str(row.get("location_raw")),
        )
        for row in tables.get("index_entries", [])
        if row.get("location") is None and row.get("location_raw")
    ]


# --- the report ------------------------------------------------------------------------


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Distinct findings in a stable order: severity, document, line, check, text."""
    return sorted(
        set(findings),
        key=lambda f: (
            _SEVERITY_ORDER[f.severity],
            f.doc_id or "",
            f.line if f.line is not None else -1,
            f.check,
            f.message,
            f.where,
            f.evidence,
        ),
    )


def build_report(
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage] = (),
) -> dict[str, Any]:
    """The report as plain data: what ``report.json`` holds."""
    severities = Counter(f.severity for f in findings)
    checks: dict[str, dict[str, int]] = defaultdict(dict)
    for (check, severity), count in sorted(
        Counter((f.check, f.severity) for f in findings).items()
    ):
        checks[check][severity] = count
    return {
        "summary": {
            "documents": len(documents),
            "rows": counts,
            "findings": {name: severities.get(name, 0) for name in ("error", "warning", "info")},
            "checks": dict(checks),
        },
        "documents": documents,
        "coverage": [
            {
                "doc_id": doc.doc_id,
                "characters": doc.characters,
                "covered": doc.covered,
                "share": round(doc.share, 4),
                "uncovered_spans": [dataclasses.asdict(span) for span in doc.spans],
            }
            for doc in coverage
        ],
        "findings": [dataclasses.asdict(f) for f in findings],
    }


def write_report(
    out_dir: Path,
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage] = (),
) -> None:
    """``report.json`` for machines, ``report.md`` and ``report.html`` for people;
    deterministic (no timestamps, sorted findings)."""
    from pipeline.corpus.report_html import render_html

    out_dir.mkdir(parents=True, exist_ok=True)
    report = build_report(findings, documents, counts, coverage)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    write_atomic(out_dir / "report.json", text.encode("utf-8"))
    write_atomic(out_dir / "report.md", _markdown(report).encode("utf-8"))
    write_atomic(out_dir / "report.html", render_html(report).encode("utf-8"))


def _markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    lines = [
        "# Validation report",
        "",
        f"Documents: {summary['documents']}. Findings: "
        + ", ".join(f"{count} {name}" for name, count in summary["findings"].items())
        + ".",
        "",
        "## Rows per table",
        "",
        "| table | rows |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in summary["rows"].items()),
        "",
        "## Documents",
        "",
        "| document | source | status |",
        "|---|---|---|",
        *(
            f"| {doc.get('doc_id') or '—'} | {doc['source_file']} | {doc['status']} |"
            for doc in report["documents"]
        ),
        "",
        "## Coverage",
        "",
        "Share of each document's cleaned text (blocks and footnotes) that landed in an"
        " entity table or is a heading, and its longest spans that landed nowhere.",
        "",
        "| document | characters | covered | longest uncovered spans |",
        "|---|---|---|---|",
        *(
            "| "
            + " | ".join(
                [
                    doc["doc_id"],
                    str(doc["characters"]),
                    f"{doc['share']:.1%}",
                    _cell(
                        "; ".join(
                            f"lines {s['line_start']}-{s['line_end']} ({s['characters']}):"
                            f" {s['text']}"
                            for s in doc["uncovered_spans"]
                        )
                        or "—"
                    ),
                ]
            )
            + " |"
            for doc in report["coverage"]
        ),
        "",
        "## Findings by check",
        "",
        "| check | error | warning | info |",
        "|---|---|---|---|",
        *(
            f"| {check} | {counts.get('error', 0)} | {counts.get('warning', 0)}"
            f" | {counts.get('info', 0)} |"
            for check, counts in summary["checks"].items()
        ),
        "",
        "## Findings",
        "",
    ]
    if not report["findings"]:
        lines.append("No findings.")
    else:
        lines += ["| severity | check | document | where | message | evidence |"]
        lines += ["|---|---|---|---|---|---|"]
        for f in report["findings"]:
            cells = [
                f["severity"],
                f["check"],
                f["doc_id"] or "—",
                f["where"],
                f["message"],
                f["evidence"],
            ]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
