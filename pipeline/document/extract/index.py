"""The thematic index of recommendations: one row per cited paragraph.

An index document holds a table whose header names a topic column, a report
column (the symbol of a meeting report), a paragraphs column (the report's
paragraphs: ``7(d) 和 8(e) 及 (f)``) and a location column (where each of
them sits in a compilation of recommendations: ``五.1.d、五.2.e 和 V.2.f``).
Columns are found from the header rows' words (``pipeline/data/index_columns.csv``),
not from their positions. A table without a paragraphs column cites places in
the reports themselves (``出处（章.段/分段）``: ``一.10.f`` is paragraph 10 (f) of
chapter I): the cited paragraph is the location below its chapter, and a range
keeps its printed form in ``location_raw`` (``一.2-8`` for each of its rows).

Topic cells are printed once per topic; the rows under it leave the cell
empty. Page breaks repeat the header rows, and around them the layout is
ambiguous: a row at the top of a page may continue the topic of the previous
page, a topic cell may be split over the break, and a row at the bottom of a
page may belong to the topic that starts on the next one. The reports inside a
topic run in chronological order, so a row whose report is not later than the
previous row's cannot continue that topic. Every row records how its topic was
decided in ``topic_basis``:

* ``printed``: the row prints its topic;
* ``continued``: empty cell, same page as the previous row of the topic;
* ``continued_across_page``: empty cell at the top of a page, continuing the
  topic of the previous page;
* ``joined_across_page``: the topic cell was split over a page break and its
  two parts were joined;
* ``moved_to_next_topic_by_report_order``: empty cell at the bottom of a page
  whose report cannot continue the topic above, so it belongs to the topic that
  starts on the next page;
* ``moved_to_next_topic``: empty cell before any topic, given to the first topic.

Every decision taken across a page is reported as a warning.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline.document.clean import drop_cjk_spaces
from pipeline.document.extract import DocContext
from pipeline.models import Block, Finding
from pipeline.normalize.numerals import CHINESE_NUMERAL_CHARS, int_to_chinese, roman_to_int
from pipeline.normalize.refs import RefParseError, expand_items, expand_refs
from pipeline.normalize.symbols import find_symbols, normalize_symbol
from pipeline.records import IndexEntryRow
from pipeline.vocab import read_lines, read_rows

INDEX_KIND = "recommendation_index"
# The roles a header must name for a table to be an index; the cited paragraphs
# come from a paragraphs column or, without one, from the location column (a
# place in the cited report itself: ``一.10.f`` is paragraph 10 (f) of chapter I).
_REQUIRED_ROLES = ("topic", "report")
_REFERENCE_ROLES = ("paragraphs", "location")

# Separators between a main topic and its sub-topic, outside brackets.
_TOPIC_SEPARATORS = ",，:："
_OPENING = "(（《〈[【「『“"
_CLOSING = ")）》〉]】」』”"
# A topic cell at the top of a page that starts with one of these continues one.
_CONTINUING_START = _CLOSING + "、，,：:；;"
# Spacing artifacts of a wrapped cell: runs of whitespace, spaces beside an
# ASCII bracket between Chinese characters, spaces around separators.
_WHITESPACE = re.compile(r"\s+")
_SPACE_BEFORE_CLOSE = re.compile(r"\s+(?=[)\]])")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(\[])\s+")
_SPACE_BEFORE_OPEN = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[(\[])")
_SPACE_AFTER_CLOSE = re.compile(r"(?<=[)\]])\s+(?=[^\x00-\x7f])")
_ASCII_SEPARATOR = re.compile(r"\s*([,:;])\s*")
_WIDE_SEPARATOR = re.compile(r"\s*([，：；、。])\s*")
# The longest stretch a page break repeats at the seam of a split cell.
_MAX_SEAM_OVERLAP = 4
_YEAR_NUMBER = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?:[A-Za-z]+\.)?(?P<number>\d+)")
_DIGITS = re.compile(r"\d+")

_ACROSS_PAGE = {
    "continued_across_page",
    "joined_across_page",
    "moved_to_next_topic_by_report_order",
    "moved_to_next_topic",
}


# --- vocabularies ------------------------------------------------------------------


@functools.cache
def column_words() -> tuple[tuple[str, str], ...]:
    """(role, word) pairs that name the columns of an index table, in priority order."""
    return tuple((row["role"], row["word"]) for row in read_rows("index_columns.csv"))


@functools.cache
def open_endings() -> tuple[str, ...]:
    """Endings that leave a topic cell unfinished at a page break."""
    return read_lines("index_topic_open_endings.txt")


# --- topics ------------------------------------------------------------------------


def clean_topic(text: str) -> str:
    """A topic cell without the spacing artifacts of its wrapped lines.

    ``对被偷运移民的 协助`` → ``对被偷运移民的协助``; ASCII separators get one
    space after them (``国际合作,引渡`` → ``国际合作, 引渡``), Chinese ones none
    (``响应方 ：私营部门`` → ``响应方：私营部门``).
    """
    text = _WHITESPACE.sub(" ", text).strip()
    text = drop_cjk_spaces(text)
    text = _SPACE_BEFORE_CLOSE.sub("", text)
    text = _SPACE_AFTER_OPEN.sub("", text)
    text = _SPACE_BEFORE_OPEN.sub("", text)
    text = _SPACE_AFTER_CLOSE.sub("", text)
    text = _WIDE_SEPARATOR.sub(r"\1", text)
    text = _ASCII_SEPARATOR.sub(r"\1 ", text).strip()
    return drop_cjk_spaces(text)


def split_topic(topic: str) -> tuple[str, str | None]:
    """(main topic, sub-topic) split at the first separator outside brackets.

    ``儿童, 普通`` → (``儿童``, ``普通``); ``响应方：私营部门`` → (``响应方``,
    ``私营部门``); no separator → (topic, None).
    """
    depth = 0
    for position, char in enumerate(topic):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        elif char in _TOPIC_SEPARATORS and depth == 0:
            main, sub = topic[:position].strip(), topic[position + 1 :].strip()
            if main:
                return main, sub or None
    return topic.strip(), None


def join_topic_fragments(left: str, right: str) -> tuple[str, str]:
    """Join the two parts of a topic cell split by a page break.

    A page break can repeat the last characters of the first part at the top
    of the next page (``…办公室(毒`` + ``毒品和…``); that repeated stretch is
    taken out once. Returns (joined topic, the stretch taken out).
    """
    overlap = ""
    for size in range(min(_MAX_SEAM_OVERLAP, len(left), len(right)), 0, -1):
        stretch = right[:size]
        if left.endswith(stretch) and all(_is_cjk_letter(char) for char in stretch):
            overlap = stretch
            break
    return clean_topic(left + right[len(overlap) :]), overlap


def _is_cjk_letter(char: str) -> bool:
    return unicodedata.category(char) == "Lo"


def _unbalanced(text: str) -> tuple[int, int]:
    """(brackets left open at the end, closing brackets with no opening one)."""
    depth = unmatched = 0
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            if depth:
                depth -= 1
            else:
                unmatched += 1
    return depth, unmatched


def topic_is_split(left: str, right: str) -> bool:
    """Whether ``right`` (top of a page) continues the unfinished topic ``left``."""
    left_open, _ = _unbalanced(left)
    _, right_unmatched = _unbalanced(right)
    return (
        left_open > 0
        or right_unmatched > 0
        or left.endswith(open_endings())
        or right[:1] in _CONTINUING_START
    )


# --- references --------------------------------------------------------------------


def printed_items(text: str, *, ranges_as_printed: bool = False) -> list[tuple[str, str]]:
    """(printed item, canonical reference) for every reference of a printed list.

    ``五.1.d、五.2.e 和 V.2.f`` → [(``五.1.d``, ``V.1.d``), (``五.2.e``, ``V.2.e``),
    (``V.2.f``, ``V.2.f``)]. An item expanded from a range is printed the way
    the range's first end is (``三.19-21`` gives ``三.19``, ``三.20``, ``三.21``),
    or, with ``ranges_as_printed``, keeps the range as printed (``三.19-21`` for
    each of the three). Raises RefParseError like :func:`expand_refs`.
    """
    # One pass over the list gives each item with its own expansion (an item
    # that starts low continues the item before it, as in expand_refs).
    result: list[tuple[str, str]] = []
    for piece, new in expand_items(text):
        printed = _WHITESPACE.sub("", piece)
        if len(new) == 1 or ranges_as_printed:
            result.extend((printed, ref) for ref in new)
        else:
            result.extend((_in_printed_style(ref, printed), ref) for ref in new)
    return result


def _in_printed_style(canonical: str, style: str) -> str:
    """Write a canonical reference the way ``style`` (a printed item) is written."""
    chinese_chapter = style[:1] in CHINESE_NUMERAL_CHARS
    bracketed = "(" in style
    printed = ""
    for position, part in enumerate(canonical.split(".")):
        roman = roman_to_int(part) if part.isupper() else None
        if position == 0 and roman is not None and chinese_chapter:
            printed = int_to_chinese(roman)
        elif part.islower() and bracketed:
            printed += f"({part})"
        else:
            printed += f".{part}" if printed else part
    return printed


def report_order(symbol: str) -> tuple[int, ...]:
    """Chronological sort key of a report symbol: (year, number) when printed."""
    matches = list(_YEAR_NUMBER.finditer(symbol))
    if matches:
        return (int(matches[-1]["year"]), int(matches[-1]["number"]))
    return tuple(int(number) for number in _DIGITS.findall(symbol))


# --- the table ---------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One data row of the index table."""

    block: Block
    page: int
    topic: str
    symbol: str
    paragraphs: str
    locations: str
    # No paragraphs column: the locations are places in the cited report.
    located_in_report: bool = False
    group: int = -1
    basis: str = ""


@dataclass(slots=True)
class _Group:
    """One topic: its text and the rows that printed (parts of) it."""

    topic: str
    printed_rows: list[int] = field(default_factory=list)


def _cells(block: Block) -> list[str]:
    return [cell.strip() for cell in block.text.split("\t")]


def _role_of(cell: str) -> str | None:
    squeezed = _WHITESPACE.sub("", cell)
    for role, word in column_words():
        if word in squeezed:
            return role
    return None


def _is_header(cells: list[str]) -> bool:
    if any(_is_only_symbol(cell) for cell in cells if cell):
        return False  # a data row: its report cell is a symbol
    return any(_role_of(cell) for cell in cells if cell)


def _is_only_symbol(cell: str) -> bool:
    found = find_symbols(cell)
    return len(found) == 1 and normalize_symbol(found[0].raw) == normalize_symbol(cell)


def _columns(header_rows: list[list[str]]) -> dict[str, int] | None:
    """Role → column from a group of header rows; later rows refine earlier ones."""
    roles: dict[int, str] = {}
    for cells in header_rows:
        for column, cell in enumerate(cells):
            role = _role_of(cell) if cell else None
            if role:
                roles[column] = role
    by_role: dict[str, int] = {}
    for column in sorted(roles):
        by_role.setdefault(roles[column], column)
    if "report" in by_role and "paragraphs" not in by_role:
        # A report header spanning two columns: the paragraphs follow the symbol.
        following = by_role["report"] + 1
        if following not in roles and any(len(cells) > following for cells in header_rows):
            # Only a row that fills it shows that it is one (see _data_row).
            by_role["spanned_paragraphs"] = following
    if not all(role in by_role for role in _REQUIRED_ROLES):
        return None
    if not any(role in by_role for role in (*_REFERENCE_ROLES, "spanned_paragraphs")):
        return None
    return by_role


def _cell(cells: list[str], columns: dict[str, int], role: str) -> str:
    column = columns.get(role)
    return cells[column] if column is not None and column < len(cells) else ""


def _read_rows(ctx: DocContext) -> list[_Row]:
    """The data rows of every index table, with a page count that the repeated
    header rows (or a change of page) advance."""
    rows: list[_Row] = []
    columns: dict[str, int] | None = None
    header_rows: list[list[str]] = []
    page = 0
    broken = False
    # The seq of the last block read as (part of) a row set without tab stops.
    untabbed_seq: int | None = None
    for block in ctx.blocks:
        cells: list[str] | None = None
        if block.kind == "table_row":
            cells = _cells(block)
            if _is_header(cells):
                header_rows.append(cells)
                columns = _columns(header_rows)
                broken = broken or bool(rows)
                untabbed_seq = None
                continue
        header_rows = []
        if columns is not None and (cells is None or not _reference_cells(cells, columns)):
            # A row whose cells were not set off by tab stops (a PDF's narrow
            # column gap, a continuation row without its empty first cell).
            untabbed = _untabbed_cells(block.text, columns)
            if untabbed is not None and (cells is not None or rows):
                cells, untabbed_seq = untabbed, block.seq
            elif (
                cells is None
                and rows
                and rows[-1].block.page == block.page
                and (
                    untabbed_seq == block.seq - 1
                    or (rows[-1].block.seq == block.seq - 1 and _cell_fragment(block))
                )
            ):
                _wrapped_cell(ctx, rows[-1], block)
                untabbed_seq = block.seq
                continue
        if cells is None:
            broken = broken or bool(rows)
            untabbed_seq = None
            continue
        if columns is None or not any(cells):
            continue
        previous = rows[-1].block if rows else None
        if broken or (
            previous is not None
            and previous.page is not None
            and block.page is not None
            and block.page != previous.page
        ):
            page += 1
        broken = False
        row = _data_row(ctx, block, cells, columns, page, rows)
        if row is not None:
            rows.append(row)
    return rows


def _reference_cells(cells: list[str], columns: dict[str, int]) -> bool:
    """Whether a row prints anything in its paragraphs or location column."""
    return any(_cell(cells, columns, role) for role in (*_REFERENCE_ROLES, "spanned_paragraphs"))


def _untabbed_cells(text: str, columns: dict[str, int]) -> list[str] | None:
    """A row's cells read from its one report symbol: the topic before it, the
    references after it; None unless the text holds exactly one symbol followed
    by references."""
    flat = _WHITESPACE.sub(" ", text).strip()
    found = find_symbols(flat)
    if len(found) != 1:
        return None
    symbol = found[0]
    start = flat.find(symbol.raw)
    if start < 0:
        return None
    before, after = flat[:start].strip(), flat[start + len(symbol.raw) :].strip()
    if not after:
        return None
    cells = [""] * (max(columns.values()) + 1)
    cells[columns["topic"]] = before
    cells[columns["report"]] = symbol.raw
    # Without a named paragraphs column the references are the locations.
    cells[columns.get("paragraphs", columns.get("location", columns["report"]))] = after
    return cells


_SENTENCE_END = re.compile(r"[。；;！!？?]\s*$")

# The most a line wrapped inside a table cell holds, in characters: a cell is a
# fraction of the text width.
_CELL_FRAGMENT_CHARS = 12


def _cell_fragment(block: Block) -> bool:
    """A short unlabelled line with no sentence end, right under a tabbed row: the
    rest of a cell that wrapped inside its column (a PDF sets each cell's lines
    in its column; the row's other cells leave the line empty)."""
    text = block.text.strip()
    return (
        block.label is None
        and 0 < len(text) <= _CELL_FRAGMENT_CHARS
        and not find_symbols(text)
        and not _SENTENCE_END.search(text)
    )


def _wrapped_cell(ctx: DocContext, row: _Row, block: Block) -> None:
    """A line without a symbol under a row set without tab stops: the wrapped end
    of its references when they read only with it, else of its topic cell."""
    text = _WHITESPACE.sub("", block.text)
    field_name = "locations" if row.located_in_report else "paragraphs"
    references = getattr(row, field_name)
    if not _readable(references) and _readable(references + text):
        setattr(row, field_name, references + text)
        return
    ctx.warn(
        "index_topic_fragment",
        f"a line holds only topic text; joined to the topic of line {row.block.line_start}",
        block,
    )
    row.topic = join_topic_fragments(row.topic, clean_topic(block.text))[0]


def _readable(references: str) -> bool:
    try:
        return bool(expand_refs(references))
    except RefParseError:
        return False


def _data_row(
    ctx: DocContext,
    block: Block,
    cells: list[str],
    columns: dict[str, int],
    page: int,
    rows: list[_Row],
) -> _Row | None:
    topic = clean_topic(_cell(cells, columns, "topic"))
    report = _cell(cells, columns, "report")
    paragraphs = _cell(cells, columns, "paragraphs") or _cell(cells, columns, "spanned_paragraphs")
    locations = _cell(cells, columns, "location")
    symbols = find_symbols(report)
    if not symbols:
        if topic and not (paragraphs or locations or report) and rows and rows[-1].topic:
            # A topic cell wrapped onto a row of its own: the rest of the last one.
            last = rows[-1]
            ctx.warn(
                "index_topic_fragment",
                f"a row holds only topic text; joined to the topic of line {last.block.line_start}",
                block,
            )
            last.topic = join_topic_fragments(last.topic, topic)[0]
            return None
        ctx.warn(
            "index_row_unreadable",
            "index row has no report symbol in its report column; left out",
            block,
            evidence=block.text.replace("\t", " | ")[:200],
        )
        return None
    if len(symbols) > 1:
        ctx.warn(
            "index_row_unreadable",
            "index row names several reports in its report column; the first is used",
            block,
            evidence=report,
        )
    located_in_report = not paragraphs and "paragraphs" not in columns
    return _Row(block, page, topic, symbols[0].symbol, paragraphs, locations, located_in_report)


# --- topics of the rows ------------------------------------------------------------


def _assign_topics(ctx: DocContext, rows: list[_Row]) -> list[_Group]:
    groups: list[_Group] = []
    orphans: list[int] = []
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        new_page = previous is not None and previous.page != row.page
        current = groups[-1] if groups else None
        if row.topic:
            if (
                current is not None
                and previous is not None
                and new_page
                and topic_is_split(current.topic, row.topic)
                and report_order(row.symbol) > report_order(previous.symbol)
            ):
                _join(ctx, rows, current, index)
                row.group = len(groups) - 1
                continue
            groups.append(_Group(row.topic, [index]))
            row.group, row.basis = len(groups) - 1, "printed"
            for orphan in orphans:
                rows[orphan].group, rows[orphan].basis = row.group, "moved_to_next_topic"
            orphans = []
        elif current is None:
            orphans.append(index)
        else:
            row.group = len(groups) - 1
            row.basis = "continued_across_page" if new_page else "continued"
    for orphan in orphans:
        ctx.warn(
            "index_topic_missing",
            "index row has no topic and no topic follows it; left out",
            rows[orphan].block,
            evidence=rows[orphan].block.text.replace("\t", " | "),
        )
    _move_page_bottoms(rows)
    return groups


def _join(ctx: DocContext, rows: list[_Row], group: _Group, index: int) -> None:
    row = rows[index]
    before = group.topic
    group.topic, overlap = join_topic_fragments(group.topic, row.topic)
    group.printed_rows.append(index)
    for printed in group.printed_rows:
        rows[printed].basis = "joined_across_page"
    repeated = f"; the repeated {overlap!r} at the seam was taken out once" if overlap else ""
    ctx.warn(
        "index_topic_across_page",
        f"topic cell split by a page break: {before!r} (line"
        f" {rows[group.printed_rows[0]].block.line_start}) and {row.topic!r} joined into"
        f" {group.topic!r}{repeated}",
        row.block,
        evidence=f"{before} | {row.topic}",
    )


def _move_page_bottoms(rows: list[_Row]) -> None:
    """Rows at the bottom of a page whose report cannot continue the topic above
    them go to the topic that starts at the top of the next page."""
    for first in range(1, len(rows)):
        if rows[first].page == rows[first - 1].page or rows[first].basis != "printed":
            continue
        start = first
        while start - 1 >= 0 and rows[start - 1].basis == "continued":
            start -= 1
        run = list(range(start, first))
        breaking = next(
            (
                position
                for position in run
                if position > 0
                and report_order(rows[position].symbol) <= report_order(rows[position - 1].symbol)
            ),
            None,
        )
        if breaking is None:
            continue
        moved = list(range(breaking, first))
        orders = [report_order(rows[position].symbol) for position in [*moved, first]]
        if all(a < b for a, b in pairwise(orders)):
            for position in moved:
                rows[position].group = rows[first].group
                rows[position].basis = "moved_to_next_topic_by_report_order"


def _warn_topic_decisions(ctx: DocContext, rows: list[_Row], groups: list[_Group]) -> None:
    for row in rows:
        if row.group < 0 or row.basis not in _ACROSS_PAGE or row.basis == "joined_across_page":
            continue
        topic = groups[row.group].topic
        reason = {
            "continued_across_page": "empty topic cell at the top of a page: continues the"
            " topic of the previous page",
            "moved_to_next_topic_by_report_order": "empty topic cell at the bottom of a page"
            " whose report is not later than the row above: belongs to the topic that starts"
            " on the next page",
            "moved_to_next_topic": "empty topic cell before any topic: given to the first topic",
        }[row.basis]
        check = "index_topic_missing" if row.basis == "moved_to_next_topic" else None
        ctx.warn(
            check or "index_topic_across_page",
            f"{reason} ({topic!r})",
            row.block,
            evidence=row.block.text.replace("\t", " | "),
        )
    by_group: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.group >= 0:
            by_group[row.group].append(row)
    for group, members in by_group.items():
        members.sort(key=lambda member: member.block.line_start)
        for before, after in pairwise(members):
            if report_order(after.symbol) <= report_order(before.symbol):
                ctx.warn(
                    "index_report_order",
                    f"reports of topic {groups[group].topic!r} out of chronological order:"
                    f" {after.symbol} follows {before.symbol}",
                    after.block,
                    evidence=after.block.text.replace("\t", " | "),
                )


# --- entries -----------------------------------------------------------------------


def is_index_document(ctx: DocContext) -> bool:
    """A thematic index by kind, or by a table whose header names the index columns."""
    if ctx.meta.kind == INDEX_KIND:
        return True
    header: list[list[str]] = []
    for block in ctx.blocks:
        if block.kind != "table_row":
            header = []
            continue
        cells = _cells(block)
        if not _is_header(cells):
            header = []
            continue
        header.append(cells)
        if _columns(header) is not None:
            return True
    return False


def extract_index_entries(ctx: DocContext) -> list[IndexEntryRow]:
    """One row per paragraph cited by a row of the document's index table(s)."""
    if not is_index_document(ctx):
        return []
    rows = _read_rows(ctx)
    if not rows:
        ctx.warn(
            "index_table_missing",
            "thematic index without a table whose header names the topic, report and"
            " paragraphs (or location) columns",
        )
        return []
    groups = _assign_topics(ctx, rows)
    _warn_topic_decisions(ctx, rows, groups)
    entries: list[IndexEntryRow] = []
    for row in rows:
        if row.group >= 0:
            entries += _entries_of(ctx, row, groups[row.group].topic)
    _check_locations(ctx, entries)
    return entries


def _entries_of(ctx: DocContext, row: _Row, topic: str) -> list[IndexEntryRow]:
    if row.located_in_report:
        return _entries_located_in_report(ctx, row, topic)
    block = row.block
    try:
        paragraphs = expand_refs(row.paragraphs)
    except RefParseError as error:
        ctx.warn(
            "index_reference_unreadable",
            f"paragraphs {row.paragraphs!r} cannot be read ({error.reason}); row left out",
            block,
            evidence=error.fragment,
        )
        return []
    if not paragraphs:
        ctx.warn("index_reference_unreadable", "index row cites no paragraph; left out", block)
        return []
    try:
        locations = printed_items(row.locations)
    except RefParseError as error:
        ctx.warn(
            "index_reference_unreadable",
            f"locations {row.locations!r} cannot be read ({error.reason});"
            " the paragraphs are kept without locations",
            block,
            evidence=error.fragment,
        )
        locations = []
    if len(locations) != len(paragraphs):
        ctx.warn(
            "index_location_count",
            f"{len(paragraphs)} paragraphs but {len(locations)} locations; paired in order,"
            " unpaired paragraphs have no location",
            block,
            evidence=f"paragraphs: {paragraphs}; locations: {[raw for raw, _ in locations]}",
        )
    return _rows_of(ctx, row, topic, paragraphs, locations)


def _entries_located_in_report(ctx: DocContext, row: _Row, topic: str) -> list[IndexEntryRow]:
    """Entries of a table whose only reference column is a place in the cited report:
    the cited paragraph is the location below its chapter (``一.10.f`` → ``10.f``)."""
    try:
        locations = printed_items(row.locations, ranges_as_printed=True)
    except RefParseError as error:
        ctx.warn(
            "index_reference_unreadable",
            f"locations {row.locations!r} cannot be read ({error.reason}); row left out",
            row.block,
            evidence=error.fragment,
        )
        return []
    if not locations:
        ctx.warn("index_reference_unreadable", "index row cites no paragraph; left out", row.block)
        return []
    paragraphs = []
    for _, location in locations:
        found = paragraph_and_rest(location)
        # printed_items only returns references with a paragraph number.
        assert found is not None
        paragraphs.append(".".join((str(found[0]), *found[1])))
    return _rows_of(ctx, row, topic, paragraphs, locations)


def _rows_of(
    ctx: DocContext,
    row: _Row,
    topic: str,
    paragraphs: list[str],
    locations: list[tuple[str, str]],
) -> list[IndexEntryRow]:
    block = row.block
    main, sub = split_topic(topic)
    return [
        IndexEntryRow(
            doc_id=ctx.doc_id,
            topic=topic,
            topic_main=main,
            subtopic=sub,
            report_symbol=row.symbol,
            report_ref=paragraph,
            location_raw=locations[position][0] if position < len(locations) else None,
            location=locations[position][1] if position < len(locations) else None,
            rec_id=None,
            topic_basis=row.basis,
            line_start=block.line_start,
            line_end=block.line_end,
            page=block.page,
        )
        for position, paragraph in enumerate(paragraphs)
    ]


def paragraph_and_rest(ref: str) -> tuple[int, tuple[str, ...]] | None:
    """The first paragraph number of a canonical reference and the parts below it."""
    parts = ref.split(".")
    for position, part in enumerate(parts):
        if part.isdigit():
            return int(part), tuple(parts[position + 1 :])
    return None


def _check_locations(ctx: DocContext, entries: list[IndexEntryRow]) -> None:
    """A compilation numbers a report's recommendations in the order of its
    paragraphs, so paragraph and location numbers differ by one offset per report;
    a location off that offset (or with other sub-paragraphs) is a misprint."""
    by_report: dict[str, list[tuple[IndexEntryRow, int]]] = defaultdict(list)
    for entry in entries:
        if entry.location is None:
            continue
        paragraph = paragraph_and_rest(entry.report_ref)
        location = paragraph_and_rest(entry.location)
        if paragraph is None or location is None:
            continue
        if paragraph[1] != location[1]:
            _warn_location(ctx, entry, "its sub-paragraphs differ from the paragraph's")
            continue
        by_report[entry.report_symbol].append((entry, paragraph[0] - location[0]))
    for report, pairs in by_report.items():
        counts = Counter(offset for _, offset in pairs)
        offset, count = counts.most_common(1)[0]
        # Only a clear majority tells which offset is right.
        if count < 3 or count * 3 < len(pairs) * 2:
            continue
        for entry, other in pairs:
            if other != offset:
                _warn_location(
                    ctx,
                    entry,
                    f"the other paragraphs of {report} sit {offset} above their location number",
                )


def _warn_location(ctx: DocContext, entry: IndexEntryRow, reason: str) -> None:
    ctx.findings.append(
        Finding(
            check="index_location_mismatch",
            severity="warning",
            doc_id=ctx.doc_id,
            message=(
                f"{entry.report_symbol} paragraph {entry.report_ref} is located at"
                f" {entry.location_raw} ({entry.location}), but {reason}"
            ),
            where=f"line {entry.line_start}",
            evidence=f"{entry.report_ref} -> {entry.location}",
            line=entry.line_start,
        )
    )
