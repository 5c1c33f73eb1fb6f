"""The row records of pipeline/records.py and the tables of pipeline/schema.py
describe the same rows: same tables, same columns in the same order, each
field's type the column's type, and no field that may be None where the
column may not be null."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, time

import pyarrow as pa
import pytest

from pipeline.records import ROW_TYPES
from pipeline.schema import TABLES

# The Arrow type each Python type of a record field is written as.
ARROW_OF: dict[object, pa.DataType] = {
    str: pa.string(),
    int: pa.int32(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    time: pa.time32("ms"),
}


def _arrow_type(hint: object) -> tuple[pa.DataType, bool]:
    """A field's type hint as (Arrow type, may be None)."""
    arguments = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [argument for argument in arguments if argument is not type(None)]
        assert len(inner) == 1, f"{hint}: only `X | None` is a column type"
        arrow, _ = _arrow_type(inner[0])
        return arrow, True
    if typing.get_origin(hint) is list:
        (item,) = arguments
        arrow, _ = _arrow_type(item)
        return pa.list_(arrow), False
    assert hint in ARROW_OF, f"{hint}: no column type for it"
    return ARROW_OF[hint], False


def test_every_table_has_one_row_record_and_every_record_a_table() -> None:
    assert list(ROW_TYPES) == list(TABLES)


@pytest.mark.parametrize("name", list(TABLES))
def test_record_fields_are_the_table_columns_in_order(name: str) -> None:
    fields = [field.name for field in dataclasses.fields(ROW_TYPES[name])]
    assert fields == TABLES[name].names


@pytest.mark.parametrize("name", list(TABLES))
def test_record_field_types_are_the_column_types(name: str) -> None:
    hints = typing.get_type_hints(ROW_TYPES[name])
    for column in TABLES[name].columns:
        arrow, optional = _arrow_type(hints[column.name])
        assert arrow == column.type, f"{name}.{column.name}: {hints[column.name]} vs {column.type}"
        # A field that may be None needs a column that may be null.
        assert column.nullable or not optional, f"{name}.{column.name} may be None, not null"


def test_type_hints_map_to_arrow_types() -> None:
    assert _arrow_type(int | None) == (pa.int32(), True)
    assert _arrow_type(list[str]) == (pa.list_(pa.string()), False)
    assert _arrow_type(time) == (pa.time32("ms"), False)
