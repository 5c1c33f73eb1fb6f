"""Command line: ``python -m pipeline build | extract | assemble | split-catalog | search |
akn | evaluate``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.catalog import load_catalog, split_catalog
from pipeline.models import Finding, Limits

if TYPE_CHECKING:
    # Assembling imports pandas, pandera and pyarrow, and writing a fragment
    # pyarrow: only the commands that need them pay for them, so that
    # `extract` and `split-catalog` (run by make) start fast.
    from pipeline.corpus.assemble import Summary
    from pipeline.executors import Executor
    from pipeline.store import DocumentResult

EPILOG_BUILD = """examples:
  python -m pipeline build                 # raw/ -> processed/
  python -m pipeline build --jobs 2 --raw raw --out processed
  python -m pipeline build --executor dask --jobs 4    # a local Dask cluster of 4 workers
  python -m pipeline build --scheduler tcp://10.0.0.5:8786 --work /shared/untoc
      # an existing Dask cluster; its workers write the fragments into /shared/untoc/extract
  python -m pipeline build --scheduler tcp://10.0.0.5:8786 --fragments s3://bucket/extract
  python -m pipeline build --partitioned   # also processed/dataset/<table>/body=<code>/
"""
EPILOG_SEARCH = """examples:
  python -m pipeline search 联合调查小组                   # recommendations, best first
  python -m pipeline search 聯合調查小組                   # traditional characters: same hits
  python -m pipeline search 司法协助 --table all --limit 5   # paragraphs and resolutions too
  python -m pipeline search 引渡 --json                     # for services
"""
EPILOG_AKN = """examples:
  python -m pipeline akn CTOC/COP/2012/15 --instrument 6/1                  # resolution 6/1
  python -m pipeline akn CTOC/COP/2012/15 --instrument 6/1 --kind decision  # decision 6/1
"""
# The tables a document fills (terms and topic suggestions are made at assembly),
# spelt out: pipeline.schema imports pyarrow, which `extract` does without.
EXTRACT_TABLES = (
    "documents",
    "paragraphs",
    "footnotes",
    "citations",
    "recommendations",
    "agenda_items",
    "schedule",
    "participants",
    "resolution_paragraphs",
    "index_entries",
)
SEARCH_TABLES = ("recommendations", "paragraphs", "resolution_paragraphs", "index_entries")
EPILOG_SEARCH += """
what a term is:
  A UN symbol (CTOC/COP/WG.8/2016/2, A/RES/55/25), a resolution or decision
  number (第 8/2 号决议, 决议 8/2 and 8/2 are all the term 8/2), a paragraph
  reference (一.21) and a date (2016年10月17日) are each one term, matched
  exactly; a query naming a symbol also lists the documents that cite it.
  Other text is cut into words by jieba with a dictionary built from the corpus
  (index topics, agenda titles, instrument names, body names) and
  pipeline/data/search_terms.txt. A word counts only where it stands as a word:
  联合调查 does not find rows where it is only part of 联合调查小组.

