"""Meetings of the bodies, from the documents that serve them.

A meeting (a session of the Conference, a meeting of a working group) has no
document of its own: its provisional agenda, its report, the background papers
and indexes prepared for it each state the body and, usually, the meeting
number and dates. The rules, applied to the rows of the ``documents`` table:

* Documents of one body with the same meeting number serve one meeting. Its
  ``meeting_id`` is ``<body>/<number>``: ``WG.7/4``, ``COP/6``.
* A document of a body that states dates but no number serves the meeting of
  that body with the same first day, if a numbered one has it; else a meeting
  of its own, ``<body>/<year>`` (``WG.7/2019``).
* A document that states neither body nor meeting, but is listed under an item
  of a provisional agenda (``agenda_items.documents``), serves that agenda's
  meeting: a background paper prepared for it.
* Otherwise the document serves no meeting (``meeting_id`` null).

A meeting's body name, dates and venue come from its report first, then its
provisional agenda, then its other documents in symbol order; documents that
disagree on them give a ``meeting_conflict`` warning naming both values.

:func:`meetings_of` is a pure function of the rows (dicts, as from
``pyarrow.Table.to_pylist()``), so it serves whatever assembles the tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from pipeline.models import Finding

Row = Mapping[str, Any]

# Whose word counts first for a meeting's facts: what was held is in the report.
_KIND_PRECEDENCE = ("meeting_report", "provisional_agenda")
_FACTS = ("body_name", "date_start", "date_end", "venue")
# Facts whose disagreement is worth a warning (body names vary in wording).
_CHECKED = ("date_start", "date_end", "venue")


def meeting_id(body: str, number: int | None, year: int | None) -> str | None:
    """``<body>/<number>``, else ``<body>/<year>``; None with neither."""
    if number is not None:
        return f"{body}/{number}"
    if year is not None:
        return f"{body}/{year}"
    return None


def meetings_of(
    documents: Iterable[Row] | pa.Table, agenda_items: Iterable[Row] | pa.Table = ()
) -> tuple[list[dict[str, Any]], dict[str, str | None], list[Finding]]:
    """(meetings rows, doc_id → meeting_id for every document, findings).

    Takes the rows of ``documents`` and ``agenda_items`` (dicts, or Arrow tables)."""
    if isinstance(documents, pa.Table):
        documents = documents.to_pylist()
    if isinstance(agenda_items, pa.Table):
        agenda_items = agenda_items.to_pylist()
    documents = sorted(documents, key=lambda row: str(row.get("doc_id") or ""))
    assigned: dict[str, str | None] = {}
    first_days: dict[tuple[str, str], str] = {}
    for doc in documents:
        if doc.get("body") and doc.get("meeting_number") is not None:
            key = meeting_id(doc["body"], int(doc["meeting_number"]), None)
            assigned[doc["doc_id"]] = key
            if doc.get("date_start") is not None:
                first_days.setdefault((doc["body"], str(doc["date_start"])), key)  # type: ignore[arg-type]
    for doc in documents:
        if doc["doc_id"] in assigned:
            continue
        assigned[doc["doc_id"]] = _unnumbered_meeting(doc, first_days)
    _background_papers(documents, agenda_items, assigned)
    members: dict[str, list[Row]] = defaultdict(list)
    for doc in documents:
        key = assigned[doc["doc_id"]]
        if key is not None:
            members[key].append(doc)
    findings: list[Finding] = []
    rows = [_meeting_row(key, docs, findings) for key, docs in members.items()]
    rows.sort(key=lambda row: (row["body"], str(row["date_start"] or ""), row["meeting_id"]))
    return rows, assigned, findings


def _unnumbered_meeting(doc: Row, first_days: dict[tuple[str, str], str]) -> str | None:
    body, start = doc.get("body"), doc.get("date_start")
    if not body or start is None:
        return None
    numbered = first_days.get((body, str(start)))
    if numbered is not None:
        return numbered
    return meeting_id(body, None, int(str(start)[:4]))


def _background_papers(
    documents: list[Row], agenda_items: Iterable[Row], assigned: dict[str, str | None]
) -> None:
    """Documents of no stated meeting, listed under a provisional agenda's item."""
    listed_for: dict[str, str] = {}
    for item in agenda_items:
        if item.get("agenda") != "provisional":
            continue
        meeting = assigned.get(item.get("doc_id") or "")
        for symbol in item.get("documents") or ():
            if meeting is not None:
                listed_for.setdefault(symbol, meeting)
    for doc in documents:
        if assigned[doc["doc_id"]] is None and doc["doc_id"] in listed_for:
            assigned[doc["doc_id"]] = listed_for[doc["doc_id"]]


def _precedence(doc: Row) -> tuple[int, str]:
    kind = doc.get("kind")
    rank = _KIND_PRECEDENCE.index(kind) if kind in _KIND_PRECEDENCE else len(_KIND_PRECEDENCE)
    return rank, str(doc.get("doc_id"))


def _meeting_row(key: str, docs: list[Row], findings: list[Finding]) -> dict[str, Any]:
    ranked = sorted(docs, key=_precedence)
    row: dict[str, Any] = {
        "meeting_id": key,
        "body": ranked[0]["body"],
        "meeting_number": next(
            (d["meeting_number"] for d in ranked if d.get("meeting_number") is not None), None
        ),
        "documents": sorted(str(d["doc_id"]) for d in docs),
    }
    for fact in _FACTS:
        stated = [(d, d.get(fact)) for d in ranked if d.get(fact) is not None]
        row[fact] = stated[0][1] if stated else None
        for doc, value in stated[1:]:
            if fact in _CHECKED and str(value) != str(row[fact]):
                findings.append(_conflict(key, fact, stated[0][0], doc, value))
    return row


def _conflict(key: str, fact: str, first: Row, other: Row, value: Any) -> Finding:
    return Finding(
        check="meeting_conflict",
        severity="warning",
        doc_id=other.get("doc_id"),
        message=(
            f"meeting {key}: {other.get('doc_id')} gives {fact} {value}, "
            f"{first.get('doc_id')} gives {first.get(fact)}; the latter is kept"
        ),
        where=f"documents {first.get('doc_id')}, {other.get('doc_id')}",
        evidence=f"{value} | {first.get(fact)}",
    )
