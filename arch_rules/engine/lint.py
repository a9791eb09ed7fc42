"""Running ``LintRule``s over one file: one libcst parse, one batched visit for every rule in scope,
positions resolved only when something was reported, findings as plain values (issue 12).

The engine decides which rules a file gets (``Scope.admits``); this module parses, visits and turns each
rule's reports into ``Finding``s. A rule whose visitor raises is reported for that file, as a finding of its
own code naming the rule, its plugin and the error; the other rules' findings for the file stand.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider, ScopeProvider

from arch_rules.model.findings import Finding
from arch_rules.model.patterns import Pattern, pattern_problem
from arch_rules.rules.lintrule import Context, Invalid, LintRule, Valid

__all__ = ["ExampleOutcome", "RuleFactory", "Scope", "lint_source", "run_examples", "scope_problems"]

#: A rule class, or anything that makes a rule for a file's context (``functools.partial(BannedApi, ...)``).
RuleFactory = Callable[[Context], LintRule]


@dataclass(frozen=True)
class Scope:
    """A rule's ``scope`` compiled: which modules it visits."""

    inside: tuple[Pattern, ...] = ()
    outside: tuple[Pattern, ...] = ()
    teams: tuple[str, ...] | None = None
    interfaces: bool | None = None

    @classmethod
    def of(cls, scope: Mapping[str, Any]) -> Scope:
        """Compile a validated ``scope`` (``rule_problems`` and ``scope_problems`` found nothing)."""
        teams = scope.get("teams")
        return cls(
            inside=tuple(Pattern(p) for p in scope.get("in", ())),
            outside=tuple(Pattern(p) for p in scope.get("outside", ())),
            teams=tuple(teams) if teams is not None else None,
            interfaces=scope.get("interfaces"),
        )

    def admits(self, context: Context) -> bool:
        if self.inside and not any(p.covers(context.module) for p in self.inside):
            return False
        if any(p.covers(context.module) for p in self.outside):
            return False
        if self.teams is not None and context.team not in self.teams:
            return False
        return self.interfaces is None or self.interfaces == context.is_interface


def scope_problems(scope: Mapping[str, Any]) -> list[str]:
    """Malformed module patterns in a scope's ``in``/``outside``."""
    problems = []
    for key in ("in", "outside"):
        values = scope.get(key, ())
        if isinstance(values, list | tuple):
            for i, text in enumerate(values):
                why = pattern_problem(text) if isinstance(text, str) else "not a string"
                if why:
                    problems.append(f"scope[{key!r}][{i}]: {why}")
    return problems


