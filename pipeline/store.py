"""Per-document intermediate results: what ``extract`` hands to ``assemble``.

One fragment per raw document under ``build/extract/`` (``<file>.parquet``),
written atomically, so that make can rebuild one document without touching the
others. A fragment is a Parquet file of one row: the document's identity, one
column per output table holding its rows as a list of structs in that table's
schema (``pipeline/schema.py``; rows in extraction order), its findings, its
coverage and its contribution to the search dictionary. The corpus stage reads
fragments with DuckDB (``unnest``) without turning them into Python objects.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import operator
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.models import Finding

FORMAT_VERSION = 2


@dataclass(slots=True)
class DocumentResult:
    source_file: str
    source_sha256: str | None
    doc_id: str | None
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Filled by the per-document checks: the share of the text that landed.
    coverage: list[Any] = field(default_factory=list)
    # What the document adds to the search dictionary: phrases and names.
    phrases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def rows_of(records: list[Any]) -> list[dict[str, Any]]:
    """Dataclass records to plain dicts, in field order: what
    :func:`dataclasses.asdict` gives, without its deep copy of every value
    (a third of the per-document time) where the fields hold only scalars and
    lists of scalars; other records go through ``asdict``."""
    rows = []
    for record in records:
        names, values_of = _fields_of(type(record))
        values = values_of(record)
        row = dict(zip(names, values, strict=True))
        # Most records hold scalars only: their types checked in one call.
        if _SCALAR_TYPES.issuperset(map(type, values)):
            rows.append(row)
            continue
        for name, value in row.items():
            if isinstance(value, _SCALARS):
                continue
            if type(value) is list and all(isinstance(item, _SCALARS) for item in value):
                row[name] = list(value)
            else:
                row = dataclasses.asdict(record)
                break
        rows.append(row)
    return rows


# Values that asdict's deep copy leaves equal: immutable scalars.
_SCALARS = (str, int, float, bool, type(None), date, time)
_SCALAR_TYPES = frozenset(_SCALARS)


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """A record class's field names, and a function giving its values in that order."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        return names, lambda record: (getattr(record, names[0]),)
    return names, operator.attrgetter(*names)


# A finding as one struct value: the fields of the Finding record, in order.
FINDING_TYPE = pa.struct(
    [
        (field.name, pa.int32() if field.name == "line" else pa.string())
        for field in dataclasses.fields(Finding)
    ]
)
_SPAN = pa.struct(
    [
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("characters", pa.int32()),
        ("text", pa.string()),
    ]
)
_COVERAGE = pa.struct(
    [
        ("doc_id", pa.string()),
        ("characters", pa.int64()),
        ("covered", pa.int64()),
        ("spans", pa.list_(_SPAN)),
    ]
)


@functools.cache
def fragment_schema() -> pa.Schema:
    """The schema of a fragment (one row per document)."""
    from pipeline.schema import TABLES

    return pa.schema(
        [
            ("format", pa.int32()),
            ("source_file", pa.string()),
            ("source_sha256", pa.string()),
            ("doc_id", pa.string()),
            ("failed", pa.bool_()),
            *((name, pa.list_(row_type(name))) for name in TABLES if name not in CORPUS_TABLES),
            ("findings", pa.list_(FINDING_TYPE)),
            ("coverage", pa.list_(_COVERAGE)),
            ("phrases", pa.list_(pa.string())),
            ("names", pa.list_(pa.string())),
        ]
    )


@functools.cache
def row_type(name: str) -> pa.StructType:
    """A row of table ``name`` as one struct value."""
    from pipeline.schema import TABLES

    return pa.struct(list(TABLES[name].schema.remove_metadata()))


# Tables the corpus stage fills (from every document's rows): not in fragments.
CORPUS_TABLES = ("meetings", "terms", "topic_suggestions")


