"""ARC303 untyped-interface: a public function or method of an interface module lacks annotations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.interfaces import InterfaceRule, is_public_name, public
from arch_rules.rules.rule import ModuleContext

if TYPE_CHECKING:
    from arch_rules.facts import DefFact
    from arch_rules.model.config import Team


class UntypedInterface(InterfaceRule):
    code = "ARC303"
    name = "untyped-interface"
    summary = "A public function or method of an interface module lacks parameter or return annotations."
    rationale = (
        "Annotations on an interface are the contract in a form machines can check: callers in other teams "
        "get their editor's help and their type checker's protection, and the owning team learns from the "
        "checker, not from an incident, that a change breaks a caller. Inside a team's own code, annotations "
        "are the team's choice; at the boundary between teams they are part of the agreement."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
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
    )
    good = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
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
    )
    fix = (
        "Annotate every parameter and the return type, `-> None` included. `*args` and `**kwargs` need "
        "annotations too; `self` and `cls` do not."
    )
    details = (
        "Checked: public module-level functions and the public methods of public classes (public means "
        "listed in `__all__` when the module has one, else not starting with `_`). The first parameter of a "
        "method that is not a `@staticmethod` is exempt. With `@overload`, the overloads are checked and the "
        "implementation is not; nested functions are not checked. The finding is at the `def` line."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        duty = self.duty(context)
        if duty is None or not duty.interface:
            return
        is_public = public(context.facts)
        for definition in context.facts.defs:
            if not is_public(definition.name):
                continue
            if definition.kind == "function":
                yield from self._annotations(context, duty.team, definition, definition.name)
            else:
                yield from self._methods(context, duty.team, definition, definition.name)

    def _methods(self, context: ModuleContext, team: Team, cls: DefFact, qualname: str) -> Iterator[Finding]:
        """The public methods of a public class, and of its public nested classes."""
        for member in cls.methods:
            if not is_public_name(member.name):
                continue
            inner = f"{qualname}.{member.name}"
            if member.kind == "class":
                yield from self._methods(context, team, member, inner)
            else:
                yield from self._annotations(context, team, member, inner)

    def _annotations(self, context: ModuleContext, team: Team, definition: DefFact, qualname: str) -> Iterator[Finding]:
        if definition.overload_implementation or not definition.unannotated:
            return
        missing = [f"parameter {p}" if p != "return" else "the return type" for p in definition.unannotated]
        yield self.report(
            context,
            team,
            f"{qualname} in interface {context.module.name} lacks annotations ({', '.join(missing)}); "
            "annotate every parameter and the return so callers can rely on the contract",
            line=definition.line,
            column=definition.column,
            snippet=f"def {qualname}",
        )