def lint_source(data: bytes | str, context: Context, factories: Sequence[RuleFactory]) -> list[Finding]:
    """Every finding of ``factories``' rules in one file. A file libcst cannot parse gives nothing here:
    the file's ARC003 (from the ``ast`` read every file gets) already says it cannot be read."""
    if not factories:
        return []
    try:
        tree = cst.parse_module(data)
    except (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    rules = [factory(context) for factory in factories]
    visitors = [_visitor_class(type(rule))(rule) for rule in rules]
    try:
        wrapper.visit_batched(visitors)
    except Exception as error:  # metadata (scope analysis) failing on odd code: say so per rule, go on
        return [_failure(rule, context, "resolving names", error, None) for rule in rules]
    if not any(rule.reports or rule.failure for rule in rules):
        return []
    positions = wrapper.resolve(PositionProvider)
    lines = tree.code.splitlines()
    out: list[Finding] = []
    for rule in rules:
        for reported in rule.reports:
            where = positions.get(reported.node)
            if where is None:
                continue
            first, last = where.start.line, where.end.line
            out.append(
                Finding(
                    rule.code,
                    reported.message,
                    context.path,
                    line=first,
                    column=where.start.column + 1,
                    end_line=last,
                    end_column=where.end.column,
                    severity=rule.severity,
                    module=context.module,
                    imported=reported.imported,
                    team=context.team,
                    snippet=_snippet(lines, first, last),
                )
            )
        if rule.failure is not None:
            method, exc, node = rule.failure
            out.append(_failure(rule, context, method, exc, positions.get(node)))
    return out


class _Visitor(cst.BatchableCSTVisitor):
    """Runs one ``LintRule`` inside libcst's batched visit: its ``visit_*``/``leave_*`` methods, each guarded
    (a method that raises stops this rule for this file only), and the metadata it reads."""

    METADATA_DEPENDENCIES = (ScopeProvider, QualifiedNameProvider)

    def __init__(self, rule: LintRule) -> None:
        super().__init__()
        self.rule = rule
        rule._visitor = self

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        rule = self.rule
        out: dict[str, Callable[[cst.CSTNode], None]] = {}
        for name, method in inspect.getmembers(rule, inspect.ismethod):
            if name.startswith(("visit_", "leave_")):
                out[name] = self._guard(name, method)
        return out

    def _guard(self, name: str, method: Callable[[cst.CSTNode], object]) -> Callable[[cst.CSTNode], None]:
        rule = self.rule

        def run(node: cst.CSTNode) -> None:
            if rule.failure is not None:
                return
            try:
                method(node)
            except Exception as exc:  # a team's rule: its bug must not stop the others
                rule.failure = (name, exc, node)

        return run


_VISITOR_CLASSES: dict[tuple[Any, ...], type[_Visitor]] = {}


def _visitor_class(rule: type[LintRule]) -> type[_Visitor]:
    """The visitor class for a rule: libcst resolves the metadata a class declares, so a rule that reads
    more (``METADATA_DEPENDENCIES``) gets a subclass that declares it."""
    extra = tuple(rule.METADATA_DEPENDENCIES)
    if not extra:
        return _Visitor
    if extra not in _VISITOR_CLASSES:
        deps = (*_Visitor.METADATA_DEPENDENCIES, *extra)
        _VISITOR_CLASSES[extra] = type("_VisitorWithMetadata", (_Visitor,), {"METADATA_DEPENDENCIES": deps})
    return _VISITOR_CLASSES[extra]


def _failure(
    rule: LintRule,
    context: Context,
    method: str,
    exc: BaseException,
    where: Any,
) -> Finding:
    """A rule that raised on this file, as a finding of its own code: visible in every surface, never a
    silent pass, and the run goes on."""
    line = where.start.line if where is not None else 1
    column = where.start.column + 1 if where is not None else 1
    error = " ".join(f"{type(exc).__name__}: {exc}".split())
    return Finding(
        rule.code,
        f"rule {type(rule).label()} raised {error} in {method} on {context.path or context.module}; "
        "its findings for this file are incomplete, every other rule still ran (fix the rule)",
        context.path,
        line=line,
        column=column,
        severity="error",
        module=context.module,
        team=context.team,
        snippet=f"failure {method} {type(exc).__name__}",
    )


def _snippet(lines: list[str], first: int, last: int) -> str:
    return " ".join(" ".join(lines[first - 1 : last]).split()) if lines else ""


# ----------------------------------------------------------------------------------------------------
# a rule's own examples (VALID / INVALID), the way arch-rules tests its built-in rules


@dataclass(frozen=True)
class ExampleOutcome:
    """One example of a rule, run: ``problem`` is empty when the rule did what the example says."""

    rule: str
    kind: str  # "VALID" | "INVALID"
    index: int
    problem: str

    def __str__(self) -> str:
        return f"{self.rule}-{self.kind}-{self.index}"


def run_examples(rule: type[LintRule]) -> list[ExampleOutcome]:
    """Run every VALID and INVALID example of ``rule`` (its scope is not applied: the example is the file)."""
    outcomes: list[ExampleOutcome] = []
    for kind, examples in (("VALID", rule.VALID), ("INVALID", rule.INVALID)):
        for index, example in enumerate(examples):
            case = _case(kind, example)
            context = Context(
                module=case.module,
                path=f"{case.module.replace('.', '/')}.py",
                team=case.team,
                is_interface=case.is_interface,
            )
            found = [f for f in lint_source(textwrap.dedent(case.code), context, [rule]) if f.code == rule.code]
            outcomes.append(ExampleOutcome(rule.code, kind, index, _problem(rule, case, found)))
    return outcomes


def _case(kind: str, example: str | Valid | Invalid) -> Valid | Invalid:
    if isinstance(example, str):
        return Valid(example) if kind == "VALID" else Invalid(example)
    return example


def _problem(rule: type[LintRule], case: Valid | Invalid, found: list[Finding]) -> str:
    """What is wrong with the rule's behaviour on one example; empty when nothing is."""
    shown = "; ".join(f"{f.line}:{f.column} {f.message}" for f in found) or "nothing"
    failed = [f for f in found if f.message.startswith(f"rule {rule.label()} raised")]
    if failed:
        return failed[0].message
    if isinstance(case, Valid):
        return f"expected no finding, got {len(found)}: {shown}" if found else ""
    wanted = [
        f
        for f in found
        if (case.line is None or f.line == case.line)
        and (case.column is None or f.column == case.column)
        and (case.message is None or f.message == case.message)
    ]
    if wanted:
        return ""
    at = ""
    if case.line is not None:
        at = f" at line {case.line}" + (f", column {case.column}" if case.column is not None else "")
    if case.message is not None:
        at += f" with message {case.message!r}"
    return f"expected a finding{at}, got {shown}"
