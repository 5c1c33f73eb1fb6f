"""Search: segmented terms, whole-word matching, normalized queries, BM25, the CLI."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.search.engine import (
    INDEXED_TABLES,
    MARK_OPEN,
    DictionarySources,
    SearchIndex,
    Segmenter,
    bm25,
    dictionary_sources,
    dictionary_tables,
    exact_terms,
    mark,
    normalize,
    normalize_aligned,
    segmenter,
)
from tests.conftest import RAW

if TYPE_CHECKING:
    import jieba

REC_7 = "CTOC/COP/WG.7/2017/5#7"


@pytest.fixture(scope="session")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus built once for the search and topic tests."""
    out = tmp_path_factory.mktemp("search-processed")
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def seg(processed: Path) -> Segmenter:
    return segmenter(dictionary_sources(dictionary_tables(processed)))


@pytest.fixture(scope="module")
def terms(processed: Path) -> list[dict]:
    return pq.read_table(processed / "terms.parquet").to_pylist()


@pytest.fixture(scope="module")
def index_all(processed: Path) -> SearchIndex:
    return SearchIndex(processed, INDEXED_TABLES)


def _words_by_row(terms: list[dict], table: str) -> dict[tuple[str, str], set[str]]:
    words: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in terms:
        if row["source_table"] == table:
            words[(row["doc_id"], row["key"])].add(row["term"])
    return words


def _rows_words(terms: list[dict]) -> dict[tuple[str, str, str], set[str]]:
    words: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in terms:
        words[(row["source_table"], row["doc_id"], row["key"])].add(row["term"])
    return words


# --- normalization -------------------------------------------------------------------


def test_traditional_and_full_width_forms_normalize_to_simplified_ascii() -> None:
    assert normalize("聯合調查小組") == "联合调查小组"
    assert normalize("第１８條（ａ）") == "第18条(a)"
    assert normalize("ＣＴＯＣ／COP") == "ctoc/cop"


def test_normalized_characters_point_back_to_the_printed_ones() -> None:
    text, origin = normalize_aligned("㈠聯合")
    assert text == "(一)联合"
    assert origin == [0, 0, 0, 1, 2]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from("聯合調查小組联合ＡＢ１２㈠①ﬁ，。 abc\u3000"), max_size=30))
def test_alignment_is_complete_and_ordered(text: str) -> None:
    normalized, origin = normalize_aligned(text)
    assert len(origin) == len(normalized)
    assert origin == sorted(origin)
    assert all(0 <= index < len(text) for index in origin)
    assert normalize(normalized) == normalized


# --- segmentation and the dictionary -------------------------------------------------


def test_dictionary_takes_terms_from_every_source(seg: Segmenter) -> None:
    # A topic of the thematic index, a piece of a longer topic, a curated term,
    # a body name, an instrument named in 《》.
    for term in (
        "联合调查小组",
        "特殊侦查手段",
        "司法协助",
        "偷运移民问题工作组",
        "维也纳领事关系公约",
    ):
        assert term in seg.dictionary, term
    # Clauses of agenda titles and fragments of enumerations are not terms.
    assert "打击陆" not in seg.dictionary
    assert "空偷运移民" not in seg.dictionary


def test_every_dictionary_term_is_one_word_when_searched_for(
    seg: Segmenter, index_all: SearchIndex
) -> None:
    for term in seg.dictionary:
        assert index_all.query_terms(term) == [term], term


def test_a_longer_term_wins_over_the_shorter_terms_inside_it(seg: Segmenter) -> None:
    assert "联合调查" in seg.dictionary
    words = seg.terms("建立联合调查小组并开展联合调查")
    assert words == ["建立", "联合调查小组", "并", "开展", "联合调查"]


def _jieba_reference(seg: Segmenter) -> jieba.Tokenizer:
    """jieba's own Tokenizer (dict table) with the same words added, the total
    kept at jieba's own as the segmenter keeps it."""
    import jieba

    reference = jieba.Tokenizer()
    reference.initialize()
    total = reference.total
    for term in seg.added:
        reference.add_word(term)
        reference.total = total
    return reference


def _jieba_words(reference: jieba.Tokenizer, normalized: str) -> list[str]:
    words, last = [], 0
    for exact in [*exact_terms(normalized), None]:  # exact terms are not cut
        gap = normalized[last : exact.start if exact else len(normalized)]
        words += [w for w in reference.cut(gap, HMM=False) if re.search(r"[^\W_]", w)]
        if exact:
            words.append(exact.term)
            last = exact.end
    return words


