"""``python -m bench``: how fast the pipeline is, each figure beside its
target and the figure it replaces.

It generates a corpus from the seeds (:mod:`bench.corpus`), then runs the
measurements asked for (``--only``; all by default), each in a fresh
interpreter whose start is not counted:

* ``text``: for each size (``--sizes``, default 1,000 and 10,000 documents)
  the per-document stage in one process, each result written as its fragment
  and let go, then the corpus stage over the fragments; its throughput and
  the peak memory of the process (flat in N is the target), and the corpus
  stage once more from cold caches and warm;
* ``scaling``: the per-document stage alone on ``--scaling-size`` documents in
  one and two local processes and on a Dask LocalCluster of one and two
  workers, whose results must be the same; and the smallest size on two Dask
  workers end to end, whose tables must be identical byte for byte;
* ``pdf``: the PDF path on the renditions of generated documents (at least
  ``--pdf-pages`` pages), beside pypdfium2's raw text and pdfplumber's
  ``extract_text`` on the same files, and whether both engines give the same
  tables;
* ``make``: for each size, a project brought to the state a full ``make``
  leaves (the text run's fragments, then one untimed corpus stage in the
  project), then ``make`` with nothing to do and ``make`` after one report is
  added;
* ``profile``: cProfile of the per-document stage on the smallest size.

The machine is shared: timed runs are repeated where cheap (``--repeat``) and
their median is reported. Results go to ``build/bench/results.json``; a
table is printed at the end.
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

# The targets, for this machine with 2 cores.
TARGETS = {
    "text_mb_s_per_core": 2.5,
    "corpus_mb_s": 50.0,
    "pdf_pages_s_per_core": 150.0,
    "speedup_2_workers": 1.8,
    "peak_memory_mb": 2000.0,
    "noop_make_s": 0.3,
    "add_one_s": 2.0,
}
# The figures the two stages replace (the single-process assembly, 1,000
# documents, README "Speed and scale-out" before this bench was rewritten).
BEFORE = {
    "text_mb_s_per_core": "1.35 (end to end 0.18)",
    "corpus_mb_s": "0.21 (assemble 108 s for 23 MB)",
    "pdf_pages_s_per_core": "133",
    "speedup_2_workers": "-",
    "peak_memory_mb": "0.7 GB at 100 -> 5.1 GB at 1,000",
    "noop_make_s": "0.19",
    "add_one_s": "110",
}
MEASUREMENTS = ("text", "scaling", "pdf", "make", "profile")
ROOT = Path(__file__).resolve().parents[1]
MB = 1e6


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the pipeline on a corpus generated from the seeds.",
    )
    parser.add_argument("--raw", type=Path, default=ROOT / "raw", help="seed documents")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="work folder")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=MEASUREMENTS,
        default=list(MEASUREMENTS),
        help="measurements to run (default all)",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000], help="text corpus sizes"
    )
    parser.add_argument(
        "--scaling-size", type=int, default=1000, help="documents of the worker runs"
    )
    parser.add_argument("--pdf-pages", type=int, default=200, help="pages of PDF to read")
    parser.add_argument("--jobs", type=int, default=2, help="workers for the parallel runs")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each make timing")
    parser.add_argument(
        "--no-again",
        action="store_true",
        help="skip the corpus stage's second run (cold and warm caches) after the text run",
    )
    args = parser.parse_args(argv)
    results = run(args)
    print(format_table(results))
    print(f"\nresults: {args.out / 'results.json'}")
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The measurements asked for; writes ``out/results.json`` and returns its content."""
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only)
    sizes = sorted(set(args.sizes))
    if "scaling" in only:
        sizes = sorted({*sizes, args.scaling_size})
    largest = max(sizes)
    seeds = load_seeds(args.raw)
    started = time.perf_counter()
    documents = list(generate(seeds, largest))
    corpora: dict[int, Path] = {}
    for size in sizes:
        corpora[size] = out / "corpus" / f"text-{size}"
        if _corpus_is(corpora[size], documents[:size]):
            continue
        write_corpus(documents[:size], _fresh(corpora[size]))
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "corpus": {
            "seeds": [seed.file for seed in seeds],
            "sizes": {
                str(size): {"documents": size, "bytes": sum(d.size for d in documents[:size])}
                for size in sizes
            },
            "generate_s": round(time.perf_counter() - started, 3),
        },
        "targets": TARGETS,
        "before": BEFORE,
        "only": sorted(only),
        "text": [],
    }
    _log("corpus generated", results["corpus"])

    text_sizes = sorted(set(args.sizes))
    if "text" in only or "make" in only:
        for size in text_sizes:
            results["text"].append(_text_run(corpora[size], out, size, "local", 1))
    if "text" in only and not args.no_again:
        results["corpus_again"] = {}
        for size in text_sizes:
            params = {
                "raw": str(corpora[size]),
                "out": str(out / "tables" / f"text-{size}-again"),
                "work": str(_copy_fragments(out, size)),
            }
            again = _child("assemble-again", params)
            results["corpus_again"][str(size)] = again
            _log(f"corpus stage again N={size}", again)
    if "scaling" in only:
        results["scaling"] = _scaling(out, corpora, args.scaling_size, min(sizes), args.jobs)
    if "pdf" in only:
        pdf_dir = _fresh(out / "corpus" / "pdf")
        pdf_files, planned_pages = render_pdfs(documents, pdf_dir, args.pdf_pages)
        results["corpus"]["pdf"] = {"files": len(pdf_files), "pages": planned_pages}
        results["pdf"] = _child("pdf", {"pdf": str(pdf_dir), "out": str(out / "tables-pdf")})
        _log("pdf", results["pdf"])
    if "make" in only:
        results["make"] = []
        for size in text_sizes:
            measured = _make_runs(out, corpora[size], size, seeds, documents, args.repeat)
            results["make"].append(measured)
            _log(f"make N={size}", measured)
    if "profile" in only:
        results["profile"] = _child(
            "profile", {"raw": str(corpora[min(sizes)]), "out": str(out / "profile.txt")}
        )
        _log("profile", results["profile"])
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _corpus_is(folder: Path, documents: Sequence[Document]) -> bool:
    """Whether ``folder`` already holds exactly these documents (a rerun)."""
    if not folder.is_dir():
        return False
    names = {path.name for path in folder.glob("*.txt")}
    return names == {d.file for d in documents} and all(
        (folder / d.file).read_text(encoding="utf-8") == d.text for d in documents[:5]
    )


