"""The thematic index of recommendations: rows, topics across pages, links."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus.crossref import _unresolved_index_entries
from pipeline.corpus.link import linked_rec_ids
from pipeline.document.extract.index import (
    clean_topic,
    extract_index_entries,
    is_index_document,
    join_topic_fragments,
    printed_items,
    report_order,
    split_topic,
)
from pipeline.document.extract.recommendations import extract_recommendations
from pipeline.normalize.numerals import int_to_chinese, int_to_roman
from pipeline.normalize.refs import expand_refs, printed_to_canonical
from tests.conftest import INDEX, REPORT_WG7, build_context

FAST = settings(max_examples=60, deadline=None)
WG7 = "CTOC/COP/WG.7/"


def _rows(entries, line: int) -> list[tuple]:
    return [
        (e.report_symbol, e.report_ref, e.location_raw, e.location, e.topic_basis)
        for e in entries
        if e.line_start == line
    ]


@pytest.fixture(scope="module")
def index_entries():
    return extract_index_entries(build_context(INDEX))


def test_total_row_count(index_entries) -> None:
    assert len(index_entries) == 382
    assert {e.doc_id for e in index_entries} == {"CTOC/COP/WG.7/2019/4"}
    assert all(e.rec_id is None for e in index_entries)


def test_line_42_spacing_artifact_and_list(index_entries) -> None:
    rows = [e for e in index_entries if e.line_start == 42]
    assert {(e.topic, e.topic_main, e.subtopic) for e in rows} == {
        ("对被偷运移民的协助", "对被偷运移民的协助", None)
    }
    assert _rows(index_entries, 42) == [
        (WG7 + "2012/6", "24", "一.21", "I.21", "printed"),
        (WG7 + "2012/6", "25", "一.22", "I.22", "printed"),
        (WG7 + "2012/6", "28", "一.25", "I.25", "printed"),
        (WG7 + "2012/6", "30", "一.27", "I.27", "printed"),
    ]


def test_line_44_and_45_ranges_and_sub_paragraphs(index_entries) -> None:
    assert _rows(index_entries, 44) == [
        (WG7 + "2015/6", "9", "三.5", "III.5", "continued"),
        (WG7 + "2015/6", "18", "三.14", "III.14", "continued"),
        (WG7 + "2015/6", "23", "三.19", "III.19", "continued"),
        (WG7 + "2015/6", "24", "三.20", "III.20", "continued"),
        (WG7 + "2015/6", "25", "三.21", "III.21", "continued"),
    ]
    assert _rows(index_entries, 45) == [
        (WG7 + "2018/3", "7.d", "五.1.d", "V.1.d", "continued"),
        (WG7 + "2018/3", "8.e", "五.2.e", "V.2.e", "continued"),
        (WG7 + "2018/3", "8.f", "V.2.f", "V.2.f", "continued"),
    ]
    assert {e.topic for e in index_entries if e.line_start == 45} == {"对被偷运移民的协助"}


def test_line_74_bracketed_list(index_entries) -> None:
    assert _rows(index_entries, 74) == [
        (WG7 + "2018/3", "8.a", "五.2.a", "V.2.a", "continued"),
        (WG7 + "2018/3", "8.b", "五.2.b", "V.2.b", "continued"),
        (WG7 + "2018/3", "8.g", "五.2.g", "V.2.g", "continued"),
    ]
    assert {e.topic for e in index_entries if e.line_start == 74} == {"《打击跨国组织犯罪公约》"}


def test_line_116_de_typo_for_he(index_entries) -> None:
    assert _rows(index_entries, 116) == [
        (WG7 + "2012/6", "9", "一.6", "I.6", "printed"),
        (WG7 + "2012/6", "22", "一.19", "I.19", "printed"),
        (WG7 + "2012/6", "31", "一.28", "I.28", "printed"),
        (WG7 + "2012/6", "39", "一.36", "I.36", "printed"),
    ]


def test_line_119_and_120(index_entries) -> None:
    assert _rows(index_entries, 119) == [
        (WG7 + "2017/5", "3", "四.3", "IV.3", "continued"),
        (WG7 + "2017/5", "4", "四.4", "IV.4", "continued"),
    ]
    assert _rows(index_entries, 120) == [
        (WG7 + "2018/3", "8.b", "五.2.b", "V.2.b", "continued"),
        (WG7 + "2018/3", "8.g", "五.2.g", "V.2.g", "continued"),
        (WG7 + "2018/3", "8.h", "五.2.h", "V.2.h", "continued"),
        (WG7 + "2018/3", "10.e", "五.4.e", "V.4.e", "continued"),
    ]


def test_line_123_long_range_with_a_space(index_entries) -> None:
    rows = _rows(index_entries, 123)
    assert [r[1] for r in rows] == ["20", "26", "38", *map(str, range(43, 52))]
    assert [r[2] for r in rows] == ["一.17", "一.23", "一.35", *(f"一.{n}" for n in range(40, 49))]
    assert [r[3] for r in rows] == ["I.17", "I.23", "I.35", *(f"I.{n}" for n in range(40, 49))]
    assert {e.topic for e in index_entries if e.line_start == 123} == {"国际合作"}


def test_line_126(index_entries) -> None:
    assert _rows(index_entries, 126) == [
        (WG7 + "2017/5", "3", "四.3", "IV.3", "continued"),
        (WG7 + "2017/5", "6", "四.6", "IV.6", "continued"),
        (WG7 + "2017/5", "7", "四.7", "IV.7", "continued"),
        (WG7 + "2017/5", "8", "四.8", "IV.8", "continued"),
        (WG7 + "2017/5", "10", "四.10", "IV.10", "continued"),
        (WG7 + "2017/5", "15", "四.15", "IV.15", "continued"),
    ]


def test_topics_and_subtopics(index_entries) -> None:
    topics = {(e.line_start, e.topic, e.topic_main, e.subtopic) for e in index_entries}
    assert (54, "儿童, 普通", "儿童", "普通") in topics
    assert (193, "响应方：私营部门", "响应方", "私营部门") in topics
    assert (76, "刑事司法制度，总体", "刑事司法制度", "总体") in topics
    assert (128, "国际合作, 能力建设", "国际合作", "能力建设") in topics
    assert (49, "关于偷运人口、贩运人口和有关跨国犯罪的巴厘进程", None) in {
        (line, topic, sub) for line, topic, _, sub in topics
    }
    assert (
        105,
        "数据收集和调研, 打击犯罪信息与法律网络共享平台(夏洛克数据库)",
        "数据收集和调研",
        "打击犯罪信息与法律网络共享平台(夏洛克数据库)",
    ) in topics
    assert (
        185,
        "《关于打击陆、海、空偷运移民的议定书》，定义",
        "《关于打击陆、海、空偷运移民的议定书》",
        "定义",
    ) in topics
    assert len({e.topic for e in index_entries}) == 78


def test_page_boundary_decisions(index_entries) -> None:
    by_line = {e.line_start: e for e in index_entries}
    # A 2012/6 row after a 2018/3 row at the bottom of a page: the next topic's.
    assert (by_line[67].topic, by_line[67].topic_basis) == (
        "《打击跨国组织犯罪公约》",
        "moved_to_next_topic_by_report_order",
    )
    assert _rows(index_entries, 67) == [
        (WG7 + "2012/6", "5", "一.2", "I.2", "moved_to_next_topic_by_report_order"),
        (WG7 + "2012/6", "44", "一.41", "I.41", "moved_to_next_topic_by_report_order"),
    ]
    # Empty topic cells at the top of a page continue the previous page's topic.
    assert (by_line[134].topic, by_line[134].topic_basis) == (
        "国际合作, 引渡",
        "continued_across_page",
    )
    assert (by_line[197].topic, by_line[197].topic_basis) == (
        "响应方：私营部门",
        "continued_across_page",
    )
    # A topic cell split by the page break after line 227.
    joined = "联合国毒品和犯罪问题办公室(毒品和犯罪问题办公室), 包括秘书处"
    for line in (227, 231, 232, 233):
        assert by_line[line].topic == joined
    assert by_line[227].topic_main == "联合国毒品和犯罪问题办公室(毒品和犯罪问题办公室)"
    assert by_line[227].subtopic == "包括秘书处"
    assert [by_line[line].topic_basis for line in (227, 231, 232)] == [
        "joined_across_page",
        "joined_across_page",
        "continued",
    ]
    assert by_line[234].topic == "毒品和犯罪问题办公室, 全球偷运移民问题报告"
    assert Counter(e.topic_basis for e in index_entries)["continued_across_page"] == 2


def test_index_findings() -> None:
    ctx = build_context(INDEX)
    extract_index_entries(ctx)
    across = sorted(f.line for f in ctx.findings if f.check == "index_topic_across_page")
    assert across == [67, 134, 197, 231]
    # Locations off their report's offset: misprints of the source.
    mismatches = sorted(
        (f.line, f.evidence) for f in ctx.findings if f.check == "index_location_mismatch"
    )
    assert mismatches == [
        (125, "16 -> III.11"),
        (154, "41 -> I.3"),
        (206, "50 -> I.49"),
        (217, "10.d -> V.6.d"),
        (237, "34 -> II.31"),
    ]
    assert {f.check for f in ctx.findings} == {"index_topic_across_page", "index_location_mismatch"}


def test_other_documents_have_no_index(context_of) -> None:
    assert extract_index_entries(context_of(REPORT_WG7)) == []


def test_every_wg7_2017_5_reference_resolves(index_entries, context_of) -> None:
    recommendations = [
        dataclasses.asdict(r) for r in extract_recommendations(context_of(REPORT_WG7))
    ]
    entries = [dataclasses.asdict(e) for e in index_entries]
    linked = _linked(entries, recommendations)
    tables = {"index_entries": linked, "recommendations": recommendations}
    assert _unresolved_index_entries(tables) == []
    cited = [e for e in linked if e["report_symbol"] == WG7 + "2017/5"]
    assert len(cited) == 39
    assert all(e["rec_id"] == f"{WG7}2017/5#{e['report_ref']}" for e in cited)
    assert all(e["rec_id"] is None for e in linked if e["report_symbol"] != WG7 + "2017/5")
    texts = {r["rec_id"]: r["text"] for r in recommendations}
    [return_row] = [e for e in cited if e["line_start"] == 200]
    assert return_row["topic"] == "被偷运移民的返还"
    assert texts[return_row["rec_id"]].endswith(
        "便利和接受该人的返还，而不应有不适当或不合理的迟延。"
    )
    # The inputs are left as they were.
    assert all(e["rec_id"] is None for e in entries)


def _linked(entries: list[dict], recommendations: list[dict]) -> list[dict]:
    """The entries with the rec_id the corpus stage's link gives them."""
    rec_ids = linked_rec_ids(entries, recommendations)
    return [{**entry, "rec_id": rec_id} for entry, rec_id in zip(entries, rec_ids, strict=True)]


