"""A file's text as Python reads it: decoding (PEP 263, BOM), physical lines, statement snippets."""

from __future__ import annotations

import io
import re
import tokenize


def read_source(data: bytes) -> str:
    """Decode like Python does (PEP 263 cookie, BOM, utf-8 default); raises UnicodeDecodeError/SyntaxError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The physical lines as Python numbers them: only ``\n``, ``\r\n`` and ``\r`` end a line
    (``str.splitlines`` also splits at form feeds and other separators, which would shift every line)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def snippet_of(lines: list[str], first: int, last: int) -> str:
    """The statement's source with whitespace folded: what a baseline fingerprint keys on."""
    chunk = " ".join(lines[first - 1 : last])
    if "#" in chunk:
        chunk = " ".join(part.split("#", 1)[0] for part in lines[first - 1 : last])
    return " ".join(chunk.split())[:300]
