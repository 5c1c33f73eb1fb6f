"""Checks over the assembled tables, and the validation report they produce."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .models import Finding
from .store import write_atomic

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_sequences(tables: dict[str, list[dict[str, Any]]]) -> list[Finding]:
    """Numbered paragraphs and footnotes run 1, 2, 3 … without gaps or repeats."""
    findings: list[Finding] = []
    paragraphs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables.get("paragraphs", []):
        if row["kind"] == "paragraph" and row["number"] is not None:
            paragraphs[row["doc_id"]].append(row)
    for doc_id, rows in paragraphs.items():
        findings += _sequence_findings("paragraph_sequence", "paragraph", doc_id, rows)
    footnotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables.get("footnotes", []):
        if row["number"] is not None:
            footnotes[row["doc_id"]].append(row)
    for doc_id, rows in footnotes.items():
        findings += _sequence_findings("footnote_sequence", "footnote", doc_id, rows)
    return findings


def _sequence_findings(
    check: str, what: str, doc_id: str, rows: list[dict[str, Any]]
) -> list[Finding]:
    findings: list[Finding] = []
    rows = sorted(rows, key=lambda row: row["line_start"])
    previous: dict[str, Any] | None = None
    for row in rows:
        expected = previous["number"] + 1 if previous else 1
        if row["number"] != expected:
            before = previous["number"] if previous else "start"
            kind = "repeated" if previous and row["number"] <= previous["number"] else "gap"
            findings.append(
                Finding(
                    check=check,
                    severity="warning",
                    doc_id=doc_id,
                    message=(
                        f"{what} numbers {kind}: {before} is followed by {row['number']}"
                        f" (expected {expected})"
                    ),
                    where=f"line {row['line_start']}",
                    evidence=str(row.get("text", ""))[:120],
                    line=row["line_start"],
                )
            )
        previous = row
    return findings


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        set(findings),
        key=lambda f: (
            _SEVERITY_ORDER[f.severity],
            f.doc_id or "",
            f.line if f.line is not None else -1,
            f.check,
            f.message,
        ),
    )


def write_report(
    out_dir: Path,
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
) -> None:
    """``report.json`` for machines and ``report.md`` for people; deterministic."""
    out_dir.mkdir(parents=True, exist_ok=True)
    severities = Counter(f.severity for f in findings)
    report = {
        "summary": {
            "documents": len(documents),
            "rows": counts,
            "findings": {name: severities.get(name, 0) for name in ("error", "warning", "info")},
        },
        "documents": documents,
        "findings": [dataclasses.asdict(f) for f in findings],
    }
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    write_atomic(out_dir / "report.json", text.encode("utf-8"))
    write_atomic(out_dir / "report.md", _markdown(report).encode("utf-8"))


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
