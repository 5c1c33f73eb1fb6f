"""Recommendations: the labelled form (建议 1) and the numbered-paragraph form."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.extract.recommendations import (
    extract_recommendations,
    is_recommendations_title,
)
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, REPORT_COP6, REPORT_WG7, build_context

FAST = settings(max_examples=50, deadline=None)

GROUP_A = "关于特定议题的建议"
TOPIC_1 = "利用《有组织犯罪公约》应对与偷运移民有关的挑战"
TOPIC_2 = "审查偷运移民定义的“金钱和物质利益”方面"

# CTOC/COP/WG.7/2017/5, chapter 二: (number, group, topic, first line, text), the
# texts copied from the report with their line wraps joined.
WG7_2017_5 = [
    (
        1,
        "A",
        TOPIC_1,
        68,
        "鼓励缔约国加强实施《联合国打击跨国有组织犯罪公约》和《偷运移民议定书》，"
        "特别是针对腐败、洗钱和没收犯罪所得。",
    ),
    (
        2,
        "A",
        TOPIC_1,
        76,
        "鼓励缔约国加强努力，没收与偷运移民有关的犯罪所得，并鼓励缔约国处理偷运移"
        "民所得利润与其他形式犯罪所得利润之间的联系。",
    ),
    (
        3,
        "A",
        TOPIC_1,
        84,
        "鼓励缔约国建立机制，使各主管机关借以在国家、区域和国际层面迅速有效地分享"
        "偷运移民案件信息。",
    ),
    (
        4,
        "A",
        TOPIC_1,
        92,
        "缔约国应确保在对偷运者的调查和起诉中收集、分析和分享的数据来自广泛的来源，"
        "包括来自电话、计算机、录像、照片和电子邮件的数据，以及资金流动方面的数据。",
    ),
    (
        5,
        "A",
        TOPIC_1,
        100,
        "缔约国应确保已制订措施，为偷运移民案件的证据收集提供最佳便利，包括在整个"
        "调查和司法程序中给予证人特别保护。",
    ),
    (
        6,
        "A",
        TOPIC_1,
        108,
        "缔约国在打击偷运移民时，应寻求通过提供技术援助等途径培训从业人员利用正式"
        "和非正式的法律合作，包括需要时利用《联合国打击跨国有组织犯罪公约》作为引"
        "渡和司法协助的法律依据。",
    ),
    (
        7,
        "A",
        TOPIC_1,
        118,
        "鼓励缔约国在打击偷运移民时根据本国法律通过双边或多边协定建立联合调查小"
        "组并利用特殊侦查手段。",
    ),
    (
        8,
        "A",
        TOPIC_1,
        126,
        "缔约国应最大限度地利用《联合国打击跨国有组织犯罪公约》的国际合作条款，例"
        "如应被视为对关于没收和扣押的第十二条予以加强的关于没收事宜国际合作的第"
        "十三条，以促进开展国际合作没收无论何处发现的相关资产。",
    ),
    (
        9,
        "A",
        TOPIC_1,
        133,
        "鼓励缔约国充分利用司法协助工具，注意到非正式双边协商已证明能有效促进提供"
        "援助，特别是促进对关于证据和其他援助的请求作出迅速回应。",
    ),
    (
        10,
        "A",
        TOPIC_1,
        141,
        "缔约国应确保遵守《偷运移民议定书》的要求，向秘书长通知所指定的国家主管机"
        "关以协助查明从事海上偷运移民的船只，并酌情考虑订立双边协定以促进在海上行"
        "动时开展快速实时的协调与合作。",
    ),
    (
        11,
        "A",
        TOPIC_1,
        151,
        "缔约国应根据本国立法和《议定书》确保从事空中、陆地和海上运营的商业承运人"
        "认识到其作为承运人的责任以及偷运移民的风险和后果。",
    ),
    (
        12,
        "A",
        TOPIC_1,
        159,
        # Printed without a full stop; the next numbered topic heading must not
        # run into it.
        "铭记建议 11，缔约国还应考虑采取可对未从事可能被滥用于偷运移民的客运的其他"
        "商业实体适用的提高认识措施",
    ),
    (
        13,
        "A",
        TOPIC_2,
        171,
        "考虑到金钱和物质利益是《偷运移民议定书》所列国际定义范围内的偷运移民之目"
        "的，而且往往是移民的生命处于风险之中的原因，因此缔约国应酌情优先调查和起"
        "诉有明显经济利益的偷运移民案件。",
    ),
    (
        14,
        "A",
        TOPIC_2,
        181,
        "缔约国应努力提高对跟踪偷运移民案件方面资金流的重要性的认识。",
    ),
    (
        15,
        "B",
        None,
        191,
        "缔约国应确保遵守其根据第 18 条负有的义务，包括寻求确保，对于在返还时系本"
        "国国民或拥有在本国境内永久居留的法定权利的被偷运移民，便利和接受该人的返"
        "还，而不应有不适当或不合理的迟延。",
    ),
]


def test_all_fifteen_recommendations_of_wg7_2017_5(context_of) -> None:
    rows = extract_recommendations(context_of(REPORT_WG7))
    assert [(row.number, row.group, row.topic_title, row.line_start, row.text) for row in rows] == [
        (n, group, topic, line, text) for n, group, topic, line, text in WG7_2017_5
    ]
    assert [row.rec_id for row in rows] == [f"CTOC/COP/WG.7/2017/5#{n}" for n in range(1, 16)]
    assert {row.doc_id for row in rows} == {"CTOC/COP/WG.7/2017/5"}
    assert {row.group_title for row in rows[:14]} == {GROUP_A}
    assert rows[14].group_title == "一般性建议"
    assert all(row.paragraph_number is None for row in rows)


def test_wg7_2017_5_text_ends_before_the_next_heading(context_of) -> None:
    rows = extract_recommendations(context_of(REPORT_WG7))
    # 建议 12 ends at line 163, the heading "2. 审查…" is line 167.
    assert (rows[11].line_start, rows[11].line_end) == (159, 163)
    assert rows[14].line_end == 197
    assert not any("审议情况概要" in row.text or "建议 " in row.text[:4] for row in rows)


def test_wg7_2017_5_findings() -> None:
    ctx = build_context(REPORT_WG7)
    extract_recommendations(ctx)
    assert [(f.check, f.line) for f in ctx.findings] == [("recommendation_unterminated", 159)]


def test_documents_without_recommendations(context_of) -> None:
    for path in (INDEX, AGENDA_WG7, AGENDA_WG4, REPORT_COP6):
        assert extract_recommendations(context_of(path)) == []


# A 2013 report of another working group whose recommendations are numbered
# paragraphs of chapter 二, digits printed without spaces.
PARAGRAPH_FORM = """CTOC/COP/WG.3/2013/5

