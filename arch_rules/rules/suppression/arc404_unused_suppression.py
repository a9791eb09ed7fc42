"""ARC404 unused-suppression: A `# noqa` lists an arch-rules code that suppresses nothing on its line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from arch_rules import defaults
from arch_rules.model.findings import Finding
from arch_rules.rules.examples import GATEWAY, PAYMENTS_API, PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.rule import SuppressionRule

if TYPE_CHECKING:
    from arch_rules.facts import Noqa


class UnusedSuppression(SuppressionRule):
    code = "ARC404"
    name = "unused-suppression"
    summary = "A `# noqa` lists an arch-rules code that suppresses nothing on its line."
    rationale = (
        "A suppression outlives the finding it was written for: the import is fixed or moved, and the "
        "comment stays. Left in place, it silently hides the next finding of that code on the line, one "
        "nobody has reviewed. Reporting suppressions that suppress nothing keeps every `# noqa` a live, "
        "deliberate exception, as ARC004 does for `ignore_imports`."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        GATEWAY,
        PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.api import Charge  # noqa: ARC102 -- until payments exports it  # expect: ARC404


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    good = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
        GATEWAY,
        PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.api import Charge


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    )
    fix = (
        "Delete the code from the `# noqa` comment (the whole comment if it lists nothing else). If the "
        "finding moved to another line of the statement, move the comment with it."
    )
    details = (
        "Each arch-rules code (or prefix) a `# noqa` lists counts as used when it suppressed a finding on the "
        "lines of the statement the comment is on. Only codes the run looked for are judged: under `--select`, "
        "`--ignore` or `per_file_ignores`, and for graph codes under `--no-graph` and in the flake8 plugin "
        "(which has no import graph), a code that was not checked is not reported. A bare `# noqa` and other "
        "tools' codes are left alone. The finding is at the comment."
    )

    def check_noqa(self, path: str, comment: Noqa, hidden: list[Finding]) -> Iterator[Finding]:
        return iter(())  # judged in check_unused, which knows which codes the run looked for

    def check_unused(
        self, path: str, comment: Noqa, hidden: list[Finding], active: Callable[[str, str], bool]
    ) -> Iterator[Finding]:
        listed = [c for c in comment.codes or () if c.startswith(defaults.CODE_PREFIX)]
        unused = [
            c
            for c in listed
            if c not in ("ARC403", "ARC404") and not any(f.code.startswith(c) for f in hidden) and active(path, c)
        ]
        if not unused:
            return
        what = ", ".join(unused)
        yield Finding(
            self.code,
            f"this # noqa suppresses {what}, but there is no {what} finding here to suppress; "
            f"remove {'them' if len(unused) > 1 else 'it'} from the comment so it cannot hide a new one",
            path,
            line=comment.line,
            column=comment.column,
            snippet=f"unused noqa {what}",
        )
