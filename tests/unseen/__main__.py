"""Render the unseen documents as text and as PDF, build each corpus with the
pipeline, and score the tables against the documents' expected facts.

    python -m tests.unseen [--documents DIR] [--out build/unseen] [--json PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from tests.unseen.facts import Result, build, load_expected, load_tables, score
from tests.unseen.render import documents, load_source, write_corpus

HERE = Path(__file__).resolve().parent
RENDITIONS = ("text", "pdf")


def run(folders: list[Path], out: Path, rendition: str, jobs: int) -> tuple[list[Result], str]:
    raw, processed = out / rendition / "raw", out / rendition / "processed"
    if rendition == RENDITIONS[0]:
        for folder in folders:
            for warning in load_source(folder / "source.txt").warnings:
                print(f"  warning: {folder.name}: {warning}")
    write_corpus(folders, raw, rendition)
    done = build(raw, processed, jobs)
    tables = load_tables(processed)
    results = [score(f.name, load_expected(f / "expected.json"), tables) for f in folders]
    return results, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.unseen", description=__doc__)
    parser.add_argument("--documents", type=Path, default=HERE / "documents")
    parser.add_argument("--out", type=Path, default=Path("build/unseen"))
    parser.add_argument("--json", type=Path, default=None, help="default: OUT/results.json")
    parser.add_argument(
        "--only", action="append", default=[], help="a document's slug (repeatable)"
    )
    parser.add_argument("--rendition", choices=RENDITIONS, action="append", default=[])
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--verbose", "-v", action="store_true", help="list the failed facts")
    args = parser.parse_args(argv)

    folders = [f for f in documents(args.documents) if not args.only or f.name in args.only]
    if not folders:
        print(f"no documents in {args.documents}", file=sys.stderr)
        return 2
    renditions = args.rendition or list(RENDITIONS)
    scored: dict[str, list[Result]] = {}
    for rendition in renditions:
        started = time.perf_counter()
        scored[rendition], stderr = run(folders, args.out, rendition, args.jobs)
        seconds = time.perf_counter() - started
        print(f"{rendition}: rendered and built {len(folders)} documents in {seconds:.1f} s")
        for line in stderr.splitlines():
            if line.startswith("error"):
                print(f"  build: {line}")

    width = max(len(f.name) for f in folders)
    head = "".join(f"  {r:>18}" for r in renditions)
    print(f"\n{'document':<{width}}{head}")
    totals = {r: [0, 0] for r in renditions}
    for i, folder in enumerate(folders):
        cells = ""
        for r in renditions:
            res = scored[r][i]
            totals[r][0] += res.held
            totals[r][1] += res.total
            cells += f"  {res.held:>5}/{res.total:<5} {res.share:6.1%}"
        print(f"{folder.name:<{width}}{cells}")
    cells = "".join(f"  {h:>5}/{n:<5} {h / n if n else 1:6.1%}" for h, n in totals.values())
    print(f"{'total':<{width}}{cells}")

    per_table: dict[str, dict[str, list[int]]] = {}
    for r in renditions:
        for res in scored[r]:
            for table, (held, total) in res.by_table().items():
                cell = per_table.setdefault(table, {x: [0, 0] for x in renditions})[r]
                cell[0] += held
                cell[1] += total
    twidth = max(len(t) for t in per_table) if per_table else 5
    print(f"\n{'table':<{twidth}}{head}")
    for table, cells_of in per_table.items():
        cells = "".join(f"  {h:>5}/{n:<5} {h / n if n else 1:6.1%}" for h, n in cells_of.values())
        print(f"{table:<{twidth}}{cells}")

    if args.verbose:
        for r in renditions:
            for res in scored[r]:
                if res.failed:
                    print(f"\n[{r}] {res.slug} ({res.doc_id}): {len(res.failed)} failed")
                    for fact in res.failed:
                        print(f"  {fact}")

    report = {
        "documents": [f.name for f in folders],
        "totals": {
            r: {"held": h, "total": n, "share": round(h / n, 4) if n else 1.0}
            for r, (h, n) in totals.items()
        },
        "results": {r: [res.as_json() for res in scored[r]] for r in renditions},
    }
    path = args.json or args.out / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