2013年10月7日至9日在维也纳举行的国际合作问题工作组会议报告

一.导言
1.国际合作问题工作组第四次会议于2013年10月7日至9日在维也纳举行。
2.会议由工作组主席主持。
二.建议
3.工作组在会议上通过了以下建议：
A.关于中央主管机关的建议
4.缔约国应确保其中央主管机关拥有处理司法协助请求所需的充分资源。
5.缔约国应：
(a)指定负责引渡事项的联络人；
(b)公布其中央主管机关的联系方式；
(c)定期更新在线名录中的信息。
B.一般性建议
6.秘书处应继续开发用于拟订司法协助请求的工具。
三.审议情况概要
7.工作组在2013年10月7日第1次会议上审议了议程项目2。
"""


def test_paragraph_form(context_from_text) -> None:
    ctx = context_from_text(PARAGRAPH_FORM, "CTOC_COP_WG.3_2013_5.zh.txt")
    rows = extract_recommendations(ctx)
    assert [(r.rec_id, r.number, r.paragraph_number, r.group) for r in rows] == [
        ("CTOC/COP/WG.3/2013/5#1", 1, 4, "A"),
        ("CTOC/COP/WG.3/2013/5#2", 2, 5, "A"),
        ("CTOC/COP/WG.3/2013/5#3", 3, 6, "B"),
    ]
    assert rows[0].group_title == "关于中央主管机关的建议"
    assert rows[2].group_title == "一般性建议"
    # Sub-items are part of the text, labels kept, joined with nothing between them.
    assert rows[1].text == (
        "缔约国应：(a) 指定负责引渡事项的联络人；(b) 公布其中央主管机关的联系方式；"
        "(c) 定期更新在线名录中的信息。"
    )
    assert (rows[1].line_start, rows[1].line_end) == (12, 15)
    assert rows[2].text == "秘书处应继续开发用于拟订司法协助请求的工具。"
    assert ctx.findings == []


# A 2021 report of the trafficking working group, labels printed without a
# space, one recommendation broken by a page (footer and running symbol), a
# numbering gap and a repeated label.
LABELLED_FORM = """CTOC/COP/WG.4/2021/4

