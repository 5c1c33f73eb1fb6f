"""Command line: ``python -m pipeline build | extract | assemble | split-catalog``."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .assemble import Summary, assemble, load_results, raw_files
from .catalog import load_catalog, split_catalog
from .driver import Limits, extract_document
from .models import Finding
from .store import DocumentResult, load_result, save_result

EPILOG_BUILD = """examples:
  python -m pipeline build                 # raw/ -> processed/
  python -m pipeline build --jobs 2 --raw raw --out processed
"""
EPILOG_EXTRACT = """examples:
  python -m pipeline extract raw/CTOC_COP_WG.7_2017_5.zh.txt          # summary on stdout
  python -m pipeline extract raw/CTOC_COP_WG.7_2017_5.zh.txt --output build/extract/x.json
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
    build.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
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
    assemble_cmd.add_argument("--extracts", type=Path, default=Path("build/extract"))
    assemble_cmd.add_argument("--out", type=Path, default=Path("processed"))
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
    files = raw_files(args.raw)
    catalog = load_catalog(args.raw / "catalog.csv", args.raw)
    _print_errors(catalog.findings)
    results = _extract_all(files, catalog.row, args.jobs, quiet=args.quiet, limits=_limits(args))
    return _finish(args.raw, results, args.out)


def _extract_all(
    files: list[Path], catalog_row, jobs: int, quiet: bool, limits: Limits
) -> list[DocumentResult]:
    progress = _progress(len(files), quiet)
    results: list[DocumentResult] = []
    if jobs <= 1:
        for path in files:
            results.append(_extract_reporting(path, catalog_row(path.name), limits))
            progress.update(1)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [
                pool.submit(extract_document, path, catalog_row(path.name), limits)
                for path in files
            ]
            for future in futures:
                result = future.result()
                _report_failure(result)
                results.append(result)
                progress.update(1)
    progress.close()
    return results


def _extract_reporting(path: Path, row: dict[str, str], limits: Limits) -> DocumentResult:
    result = extract_document(path, row, limits)
    _report_failure(result)
    return result


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
    return _finish(args.raw, load_results(args.raw, args.extracts), args.out)


def _finish(raw: Path, results: list[DocumentResult], out: Path) -> int:
    summary, _ = assemble(raw, results, out)
    _print_summary(summary, out)
    return 1 if summary.findings.get("error") else 0


def _print_summary(summary: Summary, out: Path) -> None:
    rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items() if count)
    findings = ", ".join(f"{count} {name}" for name, count in summary.findings.items())
    print(f"documents: {summary.documents} ({summary.failed} failed)", file=sys.stderr)
    print(f"rows: {rows}", file=sys.stderr)
    print(f"findings: {findings} (see {out / 'validation' / 'report.md'})", file=sys.stderr)


def _split_catalog(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.raw / "catalog.csv", args.raw)
    _print_errors(catalog.findings)
    split_catalog(catalog, raw_files(args.raw), args.out)
    return 0


__all__ = ["load_result", "main"]
