"""Resolutions and decisions of a COP report → resolution_paragraphs rows."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.extract.resolutions import (
    extract_resolution_paragraphs,
    instrument_heading,
    load_vocabulary,
)
from pipeline.records import ResolutionParagraphRow
from pipeline.schema import TABLES
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, REPORT_COP6, REPORT_WG7, build_context

Rows = list[ResolutionParagraphRow]


@functools.cache
def _cop6() -> tuple[Rows, tuple]:
    ctx = build_context(REPORT_COP6)
    rows = extract_resolution_paragraphs(ctx)
    return rows, tuple(ctx.findings)


def _of(rows: Rows, instrument: str, number: str) -> Rows:
    return [row for row in rows if (row.instrument, row.instrument_number) == (instrument, number)]


def _by_ref(rows: Rows, instrument: str, number: str) -> dict[str, ResolutionParagraphRow]:
    return {row.ref: row for row in _of(rows, instrument, number)}


def _count(rows: Rows, prefix: str) -> int:
    """Top-level paragraphs under ``prefix`` (``pp`` or ``op``): op.9 counts, op.9.a not."""
    return sum(1 for row in rows if row.ref.startswith(prefix + ".") and row.ref.count(".") == 1)


# --- the real report: CTOC/COP/2012/15 --------------------------------------------


def test_every_instrument_with_number_and_title() -> None:
    rows, _ = _cop6()
    instruments = list(
        dict.fromkeys((r.instrument, r.instrument_number, r.instrument_title) for r in rows)
    )
    assert instruments == [
        ("resolution", "6/1", "确保有效实施《联合国打击跨国有组织犯罪公约》及其各项议定书"),
        (
            "resolution",
            "6/2",
            "促进加入和实施《联合国打击跨国有组织犯罪公约关于打击非法制造和"
            "贩运枪支及其零部件和弹药的补充议定书》",
        ),
        (
            "resolution",
            "6/3",
            "执行《联合国打击跨国有组织犯罪公约关于打击陆、海、空偷运移民的补充议定书》",
        ),
        ("resolution", "6/4", "执行《联合国打击跨国有组织犯罪公约》的技术援助规定"),
        ("decision", "6/1", "《联合国打击跨国有组织犯罪公约》缔约方会议第七届会议临时议程"),
        ("decision", "6/2", "《联合国打击跨国有组织犯罪公约》缔约方会议第七届会议工作安排"),
        ("decision", "6/3", "《联合国打击跨国有组织犯罪公约》缔约方会议今后届会的工作安排"),
    ]
    assert len(rows) == 148


def test_counts_of_preambular_and_operative_paragraphs() -> None:
    rows, _ = _cop6()
    counted = {
        (instrument, number): (_count(part, "pp"), _count(part, "op"), len(part))
        for instrument, number in {(r.instrument, r.instrument_number) for r in rows}
        for part in [_of(rows, instrument, number)]
    }
    # (pp, top-level op, all rows including the formula, sub-paragraphs and annex)
    assert counted == {
        ("resolution", "6/1"): (17, 21, 39),
        ("resolution", "6/2"): (12, 15, 28),
        ("resolution", "6/3"): (7, 22, 33),
        ("resolution", "6/4"): (2, 2, 21),
        ("decision", "6/1"): (0, 0, 21),
        ("decision", "6/2"): (0, 2, 3),
        ("decision", "6/3"): (0, 2, 3),
    }


def test_refs_in_order_and_parts() -> None:
    rows, _ = _cop6()
    res3 = [row.ref for row in _of(rows, "resolution", "6/3")]
    assert res3[: res3.index("op.1")] == ["formula"] + [f"pp.{n}" for n in range(1, 8)]
    assert res3[res3.index("op.9") : res3.index("op.10") + 1] == [
        "op.9",
        "op.9.a",
        "op.9.b",
        "op.9.c",
        "op.10",
    ]
    annex = [(row.part, row.ref) for row in _of(rows, "resolution", "6/4") if row.part == "annex"]
    assert [ref for _, ref in annex] == [
        "annex.title",
        "annex.formula",
        "annex.a",
        "annex.a.i",
        "annex.a.ii",
        "annex.a.iii",
        "annex.b",
        "annex.b.i",
        "annex.b.ii",
        "annex.b.iii",
        "annex.b.iv",
        "annex.b.v",
        "annex.c",
        "annex.c.i",
        "annex.c.ii",
        "annex.d",
    ]
    parts = {row.ref: row.part for row in _of(rows, "resolution", "6/1")}
    assert (parts["formula"], parts["pp.17"], parts["op.21"]) == (
        "preamble",
        "preamble",
        "operative",
    )


def test_lettered_decisions_and_the_adopted_agenda() -> None:
    rows, _ = _cop6()
    assert [r.ref for r in _of(rows, "decision", "6/2")] == ["formula", "op.a", "op.b"]
    assert [r.ref for r in _of(rows, "decision", "6/3")] == ["formula", "op.a", "op.b"]
    agenda = _of(rows, "decision", "6/1")
    assert [r.ref for r in agenda][:4] == ["formula", "annex.title", "annex.1", "annex.1.a"]
    assert [r.ref for r in agenda][-3:] == ["annex.7", "annex.8", "annex.9"]
    assert {r.part for r in agenda[1:]} == {"annex"}
    by_ref = {r.ref: r for r in agenda}
    assert by_ref["formula"].text == (
        "《联合国打击跨国有组织犯罪公约》缔约方会议核准缔约方会议第七届会议临时议程如下。"
    )
    assert (
        by_ref["annex.title"].text == "《联合国打击跨国有组织犯罪公约》缔约方会议第七届会议临时议程"
    )
    assert by_ref["annex.1.f"].text == "一般性讨论。"
    # Item 1 (d) sits after a page break and a footnote block.
    assert by_ref["annex.1.d"].text == "与会事宜；"
    assert by_ref["annex.9"].text == "通过缔约方会议第七届会议的报告。"


def test_exact_texts_and_footnotes() -> None:
    rows, _ = _cop6()
    res1 = _by_ref(rows, "resolution", "6/1")
    assert res1["formula"].text == "《联合国打击跨国有组织犯罪公约》缔约方会议，"
    assert res1["pp.2"].text == (
        "铭记促进普遍批准和充分实施《联合国打击跨国有组织犯罪公约》及其各项议定书的重要性，"
    )
    assert res1["pp.2"].footnote_refs == [1]
    # Interrupted by a page's footnote block after "实": joined whole.
    assert res1["pp.9"].text == (
        "确认在联合国法治活动框架内并鉴于 2015 年后联合国发展议程的拟订，"
        "实施《公约》及其各项议定书有其相关意义，"
    )
    assert res1["op.1"].text == (
        "赞赏地注意到，《联合国打击跨国有组织犯罪公约》缔约方数目已经达到一百七十二个，"
        "再次吁请尚未批准或加入的会员国考虑批准或加入《公约》及其各项议定书，"
        "并促请缔约国充分实施《公约》及其各项议定书；"
    )
    assert res1["op.1"].footnote_refs == [3, 4]
    assert res1["op.4"].text.endswith(
        "继续开展活动加强对关于有组织犯罪趋势和形态的准确可靠的可比数据的收集、分析和报告；"
    )
    assert res1["op.12"].footnote_refs == [5, 6]
    assert res1["op.21"].text == "请会员国及其他捐助方根据联合国的规则和程序提供预算外资源。"
    assert (res1["op.21"].line_start, res1["op.21"].line_end) == (266, 266)
    res2 = _by_ref(rows, "resolution", "6/2")
    # Sub-paragraphs printed inside the sentence stay in their paragraph.
    assert "(a)联合国毒品和犯罪问题办公室" in res2["op.12"].text
    assert res2["pp.8"].footnote_refs == [11, 12]
    res3 = _by_ref(rows, "resolution", "6/3")
    assert res3["op.9"].text == "还促请各缔约国："
    assert res3["op.9.c"].text.startswith("确保适当情况下在调查和起诉偷运移民行为时")
    res4 = _by_ref(rows, "resolution", "6/4")
    assert res4["annex.title"].text == (
        "2012 年 10 月 17 日举行的技术援助问题政府专家工作组会议通过的建议"
    )
    assert res4["annex.formula"].text == "技术援助问题政府专家工作组："
    assert res4["annex.b.iii"].text == (
        "为检察官以及司法和执法机构成员制定能力建设方案，包括加强机构间合作与协调；"
    )
    assert res4["annex.b.v"].footnote_refs == [23]
    assert res4["op.2"].text.endswith("缔约方会议决定该工作组应成为缔约方会议的一个常设组成部分。")
    dec2 = _by_ref(rows, "decision", "6/2")
    assert dec2["op.a"].text.startswith("决定缔约方会议第七届会议应当举行五个工作日；")


def test_two_preambular_paragraphs_on_either_side_of_a_page_break() -> None:
    rows, findings = _cop6()
    res3 = _by_ref(rows, "resolution", "6/3")
    assert res3["pp.4"].text == (
        "强调《偷运移民议定书》对《公约》起补充作用，"
        "《议定书》的有效实施部分取决于各缔约国履行其在《公约》下的法律义务，"
    )
    assert res3["pp.5"].text == (
        "承认各区域举措最近为打击偷运移民所做的工作，其中包括 2011 年 3 月在"
        "印度尼西亚巴厘岛举行的打击偷渡、贩运人口及相关跨国犯罪问题巴厘岛第四"
        "次区域部长级会议，"
    )
    assert (res3["pp.5"].line_start, res3["pp.5"].line_end) == (495, 499)
    assert res3["pp.4"].seq + 1 == res3["pp.5"].seq
    assert [f.check for f in findings if f.check.startswith("resolution")] == []


def test_rows_carry_provenance_and_unique_keys() -> None:
    rows, _ = _cop6()
    keys = [(r.doc_id, r.instrument, r.instrument_number, r.ref) for r in rows]
    assert len(keys) == len(set(keys))
    assert {r.doc_id for r in rows} == {"CTOC/COP/2012/15"}
    assert all(0 < r.line_start <= r.line_end and r.seq > 0 for r in rows)
    assert {r.part for r in rows} == {"preamble", "operative", "annex"}
    names = [column.name for column in TABLES["resolution_paragraphs"].columns]
    assert names[: len(ResolutionParagraphRow.__slots__)] == list(ResolutionParagraphRow.__slots__)


def test_documents_without_instruments_give_nothing() -> None:
    for path in (INDEX, AGENDA_WG7, REPORT_WG7, AGENDA_WG4):
        assert extract_resolution_paragraphs(build_context(path)) == []


# --- documents written here: other sessions, digits without spaces -----------------

NINTH_SESSION = """\
一.缔约方会议通过的决议和决定
A.决议
1.《联合国打击跨国有组织犯罪公约》缔约方会议在2018年10月15日至19日于维也纳举行的第九届会议上通过了下列决议：
第9/1号决议
加强打击网络犯罪的国际合作
《联合国打击跨国有组织犯罪公约》缔约方会议，
回顾其2016年10月21日第8/2号决议，
注意到各国在收集电子证据方面面临的挑战，
欢迎秘书处编写的研究报告，
1.请各缔约国加强合作；
2.鼓励各缔约国：
(a)交流良好做法，包括：
㈠立法；
㈡判例；
(b)提供技术援助；
4.请秘书处向第十届会议提交报告。
第 9/2 号决议
审议机制
《联合国打击跨国有组织犯罪公约》缔约方会议，
1.通过载于本决议附件的程序和规则；
附件
审议机制的程序和规则
1.审议应当透明、高效；
2.各缔约国应当：
(a)指定联络人；
(b)提供资料。
B.决定
2.《联合国打击跨国有组织犯罪公约》缔约方会议在2018年10月15日至19日于维也纳举行的第九届会议上通过了下列决定：
第9/1号决定
缔约方会议第十届会议的会期
《联合国打击跨国有组织犯罪公约》缔约方会议决定：
(a)第十届会议应当举行五个工作日；
(b)第十一届会议的会期应在第十届会议上决定。
二.组织事项
3.缔约方会议于2018年10月15日至19日在维也纳举行了第九届会议。
"""


def test_another_session_without_spaces(context_from_text) -> None:
    ctx = context_from_text(NINTH_SESSION, "CTOC_COP_2018_13.zh.txt")
    rows = extract_resolution_paragraphs(ctx)
    got = [(r.instrument, r.instrument_number, r.part, r.ref, r.text) for r in rows]
    assert got == [
        (
            "resolution",
            "9/1",
            "preamble",
            "formula",
            "《联合国打击跨国有组织犯罪公约》缔约方会议，",
        ),
        ("resolution", "9/1", "preamble", "pp.1", "回顾其2016年10月21日第8/2号决议，"),
        ("resolution", "9/1", "preamble", "pp.2", "注意到各国在收集电子证据方面面临的挑战，"),
        ("resolution", "9/1", "preamble", "pp.3", "欢迎秘书处编写的研究报告，"),
        ("resolution", "9/1", "operative", "op.1", "请各缔约国加强合作；"),
        ("resolution", "9/1", "operative", "op.2", "鼓励各缔约国："),
        ("resolution", "9/1", "operative", "op.2.a", "交流良好做法，包括："),
        ("resolution", "9/1", "operative", "op.2.a.i", "立法；"),
        ("resolution", "9/1", "operative", "op.2.a.ii", "判例；"),
        ("resolution", "9/1", "operative", "op.2.b", "提供技术援助；"),
        ("resolution", "9/1", "operative", "op.4", "请秘书处向第十届会议提交报告。"),
        (
            "resolution",
            "9/2",
            "preamble",
            "formula",
            "《联合国打击跨国有组织犯罪公约》缔约方会议，",
        ),
        ("resolution", "9/2", "operative", "op.1", "通过载于本决议附件的程序和规则；"),
        ("resolution", "9/2", "annex", "annex.title", "审议机制的程序和规则"),
        ("resolution", "9/2", "annex", "annex.1", "审议应当透明、高效；"),
        ("resolution", "9/2", "annex", "annex.2", "各缔约国应当："),
        ("resolution", "9/2", "annex", "annex.2.a", "指定联络人；"),
        ("resolution", "9/2", "annex", "annex.2.b", "提供资料。"),
        (
            "decision",
            "9/1",
            "preamble",
            "formula",
            "《联合国打击跨国有组织犯罪公约》缔约方会议决定：",
        ),
        ("decision", "9/1", "operative", "op.a", "第十届会议应当举行五个工作日；"),
        ("decision", "9/1", "operative", "op.b", "第十一届会议的会期应在第十届会议上决定。"),
    ]
    assert {r.instrument_title for r in rows if r.instrument_number == "9/1"} == {
        "加强打击网络犯罪的国际合作",
        "缔约方会议第十届会议的会期",
    }
    assert {r.doc_id for r in rows} == {"CTOC/COP/2018/13"}
    # Operative paragraph 3 is missing: a warning names the numbers on either side.
    sequence = [f for f in ctx.findings if f.check == "resolution_sequence"]
    assert len(sequence) == 1
    assert "4 follows 2" in sequence[0].message
    assert sequence[0].severity == "warning" and sequence[0].line == 16


TENTH_SESSION = """\
一.缔约方会议通过的决议和决定

