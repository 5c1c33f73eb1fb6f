"""Find every UN document symbol a document cites, in its text and footnotes."""

from __future__ import annotations

from pipeline.document.extract import DocContext
from pipeline.normalize.symbols import find_symbols
from pipeline.records import CitationRow

# Characters of context kept on each side of a citation.
_CONTEXT = 40


# Kinds of blocks that open the document's text: what comes before one is its masthead.
_TEXT_KINDS = frozenset({"heading", "chapter", "section", "subheading", "paragraph"})


def extract_citations(ctx: DocContext) -> list[CitationRow]:
    """One row per symbol cited in a paragraph or a footnote. The document's own
    symbol counts where the text cites it (an agenda listing itself among an
    item's documents), not in the masthead or page header."""
    opening = next((i for i, b in enumerate(ctx.blocks) if b.kind in _TEXT_KINDS), 0)
    masthead = {b.seq for b in ctx.blocks[:opening]}
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
        if match.symbol != ctx.doc_id or (seq is not None and seq not in masthead)
    ]
