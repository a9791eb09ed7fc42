"""ARC002 unowned-module: With `require_owner = true`, a module belongs to no team."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ModuleContext, ModuleRule

if TYPE_CHECKING:
    from arch_rules.model.project import Module, Project


class UnownedModule(ModuleRule):
    code = "ARC002"
    name = "unowned-module"
    summary = "With `require_owner = true`, a module belongs to no team."
    rationale = (
        "When every module has an owner, every finding can say whom to ask, and no code falls between teams, "
        "edited by everyone and reviewed by nobody. A package added without an owner is usually an oversight "
        "that is cheap to settle the day it is written and costly to untangle a year later. The rule runs only "
        "when the project opts in with `require_owner = true`."
    )
    bad = example(
        """
        require_owner = true

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        """,
        (
            "src/shop/orders/checkout.py",
            '''
            """Turning a basket into an order."""
            ''',
        ),
        (
            "src/shop/reports.py",
            '''
            """Daily sales figures for the finance dashboard."""  # expect: ARC002


            def daily_total(cents: list[int]) -> int:
                return sum(cents)
            ''',
        ),
    )
    good = example(
        """
        require_owner = true

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.finance]
        owns = ["shop.reports"]
        """,
        (
            "src/shop/orders/checkout.py",
            '''
            """Turning a basket into an order."""
            ''',
        ),
        (
            "src/shop/reports.py",
            '''
            """Daily sales figures for the finance dashboard."""


            def daily_total(cents: list[int]) -> int:
                return sum(cents)
            ''',
        ),
    )
    fix = (
        "Add the module, or the package it lives in, to the `owns` list of the team that maintains it, or "
        "declare a new team for it."
    )
    details = (
        "A package `__init__` that sits above owned modules (the root package's own `__init__.py` included) "
        "is exempt: it is the namespace its owners share. The finding is at line 1 of the module."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        project, module = context.project, context.module
        if not project.config.require_owner or project.team_of(module.name) is not None:
            return
        if _shared_namespace(project, module):
            return
        teams = ", ".join(t.name for t in project.config.teams) or "none declared yet"
        yield Finding(
            code=self.code,
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
