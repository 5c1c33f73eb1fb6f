"""Every table of one document against its declared schema (``pipeline/schema.py``)."""

from __future__ import annotations

import csv
import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.document.checks.common import (
    _SHOWN,
    VOCABULARIES,
    Row,
    Tables,
    _finding,
)
from pipeline.models import Finding
from pipeline.schema import TABLES, Column, Table

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pandera


def check_schema(tables: Tables) -> list[Finding]:
    """Every table against its declared schema, all failures collected (lazy).

    A table whose rows all pass :func:`_passes` (the common case) has nothing to
    report; the others go through pandera, which names every failure. pandas
    and pandera are imported only then: they cost a second of start-up."""
    findings: list[Finding] = []
    for name, table in TABLES.items():
        rows = tables.get(name, [])
        if not rows or _passes(table, rows):
            continue
        import pandas as pd
        from pandera.errors import SchemaErrors

        frame = pd.DataFrame(
            {
                column.name: pd.Series([row.get(column.name) for row in rows], dtype=object)
                for column in table.columns
            }
        )
        try:
            pandera_schema(name).validate(frame, lazy=True)
        except SchemaErrors as errors:
            findings += _schema_findings(table, rows, errors.failure_cases)
    return findings


def _passes(table: Table, rows: list[Row]) -> bool:
    """True only where pandera would find nothing: every value conforms to its
    column, no null where none is allowed, every code allowed, every pattern
    matched, no key twice. Anything doubtful (NaN, an unhashable key) counts
    as a failure, for pandera to judge."""
    # Column by column, each test over the whole column at once (sets, min and
    # max in C) rather than value by value: the same verdict, a fraction of the
    # time on tables of thousands of rows.
    for column, allowed, pattern, fit in _column_rules(table.name):
        name = column.name
        values = [row.get(name) for row in rows]
        present = [value for value in values if value is not None]
        if len(present) < len(values) and not column.nullable:
            return False
        if not present:
            continue
        types = set(map(type, present))
        if any(issubclass(kind, float) for kind in types) and any(
            isinstance(value, float) and math.isnan(value) for value in present
        ):
            return False
        if not fit(present, types):
            return False
        strings = types == {str}
        if allowed is not None:
            if not strings and not all(isinstance(value, str) for value in present):
                return False
            if not allowed.issuperset(present):
                return False
        if pattern is not None:
            texts = present if strings else [value for value in present if isinstance(value, str)]
            if not all(map(pattern.search, texts)):
                return False
    if table.key:
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            key = tuple(row.get(name) for name in table.key)
            if any(isinstance(part, float) for part in key):
                return False
            try:
                if key in seen:
                    return False
                seen.add(key)
            except TypeError:
                return False
    return True


# A column's test of its non-null values, given the set of their types.
ColumnFit = Callable[[list[Any], set[type]], bool]
Rule = tuple[Column, frozenset[str] | None, re.Pattern[str] | None, ColumnFit]


@functools.cache
def _column_rules(name: str) -> tuple[Rule, ...]:
    """Per column of table ``name``: its allowed codes, its pattern and whether
    (non-null) values conform, as the pandera checks of :func:`pandera_schema`."""
    vocabularies = open_vocabularies()
    rules = []
    for column in TABLES[name].columns:
        allowed = _allowed(column, vocabularies.get((name, column.name)))
        pattern = re.compile(column.pattern) if column.pattern is not None else None
        rules.append(
            (
                column,
                frozenset(allowed) if allowed is not None else None,
                pattern,
                _values_fit(column.type),
            )
        )
    return tuple(rules)


def _values_fit(kind: pa.DataType) -> ColumnFit:
    """:func:`conforms` for a column's non-null values, as :func:`_conforms_check`
    judges them; ``types`` is the set of the values' types."""
    simple = _SIMPLE_TYPES.get(str(kind))
    item = _SIMPLE_TYPES.get(str(kind.value_type)) if pa.types.is_list(kind) else None
    if item is not None:
        return lambda values, _types: all(
            isinstance(value, list | tuple) and all(type(i) is item for i in value)
            for value in values
        )
    if simple is None:
        return lambda values, _types: all(conforms(value, kind) for value in values)
    if pa.types.is_integer(kind):
        bound = 2 ** (kind.bit_width - 1)
        return lambda values, types: (
            types == {int} and (-bound <= min(values) and max(values) < bound)
        )
    return lambda values, types: types == {simple}


