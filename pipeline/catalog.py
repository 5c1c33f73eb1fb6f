"""``raw/catalog.csv``: what a text does not state (symbol, language, kind, …).

One row per file; every column but ``file`` is optional. A row naming a file
outside ``raw/`` or a file that does not exist is reported, never trusted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.models import Finding
from pipeline.vocab import read_rows

RAW_SUFFIXES = (".txt", ".pdf")

COLUMNS = (
    "file",
    "symbol",
    "language",
    "kind",
    "title",
    "body",
    "meeting_number",
    "venue",
    "distribution_date",
    "note",
)


@dataclass(frozen=True)
class Catalog:
    rows: dict[str, dict[str, str]]
    findings: list[Finding]

    def row(self, file_name: str) -> dict[str, str]:
        return self.rows.get(file_name, {})


def load_catalog(path: Path, raw_dir: Path) -> Catalog:
    """Read the catalog; rows that cannot be trusted become ``error`` findings."""
    if not path.exists():
        return Catalog({}, [])
    rows: dict[str, dict[str, str]] = {}
    findings: list[Finding] = []
    kinds = sorted(row["kind"] for row in read_rows("kinds.csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        unknown = [name for name in reader.fieldnames or () if name not in COLUMNS]
        if unknown:
            findings.append(
                _error(
                    path,
                    1,
                    f"unknown column {', '.join(map(repr, unknown))} in the header;"
                    f" the columns are {', '.join(COLUMNS)}",
                    ",".join(reader.fieldnames or ()),
                )
            )
        for line, record in enumerate(reader, start=2):
            name = (record.get("file") or "").strip()
            problem = _problem(name, raw_dir)
            kind = (record.get("kind") or "").strip()
            if not problem and kind and kind not in kinds:
                findings.append(
                    _error(
                        path,
                        line,
                        f"unknown kind {kind!r}; the kinds are {', '.join(kinds)}"
                        " (pipeline/data/kinds.csv)",
                        kind,
                    )
                )
                record = {**record, "kind": ""}
            if problem:
                findings.append(_error(path, line, problem, name))
                continue
            rows[name] = {
                key: value.strip()
                for key, value in record.items()
                if key in COLUMNS and key != "file" and value and value.strip()
            }
    return Catalog(rows, findings)


def _error(path: Path, line: int, problem: str, evidence: str) -> Finding:
    return Finding(
        check="catalog",
        severity="error",
        doc_id=None,
        message=f"{path.name} line {line}: {problem}",
        where=f"{path.name}:{line}",
        evidence=evidence,
        line=line,
    )


def _problem(name: str, raw_dir: Path) -> str | None:
    if not name:
        return "row without a file name"
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts or len(candidate.parts) != 1:
        return f"file {name!r} is outside raw/"
    if not (raw_dir / name).is_file():
        return f"file {name!r} does not exist in raw/"
    return None


def split_catalog(catalog: Catalog, files: list[Path], out_dir: Path) -> list[Path]:
    """Write one small JSON per raw file, rewriting only those whose row changed,
    so that make re-extracts just the documents a catalog edit affects."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for raw in files:
        target = out_dir / f"{raw.name}.json"
        content = json.dumps(catalog.row(raw.name), ensure_ascii=False, sort_keys=True) + "\n"
        if target.exists() and target.read_text(encoding="utf-8") == content:
            continue
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


CATALOG_NAME = "catalog.csv"


def unsupported_files(raw_dir: Path) -> list[Finding]:
    """A ``warning`` for each file in ``raw/`` the pipeline does not read (``.docx``,
    ``.md``, ``.html``): it is left out of the corpus, never silently."""
    if not raw_dir.is_dir():
        return []
    supported = " or ".join(RAW_SUFFIXES)
    return [
        Finding(
            check="raw_files",
            severity="warning",
            doc_id=None,
            message=f"{path.name}: not read: unsupported file type {path.suffix or '(none)'!r}"
            f" (the pipeline reads {supported}, in any case)",
            where=path.name,
            evidence=path.name,
        )
        for path in sorted(raw_dir.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and path.name != CATALOG_NAME
        and path.suffix.lower() not in RAW_SUFFIXES
    ]


def raw_files(raw_dir: Path) -> list[Path]:
    """The documents of the corpus: every .txt and .pdf directly in ``raw/``, in
    any case (``.TXT`` is read like ``.txt``)."""
    return sorted(
        path
        for path in raw_dir.iterdir()
        if path.is_file() and path.suffix.lower() in RAW_SUFFIXES and not path.name.startswith(".")
    )
