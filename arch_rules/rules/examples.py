"""Building blocks of the rules' examples: each example is a tiny project that runs as written (the rule
tests run them), and several rules share the same payments team and files."""

from __future__ import annotations

import textwrap
from pathlib import PurePosixPath

from arch_rules.rules.rule import Example

__all__ = ["GATEWAY", "HEADER", "PAYMENTS_API", "PAYMENTS_INIT", "PAYMENTS_TEAM", "PAYMENTS_TEAMS", "example"]


HEADER = '[tool.arch_rules]\nsource_roots = ["src"]\nroot_packages = ["shop"]\n'


def example(config: str, *files: tuple[str, str]) -> Example:
    """pyproject.toml (the common header plus ``config``), the given files, and an empty ``__init__.py``
    for every package folder under ``src/`` that the files do not give one (real projects have them)."""
    body = textwrap.dedent(config).strip("\n")
    out = [("pyproject.toml", HEADER + ("\n" + body + "\n" if body else ""))]
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


PAYMENTS_TEAMS = """
    [tool.arch_rules.teams.orders]
    owns = ["shop.orders"]
    contact = "#orders-eng"

    [tool.arch_rules.teams.payments]
    owns = ["shop.payments"]
    interface = ["shop.payments.api"]
    contact = "#payments-eng"
"""


PAYMENTS_TEAM = """
    [tool.arch_rules.teams.payments]
    owns = ["shop.payments"]
    interface = ["shop.payments.api"]
    contact = "#payments-eng"
"""


PAYMENTS_INIT = (
    "src/shop/payments/__init__.py",
    '''
    """Team payments: taking and refunding payments for orders. Other teams use shop.payments.api."""
    ''',
)


GATEWAY = (
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


PAYMENTS_API = (
    "src/shop/payments/api.py",
    '''
    """What team payments offers other teams: charging an order."""

    from shop.payments.gateway import Charge

    __all__ = ["Charge"]
    ''',
)
