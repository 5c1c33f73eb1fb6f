"""The validation report: report.json for machines, report.md and report.html for people.

The three files are written streaming, a finding at a time: a 10,000-document
corpus has some 276,000 findings, and each file built as one string (beside
every finding as a dict) took over a gigabyte.
"""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, Generic, TypeVar

from pipeline.document.checks.common import (
    _SEVERITY_ORDER,
    Coverage,
    Span,
)
from pipeline.models import Finding
from pipeline.store import atomic_file

Item = TypeVar("Item")


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


class _Rows(Sequence[dict[str, Any]], Generic[Item]):
    """``items`` seen as the report's dicts, each made when it is read and
    dropped after: the report holds one row at a time, not all of them."""

    def __init__(self, items: Sequence[Item], to_row: Callable[[Item], dict[str, Any]]) -> None:
        self._items = items
        self._to_row = to_row

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._to_row(item) for item in self._items[index]]
        return self._to_row(self._items[index])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._to_row, self._items)


def _finding_row(finding: Finding) -> dict[str, Any]:
    # The fields are strings, ints and None: a shallow dict equals
    # dataclasses.asdict's deep copy at a twentieth of its cost (the byte-
    # identity test compares with asdict, so a new field cannot be missed).
    return {
        "check": finding.check,
        "severity": finding.severity,
        "doc_id": finding.doc_id,
        "message": finding.message,
        "where": finding.where,
        "evidence": finding.evidence,
        "line": finding.line,
    }


def _span_row(span: Span) -> dict[str, Any]:
    return {
        "line_start": span.line_start,
        "line_end": span.line_end,
        "characters": span.characters,
        "text": span.text,
    }


def _coverage_row(doc: Coverage) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "characters": doc.characters,
        "covered": doc.covered,
        "share": round(doc.share, 4),
        "uncovered_spans": [_span_row(span) for span in doc.spans],
    }


def _report(
    findings: Sequence[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage],
) -> dict[str, Any]:
    """The report with its coverage and findings as rows made on reading."""
    # One pass over the findings (at scale they are read back from disk).
    by_check = Counter((f.check, f.severity) for f in findings)
    severities: Counter[str] = Counter()
    checks: dict[str, dict[str, int]] = defaultdict(dict)
    for (check, severity), count in sorted(by_check.items()):
        checks[check][severity] = count
        severities[severity] += count
    return {
        "summary": {
            "documents": len(documents),
            "rows": counts,
            "findings": {name: severities.get(name, 0) for name in ("error", "warning", "info")},
            "checks": dict(checks),
        },
        "documents": documents,
        "coverage": _Rows(coverage, _coverage_row),
        "findings": _Rows(findings, _finding_row),
    }


def build_report(
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage] = (),
) -> dict[str, Any]:
    """The report as plain data: what ``report.json`` holds."""
    report = _report(findings, documents, counts, coverage)
    report["coverage"] = list(report["coverage"])
    report["findings"] = list(report["findings"])
    return report


def write_report(
    out_dir: Path,
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage] = (),
) -> dict[str, int]:
    """``report.json`` for machines, ``report.md`` and ``report.html`` for people;
    deterministic (no timestamps, sorted findings). Returns how many findings
    of each severity the report holds."""
    from pipeline.corpus.report_html import html_pieces

    out_dir.mkdir(parents=True, exist_ok=True)
    report = _report(findings, documents, counts, coverage)
    _write_text(out_dir / "report.json", json_pieces(report))
    _write_text(out_dir / "report.md", markdown_pieces(report))
    _write_text(out_dir / "report.html", html_pieces(report))
    return dict(report["summary"]["findings"])


