"""The corpus stage's search work: the dictionary, the terms, the topic suggestions.

Segmentation depends on one corpus dictionary (index topics, agenda titles,
instrument names of every document, the curated terms), so that a query is cut
as every text was. Each fragment carries its document's share of the
dictionary; the dictionary is their union.

How a text is cut depends only on the dictionary terms that occur in it
(:class:`~pipeline.search.engine.Segmenter`), so the terms of a document are
keyed by its fragment and those terms (``<work>/terms/<file>.parquet``, keyed
in its metadata): a new report costs the segmentation of that report and of
the documents that hold one of the terms it adds (or held one it removes).
Which terms each document holds is kept from one build to the next
(``<work>/terms_state.json``), with each document's normalized text
(``<work>/terms/<file>.text``), so that only the terms added since are looked
for, and only in the documents' kept texts. ``terms.parquet`` is spliced:
the rows of the documents whose terms changed are taken out and put in again
(``<work>/terms_table.json`` says what the table was made of). The topic
suggestions keep each document's counts (``<work>/topics/``, see
:mod:`pipeline.corpus.topics`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import ahocorasick
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.corpus.database import TableChange, file_key
from pipeline.corpus.delta import merged_batches, runs_of, stat_key
from pipeline.corpus.sql import literal_list
from pipeline.corpus.write import CACHE_KEY, cached_key, write_batches, write_table
from pipeline.schema import TABLES
from pipeline.search.engine import (
    INDEXED_TABLES,
    DictionarySources,
    IndexedText,
    Segmenter,
    dictionary_terms,
    indexed_texts,
    read_body_names,
    read_search_terms,
    searched_text,
    segmenter,
    terms_columns,
)

_KEY = CACHE_KEY
# What else the cut of a text depends on: jieba's own dictionary, and its total.
_SEGMENTATION = f"jieba {version('jieba')}, total of its own dictionary"
_STATE = "terms_state.json"
# The terms table's leading order columns up to the symbol: each of their values
# is one document's run of rows, where a splice puts that document's rows.
_BLOCKS = TABLES["terms"].order[: TABLES["terms"].order.index("doc_id") + 1]
# Rows per batch of the spill files of a table written from scratch.
_SPILL_BATCH_ROWS = 64 * 1024


def corpus_dictionary(con: duckdb.DuckDBPyConnection, fragment_list: str) -> DictionarySources:
    """The union of the kept documents' dictionary words, and the data files'.
    ``fragment_list`` names Parquet files with the fragments' ``phrases`` and
    ``names`` columns: the fragments, or the corpus stage's store of them."""
    phrases = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT unnest(phrases) AS p FROM read_parquet({fragment_list}) ORDER BY p"
        ).fetchall()
    ]
    names = {
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT unnest(names) FROM read_parquet({fragment_list})"
        ).fetchall()
    }
    curated, split_words = read_search_terms()
    return DictionarySources(
        phrases=tuple(sorted(phrases)),
        names=tuple(sorted(names | set(read_body_names()))),
        curated=curated,
        split_words=split_words,
    )


def _hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


class TermFinder:
    """Which of a set of terms occur in a text (Aho-Corasick, one pass over the
    text whatever the number of terms)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term in terms:
            self._automaton.add_word(term, term)
        self._empty = not len(self._automaton)
        if not self._empty:
            self._automaton.make_automaton()

    def found_in(self, text: str) -> set[str]:
        if self._empty:
            return set()
        return {term for _, term in self._automaton.iter(text)}


@dataclass
class TermsState:
    """What the last build left: its dictionary, and for each document its
    fragment's hash and the dictionary terms its text holds."""

    sources: str = ""
    dictionary: frozenset[str] = frozenset()
    documents: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> TermsState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                sources=data["sources"],
                dictionary=frozenset(data["dictionary"]),
                documents={
                    name: (entry["fragment"], frozenset(entry["terms"]))
                    for name, entry in data["documents"].items()
                },
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def write(self, path: Path) -> None:
        data = {
            "sources": self.sources,
            "dictionary": sorted(self.dictionary),
            "documents": {
                name: {"fragment": fragment, "terms": sorted(terms)}
                for name, (fragment, terms) in sorted(self.documents.items())
            },
        }
        _write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _read_text(path: Path, fragment: str) -> str | None:
    """A document's kept searched text, if it is that of this fragment."""
    try:
        tag, _, text = path.read_text(encoding="utf-8").partition("\n")
    except OSError:
        return None
    return text if tag == fragment else None