1.《联合国打击跨国有组织犯罪公约》缔约方会议在2020年10月12日至16日于维
也纳举行的第十届会议上通过了下列决议：

第10/3号决议

关于审议《联合国打击跨国有组织犯罪公约》及其各项议定书实施情况的机
制的补充规定

 缔约方会议，

 1.决定采用载于本决议附件一和附件二的规定，并请秘书处在第十一届会议上
就规定的执行情况提出报告；

附件一

一般规定

 各缔约国：

 (a)应当指定一名联络人，负责与秘书处和其他缔约国就审议事项进行联络；

 (b)应当在秘书处规定的期限内及时答复自评调查表；

 有关费用由经常预算承担。

附件二

特别规定

 1.秘书处应当编写报告。

2.《联合国打击跨国有组织犯罪公约》缔约方会议在2020年10月12日至16日于维
也纳举行的第十届会议上通过了下列决定：

第10/1号决定

第十一届会议临时议程

 缔约方会议核准第十一届会议临时议程如下：

第十一届会议临时议程

1.组织事项：

 (a)选举主席团成员；

 (b)通过议程。

2.其他事项。

第10/2号决定

观察员

 缔约方会议，

 决定邀请在经济及社会理事会具有咨商地位的有关组织以观察员身份参加会议。

二.组织事项

