"""The HTML report: self-contained, and in headless Chromium its findings table,
coverage bars and filters work after the inline script ran."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from pipeline.corpus.report_html import render_html
from pipeline.corpus.validate import validate, write_report
from pipeline.models import Finding
from tests.chromium import (
    ChromiumUnavailable,
    Element,
    dump_dom,
    ensure_chromium,
    parse,
    screenshot,
)
from tests.test_validate import AGENDA, REPORT, corpus, numbered, participant

INJECTED = "<script>document.title='injected'</script>"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Chromium, installed with apt-get when absent; a failed install fails the test."""
    try:
        return ensure_chromium()
    except ChromiumUnavailable as error:
        pytest.fail(f"headless Chromium is needed for the HTML report tests: {error}")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with findings of every severity, two documents' coverage, and
    evidence that looks like markup."""
    tables = corpus()
    tables["paragraphs"].append(numbered(REPORT, 5, 5, 9, INJECTED))
    tables["participants"].append(participant(REPORT, "乌托邦", None, "delegation", 3))
    unreadable = Finding("ingest", "error", None, "broken.pdf: not a PDF", "broken.pdf")
    validation = validate(tables, [unreadable])
    documents = [
        {"source_file": "a.zh.txt", "doc_id": AGENDA, "source_sha256": "0", "status": "ok"},
        {"source_file": "b.zh.txt", "doc_id": REPORT, "source_sha256": "1", "status": "ok"},
        {"source_file": "broken.pdf", "doc_id": None, "source_sha256": None, "status": "failed"},
    ]
    counts = {name: len(rows) for name, rows in tables.items()}
    out = tmp_path_factory.mktemp("validation")
    write_report(out, validation.findings, documents, counts, validation.coverage)
    return out


def _report(report_dir: Path) -> dict:
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


def _rows(elements: list[Element]) -> list[Element]:
    return [e for e in elements if e.tag == "tr" and "finding" in e.classes]


def _visible(elements: list[Element]) -> list[Element]:
    return [row for row in _rows(elements) if "hidden" not in row.attrs]


def _shown(elements: list[Element]) -> str:
    [shown] = [e for e in elements if e.attrs.get("id") == "shown"]
    return shown.text


def _url(report_dir: Path, **query: str) -> str:
    url = (report_dir / "report.html").as_uri()
    return url + ("?" + urlencode(query) if query else "")


def test_the_page_is_self_contained_and_deterministic(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html == render_html(_report(report_dir))
    elements = parse(html)
    for element in elements:
        for name in ("src", "href", "action", "data"):
            value = element.attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//", "file:")), element.attrs
    assert not [e for e in elements if e.tag in {"link", "img", "iframe", "object"}]
    scripts = [e for e in elements if e.tag == "script"]
    assert len(scripts) == 1 and "src" not in scripts[0].attrs
    [policy] = [e for e in elements if e.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (policy.attrs.get("content") or "")


def test_findings_and_coverage_bars_are_in_the_dom_after_scripts_ran(
    chromium: Path, report_dir: Path
) -> None:
    report = _report(report_dir)
    elements = parse(dump_dom(chromium, _url(report_dir)))
    rows = _rows(elements)
    assert len(rows) == len(report["findings"]) == 5
    assert [row.attrs["data-check"] for row in rows] == [f["check"] for f in report["findings"]]
    assert _visible(elements) == rows
    # The script rewrote the count: it ran.
    assert _shown(elements) == "5 of 5 findings shown"
    bars = {e.attrs["data-doc"]: e for e in elements if "coverage-row" in e.classes}
    assert set(bars) == {AGENDA, REPORT}
    for doc in report["coverage"]:
        start = elements.index(bars[doc["doc_id"]])
        fill = next(e for e in elements[start:] if "coverage-fill" in e.classes)
        assert fill.attrs["style"] == f"width: {doc['share'] * 100:.1f}%"
        assert f"{doc['share'] * 100:.1f}%" in bars[doc["doc_id"]].text
    # The evidence that looks like markup stayed text.
    assert len([e for e in elements if e.tag == "script"]) == 1
    assert any(INJECTED in row.text for row in rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"severity": "warning"},
            {("paragraph_sequence", "warning"), ("unknown_country", "warning")},
        ),
        ({"severity": "error"}, {("ingest", "error")}),
        ({"check": "coverage", "doc": REPORT}, {("coverage", "info")}),
        ({"q": "乌托邦"}, {("unknown_country", "warning")}),
        ({"severity": "info", "q": "no such text"}, set()),
    ],
)
def test_the_query_string_filters_the_findings(
    chromium: Path, report_dir: Path, query: dict[str, str], expected: set[tuple[str, str]]
) -> None:
    elements = parse(dump_dom(chromium, _url(report_dir, **query)))
    visible = _visible(elements)
    assert {(row.attrs["data-check"], row.attrs["data-severity"]) for row in visible} == expected
    if "doc" in query:
        assert {row.attrs["data-doc"] for row in visible} == {query["doc"]}
    assert _shown(elements) == f"{len(visible)} of 5 findings shown"
    # The hidden rows are still in the DOM.
    assert len(_rows(elements)) == 5


def test_the_page_renders_to_a_screenshot(chromium: Path, report_dir: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    screenshot(chromium, _url(report_dir), png)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
