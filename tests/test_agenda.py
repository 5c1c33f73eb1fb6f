"""Tests for pipeline.document.extract.agenda: agenda items and the proposed schedule."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.extract.agenda import (
    AgendaPhrases,
    clean_title,
    extract_agenda_items,
    extract_schedule,
    load_phrases,
    same_title,
)
from pipeline.records import AgendaItemRow, ScheduleRow
from tests import conftest
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, REPORT_COP6, REPORT_WG7

FAST = settings(max_examples=60, deadline=None)

T10, T12_30, T13, T15, T18 = time(10), time(12, 30), time(13), time(15), time(18)

WG7_QUESTIONNAIRE = "拟订用以审议《偷运移民问题议定书》实施情况的调查问卷"
WG7_CHALLENGES = "利用《联合国打击跨国有组织犯罪公约》应对与偷运移民有关的挑战"
WG7_BENEFIT_LIST = "审查偷运移民定义的“金钱和物质利益”方面"
WG7_BENEFIT_ANNOTATION = "审查偷运移民定义的“金钱和物质收益”方面"
WG4_COOPERATION = "贩运人口案件中的国际合作：考虑受害者的需求和权利"
WG4_QUESTIONNAIRE = "拟订用于审议《禁止贩运人口议定书》实施情况的调查问卷"


def items_of(rows: list[AgendaItemRow], agenda: str) -> list[tuple[str, int | None, str | None]]:
    return [(row.item, row.number, row.sub) for row in rows if row.agenda == agenda]


def titles_of(rows: list[AgendaItemRow], agenda: str) -> dict[str, str]:
    return {row.item: row.title for row in rows if row.agenda == agenda}


def slots_of(rows: list[ScheduleRow]) -> list[tuple]:
    return [(r.date, r.time_start, r.time_end, r.items, r.title, r.continued) for r in rows]


def checks(ctx) -> list[str]:
    return [finding.check for finding in ctx.findings]


# --- CTOC/COP/WG.7/2017/1: annotated provisional agenda ----------------------------------


def test_wg7_provisional_agenda(context_of):
    rows = extract_agenda_items(context_of(AGENDA_WG7))
    assert {row.agenda for row in rows} == {"provisional"}
    assert items_of(rows, "provisional") == [
        ("1", 1, None),
        ("1.a", 1, "a"),
        ("1.b", 1, "b"),
        ("2", 2, None),
        ("3", 3, None),
        ("4", 4, None),
        ("5", 5, None),
        ("6", 6, None),
    ]
    assert titles_of(rows, "provisional") == {
        "1": "组织事项",
        "1.a": "会议开幕",
        "1.b": "通过议程和工作安排",
        "2": WG7_QUESTIONNAIRE,
        "3": WG7_CHALLENGES,
        "4": WG7_BENEFIT_LIST,
        "5": "其他事项",
        "6": "通过报告",
    }
    assert all(row.doc_id == "CTOC/COP/WG.7/2017/1" for row in rows)
    first = rows[0]
    assert (first.line_start, first.line_end) == (17, 17)


def test_wg7_documents_per_item(context_of):
    documents = {row.item: row.documents for row in extract_agenda_items(context_of(AGENDA_WG7))}
    # The 文件 block's symbol only: the report the annotation cites in its prose
    # (CTOC/COP/WG.8/2016/2) is a citation, not a document of the item.
    assert documents["2"] == ["CTOC/COP/WG.7/2017/2"]
    assert documents["3"] == ["CTOC/COP/WG.7/2017/3"]
    assert documents["4"] == ["CTOC/COP/WG.7/2017/4"]
    for item in ("1", "1.a", "1.b", "5", "6"):
        assert documents[item] == []


def test_wg7_annotation_heading_differs_from_list():
    ctx = conftest.build_context(AGENDA_WG7)
    extract_agenda_items(ctx)
    mismatches = [f for f in ctx.findings if f.check == "agenda_annotation_title_mismatch"]
    assert len(mismatches) == 1
    finding = mismatches[0]
    assert finding.severity == "warning"
    assert finding.line == 143
    assert WG7_BENEFIT_LIST in finding.evidence
    assert WG7_BENEFIT_ANNOTATION in finding.evidence
    assert "agenda_item_not_annotated" not in checks(ctx)


def test_wg7_schedule(context_of):
    rows = extract_schedule(context_of(AGENDA_WG7))
    day1, day2, day3 = date(2017, 9, 11), date(2017, 9, 12), date(2017, 9, 13)
    assert slots_of(rows) == [
        (day1, T10, T13, ["1.a"], "会议开幕", False),
        (day1, T10, T13, ["1.b"], "通过议程和工作安排", False),
        (day1, T10, T13, ["2"], WG7_QUESTIONNAIRE, False),
        (day1, T15, T18, ["2"], WG7_QUESTIONNAIRE, True),
        (day2, T10, T13, ["3"], WG7_CHALLENGES, False),
        (day2, T15, T18, ["4"], WG7_BENEFIT_ANNOTATION, False),
        (day3, T10, T13, ["5"], "其他事项", False),
        (day3, T10, T13, ["6"], "通过报告", False),
    ]
    # A wrapped title cell keeps the lines it came from.
    assert (rows[2].line_start, rows[2].line_end) == (222, 224)
    assert all(row.seq is not None for row in rows)


def test_wg7_schedule_title_checked_against_agenda():
    ctx = conftest.build_context(AGENDA_WG7)
    extract_schedule(ctx)
    assert checks(ctx) == ["schedule_title_mismatch"]
    assert ctx.findings[0].line == 236
    assert WG7_BENEFIT_ANNOTATION in ctx.findings[0].evidence


# --- CTOC/COP/WG.4/2018/1 -------------------------------------------------------------------


def test_wg4_provisional_agenda(context_of):
    rows = extract_agenda_items(context_of(AGENDA_WG4))
    assert [row.item for row in rows] == ["1", "1.a", "1.b", "2", "3", "4", "5"]
    assert titles_of(rows, "provisional") == {
        "1": "组织事项",
        "1.a": "会议开幕",
        "1.b": "通过议程和工作安排",
        "2": WG4_COOPERATION,
        "3": WG4_QUESTIONNAIRE,
        "4": "其他事项",
        "5": "通过报告",
    }
    documents = {row.item: row.documents for row in rows}
    assert documents["2"] == ["CTOC/COP/WG.4/2018/2"]
    # The CRP is listed under 文件 (its symbol wrapped after a slash); the 2016
    # report and the previous questionnaire draft are only cited in the prose.
    assert documents["3"] == ["CTOC/COP/WG.4/2018/CRP.1"]
    assert documents["1"] == documents["4"] == documents["5"] == []


def test_wg4_agenda_is_consistent():
    ctx = conftest.build_context(AGENDA_WG4)
    extract_agenda_items(ctx)
    extract_schedule(ctx)
    assert ctx.findings == []


def test_wg4_schedule(context_of):
    rows = extract_schedule(context_of(AGENDA_WG4))
    day1, day2 = date(2018, 7, 2), date(2018, 7, 3)
    assert slots_of(rows) == [
        (day1, T10, T13, ["1.a"], "会议开幕", False),
        (day1, T10, T13, ["1.b"], "通过议程和工作安排", False),
        (day1, T10, T13, ["2"], WG4_COOPERATION, False),
        (day1, T15, T18, ["2"], WG4_COOPERATION, True),
        (day1, T15, T18, ["3"], WG4_QUESTIONNAIRE, False),
        (day2, T10, T13, ["3"], WG4_QUESTIONNAIRE, True),
        (day2, T15, T18, ["4"], "其他事项", False),
        (day2, T15, T18, ["5"], "通过报告", False),
    ]


# --- reports -----------------------------------------------------------------------------------


def test_wg7_report_adopted_agenda(context_of):
    ctx = context_of(REPORT_WG7)
    rows = extract_agenda_items(ctx)
    assert {row.agenda for row in rows} == {"adopted"}
    assert titles_of(rows, "adopted") == {
        "1": "组织事项",
        "1.a": "会议开幕",
        "1.b": "通过议程和工作安排",
        "2": "拟订用以审议《偷运移民议定书》实施情况的调查表",
        "3": WG7_CHALLENGES,
        "4": WG7_BENEFIT_LIST,
        "5": "其他事项",
        "6": "通过报告",
    }
    assert all(row.documents == [] for row in rows)
    # The list follows paragraph 23 of section IV.C.
    assert rows[0].line_start == 337
    assert rows[-1].line_start == 351
    assert extract_schedule(ctx) == []


def test_cop6_next_session_agenda(context_of):
    rows = extract_agenda_items(context_of(REPORT_COP6))
    assert {row.agenda for row in rows} == {"provisional_next_session"}
    assert [row.item for row in rows] == [
        "1",
        *(f"1.{letter}" for letter in "abcdef"),
        "2",
        *(f"2.{letter}" for letter in "abcd"),
        *(str(number) for number in range(3, 10)),
    ]
    assert titles_of(rows, "provisional_next_session") == {
        "1": "组织事项",
        "1.a": "缔约方会议第七届会议开幕",
        "1.b": "选举主席团成员",
        "1.c": "通过议程和工作安排",
        "1.d": "与会事宜",
        "1.e": "通过主席团的全权证书报告",
        "1.f": "一般性讨论",
        "2": "审议《联合国打击跨国有组织犯罪公约》及其各项议定书的实施情况",
        "2.a": "《联合国打击跨国有组织犯罪公约》",
        "2.b": "《关于预防、禁止和惩治贩运人口特别是妇女和儿童行为的议定书》",
        "2.c": "《关于打击陆、海、空偷运移民的议定书》",
        "2.d": "《关于打击非法制造和贩运枪支及其零部件和弹药的议定书》",
        "3": "《公约》界定的其他严重犯罪，包括跨国有组织犯罪的新形式和新方面",
        "4": "国际合作，尤其侧重于引渡、司法协助和没收事宜国际合作，以及中央主管机关的设立与加强",
        "5": "技术援助",
        "6": "财务和预算事项",
        "7": "缔约方会议第八届会议临时议程",
        "8": "其他事项",
        "9": "通过缔约方会议第七届会议的报告",
    }
    # 1 (d) comes after a footnote block that interrupts the list.
    assert next(row for row in rows if row.item == "1.d").line_start == 761


def test_cop6_adopted_by_reference_is_reported():
    ctx = conftest.build_context(REPORT_COP6)
    extract_agenda_items(ctx)
    assert checks(ctx) == ["agenda_adopted_by_reference"]
    finding = ctx.findings[0]
    assert finding.severity == "info"
    assert "CTOC/COP/2012/1" in finding.message
    assert finding.line == 898


def test_index_has_no_agenda(context_of):
    ctx = context_of(INDEX)
    assert extract_agenda_items(ctx) == []
    assert extract_schedule(ctx) == []


# --- documents written here: another body, another year, digits without spaces ----------------

SYNTHETIC_AGENDA = """\
 枪支问题工作组

