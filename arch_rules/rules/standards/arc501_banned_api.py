"""ARC501 banned-api: a use of an API that a ``[[tool.arch_rules.standards]]`` entry bans in the module's scope.

"The domain never reads the clock or the environment" as a checked standard: every call, attribute access,
subscript or reference whose qualified name (libcst's scope analysis, whatever the import form) is a banned
name, or below one (banning ``os.environ`` bans ``os.environ.get`` and ``os.environ["X"]``), is one finding
at the use. A name a local binding shadows is not a use; imports alone are not uses.

The rule is a ``LintRule``: the engine gives it the standards that cover the file being visited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from arch_rules.model.declaration import Standard
from arch_rules.rules.examples import example
from arch_rules.rules.lintrule import Context, dotted_only
from arch_rules.rules.rule import because_clause
from arch_rules.rules.standards.uses import UseRule

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["BannedApi", "PURE_DOMAIN", "applies", "words"]

PURE_DOMAIN = """
    [tool.arch_rules.teams.orders]
    owns = ["shop.orders"]
    contact = "#orders-eng"

    [[tool.arch_rules.standards]]
    name = "pure-domain"
    in = ["shop.*.domain"]
    ban = ["datetime.datetime.now", "datetime.date.today", "os.environ", "os.getenv", "print"]
    because = "The domain is pure: time and settings come in as arguments (ADR-009)."
"""


def applies(standard: Standard, context: Context) -> bool:
    """Whether ``standard`` covers the module of ``context``: in its ``in`` patterns or its ``teams`` (either
    is enough when both are given) and not in ``except``."""
    inside = any(p.covers(context.module) for p in standard.inside)
    in_team = standard.teams is not None and context.team in standard.teams
    if not (inside or in_team):
        return False
    return not any(p.covers(context.module) for p in standard.excepted)


def words(standards: Sequence[Standard]) -> set[bytes]:
    """The last segment of every banned name. A use can only resolve to a banned name if that word is in
    the file (qualified names are built from the file's own import and attribute text), so a file without
    any of them is not parsed at all."""
    return {ban.rsplit(".", 1)[-1].encode() for standard in standards for ban in standard.bans}


class BannedApi(UseRule):
    """The record of ARC501 and, given the standards that cover a file, its visitor."""

    code = "ARC501"
    name = "banned-api"
    summary = "Code uses an API that a standard of the configuration bans in its part of the project."
    rationale = (
        "Teams agree on standards beyond imports: the domain never reads the clock or the environment, only "
        "repositories run raw SQL. Written down as a standard, such an agreement no longer depends on a reviewer "
        "who remembers it. Each use is reported where it is, with the standard's reason and whom to ask."
    )
    bad = example(
        PURE_DOMAIN,
        (
            "src/shop/orders/domain/pricing.py",
            '''
            """Prices of an order: arithmetic on what the caller passes in."""

            import os
            from datetime import datetime


            def total(cents: list[int]) -> int:
                """The order total, with the weekend surcharge."""
                surcharge = int(os.environ.get("SURCHARGE", "0"))  # expect: ARC501
                if datetime.now().weekday() >= 5:  # expect: ARC501
                    return sum(cents) + surcharge
                return sum(cents)
            ''',
        ),
    )
    good = example(
        PURE_DOMAIN,
        (
            "src/shop/orders/domain/pricing.py",
            '''
            """Prices of an order: arithmetic on what the caller passes in."""

            from datetime import date


            def total(cents: list[int], today: date, surcharge: int) -> int:
                """The order total, with the weekend surcharge; the caller knows the date and the settings."""
                if today.weekday() >= 5:
                    return sum(cents) + surcharge
                return sum(cents)
            ''',
        ),
    )
    fix = (
        "Pass what the banned API gave (the time, a setting) in as an argument from the layer that may use it, "
        "or, when the exception is agreed, add the module to the standard's `except` list."
    )
    details = (
        "A standard is a `[[tool.arch_rules.standards]]` entry: `in` (module patterns, covering descendants) "
        "and/or `teams`, an optional `except`, `ban` (dotted names) and `because`. A use is a call, attribute "
        "access, subscript or reference whose qualified name, resolved with libcst's scope analysis whatever "
        "the import form (aliases, `from` imports, builtins such as `print`), is a banned name or below one: "
        'banning `os.environ` bans `os.environ.get(...)` and `environ["X"]`. An import alone is not a use; '
        "a local name that shadows the banned one is not a use. One finding per use, at the use (the outermost "
        "expression that names it); the message names the API, the standard, its `because` and the module's "
        "team. Only files in some standard's scope are parsed with libcst."
    )
    message = "use of a banned API"

    def __init__(self, context: Context | None = None, standards: Sequence[Standard] = ()) -> None:
        super().__init__(context)
        self._bans: dict[str, Standard] = {}
        for standard in standards:
            for ban in standard.bans:
                self._bans.setdefault(ban, standard)

    def use(self, node: cst.Name | cst.Attribute) -> bool:
        names = self.qualified_names(node)
        if not names:
            return False
        # Every name the node may stand for must be banned: a binding that may shadow it is not a use.
        hits = [self._banned(name) for name in names]
        if not all(hits):
            return False
        used, ban, standard = sorted(hit for hit in hits if hit)[0]
        if not dotted_only(node):
            used = ban  # datetime.datetime.now().hour: the use is of the banned name, not of ".hour"
        self.report(node, self._message(used, ban, standard), imported=ban)
        return True

    def _banned(self, qualified: str) -> tuple[str, str, Standard] | None:
        shown = qualified.removeprefix("builtins.")
        for candidate in (qualified, shown) if shown != qualified else (qualified,):
            parts = candidate.split(".")
            for end in range(1, len(parts) + 1):
                ban = ".".join(parts[:end])
                standard = self._bans.get(ban)
                if standard is not None:
                    return shown, ban, standard
        return None

    def _message(self, used: str, ban: str, standard: Standard) -> str:
        where = ", ".join(p.text for p in standard.inside) or "teams " + ", ".join(standard.teams or ())
        team = self.context.team
        contact = f" ({self.context.contact})" if self.context.contact else ""
        who = f"; team {team}{contact} agreed on it" if team else ""
        return (
            f"{self.context.module} uses {used}; standard {standard.label} bans {ban} in {where}"
            f"{because_clause(standard.because)}{who}"
        )
