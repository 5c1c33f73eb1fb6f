"""Participants: attendance lists, bureau, speakers and sponsors of the seed reports,
and of a short report written here in the same style (another body and year)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.extract.attendance import (
    agenda_item_list,
    clean_name,
    extract_participants,
    load_vocabulary,
    stated_counts,
)
from pipeline.records import ParticipantRow
from tests.conftest import AGENDA_WG4, AGENDA_WG7, INDEX, REPORT_COP6, REPORT_WG7, build_context


def _codes(text: str) -> list[str]:
    return text.split()


# CTOC/COP/WG.7/2017/5, paragraph 24: the 66 States parties present, in printed order.
WG7_PARA_24 = _codes(
    "AFG DZA AGO ARG ARM AUS AUT AZE BHS BLR BEL BRA BFA BDI CAN CHL CIV HRV CUB CYP "
    "CZE DOM ECU SLV EST FRA DEU GRC GTM HUN IND IDN IRQ ITA JPN KWT LBN LUX MLT MEX "
    "MMR NAM NZL NGA NOR OMN PAN PRY PER PHL POL PRT KOR ROU RUS SRB SVK ZAF ESP TUN "
    "TUR UKR GBR USA URY VEN"
)
# Paragraph 27: non-signatories.
WG7_PARA_27 = _codes("CHN COL IRN ISR JOR MAR NPL PAK QAT SGP PSE SDN ARE VNM YEM")
# Paragraph 19: States parties that spoke under items 2 to 5.
WG7_PARA_19 = _codes(
    "DZA AUS BHS BEL CAN CHL CUB EGY SLV GRC GTM IND IDN IRQ ITA JPN MEX NLD NGA OMN "
    "PHL ZAF TUN TUR GBR USA URY"
)
# CTOC/COP/2012/15, paragraph 21: general discussion (item 1 (f)).
COP6_PARA_21 = _codes(
    "RUS NAM USA ESP AUS CHN FRA PHL FIN QAT TUR EGY COL BLR SLV BEL MAR VNM CUB CAN "
    "DZA NOR CRI KAZ IDN SAU VEN ECU ZAF VAT BEN"
)
COP6_PARA_43 = _codes(
    "NOR ARG ECU DZA ARE SWE BFA KAZ ZAF VEN CHE LBN FRA RUS ROU IDN ITA CHN USA EGY BLR MEX"
)


@pytest.fixture(scope="module")
def wg7() -> list[ParticipantRow]:
    return extract_participants(build_context(REPORT_WG7))


@pytest.fixture(scope="module")
def cop6() -> list[ParticipantRow]:
    return extract_participants(build_context(REPORT_COP6))


def _at(
    rows: list[ParticipantRow], paragraph: int, role: str | None = None
) -> list[ParticipantRow]:
    return [r for r in rows if r.paragraph_number == paragraph and role in (None, r.role)]


# --- CTOC/COP/WG.7/2017/5 --------------------------------------------------------------


def test_wg7_attendance_by_category(wg7: list[ParticipantRow]) -> None:
    attended = [r for r in wg7 if r.role in ("delegation", "observer")]
    assert Counter(r.category for r in attended) == {
        "state_party": 66,
        "regional_organization": 1,
        "signatory": 3,
        "non_signatory_state": 15,
        "un_entity": 1,
        "intergovernmental_organization": 4,
    }
    parties = _at(wg7, 24)
    assert [r.iso3 for r in parties] == WG7_PARA_24
    assert {(r.role, r.category, r.entity_type) for r in parties} == {
        ("delegation", "state_party", "state")
    }
    assert [parties[0].name, parties[-4].name, parties[-1].name] == [
        "阿富汗",
        "联合王国",
        "委内瑞拉玻利瓦尔共和国",
    ]
    # "纳米比亚、 新西兰": the wrap space is not part of the name.
    assert "新西兰" in [r.name for r in parties]


def test_wg7_observers_and_organizations(wg7: list[ParticipantRow]) -> None:
    (eu,) = _at(wg7, 25)
    assert (eu.name, eu.iso3, eu.entity_type, eu.category, eu.role) == (
        "欧洲联盟",
        None,
        "organization",
        "regional_organization",
        "delegation",
    )
    signatories = _at(wg7, 26)
    assert [(r.name, r.iso3) for r in signatories] == [
        ("多民族玻利维亚国", "BOL"),
        ("斯里兰卡", "LKA"),
        ("泰国", "THA"),
    ]
    assert {r.role for r in signatories} == {"observer"}
    assert [r.iso3 for r in _at(wg7, 27)] == WG7_PARA_27
    (unit,) = _at(wg7, 28)
    assert (unit.name, unit.category, unit.entity_type) == (
        "秘书处政治事务部",
        "un_entity",
        "organization",
    )
    igos = _at(wg7, 29)
    assert [r.name for r in igos] == [
        "欧洲联盟基本权利署",
        "国际移民政策发展中心",
        "国际移民组织",
        "欧洲安全与合作组织",
    ]
    assert {(r.entity_type, r.iso3, r.category) for r in igos} == {
        ("organization", None, "intergovernmental_organization")
    }


def test_wg7_speakers(wg7: list[ParticipantRow]) -> None:
    parties = _at(wg7, 19, "speaker")
    assert [r.iso3 for r in parties] == WG7_PARA_19
    assert parties[-2].name == "美利坚合众国"
    assert {(r.category, r.agenda_item) for r in parties} == {("state_party", "2,3,4,5")}
    (eu,) = _at(wg7, 20, "speaker")
    assert (eu.name, eu.category, eu.agenda_item) == (
        "欧洲联盟",
        "regional_organization",
        "2,3,4,5",
    )
    (thailand,) = _at(wg7, 21, "speaker")
    assert (thailand.iso3, thailand.category) == ("THA", "signatory")
    # Observers whose category the sentence does not state: the attendance list
    # of the same report says they are non-signatories.
    observers = _at(wg7, 22, "speaker")
    assert [(r.name, r.iso3, r.category) for r in observers] == [
        ("哥伦比亚", "COL", "non_signatory_state"),
        ("伊朗伊斯兰共和国", "IRN", "non_signatory_state"),
    ]


def test_wg7_chair_and_panelists(wg7: list[ParticipantRow]) -> None:
    (chair,) = _at(wg7, 16)
    assert (chair.role, chair.person, chair.name, chair.iso3, chair.entity_type) == (
        "chair",
        "Francesco Testa",
        "意大利",
        "ITA",
        "person",
    )
    panel = _at(wg7, 18)
    assert [(r.person, r.iso3) for r in panel] == [
        ("Wanchai Roujanavong", "THA"),
        ("Alejandro Martínez Peralta", "MEX"),
        ("Gerald Tatzgern", "AUT"),
        ("Anne Gallagher", "AUS"),
    ]
    assert {(r.role, r.agenda_item, r.category) for r in panel} == {("panelist", "3,4", None)}


def test_wg7_totals_and_provenance(wg7: list[ParticipantRow]) -> None:
    assert len(wg7) == 126
    row = _at(wg7, 24)[0]
    assert (row.doc_id, row.line_start, row.line_end) == ("CTOC/COP/WG.7/2017/5", 359, 374)


# --- CTOC/COP/2012/15 ------------------------------------------------------------------


def test_cop6_bureau(cop6: list[ParticipantRow]) -> None:
    bureau = [r for r in cop6 if r.paragraph_number == 6]
    assert [(r.role, r.person, r.name, r.iso3) for r in bureau] == [
        ("chair", "Rachmat Budiman", "印度尼西亚", "IDN"),
        ("vice_chair", "Simona Marin", "罗马尼亚", "ROU"),
        ("vice_chair", "Eugenio María Curia", "阿根廷", "ARG"),
        ("vice_chair", "Carmen Buján Freire", "西班牙", "ESP"),
        ("vice_chair", "Khaled Abdelrahman Shamaa", "埃及", "EGY"),
        ("vice_chair", "Lourdes Yparraguirre", "菲律宾", "PHL"),
        ("vice_chair", "Blanka Jamnišek", "斯洛文尼亚", "SVN"),
        ("vice_chair", "Alejandro Poiré Romero", "墨西哥", "MEX"),
        ("vice_chair", "John Brandolino", "美利坚合众国", "USA"),
        ("rapporteur", "Consolata Kiragu", "肯尼亚", "KEN"),
    ]
    assert {r.entity_type for r in bureau} == {"person"}
    # The vice-chair who reported on credentials, named again in paragraph 15,
    # is the same officer: no second row.
    assert _at(cop6, 15) == []


def test_cop6_prose_counts() -> None:
    ctx = build_context(REPORT_COP6)
    counts = stated_counts(ctx)
    assert [(c, n) for c, n, _ in counts[:3]] == [
        ("state_party", 108),
        ("regional_organization", 1),
        ("signatory", 7),
    ]
    assert {block.number for _, _, block in counts} == {8}
    # "一个联合国专门机构、联合国预防犯罪和刑事司法方案网所属的一个研究所…"
    assert ("specialized_agency", 1) in [(c, n) for c, n, _ in counts]
    extract_participants(ctx)
    infos = [f for f in ctx.findings if f.check == "attendance_count"]
    assert {f.severity for f in infos} == {"info"}
    assert "state_party: 108" in infos[0].message
    # No rows for counts; no warning anywhere in this report.
    assert [f for f in ctx.findings if f.severity != "info"] == []


def test_cop6_general_discussion(cop6: list[ParticipantRow]) -> None:
    parties = _at(cop6, 21, "speaker")
    assert [r.iso3 for r in parties] == COP6_PARA_21
    assert {(r.category, r.agenda_item) for r in parties} == {("state_party", "1.f")}
    signatories = _at(cop6, 22)
    assert [(r.iso3, r.category) for r in signatories] == [
        ("THA", "signatory"),
        ("IRN", "signatory"),
        ("JPN", "signatory"),
        ("KOR", "signatory"),
    ]
    (assembly,) = _at(cop6, 23)
    assert (assembly.name, assembly.entity_type, assembly.iso3) == (
        "地中海议会大会",
        "organization",
        None,
    )
    ngos = _at(cop6, 24)
    assert [r.name for r in ngos] == [
        "妇女与发展论坛",
        "反对贩运妇女联盟",
        "地中海反对贩运妇女网",
        "全球反对贩运妇女联盟",
        "透明国际",
    ]
    assert {(r.category, r.entity_type, r.agenda_item) for r in ngos} == {
        ("ngo", "organization", "1.f")
    }


def test_cop6_speakers_by_section(cop6: list[ParticipantRow]) -> None:
    assert [(r.iso3, r.agenda_item) for r in _at(cop6, 31)] == [
        ("NOR", "2.a"),
        ("ROU", "2.a"),
        ("USA", "2.a"),
        ("LBN", "2.a"),
    ]
    (japan,) = _at(cop6, 32)
    assert (japan.iso3, japan.category, japan.agenda_item) == ("JPN", "signatory", "2.a")
    assert [r.iso3 for r in _at(cop6, 43)] == COP6_PARA_43
    assert {r.agenda_item for r in _at(cop6, 43)} == {"2.b"}
    assert [(r.iso3, r.category) for r in _at(cop6, 44)] == [
        ("THA", "signatory"),
        ("JPN", "signatory"),
    ]
    assert [(r.name, r.entity_type, r.category) for r in _at(cop6, 45)] == [
        ("国际移民组织", "organization", "intergovernmental_organization"),
        ("全球反对贩运妇女联盟", "organization", "ngo"),
    ]
    assert {r.agenda_item for r in _at(cop6, 57)} == {"2.c"}
    assert [r.iso3 for r in _at(cop6, 75)] == ["DZA", "LBN", "ROU", "MEX", "USA", "ARG"]
    assert {r.agenda_item for r in _at(cop6, 75)} == {"2.d"}
    assert [(r.iso3, r.agenda_item) for r in _at(cop6, 82)] == [("CAN", "2.d")]
    assert {r.agenda_item for r in _at(cop6, 85)} == {"3"}
    assert len(_at(cop6, 85)) == 12
    assert [(r.iso3, r.agenda_item) for r in _at(cop6, 99)][:2] == [("AND", "4"), ("LKA", "4")]
    (unesco,) = _at(cop6, 100)
    assert (unesco.name, unesco.category) == ("联合国教育、科学及文化组织", "specialized_agency")
    assert [(r.iso3, r.category, r.agenda_item) for r in _at(cop6, 113)] == [
        ("JPN", "signatory", "5"),
        ("IRN", "signatory", "5"),
    ]


def test_cop6_opening_statements(cop6: list[ParticipantRow]) -> None:
    opening = _at(cop6, 4)
    assert [(r.name, r.iso3) for r in opening] == [
        ("联合国毒品和犯罪问题办公室", None),
        ("斯洛文尼亚", "SVN"),
        ("智利", "CHL"),
        ("尼日利亚", "NGA"),
        ("菲律宾", "PHL"),
        ("萨尔瓦多", "SLV"),
        ("欧洲联盟", None),
        ("多民族玻利维亚国", "BOL"),
        ("尼日利亚", "NGA"),
        ("奥地利", "AUT"),
        ("墨西哥", "MEX"),
    ]
    assert {r.role for r in opening} == {"speaker"}


def test_cop6_sponsors(cop6: list[ParticipantRow]) -> None:
    sponsors = _at(cop6, 40, "sponsor")
    assert [r.iso3 for r in sponsors] == [
        "CRI",
        "HRV",
        "ECU",
        "EGY",
        "SLV",
        None,
        "GTM",
        "MEX",
        "PER",
        "USA",
    ]
    assert (sponsors[5].name, sponsors[5].entity_type) == ("欧洲联盟", "organization")
    assert {r.agenda_item for r in sponsors} == {"2.a"}
    # "萨尔瓦多（代表拉丁美洲和加勒比国家组）和美国": the remark is not the name.
    assert [(r.name, r.iso3) for r in _at(cop6, 81, "sponsor")] == [
        ("萨尔瓦多", "SLV"),
        ("美国", "USA"),
    ]


def test_cop6_totals(cop6: list[ParticipantRow]) -> None:
    assert len(cop6) == 165
    assert Counter(r.role for r in cop6) == {
        "speaker": 132,
        "sponsor": 23,
        "vice_chair": 8,
        "chair": 1,
        "rapporteur": 1,
    }


@pytest.mark.parametrize("path", [INDEX, AGENDA_WG7, AGENDA_WG4])
def test_documents_without_participants(path: Path) -> None:
    ctx = build_context(path)
    assert extract_participants(ctx) == []
    assert ctx.findings == []


# --- a report written here -----------------------------------------------------------

SYNTHETIC = """\
2031年3月4日至6日在纽约举行的枪支问题工作组会议报告

