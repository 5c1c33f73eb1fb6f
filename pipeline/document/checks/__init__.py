"""The checks that read one document alone, run by the per-document stage.

:func:`check_document` runs every family on one document's rows and returns
its findings (the extractors' ones included) and its coverage:

* ``schema`` (:mod:`.schema`): every table against its declared schema
  (``pipeline/schema.py``) with pandera: types (as the writer converts them),
  nullability, allowed codes (``Column.allowed`` and
  ``pipeline/data/validation_vocabularies.csv``), patterns and unique keys.
* Sequences (:mod:`.sequences`: ``paragraph_sequence``, ``footnote_sequence``,
  ``recommendation_sequence``, ``operative_sequence``, ``agenda_sequence``):
  numbers run 1, 2, 3 … (a, b, c …; i, ii, iii …) without gaps or repeats.
* ``coverage`` (:mod:`.coverage`, info): the share of the document's text that
  landed in an entity table, and its longest spans that landed nowhere.
* ``attendance_count_mismatch`` (:mod:`.attendance`): counts stated in prose
  against the attendance lists.
* The thematic index against itself (:mod:`.index`): ``index_location`` and
  ``index_location_conflict``.
* Normalization misses (:mod:`.normalization`): ``unknown_country``,
  ``date_missing``, ``symbol_unnormalized``, ``reference_unparsed``,
  ``location_unnormalized``.

Checks across documents (index citations, agendas, speakers) are the corpus
stage's: :mod:`pipeline.corpus.crossref`.

Every finding here is about a source document, so none is an ``error``: that
severity is left to input the pipeline could not read or parse. Where an
extractor already reported the same defect at the same line under an equivalent
check (:data:`~.common.SUPERSEDES`), the checker's finding, which states the
expected value, replaces it rather than repeating it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.document.checks.attendance import counts_against_lists
from pipeline.document.checks.common import Coverage, Tables, _supersede
from pipeline.document.checks.coverage import coverage_findings, measure_coverage
from pipeline.document.checks.index import check_index
from pipeline.document.checks.normalization import check_normalization
from pipeline.document.checks.schema import check_schema
from pipeline.document.checks.sequences import check_sequences
from pipeline.models import Finding, StatedCount


def document_findings(
    tables: Tables, stated_counts: Sequence[StatedCount] = ()
) -> tuple[list[Finding], list[Coverage]]:
    """The findings of every per-document check on ``tables`` (not superseding
    anything yet), and the coverage."""
    coverage = measure_coverage(tables)
    own = [
        *check_schema(tables),
        *check_sequences(tables),
        *coverage_findings(coverage),
        *counts_against_lists(tables, stated_counts),
        *check_index(tables),
        *check_normalization(tables),
    ]
    return own, coverage


def check_document(
    tables: Tables,
    upstream: Iterable[Finding] = (),
    stated_counts: Sequence[StatedCount] = (),
) -> tuple[list[Finding], list[Coverage]]:
    """``upstream`` (the extractors' findings), less those a check restates, and
    every check's own findings; and the coverage."""
    own, coverage = document_findings(tables, stated_counts)
    return _supersede(list(upstream), own) + own, coverage