class _Document:
    """One kept document: its fragment, read and normalized only when needed."""

    def __init__(self, name: str, path: Path, terms_dir: Path, fragment: str) -> None:
        self.name = name
        self.path = path
        # The fragment's content hash, as the corpus stage found it.
        self.fragment = fragment
        self.text_path = terms_dir / f"{name}.text"
        self.target = terms_dir / f"{name}.parquet"
        self._texts: list[IndexedText] | None = None

    def texts(self) -> list[IndexedText]:
        if self._texts is None:
            self._texts = _fragment_texts(self.path)
        return self._texts

    def release(self) -> None:
        """Let go of the texts read (:meth:`texts` reads them again)."""
        self._texts = None

    def searched_text(self, kept: bool) -> str:
        """The text its dictionary terms are looked for in: the kept one when
        ``kept`` and there is one for this fragment, else made and kept."""
        text = _read_text(self.text_path, self.fragment) if kept else None
        if text is None:
            text = searched_text(self.texts())
            _write_atomic(self.text_path, f"{self.fragment}\n{text}".encode())
        return text


def write_terms_and_suggestions(
    con: duckdb.DuckDBPyConnection,
    kept: Mapping[str, str],
    fragments: dict[str, Path],
    out_dir: Path,
    work_dir: Path,
    code: str = "",
    dictionary_store: Path | None = None,
    progress: Callable[[str], None] = lambda step: None,
    jobs: int = 1,
) -> tuple[dict[str, int], TableChange | None]:
    """Write ``terms.parquet`` and ``topic_suggestions.parquet``; their row
    counts, and how the terms table changed (for the database). ``kept`` maps
    each kept document's file to its fragment's content hash; ``jobs``
    processes segment the documents where many are to be. ``code`` keys
    what is kept to the code that made it (:func:`pipeline.corpus.delta.code_key`);
    ``dictionary_store`` holds the kept fragments' dictionary words (read
    instead of every fragment)."""
    fragment_list = literal_list(
        [str(dictionary_store)] if dictionary_store else [str(fragments[name]) for name in kept]
    )
    sources = (
        corpus_dictionary(con, fragment_list)
        if kept
        else DictionarySources((), (), *read_search_terms())
    )
    sources_hash = _hash(json.dumps(sources.__dict__, default=sorted).encode())
    terms_dir = work_dir / "terms"
    terms_dir.mkdir(parents=True, exist_ok=True)
    progress("search terms")
    cached = segment_documents(
        sources, sources_hash, kept, fragments, work_dir, code, progress, jobs
    )
    progress("terms table")
    count, change = write_terms_table(
        con, dict(zip(kept, cached, strict=True)), out_dir, work_dir, code
    )
    progress("topic suggestions")
    counts = {"terms": count, "topic_suggestions": _suggestions(sources, out_dir, work_dir)}
    return counts, change


# What terms.parquet was last made of: its file, and each document's terms file
# with the symbol of its rows.
_TABLE_STATE = "terms_table.json"


def write_terms_table(
    con: duckdb.DuckDBPyConnection,
    cached: dict[str, Path],
    out_dir: Path,
    work_dir: Path,
    code: str = "",
) -> tuple[int, TableChange | None]:
    """``terms.parquet`` from the documents' terms files; the rows and how the
    table changed (None: written whole). While the table is the one last written,
    only the documents whose terms file changed are taken out and put in again
    (see :func:`pipeline.corpus.delta.merged_batches`)."""

    terms = TABLES["terms"]
    target = out_dir / "terms.parquet"
    record_path = work_dir / _TABLE_STATE
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    now = {name: stat_key(path) for name, path in cached.items()}
    before = record.get("files", {})
    changed = [name for name in cached if before.get(name, {}).get("stat") != now[name]]
    gone = [name for name in before if name not in cached or name in changed]
    symbols = {name: _symbols_of(path) for name, path in cached.items() if name in changed}
    symbols.update({name: before[name].get("symbols") for name in before if name not in changed})
    spliceable = (
        target.exists()
        and record.get("table") == file_key(target)
        and record.get("code") == code
        and all(_one_document(symbols.get(name)) for name in cached)
        and all(_one_document(before[name].get("symbols")) for name in gone)
        # A symbol both kept and added would interleave two files' rows.
        and not _symbols(symbols, changed) & _symbols(symbols, set(cached) - set(changed))
    )
    change = None
    if not changed and not gone and spliceable:
        return int(record["rows"]), None
    if spliceable:
        dropped = tuple(sorted({doc_id for name in gone for doc_id in before[name]["symbols"]}))
        change = TableChange(
            file_key(target),
            dropped,
            tuple(sorted({doc_id for name in changed for doc_id in symbols[name]})),
        )
        with _in_order(con, {name: cached[name] for name in changed}, symbols, work_dir) as added:
            merged = merged_batches(target, dropped, added, _BLOCKS)
            count = write_batches(terms.schema, merged, target)
    elif cached:
        with _in_order(con, cached, symbols, work_dir) as batches:
            count = write_batches(terms.schema, batches, target)
    else:
        count = write_batches(terms.schema, [], target)
    record = {
        "table": file_key(target),
        "code": code,
        "rows": count,
        "files": {name: {"stat": now[name], "symbols": symbols.get(name)} for name in cached},
    }
    _write_atomic(record_path, json.dumps(record, sort_keys=True).encode())
    return count, change


