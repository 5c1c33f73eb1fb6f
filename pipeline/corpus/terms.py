"""The corpus stage's search work: the dictionary, the terms, the topic suggestions.

Segmentation depends on one corpus dictionary (index topics, agenda titles,
instrument names of every document, the curated terms), so that a query is cut
as every text was. Each fragment carries its document's share of the
dictionary; the dictionary is their union, and its content hash keys the
terms: the terms of a document are computed again only when its fragment or
the dictionary changed (``<work>/terms/<file>.parquet``, keyed in its
metadata). A new report whose words are already in the dictionary costs the
segmentation of that report alone. The topic suggestions are kept
(``<work>/topic_suggestions.parquet``) while their inputs (recommendations,
index entries, terms) are byte for byte the same.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipeline.corpus.write import to_arrow, write_batches, write_table
from pipeline.schema import TABLES
from pipeline.search.engine import (
    INDEXED_TABLES,
    DictionarySources,
    Segmenter,
    read_body_names,
    read_search_terms,
    segmenter,
    terms_rows,
)

_KEY = b"untoc_key"


def corpus_dictionary(con: duckdb.DuckDBPyConnection, fragment_list: str) -> DictionarySources:
    """The union of the kept documents' dictionary words, and the data files'."""
    phrases = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT unnest(phrases) AS p FROM read_parquet({fragment_list}) ORDER BY p"
        ).fetchall()
    ]
    names = {
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT unnest(names) FROM read_parquet({fragment_list})"
        ).fetchall()
    }
    curated, split_words = read_search_terms()
    return DictionarySources(
        phrases=tuple(sorted(phrases)),
        names=tuple(sorted(names | set(read_body_names()))),
        curated=curated,
        split_words=split_words,
    )


def _hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _cached_key(path: Path) -> str | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError):
        return None
    value = metadata.get(_KEY)
    return value.decode() if value else None


def write_terms_and_suggestions(
    con: duckdb.DuckDBPyConnection,
    kept: list[str],
    fragments: dict[str, Path],
    out_dir: Path,
    work_dir: Path,
) -> dict[str, int]:
    """Write ``terms.parquet`` and ``topic_suggestions.parquet``; their row counts."""
    from pipeline.corpus.assemble import _sql_list, arrow_batches

    fragment_list = _sql_list([str(fragments[name]) for name in kept])
    sources = (
        corpus_dictionary(con, fragment_list)
        if kept
        else DictionarySources((), (), *read_search_terms())
    )
    dictionary_hash = _hash(json.dumps(sources.__dict__, default=sorted).encode())
    terms_dir = work_dir / "terms"
    terms_dir.mkdir(parents=True, exist_ok=True)
    seg: Segmenter | None = None
    cached: list[Path] = []
    for name in kept:
        target = terms_dir / f"{name}.parquet"
        key = _hash(fragments[name].read_bytes(), dictionary_hash.encode())
        if _cached_key(target) != key:
            seg = seg or segmenter(sources)
            fragment = pq.read_table(fragments[name], columns=list(INDEXED_TABLES))
            tables = {table: fragment.column(table)[0].as_py() or [] for table in INDEXED_TABLES}
            arrow, _ = to_arrow(TABLES["terms"], terms_rows(tables, seg), sort=False)
            arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), _KEY: key})
            write_table(arrow, target)
        cached.append(target)
    for stale in set(terms_dir.glob("*.parquet")) - set(cached):
        stale.unlink()
    terms = TABLES["terms"]
    if cached:
        order = ", ".join(f'"{column}" ASC NULLS LAST' for column in terms.order)
        query = (
            "SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet("
            f"{_sql_list([str(path) for path in cached])}, filename = true,"
            f" file_row_number = true) ORDER BY {order}, filename, file_row_number"
        )
        reader = arrow_batches(con, query)
        count = write_batches(terms.schema, reader, out_dir / "terms.parquet")
    else:
        count = write_batches(terms.schema, [], out_dir / "terms.parquet")
    return {"terms": count, "topic_suggestions": _suggestions(sources, out_dir, work_dir)}


def _suggestions(sources: DictionarySources, out_dir: Path, work_dir: Path) -> int:
    """The topic suggestions, from the written tables (see ``topics.write_suggestions``)."""
    from pipeline.corpus.topics import write_suggestions

    return write_suggestions(sources, out_dir, work_dir)
