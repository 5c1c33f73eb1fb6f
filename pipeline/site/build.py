"""The browsable site's database: ``build/site/untoc.db`` and its Datasette metadata.

Datasette serves SQLite, so every table of ``processed/`` is copied into one
SQLite file (lists as JSON arrays, dates as ISO text), with primary and foreign
keys (every ``doc_id`` points at ``documents``, ``documents.meeting_id`` at
``meetings``) so that Datasette links rows to their document and a document to
the rows that cite it. Two tables exist only here:

* ``source_lines``: every line of every raw document (or of the text read from
  a PDF), so that a row's ``line_start``/``line_end`` link to the printed text.
* ``<table>_fts`` for recommendations, paragraphs and resolution paragraphs:
  FTS5 over the words of ``terms.parquet`` (jieba with the corpus dictionary,
  normalized), one word a token. The site's plugin (``pipeline/site/plugin.py``)
  segments a query the same way, so a dictionary term matches where it stands
  as a word, as ``pipeline search`` does.

``metadata.json`` carries the table and column descriptions of
``pipeline/schema.py``, the search settings and the canned queries.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from datetime import date, time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline.catalog import raw_files
from pipeline.schema import TABLES
from pipeline.search.engine import SOURCES

DATABASE = "untoc"
FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)
STATIC_DIR = Path(__file__).resolve().parent / "static"
_PRIMARY_KEYS = {"documents": "doc_id", "meetings": "meeting_id", "recommendations": "rec_id"}
SEARCHABLE = tuple(SOURCES)

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "meeting_documents": {
        "title": "A meeting's documents",
        "description": "The documents that serve a meeting (meeting_id such as WG.7/4)",
        "sql": "SELECT m.meeting_id, m.body_name, m.meeting_number, m.date_start, m.venue,"
        " d.doc_id, d.kind, d.title, 1 AS line_start, d.line_count AS line_end"
        " FROM meetings m JOIN documents d ON d.meeting_id = m.meeting_id"
        " WHERE m.meeting_id = :meeting_id ORDER BY d.doc_id",
    },
    "annotated_agenda": {
        "title": "A meeting's annotated provisional agenda",
        "description": "Each item with the Secretariat's annotation (meeting_id such as WG.7/4)",
        "sql": "SELECT d.meeting_id, a.doc_id, a.item, a.title, a.annotation, a.documents,"
        " a.line_start, a.line_end FROM agenda_items a JOIN documents d ON d.doc_id = a.doc_id"
        " WHERE a.agenda = 'provisional' AND d.meeting_id = :meeting_id ORDER BY a.seq",
    },
    "deliberations": {
        "title": "What was said under an agenda item",
        "description": "A meeting report's paragraphs under one agenda item (item such as 2)",
        "sql": "SELECT d.meeting_id, p.doc_id, p.agenda_item, p.number, p.text,"
        " p.line_start, p.line_end FROM paragraphs p JOIN documents d ON d.doc_id = p.doc_id"
        " WHERE d.meeting_id = :meeting_id AND p.agenda_item = :item ORDER BY p.seq",
    },
    "recommendation_topics": {
        "title": "Recommendations under a thematic-index topic",
        "description": "Recommendations the thematic index files under a topic (a part of"
        " its printed text, such as 联合调查)",
        "sql": "SELECT DISTINCT i.topic, r.rec_id, r.doc_id, r.number, r.text,"
        " r.line_start, r.line_end FROM index_entries i"
        " JOIN recommendations r ON r.rec_id = i.rec_id"
        " WHERE i.topic LIKE '%' || :topic || '%' ORDER BY i.topic, r.doc_id, r.number",
    },
    "attendance": {
        "title": "Attendance of a state across meetings",
        "description": "Each meeting a state attended, with its category (iso3 such as MEX)",
        "sql": "SELECT d.meeting_id, m.date_start, p.name, p.iso3, p.category, p.role,"
        " p.doc_id, MIN(p.line_start) AS line_start, MAX(p.line_end) AS line_end"
        " FROM participants p JOIN documents d ON d.doc_id = p.doc_id"
        " LEFT JOIN meetings m ON m.meeting_id = d.meeting_id"
        " WHERE p.entity_type = 'state' AND p.role IN ('delegation', 'observer')"
        " AND p.iso3 = :iso3 GROUP BY d.meeting_id, p.iso3, p.category, p.role, p.doc_id"
        " ORDER BY m.date_start",
    },
    "instrument_paragraphs": {
        "title": "A resolution's or decision's paragraphs in reading order",
        "description": "Its paragraphs with their footnotes (instrument_number such as 6/1;"
        " instrument resolution or decision)",
        "sql": "SELECT rp.doc_id, rp.instrument, rp.instrument_number, rp.ref, rp.part,"
        " rp.text, (SELECT json_group_array(f.text) FROM footnotes f"
        " WHERE f.doc_id = rp.doc_id"
        " AND f.number IN (SELECT value FROM json_each(rp.footnote_refs)))"
        " AS footnotes, rp.line_start, rp.line_end FROM resolution_paragraphs rp"
        " WHERE rp.instrument_number = :instrument_number AND rp.instrument = :instrument"
        " ORDER BY rp.seq, rp.ref",
    },
}


def build_site(processed: Path, raw: Path, out: Path) -> Path:
    """Write ``out/untoc.db`` and ``out/metadata.json``; return the database path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{DATABASE}.db"
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out)
    os.close(handle)
    try:
        with sqlite3.connect(tmp_name) as con:
            _fill(con, processed, raw)
        con.close()
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    metadata = site_metadata(processed)
    text = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
    (out / "metadata.json").write_text(text, encoding="utf-8")
    return target


