"""Document metadata: kind, body, meeting number, dates, venue, title, symbol source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.document.describe import symbol_from_file_name
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, REPORT_COP6, REPORT_WG7, build_context

EXPECTED = {
    INDEX: (
        "CTOC/COP/WG.7/2019/4", "recommendation_index", "WG.7", "偷运移民问题工作组", 6,
        date(2019, 9, 11), date(2019, 9, 13), "维也纳",
    ),
    AGENDA_WG7: (
        "CTOC/COP/WG.7/2017/1", "provisional_agenda", "WG.7", "偷运移民问题工作组", 4,
        date(2017, 9, 11), date(2017, 9, 13), "维也纳",
    ),
    REPORT_WG7: (
        "CTOC/COP/WG.7/2017/5", "meeting_report", "WG.7", "偷运移民问题工作组", 4,
        date(2017, 9, 11), date(2017, 9, 13), "维也纳",
    ),
    AGENDA_WG4: (
        "CTOC/COP/WG.4/2018/1", "provisional_agenda", "WG.4", "贩运人口问题工作组", 8,
        date(2018, 7, 2), date(2018, 7, 3), "维也纳",
    ),
    REPORT_COP6: (
        "CTOC/COP/2012/15", "meeting_report", "COP", "缔约方会议", 6,
        date(2012, 10, 15), date(2012, 10, 19), "维也纳",
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_documents_row(path: Path) -> None:
    meta = build_context(path).meta
    got = (
        meta.doc_id, meta.kind, meta.body, meta.body_name, meta.meeting_number,
        meta.date_start, meta.date_end, meta.venue,
    )  # fmt: skip
    assert got == EXPECTED[path]
    assert meta.language == "zh"
    assert meta.source_format == "txt"
    assert len(meta.source_sha256) == 64


def test_titles_and_where_the_symbol_came_from() -> None:
    report = build_context(REPORT_WG7).meta
    assert report.title == "2017 年 9 月 11 日至 13 日在维也纳举行的偷运移民问题工作组会议报告"
    assert report.symbol_source == "file_name"
    index = build_context(INDEX).meta
    assert index.title == "偷运移民问题工作组前五次会议通过的各项建议索引"
    assert index.symbol_source == "catalog"
    assert index.distribution_date == date(2019, 7, 16)
    assert build_context(AGENDA_WG7).meta.title == "临时议程说明"
    cop = build_context(REPORT_COP6).meta
    assert cop.title == "联合国打击跨国有组织犯罪公约缔约方会议第六届会议报告"  # from the catalog


def test_symbol_printed_in_the_masthead_wins_over_the_file_name(context_from_text) -> None:
    text = "\n".join(
        [
            "联 合 国",
            "CTOC/COP/WG.6/2031/4",
            "Distr.: General",
            "3 June 2031",
            "Chinese",
            "Original: English",
            "枪支问题工作组",
            "2031 年 5 月 3 日和 4 日，日内瓦",
            "2031年5月3日和4日在日内瓦举行的枪支问题工作组会议报告",
            "一. 导言",
            "1. 枪支问题工作组第十一次会议于2031年5月3日和4日在日内瓦举行。",
        ]
    )
    meta = context_from_text(text, "some_download.zh.txt").meta
    assert meta.doc_id == "CTOC/COP/WG.6/2031/4"
    assert meta.symbol_source == "text"
    assert (meta.kind, meta.body, meta.body_name) == ("meeting_report", "WG.6", "枪支问题工作组")
    assert meta.meeting_number == 11
    assert (meta.date_start, meta.date_end) == (date(2031, 5, 3), date(2031, 5, 4))
    assert meta.venue == "日内瓦"
    assert meta.distribution_date == date(2031, 6, 3)


def test_file_names_carry_symbol_and_language() -> None:
    assert symbol_from_file_name(Path("CTOC_COP_WG.4_2018_CRP.1.zh.pdf")) == (
        "CTOC/COP/WG.4/2018/CRP.1",
        "zh",
    )
    assert symbol_from_file_name(Path("CTOC_COP_2012_15.txt")) == ("CTOC/COP/2012/15", None)


def _meta(context_from_text, text: str, name: str, **catalog: str):
    return context_from_text(text, name, **catalog).meta


WG_REPORT_WITH_SITTINGS = """\
2033年6月6日和7日在维也纳以混合形式举行的枪支问题工作组会议报告