2029年7月2日和3日，日内瓦

  临时议程说明

  临时议程

1.组织事项：

 (a)会议开幕；

 (b)通过议程和工作安排。

2.审查枪支议定书第10条关于进出口许可证制度的

实施情况。

3.其他事项。

4.通过报告。

  说明

 1.组织事项

本会议的组织安排见下文。

 (a)会议开幕

枪支问题工作组第十二次会议将于2029年7月2日星期一上午10时开幕。

 (b)通过议程和工作安排

缔约方会议在第12/3号决议中决定，工作组应每年举行会议。临时议程说明载于

CTOC/COP/WG.6/2029/1号文件。

 2.审查枪支议定书第10条关于进出口许可证制度的实施

情况

为审议议程项目2，工作组将收到秘书处编写的背景文件。另见上次会议的报告

（CTOC/COP/WG.6/2028/4）。

  文件

秘书处关于进出口许可证制度的背景文件（CTOC/COP/WG.6/2029/2）

秘书处关于各国答复情况的会议室文件（CTOC/COP/WG.6/2029/CRP.1）

 3.其他事务

目前预期不会有任何关于这一项目的文件。

 4.通过报告

工作组将通过会议报告。

 5.闭幕

工作组主席将宣布会议闭幕。

 附件

  拟议工作安排

