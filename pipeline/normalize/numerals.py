"""Numerals: Chinese, Arabic (ASCII and full-width), Roman, list markers and letters.

Chinese numerals are read with cn2an in its "normal" mode, which accepts 〇 and 两
and digit-by-digit years (二〇一七); "strict" mode rejects both. Only the parts
cn2an does not cover are done here: the ordinal prefix 第, and Arabic digits
(normal mode rejects them and "smart" mode returns floats for them).
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
    # cn2an takes ~20 µs a call, and a report reads the same few numerals
    # thousands of times (an index's references): remember them. Imported on
    # first use: cn2an compiles its patterns on import (a quarter of a second).
    import cn2an

    try:
        value = cn2an.cn2an(s, "normal")
    except ValueError:
        return None
    # cn2an returns an int here, but guard against a float sneaking through.
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if value >= 0 else None


def int_to_chinese(n: int) -> str:
    """Write a non-negative integer in Chinese numerals (e.g. 172 -> 一百七十二)."""
    if n < 0:
        raise ValueError(f"negative numbers are not supported: {n}")
    import cn2an

    return cn2an.an2cn(n)


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
