"""The corpus stage: per-document fragments into the output tables and the report.

Fragments (``build/extract/<file>.parquet``, see :mod:`pipeline.store`) are
read by DuckDB: each table is one ``SELECT … FROM read_parquet([...]) ORDER BY
…`` over the fragments of the documents kept, streamed in record batches into
``processed/<table>.parquet``, so the corpus is never held as Python objects.
Rows keep the order of today's stable sort: the table's order, then the file,
then the row's place in its fragment. What spans documents is done here:
index entries linked to recommendations (a join), the checks of
:mod:`pipeline.corpus.crossref` on the few rows they read, the search terms
(per document, cached by fragment and dictionary) and the topic suggestions
(cached by their inputs).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.catalog import load_catalog, raw_files, unsupported_files
from pipeline.corpus.crossref import (
    _adopted_against_provisional,
    _speakers_against_attendance,
    _unresolved_index_entries,
)
from pipeline.corpus.database import (
    DATABASE_NAME,
    DUCKDB_MEMORY,
    TableChange,
    file_key,
    write_database,
)
from pipeline.corpus.delta import (
    Delta,
    State,
    code_key,
    delta_of,
    fragment_hashes,
    rows_in,
    spliced_query,
    stat_key,
)
from pipeline.corpus.findings import FINDING_SCHEMA, FindingSpool, SortedFindings
from pipeline.corpus.link import create_link_views
from pipeline.corpus.meetings import meetings_of
from pipeline.corpus.partition import remove_dataset, write_partitioned
from pipeline.corpus.report import write_report
from pipeline.corpus.sql import literal, literal_list
from pipeline.corpus.write import rejected_row, to_arrow, write_batches, write_datapackage
from pipeline.document.checks.common import ATTENDING_ROLES
from pipeline.models import Finding
from pipeline.schema import TABLES
from pipeline.store import (
    CORPUS_TABLES,
    OUTPUT_MODE,
    DocumentResult,
    remove_stale_temporaries,
    save_result,
    write_atomic,
)

# Tables whose fragment rows are completed across documents, through a view of
# the same name over ``_<table>``: index entries (their rec_id) and documents
# (their meeting_id).
LINKED = ("index_entries", "documents")


# Rows per batch streamed from DuckDB to the writer.
BATCH_ROWS = 64 * 1024


@dataclass
class Summary:
    documents: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


def assemble(
    raw_dir: Path, results: list[DocumentResult], out_dir: Path
) -> tuple[Summary, list[Finding]]:
    """Results held in memory (tests, small corpora): written as fragments into a
    temporary folder, then assembled as make assembles them."""
    with tempfile.TemporaryDirectory(prefix="untoc-fragments-") as folder:
        work = Path(folder)
        for result in results:
            save_result(result, work / "extract" / f"{result.source_file}.parquet")
        summary, findings = assemble_fragments(raw_dir, work / "extract", out_dir, work / "corpus")
        # Read before the folder holding them goes.
        return summary, list(findings)


def assemble_fragments(
    raw_dir: Path,
    extract_dir: Path,
    out_dir: Path,
    work_dir: Path,
    *,
    partitioned: bool = False,
    progress: Callable[[str], None] = lambda step: None,
    jobs: int | None = None,
) -> tuple[Summary, SortedFindings]:
    """Concatenate the fragments of the documents now in ``raw/``, link and check
    them, write tables, data package and report. ``work_dir`` keeps what the
    next run reuses (:mod:`pipeline.corpus.delta`: what each table was made
    from; terms per document, topic suggestions): a table is rewritten only
    when a document whose rows it holds changed. With ``partitioned`` the
    tables are also written as ``out_dir/dataset/`` (see
    :mod:`pipeline.corpus.partition`). ``progress`` is told each step as it
    starts. ``jobs`` processes (default: one per core)
    segment the search terms where many documents are to be."""
    progress("fragments")
    if jobs is None:
        jobs = os.cpu_count() or 1  # as the local executors count cores
    catalog = load_catalog(raw_dir / "catalog.csv", raw_dir)
    findings: list[Finding] = [*catalog.findings, *unsupported_files(raw_dir)]
    names = [raw.name for raw in raw_files(raw_dir)]
    paths = {name: extract_dir / f"{name}.parquet" for name in names}
    present = {name: paths[name] for name in names if paths[name].exists()}
    for name in names:
        if name not in present:
            findings.append(_not_extracted(name))
    work_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    remove_stale_temporaries(out_dir / "validation")
    remove_stale_temporaries(work_dir)
    # The many findings (the fragments', those across documents) go to disk.
    spool = FindingSpool(work_dir)
    state_path = work_dir / "state.json"
    state = State.load(state_path, code_key())
    hashes = fragment_hashes(state, present)
    # Reading the summaries of many fragments leaves DuckDB holding memory
    # (about 200 MB at 10,000): its own connection, closed before the tables.
    with _connect(work_dir) as reader:
        summaries = _summaries(reader, state, present, hashes)
    con = _connect(work_dir)
    documents, kept_names = _documents(summaries, findings)
    kept = {name: hashes[name] for name in kept_names}
    delta = delta_of(
        state, kept, {name: summaries[name]["doc_id"] for name in kept}, force_full=False
    )
    _fragment_views(con, "all", [str(present[name]) for name in kept])
    _fragment_views(con, "new", [str(present[name]) for name in delta.added])
    old_summaries = {name: state.fragments[name]["summary"] for name in delta.dropped_files}

    def touched(table: str) -> bool:
        return bool(
            rows_in(summaries, delta.added, table)
            or rows_in(old_summaries, delta.dropped_files, table)
        )

    progress(f"tables: {len(delta.added)} of {len(kept)} documents new or changed")
    # How each spliced table changed, for the database to follow.
    changes: dict[str, TableChange] = {}
    added_ids = tuple(sorted(str(summaries[name]["doc_id"]) for name in delta.added))
    # The tables of the fragments; index entries and documents first as stores
    # in the work folder, completed below across documents.
    for name, table in TABLES.items():
        if name in CORPUS_TABLES:
            continue
        target = (
            work_dir / "tables" / f"{name}.parquet"
            if name in LINKED
            else out_dir / f"{name}.parquet"
        )
        intact = state.output_intact(target)
        if intact and not delta.full and not touched(name):
            continue
        if intact and not delta.full:
            added = f"SELECT * EXCLUDE (_f) FROM new_{name}" if delta.added else None
            query = spliced_query(target, delta.dropped_ids, added, table.order)
            if name not in LINKED:
                changes[name] = TableChange(file_key(target), delta.dropped_ids, added_ids)
        else:
            query = (
                f"SELECT * EXCLUDE (_f, _i) FROM all_{name} ORDER BY {_order(table.order)}, _f, _i"
            )
        state.record_output(target, _write_query(con, query, table.schema, target))
    spool.add_store(_fragment_findings(con, state, present, hashes, work_dir))
    for name in TABLES:
        if name in CORPUS_TABLES:
            continue
        source = (
            work_dir / "tables" / f"{name}.parquet"
            if name in LINKED
            else out_dir / f"{name}.parquet"
        )
        view = f"_{name}" if name in LINKED else name
        con.execute(
            f"CREATE VIEW {view} AS SELECT * FROM"
            f" read_parquet({literal_list([source])}, file_row_number = true)"
        )
    progress("meetings, links and checks across documents")
    # Meetings, from the documents that serve them (one small row per document).
    meetings, meeting_of, meeting_findings = meetings_of(
        _rows(con, "SELECT * EXCLUDE (file_row_number) FROM _documents ORDER BY file_row_number"),
        _rows(
            con,
            "SELECT doc_id, agenda, item, documents FROM agenda_items"
            " WHERE agenda = 'provisional' ORDER BY file_row_number",
        ),
    )
    findings += meeting_findings
    _meeting_view(con, meeting_of)
    create_link_views(con)
    arrow, rejected = to_arrow(TABLES["meetings"], meetings)
    findings += [rejected_row("meetings", row, reason) for row, reason in rejected]
    for name, query in (
        ("meetings", None),
        ("documents", "SELECT * EXCLUDE (file_row_number) FROM documents ORDER BY file_row_number"),
        (
            "index_entries",
            "SELECT * EXCLUDE (file_row_number) FROM index_entries ORDER BY file_row_number",
        ),
    ):
        schema = TABLES[name].schema
        batches = arrow.to_batches() if query is None else arrow_batches(con, query)
        target = out_dir / f"{name}.parquet"
        write_if_changed(schema, batches, target, state)
    spool.add(_cross_document_findings(con))
    coverage = _coverage(con, state, present, delta, kept, work_dir)
    from pipeline.corpus.terms import write_terms_and_suggestions

    dictionary = _dictionary_store(con, state, present, delta, kept, work_dir)
    # What follows reads files, not the views over every fragment, and those
    # views keep memory (180 MB at 10,000 documents) that the segmenting
    # workers' would add to: a fresh connection.
    con.close()
    con = _connect(work_dir)
    term_counts, terms_change = write_terms_and_suggestions(
        con, kept, paths, out_dir, work_dir, state.code, dictionary, progress, jobs
    )
    if terms_change is not None:
        changes["terms"] = terms_change
    for name in term_counts:
        target = out_dir / f"{name}.parquet"
        if not state.output_intact(target):
            state.record_output(target, term_counts[name])
    counts = {name: state.output_rows(out_dir / f"{name}.parquet") for name in TABLES}
    sources = [
        {
            "path": f"raw/{doc['source_file']}",
            "doc_id": doc["doc_id"],
            "sha256": doc["source_sha256"],
        }
        for doc in documents
    ]
    # Resolutions and decisions as Akoma Ntoso, from the tables just written
    # (imported here: cobalt and lxml are for this step alone).
    from pipeline.corpus.akn import write_akn

    progress("Akoma Ntoso")
    findings += write_akn(out_dir, work_dir, con=con)
    spool.add(findings)
    ordered = spool.sorted(con)
    write_datapackage(out_dir, counts, sources)
    progress("validation report")
    severities = write_report(out_dir / "validation", ordered, documents, counts, coverage)
    progress("database")
    database = out_dir / DATABASE_NAME
    built_from = state.extra.get("database") if state.output_intact(database) else None
    state.extra["database"] = write_database(out_dir, built_from, changes)
    state.record_output(database, 0)
    if partitioned:
        write_partitioned(out_dir)
    else:
        remove_dataset(out_dir)
    state.fragments = {
        name: {"stat": stat_key(path), "sha": hashes[name], "summary": summaries[name]}
        for name, path in present.items()
    }
    state.kept = kept
    state.save(state_path)
    summary = Summary(
        documents=len(documents),
        failed=sum(1 for doc in documents if doc["status"] != "ok"),
        rows=counts,
        findings=severities,
    )
    return summary, ordered


def _connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for the corpus stage."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # DuckDB's buffers otherwise grow towards most of the machine's memory with
    # the corpus; past this it spills sorts to disk.
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    # Spilled sorts go to the work folder, not to ``.tmp`` in the current directory.
    con.execute(f"SET temp_directory = {literal(work_dir / 'spill')}")
    return con


def _order(columns: Sequence[str]) -> str:
    # pyarrow's sort puts nulls last and compares strings by their bytes, as here.
    return ", ".join(f'"{column}" ASC NULLS LAST' for column in columns)


def _not_extracted(name: str) -> Finding:
    return Finding(
        check="ingest",
        severity="error",
        doc_id=None,
        message=f"{name}: not extracted (run `make` or `pipeline build`)",
        where=name,
    )


_SUMMARY_TABLES = (
    "documents", "paragraphs", "footnotes", "citations", "agenda_items", "schedule",
    "resolution_paragraphs", "recommendations", "index_entries", "participants",
)  # fmt: skip


def _summaries(
    con: duckdb.DuckDBPyConnection,
    state: State,
    present: dict[str, Path],
    hashes: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """One small row per fragment (symbol, source hash, failed, rows per table):
    the state's where the fragment is unchanged, read from the others."""
    summaries: dict[str, dict[str, Any]] = {}
    unread = []
    for name in present:
        known = state.fragments.get(name)
        if known is not None and known.get("sha") == hashes[name]:
            summaries[name] = known["summary"]
        else:
            unread.append(str(present[name]))
    if unread:
        lengths = ", ".join(f'len("{name}") AS "{name}"' for name in _SUMMARY_TABLES)
        rows = con.execute(
            f"SELECT source_file, doc_id, source_sha256, failed, {lengths}"
            f" FROM read_parquet({literal_list(unread)})"
        ).fetchall()
        for source_file, doc_id, sha256, failed, *sizes in rows:
            summaries[source_file] = {
                "doc_id": doc_id,
                "source_sha256": sha256,
                "failed": bool(failed),
                "rows": dict(zip(_SUMMARY_TABLES, sizes, strict=True)),
            }
    return summaries


