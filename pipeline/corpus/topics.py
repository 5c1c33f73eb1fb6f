"""Topic suggestions: which thematic-index topics a recommendation belongs under.

The thematic index links some recommendations of the corpus to its topics
(``index_entries.rec_id`` + ``topic``). From those links, and from the words of
the topic labels themselves, :class:`TopicModel` ranks every topic of the index
for a recommendation:

* the label prior: the cosine between the recommendation's term vector and the
  label's (刑事司法制度，证人保护 is about 证人 and 保护 whatever the links say);
* the links: the recommendation's nearest linked neighbours vote for their
  topics, each vote weighted by the cosine between the two recommendations.

Term vectors are the words of the ``terms`` table plus the dictionary words of
two and three characters inside them (联合调查小组 also counts as 联合, 调查 and
小组, so that it meets the label 国际合作, 联合调查), weighted by TF-IDF over
every indexed row of the corpus. Nothing here names a recommendation or a topic.

The ``topic_suggestions`` table holds the best :data:`SUGGESTIONS` topics of
each recommendation. A recommendation the index already links is scored with its
own links held out (as in the evaluation), so its suggestions are predictions,
not its links read back; ``indexed`` tells which of them the index has.

:func:`evaluate` measures the model by leave-one-out over the linked
recommendations (precision@3, recall@5), beside the label prior alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.corpus.database import DUCKDB_MEMORY
from pipeline.corpus.sql import literal
from pipeline.corpus.write import CACHE_KEY, cached_key
from pipeline.records import TopicSuggestionRow

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from pipeline.search.engine import DictionarySources, Segmenter

Row = dict[str, Any]
Vector = dict[str, float]
DocKey = tuple[str, str, str]

# Topics kept per recommendation in topic_suggestions.
SUGGESTIONS = 5
# Weight of the neighbours' votes against the label prior, each scaled to a best
# of 1 per recommendation: equal weight, fixed in advance rather than fitted,
# since a few dozen links leave nothing to fit it on.
LINK_WEIGHT = 0.5
# Neighbours that vote.
NEIGHBOURS = 5


# --- vectors -------------------------------------------------------------------------


def _is_feature(term: str) -> bool:
    """Words of two characters or more with an ideograph: not numbers or particles."""
    return len(term) >= 2 and any("\u4e00" <= char <= "\u9fff" for char in term)


def features(counts: Mapping[str, int], seg: Segmenter) -> Counter[str]:
    """The words of a row and the shorter dictionary words inside them."""
    found: Counter[str] = Counter()
    for term, count in counts.items():
        for feature in (term, *seg.subwords(term)):
            if _is_feature(feature):
                found[feature] += count
    return found


def _cosine(left: Vector, right: Vector) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(weight * right.get(term, 0.0) for term, weight in left.items())


@dataclass(frozen=True)
class Weights:
    """Inverse document frequencies over every indexed row of the corpus."""

    idf: dict[str, float]
    default: float

    @classmethod
    def from_frequencies(cls, df: Mapping[str, int], n_rows: int) -> Weights:
        """From how many of ``n_rows`` rows hold each feature."""
        idf = {term: math.log((1 + n_rows) / (1 + count)) + 1.0 for term, count in df.items()}
        return cls(idf=idf, default=math.log(1 + n_rows) + 1.0)

    def vector(self, counts: Mapping[str, int]) -> Vector:
        """Sub-linear TF-IDF, L2-normalized."""
        raw = {
            term: (1.0 + math.log(count)) * self.idf.get(term, self.default)
            for term, count in sorted(counts.items())
            if count > 0
        }
        norm = math.sqrt(sum(value * value for value in raw.values()))
        return {term: value / norm for term, value in raw.items()} if norm else {}


# --- the model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    topic: str
    score: float


class TopicModel:
    """Label prior plus weighted nearest-neighbour votes over linked recommendations."""

    def __init__(
        self,
        labels: Mapping[str, Vector],
        vectors: Mapping[str, Vector],
        links: Mapping[str, frozenset[str]],
        link_weight: float = LINK_WEIGHT,
        neighbours: int = NEIGHBOURS,
    ) -> None:
        # Terms in order in every vector, so that a cosine summed term by term
        # over the postings adds the same products in the same order as
        # :func:`_cosine` (the same floats to the last bit).
        self.labels = {topic: _in_order(label) for topic, label in sorted(labels.items())}
        self.vectors = {rec: _in_order(vector) for rec, vector in vectors.items()}
        self.links = {rec: topics for rec, topics in links.items() if rec in vectors}
        self.link_weight = link_weight
        self.neighbours = neighbours
        self._label_postings = _postings(self.labels)
        self._link_postings = _postings({rec: self.vectors[rec] for rec in sorted(self.links)})

    def label_scores(self, vector: Vector) -> dict[str, float]:
        """The prior: cosine between the recommendation and each topic label."""
        return _cosines(_in_order(vector), self._label_postings, self.labels)

    def link_scores(self, vector: Vector, exclude: str | None = None) -> dict[str, float]:
        """The share of the nearest linked neighbours' similarity that votes for
        each topic (0 for all when no neighbour is similar at all)."""
        cosines = _cosines(_in_order(vector), self._link_postings, self.links)
        similar = sorted((-cosine, rec) for rec, cosine in cosines.items() if rec != exclude)[
            : self.neighbours
        ]
        total = -sum(score for score, _ in similar)
        votes: dict[str, float] = defaultdict(float)
        if total > 0:
            for score, rec in similar:
                for topic in self.links[rec]:
                    votes[topic] += -score / total
        return {topic: votes.get(topic, 0.0) for topic in self.labels}

    def rank(
        self, rec: str, exclude_own_links: bool = True, label_only: bool = False
    ) -> list[Scored]:
        """Every topic with a positive score for ``rec``, best first; its own
        links are held out unless ``exclude_own_links`` is false.

        The two scores live on different scales (a label cosine rarely passes
        0.4, a vote share reaches 1), so each is divided by its best value for
        this recommendation before they are mixed with :data:`LINK_WEIGHT`.
        """
        vector = self.vectors.get(rec, {})
        combined = _scaled(self.label_scores(vector))
        if not label_only:
            links = _scaled(self.link_scores(vector, exclude=rec if exclude_own_links else None))
            combined = {
                topic: (1 - self.link_weight) * combined[topic] + self.link_weight * links[topic]
                for topic in self.labels
            }
        ranked = sorted(
            ((round(score, 9), topic) for topic, score in combined.items() if score > 0),
            key=lambda item: (-item[0], item[1]),
        )
        return [Scored(topic, score) for score, topic in ranked]


def _in_order(vector: Vector) -> Vector:
    """``vector`` with its terms in order (as :meth:`Weights.vector` gives them)."""
    terms = list(vector)
    return vector if terms == sorted(terms) else dict(sorted(vector.items()))


def _postings(vectors: Mapping[str, Vector]) -> dict[str, list[tuple[str, float]]]:
    """For each term, the vectors that hold it with its weight there."""
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for name, vector in vectors.items():
        for term, weight in vector.items():
            postings[term].append((name, weight))
    return dict(postings)


def _cosines(
    vector: Vector, postings: Mapping[str, list[tuple[str, float]]], names: Iterable[str]
) -> dict[str, float]:
    """:func:`_cosine` between ``vector`` and each of the vectors of ``postings``
    (0.0 for those of ``names`` that share no term with it), visiting only the
    terms they share: each sum adds the same products in the same term order."""
    sums = dict.fromkeys(names, 0.0)
    for term, weight in vector.items():
        for name, other in postings.get(term, ()):
            sums[name] += weight * other
    return sums


def _scaled(scores: Mapping[str, float]) -> dict[str, float]:
    """``scores`` divided by the largest (left as they are when none is positive)."""
    best = max(scores.values(), default=0.0)
    return {topic: score / best for topic, score in scores.items()} if best > 0 else dict(scores)


# --- inputs, from the assembled tables or from processed/ ----------------------------


@dataclass(frozen=True)
class Inputs:
    """What the model is built from."""

    recommendations: list[Row]
    entries: list[Row]
    terms: Iterable[Row] | StreamedTerms


def build_model(inputs: Inputs, seg: Segmenter) -> TopicModel:
    """The model of the corpus: IDF over every indexed row, a vector per
    recommendation and per topic label, the index's links. Only the
    recommendations' features are kept: the other rows count towards the
    document frequencies and are let go."""
    wanted = {("recommendations", rec["doc_id"], rec["rec_id"]) for rec in inputs.recommendations}
    df: Counter[str] = Counter()
    n_rows = 0
    kept: dict[DocKey, Counter[str]] = {}
    for key, counts in _row_counts(inputs.terms):
        found = features(counts, seg)
        n_rows += 1
        df.update(found.keys())
        if key in wanted:
            kept[key] = found
    weights = Weights.from_frequencies(df, n_rows)
    vectors = {
        rec["rec_id"]: weights.vector(
            kept.get(("recommendations", rec["doc_id"], rec["rec_id"]), Counter())
        )
        for rec in inputs.recommendations
    }
    labels = {
        topic: weights.vector(features(Counter(seg.terms(topic)), seg))
        for topic in sorted({row["topic"] for row in inputs.entries if row.get("topic")})
    }
    return TopicModel(labels, vectors, index_links(inputs))


def _row_counts(terms: Iterable[Row] | StreamedTerms) -> Iterator[tuple[DocKey, Counter[str]]]:
    """Each indexed row's term counts."""
    if isinstance(terms, StreamedTerms):
        yield from terms.groups()
        return
    per_row: dict[DocKey, Counter[str]] = defaultdict(Counter)
    for row in terms:
        per_row[(row["source_table"], row["doc_id"], row["key"])][row["term"]] += row["count"]
    yield from per_row.items()


