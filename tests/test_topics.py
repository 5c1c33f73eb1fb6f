"""Topic suggestions: the table, leave-one-out, the metrics, `pipeline evaluate`."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.corpus.topics import (
    SUGGESTIONS,
    TopicModel,
    build_model,
    evaluate,
    precision_at,
    read_inputs,
    recall_at,
)
from pipeline.search.engine import dictionary_sources, dictionary_tables, segmenter
from tests.test_search import processed  # noqa: F401  (the session's built corpus)


@pytest.fixture(scope="module")
def model(processed: Path) -> TopicModel:  # noqa: F811
    seg = segmenter(dictionary_sources(dictionary_tables(processed)))
    return build_model(read_inputs(processed), seg)


@pytest.fixture(scope="module")
def suggestions(processed: Path) -> list[dict]:  # noqa: F811
    return pq.read_table(processed / "topic_suggestions.parquet").to_pylist()


def test_every_recommendation_gets_ranked_topics_of_the_index(
    processed: Path,  # noqa: F811
    suggestions: list[dict],
) -> None:
    recs = pq.read_table(processed / "recommendations.parquet").to_pylist()
    topics = set(pq.read_table(processed / "index_entries.parquet").column("topic").to_pylist())
    by_rec: dict[str, list[dict]] = defaultdict(list)
    for row in suggestions:
        by_rec[row["rec_id"]].append(row)
    assert set(by_rec) == {rec["rec_id"] for rec in recs}
    for rec in recs:
        rows = by_rec[rec["rec_id"]]
        assert [row["rank"] for row in rows] == list(range(1, SUGGESTIONS + 1))
        assert [row["score"] for row in rows] == sorted(
            (row["score"] for row in rows), reverse=True
        )
        assert all(row["topic"] in topics for row in rows)
        assert all(row["doc_id"] == rec["doc_id"] for row in rows)
        assert all(row["line_start"] == rec["line_start"] for row in rows)


def test_indexed_flags_the_index_own_links(processed: Path, suggestions: list[dict]) -> None:  # noqa: F811
    entries = pq.read_table(processed / "index_entries.parquet").to_pylist()
    links = {(row["rec_id"], row["topic"]) for row in entries if row["rec_id"]}
    assert all(row["indexed"] == ((row["rec_id"], row["topic"]) in links) for row in suggestions)
    # Joint investigation teams: recommendation 7 is filed under its topic.
    rec_7 = [row for row in suggestions if row["rec_id"] == "CTOC/COP/WG.7/2017/5#7"]
    assert "联合调查小组" in {row["topic"] for row in rec_7[:3]}


def test_a_recommendation_is_scored_without_its_own_links(model: TopicModel) -> None:
    rec = sorted(model.links)[0]
    others = {other: topics for other, topics in model.links.items() if other != rec}
    without = TopicModel(model.labels, model.vectors, others)
    assert model.rank(rec) == without.rank(rec, exclude_own_links=False)


def test_the_links_change_the_ranking_the_label_prior_alone_gives(model: TopicModel) -> None:
    rec = sorted(model.links)[0]
    assert model.rank(rec) != model.rank(rec, label_only=True)


def test_a_topic_no_recommendation_is_linked_to_is_ranked_by_its_label_words() -> None:
    labels = {
        "引渡": {"引渡": 1.0},
        "海上偷运": {"海上": 0.8, "偷运": 0.6},
    }
    vectors = {"r1": {"引渡": 0.6, "司法协助": 0.8}, "r2": {"海上": 1.0}}
    model = TopicModel(labels, vectors, links={})
    assert [s.topic for s in model.rank("r1")] == ["引渡"]
    assert [s.topic for s in model.rank("r2")] == ["海上偷运"]


def test_neighbours_vote_for_their_topics() -> None:
    labels = {"A": {"x": 1.0}, "B": {"y": 1.0}}
    vectors = {"r1": {"z": 1.0}, "r2": {"z": 1.0}}
    model = TopicModel(labels, vectors, links={"r2": frozenset({"B"})})
    # r1 shares no word with either label; its neighbour r2 is filed under B.
    assert [s.topic for s in model.rank("r1")] == ["B"]


def test_precision_and_recall_at_k() -> None:
    gold = frozenset({"a", "b"})
    assert precision_at(["a", "x", "b", "y"], gold, 3) == pytest.approx(2 / 3)
    assert precision_at(["x"], gold, 3) == 0.0
    assert recall_at(["x", "a", "y", "z", "w", "b"], gold, 5) == 0.5
    assert recall_at(["b", "a"], gold, 5) == 1.0


def test_leave_one_out_covers_every_linked_recommendation(model: TopicModel) -> None:
    result = evaluate(model)
    assert result.recommendations == len(model.links) == 15
    assert result.links == sum(len(topics) for topics in model.links.values())
    for figures in (result.model, result.baseline):
        assert 0.0 <= figures["precision@3"] <= 1.0
        assert 0.0 <= figures["recall@5"] <= 1.0
    assert evaluate(model) == result  # deterministic


def test_evaluate_prints_the_model_beside_the_baseline(
    processed: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", "--processed", str(processed)]) == 0
    out = capsys.readouterr().out
    assert "precision@3" in out
    assert "recall@5" in out
    assert "model" in out
    assert "baseline" in out
    assert main(["evaluate", "--processed", str(processed), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["recommendations"] == 15
    assert set(answer["model"]) == {"precision@3", "recall@5"}


def test_terms_streamed_a_row_at_a_time_give_the_model_of_the_terms_in_memory(
    tmp_path: Path,
) -> None:
    import pyarrow as pa

    from pipeline.corpus.topics import Inputs, StreamedTerms

    rows = [
        {"source_table": "recommendations", "doc_id": "A/1", "key": "A/1#1", "term": t, "count": c}
        for t, c in (("司法协助", 2), ("引渡", 1), ("司法协助", 1))
    ] + [
        {"source_table": "paragraphs", "doc_id": "A/1", "key": "3", "term": "引渡", "count": 4},
        {"source_table": "recommendations", "doc_id": "A/1", "key": "A/1#2", "term": "没收",
         "count": 1},
        {"source_table": "paragraphs", "doc_id": "A/1", "key": None, "term": "没收", "count": 1},
    ]  # fmt: skip
    # Rows of one key apart from each other, as the table's order may put them.
    rows.append({**rows[0], "term": "联合调查"})
    path = tmp_path / "terms.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    recommendations = [
        {"rec_id": "A/1#1", "doc_id": "A/1"},
        {"rec_id": "A/1#2", "doc_id": "A/1"},
    ]
    entries = [{"topic": "引渡", "rec_id": "A/1#1"}, {"topic": "没收", "rec_id": "A/1#2"}]
    seg = segmenter(dictionary_sources({}))
    in_memory = build_model(Inputs(recommendations, entries, rows), seg)
    streamed = build_model(Inputs(recommendations, entries, StreamedTerms(path)), seg)
    assert streamed.vectors == in_memory.vectors
    assert streamed.labels == in_memory.labels
    assert streamed.vectors["A/1#2"] != {}


def _build(raw: Path, out: Path, work: Path) -> None:
    args = ["build", "--raw", str(raw), "--out", str(out), "--work", str(work), "--quiet"]
    assert main(args) == 0


def test_a_new_report_without_index_entries_is_counted_alone_and_gives_a_first_build_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from pipeline.corpus.topics import CountStore
    from tests.conftest import RAW

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)

    work = tmp_path / "work"
    _build(raw, tmp_path / "first", work)
    # The same report under another symbol: its words are already in the
    # dictionary, it has recommendations and no index entries.
    shutil.copy(raw / "CTOC_COP_WG.7_2017_5.zh.txt", raw / "CTOC_COP_WG.7_2017_6.zh.txt")
    counted: list[str | None] = []
    update = CountStore.update

    def counting(store: CountStore, *args: object) -> list[str | None]:
        counted.extend(update(store, *args))  # type: ignore[arg-type]
        return counted

    monkeypatch.setattr(CountStore, "update", counting)
    _build(raw, tmp_path / "again", work)
    monkeypatch.undo()
    assert counted == ["CTOC/COP/WG.7/2017/6"]
    _build(raw, tmp_path / "scratch", tmp_path / "scratch-work")
    name = "topic_suggestions.parquet"
    assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "scratch" / name).read_bytes()
    table = pq.read_table(tmp_path / "again" / name).to_pylist()
    assert {row["doc_id"] for row in table} == {"CTOC/COP/WG.7/2017/5", "CTOC/COP/WG.7/2017/6"}


def test_a_new_report_adding_only_a_long_phrase_to_the_dictionary_is_counted_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from pipeline.corpus.topics import SUBWORD_WIDTHS, CountStore
    from pipeline.search.engine import Segmenter
    from tests.conftest import RAW

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)

    def dictionary(out: Path) -> frozenset[str]:
        return Segmenter(dictionary_sources(dictionary_tables(out))).dictionary

    work = tmp_path / "work"
    _build(raw, tmp_path / "first", work)
    # The same report under another symbol, one agenda item retitled with a
    # phrase of six characters that no document has.
    text = (raw / "CTOC_COP_WG.7_2017_5.zh.txt").read_text(encoding="utf-8")
    assert "其他事项" in text
    (raw / "CTOC_COP_WG.7_2017_6.zh.txt").write_text(
        text.replace("其他事项", "跨境数据调取"), encoding="utf-8"
    )
    counted: list[str | None] = []
    update = CountStore.update

    def counting(store: CountStore, *args: object) -> list[str | None]:
        counted.extend(update(store, *args))  # type: ignore[arg-type]
        return counted

    monkeypatch.setattr(CountStore, "update", counting)
    _build(raw, tmp_path / "again", work)
    monkeypatch.undo()
    added = dictionary(tmp_path / "again") - dictionary(tmp_path / "first")
    assert "跨境数据调取" in added
    assert all(len(word) > max(SUBWORD_WIDTHS) for word in added)
    assert counted == ["CTOC/COP/WG.7/2017/6"]
    _build(raw, tmp_path / "scratch", tmp_path / "scratch-work")
    name = "topic_suggestions.parquet"
    assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "scratch" / name).read_bytes()


def _store_state(con: Any) -> list[list[tuple]]:
    """What a count store holds, table by table, in a stable order."""
    return [
        sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        for table in ("term_features", "docs", "doc_frequencies", "rec_features")
    ]


def test_a_short_dictionary_word_gained_or_lost_recounts_the_documents_it_changes(
    tmp_path: Path,
) -> None:
    import duckdb
    import pyarrow as pa

    from pipeline.corpus.topics import CountStore, Inputs
    from pipeline.search.engine import DictionarySources, Segmenter

    rows = [
        {"source_table": "recommendations", "doc_id": "A/1", "key": "A/1#1",
         "term": "跨境数据调取", "count": 2},
        {"source_table": "paragraphs", "doc_id": "A/1", "key": "4", "term": "引渡", "count": 1},
        {"source_table": "recommendations", "doc_id": "B/1", "key": "B/1#1",
         "term": "文物保护", "count": 1},
        {"source_table": "paragraphs", "doc_id": None, "key": "2", "term": "数据", "count": 1},
    ]  # fmt: skip
    path = tmp_path / "terms.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    recommendations = [{"rec_id": "A/1#1", "doc_id": "A/1"}, {"rec_id": "B/1#1", "doc_id": "B/1"}]
    inputs = Inputs(recommendations, [{"topic": "数据调取", "rec_id": "A/1#1"}], ())
    plain = Segmenter(DictionarySources((), (), ("数据调取",)))
    # 境数 is no word of jieba's: as a dictionary word it becomes a feature of
    # 跨境数据调取 alone; 文物保护工作 is longer than any subword.
    wider = Segmenter(DictionarySources((), (), ("境数", "数据调取", "文物保护工作")))
    assert "境数" not in plain.subwords("跨境数据调取")
    assert "境数" in wider.subwords("跨境数据调取")

    con = duckdb.connect(str(tmp_path / "counts.duckdb"))
    store = CountStore(con, "key")
    checksums = store.checksums(path)
    assert store.update(path, checksums, plain) == ["A/1", "B/1", None]
    for seg in (wider, plain):
        assert store.update(path, checksums, seg) == ["A/1"]
        fresh = duckdb.connect()
        scratch = CountStore(fresh, "key")
        scratch.update(path, checksums, seg)
        assert _store_state(con) == _store_state(fresh)
        expected = build_model(Inputs(recommendations, inputs.entries, rows), seg)
        assert store.model(inputs, seg).vectors == expected.vectors
    con.close()


def test_documents_counted_in_batches_give_the_store_of_one_batch_and_survive_a_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb
    import pyarrow as pa

    from pipeline.corpus.topics import CountStore, Inputs
    from pipeline.search.engine import DictionarySources, Segmenter

    rows = [
        {"source_table": "recommendations", "doc_id": "A/1", "key": "A/1#1",
         "term": "跨境数据调取", "count": 2},
        {"source_table": "paragraphs", "doc_id": "A/1", "key": "4", "term": "引渡", "count": 1},
        {"source_table": "paragraphs", "doc_id": "A/1", "key": "5", "term": "数据", "count": 3},
        {"source_table": "recommendations", "doc_id": "B/1", "key": "B/1#1",
         "term": "文物保护", "count": 1},
        {"source_table": "recommendations", "doc_id": "C/1", "key": "C/1#1",
         "term": "数据调取", "count": 1},
        {"source_table": "paragraphs", "doc_id": None, "key": "2", "term": "数据", "count": 1},
    ]  # fmt: skip
    path = tmp_path / "terms.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    recommendations = [{"rec_id": f"{d}/1#1", "doc_id": f"{d}/1"} for d in "ABC"]
    inputs = Inputs(recommendations, [{"topic": "数据调取", "rec_id": "A/1#1"}], ())
    seg = Segmenter(DictionarySources((), (), ("数据调取",)))

    whole = CountStore(duckdb.connect(), "key")
    checksums = whole.checksums(path)
    assert whole.update(path, checksums, seg) == ["A/1", "B/1", "C/1", None]

    # One document (A/1 has 3 rows, more than a batch) per transaction.
    batches: list[list[str | None]] = []
    count = CountStore._count

    def recording(store: CountStore, source: str, batch: list, seg: Segmenter) -> None:
        batches.append([doc_id for doc_id, _ in batch])
        count(store, source, batch, seg)

    monkeypatch.setattr(CountStore, "_count", recording)
    one_by_one = CountStore(duckdb.connect(), "key", batch_rows=1)
    assert one_by_one.update(path, checksums, seg) == ["A/1", "B/1", "C/1", None]
    assert batches == [["A/1"], ["B/1"], ["C/1"], [None]]
    assert _store_state(one_by_one.con) == _store_state(whole.con)
    assert one_by_one.model(inputs, seg).vectors == whole.model(inputs, seg).vectors

    # Batches of two rows ([A/1], [B/1, C/1], [None]); the run stops in the last.
    def stopping(store: CountStore, source: str, batch: list, seg: Segmenter) -> None:
        if batch[0][0] is None:
            raise KeyboardInterrupt
        count(store, source, batch, seg)

    monkeypatch.setattr(CountStore, "_count", stopping)
    con = duckdb.connect(str(tmp_path / "counts.duckdb"))
    stopped = CountStore(con, "key", batch_rows=2)
    with pytest.raises(KeyboardInterrupt):
        stopped.update(path, checksums, seg)
    counted = con.execute("SELECT doc_id FROM docs ORDER BY doc_id").fetchall()
    assert counted == [("A/1",), ("B/1",), ("C/1",)]
    monkeypatch.setattr(CountStore, "_count", count)
    assert stopped.update(path, checksums, seg) == [None]
    assert _store_state(con) == _store_state(whole.con)
    con.close()
