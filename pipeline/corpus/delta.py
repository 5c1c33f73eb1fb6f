"""What changed since the last corpus stage, and tables updated by that alone.

The corpus stage keeps ``<work>/state.json``: the key of the corpus-stage code
and data, each fragment's content hash (found again from its size and mtime
while they are unchanged) with its summary row, the files whose rows are in
the tables, and each table file as it was written (size, mtime, rows). A run
compares the fragments now in ``build/extract`` with that state; a table is
rewritten only when a document whose rows it holds (or will hold) changed,
and then from the old table without that document's rows plus the rows of the
changed fragments, so that one new report costs its own rows and one pass
over each table it touches, not a pass over every fragment.

Every table the fragments fill is ordered by ``doc_id`` first and the kept
documents have distinct symbols, so a document's rows are one block of the
table whichever way the table was made, and the update gives the same bytes
as a build from scratch. Where that does not hold (a kept document without a
symbol), or the state is missing or stale, everything is rebuilt.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.corpus.sql import literal
from pipeline.store import FORMAT_VERSION, write_atomic

if TYPE_CHECKING:
    import pyarrow as pa

STATE_FORMAT = 1
# Rows of the old table read at a time by merged_batches.
_MERGE_BATCH_ROWS = 64 * 1024
_PACKAGE = Path(__file__).resolve().parents[1]


def code_key() -> str:
    """A hash of the package's code and data: a state written by other code is not reused."""
    digest = hashlib.sha256(f"{STATE_FORMAT}:{FORMAT_VERSION}".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stat_key(path: Path) -> str:
    """Size and modification time: while they hold, the content hash is not recomputed."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class State:
    """What the last corpus stage was made from and wrote (see the module docstring)."""

    code: str = ""
    # source_file -> {"stat", "sha", "summary"}: every fragment read last time.
    fragments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # source_file -> fragment hash, for the documents whose rows are in the tables.
    kept: dict[str, str] = field(default_factory=dict)
    # output path (relative to its folder's parent) -> {"stat", "rows"}.
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Named caches of derived results (e.g. findings of checks) keyed by their inputs.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, code: str) -> State:
        """The state at ``path`` if written by this code, else an empty one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(code=code)
        if data.get("format") != STATE_FORMAT or data.get("code") != code:
            return cls(code=code)
        return cls(
            code=code,
            fragments=data.get("fragments", {}),
            kept=data.get("kept", {}),
            outputs=data.get("outputs", {}),
            extra=data.get("extra", {}),
        )

    def save(self, path: Path) -> None:
        data = {
            "format": STATE_FORMAT,
            "code": self.code,
            "fragments": self.fragments,
            "kept": self.kept,
            "outputs": self.outputs,
            "extra": self.extra,
        }
        write_atomic(path, (json.dumps(data, sort_keys=True) + "\n").encode("utf-8"))

    def output_intact(self, path: Path) -> bool:
        """Whether ``path`` is still the file this state recorded writing."""
        recorded = self.outputs.get(str(path))
        return recorded is not None and path.exists() and recorded["stat"] == stat_key(path)

    def record_output(self, path: Path, rows: int) -> None:
        self.outputs[str(path)] = {"stat": stat_key(path), "rows": rows}

    def output_rows(self, path: Path) -> int:
        return int(self.outputs[str(path)]["rows"])


def fragment_hashes(state: State, paths: dict[str, Path]) -> dict[str, str]:
    """The content hash of each fragment, reusing the state's while size and mtime hold."""
    hashes = {}
    for name, path in paths.items():
        known = state.fragments.get(name)
        stat = stat_key(path)
        if known is not None and known.get("stat") == stat:
            hashes[name] = known["sha"]
        else:
            hashes[name] = content_hash(path)
    return hashes


@dataclass(frozen=True)
class Delta:
    """The kept documents that changed: to drop from the tables, and to add."""

    full: bool
    # Symbols whose rows leave the tables (documents changed, gone or no longer kept).
    dropped_ids: tuple[str, ...]
    # Files whose rows enter the tables (documents new, changed or newly kept).
    added: tuple[str, ...]
    # Files whose rows left: their old summaries tell which tables held rows of them.
    dropped_files: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.full and not self.added and not self.dropped_files


def delta_of(
    state: State, kept: dict[str, str], doc_ids: dict[str, str | None], *, force_full: bool
) -> Delta:
    """What to drop and add to go from the state's kept documents to ``kept``."""
    incremental_safe = all(doc_ids.get(name) for name in kept) and all(
        state.fragments.get(name, {}).get("summary", {}).get("doc_id") for name in state.kept
    )
    if force_full or not state.kept or not incremental_safe:
        return Delta(True, (), tuple(kept), tuple(state.kept))
    dropped = tuple(name for name, sha in state.kept.items() if kept.get(name) != sha)
    added = tuple(name for name, sha in kept.items() if state.kept.get(name) != sha)
    dropped_ids = tuple(sorted({state.fragments[name]["summary"]["doc_id"] for name in dropped}))
    return Delta(False, dropped_ids, added, dropped)


def rows_in(summaries: dict[str, dict[str, Any]], files: Iterable[str], table: str) -> int:
    """The rows ``files`` put in ``table``, from their summaries."""
    return sum(int(summaries[name]["rows"].get(table, 0)) for name in files)


def spliced_query(
    old: Path | None,
    dropped_ids: Sequence[str],
    added_rows: str | None,
    order: Sequence[str],
    *,
    key: str = "doc_id",
) -> str:
    """The rows of ``old`` (a table this stage wrote) without those of
    ``dropped_ids``, with the rows of ``added_rows`` (a query giving the
    table's columns and ``_i``, the row's place in its fragment), in the
    table's order. ``old`` is already in that order and a document's rows all
    come from one side, so the file's row number (old) or ``_i`` (added)
    settles ties as a build from scratch does."""
    parts = []
    if old is not None:
        where = f' WHERE "{key}" NOT IN ({", ".join(literal(i) for i in dropped_ids)})'
        parts.append(
            "SELECT * EXCLUDE (file_row_number), file_row_number AS _tie"
            f" FROM read_parquet({literal(old)}, file_row_number = true)"
            + (where if dropped_ids else "")
        )
    if added_rows is not None:
        parts.append(f"SELECT * EXCLUDE (_i), _i AS _tie FROM ({added_rows})")
    if not parts:
        raise ValueError("nothing to splice")
    by = ", ".join(f'"{column}" ASC NULLS LAST' for column in order)
    return (
        "SELECT * EXCLUDE (_tie) FROM ("
        + " UNION ALL BY NAME ".join(parts)
        + f") ORDER BY {by}, _tie"
    )


def merged_batches(
    old: Path,
    dropped_ids: Collection[str],
    added: Iterable[pa.RecordBatch],
    blocks: Sequence[str],
    *,
    key: str = "doc_id",
) -> Iterator[pa.RecordBatch]:
    """The rows of :func:`spliced_query` without a sort, a batch at a time.

    ``old`` and ``added`` are each in the table's order, whose leading columns
    ``blocks`` (among them ``key``) take non-null values, and no value of
    ``key`` is on both sides. So the rows with one value of ``blocks`` form a
    run on one side only, and the table is the two sides' runs merged by that
    value, each run as it comes: a large table is read and written once, never
    sorted, and held one batch at a time.
    """
    import pyarrow.parquet as pq

    dropped = frozenset(dropped_ids)
    at = blocks.index(key)
    old_batches = pq.ParquetFile(old).iter_batches(batch_size=_MERGE_BATCH_ROWS)
    # A dropped document's rows are whole runs: they are left out run by run.
    kept = (run for run in _runs(old_batches, blocks) if run[0][at] not in dropped)
    merged = heapq.merge(kept, _runs(added, blocks), key=lambda run: run[0])
    # Runs that follow each other in one batch go out as one slice: a table
    # that gains one document is thousands of runs, almost all of them the
    # old file's, and each slice costs the writer as much as a batch.
    pending: tuple[pa.RecordBatch, int, int] | None = None
    for _block, batch, start, end in merged:
        if pending is not None and pending[0] is batch and pending[2] == start:
            pending = (batch, pending[1], end)
            continue
        if pending is not None:
            yield pending[0].slice(pending[1], pending[2] - pending[1])
        pending = (batch, start, end)
    if pending is not None:
        yield pending[0].slice(pending[1], pending[2] - pending[1])


def runs_of(
    batches: Iterable[pa.RecordBatch], blocks: Sequence[str]
) -> Iterator[tuple[tuple[str, ...], pa.RecordBatch]]:
    """Each batch cut where the value of ``blocks`` changes, with that value."""
    for value, batch, start, end in _runs(batches, blocks):
        yield value, batch.slice(start, end - start)


def _runs(
    batches: Iterable[pa.RecordBatch], blocks: Sequence[str]
) -> Iterator[tuple[tuple[str, ...], pa.RecordBatch, int, int]]:
    """:func:`runs_of` as (value, batch, start, end) within the batch."""
    import pyarrow.compute as pc

    for batch in batches:
        if not batch.num_rows:
            continue
        columns = [batch.column(name) for name in blocks]
        changes = None
        for column in columns:
            differs = pc.not_equal(column[1:], column[:-1])
            changes = differs if changes is None else pc.or_(changes, differs)
        starts = [0]
        if changes is not None and len(changes):
            starts += [index + 1 for index in pc.indices_nonzero(changes).to_pylist()]
        ends = [*starts[1:], batch.num_rows]
        values = [column.take(starts).to_pylist() for column in columns]
        for place, (start, end) in enumerate(zip(starts, ends, strict=True)):
            yield tuple(value[place] for value in values), batch, start, end