一.会议安排

A.会议开幕

1.枪支问题工作组第九次会议于2031年3月4日至6日在纽约举行。

2.工作组共同主席Ana Ejemplo（智利）宣布会议开幕。

3.工作组选出下列主席团成员：

共同主席：Jan Voorbeeld（荷兰）

Kofi Mfano（加纳）

报告员：Lena Beispiel（奥地利）

B.发言情况

4.工作组在2031年3月4日第1次会议上审议了议程项目3(b)，其标题为“技术援助”。

5.以下《枪支议定书》缔约国的代表作了发言：加纳、秘鲁、弗里多尼亚和新西兰。

6.签署国加拿大的观察员也作了发言。

7.国际刑事警察组织和世界海关组织的观察员也作了发言。

8.议程项目4下的讨论由以下讨论小组成员引导：Ola Przyklad（波兰）和Ama Sampu（加纳）。

C.出席情况

9.共有12个《枪支议定书》缔约国派代表出席了会议。两个《枪支议定书》签署国的观察员也出席了会议。

10.以下《枪支议定书》缔约国派代表出席了会议：加纳、秘鲁、弗里多尼亚、新西兰、荷兰。

11.以下《枪支议定书》签署国派观察员出席了会议：加拿大。

12.以下联合国专门机构派观察员出席了会议：联合国教育、科学及文化组织。

