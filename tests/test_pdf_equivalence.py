"""A PDF and the text of the same document give the same paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.document.driver import extract_document
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, RAW, REPORT_COP6, REPORT_WG7
from tests.pdf_render import drawable, render_text_pdf

SEEDS = {
    INDEX: ("CTOC/COP/WG.7/2019/4", "V.19-05432"),
    REPORT_COP6: ("CTOC/COP/2012/15", "V.12-57117"),
    REPORT_WG7: ("CTOC/COP/WG.7/2017/5", "V.17-06984"),
    AGENDA_WG7: ("CTOC/COP/WG.7/2017/1", "V.17-04115"),
    AGENDA_WG4: ("CTOC/COP/WG.4/2018/1", "V.18-02153"),
}


def _comparable(rows: list[dict]) -> list[tuple]:
    # The renderer draws characters outside its built-in font (š) as their base letter.
    return [
        (
            row["kind"],
            row["section"],
            row["number"],
            row["label"],
            drawable(row["text"]),
            row["footnote_refs"],
        )
        for row in rows
    ]


@pytest.mark.parametrize("path", list(SEEDS), ids=lambda p: p.name)
def test_pdf_rendition_gives_the_same_paragraphs(path: Path, tmp_path: Path) -> None:
    symbol, job = SEEDS[path]
    pdf = tmp_path / path.name.replace(".txt", ".pdf")
    render_text_pdf(path.read_text(encoding="utf-8"), pdf, symbol=symbol, job_number=job)
    row = {**load_catalog(RAW / "catalog.csv", RAW).row(path.name), "symbol": symbol}
    from_text = extract_document(path, row)
    from_pdf = extract_document(pdf, row)
    assert not from_pdf.failed, from_pdf.findings
    assert _comparable(from_pdf.tables["paragraphs"]) == _comparable(from_text.tables["paragraphs"])
    assert [r["text"] for r in from_pdf.tables["footnotes"]] == [
        r["text"] for r in from_text.tables["footnotes"]
    ]
    pages = {row["page"] for row in from_pdf.tables["paragraphs"]}
    assert None not in pages
    assert len(pages) > 1
