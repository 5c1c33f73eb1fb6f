"""``processed/untoc.duckdb``: every table, its column descriptions, and views
for the questions analysts ask first.

The tables are copied into the database file (not views over the Parquet
files, whose relative paths DuckDB would resolve against the reader's working
directory), so the file answers on its own wherever it is moved. Descriptions
come from ``pipeline/schema.py`` as ``COMMENT ON TABLE`` / ``COMMENT ON
COLUMN``; each view of :data:`VIEWS` carries its own description. The file is
written under a temporary name and renamed, so a reader never sees half of it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.corpus.sql import literal
from pipeline.schema import TABLES

DATABASE_NAME = "untoc.duckdb"

# The most memory DuckDB's buffers may take in each connection of the corpus
# stage; past it, sorts and joins spill to disk. Otherwise they grow with the
# corpus towards most of the machine's memory.
DUCKDB_MEMORY = "256MB"


# name → (description, query). Read in the README ("For analysts") and the site.
VIEWS: dict[str, tuple[str, str]] = {
    "recommendation_topics": (
        "Each recommendation with each thematic-index topic that files it (one row per"
        " recommendation and topic; a recommendation no index files has one row with a"
        " null topic), with its meeting",
        """
        SELECT r.rec_id, r.doc_id, d.meeting_id, r.number, r."group", r.topic_title,
               i.topic, i.topic_main, i.subtopic,
               list(DISTINCT i.doc_id) FILTER (WHERE i.doc_id IS NOT NULL) AS index_doc_ids,
               r.text, r.line_start, r.line_end, r.page
        FROM recommendations r
        LEFT JOIN index_entries i ON i.rec_id = r.rec_id
        LEFT JOIN documents d ON d.doc_id = r.doc_id
        GROUP BY ALL
        ORDER BY r.doc_id, r.number, i.topic
        """,
    ),
    "attendance": (
        "Each state at each meeting it attended, as a delegation or an observer, with its"
        " category (state_party, signatory, non_signatory_state) as the report's"
        " attendance list states it",
        """
        SELECT d.meeting_id, m.body, m.meeting_number, m.date_start,
               coalesce(p.iso3, p.name) AS state, min(p.name) AS name, p.iso3,
               p.category, p.role, p.doc_id, min(p.line_start) AS line_start
        FROM participants p
        JOIN documents d ON d.doc_id = p.doc_id
        LEFT JOIN meetings m ON m.meeting_id = d.meeting_id
        WHERE p.entity_type = 'state' AND p.role IN ('delegation', 'observer')
        GROUP BY d.meeting_id, m.body, m.meeting_number, m.date_start,
                 coalesce(p.iso3, p.name), p.iso3, p.category, p.role, p.doc_id
        ORDER BY state, m.date_start, d.meeting_id
        """,
    ),
    "instrument_paragraphs": (
        "The paragraphs of each resolution and decision in reading order, each with the"
        " texts of its footnotes",
        """
        SELECT rp.doc_id, d.meeting_id, rp.instrument, rp.instrument_number,
               rp.instrument_title, rp.part, rp.ref, rp.seq, rp.text,
               (SELECT list(f.text ORDER BY f.number) FROM footnotes f
                 WHERE f.doc_id = rp.doc_id AND list_contains(rp.footnote_refs, f.number))
                 AS footnotes,
               rp.line_start, rp.line_end, rp.page
        FROM resolution_paragraphs rp
        LEFT JOIN documents d ON d.doc_id = rp.doc_id
        ORDER BY rp.doc_id, rp.seq, rp.ref
        """,
    ),
    "annotated_agenda": (
        "Each item of each meeting's provisional agenda with the Secretariat's annotation"
        " and the documents listed for it",
        """
        SELECT d.meeting_id, a.doc_id, a.item, a.title, a.annotation, a.documents,
               a.line_start, a.line_end
        FROM agenda_items a
        JOIN documents d ON d.doc_id = a.doc_id
        WHERE a.agenda = 'provisional'
        ORDER BY d.meeting_id, a.seq
        """,
    ),
    "deliberations": (
        "Each paragraph of a report with the agenda item it was discussed under and the"
        " item's title in the report's adopted agenda",
        """
        SELECT d.meeting_id, p.doc_id, p.agenda_item, a.title AS agenda_title, p.seq,
               p.number, p.kind, p.text, p.line_start, p.line_end, p.page
        FROM paragraphs p
        JOIN documents d ON d.doc_id = p.doc_id
        LEFT JOIN agenda_items a
          ON a.doc_id = p.doc_id AND a.agenda = 'adopted' AND a.item = p.agenda_item
        WHERE p.agenda_item IS NOT NULL
        ORDER BY p.doc_id, p.seq
        """,
    ),
}


@dataclass(frozen=True)
class TableChange:
    """How a table file changed: from the file of key ``before``, the rows of the
    ``dropped`` symbols left and those of the ``added`` symbols came in."""

    before: str
    dropped: tuple[str, ...]
    added: tuple[str, ...]


def write_database(
    processed_dir: Path,
    built_from: Mapping[str, str] | None = None,
    changes: Mapping[str, TableChange] | None = None,
) -> dict[str, str]:
    """Write ``processed_dir/untoc.duckdb`` from the Parquet files beside it; the
    key of each table file it now holds (:func:`table_keys`).

    ``built_from`` is what the file was written from last time: the tables
    whose files are unchanged are kept; a table whose change from the file it
    was copied from is known (``changes``) loses the rows of the documents that
    left and gains those of the documents that came; the others are copied
    again. All of it in a copy of the file, renamed onto it."""
    import duckdb

    target = processed_dir / DATABASE_NAME
    keys = table_keys(processed_dir)
    stale = [name for name in TABLES if (built_from or {}).get(name) != keys[name]]
    reuse = built_from is not None and target.exists() and set(built_from) == set(TABLES)
    if reuse and not stale:
        return keys
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=processed_dir)
    os.close(handle)
    os.unlink(tmp_name)  # DuckDB creates the file itself
    try:
        if reuse:
            shutil.copyfile(target, tmp_name)
        with (
            tempfile.TemporaryDirectory(prefix="untoc-spill-") as spill,
            duckdb.connect(tmp_name) as con,
        ):
            con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
            con.execute(f"SET temp_directory = {literal(spill)}")
            if reuse:
                assert built_from is not None
                copied = []
                for name in stale:
                    change = (changes or {}).get(name)
                    if change is not None and change.before == built_from[name]:
                        _apply(con, processed_dir, name, change)
                    else:
                        con.execute(f'DROP TABLE "{name}"')
                        copied.append(name)
                _fill(con, processed_dir, copied, views=False)
            else:
                _fill(con, processed_dir, list(TABLES))
            con.execute("CHECKPOINT")
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        for leftover in (Path(tmp_name), Path(tmp_name + ".wal")):
            leftover.unlink(missing_ok=True)
    return keys


def database_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a database file and its rows, in a stable order: what
    two databases are compared by (DuckDB stamps the file itself)."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY 1"
            ).fetchall()
        ]
        return {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in names
        }


def table_keys(processed_dir: Path) -> dict[str, str]:
    """Each table file's size, modification time and inode (the files are only
    ever replaced whole, by rename)."""
    return {name: file_key(processed_dir / f"{name}.parquet") for name in TABLES}


def file_key(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def _apply(con: Any, processed_dir: Path, name: str, change: TableChange) -> None:
    """The rows of the documents that left out, those of the documents that came in."""
    if change.dropped:
        listed = ", ".join(literal(doc_id) for doc_id in change.dropped)
        con.execute(f'DELETE FROM "{name}" WHERE doc_id IN ({listed})')
    if change.added:
        path = (processed_dir / f"{name}.parquet").resolve()
        listed = ", ".join(literal(doc_id) for doc_id in change.added)
        con.execute(
            f'INSERT INTO "{name}" SELECT * FROM read_parquet({literal(path)})'
            f" WHERE doc_id IN ({listed})"
        )


def _fill(con: Any, processed_dir: Path, tables: list[str], *, views: bool = True) -> None:
    for name in tables:
        table = TABLES[name]
        path = (processed_dir / f"{name}.parquet").resolve()
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet({literal(path)})')
        con.execute(f'COMMENT ON TABLE "{name}" IS {literal(table.description)}')
        for column in table.columns:
            con.execute(
                f'COMMENT ON COLUMN "{name}"."{column.name}" IS {literal(column.description)}'
            )
    if not views:
        return
    for name, (description, query) in VIEWS.items():
        con.execute(f'CREATE VIEW "{name}" AS {query}')
        con.execute(f'COMMENT ON VIEW "{name}" IS {literal(description)}')
