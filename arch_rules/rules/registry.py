"""Every rule, once: the list below names each rule object, and every surface finds rules here (the
engine, the flake8 plugin, ``explain``, ``rules``, docs/rules.md, SARIF metadata, the example tests).

Adding a rule is adding its module to a family folder and one line to ``RULES``; nothing else names it.
The functions below run the rules by the hook their base class gives them (arch_rules/rules/rule.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from arch_rules.model.findings import Finding
from arch_rules.rules.configuration.arc001_unknown_module_reference import UnknownModuleReference
from arch_rules.rules.configuration.arc004_unused_ignore import UnusedIgnore
from arch_rules.rules.configuration.arc005_module_outside_exhaustive_layers import ModuleOutsideExhaustiveLayers
from arch_rules.rules.graph.arc201_indirect_layer_violation import IndirectLayerViolation
from arch_rules.rules.graph.arc204_indirect_forbidden_import import IndirectForbiddenImport
from arch_rules.rules.graph.arc206_indirect_independence_violation import IndirectIndependenceViolation
from arch_rules.rules.graph.arc207_import_cycle import ImportCycle
from arch_rules.rules.imports.arc101_layer_violation import LayerViolation
from arch_rules.rules.imports.arc102_private_team_module import PrivateTeamModule
from arch_rules.rules.imports.arc103_undeclared_team_dependency import UndeclaredTeamDependency
from arch_rules.rules.imports.arc104_forbidden_import import ForbiddenImport
from arch_rules.rules.imports.arc105_private_name_import import PrivateNameImport
from arch_rules.rules.imports.arc106_independence_violation import IndependenceViolation
from arch_rules.rules.interfaces.arc301_interface_without_all import InterfaceWithoutAll
from arch_rules.rules.interfaces.arc302_all_names_undefined import AllNamesUndefined
from arch_rules.rules.interfaces.arc303_untyped_interface import UntypedInterface
from arch_rules.rules.interfaces.arc401_undocumented_interface import UndocumentedInterface
from arch_rules.rules.interfaces.arc402_undocumented_interface_member import UndocumentedInterfaceMember
from arch_rules.rules.modules.arc002_unowned_module import UnownedModule
from arch_rules.rules.modules.arc003_unparsable_file import UnparsableFile
from arch_rules.rules.rule import (
    GraphRule,
    ImportRule,
    ModuleContext,
    ModuleRule,
    ProjectRule,
    Rule,
    SuppressionRule,
)
from arch_rules.rules.standards.arc501_banned_api import BannedApi
from arch_rules.rules.standards.arc502_deprecated_across_teams import DeprecatedAcrossTeams
from arch_rules.rules.suppression.arc403_suppression_without_reason import SuppressionWithoutReason
from arch_rules.rules.suppression.arc404_unused_suppression import UnusedSuppression

if TYPE_CHECKING:
    from arch_rules.facts import FileFacts
    from arch_rules.graph import Inputs
    from arch_rules.model.project import Module, Project

RULES: tuple[Rule, ...] = (
    # configuration: the declaration against the project
    UnknownModuleReference(),
    UnusedIgnore(),
    ModuleOutsideExhaustiveLayers(),
    # modules: a whole file
    UnownedModule(),
    UnparsableFile(),
    # imports: one import statement
    LayerViolation(),
    PrivateTeamModule(),
    UndeclaredTeamDependency(),
    ForbiddenImport(),
    PrivateNameImport(),
    IndependenceViolation(),
    # graph: chains and cycles
    IndirectLayerViolation(),
    IndirectForbiddenImport(),
    IndirectIndependenceViolation(),
    ImportCycle(),
    # interfaces: each team's interface and its documented intent
    InterfaceWithoutAll(),
    AllNamesUndefined(),
    UntypedInterface(),
    UndocumentedInterface(),
    UndocumentedInterfaceMember(),
    # suppression: the # noqa comments themselves
    SuppressionWithoutReason(),
    UnusedSuppression(),
    # standards: libcst rules the declaration switches on (run by the engine's standards, issue 12)
    BannedApi(),
    DeprecatedAcrossTeams(),
)


def all_rules() -> dict[str, Rule]:
    """Every rule by code, sorted."""
    return {rule.code: rule for rule in sorted(RULES, key=lambda r: r.code)}


def graph_codes() -> frozenset[str]:
    """The codes of the graph rules (ARC2xx): findings of the whole-project graph, not of one file."""
    return frozenset(rule.code for rule in RULES if rule.engine == "graph")


def codes() -> list[str]:
    """Every rule code, sorted: what ``select``, ``ignore`` and ``severity`` may name."""
    return sorted(rule.code for rule in RULES)


def check_module(project: Project, module: Module, facts: FileFacts) -> list[Finding]:
    """Every per-file rule on one module: module rules, then the import rules over its imports, walked once.

    One import can break several rules, and one rule for several imported modules (``import a, b``); the
    same finding twice (two names of one ``from`` statement resolving to one module) is reported once.
    """
    context = ModuleContext(project, module, facts)
    found: list[Finding] = []
    for rule in RULES:
        if isinstance(rule, ModuleRule):
            found.extend(rule.check(context))
    import_rules = [rule for rule in RULES if isinstance(rule, ImportRule)]
    seen: set[tuple[str, str, int, str]] = set()
    for fact in facts.imports:
        if not project.counts(fact):
            continue
        for target in project.targets(module.name, fact):
            if target.first_party and target.module == module.name:
                continue
            for rule in import_rules:
                for finding in rule.check_import(context, fact, target):
                    key = (finding.code, finding.imported or "", finding.line, finding.message)
                    if key not in seen:
                        seen.add(key)
                        found.append(finding)
    return found


def check_project(
    project: Project, *, imports: bool | None = None, parts: dict[str, frozenset[str]] | None = None
) -> list[Finding]:
    """The declaration against the whole project (ARC001, ARC004): findings located in pyproject.toml.

    ``imports``: None runs every project rule; False only those that read the declaration and the module
    set (the engine keeps their findings while those are unchanged); True only those that read imports.
    ``parts``: by rule code, the union of every module's ``module_part`` (else the rules read the facts).
    """
    return [
        finding
        for rule in RULES
        if isinstance(rule, ProjectRule) and imports in (None, rule.reads_imports)
        for finding in rule.check_project(project, None if parts is None else parts.get(rule.code, frozenset()))
    ]


def module_parts(project: Project, name: str, facts: FileFacts) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each import-reading project rule's part of one module, by code, the empty ones left out: kept with
    the module's findings (as plain tuples: cheap to keep for 10,000 modules)."""
    parts = []
    for rule in RULES:
        if isinstance(rule, ProjectRule) and rule.reads_imports:
            part = rule.module_part(project, name, facts)
            if part:
                parts.append((rule.code, tuple(sorted(part))))
    return tuple(parts)


def check_graph(
    project: Project, *, cache: bool = True, notes: list[str] | None = None, inputs: Inputs | None = None
) -> list[Finding]:
    """The graph rules: the contracts run once on the project's import graph, each broken one worded by
    the rule of its contract type. ``inputs``: arch_rules/graph/kept.py."""
    from arch_rules.graph import violations  # here: a run without the graph never loads import-linter

    by_type = {rule.contract_type: rule for rule in RULES if isinstance(rule, GraphRule)}
    broken = violations(project, cache=cache, notes=notes, inputs=inputs)
    found = {by_type[v.contract.type].finding(project, v) for v in broken}
    return sorted(found, key=Finding.sort_key)


def suppression_rules() -> Iterable[SuppressionRule]:
    """The rules about ``# noqa`` comments themselves, run where suppression is applied."""
    return [rule for rule in RULES if isinstance(rule, SuppressionRule)]
