"""Direct-import boundary rules (ARC101–ARC106): what one import statement may not do.

Rules describe; the engine acts. Each function yields plain ``Finding`` values for one module's imports.
"""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.facts import FileFacts, ImportFact
from arch_rules.model.config import Team, because_clause
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project, Target


def _who(team: Team | None) -> str:
    return team.label if team is not None else ""


def _owner(project: Project, imported: str) -> str:
    """ ", owned by team payments (#payments-eng)" when the imported module has an owner, else ""."""
    team = project.team_of(imported) if project.is_first_party(imported) else None
    return f" (owned by {_who(team)})" if team else ""


def check(project: Project, module: Module, facts: FileFacts) -> Iterator[Finding]:
    importer = module.name
    seen: set[tuple[str, str, int, str]] = set()
    for fact in facts.imports:
        if not project.counts(fact):
            continue
        for target in project.targets(importer, fact):
            for finding in _check_target(project, module, fact, target):
                key = (finding.code, finding.imported or "", finding.line, finding.message)
                if key not in seen:
                    seen.add(key)
                    yield finding


def _finding(code: str, message: str, module: Module, fact: ImportFact, imported: str, team: Team | None) -> Finding:
    return Finding(
        code=code,
        message=message,
        path=module.relpath,
        line=fact.line,
        column=fact.column,
        end_line=fact.end_line,
        end_column=fact.end_column or None,
        module=module.name,
        imported=imported,
        team=team.name if team else None,
        snippet=fact.snippet,
    )


def _check_target(project: Project, module: Module, fact: ImportFact, target: Target) -> Iterator[Finding]:
    importer = module.name
    imported = target.module
    if target.first_party:
        if imported == importer:
            return
        yield from _layers(project, module, fact, imported)
        yield from _teams(project, module, fact, target)
        yield from _private(project, module, fact, target)
        yield from _independent(project, module, fact, imported)
        yield from _forbid(project, module, fact, [imported])
    else:
        # `from a import b` on third-party `a`: both `a` and `a.b` count as imported.
        candidates = [imported, *(f"{imported}.{name}" for name in target.names)]
        yield from _forbid(project, module, fact, candidates)


def _layers(project: Project, module: Module, fact: ImportFact, imported: str) -> Iterator[Finding]:
    importer = module.name
    for stack in project.config.layers:
        low = project.layer_of(importer, stack)
        if low is None:
            continue
        high = project.layer_of(imported, stack)
        if high is None or high.container != low.container:
            continue
        if high.level < low.level:
            why = f"layer {low.entry} may not import the higher layer {high.entry}"
        elif high.level == low.level and low.independent and high.entry != low.entry:
            why = f"{low.entry} and {high.entry} are independent siblings on one level"
        else:
            continue
        if project.ignored(stack.ignore_imports, importer, imported):
            continue
        team = project.team_of(imported)
        yield _finding(
            "ARC101",
            f"{importer} imports {imported}{_owner(project, imported)}: {why} in {stack.label}"
            f"{because_clause(stack.because)}; "
            "move the code down a layer or invert the dependency",
            module,
            fact,
            imported,
            team,
        )


def _teams(project: Project, module: Module, fact: ImportFact, target: Target) -> Iterator[Finding]:
    importer, imported = module.name, target.module
    theirs = project.team_of(imported)
    if theirs is None:
        return
    ours = project.team_of(importer)
    if ours is theirs:
        return
    if not project.is_interface(imported):
        yield _finding(
            "ARC102", _private_module_message(project, importer, target, theirs), module, fact, imported, theirs
        )
    if ours is not None and ours.depends_on is not None and theirs.name not in ours.depends_on:
        yield _finding(
            "ARC103",
            f"{importer} (team {ours.name}) imports {imported} of {_who(theirs)}, but team {ours.name} does not "
            f'declare it in depends_on{because_clause(ours.because)}; add "{theirs.name}" to '
            f"tool.arch_rules.teams.{ours.name}.depends_on if the dependency is agreed, or remove the import",
            module,
            fact,
            imported,
            theirs,
        )


def exporters(project: Project, team: Team, name: str) -> list[str]:
    """The team's interface modules that export ``name`` (``__all__`` first, then any public binding)."""
    listed, bound = [], []
    for candidate in project.interface_modules(team):
        facts = project.facts.get(candidate)
        if facts is None:
            continue
        if facts.all_names is not None and any(n == name for n, _ in facts.all_names):
            listed.append(candidate)
        elif facts.all_names is None and name in facts.bound_names and not name.startswith("_"):
            bound.append(candidate)
    return listed + bound


