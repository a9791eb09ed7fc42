"""Rules about the declaration itself, located in pyproject.toml: patterns that match no module (ARC001),
agreed exceptions that no import needs any more (ARC004), and modules an exhaustive stack leaves out
(ARC005)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding

if TYPE_CHECKING:
    from arch_rules.model.config import Config, IgnoredImport, Team
    from arch_rules.model.patterns import Pattern
    from arch_rules.model.project import Project


def at_key(code: str, config: Config, key: str, value: str, message: str, team: Team | None = None) -> Finding:
    """A finding at the line of pyproject.toml that holds ``value`` under ``key`` (of the team file, for a
    team declared in one)."""
    if team is not None and team.source:
        return Finding(code, message, team.source, line=team.line_of(key, value), column=1, snippet=f"{key}={value}")
    return Finding(code, message, config.relpath, line=config.line_of(key, value), column=1, snippet=f"{key}={value}")


def missing_side(project: Project, exception: IgnoredImport) -> Pattern | None:
    """The side of an ``ignore_imports`` entry that names no module of the project (a third-party imported
    side never does), or None."""
    for side in (exception.importer, exception.imported):
        if side is exception.imported and not project.is_first_party_pattern(side):
            continue
        if not project.any_matched(side):
            return side
    return None