日期和时间 议程项目 标题或说明

7月2日，星期一

上午10时至下午1时 1(a)-(b) 组织事项

 2 审查枪支议定书第

10条关于进出口许可证制度的实施情况

下午3时至6时 2 审查枪支议定书第10条关于进出口许可证制度的

实施情况（续）

7月3日，星期二

上午10时至中午12时30分 3 其他事项

下午3时至6时

 4 通过报告
"""
SYNTHETIC_NAME = "CTOC_COP_WG.6_2029_1.zh.txt"
FIREARMS_TITLE = "审查枪支议定书第10条关于进出口许可证制度的实施情况"


def test_synthetic_agenda_items(context_from_text):
    ctx = context_from_text(SYNTHETIC_AGENDA, SYNTHETIC_NAME)
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("provisional", "1", "组织事项"),
        ("provisional", "1.a", "会议开幕"),
        ("provisional", "1.b", "通过议程和工作安排"),
        # The item wrapped onto a line of its own in the list.
        ("provisional", "2", FIREARMS_TITLE),
        ("provisional", "3", "其他事项"),
        ("provisional", "4", "通过报告"),
    ]
    documents = {row.item: row.documents for row in rows}
    # Only symbols under an item's own 文件 heading: 1.b and item 2's prose cite
    # documents without listing them.
    assert documents["2"] == ["CTOC/COP/WG.6/2029/2", "CTOC/COP/WG.6/2029/CRP.1"]
    assert documents["1"] == documents["1.b"] == documents["3"] == []


def test_synthetic_agenda_findings(context_from_text):
    ctx = context_from_text(SYNTHETIC_AGENDA, SYNTHETIC_NAME)
    extract_agenda_items(ctx)
    by_check = {finding.check: finding for finding in ctx.findings}
    # The annotation heading of item 2 wraps, and is joined whole: no mismatch for it.
    assert sorted(by_check) == [
        "agenda_annotation_not_on_agenda",
        "agenda_annotation_title_mismatch",
        "agenda_wrapped_title",
    ]
    assert "其他事项" in by_check["agenda_annotation_title_mismatch"].evidence
    assert "其他事务" in by_check["agenda_annotation_title_mismatch"].evidence
    assert "闭幕" in by_check["agenda_annotation_not_on_agenda"].message
    assert by_check["agenda_wrapped_title"].severity == "info"


def test_synthetic_schedule(context_from_text):
    ctx = context_from_text(SYNTHETIC_AGENDA, SYNTHETIC_NAME)
    rows = extract_schedule(ctx)
    day1, day2 = date(2029, 7, 2), date(2029, 7, 3)
    assert slots_of(rows) == [
        (day1, T10, T13, ["1.a", "1.b"], "组织事项", False),
        # "10条…" continues the cut title; it is not agenda item 10.
        (day1, T10, T13, ["2"], FIREARMS_TITLE, False),
        (day1, T15, T18, ["2"], FIREARMS_TITLE, True),
        (day2, T10, T12_30, ["3"], "其他事项", False),
        # A time printed alone opens the slot of the item line under it.
        (day2, T15, T18, ["4"], "通过报告", False),
    ]
    assert ctx.findings == []


def test_synthetic_schedule_checks(context_from_text):
    text = (
        SYNTHETIC_AGENDA.replace("7月3日，星期二", "7月4日，星期三")
        .replace(" 4 通过报告", " 7 通过报告")
        .replace("上午10时至下午1时 1(a)-(b)", "1(a)-(b)")
    )
    ctx = context_from_text(text, SYNTHETIC_NAME)
    rows = extract_schedule(ctx)
    assert [row.items for row in rows][-1] == ["7"]
    assert rows[0].time_start is None
    # One finding per day line; one per row that lacks a time (1(a)-(b) and 2).
    assert sorted(checks(ctx)) == [
        "schedule_date_outside_meeting",
        "schedule_no_time",
        "schedule_no_time",
        "schedule_unknown_item",
    ]


def test_synthetic_weekday_mismatch(context_from_text):
    text = SYNTHETIC_AGENDA.replace("7月2日，星期一", "7月2日，星期五")
    ctx = context_from_text(text, SYNTHETIC_NAME)
    extract_schedule(ctx)
    assert checks(ctx) == ["schedule_weekday_mismatch"]


SYNTHETIC_REPORT = """\
 C.通过议程和工作安排

