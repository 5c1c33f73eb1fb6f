"""State names to ISO alpha-3: the seeds' attendance, speaker and bureau lists."""

from __future__ import annotations

import csv
import gettext
import re
from importlib import resources
from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.countries import (
    ALIAS_COLUMNS,
    CountryResolver,
    default_resolver,
    name_key,
    resolve_country,
)
from tests.conftest import SEED_FILES

SEED_002 = "002_b5c8f4425dda91fd.txt"
SEED_004 = "004_bf388d6752b4fc1f.txt"

_PARAGRAPH_START_RE = re.compile(r"^(\d+)\. ", re.MULTILINE)
_WHITESPACE_RE = re.compile(r"\s+")
_BRACKETED_RE = re.compile(r"（([^（）]*)）")


def _codes(text: str) -> list[str | None]:
    """Codes written as one space-separated string, to keep long lists compact."""
    return list(text.split())


# Paragraph 24 of seed 002: the 66 States parties present, in printed order.
PARA_24_CODES = _codes(
    "AFG DZA AGO ARG ARM AUS AUT AZE BHS BLR "
    "BEL BRA BFA BDI CAN CHL CIV HRV CUB CYP "
    "CZE DOM ECU SLV EST FRA DEU GRC GTM HUN "
    "IND IDN IRQ ITA JPN KWT LBN LUX MLT MEX "
    "MMR NAM NZL NGA NOR OMN PAN PRY PER PHL "
    "POL PRT KOR ROU RUS SRB SVK ZAF ESP TUN "
    "TUR UKR GBR USA URY VEN"
)

# (seed, paragraph) -> (pattern whose group "names" is the printed list, codes
# in printed order, None for an organization). Patterns run on the paragraph
# with all whitespace removed (wraps joined).
SEED_LISTS: dict[tuple[str, int], tuple[str, list[str | None]]] = {
    (SEED_002, 19): (
        r"：(?P<names>.+?)。",
        _codes(
            "DZA AUS BHS BEL CAN CHL CUB EGY SLV GRC GTM IND IDN IRQ ITA JPN MEX NLD NGA OMN "
            "PHL ZAF TUN TUR GBR USA URY"
        ),
    ),
    (SEED_002, 22): (r"^(?P<names>.+?)的观察员", ["COL", "IRN"]),
    (SEED_002, 24): (r"：(?P<names>.+?)。", PARA_24_CODES),
    (SEED_002, 26): (r"：(?P<names>.+?)。", ["BOL", "LKA", "THA"]),
    (SEED_002, 27): (
        r"：(?P<names>.+?)。",
        _codes("CHN COL IRN ISR JOR MAR NPL PAK QAT SGP PSE SDN ARE VNM YEM"),
    ),
    (SEED_004, 21): (
        r"：(?P<names>.+?)。",
        _codes(
            "RUS NAM USA ESP AUS CHN FRA PHL FIN QAT TUR EGY COL BLR SLV BEL MAR VNM CUB CAN "
            "DZA NOR CRI KAZ IDN SAU VEN ECU ZAF VAT BEN"
        ),
    ),
    (SEED_004, 22): (r"：(?P<names>.+?)。", ["THA", "IRN", "JPN", "KOR"]),
    (SEED_004, 31): (r"^(?P<names>.+?)的代表", ["NOR", "ROU", "USA", "LBN"]),
    (SEED_004, 32): (r"^签署国(?P<names>.+?)的观察员", ["JPN"]),
    (SEED_004, 40): (
        r"提案方为(?P<names>.+?)。",
        ["CRI", "HRV", "ECU", "EGY", "SLV", None, "GTM", "MEX", "PER", "USA"],
    ),
    (SEED_004, 43): (
        r"^(?P<names>.+?)的代表",
        _codes(
            "NOR ARG ECU DZA ARE SWE BFA KAZ ZAF VEN CHE LBN FRA RUS ROU IDN ITA CHN USA EGY "
            "BLR MEX"
        ),
    ),
    (SEED_004, 44): (r"^(?P<names>.+?)这两个签署国", ["THA", "JPN"]),
    (SEED_004, 57): (
        r"^(?P<names>.+?)的代表",
        ["RUS", "IDN", "ZAF", "MEX", "TUR", "ROU", "ARG", "USA"],
    ),
    (SEED_004, 72): (
        r"提案方为(?P<names>.+?)。",
        ["AUS", "CAN", "ECU", "SLV", None, "GTM", "IDN", "JPN", "MEX", "NOR", "USA"],
    ),
    (SEED_004, 75): (r"^(?P<names>.+?)的代表", ["DZA", "LBN", "ROU", "MEX", "USA", "ARG"]),
    (SEED_004, 81): (r"提案国为(?P<names>.+?)。", ["SLV", "USA"]),
    (SEED_004, 85): (
        r"^(?P<names>.+?)的代表",
        _codes("LBN NOR DZA AUT CHN ITA RUS USA NGA ZAF TUR KAZ"),
    ),
    (SEED_004, 99): (
        r"^(?P<names>.+?)的代表",
        ["AND", "LKA", "KAZ", "IDN", "CHN", "RUS", "USA", "EGY"],
    ),
    (SEED_004, 112): (r"^(?P<names>.+?)的代表", ["USA", "CHN"]),
    (SEED_004, 113): (r"听取了(?P<names>.+?)的观察员", ["JPN", "IRN"]),
}

