"""Links between documents of the corpus: thematic-index entries to the
recommendations of the reports they cite."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline.document.extract.index import paragraph_and_rest
from pipeline.models import Finding


def link_recommendations(
    entries: list[dict[str, Any]], recommendations: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Set ``rec_id`` on index entries whose report's recommendations are known.

    ``entries`` and ``recommendations`` are row dicts as in the assembled tables.
    An entry cites recommendation n of its report, n being the leading paragraph
    number of ``report_ref``; it is matched against ``paragraph_number`` when the
    report prints its recommendations as numbered paragraphs, else against
    ``number`` (``建议 n``). Entries of reports absent from the corpus keep a
    null ``rec_id``; a cited recommendation of a present report that does not
    resolve gives a warning. Returns new dicts; the inputs are left unchanged.
    """
    by_report: dict[str, dict[int, str]] = defaultdict(dict)
    for rec in recommendations:
        key = rec.get("paragraph_number")
        if key is None:
            key = rec.get("number")
        if key is not None:
            by_report[rec["doc_id"]].setdefault(int(key), rec["rec_id"])
    linked: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for entry in entries:
        row = dict(entry)
        row.setdefault("rec_id", None)
        known = by_report.get(row["report_symbol"])
        if known is not None:
            paragraph = paragraph_and_rest(row["report_ref"])
            rec_id = known.get(paragraph[0]) if paragraph else None
            row["rec_id"] = rec_id
            if rec_id is None:
                findings.append(
                    Finding(
                        check="index_rec_unresolved",
                        severity="warning",
                        doc_id=row.get("doc_id"),
                        message=(
                            f"index cites {row['report_symbol']} paragraph {row['report_ref']},"
                            " which is none of that report's recommendations"
                        ),
                        where=f"line {row.get('line_start')}",
                        evidence=f"{row.get('topic')} | {row['report_ref']}",
                        line=row.get("line_start"),
                    )
                )
        linked.append(row)
    return linked, findings