13.以下非政府组织派观察员出席了会议：和平之声协会、枪支管制网络。
"""


def test_synthetic_report(context_from_text) -> None:
    ctx = context_from_text(SYNTHETIC, "CTOC_COP_WG.6_2031_3.zh.txt")
    rows = extract_participants(ctx)
    table = [(r.paragraph_number, r.role, r.category, r.name, r.iso3, r.person) for r in rows]
    assert table[:4] == [
        (2, "co_chair", None, "智利", "CHL", "Ana Ejemplo"),
        (3, "co_chair", None, "荷兰", "NLD", "Jan Voorbeeld"),
        (3, "co_chair", None, "加纳", "GHA", "Kofi Mfano"),
        (3, "rapporteur", None, "奥地利", "AUT", "Lena Beispiel"),
    ]
    speakers = [r for r in rows if r.role == "speaker"]
    assert [(r.name, r.iso3, r.category, r.agenda_item) for r in speakers] == [
        ("加纳", "GHA", "state_party", "3.b"),
        ("秘鲁", "PER", "state_party", "3.b"),
        ("新西兰", "NZL", "state_party", "3.b"),
        ("加拿大", "CAN", "signatory", "3.b"),
        ("国际刑事警察组织", None, "intergovernmental_organization", "3.b"),
        ("世界海关组织", None, "intergovernmental_organization", "3.b"),
    ]
    panel = [r for r in rows if r.role == "panelist"]
    assert [(r.person, r.iso3, r.agenda_item) for r in panel] == [
        ("Ola Przyklad", "POL", "4"),
        ("Ama Sampu", "GHA", "4"),
    ]
    attended = [r for r in rows if r.role in ("delegation", "observer")]
    assert [(r.paragraph_number, r.category, r.name) for r in attended] == [
        (10, "state_party", "加纳"),
        (10, "state_party", "秘鲁"),
        (10, "state_party", "新西兰"),
        (10, "state_party", "荷兰"),
        (11, "signatory", "加拿大"),
        (12, "specialized_agency", "联合国教育、科学及文化组织"),
        (13, "ngo", "和平之声协会"),
        (13, "ngo", "枪支管制网络"),
    ]
    assert [(c, n) for c, n, _ in stated_counts(ctx)] == [("state_party", 12), ("signatory", 2)]
    # A name no vocabulary holds is a warning, never a row.
    unknown = [f for f in ctx.findings if f.check == "unknown_country"]
    assert [(f.severity, f.evidence) for f in unknown] == [
        ("warning", "弗里多尼亚"),
        ("warning", "弗里多尼亚"),
    ]
    assert len([f for f in ctx.findings if f.check == "attendance_count"]) == 2


def test_synthetic_bureau_in_one_paragraph(context_from_text) -> None:
    """Bureau lines joined into one paragraph, and a State no resolver knows."""
    text = (
        "一.组织事项\n\n"
        "1.缔约方会议选出下列主席团成员：主席：Ana Ejemplo（智利）副主席：Jan Voorbeeld（荷兰）"
        "Kofi Mfano（加纳）；报告员：Lena Beispiel（卢里塔尼亚）。\n\n"
        "2.该草案的提案国为挪威、欧洲联盟、卢里塔尼亚、以及美国。\n\n"
        "3.一些代表作了发言。一名观察员也作了发言。提案国为此作了口头修正。\n"
    )
    ctx = context_from_text(text, "CTOC_COP_2030_9.zh.txt")
    rows = extract_participants(ctx)
    assert [(r.role, r.person, r.iso3) for r in rows if r.paragraph_number == 1] == [
        ("chair", "Ana Ejemplo", "CHL"),
        ("vice_chair", "Jan Voorbeeld", "NLD"),
        ("vice_chair", "Kofi Mfano", "GHA"),
        ("rapporteur", "Lena Beispiel", None),
    ]
    sponsors = [(r.name, r.entity_type, r.iso3) for r in rows if r.role == "sponsor"]
    assert sponsors == [
        ("挪威", "state", "NOR"),
        ("欧洲联盟", "organization", None),
        ("美国", "state", "USA"),
    ]
    assert [f.evidence for f in ctx.findings if f.check == "unknown_country"] == [
        "卢里塔尼亚",
        "卢里塔尼亚",
    ]
    # Speakers nobody names, and a sponsor phrase with no list after it.
    assert [r for r in rows if r.paragraph_number == 3] == []
    (unread,) = [f for f in ctx.findings if f.check == "participants_unresolved_sponsor"]
    assert unread.severity == "info"


# --- helpers -----------------------------------------------------------------------------


def test_vocabulary_files() -> None:
    vocab = load_vocabulary()
    assert {entry.category for entry in vocab.categories} >= {
        "state_party",
        "signatory",
        "non_signatory_state",
        "regional_organization",
        "intergovernmental_organization",
        "un_entity",
        "specialized_agency",
        "ngo",
    }
    assert vocab.roles["副主席"] == "vice_chair"
    assert vocab.roles["讨论小组成员"] == "panelist"


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 6), st.sampled_from([" 至 ", "至", "－", " - "]))
def test_agenda_item_ranges(start: int, length: int, mark: str) -> None:
    end = start + length
    expected = ",".join(str(n) for n in range(start, end + 1))
    assert agenda_item_list(f"{start}{mark}{end}") == expected


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.sampled_from("abcdefgh"), st.booleans())
def test_agenda_item_sub_items(number: int, letter: str, spaced: bool) -> None:
    space = " " if spaced else ""
    assert agenda_item_list(f"{number}{space}({letter})") == f"{number}.{letter}"
    assert agenda_item_list(f"{number}{space}（{letter}）") == f"{number}.{letter}"


_CJK_NAMES = st.text(alphabet="阿巴卡德埃法加国联盟组织", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(_CJK_NAMES, st.sampled_from(["", "（代表非洲国家组）", "(代表 77 国集团)"]), st.booleans())
def test_clean_name(name: str, remark: str, lead: bool) -> None:
    printed = ("以及" if lead else "") + name + remark
    cleaned = clean_name(printed)
    assert cleaned == name
    assert clean_name(cleaned) == cleaned


@settings(max_examples=60, deadline=None)
@given(_CJK_NAMES, st.sampled_from(["国际刑警组织", "毒品和犯罪问题办公室"]), st.booleans())
def test_clean_name_keeps_a_printed_short_form(name: str, short: str, ascii_brackets: bool) -> None:
    """A bracketed name the vocabulary knows is the printed short form, part of
    the name (kept in full-width brackets); a remark is not."""
    printed = name + (f"({short})" if ascii_brackets else f"（{short}）")
    cleaned = clean_name(printed)
    assert cleaned == f"{name}（{short}）"
    assert clean_name(cleaned) == cleaned
    assert clean_name(cleaned + "（代表非洲国家组）") == cleaned


# --- a bureau printed with tab stops; a chair given in prose; each officer once ----------

TABBED_BUREAU = (
    "2035年7月5日至7日在维也纳举行的贩运人口问题工作组会议报告\n"
    "\n"
    "一. 会议安排\n"
    "\n"
    "1. 会议由 Thomas Burrows（美利坚合众国）主持。\n"
    "\n"
    "2. 以下人员担任了会议主席团成员：\n"
    "\n"
    "主席：\tThomas Burrows（美利坚合众国）\n"
    "副主席：\tMaría Ortiz（智利）\n"
    "\tJakub Nowak（波兰）\n"
    "报告员：\tSiti Rahmawati（印度尼西亚）\n"
    "\n"
    "3. 副主席 Jakub Nowak（波兰）报告了全权证书的审查情况。\n"
)


def test_tabbed_bureau_prose_chair_and_officers_once(context_from_text) -> None:
    ctx = context_from_text(TABBED_BUREAU, "CTOC_COP_WG.4_2035_3.zh.txt")
    rows = extract_participants(ctx)
    assert [(r.role, r.person, r.name, r.iso3, r.entity_type) for r in rows] == [
        ("chair", "Thomas Burrows", "美利坚合众国", "USA", "person"),
        ("vice_chair", "María Ortiz", "智利", "CHL", "person"),
        ("vice_chair", "Jakub Nowak", "波兰", "POL", "person"),
        ("rapporteur", "Siti Rahmawati", "印度尼西亚", "IDN", "person"),
    ]
    assert [r.paragraph_number for r in rows] == [1, 2, 2, 2]


# --- names inside lists, speakers for a group, categories of their own -----------------

NAMES_IN_LISTS = """\
2036年5月2日至4日在维也纳举行的偷运移民问题工作组会议报告

