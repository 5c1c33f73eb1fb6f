"""Values the normalizers could not turn into their canonical form."""

from __future__ import annotations

from pipeline.document.checks.common import (
    Tables,
    _finding,
)
from pipeline.models import Finding
from pipeline.normalize.refs import parse_ref
from pipeline.normalize.symbols import is_symbol


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
