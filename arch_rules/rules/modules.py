"""Rules about a whole module: ARC002 (unowned) and ARC003 (unparsable)."""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.facts import FileFacts
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project


def check(project: Project, module: Module, facts: FileFacts) -> Iterator[Finding]:
    if facts.syntax_error is not None:
        line, column, message = facts.syntax_error
        if message.startswith("cannot be decoded") or message.startswith("cannot be read"):
            advice = "save it as UTF-8 or declare its encoding (PEP 263)"
        else:
            advice = "fix the syntax"
        yield Finding(
            code="ARC003",
            message=f"{module.name} cannot be analysed: {message}; {advice} (every other file is still checked)",
            path=module.relpath,
            line=line,
            column=column,
            module=module.name,
        )
    if project.config.require_owner and project.team_of(module.name) is None and not _shared_namespace(project, module):
        teams = ", ".join(t.name for t in project.config.teams) or "none declared yet"
        yield Finding(
            code="ARC002",
            message=(
                f"{module.name} belongs to no team (require_owner = true); add it to a team's owns "
                f"in tool.arch_rules.teams (teams: {teams})"
            ),
            path=module.relpath,
            module=module.name,
        )


def _shared_namespace(project: Project, module: Module) -> bool:
    """A root package's ``__init__``, or a package ``__init__`` above owned modules: the owners share it."""
    if not module.is_package:
        return False
    if "." not in module.name:
        return True
    return module.name in project.owned_ancestors
