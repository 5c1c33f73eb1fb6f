"""The command line: usage errors list the choices; every option is described."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import EXTRACT_TABLES, main
from pipeline.schema import TABLES
from pipeline.store import CORPUS_TABLES
from tests.conftest import AGENDA_WG7, ROOT


def test_extract_table_bogus_is_a_usage_error_listing_the_tables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["extract", str(AGENDA_WG7), "--table", "bogus"])
    assert exited.value.code == 2
    listed = ", ".join(f"'{name}'" for name in EXTRACT_TABLES)
    assert f"argument --table: invalid choice: 'bogus' (choose from {listed})" in (
        capsys.readouterr().err
    )


def test_the_extract_tables_are_the_schema_tables_a_document_fills() -> None:
    assert set(EXTRACT_TABLES) == set(TABLES) - set(CORPUS_TABLES)


@pytest.mark.parametrize(
    ("command", "options"),
    [("assemble", ("--raw", "--extracts", "--out")), ("split-catalog", ("--raw", "--out"))],
)
def test_every_option_is_described(
    command: str, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    lines = capsys.readouterr().out.splitlines()
    for option in options:
        (line,) = [line for line in lines if line.strip().startswith(f"{option} ")]
        assert len(line.split(maxsplit=2)) == 3, line  # option, metavar, description


def test_the_build_names_its_findings_and_warns_about_unread_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(AGENDA_WG7, raw / "CTOC_COP_WG.7_2017_1.zh.TXT")
    (raw / "notes.docx").write_bytes(b"PK")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: notes.docx: not read: unsupported file type '.docx'"
        " (the pipeline reads .txt or .pdf, in any case)\n"
    ) in err
    assert "documents: 1 (0 failed)" in err
    assert "  warning: " in err and "raw_files 1" in err


def test_every_relative_link_of_the_readme_resolves() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    relative = [link for link in links if "://" not in link]
    assert "docs/contract.md" in relative
    assert [link for link in relative if not (ROOT / link).exists()] == []


def test_the_corpus_stage_does_not_import_pandas(tmp_path: Path) -> None:
    # pandas costs a corpus stage half a second of start-up and is not used there.
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(AGENDA_WG7, raw / "CTOC_COP_WG.7_2017_1.zh.txt")
    script = (
        "import sys; from pipeline.cli import main;"
        f" code = main(['build', '--raw', {str(raw)!r}, '--out', {str(tmp_path / 'out')!r},"
        " '--quiet']); print(code, 'pandas' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["0", "False"]
