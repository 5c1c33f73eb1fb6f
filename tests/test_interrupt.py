"""A build killed at any moment leaves each output either old and whole or new and
whole; the next run finishes the job."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import RAW, ROOT, build_command
from tests.test_build import _make, project  # noqa: F401 (fixture)

OUTPUTS = [
    *(f"{name}.parquet" for name in ("documents", "paragraphs", "participants", "index_entries")),
    "datapackage.json",
    "validation/report.json",
]


def _build(raw: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        build_command(raw, out),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_kill_9_during_a_build(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert _build(raw, out).wait() == 0
    old = _snapshot(out)
    # The new corpus has one document fewer.
    (raw / "CTOC_COP_WG.4_2018_1.zh.txt").unlink()
    started = time.monotonic()
    assert _build(raw, reference).wait() == 0
    duration = time.monotonic() - started
    new = _snapshot(reference)
    changed = ("documents.parquet", "paragraphs.parquet", "datapackage.json")
    assert all(old[name] != new[name] for name in changed)
    for share in (0.1, 0.3, 0.5, 0.65, 0.8, 0.9, 0.97):
        process = _build(raw, out)
        time.sleep(duration * share)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for name in OUTPUTS:
            assert (out / name).read_bytes() in (old[name], new[name]), (share, name)
    assert _build(raw, out).wait() == 0
    assert _snapshot(out) == new
    assert not list(out.glob(".*.tmp"))


def test_kill_9_during_make_then_make_finishes(project: Path) -> None:  # noqa: F811
    reference = project.parent / "reference"
    shutil.copytree(project, reference, symlinks=True)
    _make(reference)
    command = ["make", "-C", str(project), f"VENV={project / 'venv'}", "-j2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    # Kill make and everything it started.
    subprocess.run(["pkill", "-9", "-f", str(project)], check=False)
    process.kill()
    process.wait()
    _make(project)
    for name in OUTPUTS:
        assert (project / "processed" / name).read_bytes() == (
            reference / "processed" / name
        ).read_bytes(), name