def test_link_by_paragraph_number_and_unresolved() -> None:
    recs = [
        {"rec_id": "X/2013/5#1", "doc_id": "X/2013/5", "number": 1, "paragraph_number": 4},
        {"rec_id": "X/2013/5#2", "doc_id": "X/2013/5", "number": 2, "paragraph_number": 5},
    ]
    entries = [
        {"doc_id": "I", "report_symbol": "X/2013/5", "report_ref": "5.b", "line_start": 3},
        {"doc_id": "I", "report_symbol": "X/2013/5", "report_ref": "9", "line_start": 4},
        {"doc_id": "I", "report_symbol": "X/2010/1", "report_ref": "4", "line_start": 5},
    ]
    linked = _linked(entries, recs)
    assert [e["rec_id"] for e in linked] == ["X/2013/5#2", None, None]
    [finding] = _unresolved_index_entries({"index_entries": linked, "recommendations": recs})
    assert (finding.check, finding.severity, finding.line) == ("index_unresolved", "warning", 4)
    assert "no recommendation of that report has that number" in finding.message


# An index of another body and other years, digits printed without spaces, with
# the three page-break cases: a bottom row of the next topic, a topic cell split
# by the break, an empty cell at the top of a page.
SYNTHETIC = "\n".join(
    [
        "贩运人口问题工作组",
        "",
        "贩运人口问题工作组前四次会议通过的各项建议索引",
        "",
        "1.秘书处编制了一份迄今通过的所有建议的专题分类索引。",
        "",
        "专题\t会议报告\t\t在CTOC/COP/WG.4/2023/6中的所在出处",
        "\t文件\t段次\t",
        "受害人 援助\tCTOC/COP/WG.4/2010/6\t3-5\t一.1-3",
        "\tCTOC/COP/WG.4/2014/2\t4、7和9\t三.2、三.5和三.7",
        "能力建设\tCTOC/COP/WG.4/2011/4\t12(a)、(c)和14\t二.8.a、二.8.c和二.10",
        "\tCTOC/COP/WG.4/2016/3\t6\t四.3",
        "\tCTOC/COP/WG.4/2010/6\t8\t一.6",
        "",
        "专题\t会议报告\t\t在CTOC/COP/WG.4/2023/6中的所在出处",
        "\t文件\t段次\t",
        "国际合作，引渡\tCTOC/COP/WG.4/2014/2\t10和11\t三.8和三.9",
        "\tCTOC/COP/WG.4/2016/3\t7\t四.4",
        "区域组织(欧洲安全与合\tCTOC/COP/WG.4/2010/6\t9\t一.7",
        "",
        "专题\t会议报告\t\t在CTOC/COP/WG.4/2023/6中的所在出处",
        "\t文件\t段次\t",
        "作组织), 总体\tCTOC/COP/WG.4/2011/4\t15\t二.11",
        "\tCTOC/COP/WG.4/2016/3\t9和10\t四.6",
        "立法，刑事 定罪\tCTOC/COP/WG.4/2011/4\t5\t二.1",
        "",
        "专题\t会议报告\t\t在CTOC/COP/WG.4/2023/6中的所在出处",
        "\t文件\t段次\t",
        "\tCTOC/COP/WG.4/2014/2\t13\t三.11",
        "数据收集\tCTOC/COP/WG.4/2014/2\t13\t三.11",
        "",
    ]
)


