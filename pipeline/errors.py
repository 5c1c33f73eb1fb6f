"""Errors that stop one document and are reported as one line naming the file."""

from __future__ import annotations


class DocumentError(Exception):
    """A document the pipeline could not read or parse.

    The message is one line: ``<file>: <reason>``. The driver turns it into an
    ``error`` finding and goes on with the rest of the corpus.
    """

    def __init__(self, source: str, reason: str, check: str = "ingest") -> None:
        self.source = source
        self.reason = reason
        self.check = check
        super().__init__(f"{source}: {reason}")


class IngestError(DocumentError):
    """The file could not be read or decoded."""
