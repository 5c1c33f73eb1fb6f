"""The validation report as one self-contained HTML page for people.

The page holds everything it shows: styles and a small script inline, no
external assets, and a Content-Security-Policy that forbids loading any. It
shows the summary, per-document coverage as CSS bars with the longest
uncovered spans, the findings by check, and the findings as a table that the
inline script filters by severity, check, document and free text. The filter
also reads the query string (``report.html?severity=warning&check=coverage``),
so a filtered view can be linked; it keeps the query string in step with the
controls.

The output depends only on the report data: same report, same bytes. The
page comes in pieces, a row at a time, so that a report of some 276,000
findings is written without being held whole.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from html import escape
from typing import Any

SEVERITIES = ("error", "warning", "info")

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", sans-serif;
       margin: 1.5rem; color: #1f2328; line-height: 1.4; }
h1 { margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; }
.counts span { display: inline-block; margin-right: 1rem; font-weight: 600; }
.sev-error { color: #cf222e; } .sev-warning { color: #9a6700; } .sev-info { color: #0969da; }
.coverage-row { display: grid; grid-template-columns: 16rem 1fr 4.5rem; gap: 0.75rem;
                align-items: center; margin: 0.35rem 0; }
.coverage-bar { background: #eaeef2; border-radius: 3px; height: 1.1rem; overflow: hidden; }
.coverage-fill { background: #2da44e; height: 100%; }
.coverage-spans { grid-column: 2 / 4; font-size: 0.85rem; color: #57606a; margin: 0 0 0.5rem; }
.coverage-spans li { margin: 0.1rem 0; }
.filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin: 0.75rem 0; }
.filters label { display: flex; flex-direction: column; font-size: 0.85rem; }
td.evidence { font-family: ui-monospace, monospace; font-size: 0.85rem; white-space: pre-wrap; }
tr.finding[hidden] { display: none; }
"""

# Filters the findings rows by the controls; the query string sets the
# controls on load and follows them afterwards.
_SCRIPT = """
(function () {
  "use strict";
  var names = ["severity", "check", "doc", "q"];
  var controls = {};
  names.forEach(function (name) { controls[name] = document.getElementById("filter-" + name); });
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var shown = document.getElementById("shown");
  var params = new URLSearchParams(window.location.search);
  names.forEach(function (name) {
    var value = params.get(name);
    if (value === null) { return; }
    var control = controls[name];
    if (control.tagName === "SELECT" &&
        !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      control.appendChild(option);
    }
    control.value = value;
  });
  function apply() {
    var severity = controls.severity.value, check = controls.check.value;
    var doc = controls.doc.value, text = controls.q.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var visible = (!severity || row.dataset.severity === severity) &&
        (!check || row.dataset.check === check) &&
        (!doc || row.dataset.doc === doc) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " findings shown";
    shown.dataset.shown = String(count);
    var query = new URLSearchParams();
    names.forEach(function (name) {
      if (controls[name].value) { query.set(name, controls[name].value); }
    });
    var search = query.toString();
    try {
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    } catch (error) { /* some file:// settings refuse it; the filter still works */ }
  }
  names.forEach(function (name) {
    controls[name].addEventListener("input", apply);
    controls[name].addEventListener("change", apply);
  });
  apply();
})();
"""


def render_html(report: Mapping[str, Any]) -> str:
    """The page for ``report`` (the data of ``report.json``)."""
    return "".join(html_pieces(report))


def html_pieces(report: Mapping[str, Any]) -> Iterator[str]:
    """The page for ``report`` in pieces, a finding's row at a time; its
    findings and coverage need only be iterable twice (a list, or rows made
    on reading)."""
    summary = report["summary"]
    head = [
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
        _summary(summary),
    ]
    yield "\n".join(head) + "\n"
    yield from _documents(report["documents"])
    yield "\n"
    yield from _coverage(report.get("coverage", []))
    yield "\n" + _checks(summary.get("checks", {})) + "\n"
    yield from _findings(report["findings"])
    yield "\n" + "\n".join([f"<script>{_SCRIPT}</script>", "</body>", "</html>"]) + "\n"


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


