"""Canonical references: dotted paths such as ``I.21``, ``V.2.e``, ``op.9.a``.

A canonical reference is written most significant part first, the way the
English version of a UN document prints it (see CONTRACT.md, "Canonical
references"). This module validates and formats canonical references, reads one
printed Chinese reference (``一.21``, ``8(e)``, ``3(b)㈡``) and expands a printed
list with ranges (``8(a)、(b)和(g)``, ``三.19-21``) into canonical references.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from pipeline.normalize.numerals import (
    CHINESE_NUMERAL_CHARS,
    chinese_to_int,
    int_to_roman,
    letter_for,
    letter_value,
    roman_to_int,
)

__all__ = [
    "PREFIXES",
    "Ref",
    "RefParseError",
    "expand_items",
    "expand_refs",
    "format_ref",
    "parse_ref",
    "printed_to_canonical",
]

# Instrument prefixes: preambular and operative paragraphs, annex.
PREFIXES: frozenset[str] = frozenset({"pp", "op", "annex"})

_INT_PART_RE = re.compile(r"[1-9][0-9]*")
_CAPITAL_RE = re.compile(r"[A-Z]")
_UPPER_RE = re.compile(r"[A-Z]+")
_LOWER_RE = re.compile(r"[a-z]+")


class RefParseError(ValueError):
    """A printed reference (or part of a printed list) could not be understood."""

    def __init__(self, fragment: str, text: str, reason: str) -> None:
        super().__init__(f"cannot read reference {fragment!r} in {text!r}: {reason}")
        self.fragment = fragment
        self.text = text
        self.reason = reason


def _valid_part(part: str, first: bool) -> bool:
    if part in PREFIXES:
        # A prefix names the instrument part, so only the head of a path has one.
        return first
    if _INT_PART_RE.fullmatch(part) or _CAPITAL_RE.fullmatch(part):
        return True
    if _UPPER_RE.fullmatch(part) or _LOWER_RE.fullmatch(part):
        # Multi-letter parts are Roman numerals; single lower-case letters are
        # sub-paragraphs (or Roman i, v, x, which print the same).
        return len(part) == 1 or roman_to_int(part) is not None
    return False


@dataclass(frozen=True)
class Ref:
    """A canonical reference: validated parts, most significant first."""

    parts: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("a reference needs at least one part")
        for index, part in enumerate(self.parts):
            if not isinstance(part, str) or not _valid_part(part, index == 0):
                raise ValueError(f"invalid reference part {part!r} in {self.parts!r}")

    def __str__(self) -> str:
        return format_ref(self)


def parse_ref(s: str) -> Ref:
    """Parse a canonical reference string such as ``II.A.1``; ValueError when invalid."""
    return Ref(tuple(s.split(".")))


def format_ref(ref: Ref) -> str:
    """The canonical string of a reference: its parts joined by dots."""
    return ".".join(ref.parts)


# --- printed references -------------------------------------------------------

# Levels of a printed reference, most significant first.
_CHAPTER, _SECTION, _PARAGRAPH, _SUB, _SUBSUB = range(5)

# Chapters run I..XX in practice: a Roman numeral made of I, V, X only (at most
# XXXIX) is read as a chapter, any other capital letter as a lettered section, so
# that C and D stay sections rather than chapters 100 and 500.
# Sub-sub-paragraphs are i..x in practice; allowing l, c, d, m would make (c)
# after (ii) read as Roman 100 rather than sub-paragraph (c).
_SMALL_ROMAN_RE = re.compile(r"[ivx]+")
_SMALL_UPPER_ROMAN_RE = re.compile(r"[IVX]+")

# One atom of a printed reference (after NFKC and removing whitespace).
_ATOM_RE = re.compile(
    r"\((?P<bracket>[^()]*)\)"
    rf"|(?P<cn>[{CHINESE_NUMERAL_CHARS}]+)"
    r"|(?P<num>[0-9]+)"
    r"|(?P<upper>[A-Z]+)"
    r"|(?P<lower>[a-z]+)"
    r"|(?P<dot>\.)"
)
# Items of a printed list. 以及 before 及 so that it is taken whole; 的 is a
# typo for 和 that real documents contain (一.28 的一.36).
_LIST_SEP_RE = re.compile(r"以及|、|,|和|及|与|的|(?<![A-Za-z])and(?![A-Za-z])")
# Range marks; after NFKC the full-width forms (－ ～) are ASCII.
_RANGE_SEP_RE = re.compile(r"[-‐‑‒–—―−~至到]")
_WHITESPACE_RE = re.compile(r"\s+")
# A range longer than this is a misreading, not a list of paragraphs.
_MAX_RANGE = 500

_Level = tuple[int, int]  # (level, value)


class _AtomError(ValueError):
    """Internal: an item could not be read; carries the reason."""


def _normalize(text: str) -> str:
    # NFKC folds full-width forms and turns ㈡ into (二).
    return unicodedata.normalize("NFKC", text)


def _atoms(item: str) -> list[tuple[str, str]]:
    """Split one printed reference (no whitespace) into (kind, text) atoms."""
    atoms: list[tuple[str, str]] = []
    pos = 0
    while pos < len(item):
        match = _ATOM_RE.match(item, pos)
        if match is None:
            raise _AtomError(f"unexpected character {item[pos]!r}")
        kind = match.lastgroup
        assert kind is not None  # every alternative is a named group
        atoms.append((kind, match.group(kind)))
        pos = match.end()
    if not atoms:
        raise _AtomError("empty reference")
    kinds = [kind for kind, _ in atoms]
    if kinds[0] == "dot" or kinds[-1] == "dot":
        raise _AtomError("a dot must stand between two parts")
    if any(a == b == "dot" for a, b in pairwise(kinds)):
        raise _AtomError("two dots in a row")
    return [atom for atom in atoms if atom[0] != "dot"]


def _small_roman(text: str) -> int | None:
    return roman_to_int(text) if _SMALL_ROMAN_RE.fullmatch(text) else None


def _lower_level(text: str, last: int | None) -> _Level:
    """Read a lower-case atom after a part at level ``last``."""
    if last == _SUB:
        value = _small_roman(text)
        if value is None:
            raise _AtomError(f"{text!r} is not a Roman sub-sub-paragraph")
        return (_SUBSUB, value)
    if last == _PARAGRAPH and len(text) == 1:
        return (_SUB, letter_value(text))
    raise _AtomError(f"sub-paragraph {text!r} is not under a paragraph")


def _classify(kind: str, text: str, last: int | None) -> _Level:
    """Level and value of one atom following a part at level ``last``."""
    if kind == "cn":
        value = chinese_to_int(text)
        if last is not None or value is None or value < 1:
            raise _AtomError(f"{text!r} is not a chapter number")
        return (_CHAPTER, value)
    if kind == "upper":
        if last is None and _SMALL_UPPER_ROMAN_RE.fullmatch(text):
            value = roman_to_int(text)
            if value is not None:
                return (_CHAPTER, value)
        if (last is None or last == _CHAPTER) and len(text) == 1:
            return (_SECTION, ord(text) - ord("A") + 1)
        raise _AtomError(f"{text!r} is neither a chapter nor a section")
    if kind == "num":
        value = int(text)
        if last is not None and last >= _PARAGRAPH:
            raise _AtomError(f"paragraph number {text!r} after a paragraph")
        if value < 1:
            raise _AtomError("paragraph numbers start at 1")
        return (_PARAGRAPH, value)
    if kind == "lower":
        return _lower_level(text, last)
    # A bracketed part: (a) sub-paragraph, (ii) or (二) sub-sub-paragraph.
    inner = text.strip()
    if _LOWER_RE.fullmatch(inner):
        return _lower_level(inner, last)
    value = chinese_to_int(inner) if inner and inner[0] in CHINESE_NUMERAL_CHARS else None
    if value is not None and value >= 1 and last == _SUB:
        return (_SUBSUB, value)
    raise _AtomError(f"({inner}) cannot follow the preceding part")


def _read(item: str, context: tuple[_Level, ...] | None) -> tuple[_Level, ...]:
    """Read one printed reference, relative to ``context`` when it starts low.

    A reference that starts below a chapter (``21``, ``(f)``) takes the parts
    above its first level from ``context``, the previous item of its list.
    """
    atoms = _atoms(item)
    kind, text = atoms[0]
    levels: list[_Level] = []
    first = _first_atom(kind, text, context)
    if context is not None:
        levels.extend(part for part in context if part[0] < first[0])
    levels.append(first)
    for kind, text in atoms[1:]:
        levels.append(_classify(kind, text, levels[-1][0]))
    return tuple(levels)


def _first_atom(kind: str, text: str, context: tuple[_Level, ...] | None) -> _Level:
    """Classify the first atom of an item, which may continue its context."""
    if context is None:
        return _classify(kind, text, None)
    lower = text.strip() if kind == "bracket" else text
    if kind in ("lower", "bracket") and _LOWER_RE.fullmatch(lower):
        # (f) after 8(e) is another sub-paragraph; (ii) after 3(b)(i) another
        # sub-sub-paragraph; (c) after (ii) is a sub-paragraph again.
        last = context[-1][0]
        if last == _SUBSUB and _small_roman(lower) is not None:
            return _lower_level(lower, _SUB)
        if any(level == _PARAGRAPH for level, _ in context):
            return _lower_level(lower, _PARAGRAPH)
        raise _AtomError(f"sub-paragraph {text!r} has no paragraph to attach to")
    if kind == "bracket":
        # (二) after 3(b)㈠: another sub-sub-paragraph of the same sub-paragraph.
        if any(level == _SUB for level, _ in context):
            return _classify(kind, text, _SUB)
        raise _AtomError(f"({lower}) has no sub-paragraph to attach to")
    # Anything else reads as at the head of a reference; _read then takes the
    # levels above it from the context (B.3 after II.A.1 stays in chapter II).
    return _classify(kind, text, None)


def _canonical(levels: tuple[_Level, ...]) -> str:
    parts: list[str] = []
    for level, value in levels:
        if level == _CHAPTER:
            parts.append(int_to_roman(value))
        elif level == _SECTION:
            parts.append(chr(ord("A") + value - 1))
        elif level == _PARAGRAPH:
            parts.append(str(value))
        elif level == _SUB:
            parts.append(letter_for(value))
        else:
            parts.append(int_to_roman(value, lower=True))
    return ".".join(parts)


def _require_paragraph(levels: tuple[_Level, ...]) -> None:
    if not any(level == _PARAGRAPH for level, _ in levels):
        raise _AtomError("a reference needs a paragraph number")


def printed_to_canonical(text: str) -> str | None:
    """One printed reference to canonical form (``一.21`` -> ``I.21``, ``8(e)`` -> ``8.e``).

    Returns None when the text is not a single complete reference; a bare
    sub-paragraph such as ``(f)`` is relative to a previous item and so is None
    here (see :func:`expand_refs`).
    """
    item = _WHITESPACE_RE.sub("", _normalize(text))
    try:
        levels = _read(item, None)
        _require_paragraph(levels)
    except ValueError:  # _AtomError, or a value no numeral helper accepts
        return None
    return _canonical(levels)


def _expand_range(left: tuple[_Level, ...], right: tuple[_Level, ...]) -> list[tuple[_Level, ...]]:
    """All references from ``left`` to ``right``, which differ in their last part only."""
    if [level for level, _ in left] != [level for level, _ in right]:
        raise _AtomError("the two ends of a range have different shapes")
    if left[:-1] != right[:-1]:
        raise _AtomError("a range may vary in its last part only")
    level, start = left[-1]
    end = right[-1][1]
    if end < start:
        raise _AtomError("a range must run upwards")
    if end - start >= _MAX_RANGE:
        raise _AtomError("range too long")
    return [(*left[:-1], (level, value)) for value in range(start, end + 1)]


def split_items(text: str) -> list[tuple[str, str]]:
    """Split a list at its separators: (item, item with its neighbouring separators)."""
    bounds = [(0, 0), *((m.start(), m.end()) for m in _LIST_SEP_RE.finditer(text))]
    bounds.append((len(text), len(text)))
    return [
        (text[before[1] : after[0]], text[before[0] : after[1]])
        for before, after in pairwise(bounds)
    ]


def expand_refs(text: str) -> list[str]:
    """Expand a printed list of references with ranges into canonical references.

    ``7(d) 和 8(e) 及 (f)`` -> ``["7.d", "8.e", "8.f"]``; ``三.19-21`` ->
    ``["III.19", "III.20", "III.21"]``. An item that starts below a chapter
    inherits the parts above it from the previous item: ``(f)`` after ``8(e)``
    is ``8.f``, ``22`` after ``一.21`` is ``I.22``. Blank text gives []. Raises
    RefParseError, carrying the fragment, when any part of the text cannot be
    read; nothing is dropped silently.
    """
    return [ref for _, refs in expand_items(text) for ref in refs]


def expand_items(text: str) -> list[tuple[str, list[str]]]:
    """:func:`expand_refs` item by item: each item of the list as split (after
    NFKC, with its whitespace) and the canonical references it expands to, in
    one pass over the list. Raises RefParseError as :func:`expand_refs` does."""
    normalized = _normalize(text)
    if not normalized.strip():
        return []
    result: list[tuple[str, list[str]]] = []
    context: tuple[_Level, ...] | None = None
    for piece, around in split_items(normalized):
        item = _WHITESPACE_RE.sub("", piece)
        try:
            if not item:
                # Report the separators around the gap: the empty piece says nothing.
                raise RefParseError(around, text, "empty item between separators")
            ends = _RANGE_SEP_RE.split(item)
            if len(ends) > 2:
                raise _AtomError("more than one range mark")
            left = _read(ends[0], context)
            _require_paragraph(left)
            if len(ends) == 2:
                right = _read(ends[1], left)
                expanded = _expand_range(left, right)
            else:
                expanded = [left]
        except _AtomError as error:
            raise RefParseError(piece.strip(), text, str(error)) from None
        result.append((piece, [_canonical(levels) for levels in expanded]))
        context = expanded[-1]
    return result
