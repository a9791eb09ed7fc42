"""ARC206 indirect-independence-violation: A chain of two or more imports connects modules declared independent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import GraphRule, because_clause, chain_finding

if TYPE_CHECKING:
    from arch_rules.graph import Violation
    from arch_rules.model.project import Project


class IndirectIndependenceViolation(GraphRule):
    contract_type = "independence"
    code = "ARC206"
    name = "indirect-independence-violation"
    summary = "A chain of two or more imports connects modules declared independent."
    rationale = (
        "Independence that holds only for direct imports is not independence: if orders imports a helper "
        "that imports payments, orders still cannot be tested, deployed or split out without payments. "
        "Checking chains keeps the declaration true, including when a shared module slowly gathers imports "
        "from both sides."
    )
    bad = example(
        """
        [[tool.arch_rules.independent]]
        modules = ["shop.orders", "shop.payments"]
        because = "Orders and payments can be deployed separately (ADR-011)."
        """,
        (
            "src/shop/payments/refunds.py",
            """
            def refund_order(order_id: str) -> None:
                print(f"refunding {order_id}")
            """,
        ),
        (
            "src/shop/support.py",
            """
            from shop.payments.refunds import refund_order


            def goodwill_refund(order_id: str) -> None:
                refund_order(order_id)
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.support import goodwill_refund  # expect: ARC206


            def cancel(order_id: str) -> None:
                goodwill_refund(order_id)
            """,
        ),
    )
    good = example(
        """
        [[tool.arch_rules.independent]]
        modules = ["shop.orders", "shop.payments"]
        because = "Orders and payments can be deployed separately (ADR-011)."
        """,
        (
            "src/shop/payments/refunds.py",
            """
            def refund_order(order_id: str) -> None:
                print(f"refunding {order_id}")
            """,
        ),
        (
            "src/shop/support.py",
            """
            from shop.orders.cancel import cancel
            from shop.payments.refunds import refund_order


            def cancel_with_refund(order_id: str) -> None:
                cancel(order_id)
                refund_order(order_id)
            """,
        ),
        (
            "src/shop/orders/cancel.py",
            """
            def cancel(order_id: str) -> None:
                print(f"cancelling {order_id}")
            """,
        ),
    )
    fix = (
        "Break the chain at the link that should not exist. Often the intermediary is a coordinator that "
        "should sit above both modules: let it import them, and let neither import it."
    )
    details = (
        "Only chains of two or more imports are reported here; a direct import is ARC106. The finding is at "
        "the first import of the chain, with the rest of the chain as related locations."
    )

    def finding(self, project: Project, violation: Violation) -> Finding:
        return chain_finding(self.code, project, violation, self.message(violation))

    def message(self, violation: Violation) -> str:
        contract = violation.contract
        return (
            f"{violation.importer} reaches {violation.final} through a chain of imports: {violation.chain}; "
            f"{violation.downstream} and {violation.imported} are declared independent in {contract.label}"
            f"{because_clause(contract.because)}; break the chain or go through an agreed interface"
        )
