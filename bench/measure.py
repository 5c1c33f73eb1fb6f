"""One benchmark measurement, run by :mod:`bench.run` in a fresh
interpreter: ``python -m bench.measure KIND 'JSON PARAMETERS'``.

The last line printed is a JSON object with the figures. Interpreter start is
not counted; importing the pipeline is measured apart (``imports_s``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
MB = 1e6


def text(params: dict[str, Any]) -> dict[str, Any]:
    """The text path: extract every document, each result written as its
    fragment as it arrives and then let go (as ``pipeline build`` does), then
    (with ``assemble``) the corpus stage over the fragments.

    ``results_sha256`` fingerprints the fragments, which are all that
    assembling reads: equal fingerprints, equal tables. Workers that can write
    fragments (local processes, Dask) write them, as ``pipeline build`` has
    them do. ``work`` keeps the
    fragments and the corpus stage's caches, for the make runs to start from.
    """
    from pipeline.catalog import load_catalog, raw_files
    from pipeline.corpus.assemble import assemble_fragments
    from pipeline.executors import DaskExecutor, ExecutorChoice, Task, make_executor
    from pipeline.models import Limits
    from pipeline.store import save_result

    imports_s = time.perf_counter() - STARTED
    tree = _TreeMemory()
    raw, out, work = Path(params["raw"]), Path(params["out"]), Path(params["work"])
    files = raw_files(raw)
    size = sum(path.stat().st_size for path in files)
    catalog = load_catalog(raw / "catalog.csv", raw)
    executor = make_executor(ExecutorChoice(params["executor"], jobs=params["workers"]))
    tasks: list[Task] = [(path, catalog.row(path.name), Limits()) for path in files]
    failed = 0
    try:
        started = time.perf_counter()
        if isinstance(executor, DaskExecutor):
            executor.worker_count()  # starts the cluster
        startup_s = time.perf_counter() - started
        started = time.perf_counter()
        fragments = work / "extract"
        writes = getattr(executor, "write_fragments", None)
        if writes is not None:
            # As `pipeline build` runs them: the workers write the fragments.
            for _, summary in writes(tasks, str(fragments)):
                failed += summary.status == "failed"
        else:
            for _, result in executor.run(tasks):
                failed += result.failed
                save_result(result, fragments / f"{result.source_file}.parquet")
        extract_s = time.perf_counter() - started
    finally:
        executor.close()
    fingerprint = _fragments_fingerprint(fragments, [path.name for path in files])
    errors = failed
    assemble_s = 0.0
    if params.get("assemble", True):
        started = time.perf_counter()
        summary, _ = assemble_fragments(raw, work / "extract", out, work / "corpus")
        assemble_s = time.perf_counter() - started
        errors = summary.findings.get("error", 0)
    total = extract_s + assemble_s
    return {
        "docs": len(files),
        "bytes": size,
        "imports_s": round(imports_s, 3),
        "startup_s": round(startup_s, 3),
        "extract_s": round(extract_s, 3),
        "assemble_s": round(assemble_s, 3),
        "docs_s": round(len(files) / total, 1),
        "mb_s": round(size / MB / total, 3),
        "extract_mb_s": round(size / MB / extract_s, 3),
        "assemble_mb_s": round(size / MB / assemble_s, 1) if assemble_s else None,
        "errors": errors,
        "results_sha256": fingerprint,
        **_memory(),
        "peak_tree_rss_mb": tree.stop(),
    }


class _TreeMemory:
    """The peak of this process's resident memory plus its live children's
    (worker processes run at the same time), sampled every 0.2 s on Linux;
    None elsewhere."""

    def __init__(self) -> None:
        import os
        import threading

        self._pid = os.getpid()
        self._peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self._peak = max(self._peak, _tree_rss_kb(self._pid))

    def stop(self) -> float | None:
        self._done.set()
        self._thread.join()
        return round(self._peak / 1024, 1) if self._peak else None


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (kB), from /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            kids = [int(child) for child in children.read().split()]
    except (OSError, ValueError):
        return 0
    return rss + sum(_tree_rss_kb(kid) for kid in kids)


def assemble_again(params: dict[str, Any]) -> dict[str, Any]:
    """The corpus stage alone, run again over fragments already written, its
    caches (terms, topic suggestions) emptied first: what a new dictionary
    word or a first build costs; and once more with them warm."""
    import shutil

    from pipeline.corpus.assemble import assemble_fragments

    raw, out, work = Path(params["raw"]), Path(params["out"]), Path(params["work"])
    size = sum(path.stat().st_size for path in raw.iterdir() if path.suffix != ".csv")
    shutil.rmtree(work / "corpus", ignore_errors=True)
    cold = _seconds(lambda: assemble_fragments(raw, work / "extract", out, work / "corpus"))
    warm = _seconds(lambda: assemble_fragments(raw, work / "extract", out, work / "corpus"))
    return {
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "cold_mb_s": round(size / MB / cold, 1),
        "warm_mb_s": round(size / MB / warm, 1),
        **_memory(),
    }


def pdf(params: dict[str, Any]) -> dict[str, Any]:
    """The PDF path beside its references, and the tables of both engines."""
    import pdfplumber
    import pypdfium2

    from bench.run import _same_tree
    from pipeline.catalog import load_catalog, raw_files
    from pipeline.corpus.assemble import assemble
    from pipeline.document import read_pdf as read_pdf_module
    from pipeline.executors import SerialExecutor, extract_all

    folder, out = Path(params["pdf"]), Path(params["out"])
    files = raw_files(folder)
    catalog = load_catalog(folder / "catalog.csv", folder)
    pages = 0
    for path in files:
        document = pypdfium2.PdfDocument(path)
        pages += len(document)
        document.close()

    def pypdfium2_text() -> None:
        for path in files:
            document = pypdfium2.PdfDocument(path)
            for page in document:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            document.close()

    def pdfplumber_text() -> None:
        for path in files:
            with pdfplumber.open(path) as document:
                for page in document.pages:
                    page.extract_text()
                    page.close()

    def reader(engine: str) -> Callable[[], None]:
        def read() -> None:
            for path in files:
                read_pdf_module.read_pdf(path, engine=engine)  # type: ignore[arg-type]

        return read

    figures: dict[str, Any] = {"files": len(files), "pages": pages}

    def pipeline(engine: str) -> Callable[[], None]:
        def build() -> None:
            started = time.perf_counter()
            with _engine(read_pdf_module, engine):
                results = extract_all(files, catalog.row, SerialExecutor())
            extract_s = time.perf_counter() - started
            figures[f"extract_{engine}_pages_s"] = round(pages / extract_s, 1)
            figures[f"extract_{engine}_failed"] = sum(result.failed for result in results)
            assemble(folder, results, out / engine)

        return build

    for name, run in (
        ("pypdfium2_text", pypdfium2_text),
        ("pdfplumber_extract_text", pdfplumber_text),
        ("read_pdfium", reader("pdfium")),
        ("read_pdfplumber", reader("pdfplumber")),
        ("pipeline", pipeline("pdfium")),
        ("pipeline_pdfplumber", pipeline("pdfplumber")),
    ):
        seconds = _seconds(run)
        figures[f"{name}_s"] = round(seconds, 3)
        figures[f"{name}_pages_s"] = round(pages / seconds, 1)
    figures["engines_identical"] = _same_tree(out / "pdfium", out / "pdfplumber")
    return figures


@contextmanager
def _engine(module: Any, engine: str) -> Iterator[None]:
    """Make the pipeline read PDFs with ``engine`` (it has no switch: pdfium is the
    product's engine, pdfplumber is here only to show they agree)."""
    original = module.read_pdf
    module.read_pdf = functools.partial(original, engine=engine)
    try:
        yield
    finally:
        module.read_pdf = original


def profile(params: dict[str, Any]) -> dict[str, Any]:
    """cProfile the per-document stage over a corpus; the top functions go to a file."""
    import cProfile
    import io
    import pstats

    from pipeline.catalog import load_catalog
    from pipeline.corpus.assemble import raw_files
    from pipeline.executors import SerialExecutor, extract_all

    raw = Path(params["raw"])
    catalog = load_catalog(raw / "catalog.csv", raw)
    files = raw_files(raw)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    extract_all(files, catalog.row, SerialExecutor())
    profiler.disable()
    seconds = time.perf_counter() - started
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(40)
    Path(params["out"]).write_text(report.getvalue(), encoding="utf-8")
    return {"seconds": round(seconds, 3), "report": params["out"]}


def _fragments_fingerprint(fragments: Path, names: list[str]) -> str:
    """SHA-256 of the documents' fragments, in the order of ``names``: the same
    per-document results give the same bytes, whichever process wrote them."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256((fragments / f"{name}.parquet").read_bytes()).digest())
    return digest.hexdigest()


def _seconds(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _memory() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_child_rss_mb": round(children, 1)}


MEASUREMENTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "text": text,
    "pdf": pdf,
    "assemble-again": assemble_again,
    "profile": profile,
}


def main(argv: list[str]) -> int:
    kind, params = argv[0], json.loads(argv[1])
    figures = MEASUREMENTS[kind](params)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