3.缔约方会议于2020年10月12日至16日在维也纳举行了第十届会议，其间共举行了
10次会议。
"""


# Text extraction of an eleventh session: a compact heading, a preambular
# paragraph broken by a page foot (footnote block, job number, barcode, symbol
# line), a decision that approves the next session's agenda item by item.
ELEVENTH_SESSION = """\
一. 缔约方会议通过的决议和决定

A. 决议

1.缔约方会议第十一届会议通过了下列决议：

第11/4号决议

打击非法采矿

  缔约方会议，
  回顾其第10/2号决议，
  关切非法采矿日益由有组织犯罪集团实施，并往往与洗钱和腐败相关联，致使采矿
地区的社区遭受严重损害1，同时注意到若干国家在追查非法开采矿物的流向方面

__________________
1 见CTOC/COP/2022/6，第4段。

V.22-07777
*2207777*
CTOC/COP/2022/12

取得了进展，
  1.请缔约国交流追查矿物流向的做法；
  2.请秘书处报告本决议的执行情况。

B. 决定

2.缔约方会议还通过了下列决定：

第11/1号决定

缔约方会议第十二届会议临时议程

  缔约方会议核准下列议程作为其第十二届会议的临时议程：
  1.组织事项：
    (a) 会议开幕；
    (b) 通过议程。
  2.其他事项。

