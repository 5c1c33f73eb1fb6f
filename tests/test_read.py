"""Ingest: text files in any common encoding give the same lines; bad bytes are refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.document.read import read_document
from pipeline.errors import IngestError
from tests.conftest import REPORT_WG7


def _lines(path: Path) -> list[tuple[str, float]]:
    return [(line.text, line.indent) for line in read_document(path).lines]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", b""),
    ],
)
def test_other_encodings_give_the_same_lines(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = REPORT_WG7.read_text(encoding="utf-8")
    copy = tmp_path / REPORT_WG7.name
    copy.write_bytes(prefix + text.encode(encoding))
    document = read_document(copy)
    assert _lines(copy) == _lines(REPORT_WG7)
    assert document.sha256 != read_document(REPORT_WG7).sha256
    assert "偷运移民问题工作组" in document.lines[0].text


def test_lines_keep_numbers_and_indentation() -> None:
    lines = read_document(REPORT_WG7).lines
    assert lines[4].number == 5
    assert lines[4].text == " 一. 导言"
    assert lines[4].indent == 1.0
    assert lines[8].text.startswith("1. 依照联合国打击跨国有组织犯罪公约")
    assert lines[8].indent == 0.0


def test_form_feeds_number_pages(tmp_path: Path) -> None:
    path = tmp_path / "X_1.zh.txt"
    path.write_text("第一页\n\f第二页\n更多\n\f第三页\n", encoding="utf-8")
    pages = [(line.text, line.page) for line in read_document(path).lines]
    assert pages == [("第一页", 1), ("第二页", 2), ("更多", 2), ("第三页", 3)]


def test_random_bytes_are_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(IngestError) as error:
        read_document(path)
    message = str(error.value)
    assert message.startswith("noise.txt: ")
    assert "\n" not in message


def test_latin1_is_not_turned_into_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Réunion à Genève: ÿþýüûúùø ÷öõôóòñð ïîíìëêéè".encode("latin-1") * 30)
    with pytest.raises(IngestError, match=r"latin\.txt: not readable"):
        read_document(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(IngestError, match=r"empty\.txt: empty file"):
        read_document(path)


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match=r"unsupported file type '\.docx'"):
        read_document(path)
