"""The share of each document's text that landed in an entity table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.document.checks.common import (
    COVERING_TABLES,
    SPAN_TEXT,
    SPANS_SHOWN,
    STRUCTURAL_KINDS,
    Coverage,
    Row,
    Span,
    Tables,
    _finding,
    _int,
)
from pipeline.models import Finding


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
