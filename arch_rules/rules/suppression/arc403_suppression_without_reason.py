"""ARC403 suppression-without-reason: A `# noqa` suppresses arch-rules findings without saying why."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules import defaults
from arch_rules.model.findings import Finding
from arch_rules.rules.examples import GATEWAY, example
from arch_rules.rules.rule import SuppressionRule

if TYPE_CHECKING:
    from arch_rules.facts import Noqa


class SuppressionWithoutReason(SuppressionRule):
    code = "ARC403"
    name = "suppression-without-reason"
    summary = "A `# noqa` suppresses arch-rules findings without saying why."
    rationale = (
        "A suppression is an exception to a rule the team agreed on, and an exception can only be reviewed "
        "with its reason: is it temporary, who agreed, when does it go away? A reason next to the code "
        "answers that for the next reader and turns a silent workaround into a recorded decision."
    )
    bad = example(
        """
        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        GATEWAY,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # noqa: ARC102  # expect: ARC403


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    good = example(
        """
        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        GATEWAY,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # noqa: ARC102 -- payments exports it in Q3 (PAY-142)


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    fix = (
        "Write the reason after the codes, separated by `--` so flake8 does not read its words as codes: "
        "`# noqa: ARC102 -- payments exports it in Q3 (PAY-142)`. Better still, fix what the `# noqa` "
        "hides, so that neither the suppression nor its reason is needed."
    )
    details = (
        "The suppression still works: the finding it names is suppressed, and ARC403 is reported on the "
        "`# noqa` comment instead. A bare `# noqa` (no codes) suppresses every check, as in flake8, and is "
        "reported when it hides an arch-rules finding. A `# noqa` on any line of a multi-line import counts."
    )

    def check_noqa(self, path: str, comment: Noqa, hidden: list[Finding]) -> Iterator[Finding]:
        if comment.codes:
            owes = any(c.startswith(defaults.CODE_PREFIX) for c in comment.codes) and not comment.reason
        else:  # a bare noqa on a line with a finding owes a reason too
            owes = bool(hidden)
        if not owes:
            return
        what = "codes " + ", ".join(comment.codes) if comment.codes else "every check (a bare noqa)"
        yield Finding(
            self.code,
            f"this # noqa suppresses {what} without a reason; write why after the codes "
            "(# noqa: ARC102 -- reason), so the exception can be reviewed",
            path,
            line=comment.line,
            column=comment.column,
            snippet=f"noqa {what}",
        )