2021年7月5日至7日在维也纳举行的贩运人口问题工作组会议报告

一.建议
1.贩运人口问题工作组在2021年7月5日至7日举行的会议上通过了下述建议。
A.关于特定议题的建议
1.贩运人口案件中的受害人识别
建议1
缔约国应加强努力，确保执法人员、劳动监察员、社会工作者和卫生工作者接受适当培训，
以便及早识别贩运人口的受害人并将其转介至适当的服务机构。
建议2
缔约国应考虑制定国家转介机制，明确各机构在受害人识别和援助方面的职责分工，并确

V.21-04567 3/9

CTOC/COP/WG.4/2021/4

保有关机制得到充分资源
建议4
缔约国应：
(a)收集按性别和年龄分列的数据；
(b)与民间社会合作。
2.网络技术的滥用
建议5
鼓励缔约国与私营部门合作，防止网络平台被滥用于招募贩运人口的受害人。
B.一般性建议
建议5
秘书处应继续编写关于贩运人口问题的专题文件。
二.审议情况概要
2.工作组审议了议程项目2。
"""


def test_labelled_form_other_body_and_year(context_from_text) -> None:
    ctx = context_from_text(LABELLED_FORM, "CTOC_COP_WG.4_2021_4.zh.txt")
    rows = extract_recommendations(ctx)
    assert [(r.number, r.group, r.topic_title) for r in rows] == [
        (1, "A", "贩运人口案件中的受害人识别"),
        (2, "A", "贩运人口案件中的受害人识别"),
        (4, "A", "贩运人口案件中的受害人识别"),
        (5, "A", "网络技术的滥用"),
        (6, "B", None),
    ]
    assert rows[0].text == (
        "缔约国应加强努力，确保执法人员、劳动监察员、社会工作者和卫生工作者接受适当培训，"
        "以便及早识别贩运人口的受害人并将其转介至适当的服务机构。"
    )
    # Joined across the page break; the tail looked like a title to the segmenter.
    assert rows[1].text == (
        "缔约国应考虑制定国家转介机制，明确各机构在受害人识别和援助方面的职责分工，"
        "并确保有关机制得到充分资源"
    )
    assert (rows[1].line_start, rows[1].line_end) == (12, 19)
    assert rows[2].text == "缔约国应：(a) 收集按性别和年龄分列的数据；(b) 与民间社会合作。"
    assert rows[4].text == "秘书处应继续编写关于贩运人口问题的专题文件。"
    checks = [(f.check, f.line, f.message) for f in ctx.findings]
    assert (
        "recommendation_sequence",
        20,
        "recommendation numbers gap: 2 is followed by 4 (expected 3)",
    ) in checks
    assert (
        "recommendation_sequence",
        28,
        "recommendation number 5 repeated after 5; numbered 6 by its position",
    ) in checks
    assert ("recommendation_unterminated", 12) in [(c, line) for c, line, _ in checks]


def test_unresolvable_repeat_is_reported_not_kept(context_from_text) -> None:
    text = (
        "一.建议\n建议1\n缔约国应采取措施甲。\n建议2\n缔约国应采取措施乙。\n"
        "建议1\n缔约国应采取措施丙。\n建议3\n缔约国应采取措施丁。\n"
    )
    ctx = context_from_text(text, "CTOC_COP_WG.2_2030_3.zh.txt")
    rows = extract_recommendations(ctx)
    assert [(r.number, r.text) for r in rows] == [
        (1, "缔约国应采取措施甲。"),
        (2, "缔约国应采取措施乙。"),
        (3, "缔约国应采取措施丁。"),
    ]
    [finding] = ctx.findings
    assert finding.check == "recommendation_sequence"
    assert "repeated" in finding.message
    assert finding.evidence == "缔约国应采取措施丙。"


def test_recommendation_titles() -> None:
    for title in ("建议", "工作组通过的建议", "关于特定议题的建议", "结论和建议", "建 议"):
        assert is_recommendations_title(title), title
    for title in ("导言", "审议情况概要", "建议的执行情况", "会议安排"):
        assert not is_recommendations_title(title), title


@FAST
@given(st.text(alphabet="缔约国应采取措施加强合作", min_size=1, max_size=20))
def test_titles_ending_in_de_jianyi_are_recommendation_titles(prefix: str) -> None:
    assert is_recommendations_title(f"{prefix}的建议")
    assert not is_recommendations_title(f"{prefix}的建议执行情况")


# Recommendations printed as lettered items under a lead-in paragraph.
LETTERED_FORM = """CTOC/COP/WG.3/2032/5

