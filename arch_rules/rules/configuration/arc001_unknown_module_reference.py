"""ARC001 unknown-module-reference: A module pattern in the configuration matches no module of the project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.model.patterns import Pattern
from arch_rules.rules.configuration import at_key, missing_side
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ProjectRule

if TYPE_CHECKING:
    from arch_rules.model.config import Team
    from arch_rules.model.project import Project


class UnknownModuleReference(ProjectRule):
    code = "ARC001"
    name = "unknown-module-reference"
    summary = "A module pattern in the configuration matches no module of the project."
    rationale = (
        "A pattern that matches nothing checks nothing: the rule it belongs to passes silently, and the team "
        "believes a boundary is guarded when it is not. It happens after a typo, or when a package is renamed "
        "or moved and the configuration stays behind. Reporting the pattern at its line in pyproject.toml "
        "keeps the declaration and the code in step."
    )
    bad = example(
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
    )
    good = example(
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
    )
    fix = (
        "Correct the pattern so it names an existing module (patterns are dotted module names such as "
        "`shop.payments`, not file paths), or remove it if the code it guarded is gone."
    )
    details = (
        "Every first-party pattern is checked: `owns`, `interface`, `forbid.from` and `forbid.import`, "
        "`independent.modules`, `acyclic`, layer `order` entries and `containers`, both sides of "
        "`ignore_imports`, and a standard's `in` and `except`; a team's `deprecated` name must lie in a module "
        "the team owns. A pattern whose top-level package is not one of the project's (`django`, "
        "`requests.adapters`) names a third-party module and is never reported. With `containers`, a layer "
        'missing from one container is reported unless it is written in parentheses, `"(legacy)"`, which '
        "marks it optional. The finding is located at the line of pyproject.toml that holds the pattern."
    )

    def check_project(self, project: Project, parts: frozenset[str] | None = None) -> Iterator[Finding]:
        config = project.config

        def unknown(key: str, text: str, covers: bool = True, team: Team | None = None) -> Finding | None:
            pattern = Pattern(text)
            hit = project.any_covered(pattern) if covers else project.any_matched(pattern)
            if hit:
                return None
            return at_key(
                self.code,
                config,
                key,
                text,
                f"{key}: {text!r} matches no module of the project (a typo, or the code moved); "
                "fix the pattern or remove it",
                team,
            )

        out: list[Finding | None] = []
        for team in config.teams:
            prefix = "" if team.source else f"{team.key}."  # a team file's keys are its own, at the top
            out += (unknown(f"{prefix}owns[{i}]", p.text, team=team) for i, p in enumerate(team.owns))
            out += (
                unknown(f"{prefix}interface[{i}]", p.text, covers=False, team=team)
                for i, p in enumerate(team.interface or ())
            )
        for rule in config.forbid:
            out += (unknown(f"{rule.key}.from[{i}]", p.text) for i, p in enumerate(rule.sources))
            out += (
                unknown(f"{rule.key}.import[{i}]", p.text)
                for i, p in enumerate(rule.forbidden)
                if project.is_first_party_pattern(p)
            )
        for group in config.independent:
            out += (unknown(f"{group.key}.modules[{i}]", p.text) for i, p in enumerate(group.modules))
        out += (unknown(f"tool.arch_rules.acyclic[{i}]", p.text, covers=False) for i, p in enumerate(config.acyclic))
        for standard in config.standards:
            out += (unknown(f"{standard.key}.in[{i}]", p.text) for i, p in enumerate(standard.inside))
            out += (unknown(f"{standard.key}.except[{i}]", p.text) for i, p in enumerate(standard.excepted))
        for team in config.teams:
            for name, _ in team.deprecated:
                why = _deprecation_problem(project, team.name, name)
                if why:
                    key = f'{team.key}.deprecated."{name}"'
                    out.append(at_key(self.code, config, key, name, f"{key}: {why}; fix the name or remove it"))
        for stack in config.layers:
            containers = project.containers(stack) if stack.containers else []
            out += (
                unknown(f"{stack.key}.containers[{i}]", c.text, covers=False) for i, c in enumerate(stack.containers)
            )
            for level in stack.levels:
                for entry in level.entries:
                    if stack.containers:
                        text = entry.pattern.text
                        missing = [c for c in containers if not project.any_covered(Pattern(f"{c}.{text}"))]
                        if missing and not entry.optional and containers:
                            out.append(
                                at_key(
                                    self.code,
                                    config,
                                    entry.key,
                                    text,
                                    f"{entry.key}: layer {text!r} is missing from container"
                                    f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}; create it, fix the "
                                    f'name, or mark it optional as "({text})"',
                                )
                            )
                    elif not entry.optional:
                        out.append(unknown(entry.key, entry.pattern.text))
        # ignore_imports: a module that does not exist is ARC001 (and not also ARC004).
        for exception in config.ignored_imports():
            side = missing_side(project, exception)
            if side is not None:
                out.append(
                    at_key(
                        self.code,
                        config,
                        exception.key,
                        exception.text,
                        f"{exception.key}: {side.text!r} in {exception.text!r} matches no module of the project; "
                        "fix the exception or remove it",
                    )
                )
        yield from (finding for finding in out if finding is not None)


def _deprecation_problem(project: Project, team: str, name: str) -> str:
    """Why a team's ``deprecated`` name is not one of its own (empty when it is): its module part, the
    longest prefix that is a module of the project, must exist and belong to the team."""
    parts = name.split(".")
    prefixes = (".".join(parts[:end]) for end in range(len(parts), 0, -1))
    module = next((prefix for prefix in prefixes if prefix in project.modules), None)
    if module is None:
        return f"{name!r} is in no module of the project"
    owner = project.team_of(module)
    if owner is None or owner.name != team:
        return f"{name!r} is in {module}, which team {team} does not own"
    return ""
