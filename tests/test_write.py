"""Writing tables: the same rows give the same bytes whatever batches they come in."""

from __future__ import annotations

import io

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus import write

SCHEMA = pa.schema([("doc_id", pa.string()), ("seq", pa.int32()), ("text", pa.string())])
ROWS = pa.table(
    {
        "doc_id": [f"A/{n // 700}" for n in range(6000)],
        "seq": list(range(6000)),
        # Long enough that a row group holds several data pages.
        "text": [f"第{n}段" + "文字" * (n % 300) for n in range(6000)],
    },
    schema=SCHEMA,
)


def _written(batches: list[pa.RecordBatch]) -> bytes:
    buffer = io.BytesIO()
    assert write.write_batches(SCHEMA, batches, buffer) == sum(b.num_rows for b in batches)
    return buffer.getvalue()


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 2500), min_size=1, max_size=12))
def test_the_bytes_do_not_depend_on_the_batches(sizes: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        # Small row groups and writer batches: 6,000 rows make several of each.
        patch.setattr(write, "ROW_GROUP_ROWS", 4096)
        patch.setattr(write, "WRITE_BATCH_ROWS", 1024)
        whole = _written(ROWS.to_batches())
        cuts, start = [], 0
        for size in sizes * (len(ROWS) // sum(sizes) + 1):
            if start >= len(ROWS):
                break
            cuts.append(ROWS.slice(start, size).combine_chunks().to_batches()[0])
            start += size
        assert _written(cuts) == whole


def test_row_groups_are_of_the_declared_size(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    monkeypatch.setattr(write, "ROW_GROUP_ROWS", 4096)
    monkeypatch.setattr(write, "WRITE_BATCH_ROWS", 1024)
    metadata = pq.ParquetFile(io.BytesIO(_written(ROWS.to_batches(max_chunksize=999)))).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sizes == [4096, 1904]


# Values of every shape a faulty extractor could leave in a row.
_VALUES = st.one_of(
    st.none(),
    st.text(max_size=4),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.floats(allow_nan=False, width=32),
    st.lists(st.text(max_size=2), max_size=2),
)


def _row_of(table: str, values: st.DataObject, faulty: bool) -> dict[str, object]:
    from pipeline.schema import TABLES

    row: dict[str, object] = {}
    for column in TABLES[table].columns:
        if faulty:
            row[column.name] = values.draw(_VALUES)
        elif pa.types.is_string(column.type):
            row[column.name] = values.draw(st.text(max_size=4))
        elif pa.types.is_integer(column.type):
            row[column.name] = values.draw(st.integers(0, 1000))
        else:
            row[column.name] = None
    return row


@settings(max_examples=60, deadline=None)
@given(
    table=st.sampled_from(["citations", "participants", "index_entries", "schedule"]),
    faults=st.lists(st.booleans(), max_size=6),
    values=st.data(),
)
def test_a_fragment_column_holds_what_the_table_would(
    table: str, faults: list[bool], values: st.DataObject
) -> None:
    """:func:`write.to_struct_array` (one pyarrow call) gives the struct array
    and the left-out rows that :func:`write.to_arrow` gives, for any rows."""
    from pipeline.schema import TABLES
    from pipeline.store import row_type

    rows = [_row_of(table, values, faulty) for faulty in faults]
    arrow, rejected = write.to_arrow(TABLES[table], rows, sort=False)
    expected = pa.StructArray.from_arrays(
        [column.combine_chunks() for column in arrow.columns], fields=list(row_type(table))
    )
    struct, left_out = write.to_struct_array(TABLES[table], rows)
    assert struct.type == expected.type
    assert struct.to_pylist() == expected.to_pylist()
    assert left_out == rejected