二. 会议安排

3.缔约方会议第十一届会议于2022年10月在维也纳举行。
"""


def test_preamble_across_a_page_foot_and_an_agenda_decision(context_from_text) -> None:
    ctx = context_from_text(ELEVENTH_SESSION, "CTOC_COP_2022_12.zh.txt")
    rows = extract_resolution_paragraphs(ctx)
    got = [(r.instrument, r.instrument_number, r.part, r.ref, r.text) for r in rows]
    assert got == [
        ("resolution", "11/4", "preamble", "formula", "缔约方会议，"),
        ("resolution", "11/4", "preamble", "pp.1", "回顾其第10/2号决议，"),
        (
            "resolution",
            "11/4",
            "preamble",
            "pp.2",
            "关切非法采矿日益由有组织犯罪集团实施，并往往与洗钱和腐败相关联，致使采矿"
            "地区的社区遭受严重损害，同时注意到若干国家在追查非法开采矿物的流向方面"
            "取得了进展，",
        ),
        ("resolution", "11/4", "operative", "op.1", "请缔约国交流追查矿物流向的做法；"),
        ("resolution", "11/4", "operative", "op.2", "请秘书处报告本决议的执行情况。"),
        (
            "decision",
            "11/1",
            "preamble",
            "formula",
            "缔约方会议核准下列议程作为其第十二届会议的临时议程：",
        ),
        ("decision", "11/1", "operative", "op.1", "组织事项："),
        ("decision", "11/1", "operative", "op.1.a", "会议开幕；"),
        ("decision", "11/1", "operative", "op.1.b", "通过议程。"),
        ("decision", "11/1", "operative", "op.2", "其他事项。"),
    ]
    assert rows[2].footnote_refs == [1]
    assert {r.instrument_title for r in rows} == {"打击非法采矿", "缔约方会议第十二届会议临时议程"}


def test_numbered_annexes_adopted_text_and_group_paragraph(context_from_text) -> None:
    ctx = context_from_text(TENTH_SESSION, "CTOC_COP_2020_15.zh.txt")
    rows = extract_resolution_paragraphs(ctx)
    res = _by_ref(rows, "resolution", "10/3")
    # A title printed on two lines; lead-in, wrap-up and numbered annexes.
    assert res["op.1"].instrument_title == (
        "关于审议《联合国打击跨国有组织犯罪公约》及其各项议定书实施情况的机制的补充规定"
    )
    assert list(res) == [
        "formula",
        "op.1",
        "annex.I.title",
        "annex.I.formula",
        "annex.I.a",
        "annex.I.b",
        "annex.II.title",
        "annex.II.1",
    ]
    assert (
        res["annex.I.b"].text
        == "应当在秘书处规定的期限内及时答复自评调查表；\n有关费用由经常预算承担。"
    )
    # The report's paragraph 2 ends resolution 10/3 even with no section heading.
    assert all("下列决定" not in row.text for row in rows)
    agenda = _by_ref(rows, "decision", "10/1")
    assert list(agenda) == [
        "formula",
        "annex.title",
        "annex.1",
        "annex.1.a",
        "annex.1.b",
        "annex.2",
    ]
    assert agenda["annex.title"].text == "第十一届会议临时议程"
    short = _by_ref(rows, "decision", "10/2")
    assert [(r.part, ref) for ref, r in short.items()] == [
        ("preamble", "formula"),
        ("operative", "op.1"),
    ]
    assert short["op.1"].text == (
        "决定邀请在经济及社会理事会具有咨商地位的有关组织以观察员身份参加会议。"
    )
    assert not [f for f in ctx.findings if f.check.startswith("resolution")]


EIGHTH_SESSION = """\
一.缔约方会议通过的决议和决定

