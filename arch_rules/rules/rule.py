"""What a rule is: its record (code, name, summary, rationale, a bad and a good example, the fix) and its
check, in one class, one module per rule (docs/architecture.md shows how to add one).

The record feeds ``arch-rules explain``, ``arch-rules rules``, docs/rules.md, SARIF rule metadata and the
rule's own example tests; the check yields plain ``Finding`` values. Rules describe; the engine acts: it
owns reading, caching, suppression, selection, baselines and output.

A rule takes part in a run through one hook, chosen by its base class:

- ``ModuleRule.check(context)``: one module, its facts and the project model (ARC002, ARC3xx, ...).
- ``ImportRule.check_import(context, fact, target)``: one import of one module (ARC1xx); the imports of a
  module are walked once for every such rule.
- ``ProjectRule.check_project(project, parts)``: the declaration against the whole project (ARC001,
  ARC004). A rule that reads imports (``reads_imports``) says what each module contributes in
  ``module_part``; the engine keeps that with the module's findings and hands the union in ``parts``.
- ``GraphRule.finding(project, violation)``: one broken import-linter contract of its ``contract_type``,
  from the one graph the run builds (ARC2xx).
- ``SuppressionRule.check_noqa(path, comment, hidden)``: one ``# noqa`` comment and what it hid (ARC403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from arch_rules.model.findings import Finding

if TYPE_CHECKING:
    from arch_rules.facts import FileFacts, ImportFact, Noqa
    from arch_rules.graph.run import Violation
    from arch_rules.model.config import Team
    from arch_rules.model.project import Module, Project, Target

__all__ = [
    "Example",
    "Fixer",
    "GraphRule",
    "ImportRule",
    "ModuleContext",
    "ModuleRule",
    "ProjectRule",
    "Rule",
    "SuppressionRule",
    "because_clause",
    "chain_finding",
    "owner_clause",
    "who",
]


class Fixer(Protocol):
    """A rule's fix: the new bytes of one file with the reported statements mended (None: nothing to do;
    ``notes`` say why a finding was left alone), and the lines of the statements it rewrote."""

    def fix(
        self, importer: str, lines: dict[int, set[str]], before: bytes, shown: str, notes: list[str]
    ) -> tuple[bytes | None, list[int]]: ...


@dataclass(frozen=True)
class Example:
    """A tiny project: ``files`` maps a project-relative path to its text. ``pyproject.toml`` is one of them.

    In a bad example, each line that must produce a finding ends with ``# expect: ARCnnn`` (in
    pyproject.toml too); a good example produces no finding of the rule at all.
    """

    files: tuple[tuple[str, str], ...]


class Rule:
    """The record every rule carries. Subclasses set the class attributes and implement one hook."""

    code: ClassVar[str]
    name: ClassVar[str]
    #: How the rule sees the code: "config" | "per-file" | "graph" (docs and the rule table show it).
    engine: ClassVar[str]
    summary: ClassVar[str]
    rationale: ClassVar[str]
    bad: ClassVar[Example]
    good: ClassVar[Example]
    fix: ClassVar[str]
    #: The finer points: exactly what counts, where the finding is located, the exceptions (optional).
    details: ClassVar[str] = ""
    #: ``--fix`` can mend what the rule reports (``fixer`` gives what computes the edits).
    fixable: ClassVar[bool] = False

    def fixer(self, project: Project) -> Fixer:
        """What computes this rule's fixes for one run (fixable rules only)."""
        raise NotImplementedError(f"{self.code} has no fix")

    def __repr__(self) -> str:
        return f"<rule {self.code} {self.name}>"


@dataclass(frozen=True)
class ModuleContext:
    """What a per-file rule sees: the project model, one of its modules and that module's facts."""

    project: Project
    module: Module
    facts: FileFacts


class ModuleRule(Rule):
    """A rule about one module as a whole, run once per module with its facts."""

    engine: ClassVar[str] = "per-file"

    def check(self, context: ModuleContext) -> Iterable[Finding]:
        raise NotImplementedError


