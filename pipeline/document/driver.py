"""The per-document pipeline, top to bottom: read → clean → segment → describe →
extract → rows. Follow one document from ``raw/`` to a row of Parquet here.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.document.checks import check_document
from pipeline.document.clean import clean_document
from pipeline.document.describe import UNKNOWN_KIND, describe, symbol_from_file_name
from pipeline.document.extract import DocContext
from pipeline.document.extract.agenda import (
    annotate_agenda_items,
    extract_agenda_items,
    extract_schedule,
)
from pipeline.document.extract.attendance import extract_participants
from pipeline.document.extract.citations import extract_citations
from pipeline.document.extract.deliberations import assign_agenda_items
from pipeline.document.extract.index import extract_index_entries
from pipeline.document.extract.recommendations import extract_recommendations
from pipeline.document.extract.resolutions import extract_resolution_paragraphs
from pipeline.document.read import read_document
from pipeline.document.segment import segment
from pipeline.errors import DocumentError
from pipeline.models import Block, Finding, Limits
from pipeline.records import FootnoteRow, ParagraphRow
from pipeline.search.engine import dictionary_sources, read_body_names
from pipeline.store import DocumentResult, rows_of


def extract_document(
    path: Path, catalog_row: dict[str, str], limits: Limits | None = None
) -> DocumentResult:
    """Run every per-document stage on ``path``; never raises for bad input.

    A document that cannot be read or parsed gives a result with one
    ``error`` finding and no rows, so the rest of the corpus still builds.
    """
    limits = limits or Limits()
    try:
        with _time_limit(path, limits.max_seconds):
            return _extract(path, catalog_row, limits)
    except DocumentError as exc:
        return _failure(path, exc.check, exc.reason)
    except RecursionError:
        return _failure(path, "parse", "document structure too deeply nested")
    except MemoryError:
        return _failure(path, "limits", "ran out of memory")


@contextmanager
def _time_limit(path: Path, seconds: float | None) -> Iterator[None]:
    """Interrupt a document that takes longer than ``seconds`` (POSIX main thread
    only; elsewhere the limit is not enforced)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentError(path.name, f"took longer than the {seconds:g} s limit", "limits")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _extract(path: Path, catalog_row: dict[str, str], limits: Limits) -> DocumentResult:
    # 1. read: lines with page and indentation
    source = read_document(path, max_pages=limits.max_pages, max_bytes=limits.max_bytes)
    # 2. clean: page furniture, footnote blocks and markers out of the flow
    symbol_hint = catalog_row.get("symbol") or symbol_from_file_name(path)[0]
    clean = clean_document(source, symbol_hint)
    if not clean.lines:
        raise DocumentError(path.name, "no body text (only page headers, footers or notes)")
    # 3. segment: headings and paragraphs
    blocks = segment(clean.lines)
    # 4. describe: the documents row
    meta = describe(clean, blocks, path.name, catalog_row)
    if meta.kind == UNKNOWN_KIND and not catalog_row.get("kind"):
        raise DocumentError(
            path.name,
            "not a document kind the pipeline knows (no title such as 临时议程说明 or"
            " …会议报告); if it is one, give its kind in raw/catalog.csv",
            "kind",
        )
    ctx = DocContext(meta=meta, clean=clean, blocks=blocks)
    # 5. extract: one list of records per table
    agenda_items = annotate_agenda_items(ctx, extract_agenda_items(ctx))
    tables = {
        "documents": [ctx.meta],
        "paragraphs": assign_agenda_items(ctx, _paragraph_rows(ctx), agenda_items),
        "footnotes": _footnote_rows(ctx),
        "citations": extract_citations(ctx),
        "agenda_items": agenda_items,
        "schedule": extract_schedule(ctx),
        "resolution_paragraphs": extract_resolution_paragraphs(ctx),
        "recommendations": extract_recommendations(ctx),
        "index_entries": extract_index_entries(ctx),
        "participants": extract_participants(ctx),
    }
    rows = {name: rows_of(records) for name, records in tables.items()}
    # 6. check: everything about this document alone (the corpus stage checks
    # only what spans documents)
    findings, coverage = check_document(rows, ctx.findings, ctx.stated_counts)
    # 7. its words for the search dictionary (the corpus stage takes the union)
    words = dictionary_sources(rows)
    return DocumentResult(
        source_file=path.name,
        source_sha256=source.sha256,
        doc_id=meta.doc_id,
        tables=rows,
        findings=findings,
        coverage=coverage,
        phrases=words.phrases,
        names=tuple(name for name in words.names if name not in _BODY_NAMES),
    )


# Names every dictionary holds (bodies.csv): not repeated in each fragment.
_BODY_NAMES = frozenset(read_body_names())


def _failure(path: Path, check: str, reason: str) -> DocumentResult:
    return DocumentResult(
        source_file=path.name,
        source_sha256=None,
        doc_id=None,
        findings=[
            Finding(
                check=check,
                severity="error",
                doc_id=None,
                message=f"{path.name}: {reason}",
                where=path.name,
            )
        ],
    )


def _paragraph_rows(ctx: DocContext) -> list[ParagraphRow]:
    return [_paragraph_row(ctx.doc_id, block) for block in ctx.blocks]


def _paragraph_row(doc_id: str, block: Block) -> ParagraphRow:
    return ParagraphRow(
        doc_id=doc_id,
        seq=block.seq,
        kind=block.kind,
        section=block.section,
        number=block.number,
        label=block.label,
        text=block.text,
        footnote_refs=list(block.footnote_refs),
        footnote_offsets=list(block.footnote_offsets),
        heading=block.heading,
        line_start=block.line_start,
        line_end=block.line_end,
        page=block.page,
    )


def _footnote_rows(ctx: DocContext) -> list[FootnoteRow]:
    return [
        FootnoteRow(
            doc_id=ctx.doc_id,
            number=footnote.number,
            marker=footnote.marker,
            text=footnote.text,
            line_start=footnote.line_start,
            line_end=footnote.line_end,
            page=footnote.page,
        )
        for footnote in ctx.clean.footnotes
    ]
