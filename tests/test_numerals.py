"""Tests for pipeline.normalize.numerals."""

from __future__ import annotations

import itertools
import re

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.numerals import (
    CHINESE_NUMERAL_CHARS,
    chinese_to_int,
    fold_width,
    int_to_chinese,
    int_to_roman,
    letter_for,
    letter_value,
    marker_value,
    roman_to_int,
)

FAST = settings(max_examples=200, deadline=None)
CHINESE_DIGITS = "〇一二三四五六七八九"
# 二 before a unit may be read (and printed) as 两: 两千, 两百, 两万.
LIANG_RE = re.compile(r"二(?=[千百万])")


def to_fullwidth(text: str) -> str:
    """ASCII printable characters to their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十一", 11),
        ("二十一", 21),
        ("一百七十二", 172),
        ("两千", 2000),
        ("二〇一七", 2017),
        ("二〇一二", 2012),
        ("第十", 10),
        ("第 4", 4),
        ("第四", 4),
        ("〇", 0),
        ("零", 0),
        ("十", 10),
        ("三十一", 31),
        ("一万零一", 10001),
        ("12", 12),
        ("１２", 12),
        ("第１２", 12),
        (" 7 ", 7),
    ],
)
def test_chinese_to_int_examples(text: str, expected: int) -> None:
    assert chinese_to_int(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "第", "abc", "十十", "百", "负一", "一点五", "12a", "壹", "V", "1.5", "-3", "一 二"],
)
def test_chinese_to_int_rejects(text: str) -> None:
    assert chinese_to_int(text) is None


@FAST
@given(st.integers(min_value=0, max_value=99_999), st.booleans(), st.booleans())
def test_chinese_round_trip(n: int, ordinal: bool, liang: bool) -> None:
    text = int_to_chinese(n)
    if liang:
        text = LIANG_RE.sub("两", text)
    if ordinal:
        text = "第" + text
    assert chinese_to_int(text) == n


@FAST
@given(st.integers(min_value=0, max_value=9999), st.sampled_from("〇零"))
def test_digit_by_digit_round_trip(n: int, zero: str) -> None:
    digits = CHINESE_DIGITS.replace("〇", zero)
    text = "".join(digits[int(c)] for c in f"{n:04d}")
    assert chinese_to_int(text) == n


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.booleans())
def test_arabic_digits(n: int, fullwidth: bool) -> None:
    text = to_fullwidth(str(n)) if fullwidth else str(n)
    assert chinese_to_int(text) == n


def cn2an_value(text: str) -> int | None:
    """What cn2an's normal mode reads, as chinese_to_int reports it (None: not a
    numeral, also where cn2an fails with a KeyError: a spoken form whose last unit
    is 十, 三十四十五)."""
    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError):
        return None
    return int(value) if value >= 0 else None


def test_chinese_to_int_reads_as_cn2an_every_short_string() -> None:
    """Every string of up to three numeral characters, well-formed or not."""
    for length in (1, 2, 3):
        for chars in itertools.product(CHINESE_NUMERAL_CHARS, repeat=length):
            text = "".join(chars)
            assert chinese_to_int(text) == cn2an_value(text), text


@FAST
@given(
    st.integers(min_value=0, max_value=99_999_999),
    st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(CHINESE_NUMERAL_CHARS), st.booleans()),
        max_size=3,
    ),
)
def test_chinese_to_int_reads_as_cn2an_near_numerals(
    n: int, edits: list[tuple[int, str, bool]]
) -> None:
    """Numerals with characters inserted or replaced: the forms a text may hold."""
    chars = list(int_to_chinese(n))
    for position, char, insert in edits:
        index = min(position, len(chars))
        if insert or index == len(chars):
            chars.insert(index, char)
        else:
            chars[index] = char
    text = "".join(chars)
    assert chinese_to_int(text) == cn2an_value(text), text


@FAST
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_int_to_chinese_writes_as_cn2an(n: int) -> None:
    assert int_to_chinese(n) == cn2an.an2cn(n)


def test_int_to_chinese_writes_as_cn2an_up_to_twenty_thousand() -> None:
    for n in range(20_001):
        assert int_to_chinese(n) == cn2an.an2cn(n)


def test_int_to_chinese_examples() -> None:
    assert int_to_chinese(0) == "零"
    assert int_to_chinese(11) == "十一"
    assert int_to_chinese(172) == "一百七十二"
    with pytest.raises(ValueError):
        int_to_chinese(-1)


@pytest.mark.parametrize(
    ("roman", "value"),
    [("I", 1), ("iv", 4), ("IX", 9), ("XI", 11), ("xx", 20), ("MCMXCIX", 1999), ("Ⅻ", 12)],
)
def test_roman_examples(roman: str, value: int) -> None:
    assert roman_to_int(roman) == value


@pytest.mark.parametrize("text", ["", "IIII", "IC", "VX", "Xi", "ABC", "MMMM", "iiv", "12"])
def test_roman_rejects(text: str) -> None:
    assert roman_to_int(text) is None


@FAST
@given(st.integers(min_value=1, max_value=3999), st.booleans())
def test_roman_round_trip(n: int, lower: bool) -> None:
    roman = int_to_roman(n, lower=lower)
    assert roman == (roman.lower() if lower else roman.upper())
    assert roman_to_int(roman) == n


@FAST
@given(st.text(alphabet="IVXLCDM", min_size=1, max_size=10))
def test_roman_accepts_only_canonical_numerals(text: str) -> None:
    value = roman_to_int(text)
    if value is not None:
        assert int_to_roman(value) == text


@pytest.mark.parametrize("n", [0, 4000, -1])
def test_int_to_roman_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        int_to_roman(n)


@given(st.integers(min_value=1, max_value=10))
def test_marker_parenthesized_ideographs(n: int) -> None:
    assert marker_value(chr(0x3220 + n - 1)) == n  # ㈠ .. ㈩
    chinese = int_to_chinese(n)
    assert marker_value(f"({chinese})") == n
    assert marker_value(f"（{chinese}）") == n


@given(st.integers(min_value=1, max_value=20))
def test_marker_circled_and_parenthesized_digits(n: int) -> None:
    assert marker_value(chr(0x2460 + n - 1)) == n  # ① .. ⑳
    assert marker_value(chr(0x2474 + n - 1)) == n  # ⑴ .. ⒇
    assert marker_value(f"({n})") == n
    assert marker_value(to_fullwidth(f"({n})")) == n


@pytest.mark.parametrize("text", ["1", "一", "(a)", "()", "(ii)", "a", "", "((1))"])
def test_marker_rejects(text: str) -> None:
    assert marker_value(text) is None


@given(st.integers(min_value=1, max_value=26))
def test_letters_round_trip(n: int) -> None:
    letter = letter_for(n)
    assert letter_value(letter) == n
    assert letter_value(letter.upper()) == n
    assert letter_value(to_fullwidth(letter)) == n


def test_letter_examples_and_errors() -> None:
    assert letter_value("a") == 1
    assert letter_for(1) == "a"
    assert letter_for(26) == "z"
    for bad in (0, 27):
        with pytest.raises(ValueError):
            letter_for(bad)
    for text in ("aa", "", "1", "é"):
        with pytest.raises(ValueError):
            letter_value(text)


def test_fold_width_examples() -> None:
    assert fold_width("８（ｅ）") == "8(e)"
    assert fold_width("ＣＴＯＣ／ＣＯＰ／２０１２／１５") == "CTOC/COP/2012/15"
    assert fold_width("第１．２段，见（ａ）。") == "第1.2段，见(a)。"
    assert fold_width("一、二；三：四") == "一、二；三：四"


KEPT_PUNCTUATION = "，；：！？"


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_fold_width_inverts_fullwidth(text: str) -> None:
    wide = to_fullwidth(text)
    folded = fold_width(wide)
    assert len(folded) == len(wide)
    for original, back, full in zip(text, folded, wide, strict=True):
        assert back == (full if full in KEPT_PUNCTUATION else original)


@FAST
@given(st.text())
def test_fold_width_keeps_length_and_is_idempotent(text: str) -> None:
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert fold_width(folded) == folded
