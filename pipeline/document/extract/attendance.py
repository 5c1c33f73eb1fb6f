"""Participants: attendance lists, the bureau, speakers and sponsors → ``participants``.

One row per mention of a participant. Every rule keys on the structure of the
sentences UN editors write and on fixed phrases kept in data files
(``pipeline/data/attendance_*``), never on a particular document:

* Attendance: ``以下<descriptor>派<marker>出席了…：<list>`` (the descriptor holds a
  category word such as 缔约国, 签署国, 政府间组织, whatever instrument it names),
  ``<subject>(作为…)派<marker>出席了…`` (``区域经济一体化组织欧洲联盟作为…缔约方派代表
  出席了会议``) and ``派<marker>出席会议的有：<list>``. Counts stated in prose
  (``108 个《公约》缔约国…派代表出席了…``) give no rows but an ``info`` finding
  ``attendance_count`` each, and :func:`stated_counts` returns them.
* Speakers: ``以下<descriptor>的代表…作了发言：<list>``, ``<list>的代表作了发言``,
  ``签署国<name>的观察员也作了发言``, ``…听取了<list>的观察员所作的发言``,
  ``作开幕发言的有：<list>``, ``<organization>也作了发言``.
* Sponsors of draft resolutions: ``该草案的提案方为<list>``.
* Bureau and panels: ``<role word>: Name（State）`` lines (the lines after one
  without a role word continue its role) and the same in prose
  (``工作组主席 Name（State）宣布会议开幕``, ``由以下讨论小组成员引导：Name（State）、…``).

Column values:

* ``role``: ``delegation`` (attended, sent representatives), ``observer``
  (attended as an observer), ``speaker``, ``sponsor``, and the bureau and panel
  roles of ``attendance_roles.csv`` (``chair``, ``vice_chair``, ``rapporteur``,
  ``co_chair``, ``panelist`` …).
* ``category``: ``state_party``, ``signatory``, ``non_signatory_state``,
  ``regional_organization``, ``intergovernmental_organization``, ``un_entity``,
  ``specialized_agency``, ``pni_institute``, ``observer_entity``, ``ngo``. A
  category stated in the sentence wins; else the category the same document
  states for that participant elsewhere (its attendance lists); else, for an
  organization, the one in ``attendance_organizations.csv``; else, for a State,
  the default of the marker (a State's representatives are a party's, a State's
  observer not said to be a signatory is a non-signatory). Persons (bureau,
  panelists) have none.
* ``agenda_item``: the canonical items (``2.a``), comma-separated in printed
  order with ranges expanded (``议程项目 2 至 5`` → ``2,3,4,5``). A speakers
  sentence that names items uses them, and the sentences after it in the same
  section inherit them; otherwise the item that the section (or an enclosing
  one) says it considered (``审议了议程项目 2(a)``). Sponsors take the section's
  item; attendance and bureau rows have none.
* ``paragraph_number``: the numbered paragraph naming the participant, or the
  one enclosing an unnumbered block (a bureau line under paragraph 6).

Names that hold a list separator or a conjunction (联合国教育、科学及文化组织,
外交、欧洲和国际事务部长) are matched against the vocabularies before a list is
split. States resolve through :func:`pipeline.normalize.countries.default_resolver`
(long forms such as 日本国 through ``country_aliases.csv``); an item that is
neither a known State nor recognisably an organization is an ``unknown_country``
warning and no row. A speaker on behalf of a group (``甲代表77国集团和中国``,
``甲（代表…）``) is the speaker. A State the attendance lists give both as a
party and as a signatory is an ``attendance_party_and_signatory`` warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.document.clean import tidy_spacing
from pipeline.document.extract import DocContext
from pipeline.models import Block, StatedCount
from pipeline.normalize.countries import CountryResolver, default_resolver, name_key
from pipeline.normalize.numerals import chinese_to_int, fold_width
from pipeline.normalize.refs import RefParseError, expand_refs
from pipeline.records import ParticipantRow
from pipeline.vocab import read_lines, read_rows

__all__ = [
    "Vocabulary",
    "agenda_item_list",
    "clean_name",
    "extract_participants",
    "load_vocabulary",
    "stated_counts",
]


# Kinds of blocks that never hold participants (rows of a converted table).
_SKIPPED_KINDS = frozenset({"table_row"})
# Roles of an attendance list.
_ATTENDANCE_ROLES = frozenset({"delegation", "observer"})
# Blocks that end the scope of a numbered paragraph.
_SCOPE_KINDS = frozenset({"chapter", "section", "subheading"})
# Roles of the bureau: each officer is one row however often the text names them.
_OFFICER_ROLES = frozenset({"chair", "vice_chair", "rapporteur", "acting_chair", "co_chair"})
# A chair given in prose: 会议由 Thomas Burrows（美利坚合众国）主持.
_PRESIDED_BY = re.compile(r"由\s*(?=[A-Za-z\u00c0-\u024f])")
_PRESIDED = re.compile(r"\s*主持")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
# A person's name as UN Chinese reports print it: Latin script, or a short
# Chinese name.
_LATIN_NAME = re.compile(rf"[{_LATIN}][{_LATIN}.'’\- ]*")
_CJK_NAME = re.compile(rf"[{_CJK}·]{{2,8}}")
# The State in brackets after a person: Chinese characters only.
_BRACKET_STATE = re.compile(rf"[{_CJK}·]{{2,20}}")
_PERSON_ITEM = re.compile(r"\s*(?P<name>[^()（）、，,；;：:。]+?)\s*\((?P<state>[^()]+)\)")
# Items may run on with no separator at all where a layout's line breaks were
# joined ("…（罗马尼亚）Eugenio María Curia（阿根廷）").
_PERSON_SEPARATOR = re.compile(r"\s*(?:[、，,；;]|以及|和|及)?\s*")
_NUMERAL = r"[0-9]+|[〇零一二两三四五六七八九十百千]+"
# A count: "108 个", "一个"; "这两个签署国" is an apposition, not a count.
_COUNT = re.compile(rf"(?<![这些])(?P<n>{_NUMERAL})\s*个")
_REMARK = re.compile(r"\s*\([^()]*\)\s*$")
# Only 以及 is always a conjunction at the head of an item; 和 and 及 also begin
# names (和平…), so they are taken off only before a known name (see _Names).
_LEADING_CONJUNCTION = re.compile(r"^以及\s*")
_LEADING_AND = re.compile(r"^(?:和|及)\s*")
_SEPARATOR_AND_ALSO = re.compile(r"([、，,；;])\s*以及\s*")
# "也在议程项目3下作了发言": where the speech was made, between subject and verb.
_UNDER_ITEM = r"在[^，,。：:；;]{1,30}?下"
# "代表" before a group a speaker speaks for (not inside a bracketed remark).
_ON_BEHALF = re.compile(r"代表(?![^()（）]*[)）])")
_CLAUSE_BREAK = frozenset("，,；;：:。")
# Marks that split a list, hidden inside vocabulary names while a list is split.
_GUARDED_MARKS = re.compile("[、，,和及与]")
_MASK = str.maketrans(
    {"、": "\ue000", "，": "\ue001", ",": "\ue002", "和": "\ue003", "及": "\ue004", "与": "\ue005"}
)
_UNMASK = {ord(masked): chr(mark) for mark, masked in _MASK.items()}
_SENTENCE_END = frozenset("。！？!?")
_SENTENCE_MARKS = re.compile("[" + re.escape("(（)）" + "".join(sorted(_SENTENCE_END))) + "]")

# An agenda item reference list: "2", "2(a)", "2 至 5", "3 和 4", "2(a)和(b)".
_ITEM = r"[0-9]+\s*(?:\(\s*[a-z]\s*\))?"
_SUB = r"\(\s*[a-z]\s*\)"
_ITEM_SEP = r"\s*(?:至|到|-|–|—|以及|和|、|及)\s*"
_REF_LIST = rf"{_ITEM}(?:{_ITEM_SEP}(?:{_ITEM}|{_SUB}))*"


# --- vocabulary ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryWord:
    """A category word of attendance lists (缔约国 → state_party)."""

    word: str
    category: str
    entity_type: str
    in_name: bool


@dataclass(frozen=True, slots=True)
class Marker:
    """How a participant took part: 代表 (representatives), 观察员 (observers)."""

    phrase: str
    role: str
    default_category: str | None


@dataclass(frozen=True)
class Vocabulary:
    """The fixed phrases, category words, role words and names the rules use."""

    categories: tuple[CategoryWord, ...]
    markers: tuple[Marker, ...]
    attend_markers: tuple[Marker, ...]
    phrases: dict[str, tuple[str, ...]]
    roles: dict[str, str]
    titles: dict[str, str]
    org_heads: tuple[str, ...]
    organizations: dict[str, str]

    def category(self, word: str) -> CategoryWord:
        """The entry of a category word as matched (``非《公约》签署国`` is ``非签署国``)."""
        word = _INSTRUMENT_NAME.sub("", word)
        return next(entry for entry in self.categories if entry.word == word)

    def marker(self, phrase: str) -> Marker:
        return next(m for m in (*self.markers, *self.attend_markers) if m.phrase == phrase)


@functools.cache
def load_vocabulary() -> Vocabulary:
    """Read the ``attendance_*`` data files once."""
    phrases: dict[str, list[str]] = {}
    markers: list[Marker] = []
    attend_markers: list[Marker] = []
    for row in read_rows("attendance_phrases.csv"):
        if row["kind"] in ("marker", "attend_marker"):
            marker = Marker(row["phrase"], row["role"], row["category"] or None)
            (markers if row["kind"] == "marker" else attend_markers).append(marker)
        else:
            phrases.setdefault(row["kind"], []).append(row["phrase"])
    return Vocabulary(
        categories=tuple(
            CategoryWord(row["word"], row["category"], row["entity_type"], row["in_name"] == "yes")
            for row in read_rows("attendance_categories.csv")
        ),
        markers=tuple(markers),
        attend_markers=tuple(attend_markers),
        phrases={kind: tuple(values) for kind, values in phrases.items()},
        roles={row["word"]: row["role"] for row in read_rows("attendance_roles.csv")},
        titles={row["title"]: row["kind"] for row in read_rows("attendance_titles.csv")},
        org_heads=read_lines("attendance_org_heads.txt"),
        organizations={
            name_key(row["name"]): row["category"]
            for row in read_rows("attendance_organizations.csv")
        },
    )


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so that 副主席 wins over 主席."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


# An instrument's name may stand between a negation and its category word:
# 非《公约》签署国 is a 非签署国 (of the Convention).
_INSTRUMENT_NAME = re.compile(r"《[^《》]{1,40}》")


def _category_alt(words: Iterable[str]) -> str:
    """:func:`_alt` of the category words, a 非 word allowing an instrument's name
    after its 非."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        if word.startswith("非"):
            parts.append("非(?:" + _INSTRUMENT_NAME.pattern + ")?" + re.escape(word[1:]))
        else:
            parts.append(re.escape(word))
    return "|".join(parts)


