"""Mutated documents never crash the pipeline: every outcome is rows and findings."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document.driver import extract_document
from pipeline.schema import TABLES
from tests.conftest import AGENDA_WG7, INDEX, RAW, REPORT_COP6, REPORT_WG7

SOURCES = [INDEX, AGENDA_WG7, REPORT_WG7, REPORT_COP6]
STRAYS = [
    "1",
    "。",
    "(a)",
    "一.",
    "\t",
    "_____",
    "*",
    "V.12-57117",
    "建议 3",
    "：",
    "（",
    "12.",
    "㈠",
]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A seed text with deleted, duplicated, swapped lines, stray characters, or cut short."""
    source = draw(st.sampled_from(SOURCES))
    lines = source.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 25))):
        if not lines:
            break
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "stray", "cut"]))
        at = draw(st.integers(0, len(lines) - 1))
        if operation == "delete":
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "stray":
            position = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:position] + draw(st.sampled_from(STRAYS)) + lines[at][position:]
        else:
            lines = lines[:at]
    return source.name, "\n".join(lines)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated())
def test_mutated_documents_give_rows_or_findings(tmp_path: Path, case: tuple[str, str]) -> None:
    name, text = case
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    row = {"kind": "meeting_report"} if name == REPORT_COP6.name else {}
    if name == INDEX.name:
        row = {"symbol": "CTOC/COP/WG.7/2019/4", "kind": "recommendation_index"}
    result = extract_document(path, row)
    assert result.findings or any(result.tables.values())
    if result.failed:
        assert not any(result.tables.values())
    else:
        assert set(result.tables) <= set(TABLES)
        assert result.tables["documents"][0]["source_file"] == name
    assert (RAW / name).exists()
