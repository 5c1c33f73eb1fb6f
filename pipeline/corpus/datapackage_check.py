"""``frictionless validate`` for ``processed/datapackage.json``, reading Parquet
with Arrow's own types.

Frictionless reads Parquet through pandas, which turns a nullable integer column
into floats (a null becomes ``nan``, a type error for an ``integer`` field) and a
list into a NumPy array (a type error for an ``array`` field). This plugin hands
frictionless each row as Arrow gives it (``None``, ``int``, ``list``,
``datetime.date``), so that every cell is checked against the Table Schema the
package declares. Run as ``python -m pipeline.corpus.datapackage_check PATH``
(the arguments of ``frictionless validate``); needs ``frictionless`` (a test
dependency).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

from frictionless import Plugin, system
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

        table = pq.ParquetFile(self.resource.normpath).read()
        yield table.column_names
        for batch in table.to_batches():
            columns = [column.to_pylist() for column in batch.columns]
            yield from (list(row) for row in zip(*columns, strict=True))


class ArrowPlugin(Plugin):
    """Reads Parquet resources with :class:`ArrowParquetParser`."""

    def create_parser(self, resource: Any) -> Parser | None:
        if resource.format in PARQUET_FORMATS:
            return ArrowParquetParser(resource)
        return None


def register() -> None:
    """Put the plugin before frictionless's own Parquet reader."""
    system.register("arrow", ArrowPlugin())


def main(argv: Sequence[str] | None = None) -> int:
    """``frictionless validate ARGS`` with the plugin registered: its exit status."""
    from frictionless.console import console

    register()
    try:
        console(["validate", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
