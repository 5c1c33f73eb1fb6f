"""The corpus stage redoes only what changed, and gives what a build from scratch gives.

The seeds are extracted once; corpora are made of subsets of their fragments
(a raw folder holds the files a corpus has), and every incremental corpus
stage is compared byte for byte with a corpus stage from scratch on the same
documents (``untoc.duckdb`` by its contents: DuckDB stamps the file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.corpus import delta
from pipeline.corpus.assemble import assemble_fragments
from pipeline.corpus.database import database_rows

RAW = Path(__file__).resolve().parents[1] / "raw"
# An annotated agenda: no recommendations, index entries, participants or instrument paragraphs.
AGENDA = "CTOC_COP_WG.7_2017_1.zh.txt"


@pytest.fixture(scope="module")
def fragments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("seeds")
    argv = ["build", "--raw", str(RAW), "--out", str(work / "out"), "--work", str(work)]
    assert main([*argv, "--quiet"]) == 0
    return work / "extract"


def _raw(folder: Path, *, without: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in RAW.iterdir():
        if path.name not in without:
            shutil.copy(path, folder / path.name)
    for name in without:
        (folder / name).unlink(missing_ok=True)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".duckdb"
    }


def _database(folder: Path) -> dict[str, list[tuple]]:
    return database_rows(folder / "untoc.duckdb")


def _from_scratch(raw: Path, fragments: Path, tmp_path: Path) -> Path:
    out = tmp_path / "scratch"
    assemble_fragments(raw, fragments, out, tmp_path / "scratch-work")
    return out


def _inodes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_ino for path in folder.glob("*.parquet")}


def test_adding_a_document_rewrites_only_the_tables_it_has_rows_in(
    fragments: Path, tmp_path: Path
) -> None:
    raw, out, work = tmp_path / "raw", tmp_path / "out", tmp_path / "work"
    assemble_fragments(_raw(raw, without=(AGENDA,)), fragments, out, work)
    before = _inodes(out)
    shutil.copy(RAW / AGENDA, raw / AGENDA)
    steps: list[str] = []
    assemble_fragments(raw, fragments, out, work, progress=steps.append)
    after = _inodes(out)
    # Each step is named as it starts, with what it has to do.
    assert steps == [
        "fragments",
        "tables: 1 of 5 documents new or changed",
        "meetings, links and checks across documents",
        "search terms",
        # The agenda alone: no other document holds a dictionary word it brings.
        "search terms: segmenting 1 of 5 documents",
        "terms table",
        "topic suggestions",
        "Akoma Ntoso",
        "validation report",
        "database",
    ]
    unchanged = sorted(name for name in before if before[name] == after[name])
    # The agenda has no rows in these, and nothing it adds changes them.
    assert unchanged == [
        "index_entries.parquet",
        "participants.parquet",
        "recommendations.parquet",
        "resolution_paragraphs.parquet",
    ]
    scratch = _from_scratch(raw, fragments, tmp_path)
    assert _files(out) == _files(scratch)
    assert _database(out) == _database(scratch)


def test_removing_a_document_gives_the_tables_without_it(fragments: Path, tmp_path: Path) -> None:
    raw, out, work = tmp_path / "raw", tmp_path / "out", tmp_path / "work"
    assemble_fragments(_raw(raw), fragments, out, work)
    (raw / "CTOC_COP_WG.7_2017_5.zh.txt").unlink()
    assemble_fragments(raw, fragments, out, work)
    scratch = _from_scratch(raw, fragments, tmp_path)
    assert _files(out) == _files(scratch)
    assert _database(out) == _database(scratch)
    documents = duckdb.sql(f"SELECT doc_id FROM '{out}/documents.parquet'").fetchall()
    assert ("CTOC/COP/WG.7/2017/5",) not in documents and len(documents) == 4


def test_a_changed_document_replaces_its_rows(fragments: Path, tmp_path: Path) -> None:
    raw, out, work = tmp_path / "raw", tmp_path / "out", tmp_path / "work"
    extract = tmp_path / "extract"
    shutil.copytree(fragments, extract)
    assemble_fragments(_raw(raw), extract, out, work)
    # The same report, one paragraph shorter: its fragment is extracted again.
    name = "CTOC_COP_WG.7_2017_5.zh.txt"
    text = (raw / name).read_text(encoding="utf-8")
    paragraph = next(line for line in text.splitlines() if line.startswith("14."))
    (raw / name).write_text(text.replace(paragraph + "\n", ""), encoding="utf-8")
    argv = ["extract", str(raw / name), "--output", str(extract / f"{name}.parquet")]
    assert main(argv) == 0
    assemble_fragments(raw, extract, out, work)
    scratch = _from_scratch(raw, extract, tmp_path)
    assert _files(out) == _files(scratch)
    numbers = duckdb.sql(
        f"SELECT number FROM '{out}/paragraphs.parquet'"
        " WHERE doc_id = 'CTOC/COP/WG.7/2017/5' AND number IS NOT NULL ORDER BY number"
    ).fetchall()
    assert (14,) not in numbers and (13,) in numbers


def test_state_of_other_code_is_not_reused(
    fragments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, out, work = tmp_path / "raw", tmp_path / "out", tmp_path / "work"
    assemble_fragments(_raw(raw), fragments, out, work)
    before = _inodes(out)
    monkeypatch.setattr("pipeline.corpus.assemble.code_key", lambda: "other code")
    assemble_fragments(raw, fragments, out, work)
    # Every table is written again (the documents table is compared and kept).
    after = _inodes(out)
    assert sorted(name for name in before if before[name] == after[name]) == [
        "documents.parquet",
        "index_entries.parquet",
        "meetings.parquet",
    ]
    assert _files(out) == _files(_from_scratch(raw, fragments, tmp_path))


def test_a_table_changed_behind_the_stage_is_rebuilt(fragments: Path, tmp_path: Path) -> None:
    raw, out, work = tmp_path / "raw", tmp_path / "out", tmp_path / "work"
    assemble_fragments(_raw(raw, without=(AGENDA,)), fragments, out, work)
    (out / "paragraphs.parquet").write_bytes(b"not parquet")
    shutil.copy(RAW / AGENDA, raw / AGENDA)
    assemble_fragments(raw, fragments, out, work)
    assert _files(out) == _files(_from_scratch(raw, fragments, tmp_path))


def test_code_key_follows_the_package() -> None:
    assert delta.code_key() == delta.code_key()
    assert len(delta.code_key()) == 64


_SOURCES = ("paragraphs", "recommendations", "resolution_paragraphs")


@st.composite
def _splices(draw: st.DrawFn) -> tuple[list[dict], list[str], list[dict]]:
    """Rows of a table ordered (source, doc_id, seq, ...), documents to drop,
    and rows of documents to add (none of them a kept document)."""
    symbols = draw(st.lists(st.sampled_from("ABCDEFGHIJ"), unique=True, min_size=1))
    rows = [
        {"source": source, "doc_id": doc_id, "seq": seq, "term": term}
        for doc_id in symbols
        for source, seq, term in draw(
            st.lists(
                st.tuples(st.sampled_from(_SOURCES), st.integers(0, 3), st.sampled_from("xyz")),
                max_size=6,
            )
        )
    ]
    cut = draw(st.integers(0, len(symbols)))
    old, added_symbols = symbols[:cut], symbols[cut:]
    dropped = draw(st.lists(st.sampled_from(old), unique=True)) if old else []
    # A changed document: dropped from the old rows and added again.
    added_symbols += draw(st.lists(st.sampled_from(dropped), unique=True)) if dropped else []
    old_rows = [row for row in rows if row["doc_id"] in old]
    added_rows = [row for row in rows if row["doc_id"] in added_symbols]
    added_rows += [
        {**row, "term": row["term"] + "2"} for row in old_rows if row["doc_id"] in added_symbols
    ]
    return old_rows, dropped, added_rows


@settings(max_examples=60, deadline=None)
@given(_splices(), st.integers(1, 4))
def test_merged_runs_give_the_rows_of_the_spliced_query(
    splice: tuple[list[dict], list[str], list[dict]], batch_rows: int
) -> None:
    import tempfile

    import pyarrow as pa

    old_rows, dropped, added_rows = splice
    order = ("source", "doc_id", "seq", "term")
    schema = pa.schema(
        [
            ("source", pa.string()),
            ("doc_id", pa.string()),
            ("seq", pa.int32()),
            ("term", pa.string()),
        ]
    )
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "old.parquet"
        con.register("old_rows", pa.Table.from_pylist(old_rows, schema))
        by = ", ".join(order)
        con.execute(f"COPY (SELECT * FROM old_rows ORDER BY {by}) TO '{old}' (FORMAT parquet)")
        added = pa.Table.from_pylist(added_rows, schema)
        con.register("added_rows", added)
        expected = con.execute(
            delta.spliced_query(
                old,
                dropped,
                "SELECT *, row_number() OVER () AS _i FROM added_rows" if added_rows else None,
                order,
            )
            if old_rows or added_rows
            else "SELECT * FROM old_rows"
        ).fetchall()
        sorted_added = con.sql(f"SELECT * FROM added_rows ORDER BY {by}").to_arrow_table()
        batches = sorted_added.to_batches(max_chunksize=batch_rows)
        merged = pa.Table.from_batches(
            list(delta.merged_batches(old, dropped, batches, ("source", "doc_id"))), schema
        )
        assert [tuple(row.values()) for row in merged.to_pylist()] == expected


def test_terms_segmented_in_worker_processes_are_those_segmented_here(
    fragments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    from pipeline.corpus import terms

    raw = _raw(tmp_path / "raw")
    monkeypatch.setattr(terms, "PARALLEL_FROM", 1)
    pools: list[int] = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **options: object) -> None:
            pools.append(max_workers)
            super().__init__(max_workers, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    steps: list[str] = []
    assemble_fragments(raw, fragments, tmp_path / "two", tmp_path / "two-work", jobs=2)
    assert pools == [2]
    assemble_fragments(
        raw, fragments, tmp_path / "one", tmp_path / "one-work", jobs=1, progress=steps.append
    )
    assert "search terms: segmenting 5 of 5 documents" in steps
    assert _files(tmp_path / "two") == _files(tmp_path / "one")
    for name in ("one-work", "two-work"):
        assert len(list((tmp_path / name / "terms").glob("*.parquet"))) == 5
    for path in (tmp_path / "one-work" / "terms").glob("*"):
        assert path.read_bytes() == (tmp_path / "two-work" / "terms" / path.name).read_bytes()
    # The workers found each document's dictionary terms as this process did.
    state = "terms_state.json"
    assert (tmp_path / "one-work" / state).read_bytes() == (
        tmp_path / "two-work" / state
    ).read_bytes()


def test_workers_find_and_segment_a_new_document_as_this_process_does(
    fragments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.corpus import terms

    monkeypatch.setattr(terms, "PARALLEL_FROM", 1)
    in_workers = terms._in_workers
    pooled: list[tuple[int, int]] = []

    def counted(todo: list, unread: list, *args: object) -> object:
        pooled.append((len(todo), len(unread)))
        return in_workers(todo, unread, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(terms, "_in_workers", counted)
    # A working-group report: one other document holds a dictionary word it brings.
    new = "CTOC_COP_WG.4_2018_1.zh.txt"
    steps: dict[int, list[str]] = {}
    for jobs in (1, 2):
        raw, out, work = (tmp_path / f"{part}-{jobs}" for part in ("raw", "out", "work"))
        assemble_fragments(_raw(raw, without=(new,)), fragments, out, work, jobs=jobs)
        shutil.copy(RAW / new, raw / new)
        steps[jobs] = []
        assemble_fragments(raw, fragments, out, work, jobs=jobs, progress=steps[jobs].append)
    assert pooled == [(0, 4), (1, 1)]
    assert "search terms: segmenting 2 of 5 documents" in steps[1]
    assert (
        "search terms: segmenting 1 of 5 documents and the 1 new or changed ones"
        " (where their terms changed)"
    ) in steps[2]
    assert _files(tmp_path / "out-2") == _files(tmp_path / "out-1")
    assert _files(tmp_path / "work-2" / "terms") == _files(tmp_path / "work-1" / "terms")
    state = "terms_state.json"
    assert (tmp_path / "work-2" / state).read_bytes() == (tmp_path / "work-1" / state).read_bytes()
