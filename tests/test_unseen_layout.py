"""The real reports reprinted in another layout give the same rows: digits printed
against the characters, a masthead, a contents table, other page furniture."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pipeline.document.driver import extract_document
from tests.conftest import RAW, REPORT_COP6, REPORT_WG7

_SPACE_BEFORE_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff（）《》“”，、。]) (?=\d)")
_SPACE_AFTER_DIGIT = re.compile(r"(?<=\d) (?=[\u4e00-\u9fff（）《》“”，、。])")
_NUMBER_SPACE = re.compile(r"(?m)^(\s*\d+)\. ")


def _reprint(text: str, symbol: str, job: str) -> str:
    """``text`` without spaces around digits, with a masthead, a contents table and
    a page footer of the other kind (``V.17-06984 (C) GZ …``, a barcode, ``2/9``)."""
    text = _SPACE_AFTER_DIGIT.sub("", _SPACE_BEFORE_DIGIT.sub("", text))
    text = _NUMBER_SPACE.sub(r"\1.", text)
    digits = job[2:].replace("-", "")
    out = ["联 合 国", symbol, "", "Distr.: General", "20 September 2017", "", "Chinese",
           "Original: English", "", "目录", "段次 页次",
           "一. 导言 .......................................... 1-5 2",
           "二. 建议 .......................................... 6 2", ""]  # fmt: skip
    page = 2
    for number, line in enumerate(text.split("\n"), start=1):
        out.append(line)
        if number % 90 == 0:
            out += ["", f"{job} (C)  GZ 250917 250917", f"*{digits}*", "", f"{page}/9", symbol, ""]
            page += 1
    return "\n".join(out)


def _both(path: Path, symbol: str, tmp_path: Path, catalog: dict[str, str]):
    reprinted = tmp_path / path.name
    reprinted.write_text(
        _reprint(path.read_text(encoding="utf-8"), symbol, "V.17-06984"), encoding="utf-8"
    )
    return extract_document(path, catalog), extract_document(reprinted, catalog)


def test_the_working_group_report_reprinted(tmp_path: Path) -> None:
    original, reprinted = _both(REPORT_WG7, "CTOC/COP/WG.7/2017/5", tmp_path, {})
    tables = reprinted.tables
    document = tables["documents"][0]
    assert (document["doc_id"], document["symbol_source"]) == ("CTOC/COP/WG.7/2017/5", "text")
    assert document["distribution_date"].isoformat() == "2017-09-20"
    assert (document["kind"], document["body"], document["meeting_number"]) == (
        "meeting_report",
        "WG.7",
        4,
    )
    numbers = [p["number"] for p in tables["paragraphs"] if p["kind"] == "paragraph"]
    assert numbers == list(range(1, 33))
    assert [r["number"] for r in tables["recommendations"]] == list(range(1, 16))
    assert [r["text"] for r in tables["recommendations"]] == [
        _unspaced(r["text"]) for r in original.tables["recommendations"]
    ]
    attending = Counter(
        p["category"] for p in tables["participants"] if p["role"] in ("delegation", "observer")
    )
    assert attending["state_party"] == 66
    assert attending["non_signatory_state"] == 15
    assert len(tables["agenda_items"]) == len(original.tables["agenda_items"])
    text = "".join(p["text"] for p in tables["paragraphs"])
    for furniture in ("V.17-06984", "1706984", "页次", "2/9", "联 合 国"):
        assert furniture not in text


def test_the_cop_report_reprinted(tmp_path: Path) -> None:
    catalog = {"kind": "meeting_report"}
    original, reprinted = _both(REPORT_COP6, "CTOC/COP/2012/15", tmp_path, catalog)
    tables = reprinted.tables
    numbers = [p["number"] for p in tables["paragraphs"] if p["kind"] == "paragraph"]
    assert numbers == list(range(1, 128))
    assert [f["number"] for f in tables["footnotes"]] == list(range(1, 31))
    refs = sorted(ref for p in tables["paragraphs"] for ref in p["footnote_refs"])
    assert refs == list(range(1, 31))
    assert [(r["instrument_number"], r["ref"]) for r in tables["resolution_paragraphs"]] == [
        (r["instrument_number"], r["ref"]) for r in original.tables["resolution_paragraphs"]
    ]
    assert len(tables["participants"]) == len(original.tables["participants"])


def _unspaced(text: str) -> str:
    return _SPACE_AFTER_DIGIT.sub("", _SPACE_BEFORE_DIGIT.sub("", text))


def test_raw_is_untouched() -> None:
    assert (RAW / REPORT_WG7.name).read_text(encoding="utf-8").startswith("   2017 年 9 月")
