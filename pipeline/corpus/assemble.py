"""Assemble per-document results into the output tables and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalog import load_catalog, raw_files, unsupported_files
from pipeline.corpus.akn import write_akn
from pipeline.corpus.database import write_database
from pipeline.corpus.link import link_recommendations
from pipeline.corpus.meetings import meetings_of
from pipeline.corpus.topics import suggestion_rows
from pipeline.corpus.validate import validate, write_report
from pipeline.corpus.write import to_arrow, write_datapackage, write_table
from pipeline.models import Finding
from pipeline.schema import TABLES
from pipeline.search.engine import dictionary_sources, segmenter, terms_rows
from pipeline.store import DocumentResult, load_result, remove_stale_temporaries


@dataclass
class Summary:
    documents: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


def assemble(
    raw_dir: Path, results: list[DocumentResult], out_dir: Path
) -> tuple[Summary, list[Finding]]:
    """Concatenate the results, check them, write tables, data package and report."""
    catalog = load_catalog(raw_dir / "catalog.csv", raw_dir)
    findings: list[Finding] = [*catalog.findings, *unsupported_files(raw_dir)]
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    documents: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.source_file):
        findings += result.findings
        status = "failed" if result.failed else "ok"
        if result.doc_id and result.doc_id in seen:
            findings.append(
                Finding(
                    check="duplicate_document",
                    severity="error",
                    doc_id=result.doc_id,
                    message=(
                        f"{result.source_file}: same symbol as {seen[result.doc_id]};"
                        " its rows are left out"
                    ),
                    where=result.source_file,
                )
            )
            status = "duplicate"
        elif not result.failed:
            if result.doc_id:
                seen[result.doc_id] = result.source_file
            for name, rows in result.tables.items():
                tables[name].extend(rows)
        documents.append(
            {
                "source_file": result.source_file,
                "doc_id": result.doc_id,
                "source_sha256": result.source_sha256,
                "status": status,
                "rows": {name: len(rows) for name, rows in result.tables.items()},
            }
        )
    # Meetings, from the documents that serve them.
    tables["meetings"], meeting_of, meeting_findings = meetings_of(
        tables["documents"], tables["agenda_items"]
    )
    for document in tables["documents"]:
        document["meeting_id"] = meeting_of.get(document["doc_id"])
    findings += meeting_findings
    # Links between documents: index entries to the recommendations they cite.
    tables["index_entries"], link_findings = link_recommendations(
        tables["index_entries"], tables["recommendations"]
    )
    findings += link_findings
    # Corpus-wide: segmented terms (the dictionary comes from the corpus) and topic suggestions.
    seg = segmenter(dictionary_sources(tables))
    tables["terms"] = terms_rows(tables, seg)
    tables["topic_suggestions"] = suggestion_rows(tables, tables["terms"], seg)
    arrows = {}
    for name, table in TABLES.items():
        arrows[name], rejected = to_arrow(table, tables[name])
        findings += [_rejected_row(name, row, reason) for row, reason in rejected]
    validation = validate(tables, findings)
    findings = validation.findings
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    remove_stale_temporaries(out_dir / "validation")
    counts: dict[str, int] = {}
    for name, arrow in arrows.items():
        write_table(arrow, out_dir / f"{name}.parquet")
        counts[name] = arrow.num_rows
    sources = [
        {
            "path": f"raw/{doc['source_file']}",
            "doc_id": doc["doc_id"],
            "sha256": doc["source_sha256"],
        }
        for doc in documents
    ]
    # Resolutions and decisions as Akoma Ntoso, from the tables just written.
    findings += write_akn(out_dir)
    write_datapackage(out_dir, counts, sources)
    write_report(out_dir / "validation", findings, documents, counts, validation.coverage)
    write_database(out_dir)
    summary = Summary(
        documents=len(documents),
        failed=sum(1 for doc in documents if doc["status"] != "ok"),
        rows=counts,
        findings={
            s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")
        },
    )
    return summary, findings


def _rejected_row(table: str, row: dict[str, Any], reason: str) -> Finding:
    """A row the table's schema cannot hold: left out of the table, reported here."""
    return Finding(
        check="write",
        severity="error",
        doc_id=row.get("doc_id"),
        message=f"{table}: a row does not fit the schema and was left out ({reason})",
        where=f"line {row.get('line_start')}",
        evidence=str({key: value for key, value in row.items() if value is not None})[:200],
        line=row.get("line_start"),
    )


def load_results(raw_dir: Path, extract_dir: Path) -> list[DocumentResult]:
    """The intermediate result of every document now in ``raw/``; a document
    removed from ``raw/`` is left out even if its old result is still there."""
    results: list[DocumentResult] = []
    for raw in raw_files(raw_dir):
        path = extract_dir / f"{raw.name}.json"
        if not path.exists():
            results.append(
                DocumentResult(
                    source_file=raw.name,
                    source_sha256=None,
                    doc_id=None,
                    findings=[
                        Finding(
                            check="ingest",
                            severity="error",
                            doc_id=None,
                            message=f"{raw.name}: not extracted (run `make` or `pipeline build`)",
                            where=raw.name,
                        )
                    ],
                )
            )
            continue
        results.append(load_result(path))
    return results
