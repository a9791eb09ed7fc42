"""ARC401 undocumented-interface: An interface module, or a package a team owns, has no module docstring."""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.interfaces import InterfaceRule
from arch_rules.rules.rule import ModuleContext


class UndocumentedInterface(InterfaceRule):
    code = "ARC401"
    name = "undocumented-interface"
    summary = "An interface module, or a package a team owns, has no module docstring."
    rationale = (
        "The module docstring is the first thing another team reads when deciding whether and how to use an "
        "interface: what it offers, what it deliberately does not, whom to ask. A team's owned packages need "
        "one too, as their `__init__.py` is where readers land when they browse the code. Writing it takes a "
        "paragraph; its absence costs every reader a tour of the implementation."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            __all__ = ["charge"]  # expect: ARC401


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    )
    good = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order.

            Amounts are in cents. Questions go to #payments-eng.
            """

            __all__ = ["charge"]


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    )
    fix = (
        "Start the module with a docstring: a sentence on what it offers other teams, then what a caller "
        "must know (guarantees, units, limits, whom to ask)."
    )
    details = (
        "Checked: every interface module, and every package an `owns` pattern names exactly (its "
        "`__init__.py`). The finding is at line 1 of the module."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        duty = self.duty(context)
        if duty is None or not (duty.interface or duty.owned) or context.facts.has_docstring:
            return
        kind = "interface module" if duty.interface else "owned package"
        yield self.report(
            context,
            duty.team,
            f"{context.module.name}, an {kind} of team {duty.team.name}, has no module docstring; say in one "
            "paragraph what it offers other teams and why it exists",
        )
