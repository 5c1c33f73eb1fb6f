"""Tests for pipeline.corpus.meetings: meetings from the documents that serve them."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from pipeline.corpus.meetings import meeting_id, meetings_of


def document(doc_id: str, kind: str, body: str | None, number: int | None, start=None, **rest):
    return {"doc_id": doc_id, "kind": kind, "body": body, "meeting_number": number,
            "body_name": rest.get("body_name"), "date_start": start,
            "date_end": rest.get("date_end"), "venue": rest.get("venue")}  # fmt: skip


AGENDA = document(
    "X/WG.9/2031/1", "provisional_agenda", "WG.9", 3, date(2031, 5, 6), venue="维也纳"
)
REPORT = document("X/WG.9/2031/5", "meeting_report", "WG.9", 3, date(2031, 5, 6), venue="纽约")
INDEX = document("X/WG.9/2032/4", "recommendation_index", "WG.9", None, date(2032, 6, 1))
PAPER = document("X/WG.9/2031/2", "background_paper", None, None)


def test_meeting_ids_name_body_and_number_or_year():
    assert meeting_id("WG.7", 4, 2017) == "WG.7/4"
    assert meeting_id("WG.7", None, 2019) == "WG.7/2019"
    assert meeting_id("WG.7", None, None) is None


def test_documents_of_one_numbered_meeting_share_it_and_the_report_wins():
    agenda_items = [
        {"doc_id": AGENDA["doc_id"], "agenda": "provisional", "documents": [PAPER["doc_id"]]}
    ]
    rows, assigned, findings = meetings_of([REPORT, INDEX, PAPER, AGENDA], agenda_items)
    assert rows == [
        {"meeting_id": "WG.9/3", "body": "WG.9", "meeting_number": 3,
         "documents": ["X/WG.9/2031/1", "X/WG.9/2031/2", "X/WG.9/2031/5"],
         "body_name": None, "date_start": date(2031, 5, 6), "date_end": None, "venue": "纽约"},
        {"meeting_id": "WG.9/2032", "body": "WG.9", "meeting_number": None,
         "documents": ["X/WG.9/2032/4"], "body_name": None, "date_start": date(2032, 6, 1),
         "date_end": None, "venue": None},
    ]  # fmt: skip
    assert assigned == {
        "X/WG.9/2031/1": "WG.9/3",
        "X/WG.9/2031/2": "WG.9/3",
        "X/WG.9/2031/5": "WG.9/3",
        "X/WG.9/2032/4": "WG.9/2032",
    }
    assert [(f.check, f.severity, f.doc_id) for f in findings] == [
        ("meeting_conflict", "warning", "X/WG.9/2031/1")
    ]
    assert "venue 维也纳" in findings[0].message


def test_an_unnumbered_document_joins_the_numbered_meeting_of_its_first_day():
    unnumbered = document(
        "X/WG.9/2031/CRP.1", "conference_room_paper", "WG.9", None, date(2031, 5, 6)
    )
    _, assigned, _ = meetings_of(pa.Table.from_pylist([AGENDA, unnumbered]))
    assert assigned == {"X/WG.9/2031/1": "WG.9/3", "X/WG.9/2031/CRP.1": "WG.9/3"}


def test_a_document_of_no_meeting_has_none():
    rows, assigned, findings = meetings_of([PAPER])
    assert (rows, assigned, findings) == ([], {"X/WG.9/2031/2": None}, [])