def _copy_fragments(out: Path, size: int) -> Path:
    """A work folder with a copy of the text run's fragments (and no caches)."""
    target = out / "work" / f"text-{size}-again"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(_work_dir(out, size, "local", 1) / "extract", target / "extract")
    return target


# --- text ---------------------------------------------------------------------


def _text_run(
    raw: Path, out: Path, size: int, executor: str, workers: int, *, assemble: bool = True
) -> dict[str, Any]:
    tables = _tables_dir(out, size, executor, workers)
    work = _work_dir(out, size, executor, workers)
    shutil.rmtree(tables, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    params = {
        "raw": str(raw),
        "out": str(tables),
        "work": str(work),
        "executor": executor,
        "workers": workers,
        "assemble": assemble,
    }
    measured = _child("text", params)
    measured.update(size=size, executor=executor, workers=workers, assembled=assemble)
    _log(f"text N={size} {executor} x{workers}", measured)
    return measured


def _scaling(
    out: Path, corpora: dict[int, Path], size: int, smallest: int, jobs: int
) -> dict[str, Any]:
    """The per-document stage on one and on ``jobs`` workers, locally and on Dask."""
    runs = [("local", 1), ("local", jobs), ("dask", 1), ("dask", jobs)]
    measured = [
        _text_run(corpora[size], out, size, executor, workers, assemble=False)
        for executor, workers in runs
    ]
    reference = measured[0]
    same = all(m["results_sha256"] == reference["results_sha256"] for m in measured)
    local_one = _text_run(corpora[smallest], out, smallest, "local", 1)
    dask_two = _text_run(corpora[smallest], out, smallest, "dask", jobs)
    differing = _differing(
        _tables_dir(out, smallest, "local", 1), _tables_dir(out, smallest, "dask", jobs)
    )
    return {
        "runs": measured,
        "end_to_end": [local_one, dask_two],
        "same_results": same,
        "tables_differ": differing,
        "identical": same and not differing,
        "local_speedup": round(measured[0]["extract_s"] / measured[1]["extract_s"], 2),
        "dask_speedup": round(measured[2]["extract_s"] / measured[3]["extract_s"], 2),
    }


def _tables_dir(out: Path, size: int, executor: str, workers: int) -> Path:
    return out / "tables" / f"text-{size}-{executor}-{workers}"


def _work_dir(out: Path, size: int, executor: str, workers: int) -> Path:
    return out / "work" / f"text-{size}-{executor}-{workers}"


# --- make ---------------------------------------------------------------------


def _make_runs(
    out: Path,
    corpus: Path,
    size: int,
    seeds: Sequence[Any],
    documents: list[Document],
    repeat: int,
) -> dict[str, Any]:
    """A project folder with the corpus as raw/, brought to the state a full
    ``make`` leaves (the text run's fragments, then the corpus stage run once
    in the project, untimed), then timed ``make`` runs: a no-op, one report
    added."""
    work = _fresh(out.resolve() / "make")
    for name in ("pipeline", "pyproject.toml", "Makefile"):
        (work / name).symlink_to(ROOT / name)
    shutil.copytree(corpus, work / "raw")
    venv = _shim_venv(work / "venv")
    make = ["make", "--no-print-directory", "-C", str(work), f"VENV={venv}"]
    _run([*make, "build/catalog.stamp"])
    # What make would write one process per file, taken from the text run
    # (the same function on the same catalog rows): copied after the catalog
    # rows, so that make finds them newer.
    text_work = _work_dir(out, size, "local", 1)
    shutil.copytree(text_work / "extract", work / "build" / "extract", copy_function=shutil.copy)
    # The corpus stage runs once here (untimed), so that its state, caches and
    # tables are those of this project, as after a full make.
    started = time.perf_counter()
    _run(make)
    first_make_s = time.perf_counter() - started
    noop = []
    for _ in range(repeat):
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
        "first_make_s": round(first_make_s, 3),
        "noop_s": round(statistics.median(noop), 3),
        "noop_runs_s": [round(s, 3) for s in noop],
        "add_one_s": round(add_one_s, 3),
        "add_one_file": new.file,
        "add_one_extracted": len(extracted),
    }


