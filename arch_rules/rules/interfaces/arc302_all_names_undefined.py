"""ARC302 all-names-undefined: `__all__` lists a name the module neither defines nor imports."""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import PAYMENTS_INIT, PAYMENTS_TEAM, example
from arch_rules.rules.interfaces import InterfaceRule
from arch_rules.rules.rule import ModuleContext

#: Attributes the import system gives every module (``__path__`` only packages, but listing it is harmless).
MODULE_ATTRIBUTES = frozenset(
    {
        "__doc__",
        "__name__",
        "__file__",
        "__path__",
        "__package__",
        "__loader__",
        "__spec__",
        "__builtins__",
        "__dict__",
        "__cached__",
        "__annotations__",
    }
)


class AllNamesUndefined(InterfaceRule):
    code = "ARC302"
    name = "all-names-undefined"
    summary = "`__all__` lists a name the module neither defines nor imports."
    rationale = (
        "`__all__` is an interface's table of contents. A name in it that the module does not bind is a "
        "broken promise: `from module import *` fails with an AttributeError, and readers go looking for "
        "something that is not there. It is almost always a typo, or a leftover of a rename or a move."
    )
    bad = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
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
    )
    good = example(
        PAYMENTS_TEAM,
        PAYMENTS_INIT,
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
    )
    fix = "Define or import the name in the module, correct its spelling, or remove it from `__all__`."
    details = (
        "A name counts as bound when the module defines or imports it anywhere at top level (under `if` and "
        "`try` too), or, for a package, when it is a submodule; the attributes every module has at run time "
        "(`__doc__`, `__name__`, `__file__`, `__path__`, `__spec__`...) count as bound. A module with a "
        "module-level `__getattr__` (PEP 562) can serve any name, so its `__all__` is not checked. "
        "`__all__` extended with `+=`, `.extend()` or "
        "`.append()` of literals is read; a value that cannot be read statically, or a module with "
        "`from x import *`, is not checked. One finding per missing name, at the `__all__` assignment."
    )

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        """One finding per listed name the module neither binds at top level nor has as a submodule."""
        duty = self.duty(context)
        facts, module = context.facts, context.module
        if duty is None or not duty.interface or facts.all_names is None or facts.all_dynamic or facts.star_import:
            return
        if "__getattr__" in facts.bound_names:
            return  # a module-level __getattr__ (PEP 562) may serve any name
        for name, line in facts.all_names:
            if name in facts.bound_names or name in MODULE_ATTRIBUTES:
                continue
            if module.is_package and context.project.exists(f"{module.name}.{name}"):
                continue
            yield self.report(
                context,
                duty.team,
                f"__all__ of {module.name} lists {name!r}, which the module neither defines nor imports; "
                "define or import it, or remove it from __all__",
                line=line or facts.all_line or 1,
                snippet=f"__all__ {name!r}",
            )
