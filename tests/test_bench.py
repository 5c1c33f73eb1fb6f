"""The benchmark's corpus generator: distinct, deterministic documents that the
pipeline reads like the seeds (functional only; nothing here is timed)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.corpus import generate, load_seeds, make_document, render_pdfs, write_corpus
from bench.run import format_table
from pipeline.catalog import load_catalog
from pipeline.document.driver import extract_document
from tests.conftest import RAW


def test_three_generated_documents_build_like_the_seeds(tmp_path: Path) -> None:
    seeds = load_seeds(RAW)
    documents = list(generate(seeds, 3))
    assert len({d.symbol for d in documents}) == 3
    assert [d.seed for d in documents] == [s.file for s in seeds[:3]]
    write_corpus(documents, tmp_path)
    catalog = load_catalog(tmp_path / "catalog.csv", tmp_path)
    assert catalog.findings == []
    for document in documents:
        result = extract_document(tmp_path / document.file, catalog.row(document.file))
        assert not result.failed, result.findings
        assert result.doc_id == document.symbol
        assert result.tables["paragraphs"]


def test_generation_is_deterministic_and_renumbers(tmp_path: Path) -> None:
    seeds = load_seeds(RAW)
    first = list(generate(seeds, 3, start=15))
    assert first == list(generate(seeds, 3, start=15))
    # Document 5 is the COP report 28 years on: years and sessions moved.
    cop = make_document(seeds, 5)
    assert cop.symbol == "CTOC/COP/2040/500"
    assert "2040 年 10 月 15 日" in cop.text and "2012 年" not in cop.text
    assert "第二十届会议" in cop.catalog["title"]
    assert "第 20/1 号决议" in cop.text
    # Document 0 is the same report, the same year: only enumerations moved,
    # each within its line.
    same = make_document(seeds, 0)
    seed = next(s for s in seeds if s.file == same.seed)
    assert same.text != seed.text
    pairs = list(zip(same.text.split("\n"), seed.text.split("\n"), strict=True))
    assert all(sorted(new.split("、")) == sorted(old.split("、")) for new, old in pairs)


def test_working_group_documents_take_another_body(tmp_path: Path) -> None:
    seeds = load_seeds(RAW)
    # Document 1 is the agenda of the trafficking working group (WG.4), here
    # issued by the first working group of bodies.csv.
    agenda = make_document(seeds, 1)
    assert agenda.symbol.startswith("CTOC/COP/WG.2/2018/")
    assert "贩运人口问题工作组" not in agenda.text
    assert "技术援助问题工作组第八次会议" in agenda.text


def test_pdf_renditions_read_back(tmp_path: Path) -> None:
    seeds = load_seeds(RAW)
    documents = [make_document(seeds, 1)]
    files, pages = render_pdfs(documents, tmp_path, pages=1)
    assert [f.name for f in files] == [documents[0].file.replace(".txt", ".pdf")]
    assert pages >= 1
    result = extract_document(files[0], {})
    assert not result.failed, result.findings
    assert result.doc_id == documents[0].symbol


def test_the_table_puts_each_figure_beside_its_target_and_says_whether_it_is_met() -> None:
    run = {
        "size": 100,
        "executor": "local",
        "workers": 1,
        "extract_mb_s": 3.0,
        "extract_s": 1.0,
        "assemble_s": 0.5,
        "assemble_mb_s": 4.6,
        "peak_rss_mb": 200.0,
        "peak_child_rss_mb": 0.0,
    }
    # At 1,000 documents the process and its workers together held more.
    larger = {**run, "size": 1000, "peak_tree_rss_mb": 2100.0}
    results = {
        "text": [run, larger],
        "scaling": {"identical": True, "local_speedup": 1.9, "dask_speedup": 1.7},
        "pdf": {
            "pages": 200,
            "extract_pdfium_pages_s": 160.0,
            "pipeline_pages_s": 80.0,
            "pypdfium2_text_pages_s": 1000.0,
            "pdfplumber_extract_text_pages_s": 20.0,
            "read_pdfium_pages_s": 150.0,
            "read_pdfplumber_pages_s": 30.0,
            "engines_identical": True,
        },
        "make": [{"documents": 1000, "noop_s": 0.05, "add_one_s": 3.0}],
    }
    lines = format_table(results).splitlines()

    def line(label: str) -> str:
        return next(line for line in lines if line.startswith(label))

    assert "3.00 MB/s/core (1.0 s) met" in line("N=100: per-document stage, text")
    assert ">= 2.5 MB/s/core" in line("N=100: per-document stage, text")
    assert "4.6 MB/s (0.5 s) NOT met" in line("N=100: corpus stage (first build)")
    assert "200 MB met" in line("N=100: peak memory")
    assert "2100 MB NOT met" in line("N=1000: peak memory")
    assert "x10.50" in line("peak memory, smallest -> largest N")
    assert "local processes 1.90x, dask 1.70x met" in line("speed-up of extraction")
    assert "160 pages/s/core met (end to end 80)" in line("PDF, 200 pages")
    assert "pdfplumber extract_text 20.0" in line("  PDF reader only")
    assert "0.050 s met" in line("no-op make (1000 documents)")
    assert "3.00 s NOT met" in line("make after adding 1 report to 1000")


def test_the_memory_of_worker_processes_counts_with_the_process() -> None:
    import os
    import subprocess
    import sys

    from bench.measure import _tree_rss_kb

    alone = _tree_rss_kb(os.getpid())
    # A child that holds 200 MB until told to stop.
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; b = bytearray(200 << 20); sys.stdin.read()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            with_child = _tree_rss_kb(os.getpid())
            if with_child - alone > 180 << 10:
                break
            time.sleep(0.05)
        assert with_child - alone > 180 << 10
    finally:
        child.communicate(b"")
