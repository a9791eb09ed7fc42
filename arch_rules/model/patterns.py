"""The module-pattern language of ``[tool.arch_rules]``.

Dotted names where ``*`` is exactly one whole segment and ``**`` zero or more segments; nothing else
is a wildcard. A pattern either names exactly the modules it matches, or *covers* those modules and all
their descendants (``owns``, ``from``, ``import``, ``modules``, layer entries).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

__all__ = ["Pattern", "pattern_problem", "split_import_expression"]

_SEGMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def pattern_problem(text: str) -> str | None:
    """Why ``text`` is not a valid module pattern, or None when it is."""
    if not isinstance(text, str) or not text.strip():
        return "empty module pattern"
    if text != text.strip():
        return f"module pattern {text!r} has surrounding spaces"
    for segment in text.split("."):
        if segment in ("*", "**"):
            continue
        if not segment:
            return f"malformed module pattern {text!r} (empty segment)"
        if not _SEGMENT_RE.match(segment):
            return f"malformed module pattern {text!r} (segment {segment!r} is not a Python name, '*' or '**')"
    return None


@dataclass(frozen=True)
class Pattern:
    """A compiled module pattern. ``covers`` (descendants too) or ``matches`` (exactly).

    A pattern without ``*`` is compared as text; a wild one is compiled to a regular expression on first
    use (a configuration of 400 patterns would otherwise compile 800 expressions on every run)."""

    text: str

    @functools.cached_property
    def _exact(self) -> re.Pattern[str]:
        return re.compile(self._body)

    @functools.cached_property
    def _cover(self) -> re.Pattern[str]:
        return re.compile(self._body + r"(?:\.[^.]+)*")

    @property
    def _body(self) -> str:
        parts = []
        for segment in self.text.split("."):
            if segment == "**":
                parts.append(r"(?:\.[^.]+)*")
            elif segment == "*":
                parts.append(r"\.[^.]+")
            else:
                parts.append(r"\." + re.escape(segment))
        return "".join(parts)

    @property
    def is_wild(self) -> bool:
        return "*" in self.text

    @property
    def literal_segments(self) -> int:
        return sum(1 for s in self.text.split(".") if s not in ("*", "**"))

    @functools.cached_property
    def specificity(self) -> tuple[int, int]:
        """More literal segments wins, then more segments (docs/configuration.md, ownership)."""
        return (self.literal_segments, len(self.text.split(".")))

    @property
    def top(self) -> str:
        return self.text.split(".", 1)[0]

    def matches(self, module: str) -> bool:
        if "*" not in self.text:
            return module == self.text
        return self._exact.fullmatch("." + module) is not None

    def covers(self, module: str) -> bool:
        if "*" not in self.text:
            return module == self.text or module.startswith(self.text) and module[len(self.text)] == "."
        return self._cover.fullmatch("." + module) is not None


def split_import_expression(text: str) -> tuple[str, str] | None:
    """``"a.b -> c.d"`` as ``("a.b", "c.d")``; None when the arrow is missing."""
    if not isinstance(text, str) or "->" not in text:
        return None
    left, _, right = text.partition("->")
    return left.strip(), right.strip()