一.会议安排

A.发言情况

1.工作组在2036年5月2日第1次会议上审议了议程项目2，其标题为“技术援助”。

2.以下缔约国的代表作了发言：特立尼达和多巴哥、圣文森特和格林纳丁斯、波斯尼亚和黑塞哥维那、圭亚那（代表77国集团和中国）、科学及文化。

3.比利时代表欧洲联盟作了发言，墨西哥代表拉丁美洲和加勒比国家组作了发言。

4.几内亚代表代表77国集团和中国作了发言。

5.法国外交、欧洲和国际事务部长作了发言。

6.欧洲联盟作为区域经济一体化组织和《偷运移民议定书》缔约方，其代表也作了发言。

7.签署国泰国的观察员和非签署国中国的观察员也在议程项目2下作了发言。

8.国际刑事警察组织（国际刑警组织）和非洲联盟的观察员以及非政府组织海上救助联盟的观察员也作了发言。

9.该议程项目下的讨论由主席主持，由以下小组成员引导：Rosa Ejemplo（秘鲁）、Ivan Primer（克罗地亚）和Marc Exemple（国际刑事警察组织）。

B.出席情况

10.以下缔约国派代表出席了会议：日本国、加纳、特立尼达和多巴哥。

11.以下签署国派观察员出席了会议：日本国、泰国。

