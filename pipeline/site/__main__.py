"""``python -m pipeline.site``: build the site's database and serve it with Datasette.

.venv/bin/python -m pipeline.site --port 8001          # what `make serve` runs
.venv/bin/python -m pipeline.site --build-only         # only build/site/untoc.db
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.site.build import STATIC_DIR, build_site


def serve_command(site: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """The Datasette command line that serves ``site/untoc.db``."""
    return [
        sys.executable, "-m", "datasette", "serve", str(site / "untoc.db"),
        "--metadata", str(site / "metadata.json"),
        "--static", f"untoc-static:{STATIC_DIR}",
        "--host", host, "--port", str(port),
        "--setting", "default_page_size", "50",
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.site",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--processed", type=Path, default=Path("processed"))
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--out", type=Path, default=Path("build/site"))
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--build-only", action="store_true", help="build, do not serve")
    args = parser.parse_args(argv)
    if not (args.processed / "documents.parquet").is_file():
        print(f"error: {args.processed}: no tables (run `make` first)", file=sys.stderr)
        return 1
    build_site(args.processed, args.raw, args.out)
    if args.build_only:
        return 0
    command = serve_command(args.out, args.port)
    print(f"serving http://127.0.0.1:{args.port}/untoc", file=sys.stderr)
    os.execv(command[0], command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