def _peak_memory(result: dict[str, Any]) -> float:
    """The peak memory of a text run: of the process with its worker
    processes at once where sampled, else of the process or its largest child."""
    return max(
        result.get("peak_tree_rss_mb") or 0.0, result["peak_rss_mb"], result["peak_child_rss_mb"]
    )


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
    """The files that are not the same in both folders (or only in one): byte
    for byte, except DuckDB files (DuckDB stamps each file it writes), which
    are compared by the rows of their tables and views."""
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right) for p in right.rglob("*") if p.is_file()}
    return sorted(
        str(name)
        for name in names
        if not (left / name).is_file()
        or not (right / name).is_file()
        or not _same_file(left / name, right / name)
    )


def _same_file(left: Path, right: Path) -> bool:
    if left.suffix != ".duckdb":
        return left.read_bytes() == right.read_bytes()
    from pipeline.corpus.database import database_rows

    return database_rows(left) == database_rows(right)


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _log(what: str, values: dict[str, Any]) -> None:
    print(f"[bench] {what}: {json.dumps(values)}", file=sys.stderr, flush=True)


# --- report -------------------------------------------------------------------


def format_table(results: dict[str, Any]) -> str:
    """The figures, each beside its target and the figure it replaces."""
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, figure: str, target: str, before: str = "") -> None:
        rows.append((label, figure, target, before))

    def met(value: float, target: float, *, at_most: bool = False) -> str:
        ok = value <= target if at_most else value >= target
        return "met" if ok else "NOT met"

    for r in results["text"]:
        size = r["size"]
        per_core = r["extract_mb_s"] / r["workers"]
        add(
            f"N={size}: per-document stage, text",
            f"{per_core:.2f} MB/s/core ({r['extract_s']:.1f} s) "
            + met(per_core, TARGETS["text_mb_s_per_core"]),
            f">= {TARGETS['text_mb_s_per_core']:g} MB/s/core",
            BEFORE["text_mb_s_per_core"],
        )
        corpus_mb_s = r["assemble_mb_s"] or 0.0
        add(
            f"N={size}: corpus stage (first build)",
            f"{corpus_mb_s:.1f} MB/s ({r['assemble_s']:.1f} s) "
            + met(corpus_mb_s, TARGETS["corpus_mb_s"]),
            f">= {TARGETS['corpus_mb_s']:g} MB/s",
            BEFORE["corpus_mb_s"],
        )
        again = results.get("corpus_again", {}).get(str(size))
        if again:
            add(
                f"N={size}: corpus stage, cold / warm caches",
                f"{again['cold_mb_s']:.1f} / {again['warm_mb_s']:.1f} MB/s "
                + met(again["warm_mb_s"], TARGETS["corpus_mb_s"]),
                f">= {TARGETS['corpus_mb_s']:g} MB/s",
            )
        peak = _peak_memory(r)
        add(
            f"N={size}: peak memory",
            f"{peak:.0f} MB " + met(peak, TARGETS["peak_memory_mb"], at_most=True),
            f"<= {TARGETS['peak_memory_mb']:g} MB, flat in N",
            BEFORE["peak_memory_mb"],
        )
    peaks = [_peak_memory(r) for r in results["text"]]
    if len(peaks) > 1:
        add("peak memory, smallest -> largest N", f"x{peaks[-1] / peaks[0]:.2f}", "flat (x1)")
    scaling = results.get("scaling")
    if scaling:
        add(
            "executors give identical results and tables",
            "yes" if scaling["identical"] else "NO",
            "identical",
        )
        add(
            "speed-up of extraction, 1 -> 2 workers",
            f"local processes {scaling['local_speedup']:.2f}x, dask"
            f" {scaling['dask_speedup']:.2f}x "
            + met(scaling["local_speedup"], TARGETS["speedup_2_workers"]),
            f">= {TARGETS['speedup_2_workers']:g}x",
            BEFORE["speedup_2_workers"],
        )
    pdf = results.get("pdf")
    if pdf:
        per_core = pdf.get("extract_pdfium_pages_s", 0.0)
        add(
            f"PDF, {pdf['pages']} pages: per-document stage (pdfium)",
            f"{per_core:.0f} pages/s/core "
            + met(per_core, TARGETS["pdf_pages_s_per_core"])
            + f" (end to end {pdf['pipeline_pages_s']:.0f})",
            f">= {TARGETS['pdf_pages_s_per_core']:g} pages/s/core",
            BEFORE["pdf_pages_s_per_core"],
        )
        add(
            "  PDF reader only (pdfium / pdfplumber)",
            f"{pdf['read_pdfium_pages_s']:.0f} / {pdf['read_pdfplumber_pages_s']:.1f} pages/s",
            f"pypdfium2 raw text {pdf['pypdfium2_text_pages_s']:.0f},"
            f" pdfplumber extract_text {pdf['pdfplumber_extract_text_pages_s']:.1f}",
        )
        add(
            "  both engines give the same tables",
            "yes" if pdf["engines_identical"] else "NO",
            "identical",
        )
    for make in results.get("make", []):
        add(
            f"no-op make ({make['documents']} documents), median",
            f"{make['noop_s']:.3f} s " + met(make["noop_s"], TARGETS["noop_make_s"], at_most=True),
            f"<= {TARGETS['noop_make_s']:g} s",
            BEFORE["noop_make_s"],
        )
        add(
            f"make after adding 1 report to {make['documents']}",
            f"{make['add_one_s']:.2f} s "
            + met(make["add_one_s"], TARGETS["add_one_s"], at_most=True),
            f"<= {TARGETS['add_one_s']:g} s",
            BEFORE["add_one_s"],
        )
    header = ("measure", "measured", "target", "before")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = ["  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(header)).rstrip()]
    lines.append("-" * len(lines[0]))
    lines += ["  ".join(f"{c:<{widths[i]}}" for i, c in enumerate(row)).rstrip() for row in rows]
    lines.append(
        "Timings are single runs (make: the median of --repeat) on a shared machine: noisy."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