# Bracketed states after persons' names: (seed, paragraph) -> codes in order.
SEED_BRACKETS: dict[tuple[str, int], list[str]] = {
    (SEED_002, 16): ["ITA"],
    (SEED_002, 18): ["THA", "MEX", "AUT", "AUS"],
    (SEED_004, 6): ["IDN", "ROU", "ARG", "ESP", "EGY", "PHL", "SVN", "MEX", "USA", "KEN"],
}

# Paragraph 4 of seed 004 (opening statements): every state it names.
SEED_004_PARA_4 = {
    "斯洛文尼亚": "SVN",
    "智利": "CHL",
    "中国": "CHN",
    "尼日利亚": "NGA",
    "菲律宾": "PHL",
    "萨尔瓦多": "SLV",
    "阿尔巴尼亚": "ALB",
    "亚美尼亚": "ARM",
    "波斯尼亚和黑塞哥维那": "BIH",
    "克罗地亚": "HRV",
    "冰岛": "ISL",
    "列支敦士登": "LIE",
    "摩尔多瓦共和国": "MDA",
    "黑山": "MNE",
    "圣马力诺": "SMR",
    "塞尔维亚": "SRB",
    "前南斯拉夫的马其顿共和国": "MKD",
    "乌克兰": "UKR",
    "多民族玻利维亚国": "BOL",
    "奥地利": "AUT",
    "墨西哥": "MEX",
}

REQUIRED = {
    "联合王国": "GBR",
    "大不列颠及北爱尔兰联合王国": "GBR",
    "美国": "USA",
    "美利坚合众国": "USA",
    "大韩民国": "KOR",
    "多民族玻利维亚国": "BOL",
    "委内瑞拉玻利瓦尔共和国": "VEN",
    "巴勒斯坦国": "PSE",
    "罗马教廷": "VAT",
    "前南斯拉夫的马其顿共和国": "MKD",
    "伊朗伊斯兰共和国": "IRN",
    "俄罗斯联邦": "RUS",
    "捷克": "CZE",
    "科特迪瓦": "CIV",
    "摩尔多瓦共和国": "MDA",
    "阿拉伯联合酋长国": "ARE",
    "越南": "VNM",
    "老挝人民民主共和国": "LAO",
    "朝鲜民主主义人民共和国": "PRK",
    "坦桑尼亚联合共和国": "TZA",
    "叙利亚阿拉伯共和国": "SYR",
    "阿拉伯叙利亚共和国": "SYR",
    "刚果民主共和国": "COD",
    "刚果": "COG",
    "斯威士兰": "SWZ",
    "埃斯瓦蒂尼": "SWZ",
    "北马其顿": "MKD",
    "土耳其": "TUR",
    "土耳其共和国": "TUR",
    # UN usage where pycountry's zh_CN translation differs.
    "危地马拉": "GTM",
    "马耳他": "MLT",
    "柬埔寨": "KHM",
    "吉尔吉斯斯坦": "KGZ",
    "孟加拉国": "BGD",
    "文莱达鲁萨兰国": "BRN",
    "委内瑞拉（玻利瓦尔共和国）": "VEN",
    "伊朗（伊斯兰共和国）": "IRN",
    "玻利维亚(多民族国)": "BOL",
    "密克罗尼西亚（联邦）": "FSM",
}


