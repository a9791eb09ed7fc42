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


#: The characters Unicode calls white space: what grimp trims from the line it keeps with an import
#: (``str.strip()`` would also take the separators U+001C..U+001F).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def line_text(lines: list[str], number: int) -> str:
    """Physical line ``number`` (1-based) without the white space around it; "" past the end."""
    return lines[number - 1].strip(_WHITE_SPACE) if 0 < number <= len(lines) else ""


def snippet_of(lines: list[str], first: int, last: int) -> str:
    """The statement's source with whitespace folded: what a baseline fingerprint keys on."""
    chunk = " ".join(lines[first - 1 : last])
    if "#" in chunk:
        chunk = " ".join(part.split("#", 1)[0] for part in lines[first - 1 : last])
    return " ".join(chunk.split())[:300]
