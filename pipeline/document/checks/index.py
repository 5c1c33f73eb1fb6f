"""The thematic index against itself: a regular step from paragraph to location."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from pipeline.document.checks.common import (
    _MIN_PATTERN,
    _PATTERN_SHARE,
    Row,
    Tables,
    _finding,
    _int,
    _text,
)
from pipeline.models import Finding
from pipeline.normalize.numerals import (
    int_to_chinese,
    roman_to_int,
)


@dataclass(frozen=True, slots=True)
class _Located:
    """One index entry, its paragraph and location split into number and rest."""

    entry: Row
    paragraph: int
    rest: tuple[str, ...]
    chapter: tuple[str, ...]
    number: int
    location_rest: tuple[str, ...]

    @property
    def step(self) -> tuple[tuple[str, ...], int]:
        return self.chapter, self.paragraph - self.number


def _split_location(ref: str) -> tuple[tuple[str, ...], int, tuple[str, ...]] | None:
    """``V.2.e`` → (("V",), 2, ("e",)); None without a paragraph number."""
    parts = ref.split(".")
    for position, part in enumerate(parts):
        if part.isdigit():
            return tuple(parts[:position]), int(part), tuple(parts[position + 1 :])
    return None


def check_index(tables: Tables) -> list[Finding]:
    """Within one index and one cited report, the step from paragraph number to
    location number is regular, and each paragraph has one location."""
    texts = _TextAt(tables.get("paragraphs", []))
    groups: dict[tuple[str, str], list[_Located]] = defaultdict(list)
    for entry in tables.get("index_entries", []):
        paragraph = _split_location(_text(entry.get("report_ref")))
        location = _split_location(_text(entry.get("location")))
        if paragraph is None or location is None or paragraph[0]:
            continue
        key = (entry.get("doc_id") or "", entry.get("report_symbol") or "")
        groups[key].append(
            _Located(entry, paragraph[1], paragraph[2], location[0], location[1], location[2])
        )
    findings: list[Finding] = []
    for (doc_id, report), located in sorted(groups.items()):
        findings += _index_group_findings(doc_id, report, located, texts)
    return findings


def _index_group_findings(
    doc_id: str, report: str, located: list[_Located], texts: _TextAt
) -> list[Finding]:
    """The entries of one index citing one report: those off the report's
    dominant step, then paragraphs at several locations that no step explains."""
    by_ref: dict[str, dict[str, list[_Located]]] = defaultdict(lambda: defaultdict(list))
    for item in located:
        by_ref[item.entry["report_ref"]][item.entry["location"]].append(item)
    # Distinct (paragraph, location) pairs vote once each, however often cited.
    pairs = {(item.entry["report_ref"], item.entry["location"]): item for item in located}
    votes = Counter(item.step for item in pairs.values() if item.rest == item.location_rest)
    findings: list[Finding] = []
    flagged: set[str] = set()
    if votes:
        (chapter, offset), count = max(votes.items(), key=lambda vote: (vote[1], vote[0]))
        regular = count >= _MIN_PATTERN and count >= _PATTERN_SHARE * len(pairs)
        if regular:
            for item in sorted(
                located, key=lambda i: (_int(i.entry.get("line_start")), i.paragraph)
            ):
                if item.step == (chapter, offset) and item.rest == item.location_rest:
                    continue
                flagged.add(item.entry["report_ref"])
                expected = ".".join((*chapter, str(item.paragraph - offset), *item.rest))
                others = {
                    location: members
                    for location, members in by_ref[item.entry["report_ref"]].items()
                    if location != item.entry["location"]
                }
                findings.append(
                    _location_finding(
                        doc_id, report, item, expected, (offset, count, len(pairs)), others, texts
                    )
                )
    for ref, locations in sorted(by_ref.items()):
        if len(locations) < 2 or ref in flagged:
            continue
        first = min(
            (item for members in locations.values() for item in members),
            key=lambda i: _int(i.entry.get("line_start")),
        )
        listed = "; ".join(
            f"{location} (lines {_lines_of(members)})"
            for location, members in sorted(locations.items())
        )
        findings.append(
            _finding(
                "index_location_conflict",
                doc_id,
                f"{report} paragraph {ref} is located at {len(locations)} places: {listed}",
                line=first.entry.get("line_start"),
                where=f"line {first.entry.get('line_start')}, {report} paragraph {ref}",
                evidence=texts.at(doc_id, first.entry.get("line_start")),
            )
        )
    return findings


def _location_finding(
    doc_id: str,
    report: str,
    item: _Located,
    expected: str,
    vote: tuple[int, int, int],
    others: dict[str, list[_Located]],
    texts: _TextAt,
) -> Finding:
    offset, count, total = vote
    entry = item.entry
    line = entry.get("line_start")
    elsewhere = (
        "; elsewhere the index locates it at "
        + ", ".join(
            f"{location} (lines {_lines_of(members)})"
            for location, members in sorted(others.items())
        )
        if others
        else ""
    )
    step = f"paragraph - {offset}" if offset >= 0 else f"paragraph + {-offset}"
    return _finding(
        "index_location",
        doc_id,
        f"{report} paragraph {entry['report_ref']} is located at {entry.get('location_raw')}"
        f" ({entry['location']}); the step of that report's other paragraphs (location ="
        f" {step}, {count} of {total}) gives {_printed_location(expected)} ({expected})"
        + elsewhere,
        line=line,
        where=f"line {line}, {report} paragraph {entry['report_ref']}",
        evidence=texts.at(doc_id, line),
    )


def _lines_of(members: list[_Located]) -> str:
    return ", ".join(str(line) for line in sorted({m.entry.get("line_start") for m in members}))


def _printed_location(canonical: str) -> str:
    """``I.38`` as the Chinese compilation prints it: ``一.38``."""
    head, _, rest = canonical.partition(".")
    value = roman_to_int(head) if head.isupper() else None
    if value is None:
        return canonical
    return int_to_chinese(value) + ("." + rest if rest else "")


class _TextAt:
    """The printed text of the block at a line of a document (the evidence)."""

    def __init__(self, paragraphs: list[Row]) -> None:
        self._blocks: dict[tuple[str, int], str] = {}
        for row in paragraphs:
            start, end = row.get("line_start"), row.get("line_end")
            if isinstance(start, int):
                for line in range(start, (end if isinstance(end, int) else start) + 1):
                    self._blocks.setdefault((row.get("doc_id") or "", line), row.get("text") or "")

    def at(self, doc_id: str, line: Any) -> str:
        return self._blocks.get((doc_id, line), "") if isinstance(line, int) else ""