def _paragraph(seed: str, number: int) -> str:
    """Paragraph ``number`` of a report, whitespace removed (wraps joined).

    Resolutions and agendas earlier in a report reuse small numbers, so the
    report's own paragraph is the last one printed with that number.
    """
    text = SEED_FILES[seed].read_text(encoding="utf-8")
    starts = list(_PARAGRAPH_START_RE.finditer(text))
    index = max(i for i, m in enumerate(starts) if int(m.group(1)) == number)
    end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
    body = text[starts[index].end() : end]
    return _WHITESPACE_RE.sub("", body)


def _strip_remarks(name: str) -> str:
    return _BRACKETED_RE.sub("", name)


@pytest.mark.parametrize(("seed", "number"), sorted(SEED_LISTS))
def test_seed_lists_resolve(seed: str, number: int) -> None:
    pattern, expected = SEED_LISTS[(seed, number)]
    match = re.search(pattern, _paragraph(seed, number))
    assert match is not None
    resolver = default_resolver()
    names = resolver.split_names(match.group("names"))
    assert [resolver.resolve(_strip_remarks(name)) for name in names] == expected


def test_paragraph_24_has_66_states() -> None:
    assert len(PARA_24_CODES) == 66 == len(set(PARA_24_CODES))
    match = re.search(r"：(.+?)。", _paragraph(SEED_002, 24))
    assert match is not None
    names = default_resolver().split_names(match.group(1))
    assert len(names) == 66
    assert names[-2:] == ["乌拉圭", "委内瑞拉玻利瓦尔共和国"]


@pytest.mark.parametrize(("seed", "number"), sorted(SEED_BRACKETS))
def test_seed_bracketed_states_resolve(seed: str, number: int) -> None:
    inside = _BRACKETED_RE.findall(_paragraph(seed, number))
    assert [resolve_country(name) for name in inside] == SEED_BRACKETS[(seed, number)]


def test_seed_004_paragraph_4_states() -> None:
    text = _paragraph(SEED_004, 4)
    for name, code in SEED_004_PARA_4.items():
        assert name in text
        assert resolve_country(name) == code


@pytest.mark.parametrize(("name", "code"), sorted(REQUIRED.items()))
def test_required_names(name: str, code: str) -> None:
    assert resolve_country(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "欧洲联盟",
        "欧洲联盟基本权利署",
        "国际移民组织",
        "国际刑事警察组织",
        "地中海议会大会",
        "77 国集团",
        "亚特兰蒂斯",
        "Francesco Testa",
        "",
        "\u3000 ",
        "美国和中国",
    ],
)
def test_unknown_names(name: str) -> None:
    assert resolve_country(name) is None


def test_tolerates_padding_and_wraps() -> None:
    assert resolve_country("\u3000新西兰 ") == "NZL"
    assert resolve_country(" 阿尔及 利亚") == "DZA"
    assert resolve_country("美利坚合\n众国") == "USA"