def test_synthetic_index(context_from_text) -> None:
    ctx = context_from_text(SYNTHETIC, "CTOC_COP_WG.4_2023_4.zh.txt")
    entries = extract_index_entries(ctx)
    got = [
        (e.line_start, e.topic, e.report_symbol[-6:], e.report_ref, e.location_raw, e.topic_basis)
        for e in entries
    ]
    organization = "区域组织(欧洲安全与合作组织), 总体"
    assert got == [
        (9, "受害人援助", "2010/6", "3", "一.1", "printed"),
        (9, "受害人援助", "2010/6", "4", "一.2", "printed"),
        (9, "受害人援助", "2010/6", "5", "一.3", "printed"),
        (10, "受害人援助", "2014/2", "4", "三.2", "continued"),
        (10, "受害人援助", "2014/2", "7", "三.5", "continued"),
        (10, "受害人援助", "2014/2", "9", "三.7", "continued"),
        (11, "能力建设", "2011/4", "12.a", "二.8.a", "printed"),
        (11, "能力建设", "2011/4", "12.c", "二.8.c", "printed"),
        (11, "能力建设", "2011/4", "14", "二.10", "printed"),
        (12, "能力建设", "2016/3", "6", "四.3", "continued"),
        (13, "国际合作，引渡", "2010/6", "8", "一.6", "moved_to_next_topic_by_report_order"),
        (17, "国际合作，引渡", "2014/2", "10", "三.8", "printed"),
        (17, "国际合作，引渡", "2014/2", "11", "三.9", "printed"),
        (18, "国际合作，引渡", "2016/3", "7", "四.4", "continued"),
        (19, organization, "2010/6", "9", "一.7", "joined_across_page"),
        (23, organization, "2011/4", "15", "二.11", "joined_across_page"),
        (24, organization, "2016/3", "9", "四.6", "continued"),
        (24, organization, "2016/3", "10", None, "continued"),
        (25, "立法，刑事定罪", "2011/4", "5", "二.1", "printed"),
        (29, "立法，刑事定罪", "2014/2", "13", "三.11", "continued_across_page"),
        (30, "数据收集", "2014/2", "13", "三.11", "printed"),
    ]
    assert [e.location for e in entries[:3]] == ["I.1", "I.2", "I.3"]
    assert (entries[14].topic_main, entries[14].subtopic) == (
        "区域组织(欧洲安全与合作组织)",
        "总体",
    )
    checks = sorted((f.check, f.line) for f in ctx.findings)
    assert checks == [
        ("index_location_count", 24),
        ("index_topic_across_page", 13),
        ("index_topic_across_page", 23),
        ("index_topic_across_page", 29),
    ]
    [count] = [f for f in ctx.findings if f.check == "index_location_count"]
    assert count.evidence == "paragraphs: ['9', '10']; locations: ['四.6']"


