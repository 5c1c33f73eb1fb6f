"""Document metadata: symbol, kind, issuing body, meeting, dates, venue, title.

What the text states wins over a guess from the file name; the catalog wins
over both. Vocabularies (bodies, kinds, venues) are data files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.models import Block, CleanDocument
from pipeline.normalize.dates import DateRange, find_date_ranges
from pipeline.normalize.numerals import chinese_to_int
from pipeline.normalize.symbols import is_symbol, normalize_symbol
from pipeline.records import DocumentRow
from pipeline.vocab import read_lines, read_rows

_WORKING_GROUP = re.compile(r"^CTOC/COP/(?P<code>WG\.\d+)/")
_MEETING = re.compile(
    r"第\s*(?P<n>[0-9０-９]+|[〇零一二三四五六七八九十百两]+)\s*(?P<unit>届|次)\s*会议"
)
# Before a 第 N 次会议 that is a sitting of the meeting, not the meeting itself:
# a date (2016 年 6 月 6 日第 1 次会议) or another sitting (第 1 和第 2 次会议).
# UN Chinese prints the sittings of a meeting with Arabic digits (第 2 次会议) and
# meetings and sessions with Chinese numerals (第九次会议, 第十届会议).
_SITTING_BEFORE = re.compile(r"(?:日|[和及、至]|次)\s*$")
_ARABIC = re.compile(r"^[0-9０-９]+$")
# Before a session of the Conference named in a working group's document.
_CONFERENCE_BEFORE = re.compile(r"缔约方会议[^，,。；]{0,4}$")
_VENUE_AFTER_DATE = re.compile(r"^\s*[，,、]\s*(?P<venue>[^\s，,。；]{2,12})\s*$")
_VENUE_HELD = re.compile(r"(?:在|于)\s*(?P<venue>[^\s，,。；在于]{2,8}?)\s*举行")
_ENGLISH_DATE = re.compile(
    r"^\s*(?P<day>\d{1,2})\s+(?P<month>January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\s+(?P<year>\d{4})\s*$"
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_LANGUAGE_SUFFIX = re.compile(r"\.(?P<lang>[a-z]{2})$")
# The kind of a document whose title names no known kind.
UNKNOWN_KIND = "document"
# How far into a document its front matter (title, date line) may reach.
_FRONT_BLOCKS = 12


@dataclass(frozen=True)
class Body:
    code: str
    symbol_prefix: str
    names: tuple[str, ...]
    name_en: str


@dataclass(frozen=True)
class Kind:
    kind: str
    pattern: re.Pattern[str] | None
    description: str


@functools.cache
def bodies() -> tuple[Body, ...]:
    return tuple(
        Body(row["code"], row["symbol_prefix"], tuple(row["name_zh"].split("|")), row["name_en"])
        for row in read_rows("bodies.csv")
    )


@functools.cache
def kinds() -> tuple[Kind, ...]:
    return tuple(
        Kind(
            row["kind"],
            re.compile(row["title_pattern"]) if row["title_pattern"] else None,
            row["description"],
        )
        for row in read_rows("kinds.csv")
    )


@functools.cache
def known_venues() -> tuple[str, ...]:
    return read_lines("venues.txt")


def symbol_from_file_name(path: Path) -> tuple[str, str | None]:
    """``CTOC_COP_WG.7_2017_5.zh.txt`` → (``CTOC/COP/WG.7/2017/5``, ``zh``)."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    language = None
    if match := _LANGUAGE_SUFFIX.search(stem):
        language = match["lang"]
        stem = stem[: match.start()]
    return stem.replace("_", "/"), language


