"""The per-document stage on local processes and on Dask gives the same tables."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import main
from pipeline.corpus.assemble import assemble, assemble_fragments, raw_files
from pipeline.executors import (
    DaskExecutor,
    ExecutorChoice,
    FragmentSummary,
    ProcessExecutor,
    SerialExecutor,
    Task,
    extract_all,
    local_fragments,
    make_executor,
)
from pipeline.models import Limits
from pipeline.store import save_result
from tests.conftest import RAW


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        # untoc.duckdb is stamped by DuckDB; the Parquet files it is made of are compared.
        if path.is_file() and path.suffix != ".duckdb"
    }


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local")
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--quiet"]) == 0
    return _files(out)


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskExecutor]:
    """A LocalCluster of two single-threaded worker processes, shared by the tests."""
    executor = DaskExecutor(workers=2, processes=True)
    assert executor.worker_count() == 2
    yield executor
    executor.close()


@pytest.mark.parametrize("ship_files", [False, True], ids=["paths", "bytes"])
def test_dask_tables_are_byte_identical_to_the_local_build(
    cluster: DaskExecutor,
    ship_files: bool,
    local_build: dict[str, bytes],
    tmp_path: Path,
) -> None:
    cluster.ship_files = ship_files
    catalog = load_catalog(RAW / "catalog.csv", RAW)
    arrived: list[str] = []
    results = extract_all(
        raw_files(RAW), catalog.row, cluster, on_result=lambda r: arrived.append(r.source_file)
    )
    assert [r.source_file for r in results] == [p.name for p in raw_files(RAW)]
    assert sorted(arrived) == [p.name for p in raw_files(RAW)]
    assemble(RAW, results, tmp_path)
    assert _files(tmp_path) == local_build


def _tasks() -> list[Task]:
    catalog = load_catalog(RAW / "catalog.csv", RAW)
    return [(path, catalog.row(path.name), Limits()) for path in raw_files(RAW)]


def _results_must_not_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: DaskExecutor, tasks: Any) -> Iterator[Any]:
        raise AssertionError("the results were sent back to the builder")

    monkeypatch.setattr(DaskExecutor, "run", refuse)


@pytest.mark.parametrize("ship_files", [False, True], ids=["paths", "bytes"])
def test_workers_write_the_fragments_and_send_back_only_a_summary(
    cluster: DaskExecutor,
    ship_files: bool,
    local_build: dict[str, bytes],
    tmp_path: Path,
) -> None:
    cluster.ship_files = ship_files
    fragments = tmp_path / "extract"
    answers = dict(cluster.write_fragments(_tasks(), str(fragments)))
    names = [path.name for path in raw_files(RAW)]
    summaries = [answers[index] for index in range(len(names))]
    assert [type(summary) for summary in summaries] == [FragmentSummary] * len(names)
    assert [summary.source_file for summary in summaries] == names
    assert all(summary.status == "ok" and not summary.errors for summary in summaries)
    report = next(summary for summary in summaries if summary.doc_id == "CTOC/COP/2012/15")
    assert report.rows["documents"] == 1
    # What came back is a few hundred bytes; the fragment stayed where the worker wrote it.
    for summary in summaries:
        fragment = fragments / f"{summary.source_file}.parquet"
        assert len(pickle.dumps(summary)) < 1_000 < fragment.stat().st_size
    out = tmp_path / "out"
    assemble_fragments(RAW, fragments, out, tmp_path / "corpus")
    assert _files(out) == local_build


def test_build_command_on_a_local_dask_cluster(
    local_build: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _results_must_not_come_back(monkeypatch)
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["build", "--raw", str(RAW), "--out", str(out), "--quiet", "--work", str(work)]
    assert main([*argv, "--executor", "dask", "--jobs", "2"]) == 0
    assert _files(out) == local_build
    assert sorted(path.name for path in (work / "extract").iterdir()) == [
        f"{path.name}.parquet" for path in raw_files(RAW)
    ]


def test_build_command_with_a_scheduler_assembles_what_the_workers_wrote(
    cluster: DaskExecutor,
    local_build: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _results_must_not_come_back(monkeypatch)
    out, fragments = tmp_path / "out", tmp_path / "shared" / "extract"
    address = cluster.client.scheduler.address
    argv = ["build", "--raw", str(RAW), "--out", str(out), "--quiet", "--scheduler", address]
    assert main([*argv, "--fragments", str(fragments)]) == 0
    assert _files(out) == local_build
    assert len(list(fragments.glob("*.parquet"))) == len(raw_files(RAW))


def test_fragments_on_an_fsspec_url_are_assembled_here(
    local_build: dict[str, bytes], tmp_path: Path
) -> None:
    """Workers in this process (threads) share fsspec's in-memory filesystem,
    which stands for an object store both sides reach."""
    url = "memory://untoc-test/extract"
    executor = DaskExecutor(workers=1, processes=False)
    try:
        summaries = [summary for _, summary in executor.write_fragments(_tasks(), url)]
    finally:
        executor.close()
    names = [path.name for path in raw_files(RAW)]
    assert sorted(summary.source_file for summary in summaries) == sorted(names)
    try:
        extracts = local_fragments(url, names, tmp_path / "fetched")
    finally:
        fsspec.filesystem("memory").rm(url, recursive=True)
    assemble_fragments(RAW, extracts, tmp_path / "out", tmp_path / "corpus")
    assert _files(tmp_path / "out") == local_build


def test_fragments_the_builder_cannot_see_are_one_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"no fragment for a\.txt; the workers must write"):
        local_fragments(str(tmp_path), ["a.txt"], tmp_path / "fetched")


def test_local_processes_return_results_in_file_order(tmp_path: Path) -> None:
    catalog = load_catalog(RAW / "catalog.csv", RAW)
    files = raw_files(RAW)
    serial = extract_all(files, catalog.row, SerialExecutor())
    pool = ProcessExecutor(2)
    try:
        parallel = extract_all(files, catalog.row, pool)
    finally:
        pool.close()
    assert parallel == serial


def test_executor_choice() -> None:
    assert isinstance(make_executor(ExecutorChoice()), SerialExecutor)
    assert isinstance(make_executor(ExecutorChoice("local", jobs=3)), ProcessExecutor)
    remote = make_executor(ExecutorChoice("local", scheduler="tcp://127.0.0.1:8786"))
    assert isinstance(remote, DaskExecutor)
    assert remote.ship_files  # a remote cluster may not see this machine's disk
    assert not DaskExecutor().ship_files
    with pytest.raises(ValueError, match="unknown executor"):
        make_executor(ExecutorChoice("threads"))


def test_local_worker_processes_write_the_fragments_themselves(tmp_path: Path) -> None:
    """What comes back is each document's summary; the fragments are those the
    builder itself would have written."""
    executor = ProcessExecutor(2)
    try:
        answers = dict(executor.write_fragments(_tasks(), str(tmp_path / "workers")))
    finally:
        executor.close()
    names = [path.name for path in raw_files(RAW)]
    assert [answers[index].source_file for index in range(len(names))] == names
    assert all(type(summary) is FragmentSummary for summary in answers.values())
    assert {answers[index].status for index in answers} == {"ok"}
    for _, result in SerialExecutor().run(_tasks()):
        save_result(result, tmp_path / "here" / f"{result.source_file}.parquet")
    for name in names:
        fragment = f"{name}.parquet"
        assert (tmp_path / "workers" / fragment).read_bytes() == (
            tmp_path / "here" / fragment
        ).read_bytes()


def test_build_on_local_processes_has_them_write_the_fragments(
    local_build: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: ProcessExecutor, tasks: Any) -> Iterator[Any]:
        raise AssertionError("results must not come back to the builder")

    monkeypatch.setattr(ProcessExecutor, "run", refuse)
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["build", "--raw", str(RAW), "--out", str(out), "--quiet", "--work", str(work)]
    assert main([*argv, "--jobs", "2"]) == 0
    assert _files(out) == local_build
