"""ARC102 private-team-module: A module imports another team's module that is not part of that team's interface."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.model.messages import enumerate_capped
from arch_rules.rules.examples import GATEWAY, PAYMENTS_API, PAYMENTS_TEAMS, example
from arch_rules.rules.rule import Fixer, ImportRule, ModuleContext, because_clause, who

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.config import Team
    from arch_rules.model.project import Project, Target

__all__ = ["PrivateTeamModule", "exporters", "suggestions"]


class PrivateTeamModule(ImportRule):
    """Another team's module imported past its interface; the fix moves the import onto the interface."""

    code = "ARC102"
    name = "private-team-module"
    summary = "A module imports another team's module that is not part of that team's interface."
    rationale = (
        "A team's interface is the promise it makes to other teams: these modules keep working, and changes "
        "to them are announced. Everything else is the team's own to rename, split or delete without asking "
        "anyone. An import of a private module turns such a free refactoring into a cross-team breakage, "
        "usually discovered in CI by someone else. When the interface exports the name you import, the "
        "message says where to import it from instead."
    )
    bad = example(
        PAYMENTS_TEAMS,
        GATEWAY,
        PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # expect: ARC102


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    good = example(
        PAYMENTS_TEAMS,
        GATEWAY,
        PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.api import Charge


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    fix = (
        "Import the name from the team's interface module; the message names it when the interface exports "
        "the same name, and `arch-rules check --fix` rewrites such imports for you. If the interface lacks "
        "what you need, ask the owning team (the message gives its contact) to add it there."
    )
    details = (
        "A module belongs to the team whose `owns` pattern matches it most specifically. The interface is "
        "exactly the modules `interface` names (end a pattern with `.**` to include descendants); without "
        "`interface`, it is the owned packages themselves, meaning what their `__init__.py` exposes, and "
        "nothing below them. Every importer outside the owning team is checked, including modules that "
        "belong to no team. Imports under `if TYPE_CHECKING:`, inside functions and dynamic imports count "
        'unless the configuration sets them to `"ignore"`.'
    )

    fixable = True

    def fixer(self, project: Project) -> Fixer:
        from arch_rules.rules.imports.arc102_fix import Fixer as MoveToInterface  # libcst only when fixing

        return MoveToInterface(project)

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        target = target.as_name()  # `from pkg.core import pipeline`, pkg.core binding it: the name wins
        if not target.first_party:
            return
        project, imported = context.project, target.module
        theirs = project.team_of(imported)
        if theirs is None or project.team_of(context.module.name) is theirs or project.is_interface(imported):
            return
        yield self.finding(context, fact, imported, theirs, self.message(project, context.module.name, target, theirs))

    def message(self, project: Project, importer: str, target: Target, team: Team) -> str:
        imported = target.module
        interfaces = project.interface_modules(team)
        head = f"{importer} imports {imported}, a private module of {who(team)}{because_clause(team.because)}"
        if target.names and "*" not in target.names:  # a star import names nothing to suggest a home for
            found = suggestions(project, target, team)
            if found and len(found) == len(target.names):
                by_module: dict[str, list[str]] = {}
                for name, where in found:
                    by_module.setdefault(where, []).append(name)
                advice = "; ".join(
                    f"import {', '.join(names)} from {where} instead" for where, names in by_module.items()
                )
                return f"{head}; {advice}"
            missing = [n for n in target.names if n not in {name for name, _ in found}]
            if interfaces:
                return (
                    f"{head}; its interface ({enumerate_capped(interfaces)}) does not export "
                    f"{enumerate_capped(missing)}: ask {who(team)} to add it there"
                )
        if interfaces:
            return f"{head}; use the team's interface ({enumerate_capped(interfaces)}) instead"
        return f"{head}; the team publishes no interface module: ask {who(team)} for one"


def exporters(project: Project, team: Team, name: str) -> list[str]:
    """The team's interface modules that export ``name`` (``__all__`` first, then any public binding)."""
    listed, bound = [], []
    for candidate in project.interface_modules(team):
        facts = project.facts.get(candidate)
        if facts is None:
            continue
        if facts.all_names is not None and any(n == name for n, _ in facts.all_names):
            listed.append(candidate)
        elif facts.all_names is None and name in facts.bound_names and not name.startswith("_"):
            bound.append(candidate)
    return listed + bound


def suggestions(project: Project, target: Target, team: Team) -> tuple[tuple[str, str], ...]:
    """(name, interface module) for each imported name an interface of ``team`` exports."""
    names = target.names or (target.module.rsplit(".", 1)[-1],)
    out = []
    for name in names:
        found = exporters(project, team, name)
        if found:
            out.append((name, found[0]))
    return tuple(out)
