"""Entity extractors: each reads the segmented blocks of one document.

Every extractor is a plain function ``(DocContext) -> list[Row]``; they share
the segmenter's blocks and the normalizers instead of re-reading raw lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.models import Block, CleanDocument, Finding, StatedCount
from pipeline.records import DocumentRow


@dataclass(slots=True)
class DocContext:
    """Everything an extractor may read about one document."""

    meta: DocumentRow
    clean: CleanDocument
    blocks: list[Block]
    findings: list[Finding] = field(default_factory=list)
    # Attendance counts stated in prose, typed (read by the attendance check).
    stated_counts: list[StatedCount] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    def warn(
        self,
        check: str,
        message: str,
        block: Block | None = None,
        evidence: str = "",
        severity: str = "warning",
    ) -> None:
        """Record a finding about this document, located at ``block``."""
        where = ""
        line = None
        if block is not None:
            where = f"paragraph seq {block.seq}" + (f" ({block.label})" if block.label else "")
            line = block.line_start
        self.findings.append(
            Finding(
                check=check,
                severity=severity,  # type: ignore[arg-type]
                doc_id=self.doc_id,
                message=message,
                where=where,
                evidence=evidence or (block.text[:120] if block else ""),
                line=line,
            )
        )