5.工作组在2030年3月4日第1次会议上通过了下列议程：

 1.组织事项：

  (a)会议开幕；

  (b)通过议程和工作安排。

 2.打击网络犯罪的国际合作。

 4.通过报告。

 D.出席情况

6.以下缔约国派代表出席了会议。
"""


def test_synthetic_report_adopted(context_from_text):
    ctx = context_from_text(SYNTHETIC_REPORT, "CTOC_COP_WG.3_2030_6.zh.txt")
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("adopted", "1", "组织事项"),
        ("adopted", "1.a", "会议开幕"),
        ("adopted", "1.b", "通过议程和工作安排"),
        ("adopted", "2", "打击网络犯罪的国际合作"),
        ("adopted", "4", "通过报告"),
    ]
    # Item 3 is missing from the printed list: reported, not guessed.
    assert checks(ctx) == ["agenda_numbering"]


def test_synthetic_report_adopted_by_reference(context_from_text):
    text = "7.缔约方会议在2030年10月12日第1次会议上通过了CTOC/COP/2030/1号文件所载的临时议程。\n"
    ctx = context_from_text(text, "CTOC_COP_2030_9.zh.txt")
    assert extract_agenda_items(ctx) == []
    assert checks(ctx) == ["agenda_adopted_by_reference"]
    assert "CTOC/COP/2030/1" in ctx.findings[0].message


def test_intro_without_list_is_reported(context_from_text):
    text = "5.工作组通过了以下议程：\n\n 6.工作组通过了本报告。\n"
    ctx = context_from_text(text, "CTOC_COP_WG.3_2030_6.zh.txt")
    assert extract_agenda_items(ctx) == []
    assert checks(ctx) == ["agenda_list_missing"]


# --- vocabulary and helpers -------------------------------------------------------------------


def test_phrases_load():
    phrases = load_phrases()
    assert isinstance(phrases, AgendaPhrases)
    assert "临时议程" in phrases.provisional_heading
    assert phrases.weekday["星期一"] == 0
    assert phrases.weekday["星期日"] == 6


def test_phrases_reject_unknown_role(tmp_path: Path):
    path = tmp_path / "agenda_phrases.csv"
    path.write_text("role,phrase,value,note\nheadline,临时议程,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown role"):
        load_phrases(path)


@pytest.mark.parametrize(
    ("printed", "title"),
    [
        ("组织事项：", "组织事项"),
        ("会议开幕；", "会议开幕"),
        ("通过报告。", "通过报告"),
        ("其他事项", "其他事项"),
    ],
)
def test_clean_title(printed: str, title: str):
    assert clean_title(printed) == title


_TITLE_CHARS = st.text(
    alphabet="审议议定书公约《》“”：、第条款0123456789ab", min_size=1, max_size=20
)


@FAST
@given(_TITLE_CHARS, st.sampled_from(["", "；", "。", "：", " ；", "。 "]))
def test_clean_title_is_idempotent_and_drops_list_punctuation(title: str, end: str):
    once = clean_title(title + end)
    assert clean_title(once) == once
    assert same_title(title + end, title)


@FAST
@given(_TITLE_CHARS, st.integers(min_value=0, max_value=20))
def test_same_title_ignores_spacing(title: str, where: int):
    spaced = title[:where] + " " + title[where:]
    assert same_title(spaced, title)
    assert same_title(title, spaced)


def test_list_end_and_nested_items_are_reported(context_from_text):
    text = (
        "4.会议核准第九届会议临时议程如下。\n\n"
        "1.组织事项：\n\n (a)选举主席团成员；\n\n ㈠主席；\n\n"
        "2.技术援助。\n\n3.通过报告\n\n 二.组织事项\n"
    )
    ctx = context_from_text(text, "CTOC_COP_2030_9.zh.txt")
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("provisional_next_session", "1", "组织事项"),
        ("provisional_next_session", "1.a", "选举主席团成员"),
        ("provisional_next_session", "2", "技术援助"),
        ("provisional_next_session", "3", "通过报告"),
    ]
    assert checks(ctx) == ["agenda_nested_item", "agenda_unfinished_title"]


# --- sub-items with 文件 headings of their own; other introductions ------------------

SUB_ITEM_DOCUMENTS_AGENDA = """\
技术援助问题工作组

