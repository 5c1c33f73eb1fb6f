"""The terms cache: a new report segments again only the documents its new words occur in."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import load_seeds, make_document, write_corpus
from pipeline.cli import main
from pipeline.search.engine import (
    INDEXED_TABLES,
    dictionary_sources,
    dictionary_tables,
    dictionary_terms,
    indexed_texts,
    searched_text,
)
from tests.conftest import RAW

# An agenda title of the first seed (CTOC/COP/2012/15), and the title the added
# report prints instead: words that some seeds hold and others do not.
OLD_TITLE = "一般性讨论"
NEW_TITLE = "没收犯罪所得"
LONG_AGO = 1_000_000_000  # seconds since the epoch: a cache file not written since


def _build(raw: Path, out: Path, work: Path) -> None:
    assert (
        main(["build", "--raw", str(raw), "--out", str(out), "--work", str(work), "--quiet"]) == 0
    )


def _age_cache(work: Path) -> None:
    """Every terms cache file dated long ago."""
    for path in (work / "corpus" / "terms").glob("*.parquet"):
        os.utime(path, (LONG_AGO, LONG_AGO))


def _segmented(work: Path) -> set[str]:
    """The documents whose terms were written since :func:`_age_cache`."""
    return {
        path.name.removesuffix(".parquet")
        for path in (work / "corpus" / "terms").glob("*.parquet")
        if path.stat().st_mtime > LONG_AGO
    }


def _holding(processed: Path, words: set[str]) -> set[str]:
    """The source files whose indexed texts hold one of ``words``."""
    tables = {
        name: pq.read_table(processed / f"{name}.parquet").to_pylist() for name in INDEXED_TABLES
    }
    found = set()
    for document in pq.read_table(processed / "documents.parquet").to_pylist():
        mine = {
            name: [row for row in rows if row["doc_id"] == document["doc_id"]]
            for name, rows in tables.items()
        }
        text = searched_text(indexed_texts(mine))
        if any(word in text for word in words):
            found.add(Path(document["source_file"]).name)
    return found


def _dictionary(processed: Path) -> frozenset[str]:
    return dictionary_terms(dictionary_sources(dictionary_tables(processed)))


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seeds, and the seeds with one more report whose agenda has a new title."""
    base = tmp_path_factory.mktemp("terms-cache")
    seeds = load_seeds(RAW)
    report = make_document(seeds, len(seeds))  # a report like the first seed, years later
    assert OLD_TITLE in report.text
    report = dataclasses.replace(report, text=report.text.replace(OLD_TITLE, NEW_TITLE))
    shutil.copytree(RAW, base / "seeds")
    shutil.copytree(RAW, base / "added")
    write_corpus([report], base / "report")
    shutil.copy(base / "report" / report.file, base / "added")
    # The seeds' catalog, and the report's row (write_corpus writes the same columns).
    header, *rows = (base / "report" / "catalog.csv").read_text(encoding="utf-8").splitlines()
    catalog = (RAW / "catalog.csv").read_text(encoding="utf-8")
    assert catalog.startswith(header + "\n")
    (base / "added" / "catalog.csv").write_text(catalog + "".join(f"{row}\n" for row in rows))
    return {"seeds": base / "seeds", "added": base / "added", "report": Path(report.file)}


def test_a_new_report_segments_again_only_the_documents_holding_its_new_words(
    corpora: dict[str, Path], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    _build(corpora["seeds"], tmp_path / "first", work)
    first_terms = (tmp_path / "first" / "terms.parquet").read_bytes()
    _age_cache(work)

    _build(corpora["added"], tmp_path / "added", work)
    new_words = _dictionary(tmp_path / "added") - _dictionary(tmp_path / "first")
    assert new_words, "the new title brings no new dictionary word"
    holding = _holding(tmp_path / "first", set(new_words))
    seeds = {path.name for path in corpora["seeds"].glob("*.txt")}
    # Some seeds hold a new word and some do not: only the former are cut again.
    assert holding and holding < seeds
    assert _segmented(work) == holding | {corpora["report"].name}

    _build(corpora["added"], tmp_path / "scratch", tmp_path / "scratch-work")
    assert (tmp_path / "added" / "terms.parquet").read_bytes() == (
        tmp_path / "scratch" / "terms.parquet"
    ).read_bytes()

    # Taking the report away again cuts again the documents that held its words.
    _age_cache(work)
    _build(corpora["seeds"], tmp_path / "again", work)
    assert _segmented(work) == holding
    assert (tmp_path / "again" / "terms.parquet").read_bytes() == first_terms


def test_an_unchanged_corpus_segments_nothing_again(
    corpora: dict[str, Path], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    _build(corpora["seeds"], tmp_path / "first", work)
    _age_cache(work)
    _build(corpora["seeds"], tmp_path / "second", work)
    assert _segmented(work) == set()
    assert (tmp_path / "first" / "terms.parquet").read_bytes() == (
        tmp_path / "second" / "terms.parquet"
    ).read_bytes()


_TERM_SOURCES = ("paragraphs", "recommendations", "resolution_paragraphs")


@st.composite
def _documents_terms(draw: st.DrawFn) -> dict[str, list[dict]]:
    """Terms rows of a few documents (one file each; one file without rows),
    with repeated and null sort values."""
    symbols = draw(st.lists(st.sampled_from(["A/1", "A/10", "A/2", "B/1", "C"]), unique=True))
    files = {}
    for symbol in symbols:
        files[symbol] = [
            {
                "source_table": source,
                "doc_id": symbol,
                "key": key,
                "seq": seq,
                "term": term,
                "count": count,
                "starts": [count],
                "ends": [count + 1],
                "in_dictionary": None,
                "line_start": 1,
                "line_end": 1,
                "page": None,
            }
            for source, key, seq, term, count in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(_TERM_SOURCES),
                        st.sampled_from(["1", "2", "10"]),
                        st.none() | st.integers(0, 2),
                        st.sampled_from(["引渡", "引", "数据", "a"]),
                        st.integers(0, 9),
                    ),
                    max_size=8,
                )
            )
        ]
    return files


@settings(max_examples=40, deadline=None)
@given(_documents_terms())
def test_terms_files_put_in_order_document_by_document_give_duckdbs_order(
    files: dict[str, list[dict]],
) -> None:
    import tempfile

    import duckdb
    import pyarrow as pa

    from pipeline.corpus.assemble import arrow_batches
    from pipeline.corpus.terms import _in_order, _symbols_of, _terms_query
    from pipeline.schema import TABLES

    schema = TABLES["terms"].schema
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for number, (symbol, rows) in enumerate(files.items()):
            paths[f"file{number}"] = Path(folder) / f"{symbol.replace('/', '_')}.parquet"
            pq.write_table(pa.Table.from_pylist(rows, schema), paths[f"file{number}"])
        symbols = {name: _symbols_of(path) for name, path in paths.items()}
        batches = arrow_batches(con, _terms_query(list(paths.values()))) if paths else []
        expected = [row for batch in batches for row in batch.to_pylist()]
        with _in_order(con, paths, symbols, Path(folder)) as batches:
            got = [row for batch in batches for row in batch.to_pylist()]
        assert got == expected
        # What the spill files were written into is gone.
        assert sorted(path.name for path in Path(folder).iterdir()) == sorted(
            path.name for path in paths.values()
        )