def test_split_names_keeps_names_with_conjunctions() -> None:
    text = "波斯尼亚和黑塞哥维那、特立尼达和多巴哥、几内亚和几内亚比绍、欧洲联盟和美国"
    assert default_resolver().split_names(text) == [
        "波斯尼亚和黑塞哥维那",
        "特立尼达和多巴哥",
        "几内亚",
        "几内亚比绍",
        "欧洲联盟",
        "美国",
    ]


def test_default_resolver_is_built_once() -> None:
    assert default_resolver() is default_resolver()


def _alias_rows() -> list[dict[str, str]]:
    source = resources.files("pipeline").joinpath("data", "country_aliases.csv")
    with source.open("r", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == ALIAS_COLUMNS
        return list(reader)


ALIAS_ROWS = _alias_rows()


def test_alias_file_is_clean() -> None:
    aliases = [row["alias"] for row in ALIAS_ROWS]
    keys = [name_key(alias) for alias in aliases]
    assert len(set(aliases)) == len(aliases)
    assert len(set(keys)) == len(keys)
    for row in ALIAS_ROWS:
        assert pycountry.countries.get(alpha_3=row["iso3"]) is not None, row
        assert row["alias"] == row["alias"].strip() and row["note"].strip(), row
    # Every UN Member State has its UN short name in the file.
    members = {row["iso3"] for row in ALIAS_ROWS if row["note"].startswith("UN short")}
    assert len(members) == 193


def test_alias_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,iso3,note\n亚特兰蒂斯,XXX,invented\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad alias row"):
        CountryResolver(bad)
    clash = tmp_path / "clash.csv"
    clash.write_text("alias,iso3,note\n甲国,USA,x\n甲国 ,GBR,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two codes"):
        CountryResolver(clash)


def _pycountry_chinese_names() -> list[tuple[str, str]]:
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    names = []
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(country, attribute, None)
            chinese = translation.gettext(english) if english else None
            if chinese and chinese != english:
                names.append((chinese, country.alpha_3))
    return names


PYCOUNTRY_NAMES = _pycountry_chinese_names()
_PADDING = st.text(alphabet=" \t\n\u3000\u00a0", max_size=3)


def test_known_names_cover_both_sources() -> None:
    known = default_resolver().known_names()
    assert {row["alias"]: row["iso3"] for row in ALIAS_ROWS}.items() <= known.items()
    assert {name for name, _ in PYCOUNTRY_NAMES} <= known.keys()
    assert "欧洲联盟" not in known


@settings(deadline=None, max_examples=200)
@given(row=st.sampled_from(ALIAS_ROWS), before=_PADDING, after=_PADDING)
def test_every_alias_resolves(row: dict[str, str], before: str, after: str) -> None:
    assert resolve_country(before + row["alias"] + after) == row["iso3"]


@settings(deadline=None, max_examples=200)
@given(entry=st.sampled_from(PYCOUNTRY_NAMES), before=_PADDING, after=_PADDING)
def test_every_pycountry_name_resolves(entry: tuple[str, str], before: str, after: str) -> None:
    name, code = entry
    assert resolve_country(before + name + after) == code


def test_every_alias_and_pycountry_name_resolves_exhaustively() -> None:
    # Hypothesis samples; this pins the whole of both lists (cheap: a dict lookup each).
    for row in ALIAS_ROWS:
        assert resolve_country(row["alias"]) == row["iso3"], row
    for name, code in PYCOUNTRY_NAMES:
        assert resolve_country(name) == code, name


def test_split_names_takes_a_conjunction_after_a_separator() -> None:
    resolver = default_resolver()
    assert resolver.split_names("挪威、瑞典、以及美国") == ["挪威", "瑞典", "美国"]
    assert resolver.split_names("挪威、瑞典、和美国") == ["挪威", "瑞典", "美国"]
    assert resolver.split_names("波斯尼亚和黑塞哥维那、以及多民族玻利维亚国") == [
        "波斯尼亚和黑塞哥维那",
        "多民族玻利维亚国",
    ]