@dataclass(frozen=True)
class _Patterns:
    category: re.Pattern[str]
    appositive: re.Pattern[str]
    attend_list: re.Pattern[str]
    attend_have: re.Pattern[str]
    attend_subject: re.Pattern[str]
    attend_verb: re.Pattern[str]
    speech_list: re.Pattern[str]
    speech_have: re.Pattern[str]
    speech_subject: re.Pattern[str]
    marker_joint: re.Pattern[str]
    namely: re.Pattern[str]
    speech_bare: re.Pattern[str]
    sponsor: re.Pattern[str]
    consider: re.Pattern[str]
    item: re.Pattern[str]
    role: re.Pattern[str]
    intro: re.Pattern[str]
    hear: re.Pattern[str]
    quantifier: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    v = load_vocabulary()
    p = v.phrases
    cats = _category_alt(entry.word for entry in v.categories)
    markers = _alt(m.phrase for m in v.markers)
    attend_markers = _alt(m.phrase for m in (*v.markers, *v.attend_markers))
    intro = _alt(p["list_intro"])
    attend = _alt(p["attend_verb"])
    speech = _alt(p["speech_verb"])
    also = r"(?:也|还)?"
    return _Patterns(
        category=re.compile(cats),
        appositive=re.compile(rf"这\s*(?:{_NUMERAL})?\s*个?\s*(?P<word>{cats})\s*$"),
        attend_list=re.compile(
            rf"(?:{intro})(?P<desc>[^：:。]*?){also}(?:派(?P<marker>{attend_markers}))?{also}"
            rf"(?:{attend})了?[^：:。]*[：:](?P<list>.+)$"
        ),
        attend_have=re.compile(
            rf"(?:派(?P<marker>{attend_markers}))?{also}(?:{attend})[^：:。]*?的有[：:](?P<list>.+)$"
        ),
        attend_subject=re.compile(rf"{also}派(?P<marker>{attend_markers}){also}(?:{attend})了"),
        attend_verb=re.compile(attend),
        speech_list=re.compile(
            rf"(?:{intro})(?P<desc>[^：:。]*?)(?P<marker>{markers})[^：:。]*?(?:{speech})"
            rf"[^：:。]*[：:](?P<list>.+)$"
        ),
        speech_have=re.compile(rf"(?:{_alt(p['speech_list'])})[：:]?(?P<list>.+)$"),
        speech_subject=re.compile(
            rf"(?P<marker>{markers})(?P<remark>\s*\([^()]*\))?{also}(?:{_UNDER_ITEM})?{also}"
            rf"(?:{speech})"
        ),
        namely=re.compile(_alt(p["namely"])),
        marker_joint=re.compile(
            rf"的?(?P<marker>{markers})(?:\s*\([^()]*\))?\s*(?:以及|和|及|、)\s*"
        ),
        speech_bare=re.compile(rf"{also}(?:{_alt(p['speech_verb_bare'])})"),
        sponsor=re.compile(
            rf"(?:{_alt(p['sponsor'])})(?:{_alt(p['sponsor_copula'])})[：:]?\s*(?P<list>[^。]+)"
        ),
        consider=re.compile(
            rf"(?:{_alt(p['consider'])})[^。]*?(?:{_alt(p['item_word'])})\s*(?P<refs>{_REF_LIST})"
        ),
        item=re.compile(rf"(?:{_alt(p['item_word'])})\s*(?P<refs>{_REF_LIST})"),
        role=re.compile(_alt(v.roles)),
        intro=re.compile(rf"^(?:{intro})"),
        hear=re.compile(_alt(p["hear"])),
        quantifier=re.compile(rf"^(?:{_alt(p['quantifier'])}|(?:{_NUMERAL})\s*[名位个])"),
    )