class StreamedTerms:
    """``terms.parquet`` read by DuckDB a row's terms at a time (sorted by row,
    spilling to disk if it must), so the corpus's terms are never all in memory."""

    def __init__(self, path: Path, memory_limit: str = "512MB") -> None:
        self.path = path
        self.memory_limit = memory_limit

    def groups(self) -> Iterator[tuple[DocKey, Counter[str]]]:
        import duckdb

        con = duckdb.connect()
        spill = tempfile.TemporaryDirectory(prefix="untoc-spill-")
        try:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            # Spilled sorts go to a temporary folder, not to ``.tmp`` in the current directory.
            con.execute(f"SET temp_directory = {literal(spill.name)}")
            con.execute("SET preserve_insertion_order = false")
            result = con.execute(
                "SELECT source_table, doc_id, key, term, sum(count)::BIGINT"
                f" FROM read_parquet({literal(self.path)}) GROUP BY ALL"
                " ORDER BY source_table NULLS LAST, doc_id NULLS LAST, key NULLS LAST"
            )
            current: DocKey | None = None
            counts: Counter[str] = Counter()
            while batch := result.fetchmany(BATCH):
                for source_table, doc_id, key, term, count in batch:
                    row_key = (source_table, doc_id, key)
                    if row_key != current:
                        if current is not None:
                            yield current, counts
                        current, counts = row_key, Counter()
                    counts[term] += count
            if current is not None:
                yield current, counts
        finally:
            con.close()
            spill.cleanup()


