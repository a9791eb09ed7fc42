"""ARC402 undocumented-interface-member: A public class or function of an interface module has no docstring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.interfaces import InterfaceRule, public
from arch_rules.rules.rule import ModuleContext

if TYPE_CHECKING:
    from arch_rules.facts import DefFact


class UndocumentedInterfaceMember(InterfaceRule):
    code = "ARC402"
    name = "undocumented-interface-member"
    summary = "A public class or function of an interface module has no docstring."
    rationale = (
        "Callers in other teams should be able to use an interface from its documentation, without reading "
        "an implementation that belongs to someone else and will change. A docstring on each public class "
        "and function says what it is for, what it expects and what it guarantees, and it shows up in "
        "editors and generated documentation where the caller is working."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            __all__ = ["Receipt", "charge"]


            class Receipt:  # expect: ARC402
                def __init__(self, receipt_id: str, cents: int) -> None:
                    self.receipt_id = receipt_id
                    self.cents = cents


            def charge(order_id: str, cents: int) -> Receipt:  # expect: ARC402
                return Receipt(f"rcpt-{order_id}", cents)
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

            __all__ = ["Receipt", "charge"]


            class Receipt:
                """Proof of a successful charge: the provider's receipt id and the amount in cents."""

                def __init__(self, receipt_id: str, cents: int) -> None:
                    self.receipt_id = receipt_id
                    self.cents = cents


            def charge(order_id: str, cents: int) -> Receipt:
                """Charge the order's card; raises ValueError when the amount is not positive."""
                if cents <= 0:
                    raise ValueError("amount must be positive")
                return Receipt(f"rcpt-{order_id}", cents)
            ''',
        ),
    )
    fix = (
        "Add a docstring to the class or function: one line on what it does for the caller, then what a "
        "caller needs to know (units, errors raised, side effects)."
    )
    details = (
        "Checked: public module-level classes and functions of interface modules, not methods. The finding "
        "is at the `class` or `def` line."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        """Once per public module-level name: overloads and ``if``/``else`` variants share one docstring.

        Reported at the implementation of an overloaded function (where the docstring belongs), else at the
        first definition.
        """
        duty = self.duty(context)
        if duty is None or not duty.interface:
            return
        is_public = public(context.facts)
        by_name: dict[str, list[DefFact]] = {}
        for definition in context.facts.defs:
            if is_public(definition.name):
                by_name.setdefault(definition.name, []).append(definition)
        for name, definitions in by_name.items():
            if any(d.has_docstring for d in definitions):
                continue
            where = next((d for d in definitions if not d.overload), definitions[0])
            yield self.report(
                context,
                duty.team,
                f"{where.kind} {name} of interface {context.module.name} has no docstring; "
                "say what it is for, so callers need not read the code",
                line=where.line,
                column=where.column,
                snippet=f"{where.kind} {name}",
            )
