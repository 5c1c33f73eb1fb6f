"""Cleaning: furniture and footnote blocks out of the flow, markers out of sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.clean import join_texts, tidy_spacing
from tests.conftest import AGENDA_WG7, REPORT_COP6, build_context


def test_footnotes_one_to_thirty_of_the_cop6_report() -> None:
    footnotes = build_context(REPORT_COP6).clean.footnotes
    assert [f.number for f in footnotes] == list(range(1, 31))
    by_number = {f.number: f for f in footnotes}
    assert (
        by_number[1].text == "联合国，《条约汇编》，第 2225、2237、2241 和 2326 卷，第 39574 号。"
    )
    assert by_number[2].text == "大会第 64/293 号决议。"
    # A footnote wrapped over two lines is joined.
    assert by_number[11].text == (
        "《联合国小武器和轻武器非法贸易各方面问题大会的报告，2001 年 7 月 9 日至 20 日，纽约》"
        "（A/CONF.192/15），第四章，第 24 段。"
    )
    assert (by_number[11].line_start, by_number[11].line_end) == (345, 347)
    assert by_number[12].text == "A/60/88 和 Corr.2，附件；另见大会第 60/519 号决定。"
    assert by_number[30].text == "同上，附件五。"


def test_page_furniture_is_removed_and_kept_aside() -> None:
    clean = build_context(REPORT_COP6).clean
    removed = {(r.number, r.reason) for r in clean.removed}
    assert (490, "page footer") in removed  # 10 V.12-57117
    assert (493, "page header") in removed  # CTOC/COP/2012/15
    assert (1851, "page footer") in removed
    body = "\n".join(line.text for line in clean.lines)
    assert "V.12-57117" not in body
    assert "__________" not in body


def test_glued_markers_leave_the_sentence() -> None:
    lines = {line.number: line for line in build_context(REPORT_COP6).clean.lines}
    assert lines[22].text == "项议定书的重要性，"
    assert lines[22].footnote_refs == [1]
    assert lines[110].text == "1. 赞赏地注意到，《联合国打击跨国有组织犯罪公约》缔约方数目已经"
    assert lines[110].footnote_refs == [3]
    assert lines[194].footnote_refs == [5]
    # 16 stands before 第 32 条: the marker goes, the article number stays.
    assert lines[463].text == "回顾《联合国打击跨国有组织犯罪公约》第 32 条，其中设立了《联合国"
    assert lines[463].footnote_refs == [16]


def test_real_numbers_are_never_markers() -> None:
    clean = build_context(REPORT_COP6).clean
    body = "\n".join(line.text for line in clean.lines)
    for number in ("第 32 条", "2012 年", "第 6/1 号决议", "第 5/4 号决议", "一百七十二个"):
        assert number in body
    refs = [ref for line in clean.lines for ref in line.footnote_refs]
    assert sorted(refs) == list(range(1, 31))


def test_a_footnote_ends_where_the_next_page_begins() -> None:
    clean = build_context(AGENDA_WG7).clean
    assert len(clean.footnotes) == 1
    note = clean.footnotes[0]
    assert note.text.startswith("例如，缔约方会议第 6/3 号决议、经济及社会理事会第 2014/23 号决议")
    assert note.text.endswith("http://undocs.org/A/RES/71/1")
    assert any(line.text == "附件" for line in clean.lines)


def test_masthead_and_star_notes(tmp_path) -> None:
    from tests.conftest import INDEX

    clean = build_context(INDEX).clean
    assert [(f.marker, f.text) for f in clean.footnotes] == [
        ("*", "因技术原因于 2019 年 9 月 2 日重新印发。"),
        ("**", "CTOC/COP/WG.7/2019/1。"),
    ]
    reasons = {r.text: r.reason for r in clean.removed}
    assert reasons["Distr.: General"] == "masthead"
    assert reasons["16 July 2019"] == "masthead"


def test_wrapped_lines_join_chinese_tight_and_latin_with_a_space() -> None:
    assert join_texts(["由以下讨论小组成员引导：Wanchai", "Roujanavong（泰国）"]) == (
        "由以下讨论小组成员引导：Wanchai Roujanavong（泰国）"
    )
    assert join_texts(["会议报告所载的建议（CTOC/COP/", "WG.8/2016/2），继续"]) == (
        "会议报告所载的建议（CTOC/COP/WG.8/2016/2），继续"
    )
    assert join_texts(["纳米比亚、 新西兰、", "挪威"]) == "纳米比亚、新西兰、挪威"


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(_HAN, min_size=1, max_size=20), min_size=1, max_size=6))
def test_joining_chinese_lines_loses_no_character(parts: list[str]) -> None:
    assert join_texts(parts) == "".join(parts)


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from("年月日 2012ab、，《》 "), max_size=30))
def test_tidy_spacing_only_removes_spaces(text: str) -> None:
    tidied = tidy_spacing(text)
    assert tidied.replace(" ", "") == text.replace(" ", "")
    assert tidy_spacing(tidied) == tidied


def test_compact_numbers_are_not_footnote_markers(context_from_text) -> None:
    # 议程项目3 and a line 建议3 carry numbers, not marker 3; the marker is the
    # 3 after the sentence.
    text = "\n".join(
        [
            "1. 工作组审议了议程项目3，题为“技术援助”。",
            "建议3",
            "鼓励缔约国交流良好做法。3",
            "",
            "__________________",
            "3 CTOC/COP/WG.2/2031/3。",
        ]
    )
    clean = context_from_text(text, "CTOC_COP_WG.2_2031_4.zh.txt").clean
    assert [(line.text, line.footnote_refs) for line in clean.lines] == [
        ("1. 工作组审议了议程项目3，题为“技术援助”。", []),
        ("建议3", []),
        ("鼓励缔约国交流良好做法。", [3]),
    ]


def test_a_footnote_goes_on_after_a_line_with_a_stray_space(context_from_text) -> None:
    text = "\n".join(
        [
            "1. 数名发言者提及审议机制的费用问题1。",
            "",
            "__________________",
            "1 据秘书处在背景文件中所作的初步估算，审议机制的费用将",
            " 主要取决于审议周期的长短。",
            "",
            "V.31-03542",
        ]
    )
    clean = context_from_text(text, "CTOC_COP_WG.5_2031_3.zh.txt").clean
    assert [(f.number, f.text) for f in clean.footnotes] == [
        (1, "据秘书处在背景文件中所作的初步估算，审议机制的费用将主要取决于审议周期的长短。")
    ]
    assert [line.text for line in clean.lines] == ["1. 数名发言者提及审议机制的费用问题。"]
