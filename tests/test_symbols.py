"""UN document symbols: the seeds' citations, edge cases, and generated symbols."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.symbols import SymbolMatch, find_symbols, is_symbol, normalize_symbol
from tests.conftest import SEED_FILES

# Every symbol cited in each seed, read by hand (page headers included: the
# symbol line at the top of a page is a symbol too).
SEED_SYMBOLS: dict[str, set[str]] = {
    "000_cb61566b71eee516.txt": {
        "CTOC/COP/WG.7/2019/1",
        "CTOC/COP/WG.7/2019/5",
        "CTOC/COP/WG.7/2012/6",
        "CTOC/COP/WG.7/2013/5",
        "CTOC/COP/WG.7/2015/6",
        "CTOC/COP/WG.7/2017/5",
        "CTOC/COP/WG.7/2018/3",
    },
    "001_569503022b5f54cf.txt": {
        "CTOC/COP/WG.8/2016/2",
        "CTOC/COP/WG.7/2017/2",
        "CTOC/COP/WG.7/2017/3",
        "CTOC/COP/WG.7/2017/4",
        "A/RES/71/1",
    },
    "002_b5c8f4425dda91fd.txt": {
        "CTOC/COP/WG.8/2016/2",
        "CTOC/COP/WG.7/2017/INF/1/Rev.1",
        "CTOC/COP/WG.7/2017/1",
        "CTOC/COP/WG.7/2017/2",
        "CTOC/COP/WG.7/2017/3",
        "CTOC/COP/WG.7/2017/4",
    },
    "003_62747d1c53040ac2.txt": {
        "CTOC/COP/WG.4/2018/2",
        "CTOC/COP/WG.8/2016/2",
        "CTOC/COP/WG.4/2017/3",
        "CTOC/COP/WG.4/2018/CRP.1",
    },
    "004_bf388d6752b4fc1f.txt": {
        "CTOC/COP/2012/15",
        "CTOC/COP/WG.4/2011/8",
        "CTOC/COP/WG.2/2012/5",
        "CTOC/COP/WG.3/2012/6",
        "CTOC/COP/WG.7/2012/6",
        "A/CONF.192/15",
        "A/60/88",
        "A/60/88/Corr.2",
        "CTOC/COP/2010/CRP.7",
        "CTOC/COP/2012/INF/2/Rev.2",
        "CTOC/COP/2012/L.4/Rev.2",
        "CTOC/COP/2012/L.5/Rev.2",
        "CTOC/COP/2012/L.6/Rev.2",
        "CTOC/COP/2012/L.9",
        "CTOC/COP/2012/L.11",
        "CTOC/COP/2012/L.12",
        "CTOC/COP/2012/L.1",
        *(f"CTOC/COP/2012/L.1/Add.{n}" for n in range(1, 10)),
        *(f"CTOC/COP/2012/CRP.{n}" for n in range(1, 8)),
        *(f"CTOC/COP/2012/{n}" for n in range(1, 15)),
    },
}


def _joined(name: str) -> str:
    """The seed with its hard line wraps joined (trailing spaces kept, as wraps leave)."""
    return SEED_FILES[name].read_text(encoding="utf-8").replace("\n", "")


@pytest.mark.parametrize("name", sorted(SEED_SYMBOLS))
def test_seed_symbols_found(name: str) -> None:
    text = _joined(name)
    matches = find_symbols(text)
    assert {m.symbol for m in matches} == SEED_SYMBOLS[name]
    for m in matches:
        assert text[m.start : m.end] == m.raw
        assert is_symbol(m.symbol)


def test_seed_004_symbol_count() -> None:
    # 17 named + 9 addenda + 7 CRP + 14 numbered reports.
    assert len(SEED_SYMBOLS["004_bf388d6752b4fc1f.txt"]) == 47


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（CTOC/COP/ WG.8/2016/2），", ["CTOC/COP/WG.8/2016/2"]),
        ("（CTOC/COP/WG.4/2018/ CRP.1）。", ["CTOC/COP/WG.4/2018/CRP.1"]),
        ("提案（CTOC/COP/  2012/CRP.7）。", ["CTOC/COP/2012/CRP.7"]),
        ("报告（CTOC/COP/ 2012/6）；", ["CTOC/COP/2012/6"]),
        ("名单载于 CTOC/COP/2012/INF/2/Rev.2。", ["CTOC/COP/2012/INF/2/Rev.2"]),
        ("载于 CTOC/COP/WG.7/2017/INF/1/Rev.1 号文件。", ["CTOC/COP/WG.7/2017/INF/1/Rev.1"]),
        ("草案（CTOC/COP/2012/L.4/Rev.2），该草案", ["CTOC/COP/2012/L.4/Rev.2"]),
        ("决定草案（CTOC/COP/2012/L.11）。", ["CTOC/COP/2012/L.11"]),
        ("（A/CONF.192/15），第四章", ["A/CONF.192/15"]),
        ("12 A/60/88 和 Corr.2，附件", ["A/60/88", "A/60/88/Corr.2"]),
        (
            "（CTOC/COP/2012/L.1 和 Add.1-9）。",
            ["CTOC/COP/2012/L.1"] + [f"CTOC/COP/2012/L.1/Add.{n}" for n in range(1, 10)],
        ),
        (
            "拟作为 CTOC/COP/WG.2/2012/5- CTOC/COP/WG.3/2012/6 印发。",
            ["CTOC/COP/WG.2/2012/5", "CTOC/COP/WG.3/2012/6"],
        ),
        ("http://undocs.org/A/RES/71/1", ["A/RES/71/1"]),
        ("https://undocs.org/zh/A/RES/71/1 附件", ["A/RES/71/1"]),
        ("（CTOC/COP/2012/11）；", ["CTOC/COP/2012/11"]),
        ("5 CTOC/COP/WG.4/2011/8，第 46-51 段。", ["CTOC/COP/WG.4/2011/8"]),
        ('<a href="#">CTOC/COP/WG.7/2012/6</a>\t24', ["CTOC/COP/WG.7/2012/6"]),
        ("\\*\\* [CTOC/COP/WG.7/2019/1](#)。", ["CTOC/COP/WG.7/2019/1"]),
        ("在CTOC/COP/WG.7/2019/5中的", ["CTOC/COP/WG.7/2019/5"]),
        ("临时议程说明（CTOC/COP/WG.7/2017/1）；", ["CTOC/COP/WG.7/2017/1"]),
        ("见 E/CN.15/2012/L.4/Rev.2 和 A/C.3/72/L.14", ["E/CN.15/2012/L.4/Rev.2", "A/C.3/72/L.14"]),
        ("X/L.1/Add.1-3", ["X/L.1/Add.1", "X/L.1/Add.2", "X/L.1/Add.3"]),
        (
            "A/55/383 及 Add.1、Add.2 和 Corr.1",
            ["A/55/383", *(f"A/55/383/{s}" for s in ("Add.1", "Add.2", "Corr.1"))],
        ),
    ],
)
def test_edge_cases(text: str, expected: list[str]) -> None:
    matches = find_symbols(text)
    assert [m.symbol for m in matches] == expected
    for m in matches:
        assert text[m.start : m.end] == m.raw


def test_spans_and_raw() -> None:
    text = "见（CTOC/COP/ 2012/6）和 A/60/88 和 Corr.2。"
    assert find_symbols(text) == [
        SymbolMatch("CTOC/COP/2012/6", 2, 18, "CTOC/COP/ 2012/6"),
        SymbolMatch("A/60/88", 21, 28, "A/60/88"),
        SymbolMatch("A/60/88/Corr.2", 31, 37, "Corr.2"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "CTOC/COP/WG.7/2017/1）",
        "CTOC/COP/WG.7/2017/1 号文件",
        "CTOC/COP/WG.7/2017/1 和大会",
        "A/60/88 和 大会第 60/519 号决定",
    ],
)
def test_no_glue_after_symbol(text: str) -> None:
    # A wrap space never pulls the following Chinese word or number in.
    (first, *_) = find_symbols(text)
    assert first.end == len(first.raw) and " " not in first.raw


@pytest.mark.parametrize(
    "text",
    [
        "10 V.12-57117",
        "V.08-56013 (C)  GZ 080908 080908",
        "*0856013*",
        "联合国出版物，出售品编号：E.11.V.9。",
        "Sales No. E.11.V.9",
        "第 6/1 号决议",
        "第6/1号决议",
        "2010 年 10 月 22 日第 5/4 号决议",
        "经济及社会理事会第 2014/23 号决议",
        "2014/23",
        "2019/09/11",
        "2/9",
        "3/4 的多数",
        "http://undocs.org/",
        "https://WWW.UNODC.ORG/",
        "HIV/AIDS",
        "CTOC/COP",
        "儿童, 无陪伴/独行 儿童",
        "段/分段",
        "A/60/88abc",
    ],
)
def test_not_symbols(text: str) -> None:
    assert find_symbols(text) == []


def test_normalize_and_is_symbol() -> None:
    assert normalize_symbol("CTOC/COP/ WG.8/2016/2") == "CTOC/COP/WG.8/2016/2"
    assert normalize_symbol("CTOC/COP/  2012/CRP.7") == "CTOC/COP/2012/CRP.7"
    assert normalize_symbol("A／60／88") == "A/60/88"
    assert is_symbol("CTOC/COP/WG.4/2018/ CRP.1")
    assert is_symbol("A/RES/71/1")
    for not_symbol in ("E.11.V.9", "V.12-57117", "6/1", "2014/23", "CTOC/COP", "A/60/", ""):
        assert not is_symbol(not_symbol)


# --- generated symbols -------------------------------------------------------

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PUNCT = st.sampled_from(list("，。；：（）、“”《》 \u3000"))
_CONTEXT = st.text(alphabet=st.one_of(_CJK, _PUNCT), max_size=12)

_PREFIX = st.one_of(
    st.sampled_from(["A", "E", "S", "ST", "CTOC/COP", "CAC/COSP", "UNODC/CCPCJ", "E/CN.15"]),
    st.from_regex(r"[A-Z]{1,6}", fullmatch=True),
)
_NUMBER = st.integers(1, 9999).map(str)
_CAPS = st.from_regex(r"[A-Z]{1,5}", fullmatch=True)
_DOTTED = st.builds(
    "{}.{}".format,
    st.one_of(st.sampled_from(["WG", "CONF", "L", "CRP", "AC", "C", "PV"]), _CAPS),
    st.integers(1, 999),
)
_COMPONENT = st.one_of(_NUMBER, _CAPS, _DOTTED)
_SUFFIX = st.one_of(
    st.builds("{}.{}".format, st.sampled_from(["Rev", "Add", "Corr", "Amend"]), st.integers(1, 20)),
    st.builds("INF/{}".format, st.integers(1, 9)),
)


@st.composite
def _symbols(draw: st.DrawFn) -> str:
    components = draw(st.lists(_COMPONENT, min_size=1, max_size=4))
    if not any(ch.isdigit() for part in components for ch in part):
        components.append(draw(_NUMBER))
    suffixes = draw(st.lists(_SUFFIX, max_size=2))
    return "/".join([draw(_PREFIX), *components, *suffixes])


@st.composite
def _wrapped(draw: st.DrawFn, symbol: str) -> str:
    """The symbol as printed after a wrap join: spaces after some slashes."""
    parts = symbol.split("/")
    out = parts[0]
    for part in parts[1:]:
        out += "/" + draw(st.sampled_from(["", "", " ", "  "])) + part
    return out


@settings(deadline=None, max_examples=150)
@given(data=st.data(), symbol=_symbols(), before=_CONTEXT, after=_CONTEXT)
def test_generated_symbols_found(data: st.DataObject, symbol: str, before: str, after: str) -> None:
    printed = data.draw(_wrapped(symbol))
    text = before + printed + after
    matches = find_symbols(text)
    assert [m.symbol for m in matches] == [symbol]
    (match,) = matches
    assert (match.start, match.end, match.raw) == (len(before), len(before) + len(printed), printed)
    assert normalize_symbol(printed) == symbol
    assert is_symbol(printed)


_JOB_NUMBER = st.builds(
    "V.{:02d}-{:05d}{}".format,
    st.integers(0, 99),
    st.integers(0, 99999),
    st.sampled_from(["", " (C)", " (C)  GZ 080908 080908"]),
)
_SALES_NUMBER = st.builds(
    "{}.{:02d}.{}.{}".format,
    st.sampled_from(list("ECFRSA")),
    st.integers(0, 99),
    st.sampled_from(["I", "II", "IV", "V", "XI", "XIII"]),
    st.integers(1, 40),
)
_LABEL = st.sampled_from(["", "出售品编号：", "Sales No. ", "10 ", "第 "])


@settings(deadline=None, max_examples=100)
@given(number=st.one_of(_JOB_NUMBER, _SALES_NUMBER), label=_LABEL, before=_CONTEXT, after=_CONTEXT)
def test_job_and_sales_numbers_never_found(
    number: str, label: str, before: str, after: str
) -> None:
    assert find_symbols(before + label + number + after) == []


@settings(deadline=None, max_examples=50)
@given(a=st.integers(1, 2099), b=st.integers(1, 999), before=_CONTEXT, after=_CONTEXT)
def test_resolution_numbers_never_found(a: int, b: int, before: str, after: str) -> None:
    assert find_symbols(f"{before}第 {a}/{b} 号决议{after}") == []
    assert find_symbols(f"{before}{a}/{b}{after}") == []
