"""Compare two processed/ folders table by table: ``python -m bench.compare OLD NEW``.

Prints, for each output, whether its bytes are the same, and for a Parquet
table whose bytes differ, whether its schema and rows are (and the first rows
that differ); exits 1 when any table's rows differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq


def compare(old: Path, new: Path) -> list[str]:
    """One line per output; lines starting with ``DIFF`` are differences."""
    lines = []
    names = sorted({p.relative_to(old) for p in old.rglob("*") if p.is_file()}
                   | {p.relative_to(new) for p in new.rglob("*") if p.is_file()})  # fmt: skip
    for name in names:
        a, b = old / name, new / name
        if not a.exists() or not b.exists():
            lines.append(f"DIFF {name}: only in {'new' if b.exists() else 'old'}")
        elif a.read_bytes() == b.read_bytes():
            lines.append(f"same bytes {name}")
        elif a.suffix == ".parquet":
            ta, tb = pq.read_table(a), pq.read_table(b)
            if not ta.schema.equals(tb.schema, check_metadata=True):
                lines.append(f"DIFF {name}: schema {ta.schema} != {tb.schema}")
            rows_a, rows_b = ta.to_pylist(), tb.to_pylist()
            if rows_a == rows_b:
                lines.append(f"same rows {name} ({len(rows_a)}), other bytes")
            else:
                first = next(
                    (i for i, (x, y) in enumerate(zip(rows_a, rows_b, strict=False)) if x != y),
                    min(len(rows_a), len(rows_b)),
                )
                lines.append(
                    f"DIFF {name}: {len(rows_a)} rows vs {len(rows_b)}, first difference at"
                    f" row {first}: {rows_a[first : first + 1]} vs {rows_b[first : first + 1]}"
                )
        else:
            lines.append(f"DIFF {name}: other bytes")
    return lines


def main(argv: list[str]) -> int:
    lines = compare(Path(argv[0]), Path(argv[1]))
    print("\n".join(lines))
    return 1 if any(line.startswith("DIFF") and ".parquet" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
