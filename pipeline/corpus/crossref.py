"""Checks across documents: index citations, adopted against provisional agendas,
speakers against attendance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pipeline.document.checks.common import (
    ATTENDING_ROLES,
    Row,
    Tables,
    _finding,
    _in_order,
    _int,
    _item_order,
    _leading_number,
    _meeting_key,
    _participant_key,
    _same_meeting,
    _title_key,
)
from pipeline.models import Finding


def check_cross_references(tables: Tables) -> list[Finding]:
    """Index citations, adopted against provisional agendas, speakers against
    attendance."""
    return [
        *_unresolved_index_entries(tables),
        *_adopted_against_provisional(tables),
        *_speakers_against_attendance(tables),
    ]


def _unresolved_index_entries(tables: Tables) -> list[Finding]:
    """An index entry citing a report whose recommendations are in the corpus
    must name one of them (``rec_id``)."""
    recommendations = tables.get("recommendations", [])
    rec_ids = {row.get("rec_id") for row in recommendations}
    by_report: dict[str, dict[int, str]] = defaultdict(dict)
    for row in recommendations:
        for key in (row.get("paragraph_number"), row.get("number")):
            if isinstance(key, int):
                by_report[row.get("doc_id") or ""].setdefault(key, row.get("rec_id") or "")
    findings: list[Finding] = []
    for entry in tables.get("index_entries", []):
        report = entry.get("report_symbol") or ""
        rec_id = entry.get("rec_id")
        line = entry.get("line_start")
        ref = entry.get("report_ref")
        if rec_id is not None and rec_id not in rec_ids:
            findings.append(
                _finding(
                    "index_unresolved",
                    entry.get("doc_id"),
                    f"index entry {report} paragraph {ref} names {rec_id}, which is no"
                    " recommendation of the corpus",
                    line=line,
                    evidence=f"{entry.get('topic')} | {report} | {ref}",
                )
            )
        elif rec_id is None and report in by_report:
            number = _leading_number(ref)
            candidate = by_report[report].get(number) if number is not None else None
            hint = (
                f"; {candidate} has that number, so the entry was not linked"
                if candidate
                else "; no recommendation of that report has that number"
            )
            findings.append(
                _finding(
                    "index_unresolved",
                    entry.get("doc_id"),
                    f"index entry cites {report} paragraph {ref}, whose recommendations are"
                    f" in the corpus, but names none of them{hint}",
                    line=line,
                    evidence=f"{entry.get('topic')} | {report} | {ref}",
                )
            )
    return findings


def _adopted_against_provisional(tables: Tables) -> Iterator[Finding]:
    """The agenda a report adopted against the provisional agenda of the same
    meeting: items added, dropped or reworded (a finding at a time: a meeting
    with many reports and agendas has many)."""
    documents = {row.get("doc_id"): row for row in tables.get("documents", [])}
    agendas: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for row in tables.get("agenda_items", []):
        if isinstance(row.get("item"), str):
            key = (row.get("doc_id") or "", row.get("agenda") or "")
            agendas[key].setdefault(row["item"], row)
    ordered = sorted(agendas.items())
    # Only a meeting's own provisional agendas are compared: looked up by its
    # key, not found among every agenda of the corpus for each report.
    provisional_of: dict[tuple[Any, ...], list[tuple[str, dict[str, Row]]]] = defaultdict(list)
    for (other_id, other_agenda), provisional in ordered:
        if other_agenda == "provisional" and other_id in documents:
            provisional_of[_meeting_key(documents[other_id])].append((other_id, provisional))
    for (doc_id, agenda), adopted in ordered:
        if agenda != "adopted" or doc_id not in documents:
            continue
        for other_id, provisional in provisional_of.get(_meeting_key(documents[doc_id]), ()):
            if other_id == doc_id or not _same_meeting(documents[doc_id], documents[other_id]):
                continue
            yield from _compare_agendas(doc_id, adopted, other_id, provisional)


def _compare_agendas(
    doc_id: str, adopted: dict[str, Row], other_id: str, provisional: dict[str, Row]
) -> list[Finding]:
    findings: list[Finding] = []
    first_line = min(_int(row.get("line_start")) for row in adopted.values())
    for item in sorted(set(adopted) | set(provisional), key=_item_order):
        mine, theirs = adopted.get(item), provisional.get(item)
        if mine is not None and theirs is not None:
            if _title_key(mine.get("title")) == _title_key(theirs.get("title")):
                continue
            message = f"agenda item {item} is worded differently from the provisional agenda"
        elif mine is not None:
            message = f"the adopted agenda adds item {item}, absent from the provisional agenda"
        else:
            message = f"the adopted agenda drops item {item} of the provisional agenda"
        where_mine = f"line {mine.get('line_start')}" if mine else "not listed"
        where_theirs = f"line {theirs.get('line_start')}" if theirs else "not listed"
        findings.append(
            _finding(
                "agenda_vs_provisional",
                doc_id,
                f"{message} ({other_id})",
                line=mine.get("line_start") if mine else first_line,
                where=f"adopted agenda {where_mine}; {other_id} {where_theirs}",
                evidence=(
                    f"adopted: {mine.get('title') if mine else '—'}"
                    f" | provisional: {theirs.get('title') if theirs else '—'}"
                ),
            )
        )
    return findings


def _speakers_against_attendance(tables: Tables) -> list[Finding]:
    """A State that spoke at a meeting must be in that meeting's attendance
    (delegations and observers), where the corpus has an attendance list."""
    documents = tables.get("documents", [])
    meeting_of = {row.get("doc_id"): _meeting_key(row) for row in documents}
    attendance: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    speakers: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in tables.get("participants", []):
        if row.get("entity_type") != "state":
            continue
        meeting = meeting_of.get(row.get("doc_id"), ("document", row.get("doc_id")))
        if row.get("role") in ATTENDING_ROLES:
            attendance[meeting].add(_participant_key(row))
            attendance[meeting].add(_title_key(row.get("name")))
        elif row.get("role") == "speaker":
            speakers[(row.get("doc_id") or "", _participant_key(row))].append(row)
    findings: list[Finding] = []
    for (doc_id, key), rows in sorted(speakers.items()):
        meeting = meeting_of.get(doc_id, ("document", doc_id))
        present = attendance.get(meeting)
        if not present or key in present or _title_key(rows[0].get("name")) in present:
            continue
        rows = _in_order(rows)
        lines = ", ".join(str(row.get("line_start")) for row in rows)
        findings.append(
            _finding(
                "speaker_not_attending",
                doc_id,
                f"{rows[0].get('name')} spoke (lines {lines}) but is not in the attendance"
                " list of the meeting",
                line=rows[0].get("line_start"),
                evidence=str(rows[0].get("name")),
            )
        )
    return findings
