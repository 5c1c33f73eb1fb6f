"""Every UN symbol cited anywhere, including broken and suffixed ones; no job numbers."""

from __future__ import annotations

from pipeline.document.extract.citations import extract_citations
from tests.conftest import AGENDA_WG4, REPORT_COP6, REPORT_WG7, build_context


def _symbols(path) -> list[str]:
    return [row.cited_symbol for row in extract_citations(build_context(path))]


def test_symbols_broken_across_lines() -> None:
    assert "CTOC/COP/WG.8/2016/2" in _symbols(REPORT_WG7)
    assert _symbols(AGENDA_WG4).count("CTOC/COP/WG.4/2018/CRP.1") == 2
    assert "CTOC/COP/2012/CRP.7" in _symbols(REPORT_COP6)
    assert "CTOC/COP/2012/6" in _symbols(REPORT_COP6)


def test_symbols_with_suffixes_and_lists() -> None:
    cited = set(_symbols(REPORT_COP6))
    for symbol in (
        "CTOC/COP/2012/INF/2/Rev.2",
        "CTOC/COP/2012/L.4/Rev.2",
        "CTOC/COP/2010/CRP.7",
        "A/60/88",
        "A/60/88/Corr.2",
        "A/CONF.192/15",
        "CTOC/COP/WG.2/2012/5",
        "CTOC/COP/WG.3/2012/6",
        "CTOC/COP/2012/L.1",
        "CTOC/COP/2012/L.1/Add.1",
        "CTOC/COP/2012/L.1/Add.9",
        "CTOC/COP/WG.4/2011/8",
    ):
        assert symbol in cited, symbol
    assert "CTOC/COP/WG.7/2017/INF/1/Rev.1" in _symbols(REPORT_WG7)


def test_job_and_sales_numbers_are_not_symbols() -> None:
    cited = " ".join(_symbols(REPORT_COP6))
    assert "V.12-57117" not in cited
    assert "E.11.V.9" not in cited


def test_citations_know_their_paragraph_or_footnote() -> None:
    rows = extract_citations(build_context(REPORT_COP6))
    in_footnote = [r for r in rows if r.cited_symbol == "A/60/88/Corr.2"]
    assert [(r.footnote, r.seq, r.line_start) for r in in_footnote] == [("12", None, 348)]
    revised = [r for r in rows if r.cited_symbol == "CTOC/COP/2012/L.4/Rev.2"]
    assert len(revised) == 1
    assert revised[0].footnote is None
    assert revised[0].line_start == 1162
    assert "订正决议草案（CTOC/COP/2012/L.4/Rev.2）" in revised[0].context


AGENDA_CITING_ITSELF = """\
联 合 国\t\tCTOC/COP/WG.9/2031/1

联合国打击跨国有组织犯罪公约

工作组第九次会议

临时议程和说明

一.临时议程

1.组织事项：

(a)会议开幕；

(b)通过议程和工作安排。

二.临时议程说明

(b)通过议程和工作安排

文件

临时议程和说明（CTOC/COP/WG.9/2031/1）

秘书处的说明（CTOC/COP/WG.9/2031/2）
"""


def test_own_symbol_cited_in_the_text_not_in_the_masthead(context_from_text) -> None:
    ctx = context_from_text(AGENDA_CITING_ITSELF, "CTOC_COP_WG.9_2031_1.zh.txt")
    rows = extract_citations(ctx)
    assert ctx.blocks[0].text.endswith("CTOC/COP/WG.9/2031/1")  # the masthead, kept as a block
    assert [(r.cited_symbol, r.seq) for r in rows] == [
        ("CTOC/COP/WG.9/2031/1", ctx.blocks[-1].seq),
        ("CTOC/COP/WG.9/2031/2", ctx.blocks[-1].seq),
    ]
