"""ARC005 module-outside-exhaustive-layers: A stack marked `exhaustive` leaves a child of one of its containers
out of every layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.configuration import at_key
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ProjectRule

if TYPE_CHECKING:
    from arch_rules.model.project import Project

_WEB = ("src/shop/orders/web.py", '"""Order pages."""\n\nfrom shop.orders.domain import Order\n')
_DOMAIN = ("src/shop/orders/domain.py", '"""Orders."""\n\n\nclass Order:\n    """An order."""\n')
_REPORTS = ("src/shop/orders/reports.py", '"""Sales reports."""\n\nfrom shop.orders.web import render\n')


class ModuleOutsideExhaustiveLayers(ProjectRule):
    code = "ARC005"
    name = "module-outside-exhaustive-layers"
    summary = "A stack marked `exhaustive` leaves a child of one of its containers out of every layer."
    rationale = (
        "A layer stack constrains only the modules it names: a package added next to the layers is in none of "
        "them, so it may import anything and be imported by anything, and the architecture has a hole nobody "
        "decided on. Marking a stack `exhaustive` (import-linter's option of the same name) makes every child "
        "of each container a decision: a layer, or an entry in `exhaustive_ignores`."
    )
    bad = example(
        """
        [[tool.arch_rules.layers]]
        containers = ["shop.orders"]
        order = ["web", "domain"]  # expect: ARC005
        exhaustive = true
        """,
        _WEB,
        _DOMAIN,
        _REPORTS,
    )
    good = example(
        """
        [[tool.arch_rules.layers]]
        containers = ["shop.orders"]
        order = ["reports", "web", "domain"]
        exhaustive = true
        """,
        _WEB,
        _DOMAIN,
        _REPORTS,
    )
    fix = (
        "Place the module in the stack: add its name to `order` on the level where it belongs, or, if it "
        "deliberately stands outside the layers (a `conftest`, a `__main__`), list it in `exhaustive_ignores`."
    )
    details = (
        "Only stacks with `containers` can be exhaustive (as in import-linter). Each direct child of each "
        "container (a module or a subpackage) must be named by an `order` entry or by `exhaustive_ignores` "
        "(names relative to the container, one segment). One finding per missing child, located at the "
        "stack's first `order` entry in pyproject.toml. The check needs no import graph."
    )

    def check_project(self, project: Project, parts: frozenset[str] | None = None) -> Iterator[Finding]:
        for stack in project.config.layers:
            if not stack.exhaustive or not stack.levels:
                continue
            declared = {entry.pattern.text for level in stack.levels for entry in level.entries}
            declared |= set(stack.exhaustive_ignores)
            first = stack.levels[0].entries[0]
            for container in project.containers(stack):
                depth = container.count(".") + 1
                below = (n for n in project.all_names() if n.startswith(container + "."))
                for child in sorted({n for n in below if n.count(".") == depth}):
                    tail = child.rsplit(".", 1)[-1]
                    if tail in declared:
                        continue
                    yield at_key(
                        self.code,
                        project.config,
                        first.key,
                        first.pattern.text,
                        f"{child} is a child of container {container} but no layer of the exhaustive stack "
                        f"{stack.label}; add {tail!r} to order, or to exhaustive_ignores if it stays outside "
                        "the layers",
                    )
