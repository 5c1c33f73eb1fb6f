"""``processed/dataset/``: every table again as a hive-partitioned Parquet
dataset by body, for engines that read partitions (Spark, Dask DataFrame,
pyarrow.dataset, DuckDB's ``hive_partitioning``) and skip the bodies a query
does not ask for.

``dataset/<table>/body=<code>/data_0.parquet`` holds the rows of one body, in
the order of ``processed/<table>.parquet``; rows without a body are under
``body=__HIVE_DEFAULT_PARTITION__`` (read back as null). Tables with a
``body`` column are partitioned by it; the others by the body of the document
of their ``doc_id`` (a join on ``documents``), which then appears as a last
column ``body``. DuckDB writes the files (``COPY … PARTITION_BY (body)``)
from the tables just written, out of core, on one thread so that two builds
write the same bytes. The folder is written beside ``dataset/`` and swapped in.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipeline.corpus.sql import literal
from pipeline.schema import TABLES

DATASET = "dataset"


def write_partitioned(out_dir: Path) -> None:
    """Write ``out_dir/dataset/`` from the tables in ``out_dir``."""
    remove_stale_datasets(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{DATASET}.", suffix=".tmp", dir=out_dir))
    try:
        con = duckdb.connect()
        # One writer thread: the same files with the same bytes on every build.
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")
        documents = literal(out_dir / "documents.parquet")
        for name, table in TABLES.items():
            source = f"read_parquet({literal(out_dir / f'{name}.parquet')}, file_row_number = true)"
            if "body" in table.names:
                query = f"SELECT * EXCLUDE (file_row_number) FROM {source} ORDER BY file_row_number"
            else:
                query = (
                    f"SELECT t.* EXCLUDE (file_row_number), d.body FROM {source} t"
                    f" LEFT JOIN (SELECT doc_id, body FROM read_parquet({documents})) d"
                    " ON d.doc_id = t.doc_id ORDER BY t.file_row_number"
                )
            folder = staging / name
            # An empty table still has its (empty) folder.
            folder.mkdir()
            con.execute(
                f"COPY ({query}) TO {literal(folder)}"
                " (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (body), OVERWRITE_OR_IGNORE)"
            )
        con.close()
        _readable(staging)
        _swap_in(staging, out_dir / DATASET)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def remove_dataset(out_dir: Path) -> None:
    """A build without partitioned output leaves no stale ``dataset/`` behind."""
    remove_stale_datasets(out_dir)
    shutil.rmtree(out_dir / DATASET, ignore_errors=True)


def remove_stale_datasets(out_dir: Path) -> None:
    """Folders a killed writer left behind (``.dataset.<random>.tmp``)."""
    for leftover in out_dir.glob(f".{DATASET}.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    """``staging`` renamed onto ``target``; the old dataset, if any, removed after."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{DATASET}.", suffix=".tmp", dir=target.parent))
        os.replace(target, old / DATASET)
        os.replace(staging, target)
        shutil.rmtree(old)
    else:
        os.replace(staging, target)


def _readable(folder: Path) -> None:
    """Folders 0755 and files 0644, as the other outputs (mkdtemp makes 0700)."""
    for root, folders, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in folders:
            os.chmod(Path(root) / name, 0o755)
        for name in files:
            os.chmod(Path(root) / name, 0o644)
