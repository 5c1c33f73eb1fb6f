"""The corpus stage's findings, kept on disk as they are made.

A corpus's findings grow with it, and faster where its checks compare
documents with each other (every report of a meeting with each of its
provisional agendas). They are appended to a Parquet file a batch at a time,
then DuckDB puts them in the report's order (:func:`~pipeline.corpus.report.sort_findings`:
severity, document, line, check, text), each once, into a second file that
is read back a batch at a time. So the stage holds a batch of findings, not
all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.corpus.sql import literal
from pipeline.models import Finding
from pipeline.store import FINDING_TYPE

# The findings' columns: those of a fragment's findings.
FINDING_SCHEMA = pa.schema(list(FINDING_TYPE))
_COLUMNS = ", ".join(f'"{name}"' for name in FINDING_SCHEMA.names)
# sort_findings's key, then what it leaves to chance (None against "" and -1).
_ORDER = (
    "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,"
    ' coalesce(doc_id, \'\'), coalesce(line, -1), "check", message, "where", evidence,'
    " doc_id NULLS FIRST, line NULLS FIRST"
)
# Findings per batch written and read.
BATCH_ROWS = 8192


class FindingSpool:
    """Findings appended to ``<folder>/findings-spool.parquet`` as they come;
    :meth:`sorted` gives them back in the report's order."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "findings-spool.parquet"
        self.sorted_path = folder / "findings-sorted.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self.path, FINDING_SCHEMA, compression="none"
        )
        self._held: list[Finding] = []
        self._stores: list[Path] = []

    def add(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self._held.append(finding)
            if len(self._held) == BATCH_ROWS:
                self._flush()

    def add_store(self, store: Path) -> None:
        """Findings already in a Parquet file with the columns of
        :data:`FINDING_SCHEMA` (and others), taken as they are."""
        self._stores.append(store)

    def _flush(self) -> None:
        if self._writer is None:
            raise RuntimeError("the findings were already sorted")
        if self._held:
            columns = {
                name: [getattr(finding, name) for finding in self._held]
                for name in FINDING_SCHEMA.names
            }
            self._writer.write_batch(pa.RecordBatch.from_pydict(columns, schema=FINDING_SCHEMA))
        self._held = []

    def sorted(self, con: duckdb.DuckDBPyConnection) -> SortedFindings:
        """Every finding added, each once, in the report's order."""
        self._flush()
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        sources = ", ".join(literal(path) for path in (self.path, *self._stores))
        temporary = self.sorted_path.with_name(self.sorted_path.name + ".tmp")
        con.execute(
            f"COPY (SELECT DISTINCT {_COLUMNS} FROM read_parquet([{sources}],"
            f" union_by_name = true) ORDER BY {_ORDER}) TO {literal(temporary)}"
            " (FORMAT parquet, COMPRESSION uncompressed)"
        )
        temporary.replace(self.sorted_path)
        self.path.unlink()
        return SortedFindings(self.sorted_path)


class SortedFindings(Sequence[Finding]):
    """The findings of a sorted spool, read a batch at a time on each pass."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._length = pq.ParquetFile(path).metadata.num_rows

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Finding]:
        columns = list(FINDING_SCHEMA.names)
        for batch in pq.ParquetFile(self.path).iter_batches(BATCH_ROWS, columns=columns):
            columns_of = (column.to_pylist() for column in batch.columns)
            yield from (Finding(*row) for row in zip(*columns_of, strict=True))

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: Any) -> Any:
        # Reads every finding: for a look at a few, not for a pass over them.
        return list(self)[index]
