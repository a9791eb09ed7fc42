"""ARC101 layer-violation: A module imports a module of a higher layer, or an independent sibling on its own layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ImportRule, ModuleContext, because_clause, owner_clause

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.project import Target


class LayerViolation(ImportRule):
    code = "ARC101"
    name = "layer-violation"
    summary = "A module imports a module of a higher layer, or an independent sibling on its own layer."
    rationale = (
        "Layers let each part of the code be understood, tested and changed with only the layers below it in "
        "mind. One import upwards undoes that: the lower layer now depends on code that depends on it, "
        "changes ripple both ways, and the import cycles that follow are hard to take apart. The stack's "
        "`because` text, shown in the message, records what the team agreed and why."
    )
    bad = example(
        """
        [[tool.arch_rules.layers]]
        name = "shop layers"
        order = ["shop.services", "shop.domain"]
        because = "Services use the domain; the domain never reaches back up (ADR-002)."
        """,
        (
            "src/shop/services/pricing.py",
            '''
            """Prices with this week's promotions applied."""

            from shop.domain.order import Order


            def promotional_total(order: Order) -> int:
                return order.total() * 9 // 10
            ''',
        ),
        (
            "src/shop/domain/order.py",
            """
            from dataclasses import dataclass

            from shop.services.pricing import promotional_total  # expect: ARC101


            @dataclass
            class Order:
                line_prices: list[int]

                def total(self) -> int:
                    return sum(self.line_prices)

                def amount_due(self) -> int:
                    return promotional_total(self)
            """,
        ),
    )
    good = example(
        """
        [[tool.arch_rules.layers]]
        name = "shop layers"
        order = ["shop.services", "shop.domain"]
        because = "Services use the domain; the domain never reaches back up (ADR-002)."
        """,
        (
            "src/shop/services/pricing.py",
            '''
            """Prices with this week's promotions applied."""

            from shop.domain.order import Order


            def promotional_total(order: Order) -> int:
                return order.total() * 9 // 10
            ''',
        ),
        (
            "src/shop/domain/order.py",
            """
            from dataclasses import dataclass


            @dataclass
            class Order:
                line_prices: list[int]

                def total(self) -> int:
                    return sum(self.line_prices)
            """,
        ),
    )
    fix = (
        "Move the code the lower layer needs down into it (or into a layer below both), or invert the "
        "dependency: let the higher layer call the lower one and pass in what it needs, as a value, a "
        "callback or an interface the lower layer defines. An agreed exception goes into the stack's "
        "`ignore_imports`."
    )
    details = (
        "A layer entry covers the module and all its descendants; a module matched by entries on two levels "
        'belongs to the more specific one. Entries joined by `|` on one level (`"shop.orders | shop.catalog"`) '
        "are independent siblings that may not import each other; entries joined by `:` may. Modules in no "
        "layer are not constrained. With `containers`, each container has its own stack and imports between "
        "containers are not constrained by it. An import that breaks two stacks gives one finding per stack. "
        "Chains through other modules are ARC201."
    )

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        if not target.first_party:
            return
        project, importer, imported = context.project, context.module.name, target.module
        for stack in project.config.layers:
            low = project.layer_of(importer, stack)
            if low is None:
                continue
            high = project.layer_of(imported, stack)
            if high is None or high.container != low.container:
                continue
            if high.level < low.level:
                why = f"layer {low.entry} may not import the higher layer {high.entry}"
            elif high.level == low.level and low.independent and high.entry != low.entry:
                why = f"{low.entry} and {high.entry} are independent siblings on one level"
            else:
                continue
            if project.ignored(stack.ignore_imports, importer, imported):
                continue
            message = (
                f"{importer} imports {imported}{owner_clause(project, imported)}: {why} in {stack.label}"
                f"{because_clause(stack.because)}; move the code down a layer or invert the dependency"
            )
            yield self.finding(context, fact, imported, project.team_of(imported), message)
