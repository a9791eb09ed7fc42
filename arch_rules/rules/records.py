"""The rule record: one per rule, from which `explain`, `rules`, docs/rules.md, SARIF metadata
and each rule's own example tests are generated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A tiny project: ``files`` maps a project-relative path to its text. ``pyproject.toml`` is one of them.

    In a bad example, each line that must produce a finding ends with ``# expect: ARCnnn`` (in
    pyproject.toml too); a good example produces no finding of the rule at all.
    """

    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    engine: str  # "config" | "per-file" | "graph"
    summary: str
    rationale: str
    bad: Example
    good: Example
    fix: str
    #: The finer points: exactly what counts, where the finding is located, the exceptions (optional).
    details: str = ""
