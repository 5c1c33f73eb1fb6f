"""Where the per-document stage runs: in this process, in local worker processes,
or on a Dask cluster.

:func:`extract_all` maps :func:`pipeline.document.driver.extract_document` over the
files of a corpus with one of the executors below and returns the results in
the order of the files, whichever executor ran them and in whatever order they
finished; ``on_result`` sees each result as it arrives (progress, errors).
Only the per-document stage is distributed: it is a pure function of a file
and its catalog row, so the tables are the same whichever executor ran it.
Assembling the tables stays on the calling machine.

On Dask, :meth:`DaskExecutor.write_fragments` has each worker write its
document's fragment itself into a folder that the workers and this machine
both reach (a shared disk, or an fsspec URL such as ``s3://bucket/extract``)
and send back only a :class:`FragmentSummary`; the tables then never travel
through the scheduler.

Dask is imported only when a Dask executor is used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.document.driver import extract_document
from pipeline.models import Limits
from pipeline.store import DocumentResult, atomic_file, save_result

if TYPE_CHECKING:
    from distributed import Client

# One task: a raw file, its catalog row and the per-document limits.
Task = tuple[Path, dict[str, str], Limits]
# How many tasks each worker may have queued at once: enough to keep it busy,
# few enough that the inputs waiting in flight do not grow with the corpus.
_IN_FLIGHT_PER_WORKER = 4


class Executor(Protocol):
    """Runs the per-document stage over tasks; yields ``(index, result)`` pairs
    in the order they finish."""

    name: str

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, DocumentResult]]: ...

    def close(self) -> None: ...


def extract_all(
    files: Sequence[Path],
    catalog_row: Callable[[str], dict[str, str]],
    executor: Executor,
    *,
    limits: Limits | None = None,
    on_result: Callable[[DocumentResult], None] | None = None,
) -> list[DocumentResult]:
    """The result of every file, in the order of ``files``."""
    limits = limits or Limits()
    tasks: list[Task] = [(path, catalog_row(path.name), limits) for path in files]
    results: list[DocumentResult | None] = [None] * len(tasks)
    for index, result in executor.run(tasks):
        results[index] = result
        if on_result is not None:
            on_result(result)
    missing = [tasks[i][0].name for i, result in enumerate(results) if result is None]
    if missing:
        raise RuntimeError(f"{executor.name} returned no result for {', '.join(missing)}")
    return [result for result in results if result is not None]


class SerialExecutor:
    """Every document in this process, one after another."""

    name = "serial"

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, DocumentResult]]:
        for index, (path, row, limits) in enumerate(tasks):
            yield index, extract_document(path, row, limits)

    def close(self) -> None:
        """Nothing to release."""


class ProcessExecutor:
    """Local worker processes (``concurrent.futures``); each document runs in its
    worker's main thread, so the per-document time limit holds."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, DocumentResult]]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
        pool = self._pool

        def submit(index: int) -> Future[DocumentResult]:
            path, row, limits = tasks[index]
            return pool.submit(extract_document, path, row, limits)

        yield from _windowed(tasks, submit, self.jobs * _IN_FLIGHT_PER_WORKER)

    def write_fragments(
        self, tasks: Sequence[Task], fragments: str
    ) -> Iterator[tuple[int, FragmentSummary]]:
        """Each document extracted in a worker, which writes its fragment into
        ``fragments`` and returns only its summary: nothing of the result is
        pickled back, nor written by this process one after another."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
        pool = self._pool

        def submit(index: int) -> Future[FragmentSummary]:
            path, row, limits = tasks[index]
            return pool.submit(extract_to_fragment, path, row, limits, fragments)

        yield from _windowed(tasks, submit, self.jobs * _IN_FLIGHT_PER_WORKER)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class DaskExecutor:
    """A Dask cluster: a new :class:`distributed.LocalCluster` on this machine, or
    the scheduler at ``address``.

    With ``ship_files`` each file's bytes travel with its task and the worker
    reads them from a temporary copy, so workers need no access to this
    machine's disk (the default for a remote scheduler); otherwise workers
    open the paths themselves (the default for a local cluster). Workers need
    the same version of this package installed. Tasks run in worker threads,
    where the per-document time limit cannot interrupt them.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        processes: bool = True,
        ship_files: bool | None = None,
    ) -> None:
        self.address = address
        self.workers = workers
        self.processes = processes
        self.ship_files = address is not None if ship_files is None else ship_files
        self._client: Client | None = None
        self._cluster: Any = None

    @property
    def client(self) -> Client:
        """The connected client; starts the local cluster on first use."""
        if self._client is None:
            import logging

            from distributed import Client, LocalCluster

            if self.address is not None:
                self._client = Client(self.address)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=self.processes,
                    dashboard_address=":0",  # any free port: never clash with another
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
        return self._client

    def worker_count(self) -> int:
        """Threads across the cluster's workers: how many tasks run at once."""
        threads = self.client.nthreads()
        return max(1, sum(threads.values()))

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, DocumentResult]]:
        client = self.client

        def submit(index: int) -> Any:
            path, row, limits = tasks[index]
            key = f"extract-{index}-{path.name}"
            if self.ship_files:
                if _too_large(path, limits):
                    # Refused from its size alone, here, without reading it.
                    result = extract_document(path, row, limits)
                    return client.submit(_given, result, key=key, pure=False)
                data = path.read_bytes()
                return client.submit(
                    extract_shipped, path.name, data, row, limits, key=key, pure=False
                )
            return client.submit(extract_document, path, row, limits, key=key, pure=False)

        yield from self._stream(len(tasks), submit)

    def write_fragments(
        self, tasks: Sequence[Task], fragments: str
    ) -> Iterator[tuple[int, FragmentSummary]]:
        """Each document extracted on a worker, which writes its fragment as
        ``<fragments>/<file>.parquet`` and returns only its summary. The file's
        bytes travel with the task when ``ship_files`` is set."""
        client = self.client

        def submit(index: int) -> Any:
            path, row, limits = tasks[index]
            key = f"fragment-{index}-{path.name}"
            if self.ship_files and _too_large(path, limits):
                # Refused from its size alone, here, without reading it.
                summary = extract_to_fragment(path, row, limits, fragments)
                return client.submit(_given, summary, key=key, pure=False)
            source = (path.name, path.read_bytes()) if self.ship_files else path
            return client.submit(
                extract_to_fragment, source, row, limits, fragments, key=key, pure=False
            )

        yield from self._stream(len(tasks), submit)

    def _stream(self, count: int, submit: Callable[[int], Any]) -> Iterator[tuple[int, Any]]:
        """Submit ``count`` tasks, a window at a time; yield each answer as it arrives."""
        from distributed import as_completed

        window = self.worker_count() * _IN_FLIGHT_PER_WORKER
        pending: dict[Any, int] = {}
        queue = iter(range(count))
        for index in _take(queue, window):
            pending[submit(index)] = index
        finished = as_completed(list(pending))
        for future in finished:
            index = pending.pop(future)
            answer = future.result()
            future.release()
            for following in _take(queue, 1):
                new = submit(following)
                pending[new] = following
                finished.add(new)
            yield index, answer

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def extract_shipped(
    name: str, data: bytes, catalog_row: dict[str, str], limits: Limits
) -> DocumentResult:
    """:func:`extract_document` on a file sent as bytes: written under its own
    name into a temporary folder, so the result is the same as from the original."""
    with tempfile.TemporaryDirectory(prefix="untoc-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return extract_document(path, catalog_row, limits)


@dataclass(frozen=True, slots=True)
class FragmentSummary:
    """What a worker sends back once it has written a document's fragment: enough
    for progress and error lines: a few hundred bytes, however long the document."""

    source_file: str
    doc_id: str | None
    status: str  # "ok" or "failed"
    rows: dict[str, int]
    errors: tuple[str, ...]


def extract_to_fragment(
    source: Path | tuple[str, bytes], catalog_row: dict[str, str], limits: Limits, fragments: str
) -> FragmentSummary:
    """Extract one document (a path, or a file name and its bytes) and write its
    fragment into ``fragments``, a folder or an fsspec URL; runs on a worker."""
    if isinstance(source, Path):
        result = extract_document(source, catalog_row, limits)
    else:
        result = extract_shipped(*source, catalog_row, limits)
    save_fragment(result, fragments)
    return FragmentSummary(
        source_file=result.source_file,
        doc_id=result.doc_id,
        status="failed" if result.failed else "ok",
        rows={name: len(rows) for name, rows in result.tables.items()},
        errors=tuple(f.message for f in result.findings if f.severity == "error"),
    )


def save_fragment(result: DocumentResult, fragments: str) -> None:
    """``result`` as ``<fragments>/<file>.parquet``: written atomically into a
    local folder, or written whole and then uploaded under its name to a URL
    (one PUT, so a reader never sees half of it)."""
    name = f"{result.source_file}.parquet"
    if _is_local(fragments):
        save_result(result, _local_path(fragments) / name)
        return
    import fsspec

    filesystem, root = fsspec.core.url_to_fs(fragments)
    with tempfile.TemporaryDirectory(prefix="untoc-fragment-") as folder:
        local = Path(folder) / name
        save_result(result, local)
        filesystem.makedirs(root, exist_ok=True)
        filesystem.put_file(str(local), f"{root.rstrip('/')}/{name}")


def local_fragments(fragments: str, names: Sequence[str], cache: Path) -> Path:
    """The folder the corpus stage reads the fragments of ``names`` from: the
    folder itself when it is local (or a shared disk), else ``cache``, into
    which each fragment is downloaded. A fragment that is not there is an error
    naming it: the workers wrote it where this machine cannot see it."""
    if _is_local(fragments):
        folder = _local_path(fragments)
        missing = [name for name in names if not (folder / f"{name}.parquet").is_file()]
        if missing:
            raise RuntimeError(
                f"{folder}: no fragment for {', '.join(missing)}; the workers must write"
                " fragments where this machine reads them (a shared disk or a URL)"
            )
        return folder
    import fsspec

    filesystem, root = fsspec.core.url_to_fs(fragments)
    cache.mkdir(parents=True, exist_ok=True)
    for name in names:
        remote = f"{root.rstrip('/')}/{name}.parquet"
        if not filesystem.exists(remote):
            raise RuntimeError(f"{fragments}: no fragment for {name}")
        with filesystem.open(remote, "rb") as handle, atomic_file(cache / f"{name}.parquet") as out:
            shutil.copyfileobj(handle, out)
    return cache


def _is_local(fragments: str) -> bool:
    return "://" not in fragments or fragments.startswith("file://")


def _local_path(fragments: str) -> Path:
    return Path(fragments.removeprefix("file://"))


def _too_large(path: Path, limits: Limits) -> bool:
    """A text file that the reader refuses from its size (as ``read_document`` does)."""
    return (
        path.suffix.lower() == ".txt"
        and limits.max_bytes is not None
        and path.stat().st_size > limits.max_bytes
    )


def _given(answer: Any) -> Any:
    return answer


@dataclass(frozen=True)
class ExecutorChoice:
    """What the command line asked for: ``local`` (``jobs`` processes, 1 = this
    process) or ``dask`` (a local cluster of ``jobs`` workers, or ``scheduler``)."""

    kind: str = "local"
    jobs: int | None = None
    scheduler: str | None = None


def make_executor(choice: ExecutorChoice) -> Executor:
    """The executor for a command-line choice; ``--scheduler`` implies Dask."""
    if choice.kind == "dask" or choice.scheduler:
        return DaskExecutor(choice.scheduler, workers=choice.jobs)
    if choice.kind != "local":
        raise ValueError(f"unknown executor {choice.kind!r}; use 'local' or 'dask'")
    jobs = choice.jobs or 1
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs)


def _windowed(
    tasks: Sequence[Task], submit: Callable[[int], Future[DocumentResult]], window: int
) -> Iterator[tuple[int, DocumentResult]]:
    """Submit at most ``window`` tasks ahead of the results taken."""
    queue = iter(range(len(tasks)))
    pending: dict[Future[DocumentResult], int] = {
        submit(index): index for index in _take(queue, window)
    }
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            index = pending.pop(future)
            for following in _take(queue, 1):
                pending[submit(following)] = following
            yield index, future.result()


def _take(items: Iterator[int], count: int) -> Iterable[int]:
    for _ in range(count):
        item = next(items, None)
        if item is None:
            return
        yield item