def skip_pandas_in_pyarrow() -> None:
    """Let pyarrow build arrays without importing pandas (half a second of the
    start-up of ``pipeline extract``, which make runs once per file, and of the
    corpus stage).

    pyarrow imports pandas the first time it converts Python objects, to ask
    whether they are pandas objects, and remembers the answer. Here it is
    asked once while pandas cannot be imported, so it answers "no pandas";
    pandas itself stays importable (pyarrow imports it again where it needs it,
    as in ``to_pandas``)."""
    import sys

    if "pandas" in sys.modules:
        return

    class _NoPandas:
        @staticmethod
        def find_spec(name: str, *_: Any) -> None:
            if name == "pandas":
                raise ImportError("pandas is not needed here")

    sys.meta_path.insert(0, _NoPandas)  # type: ignore[arg-type]
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_NoPandas)  # type: ignore[arg-type]


def fragment_table(result: DocumentResult) -> pa.Table:
    """A result as the one-row Arrow table of its fragment. Rows the schema cannot
    hold are left out, each with an ``error`` finding (see ``to_struct_array``)."""
    from pipeline.corpus.write import rejected_row, to_struct_array
    from pipeline.schema import TABLES

    findings = list(result.findings)
    columns: dict[str, Any] = {
        "format": [FORMAT_VERSION],
        "source_file": [result.source_file],
        "source_sha256": [result.source_sha256],
        "doc_id": [result.doc_id],
        "failed": [result.failed],
    }
    for name, table in TABLES.items():
        if name in CORPUS_TABLES:
            continue
        struct, rejected = to_struct_array(table, result.tables.get(name, []))
        findings += [rejected_row(name, row, reason) for row, reason in rejected]
        columns[name] = pa.ListArray.from_arrays(pa.array([0, len(struct)], pa.int32()), struct)
    columns["findings"] = [[dataclasses.asdict(f) for f in findings]]
    columns["coverage"] = [[_coverage_dict(c) for c in result.coverage]]
    columns["phrases"] = [list(result.phrases)]
    columns["names"] = [list(result.names)]
    return pa.table(columns, schema=fragment_schema())


def _coverage_dict(coverage: Any) -> dict[str, Any]:
    return dataclasses.asdict(coverage) if dataclasses.is_dataclass(coverage) else dict(coverage)


def save_result(result: DocumentResult, path: Path) -> None:
    """Write ``result`` as its fragment, atomically."""
    buffer = io.BytesIO()
    # A fragment is read whole, once: column statistics and dictionary pages
    # (a third of the writing time) would serve no reader. LZ4 writes a fifth
    # faster than zstd and reads faster, for files a tenth larger.
    pq.write_table(
        fragment_table(result),
        buffer,
        compression="lz4",
        use_dictionary=False,
        write_statistics=False,
    )
    write_atomic(path, buffer.getvalue())


def load_result(path: Path) -> DocumentResult:
    """A fragment back as a result (for inspection and tests; the corpus stage
    reads fragments with DuckDB instead)."""
    row = pq.read_table(path).to_pylist()[0]
    if row.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: intermediate format {row.get('format')} is not supported")
    from pipeline.schema import TABLES

    return DocumentResult(
        source_file=row["source_file"],
        source_sha256=row["source_sha256"],
        doc_id=row["doc_id"],
        tables={name: row[name] for name in TABLES if name not in CORPUS_TABLES},
        findings=[Finding(**f) for f in row["findings"]],
        coverage=row["coverage"],
        phrases=tuple(row["phrases"]),
        names=tuple(row["names"]),
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers never see half a file."""
    with atomic_file(path) as handle:
        handle.write(data)


# Outputs are readable by every account (a web server, another user of a
# shared processed/); mkstemp alone would leave them 0600.
OUTPUT_MODE = 0o644


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, renamed onto it (mode 0644) once the
    block is done and the data is on disk; removed if the block fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, OUTPUT_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temp files a killed writer left behind (``.<name>.<random>.tmp``)."""
    if folder.is_dir():
        for leftover in folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
