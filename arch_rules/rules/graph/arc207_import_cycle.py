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
        "imports (at each statement that makes it). A dependency between two children is all the imports "
        "from one into the other: when it is made of several, the message says how many and names them, as "
        "all must go to break the cycle. The way back is shown as steps between children, each with one "
        "import that makes it; the finding's chain (JSON, SARIF) is always a real path of imports: the "
        "breaking import, then a path from the imported module back into the importing child when there is "
        "one."
    )

    def finding(self, project: Project, violation: Violation) -> Finding:
        return chain_finding(self.code, project, violation, self.message(violation))

    def message(self, violation: Violation) -> str:
        down, up = violation.dependency
        lines = ", ".join(f"l.{n}" for n in violation.lines) or "l.?"
        if violation.others:
            part = (
                f"the dependency {down} -> {up} is made of {violation.dependency_size} imports (this one and "
                f"{violation.others}): remove all of them to break the cycle"
            )
        else:
            part = f"the dependency {down} -> {up} is this one import: removing it would break the cycle"
        via = f"; this import starts {violation.path_back}" if violation.path_back else ""
        if via and not violation.path_back.startswith("a path of"):
            via = f"; this import starts the path {violation.path_back}"
        return (
            f"{violation.importer} imports {violation.imported} ({lines}), closing an import cycle among the "
            f"children of {violation.downstream}: {' -> '.join(violation.cycle)} (the way back: "
            f"{violation.way_back}){via}; {part}; invert the dependency or move the shared code into a lower module"
        )
