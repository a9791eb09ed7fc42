"""ARC104 forbidden-import: A module imports something a `forbid` entry rules out for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.model.messages import enumerate_capped
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ImportRule, ModuleContext, because_clause, owner_clause

if TYPE_CHECKING:
    from arch_rules.facts import ImportFact
    from arch_rules.model.project import Target


class ForbiddenImport(ImportRule):
    code = "ARC104"
    name = "forbidden-import"
    summary = "A module imports something a `forbid` entry rules out for it."
    rationale = (
        "Some dependencies are wrong for a part of the code whatever the layers or teams: a domain model that "
        "needs no web framework, HTTP client or database driver can be tested in milliseconds and outlives "
        "all three. A `forbid` entry writes such a decision down with its reason, for the project's own "
        "modules and third-party packages alike, so it survives the people who made it."
    )
    bad = example(
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
    )
    good = example(
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
    )
    fix = (
        "Keep the forbidden dependency at the edge: move the code that needs it into a module the entry does "
        "not cover (an adapter next to the framework) and hand plain data or an interface to the forbidden "
        "area. An agreed exception goes into the entry's `ignore_imports`."
    )
    details = (
        "`from` and `import` patterns cover the module and all its descendants, so `django` forbids "
        "`django.db.models` too. For `from a import b` on a third-party `a`, both `a` and `a.b` count as "
        "imported, so a forbidden submodule such as `django.db` is caught either way. Chains through other "
        "modules are ARC204 (unless the entry sets `allow_indirect = true`)."
    )

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterator[Finding]:
        project, importer = context.project, context.module.name
        # `from a import b` on third-party `a`: both `a` and `a.b` count as imported.
        candidates = [target.module]
        if not target.first_party:
            candidates += [f"{target.module}.{name}" for name in target.names]
        for rule in project.config.forbid:
            if not any(p.covers(importer) for p in rule.sources):
                continue
            hit = [c for c in candidates if any(p.covers(c) for p in rule.forbidden)]
            if not hit:
                continue
            # `from django import db` with `import = ["django"]`: one finding naming django, not two.
            reported = [hit[0]] if hit[0] == candidates[0] else hit
            for imported in reported:
                if project.ignored(rule.ignore_imports, importer, imported):
                    continue
                message = (
                    f"{importer} imports {imported}{owner_clause(project, imported)}, which "
                    f"{enumerate_capped([p.text for p in rule.sources])} may not import"
                    f"{f' ({rule.name})' if rule.name else ''}{because_clause(rule.because)}; "
                    "remove the dependency or move this code"
                )
                team = project.team_of(imported) if project.is_first_party(imported) else None
                yield self.finding(context, fact, imported, team, message)