def describe(
    clean: CleanDocument,
    blocks: list[Block],
    source_file: str,
    catalog: dict[str, str],
) -> DocumentRow:
    """Build the ``documents`` row of one document."""
    source = clean.source
    file_symbol, file_language = symbol_from_file_name(source.path)
    text_symbol = _symbol_in_text(clean)
    if catalog.get("symbol"):
        doc_id, symbol_source = normalize_symbol(catalog["symbol"]), "catalog"
    elif text_symbol:
        doc_id, symbol_source = text_symbol, "text"
    else:
        doc_id, symbol_source = file_symbol, "file_name"
    front = _front_blocks(blocks)
    title, kind = _title_and_kind(front)
    if kind == UNKNOWN_KIND and _has_report_structure(blocks):
        kind = "meeting_report"
    body = _body_for(doc_id)
    if body is not None and body.code == "COP":
        # Working groups' early reports carry a COP symbol; their title names the group.
        body = _group_named_in(front) or body
    meeting_dates, venue = _meeting_dates_and_venue(front, blocks)
    meta = DocumentRow(
        doc_id=doc_id,
        kind=catalog.get("kind") or kind,
        body=catalog.get("body") or (body.code if body else None),
        body_name=_body_name(body, blocks),
        meeting_number=_meeting_number(blocks, front, meeting_dates, body),
        date_start=meeting_dates.start if meeting_dates else None,
        date_end=meeting_dates.end if meeting_dates else None,
        venue=venue,
        language=catalog.get("language") or file_language or "zh",
        title=catalog.get("title") or title,
        source_file=source_file,
        source_sha256=source.sha256,
        source_format=source.source_format,
        distribution_date=_distribution_date(clean, catalog),
        page_count=source.page_count,
        line_count=len(source.lines),
        symbol_source=symbol_source,
    )
    if catalog.get("meeting_number"):
        meta.meeting_number = int(catalog["meeting_number"])
    if catalog.get("venue"):
        meta.venue = catalog["venue"]
    return meta


def _symbol_in_text(clean: CleanDocument) -> str | None:
    """The document's own symbol: a lone symbol line of the masthead or header."""
    for removed in clean.removed:
        if removed.reason in ("page header", "masthead"):
            candidate = normalize_symbol(removed.text.strip())
            if is_symbol(candidate):
                return candidate
    for line in clean.source.lines[:15]:
        candidate = normalize_symbol(line.text.strip())
        if candidate and " " not in line.text.strip() and is_symbol(candidate):
            return candidate
    return None


def _front_blocks(blocks: list[Block]) -> list[Block]:
    front: list[Block] = []
    for block in blocks[:_FRONT_BLOCKS]:
        # A title page has no labelled blocks: a numbered one (even where the
        # layout made it look like a heading) is the text.
        if block.kind in ("paragraph", "chapter", "section") or block.label:
            break
        front.append(block)
    return front


def _title_and_kind(front: list[Block]) -> tuple[str | None, str]:
    headings = [b for b in front if b.kind == "heading"]
    for kind in kinds():
        if kind.pattern is None:
            continue
        for block in headings:
            if kind.pattern.search(block.text):
                return block.text, kind.kind
    return (headings[0].text if headings else None), UNKNOWN_KIND


@functools.cache
def _report_chapters() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(line) for line in read_lines("meeting_report_chapters.txt"))


# How many chapters of a meeting report's kind make a text without a title page one.
_REPORT_CHAPTERS_NEEDED = 2


def _has_report_structure(blocks: list[Block]) -> bool:
    """A report whose title page is missing: it has the chapters of a meeting report
    (决议和决定, 会议安排, 出席情况, 通过报告 …)."""
    found = {
        pattern.pattern
        for block in blocks
        if block.kind == "chapter"
        for pattern in _report_chapters()
        if pattern.search(re.sub(r"\s+", "", block.text))
    }
    return len(found) >= _REPORT_CHAPTERS_NEEDED


def _group_named_in(front: list[Block]) -> Body | None:
    """A working group named in the title headings (the longest name wins)."""
    named = [
        (len(name), body)
        for body in bodies()
        if body.code != "COP"
        for name in body.names
        for block in front
        if block.kind == "heading" and name in block.text
    ]
    return max(named, key=lambda pair: pair[0])[1] if named else None