一. 建议

1. 工作组建议缔约方会议在其第十七届会议上审议本报告。

二. 会议概要

2. 工作组在 2033 年 6 月 6 日第 1 和第 2 次会议上审议了临时议程项目 4。

3. 工作组第 3 次会议由副主席主持。
"""


def test_sittings_and_conference_sessions_are_not_the_meeting_number(context_from_text):
    meta = _meta(context_from_text, WG_REPORT_WITH_SITTINGS, "CTOC_COP_WG.6_2033_3.zh.txt")
    assert (meta.kind, meta.body, meta.meeting_number) == ("meeting_report", "WG.6", None)
    assert (meta.date_start, meta.date_end, meta.venue) == (
        date(2033, 6, 6),
        date(2033, 6, 7),
        "维也纳",
    )


AGENDA_WITH_DISTRIBUTION_DATE = """\
2033年3月28日

联合国打击跨国有组织犯罪公约缔约方会议

技术援助问题工作组

2033年6月13日和14日，维也纳

临时议程及说明

1. 为便于工作组第十五次会议的审议，秘书处编写了本说明。工作组第一次会议于 2006 年举行。

2. 工作组将在临时议程项目 4 下审议其他事项。
"""


def test_agenda_title_variant_meeting_served_and_meeting_dates(context_from_text):
    meta = _meta(context_from_text, AGENDA_WITH_DISTRIBUTION_DATE, "CTOC_COP_WG.2_2033_1.zh.txt")
    # 临时议程及说明 names the same kind as 临时议程说明; the lone date above the
    # body's name is the distribution date, not the meeting's.
    assert (meta.kind, meta.title, meta.meeting_number) == (
        "provisional_agenda",
        "临时议程及说明",
        15,
    )
    assert (meta.date_start, meta.date_end, meta.venue) == (
        date(2033, 6, 13),
        date(2033, 6, 14),
        "维也纳",
    )


COP_REPORT_WITHOUT_TITLE_PAGE = """\
一. 缔约方会议通过的决议和决定

1. 缔约方会议第十七届会议于2034年10月12日至16日在维也纳举行。

二. 会议安排

2. 缔约方会议在 2034 年 10 月 12 日第 1 和第 2 次会议上审议了议程项目 3。

三. 出席情况

3. 以下缔约国出席了会议：奥地利、智利。
"""


def test_a_report_without_title_page_is_known_by_its_chapters(context_from_text):
    meta = _meta(context_from_text, COP_REPORT_WITHOUT_TITLE_PAGE, "CTOC_COP_2034_10.zh.txt")
    assert (meta.kind, meta.body, meta.meeting_number) == ("meeting_report", "COP", 17)
    assert (meta.date_start, meta.venue) == (date(2034, 10, 12), "维也纳")
    # The catalog may still say otherwise.
    other = _meta(
        context_from_text, COP_REPORT_WITHOUT_TITLE_PAGE, "CTOC_COP_2034_10.zh.txt", kind="note"
    )
    assert other.kind == "note"


EARLY_GROUP_REPORT = """\
2010 年 10 月 19 日在维也纳举行的技术援助问题政府专家工作组会议报告

一. 建议

1. 工作组请秘书处向缔约方会议第五届会议提交本报告。
"""


def test_a_working_group_report_with_a_conference_symbol(context_from_text):
    meta = _meta(context_from_text, EARLY_GROUP_REPORT, "CTOC_COP_2010_4.zh.txt")
    assert (meta.doc_id, meta.kind, meta.body, meta.meeting_number) == (
        "CTOC/COP/2010/4",
        "meeting_report",
        "WG.2",
        None,
    )


INDEX_OPENING_WITH_A_NUMBERED_TITLE = """\
贩运人口问题工作组
2042年6月27日至29日，维也纳
贩运人口问题工作组通过的各项建议专题索引

1. 工作组第一次会议的建议

2. 为便于工作组第十二次会议的审议，秘书处按专题编制了工作组迄今通过的各项建议的索引。
"""


def test_a_numbered_block_is_not_part_of_the_title_page(context_from_text):
    ctx = context_from_text(INDEX_OPENING_WITH_A_NUMBERED_TITLE, "CTOC_COP_WG.4_2042_4.zh.txt")
    assert ctx.blocks[3].label == "1."  # whatever kind the layout gave it
    assert ctx.meta.meeting_number == 12
