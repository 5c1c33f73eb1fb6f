"""State names as printed in UN Chinese documents to ISO 3166-1 alpha-3 codes.

Names come from two sources: pycountry's Chinese (``zh_CN``) translations of
each country's ``name``, ``official_name`` and ``common_name``, and the alias
file ``pipeline/data/country_aliases.csv`` (columns ``alias,iso3,note``) with the
UN's own Chinese usage, which pycountry does not always follow (``危地马拉``
where pycountry has ``瓜地马拉``, ``俄罗斯联邦``, ``罗马教廷``, ``联合王国``, former
names such as ``前南斯拉夫的马其顿共和国``). Where both give a name, the alias file
wins.

Organizations (``欧洲联盟``) are not states and resolve to ``None``.
"""

from __future__ import annotations

import csv
import functools
import gettext
import re
import unicodedata
from collections.abc import Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path

import pycountry

from pipeline.vocab import data_path

__all__ = ["CountryResolver", "default_resolver", "name_key", "resolve_country"]

ALIASES_FILE = "country_aliases.csv"
ALIAS_COLUMNS = ("alias", "iso3", "note")
_NAME_ATTRIBUTES = ("name", "official_name", "common_name")

# A pycountry translation that fell back to English has no Chinese character.
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# A trailing bracketed remark ("萨尔瓦多（代表拉丁美洲和加勒比国家组）"), after NFKC.
_TRAILING_REMARK_RE = re.compile(r"\([^()]*\)$")
# Separators of a printed list of states; "和"/"及" are handled apart because
# they also occur inside names (波斯尼亚和黑塞哥维那, 共和国).
_LIST_SEPARATORS = frozenset("、，,；;")
_CONJUNCTIONS = ("以及", "和", "及")
_OPENING = frozenset("（(")
_CLOSING = frozenset("）)")


def name_key(name: str) -> str:
    """Lookup key of a printed name: NFKC (full-width brackets, spaces) and no whitespace.

    Chinese state names have no spaces, so any whitespace is a wrap or padding.
    """
    return "".join(unicodedata.normalize("NFKC", name).split())


def _pycountry_names() -> Iterator[tuple[str, str]]:
    """(Chinese name, alpha_3) for each country's name, official and common name."""
    # fallback=True: without the catalog gettext returns the English names,
    # which the CJK filter drops, so the alias file still works on its own.
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True
    )
    for country in pycountry.countries:
        for attribute in _NAME_ATTRIBUTES:
            english = getattr(country, attribute, None)
            if not english:
                continue
            chinese = translation.gettext(english)
            if _CJK_RE.search(chinese):
                yield chinese, country.alpha_3


def _read_aliases(source: Traversable | Path) -> list[tuple[str, str]]:
    """(alias, iso3) rows of the alias file, checked against pycountry."""
    with source.open("r", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ALIAS_COLUMNS:
            raise ValueError(f"{source}: expected columns {ALIAS_COLUMNS}, got {reader.fieldnames}")
        rows = [(row["alias"].strip(), row["iso3"].strip()) for row in reader]
    for alias, iso3 in rows:
        if not alias or pycountry.countries.get(alpha_3=iso3) is None:
            raise ValueError(f"{source}: bad alias row {alias!r},{iso3!r}")
    return rows


def _default_aliases() -> Traversable:
    return data_path(ALIASES_FILE)


class CountryResolver:
    """Resolves printed Chinese state names to ISO 3166-1 alpha-3 codes."""

    def __init__(self, aliases: Traversable | Path | None = None) -> None:
        source = aliases if aliases is not None else _default_aliases()
        self._names: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        for name, iso3 in _pycountry_names():
            self._add(name, iso3)
        alias_keys: dict[str, str] = {}
        for alias, iso3 in _read_aliases(source):
            key = name_key(alias)
            if alias_keys.setdefault(key, iso3) != iso3:
                raise ValueError(f"{source}: alias {alias!r} given two codes")
            # UN usage overrides pycountry's translation where they disagree.
            self._add(alias, iso3)

    def _add(self, name: str, iso3: str) -> None:
        self._names[name] = iso3
        self._by_key[name_key(name)] = iso3

    def resolve(self, name: str) -> str | None:
        """ISO alpha-3 code of a state name as printed, or ``None`` if not a known state.

        Surrounding (and wrap) whitespace, full-width included, is ignored;
        bracketed remarks such as ``（代表…）`` are the caller's to remove.
        """
        return self._by_key.get(name_key(name))

    def known_names(self) -> dict[str, str]:
        """Every name the resolver knows, as written in its source, to its code."""
        return dict(self._names)

    def split_names(self, text: str) -> list[str]:
        """Split a printed list of states (``甲、乙和丙``) into names as printed.

        Splits on ``、`` ``，`` outside brackets, then on ``和``/``及`` only where
        that leaves a known state on one side, so that ``波斯尼亚和黑塞哥维那`` and
        ``…共和国`` stay whole. Items are stripped; unknown items (organizations)
        are kept as printed.
        """
        names: list[str] = []
        for piece in _split_outside_brackets(text):
            names.extend(self._split_conjunction(piece))
        return names

    def _is_state(self, piece: str) -> bool:
        key = name_key(piece)
        return key in self._by_key or _TRAILING_REMARK_RE.sub("", key) in self._by_key

    def _split_conjunction(self, piece: str) -> list[str]:
        if self._is_state(piece):
            return [piece]
        # "甲、乙、以及丙" / "甲、乙、和丙": a conjunction after the separator.
        for conjunction in _CONJUNCTIONS:
            rest = piece.strip().removeprefix(conjunction).strip()
            if rest != piece.strip() and self._is_state(rest):
                return [rest]
        cuts = list(_conjunction_cuts(piece))
        # Prefer a known state on the left ("甲和乙和丙" reads left to right),
        # then one on the right ("欧洲联盟和美国").
        for start, end in cuts:
            left, right = piece[:start].strip(), piece[end:].strip()
            if left and right and self._is_state(left):
                return [left, *self._split_conjunction(right)]
        for start, end in cuts:
            left, right = piece[:start].strip(), piece[end:].strip()
            if left and right and self._is_state(right):
                return [left, right]
        return [piece]


def _split_outside_brackets(text: str) -> Iterator[str]:
    """Pieces of ``text`` between list separators that are not inside brackets."""
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and char in _LIST_SEPARATORS:
            yield from _non_empty("".join(current))
            current = []
        else:
            current.append(char)
    yield from _non_empty("".join(current))


def _non_empty(piece: str) -> Iterable[str]:
    stripped = piece.strip()
    return [stripped] if stripped else []


def _conjunction_cuts(piece: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each conjunction outside brackets, left to right."""
    depth = 0
    index = 0
    while index < len(piece):
        char = piece[index]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif depth == 0:
            for conjunction in _CONJUNCTIONS:
                if piece.startswith(conjunction, index):
                    yield index, index + len(conjunction)
                    break
        index += 1


@functools.cache
def default_resolver() -> CountryResolver:
    """The resolver built from pycountry and the packaged alias file, built once."""
    return CountryResolver()


def resolve_country(name: str) -> str | None:
    """``default_resolver().resolve(name)``."""
    return default_resolver().resolve(name)
