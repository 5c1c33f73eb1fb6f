"""Write tables as Parquet, atomically, with explicit schemas and stable order."""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, time
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.models import Finding
from pipeline.schema import SCHEMA_VERSION, TABLES, Column, Table
from pipeline.store import atomic_file, row_type, write_atomic


def to_arrow(
    table: Table, rows: list[dict[str, Any]], *, sort: bool = True
) -> tuple[pa.Table, list[tuple[dict[str, Any], str]]]:
    """Rows (dicts) to an Arrow table of the declared schema, sorted by its order
    (unless ``sort`` is false: fragments keep the extraction order).

    A row that does not fit the schema is left out and returned with the
    reason, so the caller can report it; the other rows are still written.
    """
    try:
        arrow = _convert(table, rows)
        rejected: list[tuple[dict[str, Any], str]] = []
    except (pa.ArrowException, TypeError, ValueError):
        good, rejected = [], []
        for row in rows:
            try:
                _convert(table, [row])
                good.append(row)
            except (pa.ArrowException, TypeError, ValueError) as exc:
                rejected.append((row, str(exc).splitlines()[0]))
        arrow = _convert(table, good)
    if sort and arrow.num_rows and table.order:
        arrow = arrow.sort_by([(name, "ascending") for name in table.order])
    return arrow, rejected


def to_struct_array(
    table: Table, rows: list[dict[str, Any]]
) -> tuple[pa.StructArray, list[tuple[dict[str, Any], str]]]:
    """Rows (dicts) as one struct array of ``table``'s row type (a fragment's
    column), in their order, with the rows left out as :func:`to_arrow` gives them.

    pyarrow converts the dicts in one call where every row fits and no column
    holds dates or times (which travel as ISO strings): a tenth of the time of
    building the table column by column. Anything else goes through
    :func:`to_arrow`, so a row that does not fit is judged, and reported, the
    same way."""
    struct_type = row_type(table.name)
    if not _has_temporal(table.name):
        try:
            return pa.array(rows, type=struct_type), []
        except (pa.ArrowException, TypeError, ValueError):
            pass
    arrow, rejected = to_arrow(table, rows, sort=False)
    struct = pa.StructArray.from_arrays(
        [column.combine_chunks() for column in arrow.columns], fields=list(struct_type)
    )
    return struct, rejected


@functools.cache
def _has_temporal(name: str) -> bool:
    return any(
        pa.types.is_date32(column.type) or pa.types.is_time32(column.type)
        for column in TABLES[name].columns
    )


def _convert(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    columns = {}
    for column in table.columns:
        values = [row.get(column.name) for row in rows]
        # Dates and times travel as ISO strings in the per-document results.
        if pa.types.is_date32(column.type) or pa.types.is_time32(column.type):
            values = [_coerce(value, column.type) for value in values]
        columns[column.name] = values
    return pa.Table.from_pydict(columns, schema=table.schema)


def rejected_row(table: str, row: dict[str, Any], reason: str) -> Finding:
    """A row the table's schema cannot hold: left out of the table, reported here."""
    return Finding(
        check="write",
        severity="error",
        doc_id=row.get("doc_id"),
        message=f"{table}: a row does not fit the schema and was left out ({reason})",
        where=f"line {row.get('line_start')}",
        evidence=str({key: value for key, value in row.items() if value is not None})[:200],
        line=row.get("line_start"),
    )


# Rows per row group, for a table written in batches as for one written whole.
# A row group is held in memory until it is written, so its size, not the
# corpus's, bounds what writing a table holds.
ROW_GROUP_ROWS = 128 * 1024


def write_batches(
    schema: pa.Schema, batches: Iterable[pa.RecordBatch], path: Path | BinaryIO
) -> int:
    """Stream record batches into ``path`` (atomically) or an open binary file,
    cast to ``schema``, in row groups of :data:`ROW_GROUP_ROWS`; holds one row
    group at most. Returns the rows."""
    if not isinstance(path, Path):
        return _write_batches(schema, batches, path)
    with atomic_file(path) as handle:
        return _write_batches(schema, batches, handle)


def _write_batches(schema: pa.Schema, batches: Iterable[pa.RecordBatch], handle: BinaryIO) -> int:
    total = 0
    with pq.ParquetWriter(handle, schema, compression="zstd", write_statistics=True) as writer:
        pending: list[pa.RecordBatch] = []
        held = 0
        for batch in _regular(batches, schema):
            pending.append(batch)
            held += batch.num_rows
            total += batch.num_rows
            if held == ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, schema))
                pending, held = [], 0
        if pending or total == 0:
            writer.write_table(pa.Table.from_batches(pending, schema))
    return total


