"""ARC105 private-name-import: A module imports a `_private` module or name from outside the package that defines it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ImportRule, ModuleContext, owner_clause

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.project import Target

TWO_TEAMS = """
    [tool.arch_rules.teams.orders]
    owns = ["shop.orders"]

    [tool.arch_rules.teams.payments]
    owns = ["shop.payments"]
"""


class PrivateNameImport(ImportRule):
    code = "ARC105"
    name = "private-name-import"
    summary = "A module imports a `_private` module or name from outside the package that defines it."
    rationale = (
        "A leading underscore is Python's way of saying: not part of the public API, may change without "
        "notice. Inside the package that defines it, using it is fine, since the same people change both "
        "sides. From outside, the import ties two packages together through a detail its owners expect to be "
        "free to change. By default the rule applies where the declaration draws a line: one team's code "
        'using another team\'s private module or name (`private_imports = "everywhere"` extends it to every '
        "package boundary of the project)."
    )
    bad = example(
        TWO_TEAMS,
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
    )
    good = example(
        TWO_TEAMS,
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
    )
    fix = (
        "Import a public name instead; a package usually re-exports what it means others to use (here "
        "`shop.payments` exports `Charge`). If what you need exists only under a private name, ask the "
        "package's owners to make it public rather than reaching in."
    )
    details = (
        "A module is private when a segment after its top-level package starts with `_` (dunder names such "
        "as `__main__` excepted). The package that defines `a.b._m` is `a.b`; a private name `_x` bound in "
        "module `m` belongs to `m` when `m` is a package, else to `m`'s package. Importers anywhere inside "
        "that package may use it. Only the project's own modules are checked: private names of third-party "
        "packages are not this rule's concern. Where it applies is the top-level key `private_imports`: "
        '`"across_teams"` (the default) reports an import only when the private module or name belongs to '
        "a team and the importing module does not belong to that team, so a project that declares no team "
        'gets no ARC105; `"everywhere"` reports every import of a private module or name from outside the '
        "package that defines it. `from pkg import name` takes the name `pkg` binds when it binds one, even "
        "if `pkg.name` is also a submodule."
    )

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        target = target.as_name()  # `from pkg import _x`, pkg binding `_x`: the name wins over the submodule
        if not target.first_party:
            return
        project, importer, imported = context.project, context.module.name, target.module
        if project.config.private_imports == "across_teams":
            # Only what the declaration names: a private name of one team's code used from outside the team.
            theirs = project.team_of(imported)
            if theirs is None or project.team_of(importer) is theirs:
                return
        segments = imported.split(".")
        for index, segment in enumerate(segments[1:], start=1):
            if is_private(segment):
                package = ".".join(segments[:index])
                if not inside(importer, package):
                    message = (
                        f"{importer} imports {imported}, a private module of package {package}"
                        f"{owner_clause(project, imported)}; "
                        f"only code inside {package} may use it: import from its public modules instead"
                    )
                    yield self.finding(context, fact, imported, project.team_of(imported), message)
                return
        for name in target.names:
            if is_private(name):
                package = project.package_of(imported) if imported in project.modules else imported
                if imported in project.namespaces:
                    package = imported
                if not inside(importer, package):
                    message = (
                        f"{importer} imports {name} from {imported}, a private name of package {package}"
                        f"{owner_clause(project, imported)}; "
                        f"only code inside {package} may use it: ask its owners for a public name"
                    )
                    yield self.finding(context, fact, imported, project.team_of(imported), message)


def is_private(name: str) -> bool:
    """``_x`` is private; ``__x__`` is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