def _sql_value(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _create_table(con: sqlite3.Connection, name: str) -> None:
    table = TABLES[name]
    columns = []
    for column in table.columns:
        kind = "INTEGER" if str(column.type) in ("int32", "bool") else "TEXT"
        kind = "REAL" if str(column.type) == "double" else kind
        key = " PRIMARY KEY" if _PRIMARY_KEYS.get(name) == column.name else ""
        if column.name == "doc_id" and name != "documents":
            key += " REFERENCES documents(doc_id)"
        if column.name == "meeting_id" and name == "documents":
            key += " REFERENCES meetings(meeting_id)"
        columns.append(f'"{column.name}" {kind}{key}')
    con.execute(f'CREATE TABLE "{name}" ({", ".join(columns)})')


def _fill(con: sqlite3.Connection, processed: Path, raw: Path) -> None:
    for name, table in TABLES.items():
        _create_table(con, name)
        rows = pq.read_table(processed / f"{name}.parquet").to_pylist()
        marks = ", ".join("?" for _ in table.columns)
        con.executemany(
            f'INSERT INTO "{name}" VALUES ({marks})',
            ([_sql_value(row[c.name]) for c in table.columns] for row in rows),
        )
        if "doc_id" in table.names and name != "documents":
            con.execute(f'CREATE INDEX "{name}_doc_id" ON "{name}"(doc_id)')
    _fill_source_lines(con, processed, raw)
    _fill_search(con, processed)


def _fill_source_lines(con: sqlite3.Connection, processed: Path, raw: Path) -> None:
    """The printed lines of every document, from the file it was read from."""
    from pipeline.document.read import read_document
    from pipeline.errors import DocumentError

    con.execute(
        "CREATE TABLE source_lines (doc_id TEXT REFERENCES documents(doc_id),"
        " line INTEGER, page INTEGER, text TEXT, PRIMARY KEY (doc_id, line))"
    )
    documents = pq.read_table(processed / "documents.parquet", columns=["doc_id", "source_file"])
    by_file = dict(
        zip(
            documents.column("source_file").to_pylist(),
            documents.column("doc_id").to_pylist(),
            strict=True,
        )
    )
    for path in raw_files(raw):
        doc_id = by_file.get(path.name)
        if doc_id is None:
            continue
        try:
            source = read_document(path)
        except DocumentError:
            continue  # the build reported it; the site shows what it can
        con.executemany(
            "INSERT OR IGNORE INTO source_lines VALUES (?, ?, ?, ?)",
            ((doc_id, line.number, line.page, line.text) for line in source.lines),
        )


def _fill_search(con: sqlite3.Connection, processed: Path) -> None:
    """``<table>_fts``: each row's words in printed order, rowids as in ``<table>``."""
    terms = pq.read_table(
        processed / "terms.parquet", columns=["source_table", "doc_id", "key", "term", "starts"]
    ).to_pylist()
    words: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for row in terms:
        for start in row["starts"] or [0]:
            words[(row["source_table"], row["doc_id"], row["key"])].append((start, row["term"]))
    for name in SEARCHABLE:
        con.execute(f'CREATE VIRTUAL TABLE "{name}_fts" USING fts5(terms, tokenize="unicode61")')
        source = SOURCES[name]
        cursor = con.execute(f'SELECT rowid, * FROM "{name}"')
        columns = [column[0] for column in cursor.description]
        entries = []
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            found = words.get((name, row["doc_id"], source.key(row)))
            if found:
                entries.append((row["rowid"], " ".join(term for _, term in sorted(found))))
        con.executemany(f'INSERT INTO "{name}_fts"(rowid, terms) VALUES (?, ?)', entries)


def site_metadata(processed: Path) -> dict[str, Any]:
    """Datasette metadata: descriptions, search settings, canned queries."""
    tables: dict[str, Any] = {}
    for name, table in TABLES.items():
        entry: dict[str, Any] = {
            "description": table.description,
            "columns": {column.name: column.description for column in table.columns},
        }
        if name in SEARCHABLE:
            entry.update(fts_table=f"{name}_fts", fts_pk="rowid", searchmode="escaped")
        tables[name] = entry
    tables["source_lines"] = {
        "description": "Every line of every raw document (or of the text read from its PDF)",
        "columns": {"line": "1-based line number", "text": "The line as read"},
    }
    for name in SEARCHABLE:
        tables[f"{name}_fts"] = {"hidden": True}
    return {
        "title": "UNTOC documents (Chinese)",
        "description": "Tables of the Chinese documents of the UNTOC Conference of the Parties"
        " and its working groups. Search recommendations, paragraphs and resolution paragraphs"
        " by word: ?_search=联合调查小组",
        "extra_css_urls": ["/untoc-static/site.css"],
        "databases": {DATABASE: {"tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {"untoc": {"processed": str(processed.resolve())}},
    }
