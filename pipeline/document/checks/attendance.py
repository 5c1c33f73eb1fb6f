"""Counts stated in prose against the attendance lists of the same document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.document.checks.common import (
    ATTENDING_ROLES,
    Tables,
    _finding,
    _participant_key,
)
from pipeline.models import Finding, StatedCount


def counts_against_lists(tables: Tables, stated: Sequence[StatedCount]) -> list[Finding]:
    """Counts stated in prose (the attendance extractor's typed
    :class:`StatedCount` records) against the number of attendees of that
    category listed."""
    listed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in tables.get("participants", []):
        if row.get("role") in ATTENDING_ROLES and row.get("category"):
            listed[(row.get("doc_id") or "", row["category"])].add(_participant_key(row))
    by_key: dict[tuple[str, str], list[StatedCount]] = defaultdict(list)
    for statement in stated:
        by_key[(statement.finding.doc_id or "", statement.category)].append(statement)
    findings: list[Finding] = []
    for key, statements in sorted(by_key.items(), key=lambda item: item[0]):
        names = listed.get(key)
        # Compare only where both exist; one agreeing statement settles it (a
        # document may state the count for each instrument of one category).
        if not names or any(s.count == len(names) for s in statements):
            continue
        for statement in statements:
            source = statement.finding
            findings.append(
                _finding(
                    "attendance_count_mismatch",
                    source.doc_id,
                    f"the text states {statement.count} {key[1]}, the attendance lists name"
                    f" {len(names)}",
                    line=source.line,
                    where=source.where,
                    evidence=source.evidence,
                )
            )
    return findings