# --- small helpers ----------------------------------------------------------------


def clean_name(text: str) -> str:
    """A participant's name as printed, tidied: full-width forms folded, wrap
    spaces between Chinese characters dropped, a leading conjunction
    (``以及``) and a trailing bracketed remark (``（代表…）``) taken off."""
    name = tidy_spacing(fold_width(text)).strip()
    while True:
        stripped = _LEADING_CONJUNCTION.sub("", name).strip()
        remark = _REMARK.search(stripped)
        if remark and not _is_short_form(remark.group()):
            stripped = stripped[: remark.start()].strip()
        elif remark:
            # The short form is part of the name, in the brackets it is printed with.
            inner = remark.group().strip().strip("()（）")
            stripped = f"{stripped[: remark.start()].strip()}（{inner}）"
        if stripped == name or not stripped:
            return stripped or name
        name = stripped


def _is_short_form(bracketed: str) -> bool:
    """``（国际刑警组织）`` after a name is its printed short form, part of the
    name; ``（代表77国集团）`` is a remark."""
    inner = name_key(bracketed.strip().strip("()（）"))
    return inner in load_vocabulary().organizations


def _without_short_form(name: str) -> str:
    """``国际刑事警察组织（国际刑警组织）`` → ``国际刑事警察组织``."""
    return _REMARK.sub("", fold_width(name)).strip() or name


def agenda_item_list(printed: str) -> str | None:
    """Printed agenda items (``2 至 5``, ``2(a)``, ``3 和 4``) as canonical items,
    comma-separated in printed order (``2,3,4,5``); None when unreadable."""
    try:
        items = expand_refs(fold_width(printed))
    except RefParseError:
        return None
    return ",".join(items) or None


