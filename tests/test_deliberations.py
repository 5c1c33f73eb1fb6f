"""Tests for the Secretariat's annotations of agenda items (agenda.annotation_texts)
and for the agenda item each report paragraph was discussed under
(pipeline.document.extract.deliberations)."""

from __future__ import annotations

from pipeline.document.driver import _paragraph_rows
from pipeline.document.extract.agenda import annotate_agenda_items, extract_agenda_items
from pipeline.document.extract.deliberations import assign_agenda_items, considered_item
from tests.conftest import AGENDA_WG7, REPORT_WG7

ANNOTATED_AGENDA = """\
  临时议程说明

  临时议程

1. 组织事项：

 (a) 会议开幕；

 (b) 通过议程和工作安排。

2. 审议示范法草案。

3. 通过报告。

  说明

 1. 组织事项

 (a) 会议开幕

工作组第九届会议将于 2031 年 5 月 6 日开幕。

 (b) 通过议程和工作安排

工作组将审议临时议程。

 2. 审议示范法草案

大会在第 99/1 号决议中请秘书处编写示范法草案。


为审议议程项目 2，工作组将收到示范法草案。

  文件

示范法草案（CTOC/COP/WG.9/2031/2）

 3. 通过报告

工作组将通过会议报告。
"""

REPORT = """\
  会议报告

 一. 导言

1. 工作组于 2031 年 5 月 6 日至 8 日举行了会议。

 二. 审议情况概要

2. 工作组在 2031 年 5 月 6 日第 1 次会议上审议了题为“审议示范法草案”的议程项目 2。

3. 发言者欢迎草案。


审议情况

4. 许多发言者提出了修改意见。


其他事项

5. 未提出其他事项。

 三. 会议安排

 A. 通过议程和工作安排

6. 工作组在第 1 次会议上通过了以下议程：

 1. 组织事项：

  (a) 会议开幕；

  (b) 通过议程和工作安排。

 2. 审议示范法草案。

 3. 其他事项。

 4. 通过报告。

 B. 出席情况

7. 以下国家出席了会议：挪威。

 四. 通过报告

8. 工作组于 2031 年 5 月 8 日通过了本报告。
"""


def annotations(ctx) -> dict[str, str | None]:
    rows = annotate_agenda_items(ctx, extract_agenda_items(ctx))
    return {row.item: row.annotation for row in rows if row.agenda == "provisional"}


def test_annotation_is_the_text_under_the_item_heading_without_its_documents(context_from_text):
    ctx = context_from_text(ANNOTATED_AGENDA, kind="provisional_agenda")
    assert annotations(ctx) == {
        "1": None,
        "1.a": "工作组第九届会议将于 2031 年 5 月 6 日开幕。",
        "1.b": "工作组将审议临时议程。",
        "2": "大会在第 99/1 号决议中请秘书处编写示范法草案。\n为审议议程项目 2，工作组将收到示范法草案。",
        "3": "工作组将通过会议报告。",
    }


def test_wg7_annotation_of_item_2_begins_with_resolution_8_2(context_of):
    text = annotations(context_of(AGENDA_WG7))["2"]
    assert text.startswith("缔约方会议在第 8/2 号决议中决定")
    assert "调查问卷草案" in text
    assert "CTOC/COP/WG.7/2017/2）。" not in text  # the 文件 list stays out


def test_considered_item_reads_the_item_number_and_letter():
    assert (
        considered_item("工作组在 2017 年 9 月 11 日和 12 日第 2 和第 3 次会议上审议了议程项目 2，")
        == "2"
    )
    assert considered_item("缔约方会议审议了题为“组织事项：一般性讨论”的议程项目 1(f)。") == "1.f"
    assert considered_item("缔约方会议审议了议程项目\u30002（ａ），其标题为") == "2.a"
    assert considered_item("为审议议程项目 2，工作组将收到") is None


def items_by_number(ctx) -> dict[int | None, str | None]:
    agenda = extract_agenda_items(ctx)
    rows = assign_agenda_items(ctx, _paragraph_rows(ctx), agenda)
    return {row.number: row.agenda_item for row in rows if row.kind == "paragraph"}


def test_report_paragraphs_fall_under_the_item_their_heading_or_sentence_names(
    context_from_text,
):
    ctx = context_from_text(REPORT, kind="meeting_report")
    assert items_by_number(ctx) == {
        1: None,
        2: "2",
        3: "2",
        4: "2",  # an unnumbered heading inside the item's chapter stays under it
        5: "3",  # 其他事项 is item 3's title
        6: "1.b",
        7: None,
        8: "4",
    }


def test_wg7_report_deliberations(context_of):
    found = items_by_number(context_of(REPORT_WG7))
    assert [found[n] for n in range(6, 16)] == [None, *["2"] * 6, "5", "5", "1.a"]


def test_an_agenda_has_no_deliberations(context_of):
    assert set(items_by_number(context_of(AGENDA_WG7)).values()) == {None}