# Rows fetched from DuckDB at a time.
BATCH = 50_000


def index_links(inputs: Inputs) -> dict[str, frozenset[str]]:
    """The topics the index links to each recommendation of the corpus."""
    known = {rec["rec_id"] for rec in inputs.recommendations}
    links: dict[str, set[str]] = defaultdict(set)
    for row in inputs.entries:
        if row.get("rec_id") in known and row.get("topic"):
            links[row["rec_id"]].add(row["topic"])
    return {rec: frozenset(topics) for rec, topics in sorted(links.items())}


def suggestion_rows(
    tables: Mapping[str, Sequence[Row]], terms: Sequence[Row], seg: Segmenter
) -> list[Row]:
    """The ``topic_suggestions`` table: the best topics of every recommendation."""
    inputs = Inputs(
        recommendations=list(tables.get("recommendations", ())),
        entries=list(tables.get("index_entries", ())),
        terms=list(terms),
    )
    return suggestions_of(inputs, seg)


def suggestions_of(inputs: Inputs, seg: Segmenter) -> list[Row]:
    """The ``topic_suggestions`` rows of the model built from ``inputs``."""
    return suggestion_table(build_model(inputs, seg), inputs.recommendations)


def suggestion_table(model: TopicModel, recommendations: Iterable[Row]) -> list[Row]:
    """The ``topic_suggestions`` rows of ``model`` for ``recommendations``."""
    from pipeline.search.engine import as_row

    rows: list[Row] = []
    for rec in recommendations:
        own = model.links.get(rec["rec_id"], frozenset())
        for rank, scored in enumerate(model.rank(rec["rec_id"])[:SUGGESTIONS], start=1):
            record = TopicSuggestionRow(
                rec_id=rec["rec_id"],
                doc_id=rec["doc_id"],
                topic=scored.topic,
                rank=rank,
                score=round(scored.score, 6),
                indexed=scored.topic in own,
                line_start=rec.get("line_start"),
                line_end=rec.get("line_end"),
                page=rec.get("page"),
            )
            rows.append(as_row(record))
    return rows


