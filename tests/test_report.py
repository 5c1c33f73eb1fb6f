"""The report is written streaming, a finding at a time, and its three files
are byte for byte what the former one-string renderers wrote: those are kept
below, verbatim but for their names, as the reference."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import pytest

from pipeline.corpus.report import build_report, write_report
from pipeline.corpus.report_html import _CSP, _SCRIPT, _STYLE, SEVERITIES, render_html
from pipeline.document.checks.common import Coverage, Span
from pipeline.models import Finding

# --- the reference: the former renderers, each file built as one string -----------------


def _old_build_report(
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage] = (),
) -> dict[str, Any]:
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


def _old_markdown(report: dict[str, Any]) -> str:
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
                    _old_cell(
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
            lines.append("| " + " | ".join(_old_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _old_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _old_render_html(report: dict[str, Any]) -> str:
    summary = report["summary"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Validation report</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>Validation report</h1>",
        _old_summary(summary),
        _old_documents(report["documents"]),
        _old_coverage(report.get("coverage", [])),
        _old_checks(summary.get("checks", {})),
        _old_findings(report["findings"]),
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _old_summary(summary: dict[str, Any]) -> str:
    counts = "".join(
        f'<span class="sev-{name}" data-severity="{name}">{summary["findings"].get(name, 0)}'
        f" {name}</span>"
        for name in SEVERITIES
    )
    rows = "".join(
        f"<tr><td>{_e(name)}</td><td>{_e(count)}</td></tr>"
        for name, count in summary["rows"].items()
    )
    return (
        '<section id="summary">'
        f"<p>Documents: {_e(summary['documents'])}.</p>"
        f'<p class="counts">{counts}</p>'
        "<details><summary>Rows per table</summary>"
        f"<table><thead><tr><th>table</th><th>rows</th></tr></thead><tbody>{rows}</tbody>"
        "</table></details></section>"
    )


def _old_documents(documents: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(doc.get('doc_id') or '—')}</td><td>{_e(doc.get('source_file'))}</td>"
        f"<td>{_e(doc.get('status'))}</td></tr>"
        for doc in documents
    )
    return (
        '<section id="documents"><h2>Documents</h2>'
        "<table><thead><tr><th>document</th><th>source</th><th>status</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _old_coverage(coverage: list[dict[str, Any]]) -> str:
    rows = []
    for doc in coverage:
        share = float(doc["share"])
        percent = f"{share * 100:.1f}%"
        spans = "".join(
            f'<li data-line-start="{_e(span["line_start"])}">lines {_e(span["line_start"])}–'
            f"{_e(span['line_end'])} ({_e(span['characters'])} characters): "
            f"<q>{_e(span['text'])}</q></li>"
            for span in doc["uncovered_spans"]
        )
        rows.append(
            f'<div class="coverage-row" data-doc="{_e(doc["doc_id"])}" data-share="{share:.4f}">'
            f'<span class="coverage-doc">{_e(doc["doc_id"])}</span>'
            f'<div class="coverage-bar" role="img" aria-label="{_e(doc["doc_id"])}: {percent}'
            f' of {_e(doc["characters"])} characters covered">'
            f'<div class="coverage-fill" style="width: {share * 100:.1f}%"></div></div>'
            f'<span class="coverage-share">{percent}</span>'
            + (f'<ul class="coverage-spans" lang="zh">{spans}</ul>' if spans else "")
            + "</div>"
        )
    return (
        '<section id="coverage"><h2>Coverage</h2>'
        "<p>Share of each document's cleaned text (blocks and footnotes) that landed in an"
        " entity table or is a heading; below each bar, its longest spans that landed"
        " nowhere.</p>" + "".join(rows) + "</section>"
    )


def _old_checks(checks: dict[str, dict[str, int]]) -> str:
    rows = "".join(
        f'<tr><td><a href="?check={_e(check)}">{_e(check)}</a></td>'
        + "".join(f"<td>{_e(counts.get(name, 0))}</td>" for name in SEVERITIES)
        + "</tr>"
        for check, counts in checks.items()
    )
    head = "".join(f"<th>{name}</th>" for name in SEVERITIES)
    return (
        '<section id="checks"><h2>Findings by check</h2>'
        f"<table><thead><tr><th>check</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


def _old_options(name: str, label: str, values: list[str]) -> str:
    options = '<option value="">all</option>' + "".join(
        f'<option value="{_e(value)}">{_e(value)}</option>' for value in values
    )
    return f'<label>{label}<select id="filter-{name}">{options}</select></label>'


def _old_findings(findings: list[dict[str, Any]]) -> str:
    severities = [name for name in SEVERITIES if any(f["severity"] == name for f in findings)]
    checks = sorted({f["check"] for f in findings})
    documents = sorted({f["doc_id"] for f in findings if f["doc_id"]})
    filters = (
        '<div class="filters">'
        + _old_options("severity", "severity", severities)
        + _old_options("check", "check", checks)
        + _old_options("doc", "document", documents)
        + '<label>text<input id="filter-q" type="search" placeholder="filter text"></label>'
        + "</div>"
    )
    rows = "".join(
        f'<tr class="finding" data-severity="{_e(f["severity"])}" data-check="{_e(f["check"])}"'
        f' data-doc="{_e(f["doc_id"] or "")}">'
        f'<td class="sev-{_e(f["severity"])}">{_e(f["severity"])}</td>'
        f"<td>{_e(f['check'])}</td><td>{_e(f['doc_id'] or '—')}</td>"
        f"<td>{_e(f['where'])}</td><td>{_e(f['message'])}</td>"
        f'<td class="evidence" lang="zh">{_e(f["evidence"])}</td></tr>'
        for f in findings
    )
    return (
        '<section id="findings"><h2>Findings</h2>'
        + filters
        + f'<p id="shown">{len(findings)} findings</p>'
        + "<table><thead><tr><th>severity</th><th>check</th><th>document</th><th>where</th>"
        "<th>message</th><th>evidence</th></tr></thead>"
        f'<tbody id="finding-rows">{rows}</tbody></table></section>'
    )


def _old_files(
    findings: list[Finding],
    documents: list[dict[str, Any]],
    counts: dict[str, int],
    coverage: Sequence[Coverage],
) -> dict[str, bytes]:
    """What the former ``write_report`` wrote."""
    report = _old_build_report(findings, documents, counts, coverage)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    return {
        "report.json": text.encode("utf-8"),
        "report.md": _old_markdown(report).encode("utf-8"),
        "report.html": _old_render_html(report).encode("utf-8"),
    }


# --- the tests ---------------------------------------------------------------------------

AWKWARD = 'a "quoted" | piped\nnew line <b>&amp;</b> 缔约方会议 ü \t\u2028 \\ end'

FINDINGS = [
    Finding("ingest", "error", None, "broken.pdf: not a PDF", "broken.pdf"),
    Finding("paragraph_sequence", "warning", "CTOC/COP/2020/3", AWKWARD, "line 5", AWKWARD, 5),
    Finding("unknown_country", "warning", "CTOC/COP/2020/3", "乌托邦 | <x>", "", "乌托邦", None),
    Finding("coverage", "info", "CTOC/COP/2020/3", "", "", "", 0),
    Finding('a"b<c>', "info", 'doc "<&>"|', "\n", "|", "\r\n", 12),
]
COVERAGE = [
    Coverage("CTOC/COP/2020/3", 120, 61, (Span(3, 4, 20, AWKWARD), Span(9, 9, 5, "| <q> |"))),
    Coverage('doc "<&>"|', 0, 0, ()),
    Coverage("CTOC/COP/2020/4", 3, 2, (Span(1, 1, 1, ""),)),
]
DOCUMENTS: list[dict[str, Any]] = [
    {"source_file": "a.zh.txt", "doc_id": "CTOC/COP/2020/3", "source_sha256": "0", "status": "ok"},
    {"source_file": "broken.pdf", "doc_id": None, "source_sha256": None, "status": "failed"},
    # Values the direct encoding of flat rows leaves to json.dumps.
    {
        "source_file": AWKWARD,
        "doc_id": "",
        "status": None,
        "pages": 3,
        "share": 0.5,
        "ok": True,
        "tags": ["x"],
    },
    {"source_file": "b.zh.txt", "status": "ok", "read": Path("raw/b.zh.txt")},
]
COUNTS = {"documents": 3, "paragraphs": 12, "participants": 0}


@pytest.mark.parametrize(
    ("findings", "documents", "coverage"),
    [
        (FINDINGS, DOCUMENTS, COVERAGE),
        ([], DOCUMENTS, COVERAGE),
        ([], [], []),
        (FINDINGS[1:2], DOCUMENTS[:1], []),
    ],
    ids=["awkward", "no-findings", "empty", "one-each"],
)
def test_the_streamed_files_are_byte_identical_to_the_former_ones(
    tmp_path: Path,
    findings: list[Finding],
    documents: list[dict[str, Any]],
    coverage: list[Coverage],
) -> None:
    severities = write_report(tmp_path, findings, documents, COUNTS, coverage)
    expected = _old_files(findings, documents, COUNTS, coverage)
    for name, data in expected.items():
        assert (tmp_path / name).read_bytes() == data, name
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(expected)
    # What the build prints is what report.json says.
    summary = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["summary"]
    assert severities == summary["findings"]
    assert list(severities) == ["error", "warning", "info"]


def test_build_report_and_render_html_give_the_former_data_and_page() -> None:
    report = build_report(FINDINGS, DOCUMENTS, COUNTS, COVERAGE)
    assert report == _old_build_report(FINDINGS, DOCUMENTS, COUNTS, COVERAGE)
    assert render_html(report) == _old_render_html(report)
    # The page from report.json's data, as the HTML tests read it back.
    loaded = json.loads(json.dumps(report, ensure_ascii=False, default=str))
    assert render_html(loaded) == _old_render_html(loaded)


def test_a_failed_write_leaves_the_former_files(tmp_path: Path) -> None:
    write_report(tmp_path, FINDINGS, DOCUMENTS, COUNTS, COVERAGE)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    unencodable = [Finding("ingest", "error", None, "lone surrogate \ud800")]
    with pytest.raises(UnicodeEncodeError):
        write_report(tmp_path, FINDINGS + unencodable, DOCUMENTS, COUNTS, COVERAGE)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
