"""UN document symbols cited in text: ``CTOC/COP/WG.4/2018/CRP.1``, ``A/60/88``.

The grammar is the general one of UN symbols, not a list of known documents: a
series prefix of capitals (``A``, ``E``, ``CTOC``, ``UNODC`` …) followed by
``/``-separated components, each capitals (``COP``, ``INF``), capitals with a
dotted number (``WG.7``, ``CONF.192``, ``L.4``, ``CRP.1``), a number (``2012``),
or a capitalised suffix with a number (``Rev.2``, ``Add.1``, ``Corr.2``). At
least one component carries a digit, which keeps out ``HIV/AIDS``-like pairs.

Job numbers (``V.12-57117``), sales numbers (``E.11.V.9``), resolution numbers
(``6/1``, ``2014/23``) and dates have no capital prefix followed by ``/``, so
the grammar never reads them as symbols.

Text is one paragraph whose hard line wraps were joined: a wrap inside a symbol
leaves whitespace after a ``/`` (``CTOC/COP/ WG.8/2016/2``), which is accepted
there and only there. Symbols abbreviated after a first one (``A/60/88 和
Corr.2``, ``CTOC/COP/2012/L.1 和 Add.1-9``) are expanded to full symbols.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["SymbolMatch", "find_symbols", "is_symbol", "normalize_symbol"]

# A line wrap joined inside a symbol leaves a few spaces (or, in text that was
# not joined, a newline) right after a slash.
_WRAP = r"\s{0,4}"
# Full-width solidus: NFKC maps it to "/" when the symbol is normalized.
_SLASH = r"[/\uff0f]"
# A component must end here: not followed by more letters/digits, nor by a dot
# that starts another part ("15.3"), so a partial component is never taken.
_COMPONENT_END = r"(?![A-Za-z0-9]|\.[A-Za-z0-9])"
_COMPONENT = (
    r"(?:"
    r"[A-Z][a-z]{1,7}\.\d{1,4}"  # Rev.2, Add.1, Corr.2, Amend.1, Sub.2
    r"|[A-Z]{1,12}(?:\.(?:\d{1,5}|[A-Z]{1,3}))?"  # COP, INF, WG.7, CONF.192, L.4, SER.A
    r"|\d{1,6}"  # 2012, 15, 88
    r")" + _COMPONENT_END
)
# Not inside a longer word, a number, a host name ("WWW.UN.ORG/…") or a file
# name; a preceding "/" is allowed so that symbols inside URLs are found.
_SYMBOL_START = r"(?<![A-Za-z0-9._])"
_SYMBOL_BODY = rf"[A-Z]{{1,10}}(?:{_SLASH}{_WRAP}{_COMPONENT})++"
# The possessive repetition has taken every component it can; a symbol that
# still goes on ("A/60/88abc", "A/60/88x/1") is not a symbol at all.
_SYMBOL_STOP = rf"(?![A-Za-z0-9]|{_SLASH}{_WRAP}[A-Za-z0-9])"

SYMBOL_RE = re.compile(_SYMBOL_START + _SYMBOL_BODY + _SYMBOL_STOP)
_SYMBOL_FULL_RE = re.compile(_SYMBOL_BODY)
_DIGIT_RE = re.compile(r"\d")

# Suffix words that UN documents print alone after a full symbol.
_SUFFIX_WORD = r"(?:Add|Corr|Rev|Amend|Suppl)"
_RANGE_DASH = r"[-\u2010-\u2015\u2212至]"
_SUFFIX_ITEM = (
    rf"{_SUFFIX_WORD}\.\d{{1,3}}"
    rf"(?:\s{{0,2}}{_RANGE_DASH}\s{{0,2}}(?:{_SUFFIX_WORD}\.)?\d{{1,3}})?" + _COMPONENT_END
)
_SUFFIX_ITEM_RE = re.compile(_SUFFIX_ITEM)
_SUFFIX_PARTS_RE = re.compile(rf"(?P<word>{_SUFFIX_WORD})\.(?P<first>\d+)(?:.*?(?P<last>\d+))?$")
_SUFFIX_SEP = r"\s{0,3}(?:、|,|，|和|及|以及|and|&)\s{0,3}"
# "A/60/88 和 Corr.2", "CTOC/COP/2012/L.1 和 Add.1-9", "X 及 Add.1、Add.2 和 Corr.1".
_SUFFIX_TAIL_RE = re.compile(
    rf"{_SUFFIX_SEP}(?P<items>{_SUFFIX_ITEM}(?:{_SUFFIX_SEP}{_SUFFIX_ITEM})*)"
)
# "…/L.1/Add.1-9": a range printed right after a suffix component of the symbol.
_ENDS_WITH_SUFFIX_RE = re.compile(rf"/{_SUFFIX_WORD}\.\d+$")
_RANGE_TAIL_RE = re.compile(rf"\s{{0,2}}{_RANGE_DASH}\s{{0,2}}(?P<last>\d{{1,3}})(?![\d./A-Za-z])")
_SUFFIX_NUMBER_RE = re.compile(r"(?P<word>[A-Za-z]+)\.(?P<number>\d+)$")

# A printed range longer than this is a misprint, not a list of addenda.
_MAX_RANGE = 99


@dataclass(frozen=True)
class SymbolMatch:
    """One symbol found in text: normalized ``symbol`` and the printed span.

    For a suffix printed on its own (``Corr.2`` in ``A/60/88 和 Corr.2``) the
    span and ``raw`` are those of the suffix item as printed (``Add.1-9`` for
    each of the nine addenda it stands for).
    """

    symbol: str
    start: int
    end: int
    raw: str


def normalize_symbol(raw: str) -> str:
    """Printed symbol to its normal form: NFKC, no whitespace (``CTOC/COP/ 2012/6``)."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