def read_inputs(processed: Path) -> Inputs:
    """The model's inputs from the Parquet files of processed/."""
    from pipeline.search.engine import read_parquet

    def read(name: str, columns: list[str]) -> list[Row]:
        return read_parquet(processed / f"{name}.parquet", columns).to_pylist()

    return Inputs(
        recommendations=read(
            "recommendations", ["rec_id", "doc_id", "text", "line_start", "line_end", "page"]
        ),
        entries=read("index_entries", ["topic", "rec_id"]),
        terms=StreamedTerms(_existing(processed / "terms.parquet")),
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found (run `make` to build processed/)")
    return path


# --- evaluation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Leave-one-out figures over the linked recommendations."""

    recommendations: int
    topics: int
    links: int
    model: dict[str, float]
    baseline: dict[str, float]
    per_recommendation: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "recommendations": self.recommendations,
            "candidate_topics": self.topics,
            "links": self.links,
            "model": self.model,
            "baseline_label_overlap": self.baseline,
            "per_recommendation": self.per_recommendation,
        }

    def format(self) -> str:
        lines = [
            f"leave-one-out over {self.recommendations} recommendations linked by the"
            f" thematic index ({self.links} links, {self.topics} candidate topics)",
            "",
            f"{'':32}{'precision@3':>12}{'recall@5':>10}",
        ]
        for name, figures in (
            ("model (links + label words)", self.model),
            ("baseline (label-word overlap)", self.baseline),
        ):
            lines.append(f"{name:32}{figures['precision@3']:>12.3f}{figures['recall@5']:>10.3f}")
        return "\n".join(lines)


def precision_at(ranked: Sequence[str], gold: frozenset[str], k: int) -> float:
    """Share of the first ``k`` suggestions that the index has (out of k)."""
    return sum(1 for topic in ranked[:k] if topic in gold) / k


def recall_at(ranked: Sequence[str], gold: frozenset[str], k: int) -> float:
    """Share of the index's topics found among the first ``k`` suggestions."""
    return sum(1 for topic in gold if topic in ranked[:k]) / len(gold) if gold else 0.0


def evaluate(model: TopicModel) -> Evaluation:
    """Each linked recommendation's topics predicted from the other links only."""
    per_rec: list[dict[str, Any]] = []
    totals = {"model": [0.0, 0.0], "baseline": [0.0, 0.0]}
    for rec, gold in sorted(model.links.items(), key=lambda item: _rec_order(item[0])):
        entry: dict[str, Any] = {"rec_id": rec, "index": sorted(gold)}
        for name, label_only in (("model", False), ("baseline", True)):
            ranked = [s.topic for s in model.rank(rec, label_only=label_only)]
            p3, r5 = precision_at(ranked, gold, 3), recall_at(ranked, gold, 5)
            totals[name][0] += p3
            totals[name][1] += r5
            entry[name] = {"top5": ranked[:5], "precision@3": p3, "recall@5": r5}
        per_rec.append(entry)
    n = len(per_rec) or 1
    return Evaluation(
        recommendations=len(per_rec),
        topics=len(model.labels),
        links=sum(len(topics) for topics in model.links.values()),
        model={"precision@3": totals["model"][0] / n, "recall@5": totals["model"][1] / n},
        baseline={
            "precision@3": totals["baseline"][0] / n,
            "recall@5": totals["baseline"][1] / n,
        },
        per_recommendation=per_rec,
    )


def _rec_order(rec_id: str) -> tuple[str, int]:
    doc, _, number = rec_id.rpartition("#")
    return (doc, int(number) if number.isdigit() else 0)


def evaluate_processed(processed: Path) -> Evaluation:
    """:func:`evaluate` on the tables of processed/."""
    from pipeline.search.engine import dictionary_sources, dictionary_tables, segmenter

    inputs = read_inputs(processed)
    seg = segmenter(dictionary_sources(dictionary_tables(processed)))
    return evaluate(build_model(inputs, seg))


# --- the corpus stage: topic_suggestions.parquet, kept under the work folder --------

# Changes whenever what the cache holds changes meaning.
CACHE_VERSION = "2"
# The widths of the dictionary words :meth:`Segmenter.subwords` finds inside a term.
SUBWORD_WIDTHS = (2, 3)
# DuckDB's memory for the counts (it spills to the work folder beyond it).
MEMORY_LIMIT = DUCKDB_MEMORY
# Rows fetched from the count store at a time.
FETCH_ROWS = 65_536
# Rows of terms counted in one transaction of the count store: what DuckDB
# holds at once stays far below MEMORY_LIMIT whatever the corpus.
COUNT_BATCH_ROWS = 1_000_000
_KEY = CACHE_KEY