class ImportRule(Rule):
    """A rule about one import statement, asked about each module each import statement imports."""

    engine: ClassVar[str] = "per-file"

    def check_import(self, context: ModuleContext, fact: ImportFact, target: Target) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self, context: ModuleContext, fact: ImportFact, imported: str, team: Team | None, message: str
    ) -> Finding:
        """A finding at the import statement, spanning it (a ``# noqa`` on any of its lines counts)."""
        return Finding(
            code=self.code,
            message=message,
            path=context.module.relpath,
            line=fact.line,
            column=fact.column,
            end_line=fact.end_line,
            end_column=fact.end_column or None,
            module=context.module.name,
            imported=imported,
            team=team.name if team else None,
            snippet=fact.snippet,
        )


class ProjectRule(Rule):
    """A rule about the declaration against the whole project, located in pyproject.toml."""

    engine: ClassVar[str] = "config"
    #: False: the findings depend on the declaration and the set of modules only, so the engine keeps them
    #: while those are unchanged. True: they depend on the imports too, read through ``module_part``.
    reads_imports: ClassVar[bool] = False

    def module_part(self, project: Project, name: str, facts: FileFacts) -> frozenset[str]:
        """What one module contributes (``reads_imports`` rules): the engine keeps it with the module's
        findings, so the run after an edit hands ``check_project`` the union instead of every module's facts."""
        return frozenset()

    def check_project(self, project: Project, parts: frozenset[str] | None = None) -> Iterable[Finding]:
        """The findings; ``parts`` is the union of every module's ``module_part`` (None: read the facts)."""
        raise NotImplementedError


class GraphRule(Rule):
    """A rule about chains of imports: it words the violations of one import-linter contract type."""

    engine: ClassVar[str] = "graph"
    #: The import-linter contract type whose broken chains this rule reports.
    contract_type: ClassVar[str]

    def finding(self, project: Project, violation: Violation) -> Finding:
        raise NotImplementedError


class SuppressionRule(Rule):
    """A rule about ``# noqa`` comments themselves, run where suppression is applied."""

    engine: ClassVar[str] = "per-file"

    def check_noqa(self, path: str, comment: Noqa, hidden: list[Finding]) -> Iterable[Finding]:
        raise NotImplementedError

    def check_unused(
        self, path: str, comment: Noqa, hidden: list[Finding], active: Callable[[str, str], bool]
    ) -> Iterable[Finding]:
        """Findings about what a comment suppressed *not*, given ``active(path, code)``: whether the run
        looked for ``code`` (a code or prefix) in ``path``. Only where every finding of the file is known."""
        return ()


# ----------------------------------------------------------------------------------------------------
# how messages say things, one way for every rule


def because_clause(text: str) -> str:
    """A ``because`` text as messages quote it: `` (The domain stays framework-free)``, or nothing."""
    text = " ".join(text.split())  # messages are one line, whatever the TOML string held
    return f" ({text.rstrip('.')})" if text else ""


def who(team: Team | None) -> str:
    """``team payments (#payments-eng)``: how messages name a team."""
    return team.label if team is not None else ""


def owner_clause(project: Project, imported: str) -> str:
    """`` (owned by team payments (#payments-eng))`` when the imported module has an owner, else ""."""
    team = project.team_of(imported) if project.is_first_party(imported) else None
    return f" (owned by {who(team)})" if team else ""


def chain_finding(code: str, project: Project, violation: Violation, message: str) -> Finding:
    """The finding of a graph violation, located at the import that starts the chain (or closes the cycle),
    spanning its statement, with every link of the chain as related locations."""
    upstream = violation.imported
    team = project.team_of(upstream) if project.is_first_party(upstream) else None
    return Finding(
        code=code,
        message=message,
        path=violation.path,
        line=violation.line,
        column=violation.column,
        end_line=violation.end_line,
        module=violation.importer,
        imported=upstream,
        team=team.name if team else None,
        chain=violation.links,
        snippet=violation.snippet,
    )
