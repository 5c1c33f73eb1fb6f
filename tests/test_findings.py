"""The findings spool gives back what sort_findings gives, whatever its batches."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus import findings as spooled
from pipeline.corpus.findings import FINDING_SCHEMA, FindingSpool
from pipeline.corpus.report import sort_findings
from pipeline.models import Finding

# Texts that sort differently by code point than by UTF-16 unit or locale.
_TEXTS = st.text(alphabet="a中文é1、（）\U0001f600 Z", max_size=6)
_FINDINGS = st.builds(
    Finding,
    check=st.sampled_from(["agenda_vs_provisional", "coverage", "index_location"]),
    severity=st.sampled_from(["error", "warning", "info"]),
    # None sorts as "" and a missing line as -1 in sort_findings, which then
    # leaves their order to chance: neither "" nor -1 is drawn.
    doc_id=st.one_of(st.none(), st.sampled_from(["CTOC/COP/2020/1", "CTOC/COP/WG.2/2010/4"])),
    message=_TEXTS,
    where=_TEXTS,
    evidence=_TEXTS,
    line=st.one_of(st.none(), st.integers(min_value=0, max_value=9)),
)


@settings(max_examples=60, deadline=None)
@given(
    findings=st.lists(_FINDINGS, max_size=40),
    stored=st.lists(_FINDINGS, max_size=10),
    batch=st.integers(min_value=1, max_value=7),
)
def test_spooled_findings_come_back_as_sort_findings_orders_them(
    findings: list[Finding], stored: list[Finding], batch: int
) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(spooled, "BATCH_ROWS", batch)
        work = Path(folder)
        # A store as the corpus stage keeps the fragments' findings: more columns.
        store = work / "store.parquet"
        columns = {name: [getattr(f, name) for f in stored] for name in FINDING_SCHEMA.names}
        table = pa.Table.from_pydict(columns, schema=FINDING_SCHEMA)
        table = table.add_column(0, "source_file", pa.array(["a.txt"] * len(stored)))
        pq.write_table(table, store)
        spool = FindingSpool(work)
        half = len(findings) // 2
        spool.add(findings[:half])
        spool.add_store(store)
        spool.add(iter(findings[half:]))
        result = spool.sorted(duckdb.connect())
        expected = sort_findings([*findings, *stored])
        assert list(result) == expected
        assert len(result) == len(expected)
        assert result[:2] == expected[:2]
        assert not spool.path.exists()


def test_an_empty_spool_gives_no_findings(tmp_path: Path) -> None:
    result = FindingSpool(tmp_path).sorted(duckdb.connect())
    assert len(result) == 0
    assert list(result) == []
