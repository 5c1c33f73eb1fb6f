"""SQL text for DuckDB: string literals (paths, identifiers of documents,
comments) and lists of them, quoted the one way SQL allows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def literal(text: str | Path) -> str:
    """``text`` as a SQL string literal: in single quotes, each one inside doubled."""
    return "'" + str(text).replace("'", "''") + "'"


def literal_list(items: Iterable[str | Path]) -> str:
    """``items`` as a DuckDB list of string literals (``['a', 'b']``)."""
    return "[" + ", ".join(map(literal, items)) + "]"
