"""Shared fixtures: the real documents of raw/ run through the per-document stages."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

from pipeline.document.clean import clean_document
from pipeline.document.describe import describe, symbol_from_file_name
from pipeline.document.extract import DocContext
from pipeline.document.read import read_document
from pipeline.document.segment import segment

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"

# The seed corpus, by symbol.
INDEX = RAW / "CTOC_COP_WG.7_2019_4.zh.txt"
AGENDA_WG7 = RAW / "CTOC_COP_WG.7_2017_1.zh.txt"
REPORT_WG7 = RAW / "CTOC_COP_WG.7_2017_5.zh.txt"
AGENDA_WG4 = RAW / "CTOC_COP_WG.4_2018_1.zh.txt"
REPORT_COP6 = RAW / "CTOC_COP_2012_15.zh.txt"

# The seed files of ../shared/seeds as shipped in raw/ (renamed after their symbols).
SEED_FILES = {
    "000_cb61566b71eee516.txt": INDEX,
    "001_569503022b5f54cf.txt": AGENDA_WG7,
    "002_b5c8f4425dda91fd.txt": REPORT_WG7,
    "003_62747d1c53040ac2.txt": AGENDA_WG4,
    "004_bf388d6752b4fc1f.txt": REPORT_COP6,
}


def build_command(raw: Path, out: Path, *extra: str) -> list[str]:
    """``python -m pipeline build`` from ``raw`` into ``out``, in a subprocess."""
    return [sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out", str(out),
            "--quiet", *extra]  # fmt: skip


def build_context(path: Path, catalog_row: dict[str, str] | None = None) -> DocContext:
    """Read, clean, segment and describe ``path`` as the driver does."""
    row = catalog_row if catalog_row is not None else _catalog_row(path)
    source = read_document(path)
    clean = clean_document(source, row.get("symbol") or symbol_from_file_name(path)[0])
    blocks = segment(clean.lines)
    meta = describe(clean, blocks, path.name, row)
    return DocContext(meta=meta, clean=clean, blocks=blocks)


@functools.cache
def _cached_context(path: Path) -> DocContext:
    return build_context(path)


def _catalog_row(path: Path) -> dict[str, str]:
    from pipeline.catalog import load_catalog

    return load_catalog(path.parent / "catalog.csv", path.parent).row(path.name)


@pytest.fixture
def context_of():
    """``context_of(path)``: the (cached) DocContext of a raw document."""
    return _cached_context


@pytest.fixture
def context_from_text(tmp_path: Path):
    """``context_from_text(text, name)``: a DocContext for a document written in a test."""

    def make(text: str, name: str = "CTOC_COP_WG.9_2031_1.zh.txt", **catalog: str) -> DocContext:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return build_context(path, dict(catalog))

    return make
