"""Read a raw document (``.txt`` or ``.pdf``) into numbered source lines."""

from __future__ import annotations

import codecs
import functools
import hashlib
from collections import Counter
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.models import SourceDocument, SourceLine

# Characters a decoded UN text may legitimately contain besides letters and
# digits; anything else in quantity means the guess of encoding was wrong.
_ALLOWED_CONTROL = {"\n", "\r", "\t", "\f"}
_MAX_IMPLAUSIBLE_SHARE = 0.02
# Up to this many distinct suspicious characters are counted one at a time.
_COUNTED_ONE_BY_ONE = 16


def read_document(
    path: Path, *, max_pages: int | None = None, max_bytes: int | None = None
) -> SourceDocument:
    """Read ``path`` by its extension; raise :class:`IngestError` on failure.

    A file larger than ``max_bytes`` is refused before anything is read, so a
    huge file costs no memory.
    """
    suffix = path.suffix.lower()
    if max_bytes is not None and suffix == ".txt":
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                path.name,
                f"{size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.1f} MB limit for one"
                " document (raise it with --max-bytes)",
            )
    if suffix == ".pdf":
        from pipeline.document.read_pdf import PdfReadError, read_pdf

        try:
            return read_pdf(path, max_pages=max_pages)
        except PdfReadError as exc:
            reason = str(exc)
            prefix = f"{path.name}: "
            reason = reason[len(prefix) :] if reason.startswith(prefix) else reason
            raise IngestError(path.name, reason) from exc
    if suffix == ".txt":
        return read_text(path)
    raise IngestError(path.name, f"unsupported file type {suffix or '(none)'!r}")


def read_text(path: Path) -> SourceDocument:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path.name, "empty file")
    text, encoding = decode_text(data, path.name)
    return SourceDocument(
        path=path,
        source_format="txt",
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=split_lines(text),
    )


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 or GB18030, refusing mojibake."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(data, encoding, name), encoding
    candidates = ["utf-8"]
    if _looks_utf16(data):
        candidates = ["utf-16-le", "utf-16-be", *candidates]
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, encoding
    raise IngestError(name, "not readable as UTF-8, UTF-16 or GB18030 text")


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(name, f"invalid {encoding} at byte {exc.start}") from exc
    if not _plausible(text):
        raise IngestError(name, f"decodes as {encoding} but is not text")
    return text


def _looks_utf16(data: bytes) -> bool:
    # UTF-16 puts a NUL byte beside every ASCII character (spaces, digits, newlines).
    sample = data[:4096]
    return len(data) % 2 == 0 and sample.count(0) > len(sample) // 16


def _plausible(text: str) -> bool:
    """True when the text looks like a Chinese or Latin document, not mojibake."""
    if not text:
        return False
    # Each distinct character is judged once (a report uses a few thousand),
    # and only the suspicious ones are counted (most texts have none).
    odd = [char for char in set(text) if not _ordinary(char)]
    if len(odd) <= _COUNTED_ONE_BY_ONE:
        suspicious = sum(map(text.count, odd))
    else:  # mojibake: one pass over the text, not one per character
        counts = Counter(text)
        suspicious = sum(counts[char] for char in odd)
    return suspicious <= _MAX_IMPLAUSIBLE_SHARE * len(text)


# Remembered: the next document uses mostly the same characters.
@functools.lru_cache(maxsize=65536)
def _ordinary(char: str) -> bool:
    """A character :func:`_plausible` does not count against the text."""
    if char.isprintable() or char in _ALLOWED_CONTROL or char == "\u3000":
        return char < "\u0080" or _common_char(char)
    return False


def _common_char(char: str) -> bool:
    """Characters of real Chinese or Latin text; rare ones flag a wrong guess."""
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    code = ord(char)
    return (
        0x00C0 <= code <= 0x024F  # accented Latin (names of delegates)
        or 0x2000 <= code <= 0x206F  # general punctuation
        or 0x2460 <= code <= 0x24FF  # circled numbers
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0x3200 <= code <= 0x32FF  # parenthesized ideographs such as ㈠
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
    )


def split_lines(text: str) -> list[SourceLine]:
    """Split decoded text into numbered lines; form feeds count pages."""
    has_pages = "\f" in text
    page = 1
    lines: list[SourceLine] = []
    # Split on newlines only: str.splitlines would also split on form feeds.
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    for number, raw in enumerate(physical, start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        stripped = raw.rstrip()
        body = stripped.lstrip(" \u3000\t")
        indent = 0.0
        for char in stripped[: len(stripped) - len(body)]:
            indent += 2.0 if char == "\u3000" else 1.0
        lines.append(
            SourceLine(
                number=number,
                text=stripped,
                page=page if has_pages else None,
                indent=indent,
            )
        )
    return lines