def write_suggestions(sources: DictionarySources, out_dir: Path, work_dir: Path) -> int:
    """Write ``topic_suggestions.parquet`` from the written tables; its row count.

    The terms are never read whole: DuckDB reduces each document's rows of
    ``terms.parquet`` to its share of the model (how many rows hold each
    feature, how many rows it has, its recommendations' feature counts) and
    keeps that share in ``<work>/topics/counts.duckdb`` under a checksum of the
    document's terms, so only new or changed documents are counted again. A
    term's features depend on the dictionary only through its words of two and
    three characters and jieba's own dictionary (:meth:`CountStore.update`), so
    a dictionary that gains longer words (agenda titles, names) keeps every
    share. The table itself is kept (``<work>/topics/topic_suggestions.parquet``)
    while those checksums, the whole dictionary (the topic labels are cut with
    it), the recommendations and the index entries are the same. Every document
    enters the IDF, so any new document changes every weight, and the
    recommendations are then all ranked again.
    """
    import duckdb
    import pyarrow.parquet as pq

    from pipeline.corpus.write import to_arrow, write_table
    from pipeline.schema import TABLES
    from pipeline.search.engine import read_parquet, segmenter

    cache_dir = work_dir / "topics"
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Where the table was kept before the documents' shares were.
    (work_dir / "topic_suggestions.parquet").unlink(missing_ok=True)
    terms_path = _existing(out_dir / "terms.parquet")
    recs_path = _existing(out_dir / "recommendations.parquet")
    entries_path = _existing(out_dir / "index_entries.parquet")
    dictionary = _digest(json.dumps(sources.__dict__, default=sorted).encode())
    con = duckdb.connect(str(cache_dir / "counts.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = {literal(cache_dir / 'spill')}")
        con.execute("SET preserve_insertion_order = false")
        base = (CACHE_VERSION, duckdb.__version__, _jieba_identity())
        store = CountStore(con, _digest(*(part.encode() for part in base)))
        checksums = store.checksums(terms_path)
        key = _digest(
            store.key.encode(),
            dictionary.encode(),
            _file_digest(recs_path).encode(),
            _file_digest(entries_path).encode(),
            json.dumps(sorted(checksums.items(), key=repr)).encode(),
        )
        cache = cache_dir / "topic_suggestions.parquet"
        target = out_dir / "topic_suggestions.parquet"
        if cached_key(cache) == key:
            # Written as a first build writes it: without the cache's key.
            cached = pq.read_table(cache)
            metadata = {k: v for k, v in (cached.schema.metadata or {}).items() if k != _KEY}
            write_table(cached.replace_schema_metadata(metadata), target)
            return cached.num_rows
        seg = segmenter(sources)
        store.update(terms_path, checksums, seg)
        inputs = Inputs(
            recommendations=read_parquet(
                recs_path, ["rec_id", "doc_id", "line_start", "line_end", "page"]
            ).to_pylist(),
            # The model reads the topics and the recommendations they file:
            # each pair once, not each entry (an entry of every index document).
            entries=[
                {"topic": topic, "rec_id": rec_id}
                for topic, rec_id in con.execute(
                    "SELECT DISTINCT topic, rec_id"
                    f" FROM read_parquet({literal(entries_path)}) ORDER BY ALL"
                ).fetchall()
            ],
            terms=(),
        )
        rows = suggestion_table(store.model(inputs, seg), inputs.recommendations)
    finally:
        con.close()
    arrow, _ = to_arrow(TABLES["topic_suggestions"], rows)
    write_table(arrow, target)
    write_table(arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), _KEY: key}), cache)
    return arrow.num_rows