def _body_for(doc_id: str) -> Body | None:
    """The issuing body by the symbol's series; a working group missing from
    bodies.csv still gets its code from the symbol (``…/WG.9/…`` → WG.9)."""
    if (match := _WORKING_GROUP.match(doc_id)) and not any(
        b.code == match["code"] for b in bodies()
    ):
        return Body(match["code"], match[0].rstrip("/"), (), "")
    matching = [b for b in bodies() if doc_id.startswith(b.symbol_prefix + "/")]
    return max(matching, key=lambda b: len(b.symbol_prefix)) if matching else None


def _body_name(body: Body | None, blocks: list[Block]) -> str | None:
    if body is None:
        return None
    for block in blocks:
        for name in body.names:
            if name in block.text:
                return name
    return None


def _meeting_dates_and_venue(
    front: list[Block], blocks: list[Block]
) -> tuple[DateRange | None, str | None]:
    """The meeting's dates: the date line or title of the front matter that names
    a venue (a lone date there is the distribution date), else the first date
    range said to be when a meeting was held (举行), else the front's first date."""
    dated: list[tuple[DateRange, str | None]] = []
    for block in front:
        ranges = find_date_ranges(block.text)
        if ranges:
            first = ranges[0]
            after = block.text[first.span[1] :]
            venue_match = _VENUE_AFTER_DATE.match(after) or _VENUE_HELD.search(block.text)
            venue = _venue(venue_match["venue"]) if venue_match else _known_venue_in(block.text)
            if venue:
                return first, venue
            dated.append((first, venue))
    for block in blocks:
        for found in find_date_ranges(block.text):
            tail = block.text[found.span[1] : found.span[1] + 30]
            if held := _VENUE_HELD.search(tail):
                return found, _venue(held["venue"])
    return dated[0] if dated else (None, None)


def _venue(printed: str) -> str:
    """A known venue that opens the words before 举行 (在维也纳以混合形式举行)."""
    return next((venue for venue in known_venues() if printed.startswith(venue)), printed)


def _known_venue_in(text: str) -> str | None:
    return next((venue for venue in known_venues() if venue in text), None)


def _meeting_numbers(text: str, body: Body | None) -> list[int]:
    """Numbers of meetings of ``body`` named in ``text``: a session (届) of the
    Conference; a meeting (次, or 届 as some print it) of a working group, not a
    session of the Conference (缔约方会议第八届会议); never a sitting held during
    either (第 1 和第 2 次会议, 6 月 6 日第 3 次会议)."""
    conference = body is not None and body.code == "COP"
    numbers = []
    for match in _MEETING.finditer(text):
        before = text[: match.start()]
        if conference and match["unit"] == "次":
            continue
        if body is not None and not conference and _CONFERENCE_BEFORE.search(before):
            continue
        if match["unit"] == "次" and (_SITTING_BEFORE.search(before) or _ARABIC.match(match["n"])):
            continue
        if number := chinese_to_int(match["n"]):
            numbers.append(number)
    return numbers


def _meeting_number(
    blocks: list[Block], front: list[Block], dates: DateRange | None, body: Body | None
) -> int | None:
    """The number of the meeting the document serves: the one stated with the
    meeting's own dates, else the one its title page names, else the highest
    named (a document recalls earlier meetings, not later ones)."""
    named: list[int] = []
    for block in blocks:
        for sentence in re.split(r"(?<=[。；])", block.text):
            numbers = _meeting_numbers(sentence, body)
            if not numbers:
                continue
            named.extend(numbers)
            if dates and any(found.start == dates.start for found in find_date_ranges(sentence)):
                return numbers[0]
    for block in front:
        if numbers := _meeting_numbers(block.text, body):
            return numbers[0]
    return max(named) if named else None


def _distribution_date(clean: CleanDocument, catalog: dict[str, str]) -> date | None:
    if catalog.get("distribution_date"):
        return date.fromisoformat(catalog["distribution_date"])
    for removed in clean.removed:
        if removed.reason == "masthead" and (match := _ENGLISH_DATE.match(removed.text)):
            month = _MONTHS.index(match["month"]) + 1
            return date(int(match["year"]), month, int(match["day"]))
    return None