@contextmanager
def _in_order(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    symbols: dict[str, list[str | None] | None],
    work_dir: Path,
) -> Iterator[Iterable[pa.RecordBatch]]:
    """The rows of these terms files in the table's order, as a build from scratch has them.

    Where each file holds one document's rows (or none) and no two files the
    same document, the table is each value of the columns before ``doc_id``
    (the source table), then each document in ``doc_id`` order, its rows in
    the order of the remaining columns: a document's file is read once, sorted
    alone and its runs appended to one spill file per source table, which are
    then read back in order. Memory is one document and one batch, whatever
    the corpus; nothing is sorted across documents. Other files go through
    DuckDB's ORDER BY.
    """
    named = {name: (symbols.get(name) or [None])[0] for name in files}
    present = [symbol for symbol in named.values() if symbol is not None]
    one_each = all(_one_document(symbols.get(name)) for name in files)
    if not one_each or len(set(present)) != len(present):
        from pipeline.corpus.assemble import arrow_batches

        yield arrow_batches(con, _terms_query(list(files.values())))
        return
    schema = TABLES["terms"].schema
    order = TABLES["terms"].order
    groups = _BLOCKS[:-1]
    with tempfile.TemporaryDirectory(prefix="terms-", dir=work_dir) as spill:
        writers: dict[tuple[str, ...], pa.ipc.RecordBatchStreamWriter] = {}
        paths: dict[tuple[str, ...], Path] = {}
        # A document's runs are small: they go to the spill files gathered in
        # batches of about _SPILL_BATCH_ROWS, the batches a query's answer has.
        held: dict[tuple[str, ...], list[pa.RecordBatch]] = {}
        held_rows: dict[tuple[str, ...], int] = {}

        def spill_out(value: tuple[str, ...]) -> None:
            if value not in writers:
                paths[value] = Path(spill) / f"{len(paths)}.arrows"
                writers[value] = pa.ipc.new_stream(paths[value], schema)
            held_rows.pop(value)
            whole = pa.Table.from_batches(held.pop(value), schema).combine_chunks()
            for batch in whole.to_batches():
                writers[value].write_batch(batch)

        try:
            by_symbol = sorted((symbol, name) for name, symbol in named.items() if symbol)
            for _symbol, name in by_symbol:
                table = pq.read_table(files[name])
                if not table.num_rows:
                    continue
                # Stable, strings by their bytes and nulls last (Arrow's
                # default), as DuckDB's ORDER BY … NULLS LAST, file row.
                table = table.sort_by(
                    [(column, "ascending") for column in order if column != "doc_id"]
                )
                for value, run in runs_of(table.to_batches(), groups):
                    # In the table's schema (a terms file also carries its cache key).
                    held.setdefault(value, []).append(
                        pa.RecordBatch.from_arrays(run.columns, schema=schema)
                    )
                    held_rows[value] = held_rows.get(value, 0) + run.num_rows
                    if held_rows[value] >= _SPILL_BATCH_ROWS:
                        spill_out(value)
            for value in list(held):
                spill_out(value)
        finally:
            for writer in writers.values():
                writer.close()

        def batches() -> Iterator[pa.RecordBatch]:
            for value in sorted(paths):
                # Read, not mapped: a mapped file's pages would count in this
                # process's memory as it is read (the whole spill, gigabytes).
                with pa.ipc.open_stream(pa.OSFile(str(paths[value]))) as reader:
                    yield from reader

        yield batches()


