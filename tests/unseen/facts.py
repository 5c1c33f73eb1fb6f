"""Score a build's tables against a document's expected.json (tests/unseen/FORMAT.md).

Each field of each expected row is one fact. Rows are matched to the build's rows
table by table (by number, by key, as a multiset or in order, see ``TABLES``); a
build row that matches no expected row is spurious and counts as one failed fact.
A table key missing from expected.json means the document has no rows there,
except ``paragraph_texts``, which lists only some paragraphs."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

Row = dict[str, Any]

# expected.json key -> (table, key fields, ordered); ordered tables are aligned in order
TABLES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "footnotes": ("footnotes", ("number",), False),
    "recommendations": ("recommendations", ("number",), False),
    "agenda_items": ("agenda_items", ("agenda", "item"), False),
    "schedule": ("schedule", (), True),
    "participants": ("participants", ("role", "name", "person"), False),
    "resolution_paragraphs": (
        "resolution_paragraphs",
        ("instrument", "instrument_number", "ref"),
        False,
    ),
    "index_entries": ("index_entries", ("topic", "report_symbol", "location_raw"), False),
}
READ = ("documents", "paragraphs", "citations", *(t for t, _, _ in TABLES.values()))


@dataclass(frozen=True)
class Fact:
    table: str
    key: str  # which row: "12", "adopted 3.a", "#4", "spurious"
    field: str
    expected: Any
    actual: Any
    held: bool

    def __str__(self) -> str:
        return f"{self.table}[{self.key}].{self.field}: expected {self.expected!r}, got {self.actual!r}"


@dataclass
class Result:
    slug: str
    file: str
    doc_id: str
    facts: list[Fact] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(f.held for f in self.facts)

    @property
    def total(self) -> int:
        return len(self.facts)

    @property
    def share(self) -> float:
        return self.held / self.total if self.total else 1.0

    @property
    def failed(self) -> list[Fact]:
        return [f for f in self.facts if not f.held]

    def by_table(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for f in self.facts:
            held, total = out.get(f.table, (0, 0))
            out[f.table] = (held + f.held, total + 1)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "file": self.file,
            "doc_id": self.doc_id,
            "held": self.held,
            "total": self.total,
            "share": round(self.share, 4),
            "tables": {t: {"held": h, "total": n} for t, (h, n) in self.by_table().items()},
            "failed": [
                {
                    "table": f.table,
                    "key": f.key,
                    "field": f.field,
                    "expected": _jsonable(f.expected),
                    "actual": _jsonable(f.actual),
                }
                for f in self.failed
            ],
        }


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | list | None) else str(value)


def normalize(value: Any) -> Any:
    """Build values in the form expected.json writes them."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def load_tables(processed: Path) -> dict[str, list[Row]]:
    """The build's rows of every scored table (a missing table reads as empty)."""
    out: dict[str, list[Row]] = {}
    for name in READ:
        path = processed / f"{name}.parquet"
        rows = pq.read_table(path).to_pylist() if path.exists() else []
        out[name] = [{k: normalize(v) for k, v in row.items()} for row in rows]
    return out


def load_expected(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def doc_rows(tables: dict[str, list[Row]], expected: dict[str, Any]) -> dict[str, list[Row]]:
    """The rows of the document ``expected`` describes: by its doc_id or, if the
    build gave the file another doc_id, by the doc_id the build gave its file."""
    doc_id = expected.get("document", {}).get("doc_id")
    docs = tables["documents"]
    if not any(r["doc_id"] == doc_id for r in docs):
        stem = expected.get("file", "")
        mine = [r for r in docs if str(r.get("source_file", "")).rsplit(".", 1)[0] == stem]
        if mine:
            doc_id = mine[0]["doc_id"]
    rows = {name: [r for r in t if r.get("doc_id") == doc_id] for name, t in tables.items()}
    for name in ("paragraphs", *(t for t, _, _ in TABLES.values())):
        rows[name].sort(key=lambda r: (r.get("seq") is None, r.get("seq") or 0))
    return rows


def _lcs(
    a: Sequence[Any], b: Sequence[Any], score: Callable[[Any, Any], int]
) -> list[tuple[int, int]]:
    """Order-preserving pairs (i, j) maximizing the total ``score`` (pairs scoring 0 never)."""
    n, m = len(a), len(b)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = score(a[i], b[j])
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + s if s else 0)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        s = score(a[i], b[j])
        if s and best[i][j] == best[i + 1][j + 1] + s:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _row_key(row: Row, keys: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row.get(k) for k in keys)


