"""Find every UN document symbol a document cites, in its text and footnotes."""

from __future__ import annotations

from pipeline.document.extract import DocContext
from pipeline.normalize.symbols import find_symbols
from pipeline.records import CitationRow

# Characters of context kept on each side of a citation.
_CONTEXT = 40


def extract_citations(ctx: DocContext) -> list[CitationRow]:
    """One row per symbol cited in a paragraph or a footnote (not the document's own)."""
    places: tuple[tuple[str, int | None, str | None, int, int, int | None], ...] = (
        *((b.text, b.seq, None, b.line_start, b.line_end, b.page) for b in ctx.blocks),
        *((f.text, None, f.marker, f.line_start, f.line_end, f.page) for f in ctx.clean.footnotes),
    )
    return [
        CitationRow(
            doc_id=ctx.doc_id,
            cited_symbol=match.symbol,
            seq=seq,
            footnote=footnote,
            context=text[max(0, match.start - _CONTEXT) : match.end + _CONTEXT],
            line_start=line_start,
            line_end=line_end,
            page=page,
        )
        for text, seq, footnote, line_start, line_end, page in places
        for match in find_symbols(text)
        if match.symbol != ctx.doc_id
    ]
