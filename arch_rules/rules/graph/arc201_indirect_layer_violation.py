"""ARC201 indirect-layer-violation: A chain of two or more imports leads from a lower layer to a higher one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import GraphRule, because_clause, chain_finding

if TYPE_CHECKING:
    from arch_rules.graph import Violation
    from arch_rules.model.project import Project


class IndirectLayerViolation(GraphRule):
    contract_type = "layers"
    code = "ARC201"
    name = "indirect-layer-violation"
    summary = "A chain of two or more imports leads from a lower layer to a higher one."
    rationale = (
        "A layer that reaches up through an intermediary is as coupled as one that imports directly: the "
        "domain still cannot be loaded, tested or reused without the web layer. Such chains usually pass "
        "through modules that sit in no layer, such as helpers and utilities, so no single import looks "
        "wrong in review. The graph engine follows the whole import graph and reports the chain where it "
        "starts, with every link listed."
    )
    bad = example(
        """
        [[tool.arch_rules.layers]]
        order = ["shop.web", "shop.domain"]
        because = "The web layer uses the domain, never the other way round (ADR-002)."
        """,
        (
            "src/shop/web/formatting.py",
            """
            def money(cents: int) -> str:
                return f"€{cents / 100:.2f}"
            """,
        ),
        (
            "src/shop/utils.py",
            """
            from shop.web.formatting import money

            __all__ = ["money"]
            """,
        ),
        (
            "src/shop/domain/invoice.py",
            """
            from shop.utils import money  # expect: ARC201


            def invoice_line(product: str, cents: int) -> str:
                return f"{product}: {money(cents)}"
            """,
        ),
    )
    good = example(
        """
        [[tool.arch_rules.layers]]
        order = ["shop.web", "shop.domain"]
        because = "The web layer uses the domain, never the other way round (ADR-002)."
        """,
        (
            "src/shop/web/formatting.py",
            """
            from shop.utils import money

            __all__ = ["money"]
            """,
        ),
        (
            "src/shop/utils.py",
            """
            def money(cents: int) -> str:
                return f"€{cents / 100:.2f}"
            """,
        ),
        (
            "src/shop/domain/invoice.py",
            """
            from shop.utils import money


            def invoice_line(product: str, cents: int) -> str:
                return f"{product}: {money(cents)}"
            """,
        ),
    )
    fix = (
        "Break the chain at the link that should not exist, usually where a helper module imports the higher "
        "layer: move what the lower layer needs into the helper or into the lower layer itself. The message "
        "lists every link of the chain."
    )
    details = (
        "Only chains of two or more imports are reported here; a direct import is ARC101. The chains are the "
        "ones import-linter's layers contract finds for the same stack. The finding is at the first import "
        "of the chain, with the rest of the chain as related locations. Dynamic imports are not part of the "
        "import graph."
    )

    def finding(self, project: Project, violation: Violation) -> Finding:
        return chain_finding(self.code, project, violation, self.message(violation))

    def message(self, violation: Violation) -> str:
        contract, downstream, upstream = violation.contract, violation.downstream, violation.imported
        low, high = contract.levels.get(downstream), contract.levels.get(upstream)
        if low is not None and high is not None and low[0] == high[0]:
            why = f"{downstream} and {upstream} are independent siblings on one level"
        else:
            why = f"layer {downstream} may not import the higher layer {upstream}"
        return (
            f"{violation.importer} reaches {violation.final} through a chain of imports: {violation.chain}; {why} "
            f"in {contract.label}{because_clause(contract.because)}; "
            "break the chain (move the code down a layer or invert a dependency)"
        )