def suggestions(project: Project, target: Target, team: Team) -> tuple[tuple[str, str], ...]:
    """(name, interface module) for each imported name an interface of ``team`` exports."""
    names = target.names or (target.module.rsplit(".", 1)[-1],)
    out = []
    for name in names:
        found = exporters(project, team, name)
        if found:
            out.append((name, found[0]))
    return tuple(out)


def _private_module_message(project: Project, importer: str, target: Target, team: Team) -> str:
    imported = target.module
    interfaces = project.interface_modules(team)
    head = f"{importer} imports {imported}, a private module of {_who(team)}{because_clause(team.because)}"
    if target.names and "*" not in target.names:  # a star import names nothing to suggest a home for
        found = suggestions(project, target, team)
        if found and len(found) == len(target.names):
            by_module: dict[str, list[str]] = {}
            for name, where in found:
                by_module.setdefault(where, []).append(name)
            advice = "; ".join(f"import {', '.join(names)} from {where} instead" for where, names in by_module.items())
            return f"{head}; {advice}"
        missing = [n for n in target.names if n not in {name for name, _ in found}]
        if interfaces:
            return (
                f"{head}; its interface ({', '.join(interfaces)}) does not export {', '.join(missing)}: "
                f"ask {_who(team)} to add it there"
            )
    if interfaces:
        return f"{head}; use the team's interface ({', '.join(interfaces)}) instead"
    return f"{head}; the team publishes no interface module: ask {_who(team)} for one"


def _private(project: Project, module: Module, fact: ImportFact, target: Target) -> Iterator[Finding]:
    importer, imported = module.name, target.module
    segments = imported.split(".")
    for index, segment in enumerate(segments[1:], start=1):
        if _is_private(segment):
            package = ".".join(segments[:index])
            if not _inside(importer, package):
                yield _finding(
                    "ARC105",
                    f"{importer} imports {imported}, a private module of package {package}"
                    f"{_owner(project, imported)}; "
                    f"only code inside {package} may use it: import from its public modules instead",
                    module,
                    fact,
                    imported,
                    project.team_of(imported),
                )
            return
    for name in target.names:
        if _is_private(name):
            package = project.package_of(imported) if imported in project.modules else imported
            if imported in project.namespaces:
                package = imported
            if not _inside(importer, package):
                yield _finding(
                    "ARC105",
                    f"{importer} imports {name} from {imported}, a private name of package {package}"
                    f"{_owner(project, imported)}; "
                    f"only code inside {package} may use it: ask its owners for a public name",
                    module,
                    fact,
                    imported,
                    project.team_of(imported),
                )


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _independent(project: Project, module: Module, fact: ImportFact, imported: str) -> Iterator[Finding]:
    importer = module.name
    for group in project.config.independent:
        mine = _most_specific(group.modules, importer)
        theirs = _most_specific(group.modules, imported)
        if mine is None or theirs is None or mine == theirs:
            continue
        if project.ignored(group.ignore_imports, importer, imported):
            continue
        yield _finding(
            "ARC106",
            f"{importer} imports {imported}{_owner(project, imported)}, "
            f"but {mine} and {theirs} are declared independent"
            f"{because_clause(group.because)}; remove the dependency or go through an agreed interface",
            module,
            fact,
            imported,
            project.team_of(imported),
        )


def _most_specific(patterns: tuple, name: str) -> str | None:  # type: ignore[type-arg]
    best = None
    for pattern in patterns:
        if pattern.covers(name) and (best is None or pattern.specificity > best.specificity):
            best = pattern
    if best is None:
        return None
    if best.is_wild:
        return ".".join(name.split(".")[: len(best.text.split("."))])
    return str(best.text)


def _forbid(project: Project, module: Module, fact: ImportFact, candidates: list[str]) -> Iterator[Finding]:
    importer = module.name
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
            yield _finding(
                "ARC104",
                f"{importer} imports {imported}{_owner(project, imported)}, which "
                f"{', '.join(p.text for p in rule.sources)} may not import"
                f"{because_clause(rule.because)}; remove the dependency or move this code",
                module,
                fact,
                imported,
                project.team_of(imported) if project.is_first_party(imported) else None,
            )
