"""raw/catalog.csv and the files of raw/: nothing is ignored without a word."""

from __future__ import annotations

from pathlib import Path

from pipeline.catalog import load_catalog, raw_files, unsupported_files

KINDS = "background_paper, document, meeting_report, note, provisional_agenda, recommendation_index"


def _catalog(raw: Path, text: str) -> Path:
    raw.mkdir(exist_ok=True)
    (raw / "CTOC_COP_2030_1.zh.txt").write_text("第一届会议报告\n", encoding="utf-8")
    path = raw / "catalog.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_column_is_an_error_naming_the_header_and_the_columns(tmp_path: Path) -> None:
    path = _catalog(tmp_path, "file,Kind,un_symbol\nCTOC_COP_2030_1.zh.txt,note,X/1\n")
    (finding,) = load_catalog(path, tmp_path).findings
    assert (finding.severity, finding.check, finding.line) == ("error", "catalog", 1)
    assert finding.message == (
        "catalog.csv line 1: unknown column 'Kind', 'un_symbol' in the header; the columns are"
        " file, symbol, language, kind, title, body, meeting_number, venue, distribution_date, note"
    )


def test_a_misspelt_file_column_is_an_error_too(tmp_path: Path) -> None:
    path = _catalog(tmp_path, "filename,kind\nCTOC_COP_2030_1.zh.txt,note\n")
    messages = [finding.message for finding in load_catalog(path, tmp_path).findings]
    assert messages[0].startswith("catalog.csv line 1: unknown column 'filename' in the header")
    assert messages[1] == "catalog.csv line 2: row without a file name"


def test_an_unknown_kind_is_an_error_naming_the_line_and_the_kinds(tmp_path: Path) -> None:
    path = _catalog(tmp_path, "file,kind\nCTOC_COP_2030_1.zh.txt,minutes\n")
    catalog = load_catalog(path, tmp_path)
    (finding,) = catalog.findings
    assert finding.severity == "error"
    assert finding.message == (
        f"catalog.csv line 2: unknown kind 'minutes'; the kinds are {KINDS} (pipeline/data/kinds.csv)"
    )
    assert catalog.row("CTOC_COP_2030_1.zh.txt") == {}


def test_upper_case_extensions_are_read_and_other_types_are_warned_about(tmp_path: Path) -> None:
    for name in ("A_1.zh.TXT", "A_2.zh.PDF", "A_3.zh.txt", "notes.docx", "read.md", "x.html"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "catalog.csv").write_text("file\n", encoding="utf-8")
    assert [path.name for path in raw_files(tmp_path)] == ["A_1.zh.TXT", "A_2.zh.PDF", "A_3.zh.txt"]
    findings = unsupported_files(tmp_path)
    assert {finding.severity for finding in findings} == {"warning"}
    assert [finding.message for finding in findings] == [
        f"{name}: not read: unsupported file type '{suffix}' (the pipeline reads .txt or .pdf, in any case)"
        for name, suffix in (("notes.docx", ".docx"), ("read.md", ".md"), ("x.html", ".html"))
    ]