@functools.cache
def pandera_schema(name: str) -> pandera.DataFrameSchema:
    """The pandera schema of table ``name``, built from ``pipeline/schema.py``."""
    import pandera.pandas as pandera

    table = TABLES[name]
    vocabularies = open_vocabularies()
    columns = {}
    for column in table.columns:
        checks = [
            pandera.Check(
                _conforms_check(column.type),
                name="type",
                error=f"not convertible to {column.type}",
            )
        ]
        allowed = _allowed(column, vocabularies.get((name, column.name)))
        if allowed is not None:
            checks.append(
                pandera.Check(
                    _member_check(allowed),
                    name="allowed",
                    error="value outside the allowed codes (" + ", ".join(allowed) + ")",
                )
            )
        if column.pattern is not None:
            checks.append(
                pandera.Check(
                    _pattern_check(column.pattern),
                    name="pattern",
                    error=f"value does not match {column.pattern}",
                )
            )
        columns[column.name] = pandera.Column(
            None, checks, nullable=column.nullable, required=True, name=column.name
        )
    checks = []
    if table.key:
        checks.append(
            pandera.Check(
                _unique_check(table.key),
                name="unique",
                error="duplicate key (" + ", ".join(table.key) + ")",
            )
        )
    return pandera.DataFrameSchema(columns, checks=checks, name=name, coerce=False, strict=False)


