"""Graph contracts (placeholder until the graph engine lands)."""

from __future__ import annotations

from arch_rules.findings import Finding
from arch_rules.project import Project


def check(project: Project) -> list[Finding]:
    return []
