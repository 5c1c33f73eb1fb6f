"""Command line: ``python -m pipeline build | extract | assemble | split-catalog | search |
evaluate``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.catalog import load_catalog, split_catalog
from pipeline.models import Finding, Limits
from pipeline.store import DocumentResult, save_result

if TYPE_CHECKING:
    # Assembling imports pandas, pandera and pyarrow: only the commands that
    # assemble pay for them, so that `extract` (run once per file by make) starts fast.
    from pipeline.corpus.assemble import Summary
    from pipeline.executors import Executor

EPILOG_BUILD = """examples:
  python -m pipeline build                 # raw/ -> processed/
  python -m pipeline build --jobs 2 --raw raw --out processed
  python -m pipeline build --executor dask --jobs 4    # a local Dask cluster of 4 workers
  python -m pipeline build --scheduler tcp://10.0.0.5:8786   # an existing Dask cluster
"""
EPILOG_SEARCH = """examples:
  python -m pipeline search 联合调查小组                   # recommendations, best first
  python -m pipeline search 聯合調查小組                   # traditional characters: same hits
  python -m pipeline search 司法协助 --table all --limit 5   # paragraphs and resolutions too
  python -m pipeline search 引渡 --json                     # for services
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
    extract.add_argument("--table", help="print this table's rows as JSON lines")
    _add_limits(extract)
    extract.add_argument("--debug", action="store_true", help="show tracebacks")
    extract.set_defaults(func=_extract)

    assemble_cmd = commands.add_parser(
        "assemble",
        help="assemble extracted documents into processed/",
        description="Concatenate per-document results, validate, write tables and report.",
    )
    assemble_cmd.add_argument("--raw", type=Path, default=Path("raw"))
    assemble_cmd.add_argument(
        "--extracts", type=Path, default=Path("build/extract"), help="the fragments"
    )
    assemble_cmd.add_argument("--out", type=Path, default=Path("processed"))
    assemble_cmd.add_argument(
        "--work",
        type=Path,
        default=Path("build/corpus"),
        help="what the next run may reuse: terms per document, topic suggestions",
    )
    assemble_cmd.add_argument("--debug", action="store_true", help="show tracebacks")
    assemble_cmd.set_defaults(func=_assemble)

    split = commands.add_parser(
        "split-catalog",
        help="write one catalog row per raw file (used by make)",
        description="Write build/catalog/<file>.json for each raw file, only when it changed.",
    )
    split.add_argument("--raw", type=Path, default=Path("raw"))
    split.add_argument("--out", type=Path, default=Path("build/catalog"))
    split.set_defaults(func=_split_catalog)

    search = commands.add_parser(
        "search",
        help="rank rows of processed/ for a query (BM25 over segmented terms)",
        description=(
            "Segment QUERY as the corpus was segmented (jieba with the corpus dictionary;"
            " traditional characters and full-width forms are normalized), rank the rows"
            " of processed/terms.parquet with BM25 and print each hit with its reference"
            " and the matching terms marked 【thus】. A term counts only where it stands as"
            " a word, not inside a longer one."
        ),
        epilog=EPILOG_SEARCH,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", help="words to look for, e.g. 联合调查小组")
    search.add_argument(
        "--table",
        choices=("recommendations", "paragraphs", "resolution_paragraphs", "all"),
        default="recommendations",
        help="which rows to rank (default recommendations; all: every indexed table)",
    )
    search.add_argument("--limit", type=int, default=10, help="at most N hits (default 10)")
    search.add_argument("--json", action="store_true", help="hits as one JSON document")
    search.add_argument(
        "--processed", type=Path, default=Path("processed"), help="folder of the tables"
    )
    search.add_argument("--debug", action="store_true", help="show tracebacks")
    search.set_defaults(func=_search)

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
    from pipeline.executors import ExecutorChoice, make_executor

    files = raw_files(args.raw)
    catalog = load_catalog(args.raw / "catalog.csv", args.raw)
    _print_errors(catalog.findings)
    executor = make_executor(ExecutorChoice(args.executor, args.jobs, args.scheduler))
    with _work_folder(args.work) as work:
        try:
            _extract_all(files, catalog.row, executor, args.quiet, _limits(args), work / "extract")
        finally:
            executor.close()
        return _finish_fragments(args.raw, work / "extract", args.out, work / "corpus")


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
    fragments: Path,
) -> None:
    """Every document through ``executor`` (see :mod:`pipeline.executors`), each
    result written as its fragment as it arrives and then let go."""
    from pipeline.executors import Task

    progress = _progress(len(files), quiet)
    tasks: list[Task] = [(path, catalog_row(path.name), limits) for path in files]
    try:
        for _, result in executor.run(tasks):
            _report_failure(result)
            save_result(result, fragments / f"{result.source_file}.parquet")
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
    from pipeline.document.driver import extract_document

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
    return _finish_fragments(args.raw, args.extracts, args.out, args.work)


def _finish_fragments(raw: Path, extracts: Path, out: Path, work: Path) -> int:
    from pipeline.corpus.assemble import assemble_fragments

    summary, _ = assemble_fragments(raw, extracts, out, work)
    _print_summary(summary, out)
    return 1 if summary.findings.get("error") else 0


def _print_summary(summary: Summary, out: Path) -> None:
    rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items() if count)
    findings = ", ".join(f"{count} {name}" for name, count in summary.findings.items())
    print(f"documents: {summary.documents} ({summary.failed} failed)", file=sys.stderr)
    print(f"rows: {rows}", file=sys.stderr)
    print(f"findings: {findings} (see {out / 'validation' / 'report.md'})", file=sys.stderr)


def _search(args: argparse.Namespace) -> int:
    from pipeline.search.engine import INDEXED_TABLES, SearchIndex, format_hits

    tables = INDEXED_TABLES if args.table == "all" else (args.table,)
    index = SearchIndex(args.processed, tables)
    hits = index.search(args.query, limit=max(args.limit, 0))
    if args.json:
        answer = {
            "query": args.query,
            "terms": index.query_terms(args.query),
            "tables": list(tables),
            "hits": [hit.to_json() for hit in hits],
        }
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        print(format_hits(hits, index.query_terms(args.query)))
    return 0


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