def _unique_check(key: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows whose key occurs once. A list in a key column (a type error the
    column check reports) cannot be hashed: then keys compare by their repr."""
    columns = list(key)

    def check(frame: pd.DataFrame) -> pd.Series:
        try:
            return ~frame.duplicated(subset=columns, keep=False)
        except TypeError:
            return ~frame[columns].apply(lambda row: repr(tuple(row)), axis=1).duplicated(
                keep=False
            )

    return check


def _allowed(column: Column, extra: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if column.allowed is None and extra is None:
        return None
    return tuple(sorted({*(column.allowed or ()), *(extra or ())}))


@functools.cache
def open_vocabularies(path: Path = VOCABULARIES) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) → allowed values of the open vocabularies: literal values
    and the values of a column of another data file."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as handle:
        for entry in csv.DictReader(handle):
            key = (entry["table"], entry["column"])
            if entry["value"]:
                values[key].add(entry["value"])
            if entry["file"]:
                with (path.parent / entry["file"]).open(encoding="utf-8", newline="") as source:
                    values[key] |= {
                        row[entry["file_column"]]
                        for row in csv.DictReader(source)
                        if row.get(entry["file_column"])
                    }
    return {key: tuple(sorted(found)) for key, found in values.items()}


def conforms(value: Any, kind: pa.DataType) -> bool:
    """Whether the writer turns ``value`` into ``kind`` faithfully (None always
    does). Stricter than pyarrow, which takes ``"ab"`` for the list ``["a", "b"]``."""
    if value is None:
        return True
    if pa.types.is_string(kind):
        return isinstance(value, str)
    if pa.types.is_boolean(kind):
        return isinstance(value, bool)
    if pa.types.is_integer(kind):
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        if pa.types.is_signed_integer(kind):
            bound = 2 ** (kind.bit_width - 1)
            return -bound <= value < bound
        return 0 <= value < 2**kind.bit_width
    if pa.types.is_date(kind):
        if isinstance(value, str):
            return _parses(date.fromisoformat, value)
        return isinstance(value, date) and not isinstance(value, datetime)
    if pa.types.is_time(kind):
        return isinstance(value, time) or (
            isinstance(value, str) and _parses(time.fromisoformat, value)
        )
    if pa.types.is_list(kind):
        return isinstance(value, list | tuple) and all(
            conforms(item, kind.value_type) for item in value
        )
    try:
        pa.array([value], type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _conforms_check(kind: pa.DataType) -> Callable[[pd.Series], pd.Series]:
    """:func:`conforms` over a column. Strings, integers and booleans are judged
    by their Python type in one vectorized pass; other kinds value by value."""
    simple = _SIMPLE_TYPES.get(str(kind))
    item = _SIMPLE_TYPES.get(str(kind.value_type)) if pa.types.is_list(kind) else None

    def check(series: pd.Series) -> pd.Series:
        if item is not None:
            return series.map(
                lambda value: (
                    value is None
                    or (isinstance(value, list | tuple) and all(type(i) is item for i in value))
                )
            )
        if simple is None:
            return series.map(lambda value: conforms(value, kind))
        types = series.map(type)
        fits = types.isin([simple, type(None)])
        if pa.types.is_integer(kind):
            integers = series[types.isin([int])].astype("int64", errors="ignore")
            if len(integers):
                bound = 2 ** (kind.bit_width - 1)
                fits[integers.index] = integers.between(-bound, bound - 1).to_numpy()
        return fits

    return check


# The Python type that fits each simple Arrow type (bool is no int here).
_SIMPLE_TYPES: dict[str, type] = {"string": str, "int32": int, "int64": int, "bool": bool}


def _member_check(allowed: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    members = list(allowed)
    return lambda series: series.isna() | series.isin(members)


def _pattern_check(pattern: str) -> Callable[[pd.Series], pd.Series]:
    import pandas as pd

    compiled = re.compile(pattern)
    # A value that is not a string fails the type check; it is not reported twice.

    def check(series: pd.Series) -> pd.Series:
        is_text = series.map(type).isin([str])
        fits = pd.Series(True, index=series.index)
        fits[is_text] = series[is_text].astype(str).str.contains(compiled, regex=True)
        return fits

    return check


def _schema_findings(table: Table, rows: list[Row], cases: pd.DataFrame) -> list[Finding]:
    """One finding per (column, check, document), naming the rows by their keys."""
    import pandas as pd

    failures: dict[tuple[str, str], set[int]] = defaultdict(set)
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = str(case.column)
        if check.startswith("duplicate key"):
            column = "+".join(table.key)
        elif check == "not_nullable":
            check = "null in a non-nullable column"
        index = case.index
        failures[(column, check)].add(int(index) if pd.notna(index) else -1)
    findings: list[Finding] = []
    for (column, check), indices in sorted(failures.items()):
        known = sorted(i for i in indices if i >= 0)
        if not known:
            findings.append(
                _finding("schema", None, f"{table.name}.{column}: {check}", where=table.name)
            )
            continue
        by_doc: dict[str, list[int]] = defaultdict(list)
        for i in known:
            by_doc[rows[i].get("doc_id") or ""].append(i)
        for doc_id, positions in sorted(by_doc.items()):
            named = [_row_label(table, rows[i]) for i in positions[:_SHOWN]]
            more = f" and {len(positions) - _SHOWN} more" if len(positions) > _SHOWN else ""
            values = [_value_of(rows[i], column) for i in positions[:_SHOWN]]
            first = rows[positions[0]].get("line_start")
            findings.append(
                _finding(
                    "schema",
                    doc_id or None,
                    f"{table.name}.{column}: {check} in {len(positions)} row(s): "
                    + "; ".join(named)
                    + more,
                    line=first if isinstance(first, int) else None,
                    where=f"{table.name}.{column}",
                    evidence=" | ".join(values),
                )
            )
    return findings


def _row_label(table: Table, row: Row) -> str:
    """A row named by its key, or by its document and lines for keyless tables."""
    if table.key:
        return ", ".join(f"{key}={row.get(key)}" for key in table.key)
    return f"{row.get('doc_id')} lines {row.get('line_start')}-{row.get('line_end')}"


def _value_of(row: Row, column: str) -> str:
    if "+" in column:
        return "/".join(str(row.get(part)) for part in column.split("+"))
    return repr(row.get(column))