def _terms_query(paths: list[Path]) -> str:
    """The rows of these terms files in the table's order, as a build from scratch has them."""
    order = ", ".join(f'"{column}" ASC NULLS LAST' for column in TABLES["terms"].order)
    return (
        "SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet("
        f"{literal_list(paths)}, filename = true,"
        f" file_row_number = true) ORDER BY {order}, filename, file_row_number"
    )


def _symbols(symbols: dict[str, list[str | None] | None], names: Iterable[str]) -> set[str]:
    return {symbol for name in names for symbol in symbols.get(name) or () if symbol is not None}


def _symbols_of(path: Path) -> list[str | None]:
    """The symbols a document's terms carry: one, or none when it has no terms."""
    return pq.read_table(path, columns=["doc_id"]).column("doc_id").unique().to_pylist()


def _one_document(symbols: list[str | None] | None) -> bool:
    """Whether a terms file's rows are one document's, named by its symbol (or
    there are none): only then can the table be spliced by symbol."""
    return symbols is not None and len(symbols) <= 1 and None not in symbols


def segment_documents(
    sources: DictionarySources,
    sources_hash: str,
    kept: Mapping[str, str],
    fragments: dict[str, Path],
    work_dir: Path,
    code: str = "",
    progress: Callable[[str], None] = lambda step: None,
    jobs: int = 1,
) -> list[Path]:
    """Each kept document's terms (``<work>/terms/<file>.parquet``), segmented
    again only where its fragment or the dictionary terms in its text changed;
    ``progress`` hears how many were. Where many documents are new or changed,
    worker processes find their dictionary terms and segment them, each
    reading its fragment once."""
    terms_dir = work_dir / "terms"
    state = TermsState.read(work_dir / _STATE)
    known = state.sources == sources_hash
    dictionary = state.dictionary if known else dictionary_terms(sources)
    # Removed terms drop out of the kept sets; added ones are looked for.
    removed = state.dictionary - dictionary
    added = dictionary - state.dictionary
    find_added = TermFinder(added)
    todo: list[tuple[_Document, str]] = []
    # New or changed fragments: which dictionary terms they hold is not known.
    unread: list[_Document] = []
    documents: dict[str, tuple[str, frozenset[str]]] = {}
    for name, fragment_hash in kept.items():
        document = _Document(name, fragments[name], terms_dir, fragment_hash)
        fragment, found = state.documents.get(name, ("", frozenset()))
        if fragment != document.fragment:
            unread.append(document)
            continue
        held = found - removed
        if added:
            held |= find_added.found_in(document.searched_text(kept=True))
        documents[name] = (document.fragment, frozenset(held))
        _queue(todo, document, _terms_key(document.fragment, code, held))
    if jobs > 1 and len(todo) + len(unread) >= PARALLEL_FROM:
        for document in [*(document for document, _ in todo), *unread]:
            document.release()
        progress(
            f"search terms: segmenting {len(todo)} of {len(kept)} documents"
            f" and the {len(unread)} new or changed ones (where their terms changed)"
        )
        documents.update(_in_workers(todo, unread, sources, dictionary, code, jobs))
    else:
        find_any = TermFinder(dictionary)
        for document in unread:
            held = frozenset(find_any.found_in(document.searched_text(kept=False)))
            documents[document.name] = (document.fragment, held)
            _queue(todo, document, _terms_key(document.fragment, code, held))
        progress(f"search terms: segmenting {len(todo)} of {len(kept)} documents")
        _segment_here(todo, sources)
    TermsState(sources_hash, dictionary, documents).write(work_dir / _STATE)
    wanted = {terms_dir / f"{name}{suffix}" for name in kept for suffix in (".parquet", ".text")}
    for stale in {*terms_dir.glob("*.parquet"), *terms_dir.glob("*.text")} - wanted:
        stale.unlink()
    return [terms_dir / f"{name}.parquet" for name in kept]


def _terms_key(fragment: str, code: str, held: Iterable[str]) -> str:
    """What a document's terms file is made from: its fragment, the
    segmentation, the code and the dictionary terms its text holds."""
    return _hash(
        fragment.encode(), _SEGMENTATION.encode(), code.encode(), "\n".join(sorted(held)).encode()
    )


