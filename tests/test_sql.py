"""SQL literals: DuckDB reads back exactly the text that was quoted."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus.sql import literal, literal_list

# Any text a path, a symbol or a description may hold (DuckDB strings hold no NUL).
_TEXTS = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))
# One connection for every example (opening one costs more than the query).
_CON = duckdb.connect()


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_a_literal_reads_back_as_its_text(text: str) -> None:
    assert _CON.execute(f"SELECT {literal(text)}").fetchone() == (text,)


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXTS, max_size=5))
def test_a_list_reads_back_as_its_texts(texts: list[str]) -> None:
    assert _CON.execute(f"SELECT {literal_list(texts)}::VARCHAR[]").fetchone() == (texts,)


def test_quotes_inside_are_doubled() -> None:
    assert literal("O'Brien's/报告.parquet") == "'O''Brien''s/报告.parquet'"
    assert literal_list(["a", "b'c"]) == "['a', 'b''c']"