def _write_text(path: Path, pieces: Iterable[str]) -> None:
    """``pieces`` as UTF-8 into ``path``, replaced atomically once all are written."""
    with atomic_file(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            text.writelines(pieces)
        finally:
            # Flushes, and leaves the handle open for atomic_file's fsync.
            text.detach()


# --- report.json -------------------------------------------------------------------------

_INDENT = "  "


def json_pieces(report: Mapping[str, Any]) -> Iterator[str]:
    """``json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\\n"``
    in pieces: the report's lists one item at a time."""
    if not report:
        yield "{}\n"
        return
    separator = "{\n"
    for key, value in report.items():
        yield f"{separator}{_INDENT}{encode_basestring(key)}: "
        if isinstance(value, list | _Rows):
            yield from _json_array(value, _INDENT)
        else:
            yield _json_value(value, _INDENT)
        separator = ",\n"
    yield "\n}\n"


def _json_array(items: Iterable[Any], indent: str) -> Iterator[str]:
    """A list at ``indent``, as the indenting encoder writes it, an item at a time."""
    inner = indent + _INDENT
    separator = "[\n"
    for item in items:
        yield separator + inner + _json_value(item, inner)
        separator = ",\n"
    yield "[]" if separator == "[\n" else f"\n{indent}]"


def _json_value(value: Any, indent: str) -> str:
    """``value`` encoded with its nested lines at ``indent``. JSON escapes a
    newline inside a string, so every newline of the encoder's output is a line
    break that takes the indent."""
    if type(value) is dict and value:
        flat = _flat_object(value, indent)
        if flat is not None:
            return flat
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return text.replace("\n", "\n" + indent) if indent else text


def _flat_object(row: dict[Any, Any], indent: str) -> str | None:
    """A dict of strings, ints and None (a finding, a document) encoded
    directly, with the encoder's own string escaping: the indenting encoder is
    pure Python and slow. None when some key or value is of another type."""
    inner = f"\n{indent}{_INDENT}"
    parts = []
    for key, value in row.items():
        if type(key) is not str:
            return None
        kind = type(value)
        if kind is str:
            encoded = encode_basestring(value)
        elif value is None:
            encoded = "null"
        elif kind is int:
            encoded = int.__repr__(value)
        else:
            return None
        parts.append(f"{inner}{encode_basestring(key)}: {encoded}")
    return "{" + ",".join(parts) + f"\n{indent}}}"


# --- report.md ---------------------------------------------------------------------------


def markdown_pieces(report: Mapping[str, Any]) -> Iterator[str]:
    """report.md, a line at a time."""
    for line in _markdown_lines(report):
        yield line + "\n"


def _markdown_lines(report: Mapping[str, Any]) -> Iterator[str]:
    summary = report["summary"]
    yield from [
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
    ]
    yield from (f"| {name} | {count} |" for name, count in summary["rows"].items())
    yield from [
        "",
        "## Documents",
        "",
        "| document | source | status |",
        "|---|---|---|",
    ]
    yield from (
        f"| {doc.get('doc_id') or '—'} | {doc['source_file']} | {doc['status']} |"
        for doc in report["documents"]
    )
    yield from [
        "",
        "## Coverage",
        "",
        "Share of each document's cleaned text (blocks and footnotes) that landed in an"
        " entity table or is a heading, and its longest spans that landed nowhere.",
        "",
        "| document | characters | covered | longest uncovered spans |",
        "|---|---|---|---|",
    ]
    yield from (
        "| "
        + " | ".join(
            [
                doc["doc_id"],
                str(doc["characters"]),
                f"{doc['share']:.1%}",
                _cell(
                    "; ".join(
                        f"lines {s['line_start']}-{s['line_end']} ({s['characters']}): {s['text']}"
                        for s in doc["uncovered_spans"]
                    )
                    or "—"
                ),
            ]
        )
        + " |"
        for doc in report["coverage"]
    )
    yield from [
        "",
        "## Findings by check",
        "",
        "| check | error | warning | info |",
        "|---|---|---|---|",
    ]
    yield from (
        f"| {check} | {counts.get('error', 0)} | {counts.get('warning', 0)}"
        f" | {counts.get('info', 0)} |"
        for check, counts in summary["checks"].items()
    )
    yield from ["", "## Findings", ""]
    if not report["findings"]:
        yield "No findings."
        return
    yield "| severity | check | document | where | message | evidence |"
    yield "|---|---|---|---|---|---|"
    for f in report["findings"]:
        cells = [
            f["severity"],
            f["check"],
            f["doc_id"] or "—",
            f["where"],
            f["message"],
            f["evidence"],
        ]
        yield "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
