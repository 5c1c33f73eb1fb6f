"""Numerals: Chinese, Arabic (ASCII and full-width), Roman, list markers and letters.

Chinese numerals are read as cn2an reads them in its "normal" mode, which accepts
〇 and 两 and digit-by-digit years (二〇一七), and written as cn2an writes them;
the ordinal prefix 第 and Arabic digits are handled here. The reading and writing
are cn2an's rules restated for the characters of CHINESE_NUMERAL_CHARS (no 亿, no
financial forms), because importing cn2an costs a third of a second (it compiles
patterns for numerals up to 10^16 in every form), more than a small document
takes to extract, once per file under make; tests/test_numerals.py checks that
both give the same answers.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "CHINESE_NUMERAL_CHARS",
    "chinese_to_int",
    "fold_width",
    "int_to_chinese",
    "int_to_roman",
    "letter_for",
    "letter_value",
    "marker_value",
    "roman_to_int",
]

# The characters a Chinese numeral may use. cn2an's normal mode also accepts
# 负 (minus), 点 (decimal point) and financial forms (壹, 廿); a numeral in a
# UN document never needs them, so anything outside this set is "not a numeral".
CHINESE_NUMERAL_CHARS = "〇零一二三四五六七八九十百千万两"

_CHINESE_NUMERAL_RE = re.compile(f"[{CHINESE_NUMERAL_CHARS}]+")
_ASCII_DIGITS_RE = re.compile(r"[0-9]+")
_ORDINAL_PREFIX = "第"

# Valid Roman numerals 1..3999 in canonical subtractive form (no IIII, no IC).
_ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_TABLE: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

# After NFKC: ㈠ -> (一), ⑴ -> (1), （一） -> (一).
_BRACKETED_MARKER_RE = re.compile(r"\(\s*([0-9]+|[" + CHINESE_NUMERAL_CHARS + r"]+)\s*\)")
# Circled digits ① .. ⑳ and ㉑ .. ㊿ (NFKC turns them into bare digits, so they
# are recognised on the raw character before normalising).
_CIRCLED_RANGES: tuple[tuple[int, int, int], ...] = (
    (0x2460, 0x2473, 1),  # ① .. ⑳
    (0x3251, 0x325F, 21),  # ㉑ .. ㉟
    (0x32B1, 0x32BF, 36),  # ㊱ .. ㊿
)

# Full-width forms U+FF01..U+FF5E map to ASCII by a fixed offset. The sentence
# punctuation Chinese text uses natively stays full-width: folding it would
# change the text's meaning for readers (and for the sentence splitter).
_FULLWIDTH_KEEP = frozenset("，；：！？")
_WIDTH_TABLE: dict[int, str] = {
    code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in _FULLWIDTH_KEEP
}
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in _WIDTH_TABLE) + "]")


def fold_width(text: str) -> str:
    """Fold full-width ASCII forms (digits, letters, ．（）/ etc.) to half-width.

    CJK sentence punctuation (，。、；：！？) is left alone.
    """
    # str.translate looks up every character; most texts have nothing to fold.
    if _FOLDABLE.search(text) is None:
        return text
    return text.translate(_WIDTH_TABLE)


def chinese_to_int(text: str) -> int | None:
    """Read a numeral (Chinese, ASCII or full-width digits, optional 第) as an int.

    Returns None for anything that is not a numeral.
    """
    s = fold_width(text).strip()
    if s.startswith(_ORDINAL_PREFIX):
        s = s[len(_ORDINAL_PREFIX) :].lstrip()
    if not s:
        return None
    if _ASCII_DIGITS_RE.fullmatch(s):
        return int(s)
    if not _CHINESE_NUMERAL_RE.fullmatch(s):
        return None
    return _chinese_value(s)


@functools.lru_cache(maxsize=4096)
def _chinese_value(s: str) -> int | None:
    # A report reads the same few numerals thousands of times (an index's
    # references): remember them.
    s = s.replace("零十", "零一十").replace("零百", "零一百")
    # Forms a writer leaves out or adds (十万零一千, 一万三百, 一千十, 一百十) to the
    # canonical form the grammar accepts, in cn2an's order.
    s = _ZERO_BEFORE_THOUSAND_RE.sub(r"\1", s)
    s = _MYRIAD_MISSING_ZERO_RE.sub(r"\1零\2", s)
    s = _THOUSAND_MISSING_ZERO_RE.sub(r"\1零\2", s)
    s = _HUNDRED_MISSING_ONE_RE.sub(r"\1一\2", s).replace("零十", "零一十")
    if _numeral_grammar().fullmatch(s):
        return _positional_value(s)
    if all(char in _DIGIT_VALUES for char in s):  # digit by digit: 二〇一七
        return int("".join(str(_DIGIT_VALUES[char]) for char in s))
    # Spoken forms drop the last unit: 一万二 is 一万二千, 三百四 is 三百四十.
    spoken = _SPOKEN_RE.fullmatch(s)
    if len(s) >= 3 and spoken and (unit := _NEXT_UNIT_DOWN.get(spoken[1][-1])):
        return _positional_value(s + unit)
    return None


_DIGIT_VALUES = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
# 一万二 -> 一万二千 (cn2an has no unit below 十, so 三十四十五 is not a numeral).
_NEXT_UNIT_DOWN = {"百": "十", "千": "百", "万": "千"}
_ANY_DIGIT = "[〇零一二两三四五六七八九]"
_ZERO_BEFORE_THOUSAND_RE = re.compile(f"(万)零(?={_ANY_DIGIT}千)")
_MYRIAD_MISSING_ZERO_RE = re.compile(f"(万)({_ANY_DIGIT}[十百])")
_THOUSAND_MISSING_ZERO_RE = re.compile(f"(千)({_ANY_DIGIT}?十)")
_HUNDRED_MISSING_ONE_RE = re.compile("(百)(十)")
_SPOKEN_RE = re.compile(f"(?:{_ANY_DIGIT}{{0,2}}([十百千万]))+{_ANY_DIGIT}")


@functools.cache
def _numeral_grammar() -> re.Pattern[str]:
    """The well-formed numerals 0 .. 99,999,999 (cn2an's grammar without 亿)."""
    one_9 = "[一二两三四五六七八九]"
    zero = "[零〇]"
    ten_99 = f"{one_9}?十{one_9}?"
    ten_99_with_one = f"{one_9}十{one_9}?"
    one_99 = f"(?:{ten_99}|{one_9})"
    hundred_999 = f"(?:{one_9}百(?:{zero}{one_9})?|{one_9}百{ten_99_with_one})"
    one_999 = f"(?:{hundred_999}|{one_99})"
    thousand_9999 = f"(?:{one_9}千(?:{zero}{one_99})?|{one_9}千{hundred_999})"
    one_9999 = f"(?:{thousand_9999}|{one_999})"
    myriads = f"(?:{one_9999}万(?:{zero}{one_999})?|{one_9999}万{thousand_9999})"
    return re.compile(f"{zero}|{myriads}|{one_9999}")


def _positional_value(s: str) -> int:
    """The value of a numeral of digits and units, read from the right."""
    total = 0
    unit = 1
    myriad = 1
    for index, char in enumerate(reversed(s)):
        if char in _DIGIT_VALUES:
            total += _DIGIT_VALUES[char] * unit
            continue
        unit = _UNIT_VALUES[char]
        if unit == 10_000:  # 万 multiplies the units to its left
            if unit > myriad:
                myriad = unit
            else:  # 万万
                myriad *= unit
                unit = myriad
        if unit < myriad:
            unit *= myriad
        if index == len(s) - 1:  # a leading unit: 十 is 10
            total += unit
    return total


def int_to_chinese(n: int) -> str:
    """Write a non-negative integer in Chinese numerals (e.g. 172 -> 一百七十二)."""
    if n < 0:
        raise ValueError(f"negative numbers are not supported: {n}")
    digits = str(n)
    if len(digits) > len(_UNIT_BY_POSITION):
        raise ValueError(f"at most {len(_UNIT_BY_POSITION)} digits, not {len(digits)}")
    text = ""
    for index, digit in enumerate(digits):
        position = len(digits) - index - 1
        if digit != "0":
            text += _WRITTEN_DIGITS[int(digit)] + _UNIT_BY_POSITION[position]
            continue
        if position % 4 == 0:  # a myriad's place keeps its unit: 十万
            text += "零" + _UNIT_BY_POSITION[position]
        if index > 0 and text[-1] != "零":
            text += "零"
    text = text.replace("零零", "零").replace("零万", "万").replace("零亿", "亿")
    text = text.replace("亿万", "亿").strip("零")
    text = _ZERO_AFTER_MYRIAD_RE.sub(r"\1\2", text)
    if text.startswith("一十"):  # 十一, not 一十一
        text = text[1:]
    return text or "零"


_WRITTEN_DIGITS = "零一二三四五六七八九"
_UNIT_BY_POSITION = ("", *("十百千万十百千亿十百千万十百千"))
_ZERO_AFTER_MYRIAD_RE = re.compile("([万亿])零([一二三四五六七八九]千)")


def roman_to_int(s: str) -> int | None:
    """Value of a Roman numeral (all upper or all lower case), None when invalid."""
    text = unicodedata.normalize("NFKC", s).strip()  # Ⅻ -> XII
    if not text or not (text.isupper() or text.islower()):
        return None
    text = text.upper()
    if not _ROMAN_RE.fullmatch(text):
        return None
    total = 0
    previous = 0
    for char in reversed(text):
        value = _ROMAN_VALUES[char]
        if value < previous:
            total -= value
        else:
            total += value
            previous = value
    return total


@functools.lru_cache(maxsize=1024)
def int_to_roman(n: int, lower: bool = False) -> str:
    """Roman numeral for 1..3999, upper case unless ``lower``."""
    if not 1 <= n <= 3999:
        raise ValueError(f"Roman numerals cover 1..3999, not {n}")
    parts: list[str] = []
    for value, symbol in _ROMAN_TABLE:
        count, n = divmod(n, value)
        parts.append(symbol * count)
    roman = "".join(parts)
    return roman.lower() if lower else roman


def _circled_value(char: str) -> int | None:
    code = ord(char)
    for first, last, base in _CIRCLED_RANGES:
        if first <= code <= last:
            return base + code - first
    return None


def marker_value(text: str) -> int | None:
    """Value of a numbered list marker: ㈠, (一), （一）, ①, ⑴, (1), ...

    Bare digits and bare Chinese numerals are not markers and give None.
    """
    s = text.strip()
    if len(s) == 1 and (circled := _circled_value(s)) is not None:
        return circled
    match = _BRACKETED_MARKER_RE.fullmatch(unicodedata.normalize("NFKC", s))
    if match is None:
        return None
    return chinese_to_int(match.group(1))


def letter_value(letter: str) -> int:
    """Position of a sub-paragraph letter: 'a' -> 1 ... 'z' -> 26 (case-insensitive)."""
    s = fold_width(letter).strip().lower()
    if len(s) != 1 or not "a" <= s <= "z":
        raise ValueError(f"not a single Latin letter: {letter!r}")
    return ord(s) - ord("a") + 1


def letter_for(n: int) -> str:
    """Sub-paragraph letter for a position: 1 -> 'a' ... 26 -> 'z'."""
    if not 1 <= n <= 26:
        raise ValueError(f"letters cover 1..26, not {n}")
    return chr(ord("a") + n - 1)
