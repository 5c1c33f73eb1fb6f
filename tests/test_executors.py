"""The per-document stage on local processes and on Dask gives the same tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import main
from pipeline.corpus.assemble import assemble, raw_files
from pipeline.executors import (
    DaskExecutor,
    ExecutorChoice,
    ProcessExecutor,
    SerialExecutor,
    extract_all,
    make_executor,
)
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


def test_build_command_on_a_local_dask_cluster(
    local_build: dict[str, bytes], tmp_path: Path
) -> None:
    argv = ["build", "--raw", str(RAW), "--out", str(tmp_path), "--quiet"]
    assert main([*argv, "--executor", "dask", "--jobs", "2"]) == 0
    assert _files(tmp_path) == local_build


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