def _sentences(text: str) -> Iterator[str]:
    """Sentences of ``text`` split at full stops outside brackets."""
    depth = 0
    start = 0
    # Only brackets and full stops matter: visit just those, not every character.
    for match in _SENTENCE_MARKS.finditer(text):
        index, char = match.start(), match.group()
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(depth - 1, 0)
        elif char in _SENTENCE_END and depth == 0:
            if text[start:index].strip():
                yield text[start:index].strip()
            start = index + 1
    if text[start:].strip():
        yield text[start:].strip()


def _clause_before(text: str, end: int) -> str:
    """The clause ending at ``end``: from the last comma, colon or semicolon
    outside brackets."""
    depth = 0
    for index in range(end - 1, -1, -1):
        char = text[index]
        if char in ")）":
            depth += 1
        elif char in "(（":
            depth = max(depth - 1, 0)
        elif char in _CLAUSE_BREAK and depth == 0:
            return text[index + 1 : end].strip()
    return text[:end].strip()


def _strip_also(text: str) -> str:
    return re.sub(r"(?:也|还)$", "", text.strip()).strip()


# --- names ---------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    name: str
    entity_type: str
    iso3: str | None
    category: str | None  # from the directory of organizations or a mandate title
    marker: Marker | None = None


class _Names:
    """Splits printed lists and tells States from organizations."""

    def __init__(self, ctx: DocContext, resolver: CountryResolver) -> None:
        self.ctx = ctx
        self.resolver = resolver
        self.vocab = load_vocabulary()
        # Names of the vocabularies that hold a list separator or a conjunction
        # (联合国教育、科学及文化组织, 外交、欧洲和国际事务部长): matched before a
        # list is split, so that no separator inside them cuts them.
        guarded = {*self.vocab.organizations, *self.vocab.titles}
        self._guarded = sorted(
            (name for name in guarded if _GUARDED_MARKS.search(name)), key=len, reverse=True
        )

    def org_category(self, name: str) -> str | None:
        """The category the directory of organizations gives ``name`` (or the
        name without its short form), else None."""
        organizations = self.vocab.organizations
        key = name_key(name)
        return organizations.get(key) or organizations.get(name_key(_without_short_form(name)))

    def _is_known_org(self, name: str) -> bool:
        return self.org_category(name) is not None

    def is_org_name(self, name: str) -> bool:
        return self._is_known_org(name) or name_key(name).endswith(self.vocab.org_heads)

    def split(self, text: str) -> list[str]:
        """Items of a printed list, as printed (organizations split too)."""
        # "甲、乙、以及丙": the resolver would cut 以及 after its first character.
        masked = _SEPARATOR_AND_ALSO.sub(r"\1", text)
        for name in self._guarded:
            masked = masked.replace(name, name.translate(_MASK))
        items: list[str] = []
        for piece in self.resolver.split_names(masked):
            for item in self._split_organizations(piece):
                item = item.translate(_UNMASK)
                if clean_name(item):
                    items.append(self._drop_and(item))
        return items

    def _drop_and(self, item: str) -> str:
        """``和美国`` (a list printed ``甲、乙、和丙``) → ``美国``; ``和平协会`` stays."""
        rest = _LEADING_AND.sub("", item.strip())
        if rest != item.strip() and self._is_known(clean_name(rest)):
            return rest
        return item

    def _is_known(self, name: str) -> bool:
        return bool(self.resolver.resolve(name)) or self._is_known_org(name)

    def _split_organizations(self, piece: str) -> list[str]:
        """Split ``甲组织和乙`` where the left side is a finished name: the
        resolver splits at 和 only beside a known State."""
        if self.resolver.resolve(clean_name(piece)):
            return [piece]
        for match in re.finditer(r"以及|和|及", piece):
            left, right = piece[: match.start()].strip(), piece[match.end() :].strip()
            if not left or not right or left.count("(") != left.count(")"):
                continue
            cleaned = clean_name(left)
            if self.is_org_name(cleaned) or self.resolver.resolve(cleaned):
                return [left, *self._split_organizations(right)]
        return [piece]

    def recognised(self, item: str) -> bool:
        """A known State, a known or recognisable organization, or a title."""
        name = clean_name(item)
        return (
            self.is_org_name(name)
            or self.resolver.resolve(name) is not None
            or self._title(name) is not None
        )

    def _title(self, name: str) -> str | None:
        """The official title or mandate that ends ``name`` (墨西哥内政部长)."""
        titles = sorted(self.vocab.titles, key=len, reverse=True)
        return next((t for t in titles if name.endswith(t) and len(name) > len(t)), None)

    def _strip_marker(self, name: str) -> tuple[str, Marker | None]:
        if self._title(name):
            return name, None  # 常驻代表, 特别代表: a title, not the marker 代表
        for marker in self.vocab.markers:
            if name.endswith(marker.phrase) and len(name) > len(marker.phrase):
                return clean_name(name[: -len(marker.phrase)]), marker
        return name, None

    def _state_prefix(self, name: str) -> str | None:
        for end in range(len(name), 1, -1):
            if self.resolver.resolve(name[:end]):
                return name[:end]
        return None

    def classify(self, printed: str, entity_type: str | None, block: Block) -> _Entity | None:
        """The participant named by one list item; ``entity_type`` is what the
        list's category says (None when the list states none). An item that is
        neither a known State nor an organization is a fragment of a name the
        list's split cut, or a name no vocabulary holds: a warning, no row."""
        name, marker = self._strip_marker(clean_name(printed))
        if not name:
            return None
        if entity_type == "organization":
            return _Entity(name, "organization", None, self.org_category(name), marker)
        iso3 = self.resolver.resolve(name)
        if iso3:
            return _Entity(name, "state", iso3, None, marker)
        if self._is_known_org(name) or (entity_type != "state" and self.is_org_name(name)):
            return _Entity(name, "organization", None, self.org_category(name), marker)
        title = self._title(name)
        if title and entity_type != "state" and self.vocab.titles[title] == "mandate":
            return _Entity(name, "organization", None, "un_entity", marker)
        if title:
            # An official speaking for a State or an office: 墨西哥内政部长.
            holder = clean_name(name[: -len(title)])
            if iso3 := self.resolver.resolve(holder):
                return _Entity(holder, "state", iso3, None, marker)
            if entity_type != "state" and (category := self.org_category(holder)):
                return _Entity(holder, "organization", None, category, marker)
            if prefix := self._state_prefix(holder):
                return _Entity(prefix, "state", self.resolver.resolve(prefix), None, marker)
            if entity_type != "state" and name_key(holder).endswith(self.vocab.org_heads):
                return _Entity(holder, "organization", None, None, marker)
        self.ctx.warn(
            "unknown_country",
            f"participant {name!r} is neither a known State nor an organization: no row",
            block,
            evidence=name,
        )
        return None