class CountStore:
    """Each document's share of the model, kept in a DuckDB database.

    ``term_features``: the features of every term met so far (a term without
    any has a row with a null feature); ``short_words``: the dictionary's words
    of :data:`SUBWORD_WIDTHS` characters those features were found with;
    ``docs``: each document's checksum and number of indexed rows;
    ``doc_frequencies``: how many of its rows hold each feature;
    ``rec_features``: the feature counts of its recommendations. All of it is
    for one version of the cache, of DuckDB and of jieba's dictionary
    (``key``); another starts afresh.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, key: str, batch_rows: int = COUNT_BATCH_ROWS
    ) -> None:
        self.con = con
        self.key = key
        self.batch_rows = batch_rows
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR)")
        stored = con.execute("SELECT key FROM meta").fetchall()
        if stored != [(key,)]:
            for table in (
                "meta",
                "term_features",
                "short_words",
                "docs",
                "doc_frequencies",
                "rec_features",
            ):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute("CREATE TABLE meta (key VARCHAR)")
            con.execute("INSERT INTO meta VALUES (?)", [key])
        con.execute(
            "CREATE TABLE IF NOT EXISTS term_features (term VARCHAR, feature VARCHAR, n BIGINT)"
        )
        con.execute("CREATE TABLE IF NOT EXISTS short_words (word VARCHAR)")
        con.execute(
            "CREATE TABLE IF NOT EXISTS docs (doc_id VARCHAR, checksum VARCHAR, n_rows BIGINT)"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS doc_frequencies"
            " (doc_id VARCHAR, feature VARCHAR, n_rows BIGINT)"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS rec_features"
            " (doc_id VARCHAR, rec_id VARCHAR, feature VARCHAR, count HUGEINT)"
        )

    def checksums(self, terms: Path) -> dict[str | None, str]:
        """A checksum of each document's rows of ``terms.parquet``, over the
        columns the model reads: the row count and the sum of the rows' hashes
        (order-free, so one scan with a group per document)."""
        return dict(
            self.con.execute(
                "SELECT doc_id, count(*)::VARCHAR || ':' ||"
                " sum(hash(source_table, key, term, count))::VARCHAR"
                f" FROM read_parquet({literal(terms)}) GROUP BY doc_id"
            ).fetchall()
        )

    def update(
        self, terms: Path, checksums: Mapping[str | None, str], seg: Segmenter
    ) -> list[str | None]:
        """Count the documents whose checksum is new or that hold a term whose
        features ``seg`` changes, drop those no longer there; the documents counted.

        The documents are counted in batches of about ``batch_rows`` rows of
        terms, each batch in its own transaction, so that what DuckDB
        holds is bounded by a batch, not by the corpus. A document's counts and
        its ``docs`` row are committed together: a run that stops half way
        leaves the documents it counted, and the next run counts the rest.
        """
        import pyarrow as pa

        con = self.con
        current = pa.table(
            {"doc_id": list(checksums), "checksum": list(checksums.values())},
            schema=pa.schema([("doc_id", pa.string()), ("checksum", pa.string())]),
        )
        con.register("current_docs", current)
        source = f"read_parquet({literal(terms)})"
        try:
            with self._transaction():
                self._follow_dictionary(source, seg)
                con.execute(
                    "DELETE FROM docs WHERE NOT EXISTS (SELECT 1 FROM current_docs c WHERE"
                    " c.doc_id IS NOT DISTINCT FROM docs.doc_id AND c.checksum = docs.checksum)"
                )
                for table in ("doc_frequencies", "rec_features"):
                    con.execute(
                        f"DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM docs d"
                        f" WHERE d.doc_id IS NOT DISTINCT FROM {table}.doc_id)"
                    )
            todo = con.execute(
                "SELECT doc_id, checksum FROM current_docs c WHERE NOT EXISTS"
                " (SELECT 1 FROM docs d WHERE d.doc_id IS NOT DISTINCT FROM c.doc_id)"
                " ORDER BY doc_id NULLS LAST"
            ).fetchall()
        finally:
            con.unregister("current_docs")
        for batch in _batches(todo, self.batch_rows):
            self._count(source, batch, seg)
        return [doc_id for doc_id, _ in todo]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _count(self, source: str, batch: Sequence[tuple[str | None, str]], seg: Segmenter) -> None:
        """Count one batch of documents (``(doc_id, checksum)`` in ``doc_id``
        order) into the store, in one transaction."""
        import pyarrow as pa

        con = self.con
        con.register(
            "batch_docs",
            pa.table(
                {"doc_id": [d for d, _ in batch], "checksum": [c for _, c in batch]},
                schema=pa.schema([("doc_id", pa.string()), ("checksum", pa.string())]),
            ),
        )
        named = [doc_id for doc_id, _ in batch if doc_id is not None]
        # A range on the sorted doc_id lets the reader skip the other row groups.
        ranges = []
        if named:
            ranges.append(f"t.doc_id BETWEEN {literal(named[0])} AND {literal(named[-1])}")
        if len(named) < len(batch):
            ranges.append("t.doc_id IS NULL")
        try:
            with self._transaction():
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE batch_terms AS"
                    " SELECT t.source_table, t.doc_id, t.key, t.term, t.count"
                    f" FROM {source} t SEMI JOIN batch_docs b"
                    " ON t.doc_id IS NOT DISTINCT FROM b.doc_id"
                    f" WHERE {' OR '.join(ranges)}"
                )
                new_terms = [
                    row[0]
                    for row in con.execute(
                        "SELECT DISTINCT t.term FROM batch_terms t"
                        " ANTI JOIN term_features f ON t.term = f.term"
                    ).fetchall()
                ]
                con.register("new_features", _term_features(new_terms, seg))
                con.execute("INSERT INTO term_features SELECT * FROM new_features")
                con.unregister("new_features")
                con.execute(
                    "INSERT INTO doc_frequencies SELECT doc_id, feature, count(*) FROM ("
                    " SELECT DISTINCT t.source_table, t.doc_id, t.key, f.feature FROM batch_terms t"
                    " JOIN term_features f ON t.term = f.term WHERE f.feature IS NOT NULL"
                    ") GROUP BY doc_id, feature"
                )
                con.execute(
                    "INSERT INTO rec_features SELECT t.doc_id, t.key, f.feature,"
                    " sum(t.count::BIGINT * f.n) FROM batch_terms t JOIN term_features f"
                    " ON t.term = f.term WHERE f.feature IS NOT NULL"
                    " AND t.source_table = 'recommendations' GROUP BY ALL"
                )
                con.execute(
                    "INSERT INTO docs SELECT b.doc_id, b.checksum, coalesce(r.n_rows, 0)"
                    " FROM batch_docs b LEFT JOIN (SELECT doc_id, count(*) AS n_rows FROM"
                    " (SELECT DISTINCT source_table, doc_id, key FROM batch_terms)"
                    " GROUP BY doc_id) r"
                    " ON r.doc_id IS NOT DISTINCT FROM b.doc_id"
                )
                con.execute("DROP TABLE batch_terms")
        finally:
            con.unregister("batch_docs")

    def _follow_dictionary(self, source: str, seg: Segmenter) -> None:
        """Bring ``term_features`` to the dictionary of ``seg`` and forget the
        shares of the documents whose terms it gives other features.

        A term's features are the term and the strings of two and three
        characters inside it that jieba's ``FREQ`` gives a frequency: jieba's
        own words, and the user dictionary's words of those lengths (jieba's
        ``add_word`` gives each at least 1, and the longer words' prefixes 0).
        So only the terms that contain a word of two or three characters the
        dictionary gained or lost can change; they are worked out again, and
        the documents holding one that did change are counted again.
        """
        con = self.con
        words = frozenset(word for word in seg.dictionary if len(word) in SUBWORD_WIDTHS)
        stored = {row[0] for row in con.execute("SELECT word FROM short_words").fetchall()}
        changed = words ^ stored
        if not changed:
            return
        known = con.execute("SELECT DISTINCT term FROM term_features").fetchall()
        affected = sorted(term for (term,) in known if _contains_any(term, changed))
        before: dict[str, set[tuple[str | None, int | None]]] = defaultdict(set)
        con.register("affected", _strings("term", affected))
        try:
            for term, feature, n in con.execute(
                "SELECT term, feature, n FROM term_features SEMI JOIN affected USING (term)"
            ).fetchall():
                before[term].add((feature, n))
        finally:
            con.unregister("affected")
        differing = [term for term in affected if set(_feature_rows(term, seg)) != before[term]]
        if differing:
            con.register("differing", _strings("term", differing))
            con.register("differing_features", _term_features(differing, seg))
            try:
                con.execute("DELETE FROM term_features WHERE term IN (SELECT term FROM differing)")
                con.execute("INSERT INTO term_features SELECT * FROM differing_features")
                con.execute(
                    "DELETE FROM docs WHERE EXISTS (SELECT 1 FROM"
                    f" (SELECT DISTINCT doc_id FROM {source} SEMI JOIN differing USING (term)) h"
                    " WHERE h.doc_id IS NOT DISTINCT FROM docs.doc_id)"
                )
            finally:
                con.unregister("differing")
                con.unregister("differing_features")
        con.execute("DELETE FROM short_words")
        con.register("current_words", _strings("word", sorted(words)))
        try:
            con.execute("INSERT INTO short_words SELECT word FROM current_words")
        finally:
            con.unregister("current_words")

    def model(self, inputs: Inputs, seg: Segmenter) -> TopicModel:
        """The model of :func:`build_model`, from the documents' shares."""
        con = self.con
        n_rows = con.execute("SELECT coalesce(sum(n_rows), 0)::BIGINT FROM docs").fetchone()[0]
        kept: dict[DocKey, Counter[str]] = defaultdict(Counter)
        # A batch of rows at a time: the rows as tuples took more memory than
        # the counters they fill (313 MB at 10,000 documents).
        result = con.execute("SELECT doc_id, rec_id, feature, count::BIGINT FROM rec_features")
        while rows := result.fetchmany(FETCH_ROWS):
            for doc_id, rec_id, feature, count in rows:
                kept[("recommendations", doc_id, rec_id)][feature] = count
        topics = sorted({row["topic"] for row in inputs.entries if row.get("topic")})
        label_features = {topic: features(Counter(seg.terms(topic)), seg) for topic in topics}
        wanted = {feature for counts in kept.values() for feature in counts}
        wanted.update(feature for counts in label_features.values() for feature in counts)
        # Only the frequencies of features some vector holds are needed.
        import pyarrow as pa

        con.register(
            "wanted",
            pa.table({"feature": sorted(wanted)}, schema=pa.schema([("feature", pa.string())])),
        )
        try:
            df = dict(
                con.execute(
                    "SELECT feature, sum(n_rows)::BIGINT FROM doc_frequencies"
                    " SEMI JOIN wanted USING (feature) GROUP BY feature"
                ).fetchall()
            )
        finally:
            con.unregister("wanted")
        weights = Weights.from_frequencies(df, n_rows)
        vectors = {
            rec["rec_id"]: weights.vector(
                kept.get(("recommendations", rec["doc_id"], rec["rec_id"]), Counter())
            )
            for rec in inputs.recommendations
        }
        labels = {topic: weights.vector(counts) for topic, counts in label_features.items()}
        return TopicModel(labels, vectors, index_links(inputs))


