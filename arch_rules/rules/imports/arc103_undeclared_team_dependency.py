"""ARC103 undeclared-team-dependency: A module of team A imports team B, but B is not in team A's `depends_on`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ImportRule, ModuleContext, because_clause, who

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.project import Target


class UndeclaredTeamDependency(ImportRule):
    code = "ARC103"
    name = "undeclared-team-dependency"
    summary = "A module of team A imports team B, but B is not in team A's `depends_on`."
    rationale = (
        "`depends_on` is the map of which teams each team relies on. Keeping it explicit makes a new "
        "dependency between teams a decision, visible in review to both sides, rather than an accident; it "
        "tells a team who is affected when its interface changes, and keeps release and on-call dependencies "
        "known."
    )
    bad = example(
        """
        [tool.arch_rules.teams.catalog]
        owns = ["shop.catalog"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        depends_on = ["catalog"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        (
            "src/shop/catalog/__init__.py",
            '''
            """Team catalog: the products the shop sells."""
            ''',
        ),
        (
            "src/shop/payments/__init__.py",
            '''
            """Team payments: taking and refunding payments for orders."""


            def refund(order_id: str) -> None:
                """Refund everything paid for the order."""
            ''',
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments import refund  # expect: ARC103


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
    )
    good = example(
        """
        [tool.arch_rules.teams.catalog]
        owns = ["shop.catalog"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        depends_on = ["catalog", "payments"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        (
            "src/shop/catalog/__init__.py",
            '''
            """Team catalog: the products the shop sells."""
            ''',
        ),
        (
            "src/shop/payments/__init__.py",
            '''
            """Team payments: taking and refunding payments for orders."""


            def refund(order_id: str) -> None:
                """Refund everything paid for the order."""
            ''',
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments import refund


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
    )
    fix = (
        "If the dependency is agreed, add the other team to the importing team's `depends_on`: a one-line "
        "change that both teams see in review. If it is not, remove the import, or reach the other team "
        "through one you already depend on."
    )
    details = (
        "The rule applies only to importers whose team declares `depends_on`; a team without the key may "
        "import any team (through its interface: ARC102 still applies). Imports within a team are never "
        "reported."
    )

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        if not target.first_party:
            return
        project, importer, imported = context.project, context.module.name, target.module
        theirs = project.team_of(imported)
        ours = project.team_of(importer)
        if theirs is None or ours is theirs or ours is None or ours.depends_on is None:
            return
        if theirs.name in ours.depends_on:
            return
        message = (
            f"{importer} (team {ours.name}) imports {imported} of {who(theirs)}, but team {ours.name} does not "
            f'declare it in depends_on{because_clause(ours.because)}; add "{theirs.name}" to '
            f"tool.arch_rules.teams.{ours.name}.depends_on if the dependency is agreed, or remove the import"
        )
        yield self.finding(context, fact, imported, theirs, message)
