"""A synthetic corpus for the benchmark, made from the seed documents in ``raw/``.

Document ``i`` takes the seeds in turn and changes what varies from one UN
report to the next, so that N documents are N distinct documents with the
seeds' structure and size:

* its symbol: another body from ``pipeline/data/bodies.csv`` (working-group
  seeds become any working group; their body names and symbol prefixes in the
  text follow), another year and a running number;
* its years, shifted by a multiple of 28, so that weekdays still match dates
  (the Gregorian calendar repeats every 28 years between 1901 and 2099);
* its meeting numbers (``第六届会议``, ``第八次会议``, ``第 6/1 号决议``), moved on
  with the years;
* the order of enumerations (``阿根廷、奥地利、巴西、…``) within a line.

Seeds without their symbol in the text get a catalog row, as in ``raw/``.
:func:`render_pdfs` renders documents as PDFs with :mod:`bench.render`
(the renderer the tests use).
"""

from __future__ import annotations

import csv
import functools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalog import COLUMNS, load_catalog
from pipeline.document.describe import bodies, symbol_from_file_name
from pipeline.normalize.numerals import chinese_to_int, int_to_chinese

# Years move by whole calendar cycles, so that 2018 年 7 月 2 日星期一 stays a Monday.
_YEAR_CYCLE = 28
_YEAR_SHIFTS = (0, _YEAR_CYCLE, 2 * _YEAR_CYCLE)
# A four-digit year standing alone (not a job number V.12-57117, not part of a number).
_YEAR = re.compile(r"(?<![0-9A-Za-z.\-])((?:19|20)\d\d)(?![0-9A-Za-z])")
_MEETING = re.compile(r"第([〇零一二三四五六七八九十百两]+)(届|次)(会议|会)")
_RESOLUTION = re.compile(r"(?<![0-9/])(\d{1,2})(\s*/\s*\d{1,2}\s*号)")
# A job number as UN documents print it in their footers: V.12-57117.
_JOB_NUMBER = re.compile(r"V\.\d{2}-\d{5}")
# An enumeration item that may move: a short name in Chinese characters.
_LIST_ITEM = re.compile(r"[\u4e00-\u9fff（）()·]{2,16}")
# Working groups whose shortest name is longer than this are not used as new
# issuers: the title line of a report named after such a body (56 characters for
# WG.8) is longer than a heading may be, and its kind could not be told from
# its text (a real one would need a catalog row).
_MAX_BODY_NAME = 45
# Seeds whose rendition as a PDF reads back as the same document (the thematic
# index is a table, which the renderer does not lay out).
_RENDERABLE_KINDS = frozenset({"meeting_report", "provisional_agenda"})


@dataclass(frozen=True)
class Seed:
    """A document of ``raw/`` as a template."""

    file: str
    symbol: str
    body: str
    year: int
    text: str
    catalog: dict[str, str] = field(default_factory=dict)
    job_number: str | None = None

    @property
    def kind(self) -> str:
        return self.catalog.get("kind", "")


@dataclass(frozen=True)
class Document:
    """One generated document: its file name, text and catalog row."""

    file: str
    symbol: str
    text: str
    seed: str
    catalog: dict[str, str]
    job_number: str
    renderable: bool

    def file_as(self, suffix: str) -> str:
        """The file name with another extension: ``….zh.pdf`` for its rendition."""
        return self.file.removesuffix(".txt") + suffix

    @property
    def size(self) -> int:
        """Bytes of its UTF-8 text."""
        return len(self.text.encode("utf-8"))


def load_seeds(raw: Path) -> list[Seed]:
    """The ``.txt`` documents of ``raw/`` with their catalog rows, by file name."""
    catalog = load_catalog(raw / "catalog.csv", raw)
    seeds = []
    for path in sorted(raw.glob("*.txt")):
        row = dict(catalog.row(path.name))
        symbol = row.get("symbol") or symbol_from_file_name(path)[0]
        text = path.read_text(encoding="utf-8")
        body = _body_of(symbol)
        year = int(next(part for part in symbol.split("/") if re.fullmatch(r"\d{4}", part)))
        job = _JOB_NUMBER.search(text)
        row.setdefault("kind", _kind_of(path.name, text))
        seeds.append(
            Seed(
                file=path.name,
                symbol=symbol,
                body=body,
                year=year,
                text=text,
                catalog=row,
                job_number=job.group(0) if job else None,
            )
        )
    if not seeds:
        raise ValueError(f"no seed documents (*.txt) in {raw}")
    return seeds


def generate(seeds: Sequence[Seed], count: int, start: int = 0) -> Iterator[Document]:
    """Documents ``start`` … ``start + count - 1``; the same numbers give the same
    documents, and no two numbers share a symbol."""
    for index in range(start, start + count):
        yield make_document(seeds, index)


