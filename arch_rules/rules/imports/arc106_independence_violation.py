"""ARC106 independence-violation: A module imports a module that its own module is declared independent of."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ImportRule, ModuleContext, because_clause, owner_clause

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.patterns import Pattern
    from arch_rules.model.project import Target


class IndependenceViolation(ImportRule):
    code = "ARC106"
    name = "independence-violation"
    summary = "A module imports a module that its own module is declared independent of."
    rationale = (
        "Independent modules can be developed, tested, deployed and one day split out on their own, as long "
        "as neither knows about the other. One direct import ends that: the two now change together and ship "
        "together. Declaring them independent turns an easily lost property into one that is checked on "
        "every change, and the `because` text says how they are meant to talk instead."
    )
    bad = example(
        """
        [[tool.arch_rules.independent]]
        modules = ["shop.orders", "shop.payments"]
        because = "Orders and payments talk only through events (ADR-011)."
        """,
        (
            "src/shop/payments/refunds.py",
            """
            def refund_order(order_id: str) -> None:
                print(f"refunding {order_id}")
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments.refunds import refund_order  # expect: ARC106


            def cancel(order_id: str) -> None:
                refund_order(order_id)
            """,
        ),
    )
    good = example(
        """
        [[tool.arch_rules.independent]]
        modules = ["shop.orders", "shop.payments"]
        because = "Orders and payments talk only through events (ADR-011)."
        """,
        (
            "src/shop/events.py",
            '''
            """The events the shop's parts publish to each other."""

            from collections.abc import Callable
            from dataclasses import dataclass


            @dataclass(frozen=True)
            class OrderCancelled:
                order_id: str


            handlers: list[Callable[[OrderCancelled], None]] = []


            def publish(event: OrderCancelled) -> None:
                for handler in handlers:
                    handler(event)
            ''',
        ),
        (
            "src/shop/payments/refunds.py",
            """
            from shop.events import OrderCancelled, handlers


            def refund_order(event: OrderCancelled) -> None:
                print(f"refunding {event.order_id}")


            handlers.append(refund_order)
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.events import OrderCancelled, publish


            def cancel(order_id: str) -> None:
                publish(OrderCancelled(order_id))
            """,
        ),
    )
    fix = (
        "Remove the import and communicate the way the `because` text describes: typically through a third "
        "module both may use (events, or a small shared kernel of plain types), or by having a higher-level "
        "module call both."
    )
    details = (
        "Each pattern in `modules` covers the module and its descendants, so any module of `shop.orders` "
        "importing any module of `shop.payments` is reported, and the other way round. Chains through other "
        "modules are ARC206."
    )

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        if not target.first_party:
            return
        project, importer, imported = context.project, context.module.name, target.module
        for group in project.config.independent:
            mine = _most_specific(group.modules, importer)
            theirs = _most_specific(group.modules, imported)
            if mine is None or theirs is None or mine == theirs:
                continue
            if project.ignored(group.ignore_imports, importer, imported):
                continue
            message = (
                f"{importer} imports {imported}{owner_clause(project, imported)}, "
                f"but {mine} and {theirs} are declared independent{f' ({group.name})' if group.name else ''}"
                f"{because_clause(group.because)}; remove the dependency or go through an agreed interface"
            )
            yield self.finding(context, fact, imported, project.team_of(imported), message)


def _most_specific(patterns: tuple[Pattern, ...], name: str) -> str | None:
    best = None
    for pattern in patterns:
        if pattern.covers(name) and (best is None or pattern.specificity > best.specificity):
            best = pattern
    if best is None:
        return None
    if best.is_wild:
        return ".".join(name.split(".")[: len(best.text.split("."))])
    return str(best.text)