# An index whose only reference column is the place in the cited report
# (chapter.paragraph/sub-paragraph), printed with tabs: ranges, three kinds of
# separator, a bracketed sub-paragraph, and a topic continued after a page break
# that repeats the header row.
LOCATED_IN_REPORT = "\n".join(
    [
        "枪支问题工作组通过的各项建议专题索引",
        "",
        "1.下表按专题列出工作组通过的建议。",
        "",
        "专题\t会议报告\t出处（章.段/分段）",
        "标识，总体\tCTOC/COP/WG.6/2016/3\t一.9-11",
        "\tCTOC/COP/WG.6/2020/4\t二.3(b) 和二.5",
        "国际合作\tCTOC/COP/WG.6/2018/2\t一.4，一.6、一.7.c",
        "",
        "专题\t会议报告\t出处（章.段/分段）",
        "\tCTOC/COP/WG.6/2020/4\t二.8",
        "",
    ]
)


def test_index_located_in_the_cited_report(context_from_text) -> None:
    ctx = context_from_text(LOCATED_IN_REPORT, "CTOC_COP_WG.6_2022_5.zh.txt")
    entries = extract_index_entries(ctx)
    got = [
        (e.line_start, e.topic, e.report_symbol[-6:], e.report_ref, e.location_raw, e.location)
        for e in entries
    ]
    assert got == [
        (6, "标识，总体", "2016/3", "9", "一.9-11", "I.9"),
        (6, "标识，总体", "2016/3", "10", "一.9-11", "I.10"),
        (6, "标识，总体", "2016/3", "11", "一.9-11", "I.11"),
        (7, "标识，总体", "2020/4", "3.b", "二.3(b)", "II.3.b"),
        (7, "标识，总体", "2020/4", "5", "二.5", "II.5"),
        (8, "国际合作", "2018/2", "4", "一.4", "I.4"),
        (8, "国际合作", "2018/2", "6", "一.6", "I.6"),
        (8, "国际合作", "2018/2", "7.c", "一.7.c", "I.7.c"),
        (11, "国际合作", "2020/4", "8", "二.8", "II.8"),
    ]
    assert [e.topic_basis for e in entries][-1] == "continued_across_page"
    assert (entries[0].topic_main, entries[0].subtopic) == ("标识", "总体")
    assert [f.check for f in ctx.findings] == ["index_topic_across_page"]


