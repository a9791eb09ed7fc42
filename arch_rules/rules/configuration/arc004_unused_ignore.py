"""ARC004 unused-ignore: An `ignore_imports` exception matches no import of the project any more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.model.project import import_matches
from arch_rules.rules.configuration import at_key, missing_side
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ProjectRule

if TYPE_CHECKING:
    from arch_rules.facts import FileFacts
    from arch_rules.model.config import IgnoredImport
    from arch_rules.model.project import Project


class UnusedIgnore(ProjectRule):
    code = "ARC004"
    name = "unused-ignore"
    summary = "An `ignore_imports` exception matches no import of the project any more."
    rationale = (
        "An exception in `ignore_imports` is an agreed debt: an import the team knows breaks a rule and has "
        "chosen to live with for now. Once the import is gone, the exception should go too; left in place, it "
        "quietly allows the same import to come back unnoticed. Reporting exceptions that nothing uses keeps "
        "the list honest, so it can only shrink."
    )
    bad = example(
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
    )
    good = example(
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
    )
    fix = (
        "Delete the entry from `ignore_imports`. If the import moved rather than disappeared, update the "
        "entry to the importing module's new name, and ask whether the exception is still needed."
    )
    details = (
        "An entry counts as used when any import the configuration checks matches it (imports under "
        '`if TYPE_CHECKING:`, inside functions or dynamic ones are not checked when set to `"ignore"`). An '
        "entry that names a module that does not exist is ARC001 instead. The finding is located at the line "
        "of pyproject.toml that holds the entry."
    )

    reads_imports = True

    def module_part(self, project: Project, name: str, facts: FileFacts) -> frozenset[str]:
        """The keys of the ``ignore_imports`` entries this module's imports use."""
        return frozenset(_used_by(project, project.config.ignored_imports(), name, facts, set()))

    def check_project(self, project: Project, parts: frozenset[str] | None = None) -> Iterator[Finding]:
        used = _used(project) if parts is None else parts
        for exception in project.config.ignored_imports():
            if missing_side(project, exception) is not None or exception.key in used:
                continue  # an entry naming no module is ARC001's
            yield at_key(
                self.code,
                project.config,
                exception.key,
                exception.text,
                f"{exception.key}: the exception {exception.text!r} matches no import of the project any more; "
                "remove it so the list of exceptions only shrinks",
            )


def _used(project: Project) -> set[str]:
    """Keys of the ``ignore_imports`` entries that some import of the checked kinds matches."""
    entries = project.config.ignored_imports()
    if not entries:
        return set()
    used: set[str] = set()
    for name, facts in project.facts.items():
        _used_by(project, entries, name, facts, used)
    return used


def _used_by(project: Project, entries: list[IgnoredImport], name: str, facts: FileFacts, used: set[str]) -> set[str]:
    """``used``, with the keys of the entries that one module's imports match added."""
    if not entries:
        return used
    for fact in facts.imports:
        if not project.counts(fact):
            continue
        for target in project.targets(name, fact):
            candidates = [target.module]
            if not target.first_party:
                candidates += [f"{target.module}.{n}" for n in target.names]
            for entry in entries:
                if entry.key in used:
                    continue
                if any(import_matches(entry, name, c, target.first_party) for c in candidates):
                    used.add(entry.key)
    return used
