"""The validation report: report.json for machines, report.md and report.html for people."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.document.checks.common import (
    _SEVERITY_ORDER,
    Coverage,
)
from pipeline.models import Finding
from pipeline.store import write_atomic


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