def _row_label(row: Row, keys: tuple[str, ...], fields: Sequence[str]) -> str:
    shown = keys or tuple(fields)
    return ", ".join(f"{k}={row.get(k)!r}" for k in shown)


def _compare(table: str, key: str, exp: Row, act: Row | None, out: list[Fact]) -> None:
    for name, value in exp.items():
        actual = act.get(name) if act is not None else None
        out.append(Fact(table, key, name, value, actual, act is not None and actual == value))


def _score_rows(
    table: str,
    expected: list[Row],
    actual: list[Row],
    keys: tuple[str, ...],
    ordered: bool,
    out: list[Fact],
) -> None:
    matched: dict[int, int] = {}  # expected index -> actual index
    if ordered:

        def agree(e: Row, a: Row) -> int:
            return sum(a.get(k) == v for k, v in e.items())

        matched = dict(_lcs(expected, actual, agree))
    else:
        free: dict[tuple[Any, ...], list[int]] = {}
        for j, row in enumerate(actual):
            free.setdefault(_row_key(row, keys), []).append(j)
        for i, row in enumerate(expected):
            hits = free.get(_row_key(row, keys))
            if hits:
                matched[i] = hits.pop(0)
    for i, row in enumerate(expected):
        key = " ".join(str(v) for v in _row_key(row, keys)) if keys else f"#{i + 1}"
        _compare(table, key, row, actual[matched[i]] if i in matched else None, out)
    used = set(matched.values())
    fields = sorted({k for r in expected for k in r}) or list(keys)
    for j, row in enumerate(actual):
        if j not in used:
            label = _row_label(row, keys, fields)
            out.append(Fact(table, "spurious", "row", None, label, False))


def score(slug: str, expected: dict[str, Any], tables: dict[str, list[Row]]) -> Result:
    doc = expected.get("document", {})
    result = Result(slug, expected.get("file", ""), doc.get("doc_id", ""))
    rows = doc_rows(tables, expected)
    facts = result.facts

    if doc:
        found = rows["documents"][:1]
        _compare("documents", doc.get("doc_id", ""), doc, found[0] if found else None, facts)
        facts += [
            Fact("documents", "spurious", "row", None, r["doc_id"], False)
            for r in rows["documents"][1:]
        ]

    # paragraph numbers, in order, against the paragraphs of kind "paragraph"
    paras = [r for r in rows["paragraphs"] if r.get("kind") == "paragraph"]
    numbers = list(expected.get("paragraph_numbers", []))
    pairs = dict(_lcs(numbers, [r.get("number") for r in paras], lambda e, a: int(e == a)))
    for i, n in enumerate(numbers):
        got = paras[pairs[i]].get("number") if i in pairs else None
        facts.append(Fact("paragraphs", f"#{i + 1}", "number", n, got, i in pairs))
    used = set(pairs.values())
    for j, row in enumerate(paras):
        if j not in used:
            text = str(row.get("text") or "")[:30]
            facts.append(
                Fact("paragraphs", "spurious", "number", None, f"{row.get('number')} {text}", False)
            )
    for number, text in expected.get("paragraph_texts", {}).items():
        n = int(number)
        at = [pairs[i] for i, e in enumerate(numbers) if e == n and i in pairs]
        row = paras[at[0]] if at else next((r for r in paras if r.get("number") == n), None)
        got = row.get("text") if row else None
        facts.append(Fact("paragraphs", str(n), "text", text, got, row is not None and got == text))

    # citations: the distinct cited symbols
    cited = list(dict.fromkeys(r.get("cited_symbol") for r in rows["citations"]))
    wanted = list(dict.fromkeys(expected.get("citations", [])))
    facts += [
        Fact("citations", s, "cited_symbol", s, s if s in cited else None, s in cited)
        for s in wanted
    ]
    facts += [
        Fact("citations", "spurious", "cited_symbol", None, s, False)
        for s in cited
        if s not in wanted
    ]

    for name, (table, keys, ordered) in TABLES.items():
        # The rows a build prints for one schedule slot are taken together (FORMAT.md).
        got = slots(rows[table]) if name == "schedule" else rows[table]
        _score_rows(table, list(expected.get(name, [])), got, keys, ordered, facts)
    return result


