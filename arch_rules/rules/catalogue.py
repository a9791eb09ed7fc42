"""The rule records: one per rule, the single source of `arch-rules explain`, `arch-rules rules`,
docs/rules.md, SARIF rule metadata and each rule's own example tests (tests/test_rule_examples.py).

Every example is a tiny project that runs as written. In a bad example each line that must produce a
finding of the rule ends with ``# expect: ARCnnn`` (a TOML comment in pyproject.toml); the markers are
annotations for readers and tests, and ``without_markers`` takes them off before the project is checked
(otherwise ARC403 would read ``# expect: …`` as the reason of a ``# noqa``). A good example is the same
project fixed the way the rule's fix hint says, and produces no finding of the rule.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import PurePosixPath

from arch_rules.rules.records import Example, Rule

#: ``# expect: ARC102`` (or several codes, comma- or space-separated) at the end of a line.
EXPECT_RE = re.compile(r"\s*#\s*expect:\s*(?P<codes>ARC\d{3}(?:[,\s]+ARC\d{3})*)\s*$")


def expected_findings(example: Example) -> set[tuple[str, int, str]]:
    """``(path, line, code)`` of every ``# expect:`` marker of the example."""
    found = set()
    for path, text in example.files:
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXPECT_RE.search(line)
            if match:
                for code in re.split(r"[,\s]+", match.group("codes")):
                    found.add((path, number, code))
    return found


def without_markers(text: str) -> str:
    """The file as a user would write it: ``# expect:`` markers removed, every line where it was."""
    return "".join(
        EXPECT_RE.sub("", line.rstrip("\n")) + ("\n" if line.endswith("\n") else "")
        for line in text.splitlines(keepends=True)
    )


# ----------------------------------------------------------------------------------------------------
# building examples

_HEADER = '[tool.arch_rules]\nsource_roots = ["src"]\nroot_packages = ["shop"]\n'


def _example(config: str, *files: tuple[str, str]) -> Example:
    """pyproject.toml (the common header plus ``config``), the given files, and an empty ``__init__.py``
    for every package folder under ``src/`` that the files do not give one (real projects have them)."""
    body = textwrap.dedent(config).strip("\n")
    out = [("pyproject.toml", _HEADER + ("\n" + body + "\n" if body else ""))]
    given = {path for path, _ in files}
    packages: set[str] = set()
    for path, _ in files:
        parent = PurePosixPath(path).parent
        while parent.parts[1:] and parent.parts[0] == "src":
            packages.add(f"{parent.as_posix()}/__init__.py")
            parent = parent.parent
    for path, text in files:
        out.append((path, textwrap.dedent(text).lstrip("\n")))
    out.extend((path, "") for path in sorted(packages - given))
    return Example(files=tuple(out))


# Files several examples share.

_PAYMENTS_TEAMS = """
    [tool.arch_rules.teams.orders]
    owns = ["shop.orders"]
    contact = "#orders-eng"

    [tool.arch_rules.teams.payments]
    owns = ["shop.payments"]
    interface = ["shop.payments.api"]
    contact = "#payments-eng"
"""

_PAYMENTS_TEAM = """
    [tool.arch_rules.teams.payments]
    owns = ["shop.payments"]
    interface = ["shop.payments.api"]
    contact = "#payments-eng"
"""

_PAYMENTS_INIT = (
    "src/shop/payments/__init__.py",
    '''
    """Team payments: taking and refunding payments for orders. Other teams use shop.payments.api."""
    ''',
)

_GATEWAY = (
    "src/shop/payments/gateway.py",
    '''
    """Talks to the card provider. Internal to team payments."""


    class Charge:
        """A charge on a customer's card, in cents."""

        def __init__(self, order_id: str, cents: int) -> None:
            self.order_id = order_id
            self.cents = cents
    ''',
)

_PAYMENTS_API = (
    "src/shop/payments/api.py",
    '''
    """What team payments offers other teams: charging an order."""

    from shop.payments.gateway import Charge

    __all__ = ["Charge"]
    ''',
)


# ----------------------------------------------------------------------------------------------------
# the records