def _batches(
    docs: Sequence[tuple[str | None, str]], rows: int
) -> Iterator[list[tuple[str | None, str]]]:
    """``docs`` (``(doc_id, checksum)``, the checksum starting with the
    document's row count) cut into runs of about ``rows`` rows of terms; a
    document larger than that is a run of its own."""
    batch: list[tuple[str | None, str]] = []
    size = 0
    for doc in docs:
        count = int(doc[1].split(":", 1)[0])
        if batch and size + count > rows:
            yield batch
            batch, size = [], 0
        batch.append(doc)
        size += count
    if batch:
        yield batch


def _term_features(terms: Sequence[str], seg: Segmenter) -> pa.Table:
    """``term_features`` rows of ``terms``: each feature with how many times
    :func:`features` counts it per occurrence of the term."""
    import pyarrow as pa

    columns: dict[str, list[Any]] = {"term": [], "feature": [], "n": []}
    for term in terms:
        for feature, n in _feature_rows(term, seg):
            columns["term"].append(term)
            columns["feature"].append(feature)
            columns["n"].append(n)
    return pa.table(
        columns,
        schema=pa.schema([("term", pa.string()), ("feature", pa.string()), ("n", pa.int64())]),
    )


def _strings(name: str, values: Sequence[str]) -> pa.Table:
    """A table of one string column (typed even when empty)."""
    import pyarrow as pa

    return pa.table({name: values}, schema=pa.schema([(name, pa.string())]))


def _feature_rows(term: str, seg: Segmenter) -> list[tuple[str | None, int | None]]:
    """The ``(feature, n)`` rows of ``term`` in ``term_features``: one null row
    for a term without features."""
    return list(features({term: 1}, seg).items()) or [(None, None)]


def _contains_any(term: str, words: frozenset[str]) -> bool:
    """Whether one of ``words`` is a subword :meth:`Segmenter.subwords` could
    find in ``term`` (a string of a subword width inside a longer term)."""
    return any(
        term[start : start + width] in words
        for width in SUBWORD_WIDTHS
        if len(term) > width
        for start in range(len(term) - width + 1)
    )


def _jieba_identity() -> str:
    """jieba's version and a digest of its dictionary file, whose words are
    subwords whatever the user dictionary: found without importing jieba
    (a tenth of a second), which the table kept as it was never needs."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return "no jieba"
    # jieba's DEFAULT_DICT_NAME, beside its package.
    dictionary = Path(spec.origin).with_name("dict.txt")
    return f"{importlib.metadata.version('jieba')}:{_file_digest(dictionary)}"


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    """SHA-256 of a file, read a block at a time."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
