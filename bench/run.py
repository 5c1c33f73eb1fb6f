"""``python -m bench``: how fast the pipeline is, each figure beside its
target or its reference.

It generates a corpus from the seeds (:mod:`bench.corpus`), then, each
measurement in a fresh interpreter (whose start is not counted):

* the text path end to end (extract and assemble) for N = 100 and 1,000
  documents in one process; the per-document stage alone for 1,000 in two
  local processes and on a Dask LocalCluster of one and of two workers, whose
  results must equal those of one process (assembling reads nothing else);
  and the 100 on two Dask workers end to end, whose tables must be identical
  byte for byte;
* the PDF path on the renditions of generated documents (at least 200 pages),
  beside pypdfium2's raw text extraction and pdfplumber's ``extract_text`` on
  the same files, and whether the two engines give the same tables;
* ``make`` on the 1,000-document corpus: nothing to do, and one report added
  (the project is first brought to the state a full ``make`` leaves: the
  extracts written in bulk, the tables of the 1,000-document run).

Results go to ``build/bench/results.json``; a table is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.corpus import Document, generate, load_seeds, render_pdfs, write_catalog, write_corpus

# Targets of the issue, for a machine with 2 cores.
TARGET_TEXT_MB_S_PER_CORE = 10.0
TARGET_PDF_PAGES_S_PER_CORE = 100.0
TARGET_NOOP_MAKE_S = 0.3
TARGET_ADD_ONE_S = 2.0
ROOT = Path(__file__).resolve().parents[2]
MB = 1e6


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the pipeline on a corpus generated from the seeds.",
    )
    parser.add_argument("--raw", type=Path, default=ROOT / "raw", help="seed documents")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="work folder")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100, 1000], help="text corpus sizes"
    )
    parser.add_argument("--pdf-pages", type=int, default=200, help="pages of PDF to read")
    parser.add_argument("--jobs", type=int, default=2, help="workers for the parallel runs")
    parser.add_argument("--profile", action="store_true", help="also cProfile the text path")
    args = parser.parse_args(argv)
    results = run(args.raw, args.out, args.sizes, args.pdf_pages, args.jobs, args.profile)
    print(format_table(results))
    print(f"\nresults: {args.out / 'results.json'}")
    return 0


def run(
    raw: Path, out: Path, sizes: Sequence[int], pdf_pages: int, jobs: int, profile: bool
) -> dict[str, Any]:
    """Every measurement; writes ``out/results.json`` and returns its content."""
    out.mkdir(parents=True, exist_ok=True)
    largest = max(sizes)
    seeds = load_seeds(raw)
    started = time.perf_counter()
    documents = list(generate(seeds, largest))
    corpora: dict[int, Path] = {}
    for size in sorted(sizes):
        corpora[size] = _fresh(out / "corpus" / f"text-{size}")
        write_corpus(documents[:size], corpora[size])
    pdf_dir = _fresh(out / "corpus" / "pdf")
    pdf_files, planned_pages = render_pdfs(documents, pdf_dir, pdf_pages)
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "corpus": {
            "seeds": [seed.file for seed in seeds],
            "sizes": {
                str(size): {"documents": size, "bytes": sum(d.size for d in documents[:size])}
                for size in sizes
            },
            "pdf": {"files": len(pdf_files), "pages": planned_pages},
            "generate_s": round(time.perf_counter() - started, 3),
        },
        "targets": {
            "text_mb_s_per_core": TARGET_TEXT_MB_S_PER_CORE,
            "pdf_pages_s_per_core": TARGET_PDF_PAGES_S_PER_CORE,
            "noop_make_s": TARGET_NOOP_MAKE_S,
            "add_one_s": TARGET_ADD_ONE_S,
        },
        "text": [],
    }
    _log("corpus generated", results["corpus"])

    smallest = min(sizes)
    for size in sorted(sizes):
        results["text"].append(_text_run(corpora[size], out, size, "local", 1))
    # Where the per-document stage runs: the same results, faster with workers.
    runs = [("local", jobs), ("dask", 1), ("dask", jobs)]
    for executor, workers in runs:
        results["text"].append(
            _text_run(corpora[largest], out, largest, executor, workers, assemble=False)
        )
    reference = _find(results["text"], largest, "local", 1)
    results["executors_same_results"] = all(
        _find(results["text"], largest, executor, workers)["results_sha256"]
        == reference["results_sha256"]
        for executor, workers in runs
    )
    results["text"].append(_text_run(corpora[smallest], out, smallest, "dask", jobs))
    differing = _differing(
        _tables_dir(out, smallest, "local", 1), _tables_dir(out, smallest, "dask", jobs)
    )
    results["executors_tables_differ"] = differing
    results["executors_identical"] = results["executors_same_results"] and not differing
    one = _find(results["text"], largest, "dask", 1)
    two = _find(results["text"], largest, "dask", jobs)
    results["dask_speedup"] = round(one["extract_s"] / two["extract_s"], 2)
    local = _find(results["text"], largest, "local", jobs)
    results["local_speedup"] = round(reference["extract_s"] / local["extract_s"], 2)

    results["pdf"] = _child("pdf", {"pdf": str(pdf_dir), "out": str(out / "tables-pdf")})
    _log("pdf", results["pdf"])

    results["make"] = _make_runs(
        out, corpora[largest], _tables_dir(out, largest, "local", 1), seeds, documents, jobs
    )
    _log("make", results["make"])

    if profile:
        results["profile"] = _child(
            "profile", {"raw": str(corpora[min(sizes)]), "out": str(out / "profile.txt")}
        )
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


# --- text ---------------------------------------------------------------------


def _text_run(
    raw: Path, out: Path, size: int, executor: str, workers: int, *, assemble: bool = True
) -> dict[str, Any]:
    tables = _tables_dir(out, size, executor, workers)
    shutil.rmtree(tables, ignore_errors=True)
    params = {
        "raw": str(raw),
        "out": str(tables),
        "executor": executor,
        "workers": workers,
        "assemble": assemble,
    }
    measured = _child("text", params)
    measured.update(size=size, executor=executor, workers=workers, assembled=assemble)
    _log(f"text N={size} {executor} x{workers}", measured)
    return measured


def _tables_dir(out: Path, size: int, executor: str, workers: int) -> Path:
    return out / "tables" / f"text-{size}-{executor}-{workers}"


def _find(runs: list[dict[str, Any]], size: int, executor: str, workers: int) -> dict[str, Any]:
    return next(
        r
        for r in runs
        if r["size"] == size and r["executor"] == executor and r["workers"] == workers
    )


# --- make ---------------------------------------------------------------------


def _make_runs(
    out: Path,
    corpus: Path,
    tables: Path,
    seeds: Sequence[Any],
    documents: list[Document],
    jobs: int,
) -> dict[str, Any]:
    """A project folder with the corpus as raw/, brought to the state a full
    ``make`` leaves, then timed ``make`` runs: a no-op, one report added."""
    size = len(list(corpus.glob("*.txt")))
    work = _fresh(out / "make")
    for name in ("pipeline", "pyproject.toml", "Makefile"):
        (work / name).symlink_to(ROOT / name)
    shutil.copytree(corpus, work / "raw")
    venv = _shim_venv(work / "venv")
    make = ["make", "--no-print-directory", "-C", str(work), f"VENV={venv}"]
    _run([*make, "build/catalog.stamp"])
    # What make would write one process per file, written here in bulk (the
    # same function on the same catalog rows), and the tables assembled from
    # the same results by the text run: a full make takes far longer.
    seeded = _child("seed-extracts", {"work": str(work), "jobs": jobs})
    shutil.copytree(tables, work / "processed")
    (work / "build" / "assembled.stamp").touch()
    noop = []
    for _ in range(5):
        seconds, output = _timed(make)
        if "pipeline " in output:
            raise RuntimeError("a second make was not a no-op:\n" + output)
        noop.append(seconds)
    # One more report arrives (with its catalog row, if it needs one).
    new = next(generate(seeds, 1, start=size))
    if new.file in {d.file for d in documents[:size]}:
        raise RuntimeError(f"{new.file} is already in the corpus")
    (work / "raw" / new.file).write_text(new.text, encoding="utf-8")
    if new.catalog:
        write_catalog([*documents[:size], new], work / "raw" / "catalog.csv")
    add_one_s, output = _timed(make)
    extracted = [line for line in output.splitlines() if "pipeline extract " in line]
    return {
        "documents": size,
        "seed_extracts_s": seeded["seconds"],
        "noop_s": round(statistics.median(noop), 3),
        "noop_runs_s": [round(s, 3) for s in noop],
        "add_one_s": round(add_one_s, 3),
        "add_one_file": new.file,
        "add_one_extracted": len(extracted),
    }


def _shim_venv(venv: Path) -> Path:
    """A venv folder whose python is this interpreter, already "installed"."""
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    (venv / ".installed").touch()
    return venv


def _timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    output = _run(command)
    return time.perf_counter() - started, output


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


# --- children -----------------------------------------------------------------


def _child(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is JSON."""
    command = [sys.executable, "-m", "bench.measure", kind, json.dumps(params)]
    output = _run(command)
    return json.loads(output.strip().splitlines()[-1])