# The same table as a PDF reads it when the gaps between its columns are narrow:
# the report and its references in one cell, a continuation row without its empty
# first cell, a topic cell and a reference list wrapped onto lines of their own.
UNTABBED = "\n".join(
    [
        "专题\t会议报告\t出处（章.段/分段）",
        "标识和记录保存的国际\tCTOC/COP/WG.6/2016/3 一.9-11",
        "合作",
        "CTOC/COP/WG.6/2020/4 二.3(b)、二.4、二",
        ".5 和二.7",
        "",
    ]
)


def test_index_rows_without_tab_stops(context_from_text) -> None:
    ctx = context_from_text(UNTABBED, "CTOC_COP_WG.6_2022_5.zh.txt", kind="recommendation_index")
    entries = extract_index_entries(ctx)
    got = [(e.topic, e.report_symbol[-6:], e.report_ref, e.location_raw) for e in entries]
    topic = "标识和记录保存的国际合作"
    assert got == [
        (topic, "2016/3", "9", "一.9-11"),
        (topic, "2016/3", "10", "一.9-11"),
        (topic, "2016/3", "11", "一.9-11"),
        (topic, "2020/4", "3.b", "二.3(b)"),
        (topic, "2020/4", "4", "二.4"),
        (topic, "2020/4", "5", "二.5"),
        (topic, "2020/4", "7", "二.7"),
    ]
    assert [f.check for f in ctx.findings] == ["index_topic_fragment"]


# A PDF sets a long topic cell on two lines inside its column; the row's other
# cells are on the first line, tab stops and all, the second line holds the rest.
WRAPPED_TOPIC_CELL = "\n".join(
    [
        "专题\t会议报告\t出处（章.段/分段）",
        "枪支、其零部件和弹药的\tCTOC/COP/WG.6/2015/3\t一.5-7",
        "标识",
        "\tCTOC/COP/WG.6/2021/5\t二.6(c)",
        "国际合作\tCTOC/COP/WG.6/2019/4\t一.12",
        "",
    ]
)