# Severities, checks and documents recur on every row of the findings table.
_e_repeated = functools.lru_cache(maxsize=4096, typed=True)(_e)


def _summary(summary: Mapping[str, Any]) -> str:
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


def _documents(documents: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    yield (
        '<section id="documents"><h2>Documents</h2>'
        "<table><thead><tr><th>document</th><th>source</th><th>status</th></tr></thead>"
        "<tbody>"
    )
    for doc in documents:
        yield (
            f"<tr><td>{_e(doc.get('doc_id') or '—')}</td><td>{_e(doc.get('source_file'))}</td>"
            f"<td>{_e(doc.get('status'))}</td></tr>"
        )
    yield "</tbody></table></section>"


def _coverage(coverage: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    yield (
        '<section id="coverage"><h2>Coverage</h2>'
        "<p>Share of each document's cleaned text (blocks and footnotes) that landed in an"
        " entity table or is a heading; below each bar, its longest spans that landed"
        " nowhere.</p>"
    )
    for doc in coverage:
        share = float(doc["share"])
        percent = f"{share * 100:.1f}%"
        spans = "".join(
            f'<li data-line-start="{_e(span["line_start"])}">lines {_e(span["line_start"])}–'
            f"{_e(span['line_end'])} ({_e(span['characters'])} characters): "
            f"<q>{_e(span['text'])}</q></li>"
            for span in doc["uncovered_spans"]
        )
        yield (
            f'<div class="coverage-row" data-doc="{_e(doc["doc_id"])}" data-share="{share:.4f}">'
            f'<span class="coverage-doc">{_e(doc["doc_id"])}</span>'
            f'<div class="coverage-bar" role="img" aria-label="{_e(doc["doc_id"])}: {percent}'
            f' of {_e(doc["characters"])} characters covered">'
            f'<div class="coverage-fill" style="width: {share * 100:.1f}%"></div></div>'
            f'<span class="coverage-share">{percent}</span>'
            + (f'<ul class="coverage-spans" lang="zh">{spans}</ul>' if spans else "")
            + "</div>"
        )
    yield "</section>"


def _checks(checks: Mapping[str, Mapping[str, int]]) -> str:
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


def _options(name: str, label: str, values: list[str]) -> str:
    options = '<option value="">all</option>' + "".join(
        f'<option value="{_e(value)}">{_e(value)}</option>' for value in values
    )
    return f'<label>{label}<select id="filter-{name}">{options}</select></label>'


def _findings(findings: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    # One pass for the filters' choices and the count, a second for the rows.
    seen_severities: set[str] = set()
    checks: set[str] = set()
    documents: set[str] = set()
    count = 0
    for f in findings:
        seen_severities.add(f["severity"])
        checks.add(f["check"])
        if f["doc_id"]:
            documents.add(f["doc_id"])
        count += 1
    severities = [name for name in SEVERITIES if name in seen_severities]
    filters = (
        '<div class="filters">'
        + _options("severity", "severity", severities)
        + _options("check", "check", sorted(checks))
        + _options("doc", "document", sorted(documents))
        + '<label>text<input id="filter-q" type="search" placeholder="filter text"></label>'
        + "</div>"
    )
    yield (
        '<section id="findings"><h2>Findings</h2>'
        + filters
        + f'<p id="shown">{count} findings</p>'
        + "<table><thead><tr><th>severity</th><th>check</th><th>document</th><th>where</th>"
        '<th>message</th><th>evidence</th></tr></thead><tbody id="finding-rows">'
    )
    for f in findings:
        severity = _e_repeated(f["severity"])
        check = _e_repeated(f["check"])
        doc_id = f["doc_id"]
        yield (
            f'<tr class="finding" data-severity="{severity}" data-check="{check}"'
            f' data-doc="{_e_repeated(doc_id or "")}">'
            f'<td class="sev-{severity}">{severity}</td>'
            f"<td>{check}</td><td>{_e_repeated(doc_id or '—')}</td>"
            f"<td>{_e(f['where'])}</td><td>{_e(f['message'])}</td>"
            f'<td class="evidence" lang="zh">{_e(f["evidence"])}</td></tr>'
        )
    yield "</tbody></table></section>"
