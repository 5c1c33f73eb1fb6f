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
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            name = (record.get("file") or "").strip()
            problem = _problem(name, raw_dir)
            if problem:
                findings.append(
                    Finding(
                        check="catalog",
                        severity="error",
                        doc_id=None,
                        message=f"{path.name} line {line}: {problem}",
                        where=f"{path.name}:{line}",
                        evidence=name,
                        line=line,
                    )
                )
                continue
            rows[name] = {
                key: value.strip()
                for key, value in record.items()
                if key in COLUMNS and key != "file" and value and value.strip()
            }
    return Catalog(rows, findings)


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


def raw_files(raw_dir: Path) -> list[Path]:
    """The documents of the corpus: every .txt and .pdf directly in ``raw/``."""
    return sorted(
        path
        for path in raw_dir.iterdir()
        if path.is_file() and path.suffix.lower() in RAW_SUFFIXES and not path.name.startswith(".")
    )