def _documents(
    summaries: dict[str, dict[str, Any]], findings: list[Finding]
) -> tuple[list[dict[str, Any]], list[str]]:
    """One small row per document (file, symbol, status, rows per table); the
    files whose rows go into the tables: not failed, and the first with its symbol."""
    documents: list[dict[str, Any]] = []
    kept: list[str] = []
    seen: dict[str, str] = {}
    for source_file in sorted(summaries):
        summary = summaries[source_file]
        doc_id = summary["doc_id"]
        status = "failed" if summary["failed"] else "ok"
        if doc_id and doc_id in seen:
            findings.append(
                Finding(
                    check="duplicate_document",
                    severity="error",
                    doc_id=doc_id,
                    message=f"{source_file}: same symbol as {seen[doc_id]}; its rows are left out",
                    where=source_file,
                )
            )
            status = "duplicate"
        elif not summary["failed"]:
            if doc_id:
                seen[doc_id] = source_file
            kept.append(source_file)
        documents.append(
            {
                "source_file": source_file,
                "doc_id": doc_id,
                "source_sha256": summary["source_sha256"],
                "status": status,
                "rows": {table: summary["rows"][table] for table in _SUMMARY_TABLES},
            }
        )
    # Findings of every fragment (failed and duplicate ones too) come with it.
    return documents, kept