# --- descriptors -----------------------------------------------------------------


def _descriptor_like(head: str) -> bool:
    """Text before a category word that describes rather than names
    (``《公约》``, ``作为…的``, ``108 个``)."""
    head = head.strip()
    return (
        not head
        or "的" in head
        or "《" in head
        or "》" in head
        or head.startswith("作为")
        or bool(_COUNT.search(head))
        or bool(_patterns().intro.match(head))
    )


def _split_subject(text: str) -> tuple[CategoryWord | None, str]:
    """(category stated, names) of a sentence subject: ``签署国泰国`` →
    (signatory, 泰国); ``泰国和日本这两个签署国`` → (signatory, 泰国和日本);
    ``相关非政府组织`` → (ngo, "") (a category, no names)."""
    vocab = load_vocabulary()
    pats = _patterns()
    text = pats.intro.sub("", text.strip()).strip()
    if name_key(_without_short_form(text)) in vocab.organizations:
        return None, text  # a known name ending in a category word (…研究所)
    if match := pats.appositive.search(text):
        return vocab.category(match["word"]), text[: match.start()].strip()
    found = list(pats.category.finditer(text))
    if not found:
        return None, text
    last = found[-1]
    entry = vocab.category(last.group())
    rest = text[last.end() :].strip()
    head = text[: last.start()]
    if rest:
        if rest in vocab.org_heads:
            # 缔约国会议: the word is part of an organization's name.
            return None, text
        if entry.in_name:
            return entry, text[last.start() :]
        return entry, rest
    if entry.in_name and not _descriptor_like(head):
        return None, text  # a name ending in the word (英联邦秘书处)
    return entry, ""


def _first_clause(sentence: str) -> str:
    """The sentence's subject clause, up to its first comma or semicolon."""
    return _strip_also(re.split(r"[，,；;]", sentence, maxsplit=1)[0])


def _descriptor_category(text: str) -> CategoryWord | None:
    found = list(_patterns().category.finditer(text))
    return load_vocabulary().category(found[-1].group()) if found else None