@pytest.fixture(scope="module")
def fresh_segmenters(processed: Path) -> tuple[Segmenter, Segmenter, jieba.Tokenizer]:
    """A segmenter as a query builds it (bisected table, jieba's cut), one made
    for bulk (plain table, its own route), and jieba's own with the same words."""
    sources = dictionary_sources(dictionary_tables(processed))
    query = Segmenter(sources)
    return query, Segmenter(sources).for_bulk(), _jieba_reference(query)


def test_the_fast_frequency_tables_segment_exactly_as_jieba_does(
    fresh_segmenters: tuple[Segmenter, Segmenter, jieba.Tokenizer], processed: Path
) -> None:
    """The bisected table (SortedFreq) and the bulk route against jieba's own dict."""
    query, bulk, reference = fresh_segmenters
    tables = dictionary_tables(processed)
    texts = [row.get("text") or row["topic"] for name in INDEXED_TABLES for row in tables[name]]
    for text in texts:
        normalized = normalize(text)
        theirs = _jieba_words(reference, normalized)
        assert [token.term for token in query.tokens(normalized)] == theirs, text
        assert [token.term for token in bulk.tokens(normalized)] == theirs, text
        assert bulk.tokens(normalized) == query.tokens(normalized), text


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_bulk_route_cuts_any_text_as_jieba_does(
    fresh_segmenters: tuple[Segmenter, Segmenter, jieba.Tokenizer], data: st.DataObject
) -> None:
    """Texts made of the dictionary's characters, ASCII and punctuation: where
    words overlap, ties and one-character runs of letters are decided as jieba does."""
    query, bulk, reference = fresh_segmenters
    # Two characters jieba's dictionary lacks: a word of one, scored as frequency 1.
    rare = "\u9fd0\u9fd1"
    words = sorted({char for term in query.dictionary for char in term})
    alphabet = [*words, *"ab1 ,.-%、（）\n", *rare]
    text = data.draw(st.text(alphabet=alphabet, max_size=40))
    assert [token.term for token in bulk.tokens(text)] == _jieba_words(reference, text)


def test_the_cut_of_a_text_depends_only_on_the_dictionary_words_in_it(
    fresh_segmenters: tuple[Segmenter, Segmenter, jieba.Tokenizer],
) -> None:
    """With the total kept at jieba's own, a segmenter holding only the terms
    that occur in a text cuts it as the whole dictionary does."""
    query, _, _ = fresh_segmenters
    text = normalize("建立联合调查小组并开展联合调查，加强司法协助和引渡方面的国际合作")
    inside = tuple(sorted(term for term in query.dictionary if term in text))
    assert inside and len(inside) < len(query.dictionary)
    alone = Segmenter(DictionarySources(phrases=(), names=(), curated=inside))
    assert alone.tokens(text) == query.tokens(text)


# --- the terms table -----------------------------------------------------------------


def test_terms_point_at_their_words_in_the_printed_text(processed: Path, terms: list[dict]) -> None:
    texts = {}
    for name in INDEXED_TABLES:
        for row in pq.read_table(processed / f"{name}.parquet").to_pylist():
            key = {
                "recommendations": lambda r: r["rec_id"],
                "paragraphs": lambda r: str(r["seq"]),
                "resolution_paragraphs": lambda r: (
                    f"{r['instrument']}#{r['instrument_number']}#{r['ref']}"
                ),
                "index_entries": lambda r: r["topic"],
            }[name](row)
            texts[(name, row["doc_id"], key)] = row.get("text") or row["topic"]
    assert {(r["source_table"], r["doc_id"], r["key"]) for r in terms} <= set(texts)
    for row in terms:
        text = texts[(row["source_table"], row["doc_id"], row["key"])]
        assert row["count"] == len(row["starts"]) == len(row["ends"])
        for start, end in zip(row["starts"], row["ends"], strict=True):
            # The printed span of the word (㈠ prints the word 一 of "(一)").
            assert row["term"] in "".join(normalize(text[start:end]).split())
            assert 0 <= start < end <= len(text)


def test_terms_cover_every_recommendation(processed: Path, terms: list[dict]) -> None:
    recs = pq.read_table(processed / "recommendations.parquet").column("rec_id").to_pylist()
    assert {row["key"] for row in terms if row["source_table"] == "recommendations"} == set(recs)


# --- whole-word matching ---------------------------------------------------------------


