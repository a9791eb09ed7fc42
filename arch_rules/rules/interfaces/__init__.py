"""Interface contracts (ARC301–ARC303) and documented intent (ARC401–ARC402) of each team's interface.

An interface module is one a team's ``interface`` names, or, without ``interface``, a package the team's
``owns`` names exactly. "Public" is what ``__all__`` lists when the module declares it, otherwise every
name not starting with ``_``; dunder names are never public here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.rule import ModuleContext, ModuleRule

if TYPE_CHECKING:
    from arch_rules.facts import FileFacts
    from arch_rules.model.config import Team


@dataclass(frozen=True)
class Duty:
    """Where a module stands towards its team's interface."""

    team: Team
    #: The module is one of the team's interface modules.
    interface: bool
    #: The module is a package an ``owns`` pattern of the team names exactly.
    owned: bool


class InterfaceRule(ModuleRule):
    """A rule about a team's interface modules (or owned packages), which parse."""

    def duty(self, context: ModuleContext) -> Duty | None:
        if context.facts.syntax_error is not None:
            return None
        team = context.project.team_of(context.module.name)
        if team is None:
            return None  # interfaces and owned packages are always some team's
        interface = context.project.is_interface(context.module.name)
        # A team's owned packages: what an `owns` pattern names exactly.
        owned = any(p.matches(context.module.name) for p in team.owns)
        return Duty(team, interface, owned)

    def report(
        self, context: ModuleContext, team: Team, message: str, line: int = 1, column: int = 1, snippet: str = ""
    ) -> Finding:
        # The snippet names what the finding is about ("def f", "__all__ 'x'"): it is what tells two
        # findings of one rule in one file apart in a baseline, where line numbers do not count.
        module = context.module
        return Finding(
            self.code, message, module.relpath, line, column, module=module.name, team=team.name, snippet=snippet
        )


def is_public_name(name: str) -> bool:
    return not name.startswith("_")


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def public(facts: FileFacts) -> Callable[[str], bool]:
    """Public names of the module: those ``__all__`` lists when it can be read, else those without ``_``."""
    if facts.all_names is not None and not facts.all_dynamic:
        listed = {name for name, _ in facts.all_names}
        return lambda name: name in listed and not is_dunder(name)
    return is_public_name
