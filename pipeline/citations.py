"""Find every UN document symbol a document cites, in its text and footnotes."""

from __future__ import annotations

from .extract import DocContext
from .normalize.symbols import find_symbols
from .records import CitationRow

# Characters of context kept on each side of a citation.
_CONTEXT = 40


def extract_citations(ctx: DocContext) -> list[CitationRow]:
    rows: list[CitationRow] = []
    for block in ctx.blocks:
        for match in find_symbols(block.text):
            if match.symbol == ctx.doc_id:
                continue
            rows.append(
                CitationRow(
                    doc_id=ctx.doc_id,
                    cited_symbol=match.symbol,
                    seq=block.seq,
                    footnote=None,
                    context=_context(block.text, match.start, match.end),
                    line_start=block.line_start,
                    line_end=block.line_end,
                    page=block.page,
                )
            )
    for footnote in ctx.clean.footnotes:
        for match in find_symbols(footnote.text):
            if match.symbol == ctx.doc_id:
                continue
            rows.append(
                CitationRow(
                    doc_id=ctx.doc_id,
                    cited_symbol=match.symbol,
                    seq=None,
                    footnote=footnote.marker,
                    context=_context(footnote.text, match.start, match.end),
                    line_start=footnote.line_start,
                    line_end=footnote.line_end,
                    page=footnote.page,
                )
            )
    return rows


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - _CONTEXT) : end + _CONTEXT]
