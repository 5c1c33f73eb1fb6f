"""The site's Datasette plugin: Chinese full-text search and links to sources.

* ``escape_fts`` (the SQL function Datasette wraps a table's ``?_search=`` in)
  is replaced, for every connection, by one that normalizes the query and cuts
  it into words exactly as the indexed text was cut (``pipeline/search``: NFKC,
  traditional to simplified, jieba with the corpus dictionary), each word
  quoted: ``聯合調查小組`` and ``联合调查小组`` both become ``"联合调查小组"``,
  which matches rows where that word stands, not rows where it is only part of
  a longer one. It is registered last, after Datasette's own.
* ``doc_id`` cells link to their document, ``documents`` lists to each
  document, ``line_start`` cells to the printed lines in ``source_lines``.

The dictionary is rebuilt from ``processed/`` (the plugin setting
``processed`` in ``metadata.json``) on the first search.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import escape_fts as escape_words
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from pipeline.site.build import DATABASE


@functools.cache
def _segmenter(processed: str) -> Any:
    from pipeline.search.engine import dictionary_sources, dictionary_tables, segmenter

    return segmenter(dictionary_sources(dictionary_tables(Path(processed))))


def search_expression(query: str, processed: str) -> str:
    """The FTS5 expression for ``query``: its words, each quoted, all required."""
    words = list(dict.fromkeys(_segmenter(processed).terms(query or "")))
    if not words:
        return escape_words(query or "")
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


@hookimpl(trylast=True)
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    config = datasette.plugin_config("untoc") or {}
    processed = config.get("processed")
    if processed:
        conn.create_function("escape_fts", 1, lambda q: search_expression(q, processed))


def _document_link(datasette: Any, doc_id: str) -> str:
    url = datasette.urls.table(DATABASE, "documents") + "/" + tilde_encode(doc_id)
    return f'<a href="{escape(url)}">{escape(doc_id)}</a>'


def _lines_link(datasette: Any, doc_id: str, start: int, end: int | None) -> str:
    query = urlencode({"doc_id": doc_id, "line__gte": start, "line__lte": end or start})
    url = datasette.urls.table(DATABASE, "source_lines") + "?" + query
    return f'<a class="source-lines" href="{escape(url)}">{start}</a>'


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, datasette: Any) -> Any:
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    if column == "doc_id" and isinstance(value, str) and table != "documents":
        return Markup(_document_link(datasette, value))
    if column == "documents" and isinstance(value, str) and value.startswith("["):
        doc_ids = [item for item in json.loads(value) if isinstance(item, str)]
        return Markup(", ".join(_document_link(datasette, doc_id) for doc_id in doc_ids))
    if column == "line_start" and isinstance(value, int) and "doc_id" in keys:
        end = row["line_end"] if "line_end" in keys else None
        if isinstance(row["doc_id"], str) and table != "source_lines":
            return Markup(_lines_link(datasette, row["doc_id"], value, end))
    return None