def _queue(todo: list[tuple[_Document, str]], document: _Document, key: str) -> None:
    """Add the document to ``todo`` unless its terms file has this key. Many
    to segment: each document's texts are read again when it is segmented,
    not held here for every one of them."""
    if cached_key(document.target) == key:
        document.release()
        return
    todo.append((document, key))
    if len(todo) == PARALLEL_FROM:
        for waiting, _ in todo:
            waiting.release()
    elif len(todo) > PARALLEL_FROM:
        document.release()


# From how many documents to segment the segmenter is first made faster for
# many texts (half a second; the words are the same).
BULK_FROM = 8
# From how many documents to segment the work goes to worker processes (each
# builds its own segmenter, about a second); fewer are segmented here.
PARALLEL_FROM = 64


def _segment_here(todo: list[tuple[_Document, str]], sources: DictionarySources) -> None:
    """Write the terms file of each ``(document, cache key)`` in this process."""
    if not todo:
        return
    seg = segmenter(sources)
    if len(todo) >= BULK_FROM:
        seg = seg.for_bulk()
    for document, key in todo:
        _write_terms(document.texts(), document.target, key, seg)


def _in_workers(
    todo: list[tuple[_Document, str]],
    unread: list[_Document],
    sources: DictionarySources,
    dictionary: frozenset[str],
    code: str,
    jobs: int,
) -> dict[str, tuple[str, frozenset[str]]]:
    """In ``jobs`` worker processes: write the terms file of each ``(document,
    cache key)`` of ``todo``; find the dictionary terms of each document of
    ``unread`` and write its terms file if its key changed. Returns what each
    of ``unread`` holds. Each file depends on its document alone, so which
    process writes it does not change a byte."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    tasks: list[tuple[_Document, str | None]] = [*todo, *((document, None) for document in unread)]
    found: dict[str, tuple[str, frozenset[str]]] = {}
    # Spawned, not forked: this process holds DuckDB's and Arrow's threads.
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(sources, dictionary, code),
    ) as pool:
        chunk = max(1, len(tasks) // (jobs * 8))
        for (document, _), held in zip(tasks, pool.map(_work, tasks, chunksize=chunk), strict=True):
            if held is not None:
                found[document.name] = (document.fragment, held)
    return found


class _Worker:
    """A worker process's segmenter and dictionary (see :func:`_start_worker`)."""

    def __init__(self, sources: DictionarySources, dictionary: frozenset[str], code: str) -> None:
        self.segmenter = segmenter(sources).for_bulk()
        self.finder = TermFinder(dictionary)
        self.code = code


_WORKER: _Worker | None = None


def _start_worker(sources: DictionarySources, dictionary: frozenset[str], code: str) -> None:
    global _WORKER
    _WORKER = _Worker(sources, dictionary, code)


def _work(task: tuple[_Document, str | None]) -> frozenset[str] | None:
    """Segment a document under its key; with no key, first find its
    dictionary terms (returned) and the key they give."""
    if _WORKER is None:
        raise RuntimeError("the worker was not started")
    document, key = task
    held = None
    try:
        if key is None:
            held = frozenset(_WORKER.finder.found_in(document.searched_text(kept=False)))
            key = _terms_key(document.fragment, _WORKER.code, held)
            if cached_key(document.target) == key:
                return held
        _write_terms(document.texts(), document.target, key, _WORKER.segmenter)
        return held
    finally:
        # The pool holds a chunk's tasks until the chunk is done.
        document.release()


def _write_terms(texts: list[IndexedText], target: Path, key: str, seg: Segmenter) -> None:
    arrow = pa.Table.from_pydict(terms_columns(texts, seg), schema=TABLES["terms"].schema)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), _KEY: key})
    write_table(arrow, target)


def _fragment_texts(path: Path) -> list[IndexedText]:
    """The texts of a fragment that are searched (see :func:`indexed_texts`)."""
    fragment = pq.read_table(path, columns=list(INDEXED_TABLES))
    return indexed_texts(
        {table: fragment.column(table)[0].as_py() or [] for table in INDEXED_TABLES}
    )


def _suggestions(sources: DictionarySources, out_dir: Path, work_dir: Path) -> int:
    """The topic suggestions, from the written tables (see ``topics.write_suggestions``)."""
    from pipeline.corpus.topics import write_suggestions

    return write_suggestions(sources, out_dir, work_dir)
