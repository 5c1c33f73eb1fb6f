"""A frictionless plugin that reads Parquet with Arrow's own types.

frictionless reads Parquet through pandas, which turns a nullable integer column
into floats (a null becomes ``nan``, a type error for an ``integer`` field) and a
list into a NumPy array (a type error for an ``array`` field). This plugin hands
frictionless each row as pyarrow gives it (``None``, ``int``, ``list``,
``datetime.date``), so that every cell is checked against the Table Schema the
package declares. frictionless finds it by its module name (``frictionless_*``),
so plain ``frictionless validate processed/datapackage.json`` uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from frictionless import Plugin
from frictionless.system import Parser

PARQUET_FORMATS = ("parquet", "parq")


class ArrowParquetParser(Parser):
    """Rows of a Parquet file as Python values, straight from pyarrow."""

    supported_types = [  # noqa: RUF012 (frictionless declares it a plain list)
        "array",
        "boolean",
        "date",
        "datetime",
        "integer",
        "number",
        "object",
        "string",
        "time",
    ]

    def read_cell_stream_create(self) -> Iterator[list[Any]]:
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(self.resource.normpath)
        yield parquet.schema_arrow.names
        for batch in parquet.iter_batches():
            columns = [column.to_pylist() for column in batch.columns]
            yield from (list(row) for row in zip(*columns, strict=True))


class ArrowPlugin(Plugin):
    """Reads Parquet resources with :class:`ArrowParquetParser` (discovered as ``arrow``)."""

    def create_parser(self, resource: Any) -> Parser | None:
        if resource.format in PARQUET_FORMATS:
            return ArrowParquetParser(resource)
        return None
