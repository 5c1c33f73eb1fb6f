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

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.records import TopicSuggestionRow

if TYPE_CHECKING:
    from pipeline.search.engine import Segmenter

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
        self.labels = dict(sorted(labels.items()))
        self.vectors = vectors
        self.links = {rec: topics for rec, topics in links.items() if rec in vectors}
        self.link_weight = link_weight
        self.neighbours = neighbours

    def label_scores(self, vector: Vector) -> dict[str, float]:
        """The prior: cosine between the recommendation and each topic label."""
        return {topic: _cosine(vector, label) for topic, label in self.labels.items()}

    def link_scores(self, vector: Vector, exclude: str | None = None) -> dict[str, float]:
        """The share of the nearest linked neighbours' similarity that votes for
        each topic (0 for all when no neighbour is similar at all)."""
        similar = sorted(
            (-_cosine(vector, self.vectors[rec]), rec)
            for rec in sorted(self.links)
            if rec != exclude
        )[: self.neighbours]
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
        try:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            con.execute("SET preserve_insertion_order = false")
            path = str(self.path).replace("'", "''")
            result = con.execute(
                "SELECT source_table, doc_id, key, term, sum(count)::BIGINT"
                f" FROM read_parquet('{path}') GROUP BY ALL"
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
    from pipeline.search.engine import as_row

    model = build_model(inputs, seg)
    rows: list[Row] = []
    for rec in inputs.recommendations:
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