# --- mentions --------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    """One participant named in one block; ``stated`` when the sentence gave
    its category."""

    block: Block
    paragraph: int | None
    entity: _Entity
    role: str
    category: str | None
    stated: bool
    person: str | None = None
    agenda_item: str | None = None


class _Extractor:
    """Reads one document's blocks in order, keeping the agenda item each
    section considers, and collects mentions."""

    def __init__(self, ctx: DocContext) -> None:
        self.ctx = ctx
        self.vocab = load_vocabulary()
        self.pats = _patterns()
        self.names = _Names(ctx, default_resolver())
        self.mentions: list[_Mention] = []
        self.considered: dict[str, str] = {}
        self.spoken: dict[str, str] = {}

    # -- context -----------------------------------------------------------------

    def _section_item(self, section: str) -> str | None:
        parts = section.split(".") if section else []
        while parts:
            if (item := self.considered.get(".".join(parts))) is not None:
                return item
            parts.pop()
        return self.considered.get("")

    def _items(self, refs: str, block: Block) -> str | None:
        items = agenda_item_list(refs)
        if items is None:
            self.ctx.warn(
                "participants_agenda_item",
                f"cannot read the agenda item reference {refs!r}",
                block,
                evidence=refs,
            )
        return items

    # -- emitting ----------------------------------------------------------------

    def _add(
        self,
        block: Block,
        paragraph: int | None,
        items: list[str],
        role: str,
        category: CategoryWord | None,
        marker: Marker | None = None,
        agenda_item: str | None = None,
    ) -> None:
        entity_type = category.entity_type if category else None
        for printed in items:
            entity = self.names.classify(printed, entity_type, block)
            if entity is None:
                continue
            own = entity.marker or marker
            entity.marker = own
            item_role = own.role if role == "attendance" and own else role
            if role == "attendance" and not own:
                # "以下缔约国出席了会议": States attend as delegations.
                item_role = "delegation" if entity.entity_type == "state" else "observer"
            self.mentions.append(
                _Mention(
                    block,
                    paragraph,
                    entity,
                    item_role,
                    category.category if category else None,
                    category is not None,
                    agenda_item=agenda_item,
                )
            )

    # -- rules ---------------------------------------------------------------------

    def block(self, block: Block, paragraph: int | None) -> None:
        text = fold_width(block.text)
        match = self.pats.consider.search(text)
        if match and (items := self._items(match["refs"], block)) is not None:
            self.considered[block.section] = items
            self.spoken.pop(block.section, None)
        for sentence in _sentences(text):
            self._sponsors(sentence, block, paragraph)
            if not self._attendance(sentence, block, paragraph):
                self._speakers(sentence, block, paragraph)
            self._roles(sentence, block, paragraph)

    def _sponsors(self, sentence: str, block: Block, paragraph: int | None) -> None:
        for match in self.pats.sponsor.finditer(sentence):
            items = self.names.split(match["list"])
            if not any(self.names.recognised(name) for name in items):
                # "提案国为此…": the phrase without a list of sponsors after it.
                self.ctx.warn(
                    "participants_unresolved_sponsor",
                    f"no State or organization in the sponsors {match['list']!r}",
                    block,
                    evidence=match["list"],
                    severity="info",
                )
                continue
            item = self._section_item(block.section)
            self._add(block, paragraph, items, "sponsor", None, agenda_item=item)

    def _attendance(self, sentence: str, block: Block, paragraph: int | None) -> bool:
        verb = self.pats.attend_verb.search(sentence)
        if verb is None:
            return False
        counted = bool(_counts_in(_clause_before(sentence, verb.start())))
        if match := self.pats.attend_list.search(sentence):
            category = _descriptor_category(match["desc"])
            marker = self.vocab.marker(match["marker"]) if match["marker"] else None
            items = self.names.split(match["list"])
            self._add(block, paragraph, items, "attendance", category, marker)
            return True
        if match := self.pats.attend_have.search(sentence):
            marker = self.vocab.marker(match["marker"]) if match["marker"] else None
            names = [
                item
                for item in self.names.split(match["list"])
                if not _counts_in(item) and _split_subject(item)[1]
            ]
            self._add(block, paragraph, names, "attendance", None, marker)
            return True
        found = False
        for match in self.pats.attend_subject.finditer(sentence):
            subject = _strip_also(_clause_before(sentence, match.start()))
            marker = self.vocab.marker(match["marker"])
            if namely := self.pats.namely.search(subject):
                # "一个政府间组织即甲派观察员出席了会议": the count names its members.
                category = _descriptor_category(subject[: namely.start()])
                names = self.names.split(subject[namely.end() :])
                self._add(block, paragraph, names, "attendance", category, marker)
                found = True
                continue
            if counted:
                continue
            if not subject or subject in self.vocab.phrases["pronoun"]:
                # "欧洲联盟作为…组织，也派代表出席了本届会议": the sentence's subject.
                subject = _first_clause(sentence)
            capacity = None
            if "作为" in subject:
                subject, _, capacity = subject.partition("作为")
                if not subject.strip():
                    # "作为《公约》缔约方的区域经济一体化组织欧洲联盟派代表…".
                    subject, capacity = capacity, None
            category, names = _split_subject(subject)
            if category is None and capacity:
                category = _descriptor_category(capacity)
            if names:
                self._add(block, paragraph, self.names.split(names), "attendance", category, marker)
                found = True
        return found or counted

    def _speech_item(self, sentence: str, block: Block) -> str | None:
        if match := self.pats.item.search(sentence):
            items = self._items(match["refs"], block)
            if items is not None:
                self.spoken[block.section] = items
                return items
        return self.spoken.get(block.section) or self._section_item(block.section)

    def _speakers(self, sentence: str, block: Block, paragraph: int | None) -> None:
        if match := self.pats.speech_list.search(sentence):
            item = self._speech_item(sentence, block)
            category = _descriptor_category(match["desc"])
            marker = self.vocab.marker(match["marker"])
            items = self.names.split(match["list"])
            self._add(block, paragraph, items, "speaker", category, marker, item)
            return
        if match := self.pats.speech_have.search(sentence):
            item = self._speech_item(sentence, block)
            self._add(
                block, paragraph, self.names.split(match["list"]), "speaker", None, None, item
            )
            return
        matches = list(self.pats.speech_subject.finditer(sentence))
        for match in matches:
            self._speaker_subject(sentence, match.start(), block, paragraph, match["marker"])
        if not matches:
            # "甲代表A作了发言，乙代表B作了发言": each clause its own subject.
            for bare in self.pats.speech_bare.finditer(sentence):
                self._speaker_subject(sentence, bare.start(), block, paragraph, None)

    def _speaker_subject(
        self, sentence: str, end: int, block: Block, paragraph: int | None, marker: str | None
    ) -> None:
        subject = _clause_before(sentence, end)
        if hear := list(self.pats.hear.finditer(subject)):
            subject = subject[hear[-1].end() :]
        subject = re.sub(r"的$", "", _strip_also(subject)).strip()
        # "甲的观察员和签署国乙的观察员也作了发言": each part its own marker
        # and category.
        start = 0
        for joint in self.pats.marker_joint.finditer(subject):
            part = subject[start : joint.start()]
            self._speaker_part(sentence, part, block, paragraph, joint["marker"])
            start = joint.end()
        self._speaker_part(sentence, subject[start:], block, paragraph, marker)

    def _speaker_part(
        self, sentence: str, subject: str, block: Block, paragraph: int | None, marker: str | None
    ) -> None:
        subject = subject.strip()
        capacity = None
        if subject in self.vocab.phrases["pronoun"]:
            # "欧洲联盟作为…缔约方，其代表也作了发言": 其 is the sentence's subject.
            subject, _, capacity = _first_clause(sentence).partition("作为")
        if self.pats.quantifier.match(subject):
            return  # "一些代表作了发言", "一名观察员的发言": nobody named
        speaker = self._speaking_for(subject)
        if speaker is not None:
            # "几内亚代表代表77国集团和中国": the State speaks, not the group.
            subject, marker = speaker, marker or "代表"
        category, names = _split_subject(subject)
        if category is None and capacity:
            category = _descriptor_category(capacity)
        if not names:
            return
        items = self.names.split(names)
        if marker is None and not all(self.names.recognised(item) for item in items):
            # Without 代表/观察员 the subject may be anything ("主席也作了发言").
            self.ctx.warn(
                "participants_unresolved_speaker",
                f"speaker {names!r} is neither a State nor a known kind of organization",
                block,
                evidence=names,
                severity="info",
            )
            return
        item = self._speech_item(sentence, block)
        found = self.vocab.marker(marker) if marker else None
        self._add(block, paragraph, items, "speaker", category, found, item)

    def _speaking_for(self, subject: str) -> str | None:
        """The speaker of ``<name>(的)(代表)代表<group>``: a name on behalf of a
        group (``比利时代表欧洲联盟``, ``几内亚代表代表77国集团和中国``), else None."""
        for match in _ON_BEHALF.finditer(subject):
            head = re.sub(r"(?:的)?(?:代表)?$", "", subject[: match.start()]).strip()
            rest = match.end() < len(subject)
            if head and rest and self.names.recognised(head) and len(self.names.split(head)) == 1:
                return head
        return None

    def _is_state(self, name: str) -> bool:
        return self.names.resolver.resolve(name) is not None

    def _roles(self, sentence: str, block: Block, paragraph: int | None) -> None:
        for match in _PRESIDED_BY.finditer(sentence):
            persons, end = _persons(sentence, match.end(), True, self._is_state)
            if persons and _PRESIDED.match(sentence, end):
                self._add_persons(block, paragraph, persons, "chair")
        for match in self.pats.role.finditer(sentence):
            role = self.vocab.roles[match.group()]
            position = match.end()
            # The colon must close the role's own clause: in "由主席主持，由以下小组
            # 成员引导：…" the persons are the panel's, not the chair's.
            colon = re.match(r"[^。：:；;，,()]{0,12}?[：:]\s*", sentence[position:])
            if colon:
                persons, _ = _persons(sentence, position + colon.end(), False, self._is_state)
            else:
                persons, _ = _persons(sentence, position, True, self._is_state)
            item = None
            if persons and (found := self.pats.item.search(sentence)):
                item = self._items(found["refs"], block)
            self._add_persons(block, paragraph, persons, role, item)

    def _add_persons(
        self,
        block: Block,
        paragraph: int | None,
        persons: list[tuple[str, str]],
        role: str,
        item: str | None = None,
    ) -> None:
        for person, state in persons:
            iso3 = self.names.resolver.resolve(state)
            # A person may come from an organization: Name（国际刑事警察组织）.
            if iso3 is None and not self.names.is_org_name(state):
                self.ctx.warn(
                    "unknown_country",
                    f"{person} represents {state!r}, not a known State",
                    block,
                    evidence=state,
                )
            entity = _Entity(state, "person", iso3, None)
            self.mentions.append(
                _Mention(block, paragraph, entity, role, None, False, person, item)
            )

    # -- bureau lines ----------------------------------------------------------------

    def bureau_row(self, block: Block, paragraph: int | None, carried: str | None) -> str | None:
        """A bureau list printed with tab stops: ``主席：<TAB>Name（State）``, then
        rows whose first cell is empty for further officers of the same role.
        Returns the role the next row may continue, else None."""
        cells = [cell.strip() for cell in block.text.split("\t")]
        if len(cells) < 2:
            return None
        if not cells[0]:
            text = "".join(cells[1:])
            continued = carried and self.continuation(block, paragraph, carried, text)
            return carried if continued else None
        text = "".join(cells)
        role = self.bureau_role(block, text)
        if role is not None:
            self._roles(fold_width(text), block, paragraph)
        return role

    def bureau_role(self, block: Block, printed: str | None = None) -> str | None:
        """The role a ``<role word>: Name（State）…`` line gives, else None."""
        text = fold_width(block.text if printed is None else printed).strip()
        match = self.pats.role.match(text)
        if match is None:
            return None
        colon = re.match(r"\s*[：:]\s*", text[match.end() :])
        if colon is None:
            return None
        persons, end = _persons(text, match.end() + colon.end(), False, self._is_state)
        return self.vocab.roles[match.group()] if persons and end == len(text) else None

    def continuation(
        self, block: Block, paragraph: int | None, role: str, printed: str | None = None
    ) -> bool:
        """Read a ``Name（State）`` line that continues the role of the line above."""
        text = fold_width(block.text if printed is None else printed).strip()
        if self.pats.role.search(text):
            return False
        persons, end = _persons(text, 0, False, self._is_state)
        if not persons or end != len(text):
            return False
        self._add_persons(block, paragraph, persons, role)
        return True

    # -- finishing ---------------------------------------------------------------------

    def rows(self) -> list[ParticipantRow]:
        # What the document states about a participant anywhere fills in the
        # category where a sentence does not say it.
        stated: dict[str, str] = {}
        for mention in self.mentions:
            if mention.stated and mention.category and mention.entity.entity_type != "person":
                stated.setdefault(_registry_key(mention.entity), mention.category)
        self._listed_twice()
        rows: list[ParticipantRow] = []
        officers: set[tuple[str, str]] = set()
        for mention in self.mentions:
            entity = mention.entity
            if mention.role in _OFFICER_ROLES and mention.person:
                # An officer named again in prose (reporting on credentials,
                # presiding over a sitting) is the same officer, listed once.
                key = (name_key(mention.person), _registry_key(entity))
                if key in officers:
                    continue
                officers.add(key)
            category = mention.category
            if category is None and entity.entity_type != "person":
                category = stated.get(_registry_key(entity)) or entity.category
                if category is None and entity.entity_type == "state" and entity.marker:
                    category = entity.marker.default_category
            block = mention.block
            rows.append(
                ParticipantRow(
                    doc_id=self.ctx.doc_id,
                    name=entity.name,
                    iso3=entity.iso3,
                    entity_type=entity.entity_type,
                    category=category,
                    role=mention.role,
                    person=mention.person,
                    agenda_item=mention.agenda_item,
                    paragraph_number=mention.paragraph,
                    seq=block.seq,
                    line_start=block.line_start,
                    line_end=block.line_end,
                    page=block.page,
                )
            )
        return rows

    def _listed_twice(self) -> None:
        """A State the attendance lists give both as a party and as a signatory
        (a list out of date, or a misprint): a warning naming both lines; both
        rows stay, as printed."""
        first: dict[tuple[str, str], _Mention] = {}
        for mention in self.mentions:
            if mention.role in _ATTENDANCE_ROLES and mention.entity.iso3 and mention.category:
                first.setdefault((mention.entity.iso3, mention.category), mention)
        for (iso3, category), party in first.items():
            if category != "state_party" or (signed := first.get((iso3, "signatory"))) is None:
                continue
            self.ctx.warn(
                "attendance_party_and_signatory",
                f"{party.entity.name} ({iso3}) is listed as a party (line "
                f"{party.block.line_start}) and as a signatory ({signed.entity.name}, line "
                f"{signed.block.line_start})",
                signed.block,
                evidence=signed.entity.name,
            )


def _registry_key(entity: _Entity) -> str:
    return entity.iso3 or name_key(entity.name)


def _persons(
    text: str, start: int, latin_only: bool, is_state: Callable[[str], bool]
) -> tuple[list[tuple[str, str]], int]:
    """``Name（State）`` items from ``start``, separated by 、，和 or spaces:
    ((name, state) pairs, end of the last item). A Latin-script name marks a
    person whatever the bracket holds; a Chinese one only before a known State."""
    persons: list[tuple[str, str]] = []
    position = end = start
    while match := _PERSON_ITEM.match(text, position):
        name = " ".join(match["name"].split())
        state = "".join(match["state"].split())
        if not _BRACKET_STATE.fullmatch(state):
            break
        if not _LATIN_NAME.fullmatch(name) and (
            latin_only or not _CJK_NAME.fullmatch(name) or not is_state(state)
        ):
            break
        persons.append((name, state))
        end = match.end()
        separator = _PERSON_SEPARATOR.match(text, end)
        position = separator.end() if separator else end
    return persons, end


def _counts_in(text: str) -> list[tuple[str, int]]:
    """(category, count) for each ``N 个<category word>`` in ``text``."""
    vocab = load_vocabulary()
    pattern = _patterns().category
    matches = list(_COUNT.finditer(text))
    counts: list[tuple[str, int]] = []
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        word = pattern.search(text, match.end(), stop)
        value = chinese_to_int(match["n"])
        if word is not None and value is not None:
            counts.append((vocab.category(word.group()).category, value))
    return counts


def _paragraphs(blocks: list[Block]) -> dict[int, int | None]:
    """Block seq → number of the numbered paragraph it is or sits in."""
    current: int | None = None
    result: dict[int, int | None] = {}
    for block in blocks:
        if block.kind in _SCOPE_KINDS:
            current = None
        if block.number is not None:
            current = block.number
        result[block.seq] = current
    return result


# --- public ------------------------------------------------------------------------


def _count_statements(ctx: DocContext) -> Iterator[tuple[str, int, Block, str]]:
    """(category, count, block, sentence) for each attendance count in prose."""
    pats = _patterns()
    for block in ctx.blocks:
        if block.kind in _SKIPPED_KINDS:
            continue
        for sentence in _sentences(fold_width(block.text)):
            verb = pats.attend_verb.search(sentence)
            if verb is None:
                continue
            counts = _counts_in(_clause_before(sentence, verb.start()))
            if match := pats.attend_have.search(sentence):
                counts += _counts_in(match["list"])
            for category, count in counts:
                yield category, count, block, sentence


def stated_counts(ctx: DocContext) -> list[tuple[str, int, Block]]:
    """(category, count, block) for each attendance count stated in prose:
    ``108 个《公约》缔约国…派代表出席了…`` → (``state_party``, 108, block)."""
    return [(category, count, block) for category, count, block, _ in _count_statements(ctx)]


def extract_participants(ctx: DocContext) -> list[ParticipantRow]:
    """One row per mention of a participant in the document's attendance lists,
    bureau, speakers and sponsors; counts stated in prose become ``info`` findings."""
    for category, count, block, sentence in _count_statements(ctx):
        ctx.warn(
            "attendance_count",
            f"{category}: {count} stated in prose",
            block,
            evidence=sentence,
            severity="info",
        )
        ctx.stated_counts.append(StatedCount(category, count, ctx.findings[-1]))
    extractor = _Extractor(ctx)
    paragraphs = _paragraphs(ctx.blocks)
    carried: str | None = None
    for block in ctx.blocks:
        paragraph = block.number if block.number is not None else paragraphs[block.seq]
        if block.kind in _SKIPPED_KINDS:
            carried = extractor.bureau_row(block, paragraph, carried)
            continue
        if carried and extractor.continuation(block, paragraph, carried):
            continue
        extractor.block(block, paragraph)
        carried = extractor.bureau_role(block)
    return extractor.rows()