def test_a_topic_cell_wrapped_inside_its_column(context_from_text) -> None:
    ctx = context_from_text(
        WRAPPED_TOPIC_CELL, "CTOC_COP_WG.6_2024_3.zh.txt", kind="recommendation_index"
    )
    got = [(e.topic, e.report_symbol[-6:], e.report_ref) for e in extract_index_entries(ctx)]
    topic = "枪支、其零部件和弹药的标识"
    assert got == [
        (topic, "2015/3", "5"),
        (topic, "2015/3", "6"),
        (topic, "2015/3", "7"),
        (topic, "2021/5", "6.c"),
        ("国际合作", "2019/4", "12"),
    ]


def test_index_located_in_the_cited_report_links_by_paragraph_number() -> None:
    recs = [
        {"rec_id": "R/2020/4#1", "doc_id": "R/2020/4", "number": 1, "paragraph_number": 2},
        {"rec_id": "R/2020/4#2", "doc_id": "R/2020/4", "number": 2, "paragraph_number": 3},
    ]
    entries = [{"doc_id": "I", "report_symbol": "R/2020/4", "report_ref": "3.b", "line_start": 7}]
    linked = _linked(entries, recs)
    assert [e["rec_id"] for e in linked] == ["R/2020/4#2"]
    assert _unresolved_index_entries({"index_entries": linked, "recommendations": recs}) == []


def test_index_found_by_its_header_alone(context_from_text) -> None:
    text = (
        "附件\n\n专题\t会议报告\t\t所在出处\n\t文件\t段次\t\n"
        "枪支标识\tCTOC/COP/WG.6/2015/4\t7和8(b)\t二.3和二.4.b\n"
    )
    ctx = context_from_text(text, "CTOC_COP_WG.6_2016_7.zh.txt")
    assert ctx.meta.kind != "recommendation_index"
    assert is_index_document(ctx)
    entries = extract_index_entries(ctx)
    assert [(e.topic, e.report_ref, e.location) for e in entries] == [
        ("枪支标识", "7", "II.3"),
        ("枪支标识", "8.b", "II.4.b"),
    ]


def test_unreadable_row_is_reported(context_from_text) -> None:
    text = "专题\t会议报告\t\t所在出处\n\t文件\t段次\t\n甲\tCTOC/COP/WG.6/2015/4\t见上文\t二.3\n"
    ctx = context_from_text(text, "CTOC_COP_WG.6_2016_7.zh.txt")
    assert extract_index_entries(ctx) == []
    [finding] = ctx.findings
    assert finding.check == "index_reference_unreadable"


# --- helpers -----------------------------------------------------------------------


def test_clean_topic_examples() -> None:
    assert clean_topic("对被偷运移民的 协助") == "对被偷运移民的协助"
    assert clean_topic("国际合作,能力建 设") == "国际合作, 能力建设"
    assert clean_topic("儿童,  普通") == "儿童, 普通"
    assert clean_topic("响应方 ： 私营部门") == "响应方：私营部门"
    assert clean_topic("国际刑事警察组织 (刑警 组织 )") == "国际刑事警察组织(刑警组织)"
    assert clean_topic("INTERPOL 数据库") == "INTERPOL 数据库"


def test_split_topic_examples() -> None:
    assert split_topic("儿童, 普通") == ("儿童", "普通")
    assert split_topic("响应方：私营部门") == ("响应方", "私营部门")
    assert split_topic("传媒") == ("传媒", None)
    assert split_topic("《公约》，定义") == ("《公约》", "定义")
    assert split_topic("组织(甲,乙), 总体") == ("组织(甲,乙)", "总体")


def test_join_topic_fragments_examples() -> None:
    assert join_topic_fragments("联合国办公室(毒", "毒品办公室), 秘书处") == (
        "联合国办公室(毒品办公室), 秘书处",
        "毒",
    )
    assert join_topic_fragments("区域组织(欧洲安全与合", "作组织), 总体") == (
        "区域组织(欧洲安全与合作组织), 总体",
        "",
    )


