"""``build --partitioned``: processed/dataset/<table>/body=<code>/ holds the rows
of every table, which pyarrow.dataset reads back as they are in the tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.corpus.partition import write_partitioned
from pipeline.schema import TABLES
from tests.conftest import RAW

BODY_PARTITIONS = ds.partitioning(pa.schema([("body", pa.string())]), flavor="hive")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partitioned")
    argv = ["build", "--raw", str(RAW), "--out", str(out), "--quiet", "--partitioned"]
    assert main(argv) == 0
    return out


def _key(row: dict[str, Any]) -> str:
    return repr(sorted(row.items()))


@pytest.mark.parametrize("name", list(TABLES))
def test_the_dataset_reads_back_with_the_rows_of_the_table(built: Path, name: str) -> None:
    body_of = {
        row["doc_id"]: row["body"] for row in pq.read_table(built / "documents.parquet").to_pylist()
    }
    expected = pq.read_table(built / f"{name}.parquet").to_pylist()
    if "body" not in TABLES[name].names:
        expected = [{**row, "body": body_of[row["doc_id"]]} for row in expected]
    dataset = ds.dataset(built / "dataset" / name, format="parquet", partitioning=BODY_PARTITIONS)
    read = dataset.to_table().to_pylist()
    assert sorted(map(_key, read)) == sorted(map(_key, expected))
    # The body is in the folder's name, not in the files.
    for fragment in dataset.get_fragments():
        assert Path(fragment.path).parent.name.startswith("body=")
        assert "body" not in pq.read_schema(fragment.path).names


def test_partitions_are_the_bodies_of_the_documents(built: Path) -> None:
    bodies = {row["body"] for row in pq.read_table(built / "documents.parquet").to_pylist()}
    folders = {path.name for path in (built / "dataset" / "documents").iterdir()}
    assert folders == {f"body={body}" for body in bodies}
    assert all(path.name == "data_0.parquet" for path in (built / "dataset").rglob("*.parquet"))


def test_the_dataset_is_byte_identical_when_written_again(built: Path) -> None:
    before = {
        str(p.relative_to(built)): p.read_bytes() for p in (built / "dataset").rglob("*.parquet")
    }
    write_partitioned(built)
    after = {
        str(p.relative_to(built)): p.read_bytes() for p in (built / "dataset").rglob("*.parquet")
    }
    assert after == before
    assert not list(built.glob(".dataset.*"))


def test_a_build_without_partitioned_removes_the_stale_dataset(tmp_path: Path) -> None:
    (tmp_path / "dataset" / "documents").mkdir(parents=True)
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path), "--quiet"]) == 0
    assert not (tmp_path / "dataset").exists()
