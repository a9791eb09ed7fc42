"""ARC207 import-cycle: The children of an `acyclic` package import each other in a cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import GraphRule, chain_finding

if TYPE_CHECKING:
    from arch_rules.graph import Violation
    from arch_rules.model.project import Project


class ImportCycle(GraphRule):
    contract_type = "acyclic_siblings"
    code = "ARC207"
    name = "import-cycle"
    summary = "The children of an `acyclic` package import each other in a cycle."
    rationale = (
        "Parts of a package that import each other in a cycle can only be understood, tested and changed "
        "together: none of them is a foundation the others build on. Cycles also make import order matter, "
        "which shows up at runtime as partially initialised modules. `acyclic` names the packages whose "
        "children must form no cycle, and the message names the imports that would break it, so the fix "
        "starts from the cheapest link."
    )
    bad = example(
        """
        acyclic = ["shop"]
        """,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.charges import charge


            def place_order(order_id: str, cents: int) -> str:
                return charge(order_id, cents)
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments.charges import refund


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
        (
            "src/shop/payments/charges.py",
            """
            from shop.orders.checkout import place_order  # expect: ARC207


            def charge(order_id: str, cents: int) -> str:
                return f"rcpt-{order_id}"


            def refund(order_id: str) -> None:
                print(f"refunding {order_id}")


            def retry(order_id: str, cents: int) -> str:
                return place_order(order_id, cents)
            """,
        ),
    )
    good = example(
        """
        acyclic = ["shop"]
        """,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.charges import charge


            def place_order(order_id: str, cents: int) -> str:
                return charge(order_id, cents)


            def retry(order_id: str, cents: int) -> str:
                return place_order(order_id, cents)
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments.charges import refund


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
        (
            "src/shop/payments/charges.py",
            """
            def charge(order_id: str, cents: int) -> str:
                return f"rcpt-{order_id}"


            def refund(order_id: str) -> None:
                print(f"refunding {order_id}")
            """,
        ),
    )
    fix = (
        "Remove one of the imports the message names, usually the one that points from the more basic part "
        "to the more specific one: move the code it needs to the side that uses it, into a module both may "
        "import, or pass it in as a parameter."
    )
    details = (
        "An `acyclic` pattern names packages exactly (end it with `.**` to include descendants); the rule "
        "looks at cycles among each named package's direct children, counting the imports of their "
        "descendants. The cycles and the imports that would break them are the ones import-linter's "
        "`acyclic_siblings` contract finds for the same package; each finding is located at one of those "
        "imports."
    )

    def finding(self, project: Project, violation: Violation) -> Finding:
        return chain_finding(self.code, project, violation, self.message(violation))

    def message(self, violation: Violation) -> str:
        return (
            f"{violation.importer} imports {violation.imported}, closing an import cycle among the children of "
            f"{violation.downstream}: {' -> '.join(violation.cycle)} (via {violation.chain}); "
            "removing this import would break it; invert the dependency or move the shared code into a lower module"
        )
