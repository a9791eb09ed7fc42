"""Text for a terminal or a CI log: control characters shown, never obeyed.

File names, module names, docstrings and configuration keys come from the repository. Printed raw, an
escape sequence would recolour or rewrite the terminal, a carriage return would hide what came before
it on the line, a newline in a key would forge a second error line, and bidirectional overrides would
show text in an order other than the one it has (issue 10). JSON, SARIF, GitLab and JUnit escape by
their own rules; the text and GitHub outputs and every message go through ``visible``.
"""

from __future__ import annotations

import re

__all__ = ["visible", "visible_line"]

#: C0 controls but tab and newline, DEL, C1 controls, line/paragraph separators, bidi embeddings,
#: overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _show(match: re.Match[str]) -> str:
    if match.group() in _NAMED:
        return _NAMED[match.group()]
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline written as an escape (``\\x1b``)."""
    return _UNSAFE.sub(_show, text)


def visible_line(text: str) -> str:
    """``visible``, newlines escaped too: a one-line message stays one line."""
    return _UNSAFE_LINE.sub(_show, text)