# Rows per batch handed to the Parquet writer. Where the writer cuts pages
# depends on where its input's chunks end: the same rows in batches of this
# size (a divisor of ROW_GROUP_ROWS, a multiple of the writer's 1,024-row
# steps) give the same bytes whatever batches they came in.
WRITE_BATCH_ROWS = 64 * 1024


def _regular(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """``batches`` cast to ``schema`` and cut or joined into batches of
    :data:`WRITE_BATCH_ROWS` rows (the last one shorter)."""
    held: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        batch = _cast(batch, schema)
        while batch.num_rows:
            take = min(batch.num_rows, WRITE_BATCH_ROWS - rows)
            held.append(batch.slice(0, take))
            rows += take
            batch = batch.slice(take)
            if rows == WRITE_BATCH_ROWS:
                yield _joined(held, schema)
                held, rows = [], 0
    if rows:
        yield _joined(held, schema)


def _joined(batches: list[pa.RecordBatch], schema: pa.Schema) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches, schema).combine_chunks().to_batches()[0]


def _cast(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch of DuckDB's types (strings, TIME as microseconds) in the declared ones."""
    columns = [batch.column(field.name).cast(field.type) for field in schema]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


# The metadata entry under which a cached Parquet file keeps the key of its inputs.
CACHE_KEY = b"untoc_key"


def cached_key(path: Path) -> str | None:
    """The key a cache file was written under (its :data:`CACHE_KEY`), or None."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError):
        return None
    value = metadata.get(CACHE_KEY)
    return value.decode() if value else None


def write_table(arrow: pa.Table, path: Path) -> str:
    """Write ``arrow`` to ``path`` atomically; return the file's SHA-256."""
    buffer = io.BytesIO()
    pq.write_table(
        arrow,
        buffer,
        compression="zstd",
        write_statistics=True,
        row_group_size=ROW_GROUP_ROWS,
    )
    data = buffer.getvalue()
    write_atomic(path, data)
    return hashlib.sha256(data).hexdigest()


def write_datapackage(
    out_dir: Path,
    counts: dict[str, int],
    sources: list[dict[str, Any]],
) -> None:
    """``datapackage.json``: tables, schemas, row counts and source hashes."""
    package = {
        "profile": "tabular-data-package",
        "name": "untoc-documents-zh",
        "schema_version": SCHEMA_VERSION,
        "resources": [
            {
                "name": name,
                "profile": "tabular-data-resource",
                "path": f"{name}.parquet",
                "format": "parquet",
                "description": table.description,
                "rows": counts.get(name, 0),
                "schema": {
                    "fields": [table_schema_field(column) for column in table.columns],
                    "primaryKey": list(table.key),
                },
            }
            for name, table in TABLES.items()
        ],
        "sources": sources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    write_atomic(out_dir / "datapackage.json", text.encode("utf-8"))


def table_schema_type(kind: pa.DataType) -> str:
    """The Table Schema type (frictionless) of an Arrow type: the data package
    declares these, and keeps the exact Arrow type beside them in ``arrowType``."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "number"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_time(kind):
        return "time"
    if pa.types.is_timestamp(kind):
        return "datetime"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return "array"
    if pa.types.is_struct(kind) or pa.types.is_map(kind):
        return "object"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    return "any"


def table_schema_field(column: Column) -> dict[str, Any]:
    """One field of a resource's Table Schema: ``required`` is the Table Schema
    spelling of a column that is never null."""
    field: dict[str, Any] = {
        "name": column.name,
        "type": table_schema_type(column.type),
        "arrowType": str(column.type),
        "description": column.description,
    }
    if not column.nullable:
        field["constraints"] = {"required": True}
    return field


def _coerce(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_date32(kind) and isinstance(value, str):
        return date.fromisoformat(value)
    if pa.types.is_time32(kind) and isinstance(value, str):
        return time.fromisoformat(value)
    return value