def _fragment_views(con: duckdb.DuckDBPyConnection, prefix: str, files: list[str]) -> None:
    """One view per table over the fragments ``files`` (``<prefix>_<table>``): the
    rows, with the file (``_f``) and the place in the fragment (``_i``) that keep
    the order stable."""
    for name, table in TABLES.items():
        if name in CORPUS_TABLES:
            continue
        view = f"{prefix}_{name}"
        if files:
            con.execute(
                f"CREATE VIEW {view} AS SELECT _f, _i, unnest(r) FROM ("
                f' SELECT source_file AS _f, unnest(range(len("{name}"))) AS _i,'
                f' unnest("{name}") AS r FROM read_parquet({literal_list(files)}))'
            )
        else:
            empty = pa.Table.from_batches([], table.schema.remove_metadata())
            empty = empty.append_column("_f", pa.array([], pa.string()))
            empty = empty.append_column("_i", pa.array([], pa.int64()))
            con.register(f"_{view}_empty", empty)
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM _{view}_empty")


def _changed_fragments(
    state: State, present: dict[str, Path], hashes: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(fragments gone or changed since the state, fragments new or changed)."""
    gone = [name for name, known in state.fragments.items() if hashes.get(name) != known.get("sha")]
    new = [name for name in present if state.fragments.get(name, {}).get("sha") != hashes[name]]
    return gone, new


def _update_store(
    con: duckdb.DuckDBPyConnection,
    state: State,
    target: Path,
    rows_of: Callable[[list[str]], str],
    *,
    dropped: list[str],
    added: list[str],
    everything: list[str],
    order: Sequence[str],
) -> None:
    """A work-folder table of per-fragment rows (column ``source_file``), brought
    up to date: ``rows_of(files)`` is a query giving the rows of those fragments
    with ``_i``; the state says whether the file can be spliced."""
    if state.output_intact(target):
        if not dropped and not added:
            return
        query = spliced_query(
            target,
            dropped,
            rows_of(added) if added else None,
            order,
            key="source_file",
        )
    else:
        query = f"SELECT * EXCLUDE (_i) FROM ({rows_of(everything)}) ORDER BY" + (
            f" {_order(order)}, _i"
        )
    copy_atomic(con, query, target)
    state.record_output(target, 0)


def _fragment_findings(
    con: duckdb.DuckDBPyConnection,
    state: State,
    present: dict[str, Path],
    hashes: dict[str, str],
    work_dir: Path,
) -> Path:
    """The file of every finding the per-document stage reported (failed
    documents' too), ``<work>/findings.parquet``, read again only from changed
    fragments."""
    gone, new = _changed_fragments(state, present, hashes)
    store = work_dir / "findings.parquet"

    def rows_of(files: list[str]) -> str:
        if not files:
            return (
                "SELECT NULL::VARCHAR AS source_file, NULL::BIGINT AS _i,"
                + ", ".join(f'NULL::{kind} AS "{name}"' for name, kind in _FINDING_SQL)
                + " WHERE false"
            )
        listed = literal_list(present[name] for name in files)
        return (
            "SELECT source_file, _i, unnest(f) FROM (SELECT source_file,"
            " unnest(range(len(findings))) AS _i, unnest(findings) AS f"
            f" FROM read_parquet({listed}))"
        )

    _update_store(
        con, state, store, rows_of, dropped=gone, added=new, everything=list(present),
        order=("source_file",),
    )  # fmt: skip
    return store


# The findings' columns as DuckDB types (for a store of no fragment).
_FINDING_SQL = tuple(
    (field.name, "INTEGER" if pa.types.is_int32(field.type) else "VARCHAR")
    for field in FINDING_SCHEMA
)


def _meeting_view(con: duckdb.DuckDBPyConnection, meeting_of: dict[str, str | None]) -> None:
    """``documents`` with ``meeting_id`` set from the meetings found across documents."""
    pairs = pa.table(
        {
            "doc_id": pa.array(list(meeting_of), pa.string()),
            "meeting_id": pa.array(list(meeting_of.values()), pa.string()),
        }
    )
    con.register("_meeting_of", pairs)
    con.execute(
        "CREATE VIEW documents AS SELECT d.* REPLACE (m.meeting_id AS meeting_id)"
        " FROM _documents d LEFT JOIN _meeting_of m ON m.doc_id = d.doc_id"
    )


def _write_query(con: duckdb.DuckDBPyConnection, query: str, schema: pa.Schema, path: Path) -> int:
    return write_batches(schema, arrow_batches(con, query), path)


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    return arrow_table(con, query).to_pylist()


def _streamed_rows(con: duckdb.DuckDBPyConnection, query: str) -> Iterator[dict[str, Any]]:
    """The answer to ``query`` as dicts, a batch at a time."""
    for batch in arrow_batches(con, query):
        yield from batch.to_pylist()


def arrow_table(con: duckdb.DuckDBPyConnection, query: str) -> pa.Table:
    """The answer to ``query`` as an Arrow table (DuckDB 2 renamed the call)."""
    result = con.sql(query)
    fetch = getattr(result, "to_arrow_table", None) or result.fetch_arrow_table
    return fetch()


def arrow_batches(con: duckdb.DuckDBPyConnection, query: str) -> pa.RecordBatchReader:
    """The answer to ``query`` streamed in batches of :data:`BATCH_ROWS`."""
    result = con.sql(query)
    fetch = getattr(result, "to_arrow_reader", None) or result.record_batch
    return fetch(BATCH_ROWS)


def _cross_document_findings(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """The checks across documents, each on the few rows it reads, a finding at a time."""
    # Index entries of a report whose recommendations are in the corpus that
    # name none of them (or one that is not there).
    entries = _rows(
        con,
        "SELECT doc_id, topic, report_symbol, report_ref, rec_id, line_start"
        " FROM index_entries e WHERE (rec_id IS NULL AND report_symbol IN"
        " (SELECT report FROM _rec_keys)) OR (rec_id IS NOT NULL AND rec_id NOT IN"
        " (SELECT rec_id FROM recommendations)) ORDER BY file_row_number",
    )
    recommendations = _rows(
        con,
        "SELECT doc_id, rec_id, number, paragraph_number FROM recommendations"
        " WHERE doc_id IN (SELECT DISTINCT report_symbol FROM index_entries"
        " WHERE rec_id IS NULL) ORDER BY file_row_number",
    )
    # Recommendations that name a rec_id must be known to the check as well.
    recommendations += _rows(
        con,
        "SELECT doc_id, rec_id, number, paragraph_number FROM recommendations"
        " WHERE rec_id IN (SELECT rec_id FROM index_entries WHERE rec_id IS NOT NULL)"
        " AND doc_id NOT IN (SELECT DISTINCT report_symbol FROM index_entries"
        " WHERE rec_id IS NULL) ORDER BY file_row_number",
    )
    documents = _rows(
        con,
        "SELECT doc_id, body, meeting_number, date_start FROM documents ORDER BY file_row_number",
    )
    agenda = _rows(
        con,
        "SELECT doc_id, agenda, item, title, line_start FROM agenda_items"
        " WHERE agenda IN ('adopted', 'provisional') ORDER BY file_row_number",
    )
    roles = ", ".join(f"'{role}'" for role in (*sorted(ATTENDING_ROLES), "speaker"))
    # Read once, batch by batch: the check keeps the attendance keys and the
    # speakers, not every State's row.
    participants = _streamed_rows(
        con,
        "SELECT doc_id, name, iso3, entity_type, role, line_start, seq FROM participants"
        f" WHERE entity_type = 'state' AND role IN ({roles}) ORDER BY file_row_number",
    )
    tables = {
        "index_entries": entries,
        "recommendations": recommendations,
        "documents": documents,
        "agenda_items": agenda,
        "participants": participants,
    }
    yield from _unresolved_index_entries(tables)
    yield from _adopted_against_provisional(tables)
    yield from _speakers_against_attendance(tables)


def _coverage(
    con: duckdb.DuckDBPyConnection,
    state: State,
    present: dict[str, Path],
    delta: Delta,
    kept: dict[str, str],
    work_dir: Path,
) -> list[Any]:
    """Every kept document's coverage, as the per-document checks measured it,
    kept in ``<work>/coverage.parquet`` and read again only from changed fragments."""
    from pipeline.document.checks.common import Coverage, Span

    store = work_dir / "coverage.parquet"

    def rows_of(files: list[str]) -> str:
        listed = literal_list(present[name] for name in files)
        return (
            "SELECT source_file, c.doc_id AS doc_id, _i, c FROM (SELECT source_file,"
            " unnest(range(len(coverage))) AS _i, unnest(coverage) AS c"
            f" FROM read_parquet({listed}))"
        )

    if not kept:
        return []
    _update_kept_store(con, state, store, rows_of, delta, kept, order=("doc_id", "source_file"))
    rows = arrow_table(
        con,
        f"SELECT c FROM read_parquet({literal_list([store])}, file_row_number = true)"
        " ORDER BY file_row_number",
    )
    return [
        Coverage(
            doc_id=item["doc_id"],
            characters=item["characters"],
            covered=item["covered"],
            spans=tuple(Span(**span) for span in item["spans"]),
        )
        for item in rows.column("c").to_pylist()
    ]


def _dictionary_store(
    con: duckdb.DuckDBPyConnection,
    state: State,
    present: dict[str, Path],
    delta: Delta,
    kept: dict[str, str],
    work_dir: Path,
) -> Path | None:
    """The kept documents' words for the search dictionary (``phrases``,
    ``names``), kept in ``<work>/dictionary.parquet`` and read again only from
    changed fragments; None without documents."""
    if not kept:
        return None
    store = work_dir / "dictionary.parquet"

    def rows_of(files: list[str]) -> str:
        listed = literal_list(present[name] for name in files)
        return f"SELECT source_file, 0 AS _i, phrases, names FROM read_parquet({listed})"

    _update_kept_store(con, state, store, rows_of, delta, kept, order=("source_file",))
    return store


def _update_kept_store(
    con: duckdb.DuckDBPyConnection,
    state: State,
    store: Path,
    rows_of: Callable[[list[str]], str],
    delta: Delta,
    kept: dict[str, str],
    *,
    order: Sequence[str],
) -> None:
    """A store of the kept fragments' rows brought up to date by ``delta``
    (made whole again when the delta is)."""
    if delta.full:
        state.outputs.pop(str(store), None)
    _update_store(
        con, state, store, rows_of, dropped=list(delta.dropped_files), added=list(delta.added),
        everything=list(kept), order=order,
    )  # fmt: skip


def copy_atomic(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """``COPY (query) TO target`` through a temporary file renamed onto it."""
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        con.execute(f"COPY ({query}) TO {literal(tmp_name)} (FORMAT parquet)")
        os.chmod(tmp_name, OUTPUT_MODE)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_if_changed(
    schema: pa.Schema, batches: Iterable[pa.RecordBatch], target: Path, state: State
) -> bool:
    """Write a (small) table unless the file already holds exactly these bytes;
    whether it was written."""
    buffer = io.BytesIO()
    rows = write_batches(schema, batches, buffer)
    data = buffer.getvalue()
    try:
        same = target.read_bytes() == data
    except OSError:
        same = False
    if not same:
        write_atomic(target, data)
    state.record_output(target, rows)
    return not same


__all__ = ["Summary", "assemble", "assemble_fragments", "raw_files", "to_arrow"]