def _same_tree(left: Path, right: Path) -> bool:
    """Byte-identical folders."""
    return not _differing(left, right)


def _differing(left: Path, right: Path) -> list[str]:
    """The files that are not byte-identical in both folders (or only in one)."""
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right) for p in right.rglob("*") if p.is_file()}
    return sorted(
        str(name)
        for name in names
        if not (left / name).is_file()
        or not (right / name).is_file()
        or (left / name).read_bytes() != (right / name).read_bytes()
    )


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _log(what: str, values: dict[str, Any]) -> None:
    print(f"[bench] {what}: {json.dumps(values)}", file=sys.stderr, flush=True)


# --- report -------------------------------------------------------------------


def format_table(results: dict[str, Any]) -> str:
    """The figures, each beside its target or reference, as a plain-text table."""
    rows: list[tuple[str, str, str]] = []
    for r in results["text"]:
        label = f"text N={r['size']}, {r['executor']} x{r['workers']}"
        per_core = r["mb_s"] / r["workers"]
        if r.get("assembled", True):
            figure = (
                f"{r['docs_s']:.0f} docs/s, {r['mb_s']:.2f} MB/s = {per_core:.2f} MB/s/core"
                f" (extract {r['extract_s']:.1f} s + assemble {r['assemble_s']:.1f} s)"
            )
        else:
            figure = (
                f"extract only: {r['docs_s']:.0f} docs/s, {r['mb_s']:.2f} MB/s"
                f" = {per_core:.2f} MB/s/core ({r['extract_s']:.1f} s)"
            )
        rows.append((label, figure, f"target {TARGET_TEXT_MB_S_PER_CORE:g} MB/s/core"))
        rows.append(
            (
                "  peak memory",
                f"{r['peak_rss_mb']:.0f} MB (workers {r['peak_child_rss_mb']:.0f} MB)",
                "flat in N",
            )
        )
    rows.append(
        (
            "executors give identical tables",
            "yes" if results["executors_identical"] else "NO",
            "identical",
        )
    )
    rows.append(
        (
            "speed-up of extraction, 1 -> 2 workers",
            f"dask {results['dask_speedup']:.2f}x, local processes"
            f" {results.get('local_speedup', 0):.2f}x",
            "2x ideal",
        )
    )
    pdf = results["pdf"]
    rows.append(
        (
            f"PDF {pdf['pages']} pages, pipeline end to end (pdfium)",
            f"{pdf['pipeline_pages_s']:.0f} pages/s/core"
            f" (extract only {pdf.get('extract_pdfium_pages_s', 0):.0f})",
            f"target {TARGET_PDF_PAGES_S_PER_CORE:g}; pypdfium2 raw text"
            f" {pdf['pypdfium2_text_pages_s']:.0f}, pdfplumber extract_text"
            f" {pdf['pdfplumber_extract_text_pages_s']:.1f}",
        )
    )
    rows.append(
        (
            "  PDF reader only (pdfium / pdfplumber chars)",
            f"{pdf['read_pdfium_pages_s']:.0f} / {pdf['read_pdfplumber_pages_s']:.1f} pages/s",
            "same references",
        )
    )
    rows.append(
        (
            "  both engines give the same tables",
            "yes" if pdf["engines_identical"] else "NO",
            "identical",
        )
    )
    make = results["make"]
    rows.append(
        (
            f"no-op make ({make['documents']} documents)",
            f"{make['noop_s']:.3f} s",
            f"target < {TARGET_NOOP_MAKE_S:g} s",
        )
    )
    rows.append(
        (
            f"make after adding 1 report to {make['documents']}",
            f"{make['add_one_s']:.2f} s",
            f"target < {TARGET_ADD_ONE_S:g} s",
        )
    )
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    lines = [f"{'measure':<{width}}  {'measured':<{value_width}}  target / reference"]
    lines.append("-" * len(lines[0]))
    lines += [f"{a:<{width}}  {b:<{value_width}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