def test_every_recommendation_holding_a_dictionary_term_is_found_by_it(
    processed: Path, seg: Segmenter, terms: list[dict]
) -> None:
    index = SearchIndex(processed, ("recommendations",))
    words = _words_by_row(terms, "recommendations")
    checked = 0
    for term in sorted(seg.dictionary):
        holding = {key for (_, key), found in words.items() if term in found}
        if not holding:
            continue
        # Only the hits found by their own text (others come through index topics).
        hits = [hit for hit in index.search(term, limit=1000) if hit.matched]
        assert {hit.key for hit in hits} == holding, term
        assert all(f"【{term}】" in normalize(hit.marked) for hit in hits), term
        checked += 1
    assert checked >= 20


def test_a_term_printed_only_inside_a_longer_word_is_not_a_hit(
    terms: list[dict], seg: Segmenter, index_all: SearchIndex, processed: Path
) -> None:
    """Real text: recommendation 7 prints 联合调查 only inside 联合调查小组."""
    rec_7 = ("recommendations", "CTOC/COP/WG.7/2017/5", REC_7)
    words = _rows_words(terms)[rec_7]
    text = next(
        normalize(row["text"])
        for row in pq.read_table(processed / "recommendations.parquet").to_pylist()
        if row["rec_id"] == REC_7
    )
    assert "联合调查" in seg.dictionary
    assert "联合调查" in text
    assert "联合调查小组" in words
    assert "联合调查" not in words
    hits = index_all.search("联合调查", limit=1000)
    # Found, but only because the thematic index files it under 国际合作, 联合调查.
    (found,) = [hit for hit in hits if (hit.table, hit.doc_id, hit.key) == rec_7]
    assert (found.matched, found.filed_under) == ((), ("国际合作, 联合调查",))
    assert MARK_OPEN not in found.marked
    assert rec_7 in {(h.table, h.doc_id, h.key) for h in index_all.search("联合调查小组")}


def test_searching_a_term_never_returns_rows_where_it_is_only_a_substring(
    terms: list[dict], seg: Segmenter, index_all: SearchIndex
) -> None:
    rows_words = _rows_words(terms)
    inside = 0
    for term in sorted(seg.dictionary):
        only_inside = {
            doc
            for doc, found in rows_words.items()
            if term not in found and any(term in word for word in found)
        }
        found = index_all.search(term, limit=10_000)
        hits = {(h.table, h.doc_id, h.key) for h in found if h.matched}
        assert not hits & only_inside, term
        assert hits == {doc for doc, found in rows_words.items() if term in found}, term
        inside += len(only_inside)
    assert inside > 0


# --- normalized queries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("simplified", "variant"),
    [
        ("联合调查小组", "聯合調查小組"),
        ("司法协助 引渡", "司法協助　引渡"),
        ("偷运移民 犯罪所得", "偷運移民，犯罪所得"),
        ("第 18 条", "第１８條"),
        ("资金流", "資金流"),
    ],
)
def test_traditional_or_full_width_queries_find_the_same_rows(
    index_all: SearchIndex, simplified: str, variant: str
) -> None:
    expected = index_all.search(simplified, limit=50)
    assert expected
    assert [(h.key, h.score) for h in index_all.search(variant, limit=50)] == [
        (h.key, h.score) for h in expected
    ]


# --- ranking and output ----------------------------------------------------------------


def test_bm25_prefers_more_occurrences_and_rarer_terms() -> None:
    postings = {"a": {"d1": 2, "d2": 1}, "b": {"d3": 1}}
    lengths = {"d1": 10, "d2": 10, "d3": 10, "d4": 10}
    scores = bm25(["a"], postings, lengths)
    assert scores["d1"] > scores["d2"] > 0
    assert set(scores) == {"d1", "d2"}
    both = bm25(["a", "b"], postings, lengths)
    assert both["d3"] > both["d2"]  # b is rarer than a
    assert bm25(["zz"], postings, lengths) == {}


def test_marks_merge_overlapping_spans() -> None:
    assert mark("abcdef", [(1, 3), (2, 4), (5, 6)]) == "a【bcd】e【f】"
    assert mark("abc", []) == "abc"


def test_search_lists_recommendation_7_for_joint_investigation_teams(
    processed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "联合调查小组", "--processed", str(processed)]) == 0
    out = capsys.readouterr().out
    assert REC_7 in out
    assert "建立【联合调查小组】并利用特殊侦查手段" in out


