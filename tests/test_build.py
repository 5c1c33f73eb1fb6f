"""End to end: raw/ to Parquet, deterministic, typed; make rebuilds only what changed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.schema import SCHEMA_VERSION, TABLES
from tests.conftest import RAW, ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("processed")
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--quiet"]) == 0
    return out


def test_every_table_has_its_declared_schema(built: Path) -> None:
    for name, table in TABLES.items():
        schema = pq.read_schema(built / f"{name}.parquet")
        assert schema.names == table.names
        for field in table.schema:
            written = schema.field(field.name)
            assert written.type == field.type, (name, field.name)
            assert written.metadata[b"description"] == field.metadata[b"description"]


def test_documents_and_paragraph_counts(built: Path) -> None:
    documents = pq.read_table(built / "documents.parquet").to_pylist()
    assert [d["doc_id"] for d in documents] == [
        "CTOC/COP/2012/15",
        "CTOC/COP/WG.4/2018/1",
        "CTOC/COP/WG.7/2017/1",
        "CTOC/COP/WG.7/2017/5",
        "CTOC/COP/WG.7/2019/4",
    ]
    paragraphs = pq.read_table(built / "paragraphs.parquet").to_pandas()
    numbered = paragraphs[paragraphs.kind == "paragraph"].groupby("doc_id")["number"].apply(list)
    assert numbered["CTOC/COP/WG.7/2017/5"] == list(range(1, 33))
    assert numbered["CTOC/COP/2012/15"] == list(range(1, 128))
    footnotes = pq.read_table(built / "footnotes.parquet").to_pandas()
    cop = footnotes[footnotes.doc_id == "CTOC/COP/2012/15"]
    assert list(cop.number) == list(range(1, 31))


def test_datapackage_lists_tables_counts_and_sources(built: Path) -> None:
    package = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert package["schema_version"] == SCHEMA_VERSION
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(TABLES)
    assert resources["documents"]["rows"] == 5
    assert (
        resources["paragraphs"]["rows"] == pq.read_metadata(built / "paragraphs.parquet").num_rows
    )
    assert {s["path"] for s in package["sources"]} == {
        f"raw/{p.name}" for p in RAW.iterdir() if p.suffix == ".txt"
    }
    assert all(len(s["sha256"]) == 64 for s in package["sources"])


def test_datapackage_declares_table_schema_types_and_keeps_the_arrow_type(built: Path) -> None:
    package = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    paragraphs = resources["paragraphs"]
    assert paragraphs["profile"] == "tabular-data-resource"
    assert "primaryKey" not in paragraphs
    assert paragraphs["schema"]["primaryKey"] == list(TABLES["paragraphs"].key)
    fields = {f["name"]: f for f in paragraphs["schema"]["fields"]}
    assert fields["doc_id"] == {
        "name": "doc_id",
        "type": "string",
        "arrowType": "string",
        "description": "Normalized UN symbol of the source document",
        "constraints": {"required": True},
    }
    assert (fields["number"]["type"], fields["number"]["arrowType"]) == ("integer", "int32")
    assert "constraints" not in fields["number"]
    assert fields["footnote_refs"]["type"] == "array"
    schedule = {f["name"]: f for f in resources["schedule"]["schema"]["fields"]}
    assert (schedule["date"]["type"], schedule["time_start"]["type"]) == ("date", "time")
    assert schedule["time_start"]["arrowType"] == "time32[ms]"


def _frictionless_validate(package: Path) -> subprocess.CompletedProcess[str]:
    """The stock ``frictionless validate`` command of the environment."""
    frictionless = Path(sys.executable).with_name("frictionless")
    return subprocess.run(
        [str(frictionless), "validate", str(package), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_frictionless_validates_the_datapackage(built: Path) -> None:
    done = _frictionless_validate(built / "datapackage.json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["valid"] is True
    assert {task["name"] for task in report["tasks"]} == set(TABLES)


def test_frictionless_rejects_a_package_whose_types_do_not_hold(
    built: Path, tmp_path: Path
) -> None:
    shutil.copy(built / "documents.parquet", tmp_path)
    package = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    documents = next(r for r in package["resources"] if r["name"] == "documents")
    documents["schema"]["fields"][0]["type"] = "integer"  # doc_id holds symbols
    package["resources"] = [documents]
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    done = _frictionless_validate(tmp_path / "datapackage.json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["valid"] is False


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path), "--quiet"]) == 0
    for path in sorted(built.rglob("*")):
        if path.is_file() and path.suffix != ".duckdb":
            again = tmp_path / path.relative_to(built)
            assert again.read_bytes() == path.read_bytes(), path.name
    # DuckDB stamps each file it writes; what it holds is the same.
    assert _duckdb_contents(tmp_path / "untoc.duckdb") == _duckdb_contents(built / "untoc.duckdb")


def test_a_build_reusing_its_caches_writes_what_a_first_build_writes(
    built: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    for out in (tmp_path / "first", tmp_path / "again"):
        build = ["build", "--raw", str(RAW), "--out", str(out), "--work", str(work), "--quiet"]
        assert main(build) == 0
    for name in ("terms.parquet", "topic_suggestions.parquet"):
        assert (tmp_path / "again" / name).read_bytes() == (built / name).read_bytes(), name


def _duckdb_contents(path: Path) -> dict[str, list[tuple]]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        names = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {name: con.execute(f'SELECT * FROM "{name}"').fetchall() for name in sorted(names)}


def test_the_report_is_written(built: Path) -> None:
    report = json.loads((built / "validation" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == 5
    assert report["summary"]["findings"]["error"] == 0
    assert (
        (built / "validation" / "report.md")
        .read_text(encoding="utf-8")
        .startswith("# Validation report")
    )


# --- make: incremental rebuilds ------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project that uses this test run's Python environment."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(
        ROOT / "pipeline", copy / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(RAW, copy / "raw")
    shutil.copy(ROOT / "Makefile", copy / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    venv = copy / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    (venv / ".installed").touch()
    return copy


def _make(project: Path, *args: str) -> tuple[list[str], str]:
    """Run make; return the documents it extracted and its output."""
    done = subprocess.run(
        ["make", "-C", str(project), f"VENV={project / 'venv'}", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    extracted = [
        line.split("pipeline extract ")[1].split()[0].removeprefix("raw/")
        for line in done.stdout.splitlines()
        if "pipeline extract " in line
    ]
    return extracted, done.stdout


def test_make_rebuilds_only_what_changed(project: Path) -> None:
    extracted, _ = _make(project, "-j2")
    assert len(extracted) == 5
    extracted, output = _make(project)
    assert extracted == []
    assert "pipeline assemble" not in output
    # Up to date: make would run no command at all (only its own messages).
    _, dry_run = _make(project, "-n")
    assert [line for line in dry_run.splitlines() if not line.startswith("make")] == []
    # A touched document is extracted again, alone.
    (project / "raw" / "CTOC_COP_WG.4_2018_1.zh.txt").touch()
    extracted, output = _make(project)
    assert extracted == ["CTOC_COP_WG.4_2018_1.zh.txt"]
    assert "pipeline assemble" in output
    # A catalog edit re-extracts the documents whose row changed.
    catalog = project / "raw" / "catalog.csv"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("第六届会议报告,", "第六届会议的报告,"),
        encoding="utf-8",
    )
    extracted, _ = _make(project)
    assert extracted == ["CTOC_COP_2012_15.zh.txt"]
    # A change to a per-document stage re-extracts every document.
    segment = project / "pipeline" / "document" / "segment.py"
    segment.write_text(segment.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    extracted, _ = _make(project)
    assert len(extracted) == 5


def test_make_reads_an_upper_case_extension_like_its_lower_case_twin(project: Path) -> None:
    raw = project / "raw"
    (raw / "CTOC_COP_WG.4_2018_1.zh.txt").rename(raw / "CTOC_COP_WG.4_2018_1.zh.TXT")
    extracted, _ = _make(project)
    assert "CTOC_COP_WG.4_2018_1.zh.TXT" in extracted
    documents = pq.read_table(project / "processed" / "documents.parquet").to_pylist()
    upper = next(row for row in documents if row["doc_id"] == "CTOC/COP/WG.4/2018/1")
    assert (upper["source_file"], upper["source_format"], upper["kind"]) == (
        "CTOC_COP_WG.4_2018_1.zh.TXT",
        "txt",
        "provisional_agenda",
    )
    agenda = pq.read_table(project / "processed" / "agenda_items.parquet").to_pylist()
    assert sum(row["doc_id"] == "CTOC/COP/WG.4/2018/1" for row in agenda) > 0


def test_a_removed_document_leaves_every_table(project: Path) -> None:
    _make(project)
    (project / "raw" / "CTOC_COP_WG.4_2018_1.zh.txt").unlink()
    extracted, output = _make(project)
    assert extracted == []
    assert "pipeline assemble" in output
    for name in TABLES:
        table = pq.read_table(project / "processed" / f"{name}.parquet")
        if name == "meetings":  # a meeting lists its documents
            assert "WG.4/8" not in table.column("meeting_id").to_pylist()
            continue
        assert "CTOC/COP/WG.4/2018/1" not in table.column("doc_id").to_pylist()


def test_a_row_that_does_not_fit_the_schema_is_reported_not_fatal() -> None:
    from pipeline.corpus.write import to_arrow
    from pipeline.schema import TABLES as _TABLES

    good = {"doc_id": "X/1", "cited_symbol": "A/1", "seq": 1, "footnote": None,
            "context": "c", "line_start": 1, "line_end": 1, "page": None}  # fmt: skip
    bad = {**good, "seq": "not a number", "line_start": 2}
    arrow, rejected = to_arrow(_TABLES["citations"], [good, bad])
    assert arrow.num_rows == 1
    assert [row["line_start"] for row, _ in rejected] == [2]


def test_the_duckdb_database_holds_every_table_with_comments_and_views(
    built: Path, tmp_path: Path
) -> None:
    import duckdb

    moved = tmp_path / "elsewhere.duckdb"
    shutil.copy(built / "untoc.duckdb", moved)  # the file answers on its own
    with duckdb.connect(str(moved), read_only=True) as con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        assert tables == set(TABLES)
        comment = con.execute(
            "SELECT comment FROM duckdb_columns()"
            " WHERE table_name = 'paragraphs' AND column_name = 'agenda_item'"
        ).fetchall()
        assert comment == [
            (TABLES["paragraphs"].schema.field("agenda_item").metadata[b"description"].decode(),)
        ]
        meetings = con.execute("SELECT meeting_id, documents FROM meetings").fetchall()
        assert meetings == [
            ("COP/6", ["CTOC/COP/2012/15"]),
            ("WG.4/8", ["CTOC/COP/WG.4/2018/1"]),
            ("WG.7/4", ["CTOC/COP/WG.7/2017/1", "CTOC/COP/WG.7/2017/5"]),
            ("WG.7/6", ["CTOC/COP/WG.7/2019/4"]),
        ]
        topics = con.execute(
            "SELECT topic FROM recommendation_topics WHERE rec_id = 'CTOC/COP/WG.7/2017/5#7'"
        ).fetchall()
        assert ("联合调查小组",) in topics
        mexico = con.execute(
            "SELECT meeting_id, category FROM attendance WHERE iso3 = 'MEX'"
        ).fetchall()
        assert mexico == [("WG.7/4", "state_party")]
        refs = con.execute(
            "SELECT ref FROM instrument_paragraphs WHERE instrument_number = '6/1'"
            " AND instrument = 'resolution' LIMIT 3"
        ).fetchall()
        assert refs == [("formula",), ("pp.1",), ("pp.2",)]
