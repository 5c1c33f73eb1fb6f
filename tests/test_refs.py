"""Tests for pipeline.normalize.refs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.numerals import int_to_chinese, int_to_roman, letter_for
from pipeline.normalize.refs import (
    Ref,
    RefParseError,
    expand_refs,
    format_ref,
    parse_ref,
    printed_to_canonical,
)

FAST = settings(max_examples=200, deadline=None)
RAW = Path(__file__).resolve().parent.parent / "raw"
# The thematic index of recommendations (seed 000): a table whose rows list the
# paragraphs of a report and their locations in the background paper.
INDEX_SEED = RAW / "CTOC_COP_WG.7_2019_4.zh.txt"


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- canonical references -----------------------------------------------------


@pytest.mark.parametrize(
    "text", ["I.21", "V.2.e", "8.e", "op.9.a", "pp.2", "annex.b.iii", "II.A.1", "XX", "7"]
)
def test_canonical_examples_round_trip(text: str) -> None:
    ref = parse_ref(text)
    assert format_ref(ref) == text
    assert str(ref) == text


def test_parse_ref_parts() -> None:
    assert parse_ref("op.9.a") == Ref(("op", "9", "a"))
    assert parse_ref("annex.b.iii").parts == ("annex", "b", "iii")


@pytest.mark.parametrize(
    "text",
    ["", "I..2", ".1", "1.", "IIII.2", "aa", "0", "01", "1.pp", "x y", "I.2(a)", "Pp.1", "1.ab"],
)
def test_parse_ref_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ref(text)


def test_ref_validates_on_construction() -> None:
    with pytest.raises(ValueError):
        Ref(())
    with pytest.raises(ValueError):
        Ref(("I", "bad part"))


PREFIX = st.sampled_from(["pp", "op", "annex"])
CHAPTER = st.integers(min_value=1, max_value=20).map(int_to_roman)
SECTION = st.sampled_from("ABCDEFGH")
PARAGRAPH = st.integers(min_value=1, max_value=400).map(str)
SUB = st.integers(min_value=1, max_value=26).map(letter_for)
SUBSUB = st.integers(min_value=1, max_value=10).map(lambda n: int_to_roman(n, lower=True))


@st.composite
def canonical_refs(draw: st.DrawFn) -> str:
    """A canonical reference in one of the shapes the contract describes."""
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(PREFIX))
    elif draw(st.booleans()):
        parts.append(draw(CHAPTER))
        if draw(st.booleans()):
            parts.append(draw(SECTION))
    if parts and parts[0] == "annex" and draw(st.booleans()):
        parts.append(draw(SUB))
    else:
        parts.append(draw(PARAGRAPH))
        if draw(st.booleans()):
            parts.append(draw(SUB))
    if parts[-1].isalpha() and parts[-1].islower() and draw(st.booleans()):
        parts.append(draw(SUBSUB))
    return ".".join(parts)


@FAST
@given(canonical_refs())
def test_canonical_round_trip(text: str) -> None:
    assert format_ref(parse_ref(text)) == text
    assert parse_ref(format_ref(parse_ref(text))) == parse_ref(text)


# --- one printed reference ----------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("一.21", "I.21"),
        ("五.2.e", "V.2.e"),
        ("三.19", "III.19"),
        ("十一.3", "XI.3"),
        ("8(e)", "8.e"),
        ("10 (a)", "10.a"),
        ("12(d)", "12.d"),
        ("7", "7"),
        ("V.2.f", "V.2.f"),
        ("3(b)㈡", "3.b.ii"),
        ("3(b)(ii)", "3.b.ii"),
        ("3 (b) ㈢", "3.b.iii"),
        ("８（ｅ）", "8.e"),
        ("二.8.d", "II.8.d"),
        ("8(i)", "8.i"),
        ("二.A.1", "II.A.1"),
        (" 一 . 21 ", "I.21"),
    ],
)
def test_printed_to_canonical(printed: str, canonical: str) -> None:
    assert printed_to_canonical(printed) == canonical


@pytest.mark.parametrize(
    "text",
    ["", "(f)", "一", "abc", "8(a)、(b)", "23-25", "8(1)", "8(ab)", "一.二", "7.8", "8((a))", "第"],
)
def test_printed_to_canonical_rejects(text: str) -> None:
    assert printed_to_canonical(text) is None


@dataclass(frozen=True)
class Printed:
    """A printed reference and its canonical form."""

    text: str
    canonical: str


def spaced(draw: st.DrawFn, *pieces: str) -> str:
    """Join pieces with random (possibly no) spaces between them."""
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(st.sampled_from(["", "", " ", "  "])) + piece
    return out


@st.composite
def printed_refs(draw: st.DrawFn) -> Printed:
    """A printed reference (chapter, paragraph, sub-paragraphs) with its canonical form."""
    pieces: list[str] = []
    parts: list[str] = []
    chapter = draw(st.none() | st.integers(min_value=1, max_value=20))
    if chapter is not None:
        latin = draw(st.booleans())
        pieces += [int_to_roman(chapter) if latin else int_to_chinese(chapter), "."]
        parts.append(int_to_roman(chapter))
    paragraph = draw(st.integers(min_value=1, max_value=300))
    pieces.append(str(paragraph))
    parts.append(str(paragraph))
    sub = draw(st.none() | st.integers(min_value=1, max_value=26))
    if sub is not None:
        letter = letter_for(sub)
        dotted = chapter is not None and draw(st.booleans())
        pieces += [".", letter] if dotted else [f"({letter})"]
        parts.append(letter)
        subsub = draw(st.none() | st.integers(min_value=1, max_value=10))
        if subsub is not None:
            roman = int_to_roman(subsub, lower=True)
            pieces.append(draw(st.sampled_from([chr(0x3220 + subsub - 1), f"({roman})"])))
            parts.append(roman)
    text = spaced(draw, *pieces)
    if draw(st.booleans()):
        text = to_fullwidth(text)
    return Printed(text, ".".join(parts))


@FAST
@given(printed_refs())
def test_printed_round_trip(printed: Printed) -> None:
    assert printed_to_canonical(printed.text) == printed.canonical
    assert format_ref(parse_ref(printed.canonical)) == printed.canonical


# --- printed lists ------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("一.28 的一.36", ["I.28", "I.36"]),
        ("一.40- 48", [f"I.{n}" for n in range(40, 49)]),
        ("三.19-21", ["III.19", "III.20", "III.21"]),
        ("23-25", ["23", "24", "25"]),
        ("二.24-27", ["II.24", "II.25", "II.26", "II.27"]),
        ("11-13", ["11", "12", "13"]),
        ("7(d) 和 8(e) 及 (f)", ["7.d", "8.e", "8.f"]),
        ("8(a)、(b)和(g)", ["8.a", "8.b", "8.g"]),
        ("8(b)、(g)及(h) 和 10(e)", ["8.b", "8.g", "8.h", "10.e"]),
        ("7(d)、8(b)、(e)、(g)及(i)和 10(c)", ["7.d", "8.b", "8.e", "8.g", "8.i", "10.c"]),
        ("8(a)、(b)、(d)、 (f)和 9", ["8.a", "8.b", "8.d", "8.f", "9"]),
        ("3 and 4", ["3", "4"]),
        ("6、25、28-31、 36 和 37", ["6", "25", "28", "29", "30", "31", "36", "37"]),
        ("五.2.b、五.2.g、五.2.h 和 五.4.e", ["V.2.b", "V.2.g", "V.2.h", "V.4.e"]),
        ("二.3、二.7、二.8、二.23 和 二.32", ["II.3", "II.7", "II.8", "II.23", "II.32"]),
        ("一.49、一.50", ["I.49", "I.50"]),
        ("四.6-8", ["IV.6", "IV.7", "IV.8"]),
        ("8(a)-(c)", ["8.a", "8.b", "8.c"]),
        ("五.1.d、五.2.e 和 V.2.f", ["V.1.d", "V.2.e", "V.2.f"]),
        ("3(b)(i) 以及 (ii)", ["3.b.i", "3.b.ii"]),
        ("3(b)㈠至㈢", ["3.b.i", "3.b.ii", "3.b.iii"]),
        ("3(b)(ii) 与 (c)", ["3.b.ii", "3.c"]),
        ("三.19 – 三.21", ["III.19", "III.20", "III.21"]),
        ("１０（ａ）～（ｃ），１１", ["10.a", "10.b", "10.c", "11"]),
        ("一.21、22", ["I.21", "I.22"]),
        ("二.A.1、B.3", ["II.A.1", "II.B.3"]),
        ("", []),
    ],
)
def test_expand_refs_examples(printed: str, expected: list[str]) -> None:
    assert expand_refs(printed) == expected


@pytest.mark.parametrize(
    ("printed", "fragment"),
    [
        ("(f) 和 8", "(f)"),
        ("8(a)-9(c)", "8(a)-9(c)"),
        ("5 和 foo", "foo"),
        ("21-19", "21-19"),
        ("1、、2", "、、"),
        ("7 和", "和"),
        ("一.21 一.22", "一.21 一.22"),
        ("1-2-3", "1-2-3"),
        ("8(a) 或 (b)", "8(a) 或 (b)"),
    ],
)
def test_expand_refs_errors_carry_fragment(printed: str, fragment: str) -> None:
    with pytest.raises(RefParseError) as info:
        expand_refs(printed)
    assert info.value.fragment == fragment
    assert info.value.text == printed
    assert isinstance(info.value, ValueError)


SEPARATORS = ["、", ",", "，", "和", "及", "与", " and ", "以及", "的"]
RANGE_MARKS = ["-", "–", "—", "至", "~", "～"]


@st.composite
def printed_items(draw: st.DrawFn, chaptered: bool) -> tuple[list[str], list[str]]:
    """One list group: printed pieces (to join with separators) and canonical refs.

    A group is a single reference, a paragraph range, or one paragraph with
    several sub-paragraphs, the later ones printed bare (8(a)、(b)) or as a
    sub-paragraph range (8(a)-(c)). In one list either every group names its
    chapter or none does: a bare paragraph after 一.21 belongs to chapter I.
    """
    chapter = draw(st.integers(min_value=1, max_value=12)) if chaptered else None
    head = "" if chapter is None else int_to_chinese(chapter) + "."
    prefix = "" if chapter is None else int_to_roman(chapter) + "."
    paragraph = draw(st.integers(min_value=1, max_value=120))
    kind = draw(st.sampled_from(["single", "range", "subs", "subrange"]))
    mark = draw(st.sampled_from(RANGE_MARKS))
    if kind == "single":
        return [spaced(draw, head, str(paragraph))], [f"{prefix}{paragraph}"]
    if kind == "range":
        last = paragraph + draw(st.integers(min_value=0, max_value=6))
        end = draw(st.sampled_from([str(last), head + str(last)]))
        text = spaced(draw, head, str(paragraph), mark, end)
        return [text], [f"{prefix}{n}" for n in range(paragraph, last + 1)]
    letters = sorted(draw(st.sets(st.integers(min_value=1, max_value=26), min_size=1, max_size=4)))
    if kind == "subrange":
        first, last = letters[0], letters[-1]
        text = spaced(draw, head, str(paragraph), f"({letter_for(first)})", mark)
        text = spaced(draw, text, f"({letter_for(last)})")
        return [text], [f"{prefix}{paragraph}.{letter_for(n)}" for n in range(first, last + 1)]
    pieces = [spaced(draw, head, str(paragraph), f"({letter_for(letters[0])})")]
    pieces += [f"({letter_for(n)})" for n in letters[1:]]
    return pieces, [f"{prefix}{paragraph}.{letter_for(n)}" for n in letters]


@FAST
@given(st.data())
def test_expand_generated_lists(data: st.DataObject) -> None:
    chaptered = data.draw(st.booleans())
    groups = data.draw(st.lists(printed_items(chaptered), min_size=1, max_size=6))
    pieces = [piece for printed, _ in groups for piece in printed]
    expected = [ref for _, refs in groups for ref in refs]
    text = pieces[0]
    for piece in pieces[1:]:
        separator = data.draw(st.sampled_from(SEPARATORS))
        space = data.draw(st.sampled_from(["", " "]))
        text += space + separator + space + piece
    if data.draw(st.booleans()):
        text = to_fullwidth(text)
    assert expand_refs(text) == expected


# --- the thematic index seed --------------------------------------------------


def index_rows() -> list[tuple[str, str]]:
    """(paragraphs, locations) cells of every row of the thematic index seed."""
    rows: list[tuple[str, str]] = []
    for line in INDEX_SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and "CTOC/" in cells[1]:
            rows.append((cells[2], cells[3]))
    return rows


def test_every_index_row_expands() -> None:
    rows = index_rows()
    assert len(rows) == 180
    for paragraphs, locations in rows:
        from_report = expand_refs(paragraphs)
        in_background = expand_refs(locations)
        assert from_report and in_background
        # Canonical output always parses back.
        for ref in from_report + in_background:
            assert format_ref(parse_ref(ref)) == ref


@pytest.mark.parametrize(
    ("paragraphs", "locations", "expected_paragraphs", "expected_locations"),
    [
        (
            "24、25、28 和 30",
            "一.21、一.22、一.25 和一.27",
            ["24", "25", "28", "30"],
            ["I.21", "I.22", "I.25", "I.27"],
        ),
        (
            "9、18 和 23-25",
            "三.5、三.14 和三.19-21",
            ["9", "18", "23", "24", "25"],
            ["III.5", "III.14", "III.19", "III.20", "III.21"],
        ),
        (
            "7(d) 和 8(e) 及 (f)",
            "五.1.d、五.2.e 和 V.2.f",
            ["7.d", "8.e", "8.f"],
            ["V.1.d", "V.2.e", "V.2.f"],
        ),
        (
            "9、22、31 和 39",
            "一.6、一.19、一.28 的一.36",
            ["9", "22", "31", "39"],
            ["I.6", "I.19", "I.28", "I.36"],
        ),
        (
            "20、26、38 和 43-51",
            "一.17、一.23、一.35 和一.40- 48",
            ["20", "26", "38", *map(str, range(43, 52))],
            ["I.17", "I.23", "I.35", *(f"I.{n}" for n in range(40, 49))],
        ),
        (
            "7(a)和 8(b)、(h) 及(j)",
            "五.1.a、五.2.b、五.2.h 和 五.2.j",
            ["7.a", "8.b", "8.h", "8.j"],
            ["V.1.a", "V.2.b", "V.2.h", "V.2.j"],
        ),
        ("10 (a)", "五.4.a", ["10.a"], ["V.4.a"]),
        ("3 and 4", "四.3 和四.4", ["3", "4"], ["IV.3", "IV.4"]),
        ("52 和 53", "一.49、一.50", ["52", "53"], ["I.49", "I.50"]),
    ],
)
def test_index_rows_by_hand(
    paragraphs: str,
    locations: str,
    expected_paragraphs: list[str],
    expected_locations: list[str],
) -> None:
    rows = index_rows()
    assert (paragraphs, locations) in rows
    assert expand_refs(paragraphs) == expected_paragraphs
    assert expand_refs(locations) == expected_locations
