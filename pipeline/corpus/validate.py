"""Every check over rows held as dicts, and the report they produce.

The checks live by family: those that read one document alone in
:mod:`pipeline.document.checks` (run by the per-document stage on each
document), those across documents in :mod:`pipeline.corpus.crossref` (run by
the corpus stage); the report in :mod:`pipeline.corpus.report`. :func:`validate`
runs them all on rows held in memory: what the tests and small corpora use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.corpus.crossref import check_cross_references
from pipeline.corpus.report import build_report, sort_findings, write_report
from pipeline.document.checks import document_findings
from pipeline.document.checks.common import Coverage, Span, Tables, _supersede
from pipeline.document.checks.coverage import measure_coverage
from pipeline.document.checks.schema import conforms, open_vocabularies, pandera_schema
from pipeline.models import Finding, StatedCount

__all__ = [
    "Coverage",
    "Span",
    "Validation",
    "build_report",
    "conforms",
    "measure_coverage",
    "open_vocabularies",
    "pandera_schema",
    "sort_findings",
    "validate",
    "write_report",
]


@dataclass(slots=True)
class Validation:
    """What :func:`validate` returns: every finding (sorted) and the coverage."""

    findings: list[Finding]
    coverage: list[Coverage]


def validate(
    tables: Tables,
    findings: Iterable[Finding] = (),
    stated_counts: Sequence[StatedCount] = (),
) -> Validation:
    """Run every check on the rows; ``findings`` are those the earlier stages
    reported. Returns all findings, sorted."""
    upstream = list(findings)
    own, coverage = document_findings(tables, stated_counts)
    own += check_cross_references(tables)
    return Validation(sort_findings(_supersede(upstream, own) + own), coverage)