def test_printed_items_examples() -> None:
    assert printed_items("五.1.d、五.2.e 和 V.2.f") == [
        ("五.1.d", "V.1.d"),
        ("五.2.e", "V.2.e"),
        ("V.2.f", "V.2.f"),
    ]
    assert printed_items("三.5、三.14 和三.19-21") == [
        ("三.5", "III.5"),
        ("三.14", "III.14"),
        ("三.19", "III.19"),
        ("三.20", "III.20"),
        ("三.21", "III.21"),
    ]
    assert printed_items("8(a)、(b)和(g)") == [("8(a)", "8.a"), ("(b)", "8.b"), ("(g)", "8.g")]
    assert printed_items("8(a)-(c)") == [("8(a)", "8.a"), ("8(b)", "8.b"), ("8(c)", "8.c")]
    assert printed_items("") == []
    assert printed_items("一.2-4 和一.6", ranges_as_printed=True) == [
        ("一.2-4", "I.2"),
        ("一.2-4", "I.3"),
        ("一.2-4", "I.4"),
        ("一.6", "I.6"),
    ]


def test_report_order() -> None:
    assert report_order("CTOC/COP/WG.7/2012/6") < report_order("CTOC/COP/WG.7/2013/5")
    assert report_order("CTOC/COP/WG.7/2013/5") < report_order("CTOC/COP/WG.7/2013/12")
    assert report_order("CTOC/COP/2010/CRP.2") == (2010, 2)


_TEXT = st.text(alphabet="儿童保护国际合作,，：:( )（）《》 \u3000ABab12", max_size=30)


@FAST
@given(_TEXT)
def test_clean_topic_only_changes_spacing(text: str) -> None:
    cleaned = clean_topic(text)
    assert clean_topic(cleaned) == cleaned
    assert "".join(cleaned.split()) == "".join(text.split())
    assert "  " not in cleaned and cleaned == cleaned.strip()


@FAST
@given(_TEXT)
def test_split_topic_keeps_every_character(text: str) -> None:
    topic = clean_topic(text)
    main, sub = split_topic(topic)
    squeezed = "".join(topic.split())
    rebuilt = "".join(main.split()) + "".join((sub or "").split())
    assert len(squeezed) - len(rebuilt) in (0, 1)
    assert squeezed.startswith("".join(main.split()))


@FAST
@given(
    st.text(alphabet="甲乙丙丁(", min_size=1, max_size=8), st.text(alphabet="甲乙丙丁)", max_size=8)
)
def test_join_topic_fragments_keeps_both_parts(left: str, right: str) -> None:
    joined, overlap = join_topic_fragments(left, right)
    assert joined == left + right[len(overlap) :]
    assert left.endswith(overlap) and right.startswith(overlap)


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(1, 12),
            st.integers(1, 60),
            st.integers(0, 3),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["、", " 和 ", "和", "及", " and "]),
)
def test_printed_items_agree_with_expand_refs(items, separator: str) -> None:
    printed = []
    for chapter, paragraph, span, chinese in items:
        head = int_to_chinese(chapter) if chinese else int_to_roman(chapter)
        end = f"-{paragraph + span}" if span else ""
        printed.append(f"{head}.{paragraph}{end}")
    text = separator.join(printed)
    pairs = printed_items(text)
    assert [canonical for _, canonical in pairs] == expand_refs(text)
    assert all(printed_to_canonical(raw) == canonical for raw, canonical in pairs)
    # Ranges kept as printed: the same references, each printed item from the text.
    as_printed = printed_items(text, ranges_as_printed=True)
    assert [canonical for _, canonical in as_printed] == expand_refs(text)
    assert [raw for raw, _ in as_printed] == [
        item for item in printed for _ in range(len(expand_refs(item)))
    ]


def test_rows_before_any_topic_go_to_the_first_topic(context_from_text) -> None:
    text = (
        "专题\t会议报告\t\t所在出处\n\t文件\t段次\t\n"
        "\tCTOC/COP/WG.2/2009/3\t4\t一.2\n"
        "技术援助\tCTOC/COP/WG.2/2011/5\t6\t二.1\n"
    )
    ctx = context_from_text(text, "CTOC_COP_WG.2_2012_9.zh.txt")
    entries = extract_index_entries(ctx)
    assert [(e.topic, e.report_ref, e.topic_basis) for e in entries] == [
        ("技术援助", "4", "moved_to_next_topic"),
        ("技术援助", "6", "printed"),
    ]
    assert [f.check for f in ctx.findings] == ["index_topic_missing"]
