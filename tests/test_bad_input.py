"""Bad input: each bad file is reported in one line and as an error finding; the
other documents' rows are unchanged and the bad one leaves no partial rows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.schema import TABLES
from tests.conftest import RAW, REPORT_COP6, REPORT_WG7, ROOT, build_command
from tests.pdf_render import encrypt_pdf, image_only_pdf, render_text_pdf, truncate_pdf


def _build(raw: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_command(raw, out),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def _tables(out: Path) -> dict[str, list[dict]]:
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist() for name in TABLES}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("baseline")
    done = _build(RAW, out)
    assert done.returncode == 0, done.stderr
    return _tables(out)


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _report_cop6_pdf(kind: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        pdf = path.with_name("full.pdf.tmp")
        render_text_pdf(
            REPORT_COP6.read_text(encoding="utf-8"),
            pdf,
            symbol="CTOC/COP/2099/1",
            job_number="V.99-00001",
        )
        if kind == "truncated":
            truncate_pdf(pdf, path, keep=0.5)
        pdf.unlink()

    return make


def _encrypted(path: Path) -> None:
    encrypt_pdf(path, "secret")


def _scanned(path: Path) -> None:
    image_only_pdf(path, pages=2)


def _only_furniture(path: Path) -> None:
    path.write_text(
        "\n".join(["CTOC/COP/2099/1", "10 V.99-00001", "", "CTOC/COP/2099/1", "11 V.99-00001"]),
        encoding="utf-8",
    )


def _unknown_kind(path: Path) -> None:
    path.write_text(
        "春天来了，公园里的花都开了。\n孩子们在草地上放风筝，老人们在树下下棋。\n", encoding="utf-8"
    )


BAD_INPUTS = {
    "empty": ("CTOC_COP_2099_1.zh.txt", _write(b""), "empty file"),
    "random bytes": (
        "CTOC_COP_2099_2.zh.txt",
        _write(bytes((i * 97 + 13) % 256 for i in range(20000))),
        "not readable as UTF-8, UTF-16 or GB18030 text",
    ),
    "truncated pdf": ("CTOC_COP_2099_3.zh.pdf", _report_cop6_pdf("truncated"), "truncated PDF"),
    "encrypted pdf": ("CTOC_COP_2099_4.zh.pdf", _encrypted, "encrypted PDF"),
    "scanned pdf": ("CTOC_COP_2099_5.zh.pdf", _scanned, "OCR"),
    "unknown kind": ("CTOC_COP_2099_6.zh.txt", _unknown_kind, "not a document kind"),
    "only furniture": ("CTOC_COP_2099_7.zh.txt", _only_furniture, "no body text"),
}


@pytest.fixture(scope="module")
def bad_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One build of the seeds with every bad file of BAD_INPUTS beside them."""
    folder = tmp_path_factory.mktemp("bad")
    raw = folder / "raw"
    shutil.copytree(RAW, raw)
    for name, make, _ in BAD_INPUTS.values():
        make(raw / name)
    out = folder / "out"
    return _build(raw, out), out


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_a_bad_file_is_reported_in_one_line_and_one_finding(
    case: str, bad_build: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    name, _, reason = BAD_INPUTS[case]
    done, out = bad_build
    errors = [line for line in done.stderr.splitlines() if line.startswith(f"error: {name}: ")]
    assert len(errors) == 1
    assert reason in errors[0]
    report = json.loads((out / "validation" / "report.json").read_text(encoding="utf-8"))
    found = [f for f in report["findings"] if f["severity"] == "error" and name in f["message"]]
    assert len(found) == 1


def test_bad_files_leave_the_rest_of_the_corpus_as_it_was(
    bad_build: tuple[subprocess.CompletedProcess[str], Path], baseline: dict[str, list[dict]]
) -> None:
    done, out = bad_build
    assert done.returncode == 1  # error findings exist, everything else was written
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(BAD_INPUTS)
    assert "Traceback" not in done.stderr
    report = json.loads((out / "validation" / "report.json").read_text(encoding="utf-8"))
    assert sum(f["severity"] == "error" for f in report["findings"]) == len(BAD_INPUTS)
    # No partial rows from a bad file: every table is the seeds' own.
    assert _tables(out) == baseline


def test_other_encodings_give_the_same_rows(
    tmp_path: Path, baseline: dict[str, list[dict]]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = REPORT_WG7.read_text(encoding="utf-8")
    (raw / REPORT_WG7.name).write_bytes(text.encode("gb18030"))
    cop = REPORT_COP6.read_text(encoding="utf-8")
    (raw / REPORT_COP6.name).write_bytes(cop.encode("utf-16"))
    out = tmp_path / "out"
    assert _build(raw, out).returncode == 0
    tables = _tables(out)
    for name in TABLES:
        if name == "documents":
            continue
        assert tables[name] == baseline[name], name
    changed = {d["doc_id"]: d["source_sha256"] for d in tables["documents"]}
    original = {d["doc_id"]: d["source_sha256"] for d in baseline["documents"]}
    assert changed["CTOC/COP/WG.7/2017/5"] != original["CTOC/COP/WG.7/2017/5"]


def test_catalog_rows_naming_missing_or_outside_files(
    tmp_path: Path, baseline: dict[str, list[dict]]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    with (raw / "catalog.csv").open("a", encoding="utf-8") as catalog:
        catalog.write("../secret.txt,CTOC/COP/2099/9,zh,,,,,,,\n")
        catalog.write("CTOC_COP_2099_8.zh.txt,CTOC/COP/2099/8,zh,,,,,,,\n")
    out = tmp_path / "out"
    done = _build(raw, out)
    assert done.returncode == 1
    report = json.loads((out / "validation" / "report.json").read_text(encoding="utf-8"))
    messages = sorted(f["message"] for f in report["findings"] if f["severity"] == "error")
    assert messages == [
        "catalog.csv line 4: file '../secret.txt' is outside raw/",
        "catalog.csv line 5: file 'CTOC_COP_2099_8.zh.txt' does not exist in raw/",
    ]
    assert _tables(out) == baseline


def test_a_huge_file_is_refused_in_bounded_memory(
    tmp_path: Path, baseline: dict[str, list[dict]]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = REPORT_COP6.read_bytes()
    with (raw / "CTOC_COP_2099_9.zh.txt").open("wb") as huge:
        for _ in range(50 * 1024 * 1024 // len(text) + 1):
            huge.write(text)
    out = tmp_path / "out"
    returncode, _, stderr = _pipeline(["build", "--raw", str(raw), "--out", str(out), "--quiet"])
    assert returncode == 1
    # The file is refused before it is read: extracting it takes no more memory
    # than extracting a small agenda (its 50 MB never come in).
    small = RAW / "CTOC_COP_WG.7_2017_1.zh.txt"
    _, small_kib, _ = _pipeline(["extract", str(small), "--output", str(tmp_path / "a.parquet")])
    huge = raw / "CTOC_COP_2099_9.zh.txt"
    _, huge_kib, refusal = _pipeline(
        ["extract", str(huge), "--output", str(tmp_path / "b.parquet")]
    )
    assert "MB limit for one document" in refusal
    assert huge_kib < small_kib + 25 * 1024
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: CTOC_COP_2099_9.zh.txt: 5")
    assert "MB limit for one document" in errors[0]
    assert _tables(out) == baseline


def _pipeline(args: list[str]) -> tuple[int, int, str]:
    """``pipeline ARGS`` in a child process: its exit status, its peak memory
    (KiB) and its stderr."""
    script = (
        "import resource, subprocess, sys\n"
        f"done = subprocess.run([sys.executable, '-m', 'pipeline', *{args!r}],"
        " capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, peak)\n"
        "sys.stderr.write(done.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    returncode, peak_kib = (int(value) for value in done.stdout.split())
    return returncode, peak_kib, done.stderr


def test_a_document_over_the_time_limit_is_reported_and_skipped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(REPORT_COP6, raw / REPORT_COP6.name)
    (raw / "catalog.csv").write_text(
        "file,symbol,kind\nCTOC_COP_2012_15.zh.txt,CTOC/COP/2012/15,meeting_report\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = subprocess.run(
        build_command(raw, out, "--max-seconds", "0.001"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    assert "error: CTOC_COP_2012_15.zh.txt: took longer than the 0.001 s limit" in done.stderr
    assert pq.read_table(out / "paragraphs.parquet").num_rows == 0
