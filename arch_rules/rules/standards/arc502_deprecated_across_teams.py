"""ARC502 deprecated-across-teams: another team's code imports or uses a name its owners deprecated.

Owners mark a name once, in code with PEP 702's ``@deprecated("...")`` (from ``warnings`` or
``typing_extensions``) on a function, class or method of an interface module, or in the configuration
(``[tool.arch_rules.teams.payments] deprecated = {"shop.payments.api.refund_v1" = "use refund()"}``); every
consumer in another team hears about it in its own CI. Each import of the name and each use (call,
attribute, reference; names below it too: a deprecated class's methods) is one finding; the owning team's
own uses are not reported. The deprecations are collected by ``deprecations.collect`` (with ``ast``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from arch_rules.rules.examples import PAYMENTS_TEAMS, example
from arch_rules.rules.lintrule import Context, absolute_name, dotted_only
from arch_rules.rules.standards.deprecations import Deprecation
from arch_rules.rules.standards.uses import UseRule

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["DeprecatedAcrossTeams"]


#: The payments team's interface, which deprecates ``refund_v1``: the same in the bad and the good example.
_DEPRECATING_API = (
    "src/shop/payments/api.py",
    '''
    """What team payments offers other teams: refunds."""

    from warnings import deprecated

    __all__ = ["refund", "refund_v1"]


    def refund(order_id: str, cents: int) -> None:
        """Refund part or all of an order, in cents."""


    @deprecated("use refund(order_id, cents); refund_v1 goes in 2027-03")
    def refund_v1(order_id: str) -> None:
        """Refund a whole order (the old API)."""
        refund(order_id, 0)
    ''',
)


class DeprecatedAcrossTeams(UseRule):
    """The record of ARC502 and, given the deprecations a file hears about, its visitor."""

    code = "ARC502"
    name = "deprecated-across-teams"
    summary = "Code imports or uses a name that the team owning it has deprecated (a warning by default)."
    rationale = (
        "When a team replaces part of its interface, every consumer has to hear about it, and a meeting or a "
        "mailing list reaches only some of them. Marking the name deprecated once lets every other team hear it "
        "in its own CI, with the owners' instructions and whom to ask. It is a warning: the old name still "
        "works until its owners remove it."
    )
    bad = example(
        PAYMENTS_TEAMS,
        _DEPRECATING_API,
        (
            "src/shop/orders/cancel.py",
            '''
            """Cancelling an order gives the customer their money back."""

            from shop.payments.api import refund_v1  # expect: ARC502


            def cancel(order_id: str) -> None:
                """Cancel the order and refund it."""
                refund_v1(order_id)  # expect: ARC502
            ''',
        ),
    )
    good = example(
        PAYMENTS_TEAMS,
        _DEPRECATING_API,
        (
            "src/shop/orders/cancel.py",
            '''
            """Cancelling an order gives the customer their money back."""

            from shop.payments.api import refund


            def cancel(order_id: str, cents: int) -> None:
                """Cancel the order and refund it."""
                refund(order_id, cents)
            ''',
        ),
    )
    fix = "Do what the deprecation text says (usually: use the replacement it names); ask the owning team if unsure."
    details = (
        'A name is deprecated by PEP 702\'s `@deprecated("text")` (imported from `warnings` or '
        "`typing_extensions`) on a function, class or method of an interface module, or by the owning team's "
        '`deprecated = { "shop.payments.api.refund_v1" = "text" }` in its `[tool.arch_rules.teams.NAME]` '
        "table (or team file); a name another interface module of the team re-exports is deprecated there "
        "too. Every import of the name (at the import statement) and every use (a call, attribute or "
        "reference resolved by qualified name; names below it, such as a deprecated class's methods, too) from "
        "a module outside the owning team is one finding; unowned modules hear every deprecation, the owning "
        "team's own code none. Severity warning unless `[tool.arch_rules.rules] severity` says otherwise."
    )
    message = "use of a name another team deprecated"
    severity = "warning"

    def __init__(self, context: Context | None = None, deprecations: Sequence[Deprecation] = ()) -> None:
        super().__init__(context)
        self._deprecated = {d.name: d for d in deprecations}

    def _find(self, qualified: str) -> Deprecation | None:
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            hit = self._deprecated.get(".".join(parts[:end]))
            if hit is not None:
                return hit
        return None

    # -- imports: one finding per statement and deprecated name ----------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        seen: set[str] = set()
        for alias in node.names:
            hit = self._find(_dotted(alias.name))
            if hit is not None and hit.name not in seen:
                seen.add(hit.name)
                self.report(node, self._message("imports", hit.name, hit), imported=hit.name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        base = "." * len(node.relative) + (_dotted(node.module) if node.module is not None else "")
        module = absolute_name(base, self.context.package)
        candidates = [module]
        import libcst as cst

        if not isinstance(node.names, cst.ImportStar):
            candidates = [f"{module}.{_dotted(alias.name)}" for alias in node.names] + [module]
        seen: set[str] = set()
        for candidate in candidates:
            hit = self._find(candidate)
            if hit is not None and hit.name not in seen:
                seen.add(hit.name)
                self.report(node, self._message("imports", candidate, hit), imported=hit.name)

    # -- uses -------------------------------------------------------------------------------------------

    def use(self, node: cst.Name | cst.Attribute) -> bool:
        names = self.qualified_names(node)
        hits = [(name, self._find(name)) for name in sorted(names)]
        if not hits or not all(hit for _, hit in hits):
            return False  # a binding that may shadow the deprecated name is not a use
        used, hit = hits[0]
        assert hit is not None
        if not dotted_only(node):
            used = hit.name  # refund_v1().x: a use of the deprecated name, not of ".x"
        self.report(node, self._message("uses", used, hit), imported=hit.name)
        return True

    def _message(self, verb: str, used: str, hit: Deprecation) -> str:
        what = used if used == hit.name else f"{used} (below {hit.name})"
        owner = f"team {hit.team}{f' ({hit.contact})' if hit.contact else ''}"
        instead = f": {hit.text}" if hit.text else "; ask them what to use instead"
        return f"{self.context.module} {verb} {what}, deprecated by {owner}{instead}"


def _dotted(node: cst.BaseExpression) -> str:
    from libcst.helpers import get_full_name_for_node

    return get_full_name_for_node(node) or ""