2031年6月13日和14日，维也纳

临时议程说明

一. 临时议程

1. 组织事项：

(a) 会议开幕；

(b) 通过议程和工作安排。

2. 为预防和打击环境犯罪提供技术援助：

(a) 野生动植物犯罪；

(b) 非法贩运废物。

3. 通过报告。

二. 说明

 1. 组织事项

 (a) 会议开幕

工作组第十六次会议将于2031年6月13日开幕。

 (b) 通过议程和工作安排

  文件

临时议程说明（CTOC/COP/WG.2/2031/1）

 2. 为预防和打击环境犯罪提供技术援助

缔约方会议在第12/6号决议中请秘书处提供技术援助（另见CTOC/COP/2030/10）。

 (a) 野生动植物犯罪

工作组不妨审议良好做法。

  文件

秘书处的背景文件（CTOC/COP/WG.2/2031/2）

 (b) 非法贩运废物

工作组不妨讨论机构间合作（见CTOC/COP/WG.2/2030/4）。

  文件

秘书处的背景文件（CTOC/COP/WG.2/2031/2）

会议室文件（CTOC/COP/WG.2/2031/CRP.1）

 3. 通过报告

工作组将通过一份会议报告。
"""


def test_each_sub_item_has_the_documents_of_its_own_heading(context_from_text):
    ctx = context_from_text(SUB_ITEM_DOCUMENTS_AGENDA, "CTOC_COP_WG.2_2031_1.zh.txt")
    rows = extract_agenda_items(ctx)
    assert [(row.item, row.title, row.documents) for row in rows] == [
        ("1", "组织事项", []),
        ("1.a", "会议开幕", []),
        ("1.b", "通过议程和工作安排", ["CTOC/COP/WG.2/2031/1"]),
        # The resolution's report is only cited in the item's prose.
        ("2", "为预防和打击环境犯罪提供技术援助", []),
        ("2.a", "野生动植物犯罪", ["CTOC/COP/WG.2/2031/2"]),
        # (b) follows the 文件 block of (a): a heading of its own, not a listed document.
        ("2.b", "非法贩运废物", ["CTOC/COP/WG.2/2031/2", "CTOC/COP/WG.2/2031/CRP.1"]),
        ("3", "通过报告", []),
    ]
    assert {row.agenda for row in rows} == {"provisional"}
    assert [f.check for f in ctx.findings if f.check.startswith("agenda")] == []


ADOPTED_BY_OTHER_WORDINGS = """\
2031年10月12日至16日在维也纳举行的联合国打击跨国有组织犯罪公约缔约方会议第十六届会议的报告

