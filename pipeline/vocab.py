"""The vocabularies of ``pipeline/data/``: the one place that finds and reads them.

Vocabularies are data, not code: body names, document kinds, country aliases,
fixed phrases and labels. Word lists (``.txt``) hold one entry a line, with
``#`` comments and blank lines skipped; tables (``.csv``) have a header row.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The path of the vocabulary file ``name`` (``bodies.csv``)."""
    return DATA_DIR / name


def read_lines(name: str) -> tuple[str, ...]:
    """The entries of a word list: stripped lines, without blanks and ``#`` comments."""
    lines = data_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of a vocabulary table, keyed by its header."""
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