ARC001 = Rule(
    code="ARC001",
    name="unknown-module-reference",
    engine="config",
    summary="A module pattern in the configuration matches no module of the project.",
    rationale=(
        "A pattern that matches nothing checks nothing: the rule it belongs to passes silently, and the team "
        "believes a boundary is guarded when it is not. It happens after a typo, or when a package is renamed "
        "or moved and the configuration stays behind. Reporting the pattern at its line in pyproject.toml "
        "keeps the declaration and the code in step."
    ),
    bad=_example(
        """
        [tool.arch_rules.teams.payments]
        owns = ["shop.payment"]  # expect: ARC001
        contact = "#payments-eng"
        """,
        (
            "src/shop/payments/charges.py",
            '''
            """Charging a customer's card."""


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    good=_example(
        """
        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        (
            "src/shop/payments/charges.py",
            '''
            """Charging a customer's card."""


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    fix=(
        "Correct the pattern so it names an existing module (patterns are dotted module names such as "
        "`shop.payments`, not file paths), or remove it if the code it guarded is gone."
    ),
    details=(
        "Every first-party pattern is checked: `owns`, `interface`, `forbid.from` and `forbid.import`, "
        "`independent.modules`, `acyclic`, layer `order` entries and `containers`, and both sides of "
        "`ignore_imports`. A pattern whose top-level package is not one of the project's (`django`, "
        "`requests.adapters`) names a third-party module and is never reported. With `containers`, a layer "
        'missing from one container is reported unless it is written in parentheses, `"(legacy)"`, which '
        "marks it optional. The finding is located at the line of pyproject.toml that holds the pattern."
    ),
)

ARC002 = Rule(
    code="ARC002",
    name="unowned-module",
    engine="per-file",
    summary="With `require_owner = true`, a module belongs to no team.",
    rationale=(
        "When every module has an owner, every finding can say whom to ask, and no code falls between teams, "
        "edited by everyone and reviewed by nobody. A package added without an owner is usually an oversight "
        "that is cheap to settle the day it is written and costly to untangle a year later. The rule runs only "
        "when the project opts in with `require_owner = true`."
    ),
    bad=_example(
        """
        require_owner = true

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        """,
        (
            "src/shop/orders/checkout.py",
            '''
            """Turning a basket into an order."""
            ''',
        ),
        (
            "src/shop/reports.py",
            '''
            """Daily sales figures for the finance dashboard."""  # expect: ARC002


            def daily_total(cents: list[int]) -> int:
                return sum(cents)
            ''',
        ),
    ),
    good=_example(
        """
        require_owner = true

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.finance]
        owns = ["shop.reports"]
        """,
        (
            "src/shop/orders/checkout.py",
            '''
            """Turning a basket into an order."""
            ''',
        ),
        (
            "src/shop/reports.py",
            '''
            """Daily sales figures for the finance dashboard."""


            def daily_total(cents: list[int]) -> int:
                return sum(cents)
            ''',
        ),
    ),
    fix=(
        "Add the module, or the package it lives in, to the `owns` list of the team that maintains it, or "
        "declare a new team for it."
    ),
    details=(
        "A package `__init__` that sits above owned modules (the root package's own `__init__.py` included) "
        "is exempt: it is the namespace its owners share. The finding is at line 1 of the module."
    ),
)

ARC003 = Rule(
    code="ARC003",
    name="unparsable-file",
    engine="per-file",
    summary="A file cannot be decoded or parsed, so no other rule can check it.",
    rationale=(
        "A file that does not parse cannot be checked, and skipping it silently would look exactly like a "
        "clean pass. Reporting it makes the gap visible: the rest of the project is still checked, but this "
        "file's imports, interface and docstrings are not, until it parses again. The usual causes are an "
        "unfinished edit, a leftover merge-conflict marker, or a file saved in an encoding other than UTF-8 "
        "without a coding declaration."
    ),
    bad=_example(
        "",
        (
            "src/shop/orders/totals.py",
            '''
            """Order totals."""


            def total(prices: list[int]) -> int  # expect: ARC003
                return sum(prices)
            ''',
        ),
    ),
    good=_example(
        "",
        (
            "src/shop/orders/totals.py",
            '''
            """Order totals."""


            def total(prices: list[int]) -> int:
                return sum(prices)
            ''',
        ),
    ),
    fix=(
        "Fix the syntax or the encoding at the reported line (`python -m py_compile FILE` shows the same "
        "error). If the file is not meant to be Python, such as a template or a test fixture with deliberate "
        "errors, leave it out of the project with `exclude`."
    ),
    details="The finding is at the syntax error when Python reports its position, else at line 1.",
)

ARC004 = Rule(
    code="ARC004",
    name="unused-ignore",
    engine="config",
    summary="An `ignore_imports` exception matches no import of the project any more.",
    rationale=(
        "An exception in `ignore_imports` is an agreed debt: an import the team knows breaks a rule and has "
        "chosen to live with for now. Once the import is gone, the exception should go too; left in place, it "
        "quietly allows the same import to come back unnoticed. Reporting exceptions that nothing uses keeps "
        "the list honest, so it can only shrink."
    ),
    bad=_example(
        """
        [[tool.arch_rules.layers]]
        order = ["shop.services", "shop.domain"]
        ignore_imports = ["shop.domain.pricing -> shop.services.discounts"]  # expect: ARC004
        because = "Services use the domain; the domain stands on its own (ADR-002)."
        """,
        (
            "src/shop/services/discounts.py",
            '''
            """This week's promotions."""

            from shop.domain.pricing import net_price


            def with_promotion(cents: int) -> int:
                return net_price(cents) * 9 // 10
            ''',
        ),
        (
            "src/shop/domain/pricing.py",
            '''
            """Prices before promotions."""


            def net_price(cents: int) -> int:
                return max(cents, 0)
            ''',
        ),
    ),
    good=_example(
        """
        [[tool.arch_rules.layers]]
        order = ["shop.services", "shop.domain"]
        because = "Services use the domain; the domain stands on its own (ADR-002)."
        """,
        (
            "src/shop/services/discounts.py",
            '''
            """This week's promotions."""

            from shop.domain.pricing import net_price


            def with_promotion(cents: int) -> int:
                return net_price(cents) * 9 // 10
            ''',
        ),
        (
            "src/shop/domain/pricing.py",
            '''
            """Prices before promotions."""


            def net_price(cents: int) -> int:
                return max(cents, 0)
            ''',
        ),
    ),
    fix=(
        "Delete the entry from `ignore_imports`. If the import moved rather than disappeared, update the "
        "entry to the importing module's new name, and ask whether the exception is still needed."
    ),
    details=(
        "An entry counts as used when any import the configuration checks matches it (imports under "
        '`if TYPE_CHECKING:`, inside functions or dynamic ones are not checked when set to `"ignore"`). An '
        "entry that names a module that does not exist is ARC001 instead. The finding is located at the line "
        "of pyproject.toml that holds the entry."
    ),
)

ARC101 = Rule(
    code="ARC101",
    name="layer-violation",
    engine="per-file",
    summary="A module imports a module of a higher layer, or an independent sibling on its own layer.",
    rationale=(
        "Layers let each part of the code be understood, tested and changed with only the layers below it in "
        "mind. One import upwards undoes that: the lower layer now depends on code that depends on it, "
        "changes ripple both ways, and the import cycles that follow are hard to take apart. The stack's "
        "`because` text, shown in the message, records what the team agreed and why."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Move the code the lower layer needs down into it (or into a layer below both), or invert the "
        "dependency: let the higher layer call the lower one and pass in what it needs, as a value, a "
        "callback or an interface the lower layer defines. An agreed exception goes into the stack's "
        "`ignore_imports`."
    ),
    details=(
        "A layer entry covers the module and all its descendants; a module matched by entries on two levels "
        'belongs to the more specific one. Entries joined by `|` on one level (`"shop.orders | shop.catalog"`) '
        "are independent siblings that may not import each other; entries joined by `:` may. Modules in no "
        "layer are not constrained. With `containers`, each container has its own stack and imports between "
        "containers are not constrained by it. An import that breaks two stacks gives one finding per stack. "
        "Chains through other modules are ARC201."
    ),
)

ARC102 = Rule(
    code="ARC102",
    name="private-team-module",
    engine="per-file",
    summary="A module imports another team's module that is not part of that team's interface.",
    rationale=(
        "A team's interface is the promise it makes to other teams: these modules keep working, and changes "
        "to them are announced. Everything else is the team's own to rename, split or delete without asking "
        "anyone. An import of a private module turns such a free refactoring into a cross-team breakage, "
        "usually discovered in CI by someone else. When the interface exports the name you import, the "
        "message says where to import it from instead."
    ),
    bad=_example(
        _PAYMENTS_TEAMS,
        _GATEWAY,
        _PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # expect: ARC102


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    good=_example(
        _PAYMENTS_TEAMS,
        _GATEWAY,
        _PAYMENTS_API,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.api import Charge


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    fix=(
        "Import the name from the team's interface module; the message names it when the interface exports "
        "the same name, and `arch-rules check --fix` rewrites such imports for you. If the interface lacks "
        "what you need, ask the owning team (the message gives its contact) to add it there."
    ),
    details=(
        "A module belongs to the team whose `owns` pattern matches it most specifically. The interface is "
        "exactly the modules `interface` names (end a pattern with `.**` to include descendants); without "
        "`interface`, it is the owned packages themselves, meaning what their `__init__.py` exposes, and "
        "nothing below them. Every importer outside the owning team is checked, including modules that "
        "belong to no team. Imports under `if TYPE_CHECKING:`, inside functions and dynamic imports count "
        'unless the configuration sets them to `"ignore"`.'
    ),
)

ARC103 = Rule(
    code="ARC103",
    name="undeclared-team-dependency",
    engine="per-file",
    summary="A module of team A imports team B, but B is not in team A's `depends_on`.",
    rationale=(
        "`depends_on` is the map of which teams each team relies on. Keeping it explicit makes a new "
        "dependency between teams a decision, visible in review to both sides, rather than an accident; it "
        "tells a team who is affected when its interface changes, and keeps release and on-call dependencies "
        "known."
    ),
    bad=_example(
        """
        [tool.arch_rules.teams.catalog]
        owns = ["shop.catalog"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        depends_on = ["catalog"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        (
            "src/shop/catalog/__init__.py",
            '''
            """Team catalog: the products the shop sells."""
            ''',
        ),
        (
            "src/shop/payments/__init__.py",
            '''
            """Team payments: taking and refunding payments for orders."""


            def refund(order_id: str) -> None:
                """Refund everything paid for the order."""
            ''',
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments import refund  # expect: ARC103


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
    ),
    good=_example(
        """
        [tool.arch_rules.teams.catalog]
        owns = ["shop.catalog"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        depends_on = ["catalog", "payments"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        (
            "src/shop/catalog/__init__.py",
            '''
            """Team catalog: the products the shop sells."""
            ''',
        ),
        (
            "src/shop/payments/__init__.py",
            '''
            """Team payments: taking and refunding payments for orders."""


            def refund(order_id: str) -> None:
                """Refund everything paid for the order."""
            ''',
        ),
        (
            "src/shop/orders/cancel.py",
            """
            from shop.payments import refund


            def cancel(order_id: str) -> None:
                refund(order_id)
            """,
        ),
    ),
    fix=(
        "If the dependency is agreed, add the other team to the importing team's `depends_on`: a one-line "
        "change that both teams see in review. If it is not, remove the import, or reach the other team "
        "through one you already depend on."
    ),
    details=(
        "The rule applies only to importers whose team declares `depends_on`; a team without the key may "
        "import any team (through its interface: ARC102 still applies). Imports within a team are never "
        "reported."
    ),
)

ARC104 = Rule(
    code="ARC104",
    name="forbidden-import",
    engine="per-file",
    summary="A module imports something a `forbid` entry rules out for it.",
    rationale=(
        "Some dependencies are wrong for a part of the code whatever the layers or teams: a domain model that "
        "needs no web framework, HTTP client or database driver can be tested in milliseconds and outlives "
        "all three. A `forbid` entry writes such a decision down with its reason, for the project's own "
        "modules and third-party packages alike, so it survives the people who made it."
    ),
    bad=_example(
        """
        [[tool.arch_rules.forbid]]
        from = ["shop.domain"]
        import = ["django", "requests"]
        because = "The domain stays framework-free (ADR-007)."
        """,
        (
            "src/shop/domain/customer.py",
            """
            from django.db import models  # expect: ARC104


            class Customer(models.Model):
                email = models.EmailField(unique=True)
            """,
        ),
    ),
    good=_example(
        """
        [[tool.arch_rules.forbid]]
        from = ["shop.domain"]
        import = ["django", "requests"]
        because = "The domain stays framework-free (ADR-007)."
        """,
        (
            "src/shop/domain/customer.py",
            """
            from dataclasses import dataclass


            @dataclass
            class Customer:
                email: str
            """,
        ),
        (
            "src/shop/web/models.py",
            """
            from django.db import models


            class CustomerRecord(models.Model):
                email = models.EmailField(unique=True)
            """,
        ),
    ),
    fix=(
        "Keep the forbidden dependency at the edge: move the code that needs it into a module the entry does "
        "not cover (an adapter next to the framework) and hand plain data or an interface to the forbidden "
        "area. An agreed exception goes into the entry's `ignore_imports`."
    ),
    details=(
        "`from` and `import` patterns cover the module and all its descendants, so `django` forbids "
        "`django.db.models` too. For `from a import b` on a third-party `a`, both `a` and `a.b` count as "
        "imported, so a forbidden submodule such as `django.db` is caught either way. Chains through other "
        "modules are ARC204 (unless the entry sets `allow_indirect = true`)."
    ),
)

ARC105 = Rule(
    code="ARC105",
    name="private-name-import",
    engine="per-file",
    summary="A module imports a `_private` module or name from outside the package that defines it.",
    rationale=(
        "A leading underscore is Python's way of saying: not part of the public API, may change without "
        "notice. Inside the package that defines it, using it is fine, since the same people change both "
        "sides. From outside, the import ties two packages together through a detail its owners expect to be "
        "free to change. The rule holds whether or not teams are configured."
    ),
    bad=_example(
        "",
        (
            "src/shop/payments/__init__.py",
            '''
            """Taking payments for orders."""

            from shop.payments._gateway import Charge

            __all__ = ["Charge"]
            ''',
        ),
        (
            "src/shop/payments/_gateway.py",
            """
            class Charge:
                def __init__(self, order_id: str, cents: int) -> None:
                    self.order_id = order_id
                    self.cents = cents
            """,
        ),
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments._gateway import Charge  # expect: ARC105


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    good=_example(
        "",
        (
            "src/shop/payments/__init__.py",
            '''
            """Taking payments for orders."""

            from shop.payments._gateway import Charge

            __all__ = ["Charge"]
            ''',
        ),
        (
            "src/shop/payments/_gateway.py",
            """
            class Charge:
                def __init__(self, order_id: str, cents: int) -> None:
                    self.order_id = order_id
                    self.cents = cents
            """,
        ),
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments import Charge


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    fix=(
        "Import a public name instead; a package usually re-exports what it means others to use (here "
        "`shop.payments` exports `Charge`). If what you need exists only under a private name, ask the "
        "package's owners to make it public rather than reaching in."
    ),
    details=(
        "A module is private when a segment after its top-level package starts with `_` (dunder names such "
        "as `__main__` excepted). The package that defines `a.b._m` is `a.b`; a private name `_x` bound in "
        "module `m` belongs to `m` when `m` is a package, else to `m`'s package. Importers anywhere inside "
        "that package may use it. Only the project's own modules are checked: private names of third-party "
        "packages are not this rule's concern."
    ),
)

ARC106 = Rule(
    code="ARC106",
    name="independence-violation",
    engine="per-file",
    summary="A module imports a module that its own module is declared independent of.",
    rationale=(
        "Independent modules can be developed, tested, deployed and one day split out on their own, as long "
        "as neither knows about the other. One direct import ends that: the two now change together and ship "
        "together. Declaring them independent turns an easily lost property into one that is checked on "
        "every change, and the `because` text says how they are meant to talk instead."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Remove the import and communicate the way the `because` text describes: typically through a third "
        "module both may use (events, or a small shared kernel of plain types), or by having a higher-level "
        "module call both."
    ),
    details=(
        "Each pattern in `modules` covers the module and its descendants, so any module of `shop.orders` "
        "importing any module of `shop.payments` is reported, and the other way round. Chains through other "
        "modules are ARC206."
    ),
)

ARC201 = Rule(
    code="ARC201",
    name="indirect-layer-violation",
    engine="graph",
    summary="A chain of two or more imports leads from a lower layer to a higher one.",
    rationale=(
        "A layer that reaches up through an intermediary is as coupled as one that imports directly: the "
        "domain still cannot be loaded, tested or reused without the web layer. Such chains usually pass "
        "through modules that sit in no layer, such as helpers and utilities, so no single import looks "
        "wrong in review. The graph engine follows the whole import graph and reports the chain where it "
        "starts, with every link listed."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Break the chain at the link that should not exist, usually where a helper module imports the higher "
        "layer: move what the lower layer needs into the helper or into the lower layer itself. The message "
        "lists every link of the chain."
    ),
    details=(
        "Only chains of two or more imports are reported here; a direct import is ARC101. The chains are the "
        "ones import-linter's layers contract finds for the same stack. The finding is at the first import "
        "of the chain, with the rest of the chain as related locations. Dynamic imports are not part of the "
        "import graph."
    ),
)

ARC204 = Rule(
    code="ARC204",
    name="indirect-forbidden-import",
    engine="graph",
    summary="A chain of two or more imports leads from a `forbid` source to a forbidden module.",
    rationale=(
        "A forbidden dependency reached through another module is still a dependency: the domain cannot be "
        "imported without `requests` installed, and a test of it may make network calls. Checking chains "
        "catches the helper module that quietly brings in what the `forbid` entry keeps out."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Break the chain where the forbidden area first reaches the module that needs the dependency: pass "
        "in the value it computes (as the good example passes the rate) instead of importing it. If chains "
        "are acceptable for this entry, set `allow_indirect = true` on it."
    ),
    details=(
        "Only chains of two or more imports are reported here; a direct import is ARC104. The import graph "
        "sees third-party packages at their top level only, so a forbidden third-party submodule such as "
        "`django.db` is checked for direct imports (ARC104) but not for chains. The finding is at the first "
        "import of the chain."
    ),
)

ARC206 = Rule(
    code="ARC206",
    name="indirect-independence-violation",
    engine="graph",
    summary="A chain of two or more imports connects modules declared independent.",
    rationale=(
        "Independence that holds only for direct imports is not independence: if orders imports a helper "
        "that imports payments, orders still cannot be tested, deployed or split out without payments. "
        "Checking chains keeps the declaration true, including when a shared module slowly gathers imports "
        "from both sides."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Break the chain at the link that should not exist. Often the intermediary is a coordinator that "
        "should sit above both modules: let it import them, and let neither import it."
    ),
    details=(
        "Only chains of two or more imports are reported here; a direct import is ARC106. The finding is at "
        "the first import of the chain, with the rest of the chain as related locations."
    ),
)

ARC207 = Rule(
    code="ARC207",
    name="import-cycle",
    engine="graph",
    summary="The children of an `acyclic` package import each other in a cycle.",
    rationale=(
        "Parts of a package that import each other in a cycle can only be understood, tested and changed "
        "together: none of them is a foundation the others build on. Cycles also make import order matter, "
        "which shows up at runtime as partially initialised modules. `acyclic` names the packages whose "
        "children must form no cycle, and the message names the imports that would break it, so the fix "
        "starts from the cheapest link."
    ),
    bad=_example(
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
    ),
    good=_example(
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
    ),
    fix=(
        "Remove one of the imports the message names, usually the one that points from the more basic part "
        "to the more specific one: move the code it needs to the side that uses it, into a module both may "
        "import, or pass it in as a parameter."
    ),
    details=(
        "An `acyclic` pattern names packages exactly (end it with `.**` to include descendants); the rule "
        "looks at cycles among each named package's direct children, counting the imports of their "
        "descendants. The cycles and the imports that would break them are the ones import-linter's "
        "`acyclic_siblings` contract finds for the same package; each finding is located at one of those "
        "imports."
    ),
)

ARC301 = Rule(
    code="ARC301",
    name="interface-without-all",
    engine="per-file",
    summary="An interface module does not declare `__all__`.",
    rationale=(
        "Without `__all__`, everything a module happens to import or define can be imported, and sooner or "
        "later another team will: a helper, a re-exported third-party name, a constant meant for tests. "
        "`__all__` makes the interface a deliberate list that reviewers see grow, that ARC302 checks for "
        "typos, and that editors, documentation tools and `from module import *` respect."
    ),
    bad=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""  # expect: ARC301

            import logging

            log = logging.getLogger(__name__)


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                log.info("charging %s", order_id)
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    good=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            import logging

            __all__ = ["charge"]

            log = logging.getLogger(__name__)


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                log.info("charging %s", order_id)
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    fix=(
        "Add `__all__ = [...]` near the top of the module, listing the names other teams may use. Keep it a "
        "literal list or tuple so it can be checked."
    ),
    details=(
        "Interface modules are those a team's `interface` names; without `interface`, the team's owned "
        "packages. `__all__` counts as declared when assigned a list or tuple (plain or annotated), or any "
        "value that cannot be read statically. The finding is at line 1 of the module."
    ),
)

ARC302 = Rule(
    code="ARC302",
    name="all-names-undefined",
    engine="per-file",
    summary="`__all__` lists a name the module neither defines nor imports.",
    rationale=(
        "`__all__` is an interface's table of contents. A name in it that the module does not bind is a "
        "broken promise: `from module import *` fails with an AttributeError, and readers go looking for "
        "something that is not there. It is almost always a typo, or a leftover of a rename or a move."
    ),
    bad=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            __all__ = ["charge", "refund"]  # expect: ARC302


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    good=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            __all__ = ["charge"]


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    fix="Define or import the name in the module, correct its spelling, or remove it from `__all__`.",
    details=(
        "A name counts as bound when the module defines or imports it anywhere at top level (under `if` and "
        "`try` too), or, for a package, when it is a submodule. `__all__` extended with `+=`, `.extend()` or "
        "`.append()` of literals is read; a value that cannot be read statically, or a module with "
        "`from x import *`, is not checked. One finding per missing name, at the `__all__` assignment."
    ),
)

ARC303 = Rule(
    code="ARC303",
    name="untyped-interface",
    engine="per-file",
    summary="A public function or method of an interface module lacks parameter or return annotations.",
    rationale=(
        "Annotations on an interface are the contract in a form machines can check: callers in other teams "
        "get their editor's help and their type checker's protection, and the owning team learns from the "
        "checker, not from an incident, that a change breaks a caller. Inside a team's own code, annotations "
        "are the team's choice; at the boundary between teams they are part of the agreement."
    ),
    bad=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: refunds."""

            __all__ = ["refund"]


            def refund(receipt_id, cents: int):  # expect: ARC303
                """Refund part or all of a charge, in cents."""
                print(f"refunding {cents} of {receipt_id}")
            ''',
        ),
    ),
    good=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: refunds."""

            __all__ = ["refund"]


            def refund(receipt_id: str, cents: int) -> None:
                """Refund part or all of a charge, in cents."""
                print(f"refunding {cents} of {receipt_id}")
            ''',
        ),
    ),
    fix=(
        "Annotate every parameter and the return type, `-> None` included. `*args` and `**kwargs` need "
        "annotations too; `self` and `cls` do not."
    ),
    details=(
        "Checked: public module-level functions and the public methods of public classes (public means "
        "listed in `__all__` when the module has one, else not starting with `_`). The first parameter of a "
        "method that is not a `@staticmethod` is exempt. With `@overload`, the overloads are checked and the "
        "implementation is not; nested functions are not checked. The finding is at the `def` line."
    ),
)

ARC401 = Rule(
    code="ARC401",
    name="undocumented-interface",
    engine="per-file",
    summary="An interface module, or a package a team owns, has no module docstring.",
    rationale=(
        "The module docstring is the first thing another team reads when deciding whether and how to use an "
        "interface: what it offers, what it deliberately does not, whom to ask. A team's owned packages need "
        "one too, as their `__init__.py` is where readers land when they browse the code. Writing it takes a "
        "paragraph; its absence costs every reader a tour of the implementation."
    ),
    bad=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            __all__ = ["charge"]  # expect: ARC401


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    good=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order.

            Amounts are in cents. Questions go to #payments-eng.
            """

            __all__ = ["charge"]


            def charge(order_id: str, cents: int) -> str:
                """Charge the order's card and return the provider's receipt id."""
                return f"rcpt-{order_id}"
            ''',
        ),
    ),
    fix=(
        "Start the module with a docstring: a sentence on what it offers other teams, then what a caller "
        "must know (guarantees, units, limits, whom to ask)."
    ),
    details=(
        "Checked: every interface module, and every package an `owns` pattern names exactly (its "
        "`__init__.py`). The finding is at line 1 of the module."
    ),
)

ARC402 = Rule(
    code="ARC402",
    name="undocumented-interface-member",
    engine="per-file",
    summary="A public class or function of an interface module has no docstring.",
    rationale=(
        "Callers in other teams should be able to use an interface from its documentation, without reading "
        "an implementation that belongs to someone else and will change. A docstring on each public class "
        "and function says what it is for, what it expects and what it guarantees, and it shows up in "
        "editors and generated documentation where the caller is working."
    ),
    bad=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            __all__ = ["Receipt", "charge"]


            class Receipt:  # expect: ARC402
                def __init__(self, receipt_id: str, cents: int) -> None:
                    self.receipt_id = receipt_id
                    self.cents = cents


            def charge(order_id: str, cents: int) -> Receipt:  # expect: ARC402
                return Receipt(f"rcpt-{order_id}", cents)
            ''',
        ),
    ),
    good=_example(
        _PAYMENTS_TEAM,
        _PAYMENTS_INIT,
        (
            "src/shop/payments/api.py",
            '''
            """What team payments offers other teams: charging an order."""

            __all__ = ["Receipt", "charge"]


            class Receipt:
                """Proof of a successful charge: the provider's receipt id and the amount in cents."""

                def __init__(self, receipt_id: str, cents: int) -> None:
                    self.receipt_id = receipt_id
                    self.cents = cents


            def charge(order_id: str, cents: int) -> Receipt:
                """Charge the order's card; raises ValueError when the amount is not positive."""
                if cents <= 0:
                    raise ValueError("amount must be positive")
                return Receipt(f"rcpt-{order_id}", cents)
            ''',
        ),
    ),
    fix=(
        "Add a docstring to the class or function: one line on what it does for the caller, then what a "
        "caller needs to know (units, errors raised, side effects)."
    ),
    details=(
        "Checked: public module-level classes and functions of interface modules, not methods. The finding "
        "is at the `class` or `def` line."
    ),
)

ARC403 = Rule(
    code="ARC403",
    name="suppression-without-reason",
    engine="per-file",
    summary="A `# noqa` suppresses arch-rules findings without saying why.",
    rationale=(
        "A suppression is an exception to a rule the team agreed on, and an exception can only be reviewed "
        "with its reason: is it temporary, who agreed, when does it go away? A reason next to the code "
        "answers that for the next reader and turns a silent workaround into a recorded decision."
    ),
    bad=_example(
        """
        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        _GATEWAY,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # noqa: ARC102  # expect: ARC403


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    good=_example(
        """
        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        contact = "#payments-eng"
        """,
        _GATEWAY,
        (
            "src/shop/orders/checkout.py",
            """
            from shop.payments.gateway import Charge  # noqa: ARC102 -- payments exports it in Q3 (PAY-142)


            def pay(order_id: str, cents: int) -> Charge:
                return Charge(order_id, cents)
            """,
        ),
    ),
    fix=(
        "Write the reason after the codes, separated by `--` so flake8 does not read its words as codes: "
        "`# noqa: ARC102 -- payments exports it in Q3 (PAY-142)`. Better still, fix what the `# noqa` "
        "hides, so that neither the suppression nor its reason is needed."
    ),
    details=(
        "The suppression still works: the finding it names is suppressed, and ARC403 is reported on the "
        "`# noqa` comment instead. A bare `# noqa` (no codes) suppresses every check, as in flake8, and is "
        "reported when it hides an arch-rules finding. A `# noqa` on any line of a multi-line import counts."
    ),
)


ALL: list[Rule] = [
    ARC001,
    ARC002,
    ARC003,
    ARC004,
    ARC101,
    ARC102,
    ARC103,
    ARC104,
    ARC105,
    ARC106,
    ARC201,
    ARC204,
    ARC206,
    ARC207,
    ARC301,
    ARC302,
    ARC303,
    ARC401,
    ARC402,
    ARC403,
]


def all_rules() -> dict[str, Rule]:
    """Every rule by code, sorted."""
    return dict(_BY_CODE)


_BY_CODE = {rule.code: rule for rule in sorted(ALL, key=lambda r: r.code)}