2032年5月27日至29日在维也纳举行的国际合作问题工作组会议报告

一.导言

1.国际合作问题工作组第十三次会议于2032年5月27日至29日在维也纳举行。

二.建议

2.工作组通过了下述建议：

(a)缔约国应审查本国关于获取电子证据的立法；

(b)缔约国应考虑指定一个全天候联络点：

㈠负责处理紧急请求；

㈡并通报秘书处；

(c)秘书处应继续组织区域讲习班。

三.会议概要

3.工作组审议了议程项目2。
"""


def test_lettered_items_under_a_lead_in_are_recommendations(context_from_text) -> None:
    ctx = context_from_text(LETTERED_FORM, "CTOC_COP_WG.3_2032_5.zh.txt")
    rows = extract_recommendations(ctx)
    assert [(r.rec_id, r.number, r.label, r.paragraph_number, r.group, r.text) for r in rows] == [
        ("CTOC/COP/WG.3/2032/5#1", 1, "a", None, None, "缔约国应审查本国关于获取电子证据的立法；"),
        (
            "CTOC/COP/WG.3/2032/5#2",
            2,
            "b",
            None,
            None,
            "缔约国应考虑指定一个全天候联络点：㈠ 负责处理紧急请求；㈡ 并通报秘书处；",
        ),
        ("CTOC/COP/WG.3/2032/5#3", 3, "c", None, None, "秘书处应继续组织区域讲习班。"),
    ]


# 建议 N printed compactly on a page whose footnote 1 could be taken for its number.
COMPACT_LABELS = """CTOC/COP/WG.6/2032/5

2032年5月10日至12日在维也纳举行的枪支问题工作组会议报告

一. 建议

1. 工作组通过了以下建议。

A. 关于特定议题的建议

建议1

鼓励缔约国建立枪支问题协调机构1。

建议2

缔约国应保存枪支记录。

__________________

1 见 CTOC/COP/WG.6/2031/2。

二. 会议概要

2. 工作组审议了议程项目2。
"""


def test_compact_label_is_the_recommendation_number(context_from_text) -> None:
    ctx = context_from_text(COMPACT_LABELS, "CTOC_COP_WG.6_2032_5.zh.txt")
    rows = extract_recommendations(ctx)
    assert [(r.number, r.group, r.text) for r in rows] == [
        (1, "A", "鼓励缔约国建立枪支问题协调机构。"),
        (2, "A", "缔约国应保存枪支记录。"),
    ]
    assert [f.check for f in ctx.findings] == []


EMPTY_CHAPTER = """CTOC/COP/WG.2/2032/4

2032年10月19日在维也纳举行的技术援助问题工作组会议报告

一. 建议

工作组未能就建议达成一致意见。

二. 会议概要

1. 工作组审议了议程项目2。
"""


def test_a_recommendations_chapter_without_recommendations_is_a_warning(context_from_text):
    ctx = context_from_text(EMPTY_CHAPTER, "CTOC_COP_WG.2_2032_4.zh.txt")
    assert extract_recommendations(ctx) == []
    assert [(f.check, f.severity, f.line) for f in ctx.findings] == [
        ("recommendations_not_found", "warning", 5)
    ]
