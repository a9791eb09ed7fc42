"""ARC301 interface-without-all: An interface module does not declare `__all__`."""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.interfaces import InterfaceRule
from arch_rules.rules.rule import ModuleContext


class InterfaceWithoutAll(InterfaceRule):
    code = "ARC301"
    name = "interface-without-all"
    summary = "An interface module does not declare `__all__`."
    rationale = (
        "Without `__all__`, everything a module happens to import or define can be imported, and sooner or "
        "later another team will: a helper, a re-exported third-party name, a constant meant for tests. "
        "`__all__` makes the interface a deliberate list that reviewers see grow, that ARC302 checks for "
        "typos, and that editors, documentation tools and `from module import *` respect."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""  # expect: ARC301

            import logging

            log = logging.getLogger(__name__)


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                log.info("charging %s", order_id)
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
            """What team payments offers other teams: charging an order."""

            import logging

            __all__ = ["charge"]

            log = logging.getLogger(__name__)


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                log.info("charging %s", order_id)
                return f"rcpt-{order_id}"
            ''',
        ),
    )
    fix = (
        "Add `__all__ = [...]` near the top of the module, listing the names other teams may use. Keep it a "
        "literal list or tuple so it can be checked."
    )
    details = (
        "Interface modules are those a team's `interface` names; without `interface`, the team's owned "
        "packages. `__all__` counts as declared when assigned a list or tuple (plain or annotated), or any "
        "value that cannot be read statically. The finding is at line 1 of the module."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        duty = self.duty(context)
        if duty is None or not duty.interface or context.facts.all_names is not None:
            return
        name = context.module.name
        yield self.report(
            context,
            duty.team,
            f"{name}, an interface module of team {duty.team.name}, does not declare __all__; list the names "
            "other teams may import so the interface is explicit",
        )
