"""Chinese dates, date ranges, schedule headings and times of day.

Dates are written ``2017 年 9 月 11 日至 13 日`` (with or without spaces, with
ASCII, full-width or Chinese digits); lists share their year and month with the
item before (``2012 年 5 月 7 日、7 月 4 日``). Times are written ``上午 10 时至下午
1 时``, a period word (上午, 下午, ...) carrying over to the end of a range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from pipeline.normalize.numerals import chinese_to_int, fold_width

__all__ = [
    "DateRange",
    "find_date_ranges",
    "find_time_range",
    "parse_date_range",
    "parse_month_day",
    "parse_time_range",
]


@dataclass
class DateRange:
    """An inclusive range of days and where it was printed (``span`` = [start, end))."""

    start: date
    end: date
    span: tuple[int, int]


# All matching runs on fold_width(text), which maps every character to exactly
# one character, so spans found there are spans of the original text.
_CN_DIGITS = "〇零一二三四五六七八九"
_YEAR = rf"(?<![0-9{_CN_DIGITS}十])(?:[0-9]{{4}}|[{_CN_DIGITS}]{{4}})"
_MONTH = r"[0-9]{1,2}|[一二三四五六七八九十]{1,2}"
_DAY = r"[0-9]{1,2}|[一二三四五六七八九十]{1,3}"
_RANGE_SEP = r"至|到|[-‐‑‒–—―~]"
# 以及 before 及 so that it is taken whole.
_LIST_SEP = r"以及|、|和|及|与"

_DATE_ANCHOR_RE = re.compile(
    rf"(?:(?P<year>{_YEAR})\s*年\s*)?"
    rf"(?<![0-9])(?P<month>{_MONTH})\s*月\s*"
    rf"(?P<day>{_DAY})\s*日"
)
# A further day of the same expression: 至 13 日, 、7 月 4 日, 至 2020 年 1 月 2 日.
_DATE_CONTINUATION_RE = re.compile(
    rf"\s*(?:(?P<range>{_RANGE_SEP})|{_LIST_SEP})\s*"
    rf"(?P<body>(?:(?:(?P<year>{_YEAR})\s*年\s*)?(?P<month>{_MONTH})\s*月\s*)?"
    rf"(?P<day>{_DAY})\s*日)"
)
_MONTH_DAY_RE = re.compile(
    rf"(?P<month>{_MONTH})\s*月\s*(?P<day>{_DAY})\s*日"
    r"(?:\s*[,，、]?\s*(?:星期|礼拜|周)[一二三四五六日天])?"
)
_YEAR_MARK = "年"


@dataclass
class _DateItem:
    """One printed day of a date expression, before year and month carry over."""

    year: int | None
    month: int | None
    day: int
    start: int
    end: int
    is_range_end: bool = False


def _number(text: str | None) -> int | None:
    return None if text is None else chinese_to_int(text)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _read_expression(text: str, anchor: re.Match[str], year: int) -> tuple[list[_DateItem], int]:
    """The anchor day and every continuation after it; also where the expression ends."""
    day = _number(anchor.group("day"))
    month = _number(anchor.group("month"))
    assert day is not None and month is not None  # the pattern only admits numerals
    items = [_DateItem(year, month, day, anchor.start(), anchor.end())]
    pos = anchor.end()
    while (match := _DATE_CONTINUATION_RE.match(text, pos)) is not None:
        day = _number(match.group("day"))
        assert day is not None
        items.append(
            _DateItem(
                _number(match.group("year")),
                _number(match.group("month")),
                day,
                match.start("body"),
                match.end(),
                is_range_end=match.group("range") is not None,
            )
        )
        pos = match.end()
    return items, pos


def _resolve(items: list[_DateItem]) -> list[date | None]:
    """Dates of the items, carrying year and month forward; None where invalid."""
    dates: list[date | None] = []
    year = items[0].year
    month = items[0].month
    assert year is not None and month is not None
    previous: date | None = None
    for item in items:
        if item.year is not None:
            year = item.year
        if item.month is not None:
            month = item.month
        value = _make_date(year, month, item.day)
        if (
            value is not None
            and previous is not None
            and value < previous
            and item.year is None
            and item.month is not None
        ):
            # 12 月 30 日至 1 月 2 日: a printed list runs forward in time, so a
            # month that goes back without a new year means the next year.
            year += 1
            value = _make_date(year, month, item.day)
        dates.append(value)
        if value is not None:
            previous = value
    return dates


def _group(items: list[_DateItem]) -> list[DateRange]:
    """Ranges of an expression: X 至 Y pairs, single days, consecutive days merged."""
    dates = _resolve(items)
    ranges: list[DateRange] = []
    index = 0
    joined_to_previous = False  # whether ranges[-1] may absorb the next group
    while index < len(items):
        first = index
        last = index + 1 if index + 1 < len(items) and items[index + 1].is_range_end else index
        index = last + 1
        start, end = dates[first], dates[last]
        if start is None or end is None or end < start:
            joined_to_previous = False
            continue
        span = (items[first].start, items[last].end)
        if joined_to_previous and ranges[-1].end + timedelta(days=1) == start:
            # 2018 年 7 月 2 日和 3 日: two consecutive days are one meeting.
            ranges[-1].end = end
            ranges[-1].span = (ranges[-1].span[0], span[1])
        else:
            ranges.append(DateRange(start, end, span))
        joined_to_previous = True
    return ranges


def find_date_ranges(text: str, default_year: int | None = None) -> list[DateRange]:
    """Every date and date range in ``text``, in printed order.

    Days without a printed year are found only when ``default_year`` is given.
    Invalid calendar dates (2 月 30 日) are left out.
    """
    folded = fold_width(text)
    ranges: list[DateRange] = []
    pos = 0
    while (anchor := _DATE_ANCHOR_RE.search(folded, pos)) is not None:
        year = _number(anchor.group("year"))
        if year is None:
            before = folded[: anchor.start()].rstrip()
            # "17 年 9 月 1 日" has a year this pattern does not read; do not
            # give it the default one.
            if default_year is None or before.endswith(_YEAR_MARK):
                pos = anchor.end()
                continue
            year = default_year
        items, pos = _read_expression(folded, anchor, year)
        ranges.extend(_group(items))
    return ranges


def parse_date_range(text: str, default_year: int | None = None) -> DateRange | None:
    """The first date or date range in ``text``, or None."""
    found = find_date_ranges(text, default_year)
    return found[0] if found else None


def parse_month_day(text: str, year: int) -> date | None:
    """A schedule heading such as ``9月 11日，星期一`` as a date in ``year``.

    The weekday, when printed, is not checked against the date.
    """
    match = _MONTH_DAY_RE.fullmatch(fold_width(text).strip())
    if match is None:
        return None
    month = _number(match.group("month"))
    day = _number(match.group("day"))
    if month is None or day is None:
        return None
    return _make_date(year, month, day)


# --- times of day ---------------------------------------------------------------

_MORNING = ("上午", "早上", "早晨")
_NOON = ("中午", "正午")
_AFTERNOON = ("下午", "傍晚")
_NIGHT = ("晚上", "晚间", "夜间")
_SMALL_HOURS = ("凌晨",)
_PERIODS = (*_MORNING, *_NOON, *_AFTERNOON, *_NIGHT, *_SMALL_HOURS)
_PERIOD = "|".join(_PERIODS)
_HOUR = r"[0-9]{1,2}|[零一二三四五六七八九十]{1,3}"
_MINUTE = r"[0-9]{1,2}|[零〇一二三四五六七八九十]{1,3}"
_TIME_RANGE_SEP = r"至|到|[-‐‑‒–—―~]"


def _time_pattern(tag: str, period_required: bool) -> str:
    """One time of day; groups are suffixed with ``tag`` so two can share a pattern."""
    period = rf"(?P<period{tag}>{_PERIOD})\s*"
    clock = (
        rf"(?<![0-9])(?P<hour{tag}>{_HOUR})\s*[时点](?!间)"
        rf"(?:\s*(?P<minute{tag}>{_MINUTE})\s*分|\s*(?P<half{tag}>半))?"
    )
    # 正午 on its own is 12:00 (星期四正午).
    noon = rf"(?P<noon{tag}>正午)(?!\s*(?:{_HOUR})\s*[时点])"
    if period_required:
        return rf"(?:{period}{clock}|{noon})"
    return rf"(?:(?:{period})?{clock}|{noon})"


_TIME_RANGE = rf"{_time_pattern('1', False)}\s*(?:{_TIME_RANGE_SEP})\s*{_time_pattern('2', False)}"
_TIME_RANGE_RE = re.compile(_TIME_RANGE)
_SINGLE_TIME_RE = re.compile(_time_pattern("1", False))
# Inside running text a lone time needs its period word, so that "3 时" in a
# sentence is not taken for a clock time; ranges are specific enough as they are.
_FIND_TIME_RE = re.compile(rf"{_TIME_RANGE}|{_time_pattern('3', True)}")


def _clock(period: str | None, hour: int, minute: int) -> time | None:
    """A 24-hour time from a period word and a 12-hour (or 24-hour) clock reading."""
    if not 0 <= minute <= 59:
        return None
    if period in _MORNING:
        if hour > 12:
            return None
    elif period in _NOON:
        # 中午 12 时 is noon, 中午 1 时 is 13:00.
        if 1 <= hour <= 2:
            hour += 12
        elif hour not in (11, 12):
            return None
    elif period in _AFTERNOON:
        if hour < 12:
            hour += 12
    elif period in _NIGHT:
        if hour < 12:
            hour += 12
        elif hour == 12:
            hour = 0  # 晚上 12 时 is midnight.
    elif period in _SMALL_HOURS:
        if hour == 12:
            hour = 0
        elif hour > 6:
            return None
    if not 0 <= hour <= 23:
        return None
    return time(hour, minute)


def _time_from(match: re.Match[str], tag: str, period: str | None) -> time | None:
    if match.group(f"noon{tag}"):
        return time(12, 0)
    hour = _number(match.group(f"hour{tag}"))
    if hour is None:
        return None
    minute = 30 if match.group(f"half{tag}") else (_number(match.group(f"minute{tag}")) or 0)
    return _clock(period, hour, minute)


def _times(match: re.Match[str]) -> tuple[time, time] | None:
    """Start and end of a matched range or single time."""
    groups = match.groupdict()
    if "hour3" in groups and (groups["hour3"] or groups["noon3"]):
        single = _time_from(match, "3", groups["period3"])
        return None if single is None else (single, single)
    start_period = groups["period1"]
    start = _time_from(match, "1", start_period)
    if start is None:
        return None
    if "hour2" not in groups or (groups["hour2"] is None and groups["noon2"] is None):
        return (start, start)
    end_period = groups["period2"]
    inherited = end_period is None
    end = _time_from(match, "2", start_period if inherited else end_period)
    if end is None:
        return None
    if inherited and end < start and end.hour < 12:
        # 上午 11 时至 1 时: the carried-over period was wrong; the end is after noon.
        end = time(end.hour + 12, end.minute)
    return (start, end)


def parse_time_range(text: str) -> tuple[time, time] | None:
    """A time range such as ``上午 10 时至下午 1 时`` (or a single time, start == end)."""
    folded = fold_width(text).strip()
    match = _TIME_RANGE_RE.fullmatch(folded) or _SINGLE_TIME_RE.fullmatch(folded)
    return None if match is None else _times(match)


def find_time_range(text: str) -> tuple[tuple[time, time], tuple[int, int]] | None:
    """The first time range (or lone time with a period word) in a longer line, with its span."""
    folded = fold_width(text)
    for match in _FIND_TIME_RE.finditer(folded):
        times = _times(match)
        if times is not None:
            return times, match.span()
    return None
