"""Links between documents of the corpus: thematic-index entries to the
recommendations of the reports they cite, as SQL over the tables.

Recommendation n of a report is the one whose paragraph number (else its
number) is n, n being the first paragraph number of the entry's
``report_ref``; an entry of a report absent from the corpus keeps its
``rec_id``, one of a present report that does not resolve gets null (the
corpus checks report it: ``index_unresolved``)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa


def create_link_views(con: duckdb.DuckDBPyConnection) -> None:
    """``index_entries`` with ``rec_id`` set, over the views ``_index_entries``
    and ``recommendations`` (each with ``file_row_number``: the first of equal
    keys wins)."""
    con.execute(
        """
        CREATE VIEW _rec_keys AS
        SELECT doc_id AS report, coalesce(paragraph_number, number) AS key,
               arg_min(rec_id, file_row_number) AS rec_id
        FROM recommendations
        WHERE coalesce(paragraph_number, number) IS NOT NULL
        GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE VIEW index_entries AS
        SELECT e.* REPLACE (
            CASE WHEN e.report_symbol IN (SELECT report FROM _rec_keys)
                 THEN k.rec_id ELSE e.rec_id END AS rec_id)
        FROM _index_entries e
        LEFT JOIN _rec_keys k
          ON k.report = e.report_symbol
         AND k.key = TRY_CAST(list_filter(string_split(e.report_ref, '.'),
                                          lambda x: regexp_full_match(x, '[0-9]+'))[1] AS BIGINT)
        """
    )


def linked_rec_ids(
    entries: list[dict[str, Any]], recommendations: list[dict[str, Any]]
) -> list[str | None]:
    """The ``rec_id`` each of ``entries`` gets against ``recommendations`` (row
    dicts), by the same SQL as the corpus stage."""
    entry_rows = pa.table(
        {
            "report_symbol": pa.array([e.get("report_symbol") for e in entries], pa.string()),
            "report_ref": pa.array([e.get("report_ref") for e in entries], pa.string()),
            "rec_id": pa.array([e.get("rec_id") for e in entries], pa.string()),
            "file_row_number": pa.array(range(len(entries)), pa.int64()),
        }
    )
    rec_rows = pa.table(
        {
            "doc_id": pa.array([r.get("doc_id") for r in recommendations], pa.string()),
            "rec_id": pa.array([r.get("rec_id") for r in recommendations], pa.string()),
            "number": pa.array([r.get("number") for r in recommendations], pa.int64()),
            "paragraph_number": pa.array(
                [r.get("paragraph_number") for r in recommendations], pa.int64()
            ),
            "file_row_number": pa.array(range(len(recommendations)), pa.int64()),
        }
    )
    with duckdb.connect() as con:
        con.register("_entry_rows", entry_rows)
        con.register("_rec_rows", rec_rows)
        con.execute("CREATE VIEW _index_entries AS SELECT * FROM _entry_rows")
        con.execute("CREATE VIEW recommendations AS SELECT * FROM _rec_rows")
        create_link_views(con)
        rows = con.execute("SELECT rec_id FROM index_entries ORDER BY file_row_number").fetchall()
    return [row[0] for row in rows]