1.《联合国打击跨国有组织犯罪公约》缔约方会议在2016年10月17日至21日于维
也纳举行的第八届会议上通过了下列决议：

第8/5号决议

执行技术援助问题工作组的建议

 缔约方会议，

 回顾其关于技术援助的各项决议，并注意到技术援助问题工作组在其闭会期
间会议上所做的工作，

 1.核可技术援助问题工作组在2016年10月18日举行的会议上通过的并载于本
决议附件的建议；

附件

技术援助问题工作组的建议

建议 1

 各国应当制定打击跨国有组织犯罪的国家战略，并酌情将技术援助需要纳入
国家发展计划。

建议 2

 秘书处应当继续根据请求提供技术援助，并就所提供援助的成果向工作组下一
次会议提出报告。

二.组织事项

2.缔约方会议于2016年10月17日至21日在维也纳举行了第八届会议，其间共举行
了10次会议，包括3次全体委员会会议。
"""


def test_labelled_recommendations_in_an_annex(context_from_text) -> None:
    ctx = context_from_text(EIGHTH_SESSION, "CTOC_COP_2016_15.zh.txt")
    rows = extract_resolution_paragraphs(ctx)
    assert [(r.part, r.ref) for r in rows] == [
        ("preamble", "formula"),
        ("preamble", "pp.1"),
        ("operative", "op.1"),
        ("annex", "annex.title"),
        ("annex", "annex.1"),
        ("annex", "annex.2"),
    ]
    second = rows[-1]
    assert second.text == (
        "秘书处应当继续根据请求提供技术援助，并就所提供援助的成果向工作组下一次会议提出报告。"
    )
    # The row starts at its label line 建议 2 and ends with its text.
    assert (second.line_start, second.line_end) == (27, 30)
    assert {r.instrument_number for r in rows} == {"8/5"}
    assert not [f for f in ctx.findings if f.check.startswith("resolution")]


def test_instrument_without_formula_or_title_is_reported(context_from_text) -> None:
    text = "第7/4号决议\n\n 1.请秘书处提交报告；\n\n 3.请各国和其他捐助方提供预算外资源。\n"
    ctx = context_from_text(text, "CTOC_COP_2014_9.zh.txt")
    rows = extract_resolution_paragraphs(ctx)
    assert [r.ref for r in rows] == ["op.1", "op.3"]
    checks = sorted(f.check for f in ctx.findings if f.check.startswith("resolution"))
    assert checks == ["resolution_formula", "resolution_sequence", "resolution_title"]


# --- the heading helper -------------------------------------------------------------

_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(deadline=None, max_examples=40)
@given(
    session=st.integers(min_value=1, max_value=99),
    number=st.integers(min_value=1, max_value=99),
    word=st.sampled_from(sorted(load_vocabulary().instruments)),
    spaces=st.lists(st.sampled_from(["", " ", "  "]), min_size=5, max_size=5),
    wide=st.booleans(),
)
def test_instrument_heading_accepts_any_spacing(session, number, word, spaces, wide) -> None:
    digits = f"{session}{spaces[1]}/{spaces[2]}{number}"
    if wide:
        digits = digits.translate(_FULL_WIDTH_DIGITS).replace("/", "／")
    text = f"第{spaces[0]}{digits}{spaces[3]}号{spaces[4]}{word}"
    assert instrument_heading(text) == (
        load_vocabulary().instruments[word],
        f"{session}/{number}",
    )
    assert instrument_heading(text + "草案") is None
    assert instrument_heading("见" + text) is None


def test_vocabulary_file() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.instruments == {"决议": "resolution", "决定": "decision"}
    assert "附件" in vocabulary.annex_words