def test_search_json_for_services(processed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["search", "司法協助", "--json", "--limit", "3", "--table", "all"]
    assert main([*argv, "--processed", str(processed)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["terms"] == ["司法协助"]
    assert 0 < len(answer["hits"]) <= 3
    first = answer["hits"][0]
    assert {"rank", "score", "table", "doc_id", "key", "reference", "marked", "line_start"} <= set(
        first
    )
    assert "【司法协助】" in first["marked"]
    scores = [hit["score"] for hit in answer["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_without_processed_tables_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "引渡", "--processed", str(tmp_path)]) == 2
    assert "make" in capsys.readouterr().err


def test_a_query_of_punctuation_finds_nothing(index_all: SearchIndex) -> None:
    assert index_all.search("，。") == []


def test_dictionary_sources_are_plain_data() -> None:
    sources = dictionary_sources(
        {"index_entries": [{"topic": "國際合作, 聯合調查", "topic_main": "國際合作"}]}
    )
    assert isinstance(sources, DictionarySources)
    assert "国际合作, 联合调查" in sources.phrases
    assert "缔约方会议" in sources.names  # from bodies.csv
    assert "联合调查小组" in sources.curated


# --- exact terms: symbols, resolution numbers, paragraph references, dates ------------


def test_symbols_references_and_dates_are_each_one_term() -> None:
    text = normalize(
        "依照第 8/2 号决议和决议 7/1，见 CTOC/COP/WG.8/2016/2、A/RES/55/25、一.21，2016 年 10 月 17 日"
    )
    assert [token.term for token in exact_terms(text)] == [
        "8/2",
        "7/1",
        "ctoc/cop/wg.8/2016/2",
        "a/res/55/25",
        "一.21",
        "2016年10月17日",
    ]
    first = exact_terms(text)[0]
    assert text[first.start : first.end] == "第 8/2 号"


def test_letters_and_slashes_alone_are_not_a_symbol() -> None:
    assert exact_terms(normalize("and/or 和/或")) == []


@pytest.mark.parametrize(
    ("query", "terms"),
    [("第 8/2 号决议", ["8/2", "决议"]), ("决议 8/2", ["决议", "8/2"]), ("8/2", ["8/2"])],
)
def test_a_resolution_reference_is_matched_exactly(
    index_all: SearchIndex, query: str, terms: list[str]
) -> None:
    assert index_all.query_terms(query) == terms
    hits = index_all.search(query, limit=5)
    assert hits
    assert all("8/2" in hit.matched for hit in hits)
    assert not any("6/2" in normalize(hit.text) and "8/2" not in hit.text for hit in hits)


def test_a_symbol_query_finds_the_rows_and_the_documents_citing_it(index_all: SearchIndex) -> None:
    symbol = "CTOC/COP/WG.8/2016/2"
    hits = index_all.search(symbol, limit=100)
    assert hits
    assert all(symbol in "".join(hit.text.split()) for hit in hits)
    assert all("【" in hit.marked for hit in hits)
    citing = index_all.cited_by(symbol)
    assert sorted(row["doc_id"] for row in citing) == [
        "CTOC/COP/WG.4/2018/1",
        "CTOC/COP/WG.7/2017/1",
        "CTOC/COP/WG.7/2017/5",
    ]
    assert {row["cited_symbol"] for row in citing} == {symbol}


def test_a_thematic_index_topic_leads_to_the_recommendations_it_files(processed: Path) -> None:
    index = SearchIndex(processed, ("recommendations",))
    hits = index.search("海上偷运")
    assert [(hit.key, hit.filed_under) for hit in hits] == [
        ("CTOC/COP/WG.7/2017/5#10", ("海上偷运", "海上偷运，国家当局通知秘书长")),
        ("CTOC/COP/WG.7/2017/5#11", ("海上偷运",)),
    ]
    topics = SearchIndex(processed, ("index_entries",)).search("联合调查")
    assert [(hit.key, hit.rec_ids) for hit in topics] == [
        ("国际合作, 联合调查", ("CTOC/COP/WG.7/2017/5#7",))
    ]


def test_no_match_says_where_else_to_look_and_exits_1(
    processed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "量子计算", "--processed", str(processed)]) == 1
    assert capsys.readouterr().out == (
        "no match (query terms: 量子 计算); try --table all (paragraphs, resolutions, topics)\n"
    )


def test_an_empty_query_is_a_usage_error(
    processed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "  ", "--processed", str(processed)]) == 2
    assert capsys.readouterr().err == "error: search: the query is empty\n"


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_a_limit_below_1_is_a_usage_error(
    processed: Path, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["search", "引渡", "--limit", limit, "--processed", str(processed)])
    assert exited.value.code == 2
    assert f"argument --limit: must be at least 1, not {limit}" in capsys.readouterr().err


def test_search_help_says_what_a_term_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    out = capsys.readouterr().out
    assert "what a term is:" in out
    assert "第 8/2 号决议, 决议 8/2 and 8/2 are all the term 8/2" in out
    assert "exit status: 0 hits found, 1 no match, 2 usage error." in out
