"""Numbers that run 1, 2, 3 … (a, b, c …; i, ii, iii …) without gaps or repeats."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.document.checks.common import (
    Row,
    Tables,
    _by_doc,
    _finding,
    _in_order,
    _int,
    _is_int,
    _text,
)
from pipeline.models import Finding
from pipeline.normalize.numerals import (
    int_to_roman,
    letter_for,
    letter_value,
    roman_to_int,
)


@dataclass(frozen=True, slots=True)
class _Numbered:
    value: int
    printed: str
    row: Row


def check_sequences(tables: Tables) -> list[Finding]:
    """Numbered paragraphs, footnotes, recommendations, operative paragraphs (per
    instrument) and agenda items (per agenda) run without gaps or repeats."""
    findings: list[Finding] = []
    paragraphs = [
        row
        for row in tables.get("paragraphs", [])
        if row.get("kind") == "paragraph" and _is_int(row.get("number"))
    ]
    for doc_id, rows in sorted(_by_doc(paragraphs).items()):
        findings += _sequence_findings("paragraph_sequence", "paragraph", doc_id, rows)
    findings += _stray_items(tables.get("paragraphs", []))
    footnotes = [row for row in tables.get("footnotes", []) if _is_int(row.get("number"))]
    for doc_id, rows in sorted(_by_doc(footnotes).items()):
        findings += _sequence_findings("footnote_sequence", "footnote", doc_id, rows)
    # Numbers of the wrong type are the schema check's to report, not counted here.
    recommendations = [
        row for row in tables.get("recommendations", []) if _is_int(row.get("number"))
    ]
    for doc_id, rows in sorted(_by_doc(recommendations).items()):
        findings += _sequence_findings("recommendation_sequence", "recommendation", doc_id, rows)
    findings += _operative_sequences(tables.get("resolution_paragraphs", []))
    findings += _agenda_sequences(tables.get("agenda_items", []))
    return findings


_LEADING_NUMBER = re.compile(r"^\s*(\d+)")


def _stray_items(paragraphs: list[Row]) -> list[Finding]:
    """Numbered blocks the segmenter left out of the paragraph sequence that
    continue no nested list either (``4.`` after paragraph 2, with no item 3):
    the segmenter absorbs a lone skipped number this way, so it is checked here."""
    findings: list[Finding] = []
    for doc_id, rows in sorted(_by_doc(paragraphs).items()):
        paragraph: int | None = None
        item: int | None = None
        for row in sorted(rows, key=lambda r: _int(r.get("seq"))):
            if row.get("kind") == "paragraph" and row.get("number") is not None:
                paragraph = row["number"]
                continue
            match = _LEADING_NUMBER.match(row.get("label") or "")
            if row.get("kind") != "item" or match is None:
                continue
            number = int(match.group(1))
            if number != 1 and item != number - 1:
                after = f"paragraph {paragraph}" if paragraph is not None else "the start"
                findings.append(
                    _finding(
                        "paragraph_sequence",
                        doc_id,
                        f"block labelled {row['label']} follows {after} but continues neither"
                        " the paragraph numbers nor a numbered list: a number is missing or"
                        " misprinted",
                        line=row.get("line_start"),
                        evidence=str(row.get("text") or "")[:120],
                    )
                )
            item = number
    return findings


def _sequence_findings(
    check: str, what: str, doc_id: str, rows: list[Row], scope: str = ""
) -> list[Finding]:
    numbered = [_Numbered(row["number"], str(row["number"]), row) for row in _in_order(rows)]
    return _run_findings(check, what, doc_id, numbered, str, scope)


def _run_findings(
    check: str,
    what: str,
    doc_id: str,
    entries: Sequence[_Numbered],
    label: Callable[[int], str],
    scope: str = "",
) -> list[Finding]:
    """A finding wherever ``entries`` (in document order) do not go on 1, 2, 3 …;
    it names the numbers on either side of the gap or repeat."""
    findings: list[Finding] = []
    previous: _Numbered | None = None
    for entry in entries:
        expected = previous.value + 1 if previous else 1
        if entry.value != expected:
            before = previous.printed if previous else "the start"
            kind = "repeated" if previous and entry.value <= previous.value else "gap"
            line = entry.row.get("line_start")
            findings.append(
                _finding(
                    check,
                    doc_id,
                    f"{scope}{what} numbers {kind}: {before} is followed by {entry.printed}"
                    f" (expected {_safe_label(label, expected)})",
                    line=line,
                    evidence=str(entry.row.get("text") or entry.row.get("title") or "")[:120],
                )
            )
        previous = entry
    return findings


def _safe_label(label: Callable[[int], str], value: int) -> str:
    try:
        return label(value)
    except ValueError:
        return str(value)


def _operative_sequences(rows: list[Row]) -> list[Finding]:
    """Operative paragraphs 1, 2, 3 (or a, b, c in a decision) per instrument, and
    their sub-paragraphs a, b, c and i, ii, iii per parent."""
    findings: list[Finding] = []
    instruments: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        ref = _text(row.get("ref"))
        if row.get("part") == "operative" and ref.startswith("op."):
            key = (row.get("doc_id") or "", row.get("instrument"), row.get("instrument_number"))
            instruments[key].append(row)
    for (doc_id, instrument, number), members in sorted(instruments.items(), key=str):
        children: dict[tuple[str, ...], list[_Numbered]] = defaultdict(list)
        labels: dict[tuple[str, ...], Callable[[int], str]] = {}
        for row in _in_order(members):
            parts = tuple(row["ref"].split(".")[1:])
            parent, leaf = parts[:-1], parts[-1]
            value, label = _level_value(parent, leaf)
            if value is None:
                continue
            children[parent].append(_Numbered(value, leaf, row))
            labels[parent] = label
        for parent, entries in sorted(children.items()):
            under = f" under op.{'.'.join(parent)}" if parent else ""
            findings += _run_findings(
                "operative_sequence",
                "operative paragraph",
                doc_id,
                entries,
                labels[parent],
                f"{instrument} {number}{under}: ",
            )
    return findings


def _level_value(parent: tuple[str, ...], leaf: str) -> tuple[int | None, Callable[[int], str]]:
    """The value of one part of an operative path: 9, (a) or ㈠ (``i``)."""
    if leaf.isdigit():
        return int(leaf), str
    if parent and parent[-1].isalpha():
        # Under a lettered sub-paragraph the parts are Roman: op.9.a.ii.
        return roman_to_int(leaf), functools.partial(int_to_roman, lower=True)
    if len(leaf) == 1 and leaf.isalpha():
        return letter_value(leaf), letter_for
    return None, str


def _agenda_sequences(rows: list[Row]) -> list[Finding]:
    """Items 1, 2, 3 per agenda of a document, and sub-items a, b, c per item."""
    findings: list[Finding] = []
    agendas: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if _is_int(row.get("number")):
            agendas[(row.get("doc_id") or "", row.get("agenda") or "")].append(row)
    for (doc_id, agenda), members in sorted(agendas.items()):
        ordered = sorted(
            members, key=lambda row: (_int(row.get("seq")), _int(row.get("line_start")))
        )
        items = [_Numbered(r["number"], str(r["number"]), r) for r in ordered if not r.get("sub")]
        findings += _run_findings(
            "agenda_sequence", "agenda item", doc_id, items, str, f"{agenda} agenda: "
        )
        subs: dict[int, list[_Numbered]] = defaultdict(list)
        for row in ordered:
            sub = _text(row.get("sub"))
            if len(sub) == 1 and sub.isalpha():
                subs[row["number"]].append(_Numbered(letter_value(sub), sub, row))
        for number, entries in sorted(subs.items()):
            findings += _run_findings(
                "agenda_sequence",
                "sub-item",
                doc_id,
                entries,
                letter_for,
                f"{agenda} agenda, item {number}: ",
            )
    return findings