def make_document(seeds: Sequence[Seed], index: int) -> Document:
    """Document number ``index`` of the synthetic corpus."""
    seed = seeds[index % len(seeds)]
    rng = random.Random(index)
    round_ = index // len(seeds)
    shift = _YEAR_SHIFTS[round_ % len(_YEAR_SHIFTS)]
    # Sessions move on with the years (the Conference meets every other year).
    meetings = shift // 2
    year = seed.year + shift
    source_prefix = _prefix_of(seed.body)
    if seed.body == "COP":
        target = "COP"
    else:
        groups = _groups()
        target = groups[(round_ // len(_YEAR_SHIFTS)) % len(groups)]
    # A running number unique for (seed, body, year), above the seeds' own numbers.
    number = 100 + round_ // (len(_YEAR_SHIFTS) * (1 if target == "COP" else len(_groups())))
    number = number * len(seeds) + index % len(seeds)
    symbol = f"{_prefix_of(target)}/{year}/{number}"
    text = seed.text
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    if meetings:
        text = _renumber_meetings(text, meetings)
    if target != seed.body:
        text = _rename_body(text, seed.body, target, source_prefix)
    text = _shuffle_lists(text, rng)
    catalog = {}
    if seed.catalog.get("symbol"):
        catalog = {key: value for key, value in seed.catalog.items() if key != "note"}
        catalog["symbol"] = symbol
        if "title" in catalog:
            title = _renumber_meetings(catalog["title"], meetings) if meetings else catalog["title"]
            if target != seed.body:
                title = _rename_body(title, seed.body, target, source_prefix)
            catalog["title"] = title
    job_year = f"{year % 100:02d}"
    return Document(
        file=symbol.replace("/", "_") + ".zh.txt",
        symbol=symbol,
        text=text,
        seed=seed.file,
        catalog=catalog,
        job_number=(seed.job_number or f"V.{job_year}-{10000 + index % 90000:05d}"),
        renderable=seed.kind in _RENDERABLE_KINDS,
    )


def write_corpus(documents: Sequence[Document], raw: Path) -> int:
    """Write the documents' texts and their ``catalog.csv`` into ``raw``; return bytes."""
    raw.mkdir(parents=True, exist_ok=True)
    total = 0
    for document in documents:
        data = document.text.encode("utf-8")
        (raw / document.file).write_bytes(data)
        total += len(data)
    write_catalog(documents, raw / "catalog.csv")
    return total


def write_catalog(documents: Sequence[Document], path: Path, suffix: str = ".txt") -> None:
    """``catalog.csv`` with a row for each document that needs one, naming its
    file with ``suffix`` (``.pdf`` for the renditions)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for document in documents:
            if document.catalog:
                writer.writerow({"file": document.file_as(suffix), **document.catalog})


def render_pdfs(documents: Sequence[Document], out: Path, pages: int) -> tuple[list[Path], int]:
    """Render renderable documents as PDFs into ``out`` until they hold at least
    ``pages`` pages; return the files and their page count."""
    from bench.render import plan_pages, render_text_pdf

    out.mkdir(parents=True, exist_ok=True)
    rendered: list[Document] = []
    total = 0
    for document in documents:
        if total >= pages:
            break
        if not document.renderable:
            continue
        path = out / document.file_as(".pdf")
        render_text_pdf(document.text, path, symbol=document.symbol, job_number=document.job_number)
        rendered.append(document)
        total += len(plan_pages(document.text, symbol=document.symbol))
    write_catalog(rendered, out / "catalog.csv", suffix=".pdf")
    return [out / document.file_as(".pdf") for document in rendered], total


def _body_of(symbol: str) -> str:
    matching = [b for b in bodies() if symbol.startswith(b.symbol_prefix + "/")]
    if not matching:
        raise ValueError(f"{symbol}: no body in bodies.csv issues it")
    return max(matching, key=lambda b: len(b.symbol_prefix)).code


@functools.cache
def _groups() -> tuple[str, ...]:
    """The working groups that may issue generated documents."""
    return tuple(
        body.code
        for body in bodies()
        if body.code != "COP" and min(map(len, body.names)) <= _MAX_BODY_NAME
    )


@functools.cache
def _prefix_of(code: str) -> str:
    return next(body.symbol_prefix for body in bodies() if body.code == code)


@functools.cache
def _names_of(code: str) -> tuple[str, ...]:
    names = next(body.names for body in bodies() if body.code == code)
    return tuple(sorted(names, key=len, reverse=True))


def _kind_of(name: str, text: str) -> str:
    """The seed's kind as the pipeline will find it (for choosing what to render)."""
    head = text[:2000]
    if "临时议程说明" in head:
        return "provisional_agenda"
    if "报告" in head:
        return "meeting_report"
    return ""


def _renumber_meetings(text: str, by: int) -> str:
    def meeting(match: re.Match[str]) -> str:
        value = chinese_to_int(match.group(1))
        if value is None:
            return match.group(0)
        return f"第{int_to_chinese(value + by)}{match.group(2)}{match.group(3)}"

    text = _MEETING.sub(meeting, text)
    return _RESOLUTION.sub(lambda m: f"{int(m.group(1)) + by}{m.group(2)}", text)


def _rename_body(text: str, source: str, target: str, source_prefix: str) -> str:
    """The seed body's names and symbol prefix in the text become the target's."""
    new_name = _names_of(target)[-1]
    for name in _names_of(source):
        text = text.replace(name, new_name)
    return text.replace(source_prefix + "/", _prefix_of(target) + "/")


def _shuffle_lists(text: str, rng: random.Random) -> str:
    """Shuffle the inner items of each enumeration line (the first and last items
    may continue the lines around them and stay)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.count("、") < 3:
            continue
        items = line.split("、")
        inner = items[1:-1]
        if all(_LIST_ITEM.fullmatch(item) for item in inner):
            rng.shuffle(inner)
            lines[number] = "、".join([items[0], *inner, items[-1]])
    return "\n".join(lines)