exit status: 0 hits found, 1 no match, 2 usage error.
"""
EPILOG_EXTRACT = """examples:
  python -m pipeline extract raw/CTOC_COP_WG.7_2017_5.zh.txt          # summary on stdout
  python -m pipeline extract raw/CTOC_COP_WG.7_2017_5.zh.txt --output build/extract/x.parquet
  python -m pipeline extract raw/CTOC_COP_WG.7_2017_5.zh.txt --table paragraphs   # rows as JSON
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line unless --debug: the user needs the reason
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Turn Chinese-language UNTOC documents into typed Parquet tables.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build",
        help="extract every document in raw/ and assemble processed/",
        description="Extract every document in raw/ and assemble the tables and report.",
        epilog=EPILOG_BUILD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("--raw", type=Path, default=Path("raw"), help="input folder (raw/)")
    build.add_argument("--out", type=Path, default=Path("processed"), help="output folder")
    build.add_argument(
        "--jobs",
        type=int,
        help="worker processes (default: 1 for local, one per core for dask)",
    )
    build.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where documents are extracted: local processes or a Dask cluster (default local)",
    )
    build.add_argument(
        "--scheduler", metavar="ADDRESS", help="use the Dask scheduler at ADDRESS (implies dask)"
    )
    build.add_argument(
        "--work",
        type=Path,
        help="keep the fragments and the corpus stage's caches here (default: a temporary"
        " folder); on a shared disk, any engine can read the fragments",
    )
    build.add_argument(
        "--fragments",
        metavar="FOLDER_OR_URL",
        help="where the per-document fragments are written (default WORK/extract): a folder,"
        " or an fsspec URL (s3://…) that the Dask workers and this machine both reach; on"
        " Dask the workers write them and send back only a summary per document",
    )
    _add_partitioned(build)
    build.add_argument("--quiet", action="store_true", help="no progress output")
    _add_limits(build)
    build.add_argument("--debug", action="store_true", help="show tracebacks")
    build.set_defaults(func=_build)

    extract = commands.add_parser(
        "extract",
        help="run the per-document stages on one raw file",
        description="Read, clean, segment and extract one raw document.",
        epilog=EPILOG_EXTRACT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("file", type=Path, help="a .txt or .pdf file")
    extract.add_argument("--catalog", type=Path, help="catalog.csv (default: beside the file)")
    extract.add_argument("--catalog-row", type=Path, help="this file's catalog row as JSON")
    extract.add_argument("--output", type=Path, help="write the intermediate result here")
    extract.add_argument(
        "--table",
        choices=EXTRACT_TABLES,
        metavar="TABLE",
        help=f"print this table's rows as JSON lines ({', '.join(EXTRACT_TABLES)})",
    )
    _add_limits(extract)
    extract.add_argument("--debug", action="store_true", help="show tracebacks")
    extract.set_defaults(func=_extract)

    assemble_cmd = commands.add_parser(
        "assemble",
        help="assemble extracted documents into processed/",
        description="Concatenate per-document results, validate, write tables and report.",
    )
    assemble_cmd.add_argument(
        "--raw",
        type=Path,
        default=Path("raw"),
        help="input folder: its file list, catalog.csv and source hashes (default raw)",
    )
    assemble_cmd.add_argument(
        "--extracts",
        type=Path,
        default=Path("build/extract"),
        help="folder of the per-document fragments of `extract --output` (default build/extract)",
    )
    assemble_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("processed"),
        help="output folder: tables, datapackage.json, validation/ (default processed)",
    )
    assemble_cmd.add_argument(
        "--work",
        type=Path,
        default=Path("build/corpus"),
        help="what the next run may reuse: terms per document, topic suggestions"
        " (default build/corpus)",
    )
    _add_partitioned(assemble_cmd)
    assemble_cmd.add_argument(
        "--jobs",
        type=_positive_int,
        help="processes that segment the search terms when many documents changed"
        " (default: one per core)",
    )
    assemble_cmd.add_argument("--quiet", action="store_true", help="no progress output")
    assemble_cmd.add_argument("--debug", action="store_true", help="show tracebacks")
    assemble_cmd.set_defaults(func=_assemble)

    split = commands.add_parser(
        "split-catalog",
        help="write one catalog row per raw file (used by make)",
        description="Write build/catalog/<file>.json for each raw file, only when it changed.",
    )
    split.add_argument(
        "--raw",
        type=Path,
        default=Path("raw"),
        help="input folder holding the raw files and catalog.csv (default raw)",
    )
    split.add_argument(
        "--out",
        type=Path,
        default=Path("build/catalog"),
        help="where <file>.json, one catalog row per raw file, is written (default build/catalog)",
    )
    split.set_defaults(func=_split_catalog)

    search = commands.add_parser(
        "search",
        help="rank rows of processed/ for a query (BM25 over segmented terms)",
        description=(
            "Cut QUERY into terms as the corpus was cut, rank the rows of"
            " processed/terms.parquet with BM25 and print each hit with its reference"
            " and the matching terms marked 【thus】. Traditional characters, full-width"
            " forms and upper case are normalized first."
        ),
        epilog=EPILOG_SEARCH,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", help="words to look for, e.g. 联合调查小组")
    search.add_argument(
        "--table",
        choices=(*SEARCH_TABLES, "all"),
        default="recommendations",
        help=(
            "which rows to rank (default recommendations, found by their text and by the"
            " thematic-index topics that file them; index_entries: the topics themselves;"
            " all: every indexed table)"
        ),
    )
    search.add_argument(
        "--limit", type=_positive_int, default=10, help="at most N hits, N ≥ 1 (default 10)"
    )
    search.add_argument("--json", action="store_true", help="hits as one JSON document")
    search.add_argument(
        "--processed", type=Path, default=Path("processed"), help="folder of the tables"
    )
    search.add_argument("--debug", action="store_true", help="show tracebacks")
    search.set_defaults(func=_search)

    akn = commands.add_parser(
        "akn",
        help="print one resolution or decision as Akoma Ntoso (AKN4UN) XML",
        description=(
            "Build one instrument's Akoma Ntoso 3.0 file from the processed tables,"
            " validate it against the strict schema and print it (the build writes"
            " every instrument to processed/akn/)."
        ),
        epilog=EPILOG_AKN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    akn.add_argument("document", help="UN symbol of the report, e.g. CTOC/COP/2012/15")
    akn.add_argument("--instrument", required=True, help="instrument number, e.g. 6/1")
    akn.add_argument(
        "--kind",
        choices=("resolution", "decision"),
        help="resolution or decision (default: the resolution when both have the number)",
    )
    akn.add_argument(
        "--processed", type=Path, default=Path("processed"), help="folder of the tables"
    )
    akn.add_argument("--debug", action="store_true", help="show tracebacks")
    akn.set_defaults(func=_akn)

    evaluate = commands.add_parser(
        "evaluate",
        help="leave-one-out evaluation of the topic suggestions",
        description=(
            "Predict each recommendation linked by the thematic index from the other links"
            " only, and report precision@3 and recall@5 against the index, beside a"
            " baseline that ranks topics by label-word overlap alone."
        ),
        epilog="examples:\n  python -m pipeline evaluate\n  python -m pipeline evaluate --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument(
        "--processed", type=Path, default=Path("processed"), help="folder of the tables"
    )
    evaluate.add_argument("--json", action="store_true", help="figures and per-row detail as JSON")
    evaluate.add_argument("--debug", action="store_true", help="show tracebacks")
    evaluate.set_defaults(func=_evaluate)
    return parser


def _positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _add_partitioned(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--partitioned",
        action="store_true",
        help="also write each table as a hive-partitioned dataset by body:"
        " OUT/dataset/<table>/body=<code>/data_0.parquet (a build without it removes"
        " OUT/dataset, which would be stale)",
    )


def _add_limits(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=defaults.max_bytes,
        help=f"refuse a text file larger than this (default {defaults.max_bytes})",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=defaults.max_pages,
        help=f"refuse a PDF with more pages (default {defaults.max_pages})",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=defaults.max_seconds,
        help=f"give up on a document after this long (default {defaults.max_seconds:g})",
    )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(max_pages=args.max_pages, max_seconds=args.max_seconds, max_bytes=args.max_bytes)


def _build(args: argparse.Namespace) -> int:
    from pipeline.catalog import raw_files
    from pipeline.executors import DaskExecutor, ExecutorChoice, local_fragments, make_executor
    from pipeline.store import skip_pandas_in_pyarrow

    # Both stages read and write Arrow data, never pandas objects.
    skip_pandas_in_pyarrow()
    files = raw_files(args.raw)
    catalog = load_catalog(args.raw / "catalog.csv", args.raw)
    _print_errors(catalog.findings)
    executor = make_executor(ExecutorChoice(args.executor, args.jobs, args.scheduler))
    with _work_folder(args.work) as work:
        fragments = args.fragments or str(work / "extract")
        # Dask workers write the fragments themselves, unless they are remote and
        # were given nowhere both sides reach: then the results come back here.
        on_workers = isinstance(executor, DaskExecutor) and not (
            args.scheduler and args.work is None and args.fragments is None
        )
        try:
            _extract_all(
                files,
                catalog.row,
                executor,
                args.quiet,
                _limits(args),
                fragments,
                on_workers=on_workers,
            )
        finally:
            executor.close()
        extracts = local_fragments(fragments, [path.name for path in files], work / "fetched")
        return _finish_fragments(
            args.raw,
            extracts,
            args.out,
            work / "corpus",
            partitioned=args.partitioned,
            quiet=args.quiet,
            jobs=args.jobs if args.executor == "local" and args.scheduler is None else None,
        )


@contextlib.contextmanager
def _work_folder(work: Path | None) -> Iterator[Path]:
    """``--work`` (kept, so a later build may reuse it), or a temporary folder."""
    if work is not None:
        yield work
        return
    with tempfile.TemporaryDirectory(prefix="untoc-build-") as folder:
        yield Path(folder)


def _extract_all(
    files: list[Path],
    catalog_row: Callable[[str], dict[str, str]],
    executor: Executor,
    quiet: bool,
    limits: Limits,
    fragments: str,
    *,
    on_workers: bool = False,
) -> None:
    """Every document through ``executor`` (see :mod:`pipeline.executors`) into
    its fragment in ``fragments``: written by the workers themselves (local
    processes, and Dask workers when ``on_workers``), else here as each result
    arrives, and then let go."""
    from pipeline.executors import DaskExecutor, ProcessExecutor, Task, save_fragment

    progress = _progress(len(files), quiet)
    tasks: list[Task] = [(path, catalog_row(path.name), limits) for path in files]
    # Local worker processes write their own fragments, as Dask workers may.
    writers = isinstance(executor, ProcessExecutor) or (
        on_workers and isinstance(executor, DaskExecutor)
    )
    try:
        if writers:
            for _, summary in executor.write_fragments(tasks, fragments):
                for message in summary.errors:
                    print(f"error: {message}", file=sys.stderr)
                progress.update(1)
            return
        for _, result in executor.run(tasks):
            _report_failure(result)
            save_fragment(result, fragments)
            progress.update(1)
    finally:
        progress.close()


def _report_failure(result: DocumentResult) -> None:
    _print_errors(result.findings)


def _print_errors(findings: list[Finding]) -> None:
    """One line per error on stderr: the file and the reason."""
    for finding in findings:
        if finding.severity == "error":
            print(f"error: {finding.message}", file=sys.stderr)


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(
        total=total, unit="doc", desc="extract", disable=quiet or total == 0, file=sys.stderr
    )


def _extract(args: argparse.Namespace) -> int:
    path: Path = args.file
    if args.catalog_row:
        row = json.loads(args.catalog_row.read_text(encoding="utf-8"))
    else:
        catalog_path = args.catalog or path.parent / "catalog.csv"
        row = load_catalog(catalog_path, path.parent).row(path.name)
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    # Extraction does no linear algebra: numpy (which pyarrow loads) need not
    # start OpenBLAS's threads, one per core, at every start-up.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pipeline.document.driver import extract_document
    from pipeline.store import save_result, skip_pandas_in_pyarrow

    skip_pandas_in_pyarrow()
    result = extract_document(path, row, _limits(args))
    _report_failure(result)
    if args.output:
        save_result(result, args.output)
    if args.table:
        for row_dict in result.tables.get(args.table, []):
            print(json.dumps(row_dict, ensure_ascii=False, default=str))
    elif not args.output:
        summary = {
            "file": result.source_file,
            "doc_id": result.doc_id,
            "rows": {name: len(rows) for name, rows in result.tables.items()},
            "findings": len(result.findings),
        }
        print(json.dumps(summary, ensure_ascii=False))
    # A bad document is reported, not fatal: the rest of the corpus still builds.
    return 0


def _assemble(args: argparse.Namespace) -> int:
    from pipeline.store import skip_pandas_in_pyarrow

    # The corpus stage reads and writes Arrow data, never pandas objects.
    skip_pandas_in_pyarrow()
    return _finish_fragments(
        args.raw,
        args.extracts,
        args.out,
        args.work,
        partitioned=args.partitioned,
        quiet=args.quiet,
        jobs=args.jobs,
    )


def _finish_fragments(
    raw: Path,
    extracts: Path,
    out: Path,
    work: Path,
    *,
    partitioned: bool = False,
    quiet: bool = False,
    jobs: int | None = None,
) -> int:
    from pipeline.catalog import unsupported_files
    from pipeline.corpus.assemble import assemble_fragments

    for finding in unsupported_files(raw):
        print(f"warning: {finding.message}", file=sys.stderr)

    started = time.perf_counter()

    def progress(step: str) -> None:
        if not quiet:
            print(f"corpus: {step} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    summary, findings = assemble_fragments(
        raw, extracts, out, work, partitioned=partitioned, progress=progress, jobs=jobs
    )
    _print_summary(summary, findings, out)
    return 1 if summary.findings.get("error") else 0


def _print_summary(summary: Summary, findings: list[Finding], out: Path) -> None:
    rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items() if count)
    counts = ", ".join(f"{count} {name}" for name, count in summary.findings.items())
    print(f"documents: {summary.documents} ({summary.failed} failed)", file=sys.stderr)
    print(f"rows: {rows}", file=sys.stderr)
    print(f"findings: {counts} (see {out / 'validation' / 'report.md'})", file=sys.stderr)
    # Which checks found what: the report has every finding, the summary names them.
    for severity in ("error", "warning"):
        checks = Counter(finding.check for finding in findings if finding.severity == severity)
        if checks:
            named = ", ".join(f"{check} {count}" for check, count in sorted(checks.items()))
            print(f"  {severity}: {named}", file=sys.stderr)


def _akn(args: argparse.Namespace) -> int:
    from pipeline.corpus.akn import instrument_xml

    sys.stdout.buffer.write(
        instrument_xml(args.processed, args.document, args.instrument, args.kind)
    )
    sys.stdout.flush()
    return 0


def _search(args: argparse.Namespace) -> int:
    from pipeline.search.engine import INDEXED_TABLES, SearchIndex, format_hits

    if not args.query.strip():
        print("error: search: the query is empty", file=sys.stderr)
        return 2
    tables = INDEXED_TABLES if args.table == "all" else (args.table,)
    index = SearchIndex(args.processed, tables)
    hits = index.search(args.query, limit=args.limit)
    cited_by = index.cited_by(args.query)
    if args.json:
        answer = {
            "query": args.query,
            "terms": index.query_terms(args.query),
            "tables": list(tables),
            "hits": [hit.to_json() for hit in hits],
            "cited_by": cited_by,
        }
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        words = index.query_terms(args.query)
        print(format_hits(hits, words, cited_by, every_table=args.table == "all"))
    return 0 if hits or cited_by else 1


def _evaluate(args: argparse.Namespace) -> int:
    from pipeline.corpus.topics import evaluate_processed

    evaluation = evaluate_processed(args.processed)
    if args.json:
        print(json.dumps(evaluation.to_json(), ensure_ascii=False, indent=2))
    else:
        print(evaluation.format())
    return 0


def _split_catalog(args: argparse.Namespace) -> int:
    from pipeline.catalog import raw_files

    catalog = load_catalog(args.raw / "catalog.csv", args.raw)
    _print_errors(catalog.findings)
    split_catalog(catalog, raw_files(args.raw), args.out)
    return 0