def is_symbol(s: str) -> bool:
    """Whether ``s`` (after normalization) is one UN document symbol."""
    normalized = normalize_symbol(s)
    return _SYMBOL_FULL_RE.fullmatch(normalized) is not None and _has_digit_component(normalized)


def _has_digit_component(symbol: str) -> bool:
    # The prefix never has a digit, so any digit is in a component.
    return _DIGIT_RE.search(symbol) is not None


def _expand_item(base: str, item: str) -> list[str]:
    """``Add.1-9`` after ``base`` to ``base/Add.1`` … ``base/Add.9``."""
    parts = _SUFFIX_PARTS_RE.match(normalize_symbol(item))
    if parts is None:  # pragma: no cover - the item pattern guarantees the shape
        return []
    word, first = parts["word"], int(parts["first"])
    last = int(parts["last"]) if parts["last"] is not None else first
    if last < first or last - first > _MAX_RANGE:
        numbers = [first] if last == first else [first, last]
    else:
        numbers = list(range(first, last + 1))
    return [f"{base}/{word}.{n}" for n in numbers]


def find_symbols(text: str) -> list[SymbolMatch]:
    """Every UN document symbol cited in one paragraph, in order of appearance."""
    found: list[SymbolMatch] = []
    for match in SYMBOL_RE.finditer(text):
        raw = match.group()
        symbol = normalize_symbol(raw)
        if not _has_digit_component(symbol):
            continue
        found.append(SymbolMatch(symbol, match.start(), match.end(), raw))
        if _ENDS_WITH_SUFFIX_RE.search(symbol):
            dash = _RANGE_TAIL_RE.match(text, match.end())
            if dash is not None:
                found.extend(_range_after(symbol, match, dash, text))
        tail = _SUFFIX_TAIL_RE.match(text, match.end())
        if tail is None:
            continue
        # The suffixes qualify the symbol they follow ("A/60/88 和 Corr.2").
        for item in _SUFFIX_ITEM_RE.finditer(text, tail.start("items"), tail.end("items")):
            for expanded in _expand_item(symbol, item.group()):
                found.append(SymbolMatch(expanded, item.start(), item.end(), item.group()))
    return found


def _range_after(
    symbol: str, match: re.Match[str], dash: re.Match[str], text: str
) -> list[SymbolMatch]:
    """``…/L.1/Add.1-9``: the addenda after the first one the symbol names.

    Their span is the printed range (``Add.1-9``), like a suffix item's.
    """
    last_part = _SUFFIX_NUMBER_RE.search(symbol)
    if last_part is None:  # pragma: no cover - checked by the caller
        return []
    base = symbol[: last_part.start()].rstrip("/")
    first, last = int(last_part["number"]), int(dash["last"])
    if last <= first or last - first > _MAX_RANGE:
        return []
    # Wrap spaces only follow a slash, so the last component is printed as is.
    start = match.end() - len(last_part.group())
    raw = text[start : dash.end()]
    return [
        SymbolMatch(f"{base}/{last_part['word']}.{n}", start, dash.end(), raw)
        for n in range(first + 1, last + 1)
    ]
