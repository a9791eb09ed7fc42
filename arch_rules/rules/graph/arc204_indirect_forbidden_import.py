"""ARC204 indirect-forbidden-import: a chain of imports leads from a `forbid` source to a forbidden module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import GraphRule, because_clause, chain_finding

if TYPE_CHECKING:
    from arch_rules.graph import Violation
    from arch_rules.model.project import Project


class IndirectForbiddenImport(GraphRule):
    contract_type = "forbidden"
    code = "ARC204"
    name = "indirect-forbidden-import"
    summary = "A chain of two or more imports leads from a `forbid` source to a forbidden module."
    rationale = (
        "A forbidden dependency reached through another module is still a dependency: the domain cannot be "
        "imported without `requests` installed, and a test of it may make network calls. Checking chains "
        "catches the helper module that quietly brings in what the `forbid` entry keeps out."
    )
    bad = example(
        """
        [[tool.arch_rules.forbid]]
        from = ["shop.domain"]
        import = ["requests"]
        because = "The domain makes no network calls (ADR-007)."
        """,
        (
            "src/shop/rates.py",
            """
            import requests


            def latest_rate(currency: str) -> float:
                return float(requests.get(f"https://rates.example/{currency}", timeout=5).text)
            """,
        ),
        (
            "src/shop/domain/price.py",
            """
            from shop.rates import latest_rate  # expect: ARC204


            def in_currency(cents: int, currency: str) -> int:
                return round(cents * latest_rate(currency))
            """,
        ),
    )
    good = example(
        """
        [[tool.arch_rules.forbid]]
        from = ["shop.domain"]
        import = ["requests"]
        because = "The domain makes no network calls (ADR-007)."
        """,
        (
            "src/shop/rates.py",
            """
            import requests


            def latest_rate(currency: str) -> float:
                return float(requests.get(f"https://rates.example/{currency}", timeout=5).text)
            """,
        ),
        (
            "src/shop/domain/price.py",
            """
            def in_currency(cents: int, rate: float) -> int:
                return round(cents * rate)
            """,
        ),
    )
    fix = (
        "Break the chain where the forbidden area first reaches the module that needs the dependency: pass "
        "in the value it computes (as the good example passes the rate) instead of importing it. If chains "
        "are acceptable for this entry, set `allow_indirect = true` on it."
    )
    details = (
        "Only chains of two or more imports are reported here; a direct import is ARC104. The import graph "
        "sees third-party packages at their top level only, so a forbidden third-party submodule such as "
        "`django.db` is checked for direct imports (ARC104) but not for chains. The finding is at the first "
        "import of the chain."
    )

    def finding(self, project: Project, violation: Violation) -> Finding:
        return chain_finding(self.code, project, violation, self.message(violation))

    def message(self, violation: Violation) -> str:
        contract = violation.contract
        return (
            f"{violation.importer} reaches {violation.final} through a chain of imports: {violation.chain}; "
            f"{violation.downstream} may not import {violation.imported} in {contract.label}"
            f"{because_clause(contract.because)}; break the chain or move this code"
        )
