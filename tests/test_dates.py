"""Tests for pipeline.normalize.dates."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.normalize.dates import (
    DateRange,
    find_date_ranges,
    find_time_range,
    parse_date_range,
    parse_month_day,
    parse_time_range,
)
from pipeline.normalize.numerals import int_to_chinese

FAST = settings(max_examples=200, deadline=None)
RAW = Path(__file__).resolve().parent.parent / "raw"
CHINESE_DIGITS = "〇一二三四五六七八九"


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def spans(text: str, found: list[DateRange]) -> list[str]:
    return [text[r.span[0] : r.span[1]] for r in found]


# --- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2017 年 9 月 11 日至 13 日", date(2017, 9, 11), date(2017, 9, 13)),
        ("2018 年 7 月 2 日和 3 日", date(2018, 7, 2), date(2018, 7, 3)),
        ("2012 年 5 月 30 日至 6 月 1 日", date(2012, 5, 30), date(2012, 6, 1)),
        ("2019 年 12 月 30 日至 2020 年 1 月 2 日", date(2019, 12, 30), date(2020, 1, 2)),
        ("2019 年 12 月 30 日至 1 月 2 日", date(2019, 12, 30), date(2020, 1, 2)),
        ("2012 年 10 月 15 日至 19 日", date(2012, 10, 15), date(2012, 10, 19)),
        ("2017 年 9 月 13 日", date(2017, 9, 13), date(2017, 9, 13)),
        ("2017年9月11日至13日", date(2017, 9, 11), date(2017, 9, 13)),
        ("二〇一七年九月十一日", date(2017, 9, 11), date(2017, 9, 11)),
        ("二〇一七年九月十一日至十三日", date(2017, 9, 11), date(2017, 9, 13)),
        ("２０１７年９月１１日－１３日", date(2017, 9, 11), date(2017, 9, 13)),
        ("2012 年 5 月 21 日至 22 日", date(2012, 5, 21), date(2012, 5, 22)),
    ],
)
def test_date_range_examples(text: str, start: date, end: date) -> None:
    found = find_date_ranges(text)
    assert [(r.start, r.end) for r in found] == [(start, end)]
    assert found[0].span == (0, len(text))
    assert parse_date_range(text) == found[0]


def test_list_of_single_dates() -> None:
    text = "2012 年 5 月 7 日、7 月 4 日、9 月 6 日和 10 月 9 日"
    found = find_date_ranges(text)
    days = [date(2012, 5, 7), date(2012, 7, 4), date(2012, 9, 6), date(2012, 10, 9)]
    assert [(r.start, r.end) for r in found] == [(d, d) for d in days]
    assert spans(text, found) == ["2012 年 5 月 7 日", "7 月 4 日", "9 月 6 日", "10 月 9 日"]


def test_dates_inside_sentences_and_across_line_breaks() -> None:
    # Wording and line breaks from the seeds.
    text = (
        "工作组第一次会议于 2012 年 5 月 30 日至 6 月 1\n \n日举行，第二次会议于 "
        "2013 年 11 月 11 日至 13 日举行。工作组在 2017 年 9 月 11 日和 12 日第 2 和第 3 "
        "次会议上审议了议程项目 2，在 2017 年 9 月 12 日第 4 次会议上审议了议程项目 5。"
    )
    found = find_date_ranges(text)
    assert [(r.start, r.end) for r in found] == [
        (date(2012, 5, 30), date(2012, 6, 1)),
        (date(2013, 11, 11), date(2013, 11, 13)),
        (date(2017, 9, 11), date(2017, 9, 12)),
        (date(2017, 9, 12), date(2017, 9, 12)),
    ]
    assert spans(text, found)[0] == "2012 年 5 月 30 日至 6 月 1\n \n日"


@pytest.mark.parametrize(
    "text",
    [
        "2012 年 2 月 30 日",
        "2017 年 13 月 1 日",
        "2012 年 2 月 28 日至 30 日",
        "2017 年 9 月 13 日至 11 日",
        "2004 年调查表",
        "今后两年内",
        "9 月 11 日",
        "17 年 9 月 1 日",
        "12017 年 9 月 1 日",
    ],
)
def test_no_valid_dates(text: str) -> None:
    assert find_date_ranges(text) == []
    assert parse_date_range(text) is None


def test_default_year_for_dates_without_year() -> None:
    found = find_date_ranges("会议于 9 月 11 日至 13 日举行", default_year=2017)
    assert [(r.start, r.end) for r in found] == [(date(2017, 9, 11), date(2017, 9, 13))]
    # A printed year wins over the default.
    assert parse_date_range("2012 年 5 月 7 日", default_year=2017) == DateRange(
        date(2012, 5, 7), date(2012, 5, 7), (0, 14)
    )
    # A year the pattern cannot read is not replaced by the default.
    assert find_date_ranges("17 年 9 月 1 日", default_year=2017) == []


def test_consecutive_list_days_merge_but_others_do_not() -> None:
    found = find_date_ranges("2016 年 6 月 6 日和 8 日")
    assert [(r.start, r.end) for r in found] == [
        (date(2016, 6, 6), date(2016, 6, 6)),
        (date(2016, 6, 8), date(2016, 6, 8)),
    ]
    found = find_date_ranges("2016 年 6 月 6 日、7 日和 8 日")
    assert [(r.start, r.end) for r in found] == [(date(2016, 6, 6), date(2016, 6, 8))]


SEED_DATE_CASES = [
    ("CTOC_COP_WG.7_2017_1.zh.txt", 3, (date(2017, 9, 11), date(2017, 9, 13))),
    ("CTOC_COP_WG.4_2018_1.zh.txt", 3, (date(2018, 7, 2), date(2018, 7, 3))),
    ("CTOC_COP_WG.4_2018_1.zh.txt", 138, (date(2017, 9, 6), date(2017, 9, 8))),
    ("CTOC_COP_2012_15.zh.txt", 327, (date(2012, 8, 27), date(2012, 9, 7))),
    ("CTOC_COP_2012_15.zh.txt", 843, (date(2012, 10, 15), date(2012, 10, 16))),
]


@pytest.mark.parametrize(("name", "line", "expected"), SEED_DATE_CASES)
def test_seed_lines(name: str, line: int, expected: tuple[date, date]) -> None:
    text = (RAW / name).read_text(encoding="utf-8").splitlines()[line - 1]
    found = parse_date_range(text)
    assert found is not None
    assert (found.start, found.end) == expected


def test_whole_seed_report() -> None:
    path = RAW / "CTOC_COP_WG.7_2017_5.zh.txt"
    found = find_date_ranges(path.read_text(encoding="utf-8"))
    assert [(r.start, r.end) for r in found[:5]] == [
        (date(2017, 9, 11), date(2017, 9, 13)),
        (date(2012, 5, 30), date(2012, 6, 1)),
        (date(2013, 11, 11), date(2013, 11, 13)),
        (date(2015, 11, 18), date(2015, 11, 20)),
        (date(2016, 6, 6), date(2016, 6, 7)),
    ]


DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
SPACE = st.sampled_from(["", "", " ", "  "])
STYLE = st.sampled_from(["ascii", "fullwidth", "chinese"])


def write_number(n: int, style: str, year: bool = False) -> str:
    if style == "chinese":
        return "".join(CHINESE_DIGITS[int(c)] for c in str(n)) if year else int_to_chinese(n)
    return to_fullwidth(str(n)) if style == "fullwidth" else str(n)


def write_date(
    draw: st.DrawFn, day: date, style: str, with_year: bool = True, with_month: bool = True
) -> str:
    """A date in Chinese (年 月 日), random spacing, leaving out year or month on request."""
    pieces: list[str] = []
    if with_year:
        pieces += [write_number(day.year, style, year=True), "年"]
    if with_month:
        pieces += [write_number(day.month, style), "月"]
    pieces += [write_number(day.day, style), "日"]
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(SPACE) + piece
    return out


@FAST
@given(st.data(), DAYS, STYLE)
def test_single_dates_round_trip(data: st.DataObject, day: date, style: str) -> None:
    text = write_date(data.draw, day, style)
    found = find_date_ranges(text)
    assert found == [DateRange(day, day, (0, len(text)))]


@FAST
@given(
    st.data(),
    DAYS,
    st.integers(min_value=1, max_value=400),
    STYLE,
    st.sampled_from(["至", "-", "–", "~"]),
)
def test_date_ranges_round_trip(
    data: st.DataObject, start: date, length: int, style: str, mark: str
) -> None:
    end = start + timedelta(days=length)
    assume(end.year <= 2040)
    same_year = end.year == start.year
    same_month = same_year and end.month == start.month
    text = (
        write_date(data.draw, start, style)
        + data.draw(SPACE)
        + mark
        + data.draw(SPACE)
        + write_date(data.draw, end, style, with_year=not same_year, with_month=not same_month)
    )
    assert find_date_ranges(text) == [DateRange(start, end, (0, len(text)))]


@FAST
@given(
    st.data(),
    st.integers(min_value=1990, max_value=2040),
    st.lists(st.integers(min_value=1, max_value=12), min_size=2, max_size=5, unique=True),
    STYLE,
)
def test_date_lists_round_trip(
    data: st.DataObject, year: int, months: list[int], style: str
) -> None:
    # One day in each of several months: separate single dates.
    # Days stop at 27 so that no two items are consecutive days (those merge).
    days = [date(year, month, data.draw(st.integers(1, 27))) for month in sorted(months)]
    pieces = [write_date(data.draw, days[0], style)]
    pieces += [write_date(data.draw, day, style, with_year=False) for day in days[1:]]
    text = pieces[0]
    for piece in pieces[1:]:
        text += data.draw(SPACE) + data.draw(st.sampled_from(["、", "和", "及"]))
        text += data.draw(SPACE) + piece
    found = find_date_ranges(text)
    assert [(r.start, r.end) for r in found] == [(day, day) for day in days]
    assert spans(text, found)[1:] == pieces[1:]


@FAST
@given(st.data(), DAYS, st.sampled_from(["", "，", ", "]), STYLE)
def test_month_day_headings_round_trip(
    data: st.DataObject, day: date, comma: str, style: str
) -> None:
    weekday = "一二三四五六日"[day.weekday()]
    text = write_date(data.draw, day, style, with_year=False) + comma + f"星期{weekday}   "
    assert parse_month_day(text, day.year) == day


def test_month_day_examples() -> None:
    assert parse_month_day("9月 11日，星期一", 2017) == date(2017, 9, 11)
    assert parse_month_day("7月 2日，星期二", 2018) == date(2018, 7, 2)
    assert parse_month_day("9月 12日", 2017) == date(2017, 9, 12)
    assert parse_month_day("2月 30日，星期一", 2017) is None
    assert parse_month_day("上午 10 时至下午 1 时", 2017) is None


# --- times ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("上午 10 时至下午 1 时", time(10), time(13)),
        ("下午 3 时至 6 时", time(15), time(18)),
        ("上午10时至下午1时", time(10), time(13)),
        ("上午 10 时 30 分至中午 12 时", time(10, 30), time(12)),
        ("中午 12 时", time(12), time(12)),
        ("晚上 7 时", time(19), time(19)),
        ("下午 12 时 30 分", time(12, 30), time(12, 30)),
        ("上午十时至下午一时", time(10), time(13)),
        ("上午 9 时半至 11 时", time(9, 30), time(11)),
        ("上午 11 时至 1 时", time(11), time(13)),
        ("１５时至１８时", time(15), time(18)),
    ],
)
def test_time_range_examples(text: str, start: time, end: time) -> None:
    assert parse_time_range(text) == (start, end)


@pytest.mark.parametrize(
    "text", ["", "会议开幕", "上午 13 时", "上午 10 时 75 分", "10 时间", "中午 5 时"]
)
def test_time_range_rejects(text: str) -> None:
    assert parse_time_range(text) is None


@pytest.mark.parametrize(
    ("line", "times", "printed"),
    [
        ("上午 10 时至下午 1 时 1(a) 会议开幕 ", (time(10), time(13)), "上午 10 时至下午 1 时"),
        ("下午 3 时至 6 时 2 拟订用以审议", (time(15), time(18)), "下午 3 时至 6 时"),
        (
            "第四届会议将于 2017 年 9 月 11 日星期一上午 10 时开幕。",
            (time(10), time(10)),
            "上午 10 时",
        ),
        ("决议草案的提交截止时间将为星期四正午，条件是", (time(12), time(12)), "正午"),
    ],
)
def test_find_time_range(line: str, times: tuple[time, time], printed: str) -> None:
    found = find_time_range(line)
    assert found is not None
    assert found[0] == times
    assert line[found[1][0] : found[1][1]] == printed


@pytest.mark.parametrize("line", ["第 3 时间段", "举行了 3 次会议", ""])
def test_find_time_range_none(line: str) -> None:
    assert find_time_range(line) is None


def write_time(moment: time, style: str) -> tuple[str, str]:
    """(period word, clock text) for a time, the way agendas print it."""
    if moment.hour < 12:
        period, hour = "上午", moment.hour
    elif moment.hour == 12:
        period, hour = "中午", 12
    else:
        period, hour = "下午", moment.hour - 12
    clock = f"{write_number(hour, style)} 时"
    if moment.minute:
        clock += f" {write_number(moment.minute, style)} 分"
    return period, clock


TIMES = st.builds(time, st.integers(min_value=1, max_value=23), st.sampled_from([0, 0, 15, 30, 45]))


@FAST
@given(TIMES, TIMES, STYLE, SPACE)
def test_time_ranges_round_trip(first: time, second: time, style: str, space: str) -> None:
    assume(first < second)
    start_period, start_clock = write_time(first, style)
    end_period, end_clock = write_time(second, style)
    # The agenda style leaves the end's period out when it is the start's.
    end_text = end_clock if end_period == start_period else end_period + space + end_clock
    text = f"{start_period}{space}{start_clock}{space}至{space}{end_text}"
    assert parse_time_range(text) == (first, second)
    line = f"{text} 2 其他事项"
    found = find_time_range(line)
    assert found is not None
    assert found[0] == (first, second)
    assert found[1] == (0, len(text))


@FAST
@given(TIMES, STYLE)
def test_single_times_round_trip(moment: time, style: str) -> None:
    period, clock = write_time(moment, style)
    assert parse_time_range(period + clock) == (moment, moment)