一. 会议安排

1.缔约方会议在2031年10月12日第1次会议上通过了 CTOC/COP/2031/1 号文件所载的下列议程：

1.会议开幕。

2.通过议程。

3.通过报告。

2.工作组在第1次会议上以协商一致方式通过了经扩大主席团核可的以下议程：

1.组织事项。

2.其他事项。
"""


def test_adopted_agenda_introduced_by_other_wordings(context_from_text):
    ctx = context_from_text(
        ADOPTED_BY_OTHER_WORDINGS, "CTOC_COP_2031_10.zh.txt", kind="meeting_report"
    )
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("adopted", "1", "会议开幕"),
        ("adopted", "2", "通过议程"),
        ("adopted", "3", "通过报告"),
    ]


ADOPTED_WITH_A_FURTHER_CLAUSE = """\
 C. 通过议程和工作安排

21.工作组在2031年6月26日第1次会议上通过了以下议程，并核准了工作安排：

    1. 组织事项：

    (a) 会议开幕；

    (b) 通过议程和工作安排。

    2. 其他事项。

 D. 出席情况

22.下列缔约国出席了会议：挪威。
"""


def test_an_adoption_sentence_with_a_further_clause_introduces_the_agenda(context_from_text):
    ctx = context_from_text(
        ADOPTED_WITH_A_FURTHER_CLAUSE, "CTOC_COP_WG.3_2031_4.zh.txt", kind="meeting_report"
    )
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("adopted", "1", "组织事项"),
        ("adopted", "1.a", "会议开幕"),
        ("adopted", "1.b", "通过议程和工作安排"),
        ("adopted", "2", "其他事项"),
    ]


NEXT_AGENDA_AS_DECISION = """\
一. 缔约方会议通过的决定

1.缔约方会议通过了下列决定：

第13/1号决定

缔约方会议第十四届会议临时议程

  缔约方会议核准下列议程作为其第十四届会议的临时议程：
  1.组织事项：
    (a) 会议开幕；
    (b) 通过议程。
  2.技术援助。
  3.通过缔约方会议第十四届会议的报告。

二. 会议安排

2.缔约方会议第十三届会议于2034年10月在维也纳举行。
"""


def test_next_session_agenda_approved_by_a_decision(context_from_text):
    ctx = context_from_text(
        NEXT_AGENDA_AS_DECISION, "CTOC_COP_2034_10.zh.txt", kind="meeting_report"
    )
    rows = extract_agenda_items(ctx)
    assert [(row.agenda, row.item, row.title) for row in rows] == [
        ("provisional_next_session", "1", "组织事项"),
        ("provisional_next_session", "1.a", "会议开幕"),
        ("provisional_next_session", "1.b", "通过议程"),
        ("provisional_next_session", "2", "技术援助"),
        ("provisional_next_session", "3", "通过缔约方会议第十四届会议的报告"),
    ]