12.欧洲联盟作为《偷运移民议定书》缔约方的区域经济一体化组织，也派代表出席了会议。

13.联合国系统下列实体派观察员出席了会议：反恐怖主义办公室、联合国区域间犯罪和司法研究所。

14.以下联合国专门机构派观察员出席了会议：联合国教育、科学及文化组织。

15.一个政府间组织即欧洲安全与合作组织派观察员出席了会议。

16.以下非政府组织派观察员出席了会议：海上救助联盟。
"""


def test_names_inside_lists_and_speakers_for_a_group(context_from_text) -> None:
    ctx = context_from_text(NAMES_IN_LISTS, "CTOC_COP_WG.7_2036_3.zh.txt")
    rows = extract_participants(ctx)
    table = [(r.paragraph_number, r.role, r.category, r.name, r.iso3, r.person) for r in rows]
    assert table == [
        (2, "speaker", "state_party", "特立尼达和多巴哥", "TTO", None),
        (2, "speaker", "state_party", "圣文森特和格林纳丁斯", "VCT", None),
        (2, "speaker", "state_party", "波斯尼亚和黑塞哥维那", "BIH", None),
        (2, "speaker", "state_party", "圭亚那", "GUY", None),
        (3, "speaker", "state_party", "比利时", "BEL", None),
        (3, "speaker", "state_party", "墨西哥", "MEX", None),
        (4, "speaker", "state_party", "几内亚", "GIN", None),
        (5, "speaker", None, "法国", "FRA", None),
        (6, "speaker", "regional_organization", "欧洲联盟", None, None),
        (7, "speaker", "signatory", "泰国", "THA", None),
        (7, "speaker", "non_signatory_state", "中国", "CHN", None),
        (
            8,
            "speaker",
            "intergovernmental_organization",
            "国际刑事警察组织（国际刑警组织）",
            None,
            None,
        ),
        (8, "speaker", "intergovernmental_organization", "非洲联盟", None, None),
        (8, "speaker", "ngo", "海上救助联盟", None, None),
        (9, "panelist", None, "秘鲁", "PER", "Rosa Ejemplo"),
        (9, "panelist", None, "克罗地亚", "HRV", "Ivan Primer"),
        (9, "panelist", None, "国际刑事警察组织", None, "Marc Exemple"),
        (10, "delegation", "state_party", "日本国", "JPN", None),
        (10, "delegation", "state_party", "加纳", "GHA", None),
        (10, "delegation", "state_party", "特立尼达和多巴哥", "TTO", None),
        (11, "observer", "signatory", "日本国", "JPN", None),
        (11, "observer", "signatory", "泰国", "THA", None),
        (12, "delegation", "regional_organization", "欧洲联盟", None, None),
        (13, "observer", "un_entity", "反恐怖主义办公室", None, None),
        (13, "observer", "un_entity", "联合国区域间犯罪和司法研究所", None, None),
        (14, "observer", "specialized_agency", "联合国教育、科学及文化组织", None, None),
        (15, "observer", "intergovernmental_organization", "欧洲安全与合作组织", None, None),
        (16, "observer", "ngo", "海上救助联盟", None, None),
    ]
    assert {r.agenda_item for r in rows if r.role == "speaker"} == {"2"}
    # A fragment no vocabulary holds is a warning, not a row.
    assert [(f.severity, f.evidence) for f in ctx.findings if f.check == "unknown_country"] == [
        ("warning", "科学及文化"),
    ]
    # Listed both as a party and as a signatory: both rows stay, a warning names both lines.
    (twice,) = [f for f in ctx.findings if f.check == "attendance_party_and_signatory"]
    party_line = next(r.line_start for r in rows if r.paragraph_number == 10)
    signatory_line = next(r.line_start for r in rows if r.paragraph_number == 11)
    assert twice.severity == "warning"
    assert twice.message == (
        f"日本国 (JPN) is listed as a party (line {party_line}) and as a signatory "
        f"(日本国, line {signatory_line})"
    )


NEGATED_WITH_AN_INSTRUMENT = """\
四. 出席情况

1. 以下《公约》签署国派观察员出席了会议：泰国。

2. 以下非《公约》签署国的国家派观察员出席了会议：所罗门群岛、南苏丹。
"""


def test_an_instrument_named_between_the_negation_and_the_category(context_from_text) -> None:
    ctx = context_from_text(NEGATED_WITH_AN_INSTRUMENT, "CTOC_COP_WG.3_2036_4.zh.txt")
    rows = extract_participants(ctx)
    assert [(r.paragraph_number, r.role, r.category, r.name, r.iso3) for r in rows] == [
        (1, "observer", "signatory", "泰国", "THA"),
        (2, "observer", "non_signatory_state", "所罗门群岛", "SLB"),
        (2, "observer", "non_signatory_state", "南苏丹", "SSD"),
    ]