def expected_rows(expected: dict[str, Any], name: str) -> list[Any]:
    """The expected rows of one scored table, in the shape ``actual_rows`` gives."""
    if name == "documents":
        return [expected["document"]] if "document" in expected else []
    if name == "paragraphs":
        return list(expected.get("paragraph_numbers", []))
    if name == "paragraph_texts":
        return sorted((int(k), v) for k, v in expected.get("paragraph_texts", {}).items())
    if name == "citations":
        return sorted(set(expected.get("citations", [])))
    return list(expected.get(name, []))


def actual_rows(expected: dict[str, Any], tables: dict[str, list[Row]], name: str) -> list[Any]:
    """The build's rows of one scored table for ``expected``'s document, reduced to
    what expected.json states (its fields; numbers for paragraphs), for an exact
    comparison with ``expected_rows``."""
    rows = doc_rows(tables, expected)
    if name == "documents":
        fields = list(expected.get("document", {}))
        return [{k: r.get(k) for k in fields} for r in rows["documents"]]
    paras = [r for r in rows["paragraphs"] if r.get("kind") == "paragraph"]
    if name == "paragraphs":
        return [r.get("number") for r in paras]
    if name == "paragraph_texts":
        wanted = {int(k) for k in expected.get("paragraph_texts", {})}
        seen: dict[int, str] = {}
        for r in paras:
            if r.get("number") in wanted:
                seen.setdefault(r["number"], r.get("text"))
        return sorted(seen.items())
    if name == "citations":
        return sorted({r.get("cited_symbol") for r in rows["citations"]})
    table, keys, ordered = TABLES[name]
    want = expected.get(name, [])
    fields = list(dict.fromkeys(k for r in want for k in r)) or list(keys)
    source = slots(rows[table]) if name == "schedule" else rows[table]
    got = [{k: r.get(k) for k in fields} for r in source]
    return got if ordered else _in_expected_order(want, got, keys)


SLOT = ("date", "time_start", "time_end")


def slots(rows: list[Row]) -> list[Row]:
    """Schedule rows taken together by slot: consecutive rows of one date and time
    are one slot, their items in printed order (FORMAT.md, schedule)."""
    out: list[Row] = []
    for row in rows:
        if out and all(out[-1].get(k) == row.get(k) for k in SLOT):
            out[-1]["items"] = [*out[-1]["items"], *(row.get("items") or [])]
        else:
            out.append({**row, "items": list(row.get("items") or [])})
    return out


def _in_expected_order(want: list[Row], got: list[Row], keys: tuple[str, ...]) -> list[Row]:
    """``got`` reordered so that the rows matching ``want`` come in its order, the
    others after them: a readable diff for tables matched by key."""
    rest = list(got)
    out = []
    for row in want:
        key = _row_key(row, keys)
        hit = next((r for r in rest if _row_key(r, keys) == key), None)
        if hit is not None:
            rest.remove(hit)
            out.append(hit)
    return out + rest


SCORED = ("documents", "paragraphs", "paragraph_texts", "citations", *TABLES)


def build(raw: Path, processed: Path, jobs: int = 1) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline build`` of ``raw`` into ``processed``; a non-zero exit
    (a document with an error finding) still leaves the tables to score."""
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--raw",
        str(raw),
        "--out",
        str(processed),
    ]
    command += ["--quiet", "--jobs", str(jobs)]
    return subprocess.run(command, capture_output=True, text=True, check=False)
