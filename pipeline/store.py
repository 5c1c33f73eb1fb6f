"""Per-document intermediate results: what ``extract`` hands to ``assemble``.

One JSON file per raw document under ``build/extract/``, written atomically,
so that make can rebuild one document without touching the others.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from pipeline.models import Finding

FORMAT_VERSION = 1


@dataclass(slots=True)
class DocumentResult:
    source_file: str
    source_sha256: str | None
    doc_id: str | None
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

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
        names = _field_names(type(record))
        row = {name: getattr(record, name) for name in names}
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


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def save_result(result: DocumentResult, path: Path) -> None:
    payload = {
        "format": FORMAT_VERSION,
        "source_file": result.source_file,
        "source_sha256": result.source_sha256,
        "doc_id": result.doc_id,
        "tables": result.tables,
        "findings": [dataclasses.asdict(f) for f in result.findings],
    }
    text = json.dumps(payload, ensure_ascii=False, default=_encode, indent=None, sort_keys=False)
    write_atomic(path, (text + "\n").encode("utf-8"))


def load_result(path: Path) -> DocumentResult:
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: intermediate format {payload.get('format')} is not supported")
    return DocumentResult(
        source_file=payload["source_file"],
        source_sha256=payload["source_sha256"],
        doc_id=payload["doc_id"],
        tables=payload["tables"],
        findings=[Finding(**f) for f in payload["findings"]],
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temp files a killed writer left behind (``.<name>.<random>.tmp``)."""
    if folder.is_dir():
        for leftover in folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def _encode(value: Any) -> Any:
    if isinstance(value, date | time):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")
