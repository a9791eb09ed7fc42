"""Review without gatekeepers: what a change did to the architecture, told to the teams it touches.

``check --since REF`` runs the engine twice: on the working tree, and on the merge base of REF and HEAD read
from git's objects (``gitbase.GitTree``; the facts cache serves every file the change did not touch). The
change's findings are the working tree's whose fingerprints (the baseline's: code, path, modules and the
normalised statement, never a line number) the base does not have, counted like baseline entries (a third
copy of an import written twice is new). The rest of the comparison -- new team -> team dependencies,
interface names added and removed with the modules of other teams still using them, declaration changes,
debt paid -- is what ``--format markdown`` shows (``summary.Review``).
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from arch_rules.engine.run import Options, Run, apply_baseline, run_full
from arch_rules.engine.store import FactStore
from arch_rules.errors import ConfigError
from arch_rules.facts import FileFacts, read_source
from arch_rules.model.config import Config, Team
from arch_rules.model.findings import Finding, Report
from arch_rules.model.project import Project
from arch_rules.model.summary import Consumer, DeclarationChange, Dependency, InterfaceChange, Review, TeamCard

__all__ = [
    "changed_files",
    "check_since",
    "consumers",
    "declaration_changes",
    "exported",
    "interface_changes",
    "interface_names",
    "new_dependencies",
    "signatures",
    "split",
    "team_cards",
    "team_dependencies",
    "whole_tree",
]


def check_since(options: Options, ref: str, detailed: bool = False) -> Run:
    """The working tree's run, its report holding only the findings the change since ``ref`` introduced."""
    from arch_rules.engine import gitbase

    current = run_full(replace(options, baseline=""))
    base = gitbase.resolve(current.config.root, ref)
    store = current.project.facts
    shards = store.shards if isinstance(store, FactStore) else None
    tree = gitbase.GitTree(base, current.config.path, cache=options.cache, shards=shards, start=current.state)
    try:
        return _compare(options, ref, current, tree, detailed)
    finally:
        tree.close()


def _compare(options: Options, ref: str, current: Run, tree: Any, detailed: bool) -> Run:
    base = tree.base
    review = Review(teams=team_cards(current.config), base=base.label(), detailed=detailed)
    before: Run | None
    try:
        before = run_full(replace(options, baseline="", graph_cache_owner=False), tree)
    except ConfigError as exc:
        before = None
        review.notes.append(
            f"the base {base.label()} cannot be analysed ({exc.problems[0]}); every finding counts as new"
        )
    now = current.report
    base_findings = before.report.findings if before else []
    kept_report = Report()
    kept = apply_baseline(current.project, list(now.findings), options, kept_report)
    new, earlier = split(now.findings, base_findings)
    accepted = Counter(f.fingerprint for f in kept)
    still_new = []
    for finding in new:
        if accepted[finding.fingerprint] > 0:
            accepted[finding.fingerprint] -= 1
            still_new.append(finding)
    fixed, _ = split(base_findings, now.findings)
    review.earlier = tuple(earlier)
    review.fixed = tuple(fixed)
    review.changed_files = tuple(changed_files(current, before))
    if detailed and before is not None:
        review.dependencies = tuple(new_dependencies(current.project, before.project))
        review.interface_changes = tuple(interface_changes(current, before, tree))
        review.declaration_changes = tuple(declaration_changes(before.config, current.config))
    elif detailed:
        review.dependencies = tuple(team_dependencies(current.project).values())
    touched = sum(1 for f in earlier if f.path in review.changed)
    review.notes.insert(
        0,
        f"--since {ref}: compared with {base.label()}; {len(earlier)} earlier finding"
        f"{'s' if len(earlier) != 1 else ''} not counted ({touched} in files the change touches), "
        f"{len(fixed)} gone",
    )
    report = Report(
        findings=sorted(still_new, key=Finding.sort_key),
        stale_baseline=kept_report.stale_baseline,
        baselined=kept_report.baselined,
        files_checked=now.files_checked,
        modules=now.modules,
        notes=[*now.notes, *review.notes],
        review=review,
    )
    return Run(current.config, current.project, report, current.data)


def whole_tree(run: Run) -> Review:
    """The review of the whole tree (``--format markdown`` without ``--since``): every team -> team
    dependency with its status, and the agreed ones no import uses."""
    edges = team_dependencies(run.project)
    unused = [
        (team.name, other)
        for team in run.config.teams
        for other in team.depends_on or ()
        if (team.name, other) not in edges
    ]
    return Review(
        teams=team_cards(run.config),
        dependencies=tuple(edges.values()),
        unused=tuple(sorted(unused)),
        detailed=True,
    )


def split(findings: Iterable[Finding], reference: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(``findings`` not in ``reference``, ``findings`` also in it), by fingerprint and count."""
    left = Counter(f.fingerprint for f in reference)
    fresh: list[Finding] = []
    known: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
            known.append(finding)
        else:
            fresh.append(finding)
    return fresh, known


def team_cards(config: Config) -> tuple[TeamCard, ...]:
    """The teams as the report introduces them (contact, agreed dependencies, where declared), by name."""
    return tuple(
        TeamCard(team.name, team.contact, team.depends_on, team.source or config.display_path)
        for team in sorted(config.teams, key=lambda t: t.name)
    )


def changed_files(current: Run, before: Run | None) -> list[str]:
    """Project-relative paths whose content differs between the base and now: modules, the configuration
    file and team files (added and removed ones too)."""
    now = dict(current.project.hashes)
    then = dict(before.project.hashes) if before else {}
    config = current.config.path.relative_to(current.config.root).as_posix()
    if before is None or before.config.text != current.config.text:
        now[config], then[config] = "now", "then"
    now.update((rel, f"team file:{text}") for rel, text in current.config.team_files)
    if before is not None:
        then.update((rel, f"team file:{text}") for rel, text in before.config.team_files)
    return sorted(rel for rel in set(now) | set(then) if now.get(rel) != then.get(rel))


# ----------------------------------------------------------------------------------------------------
# team -> team dependencies


def team_dependencies(project: Project) -> dict[tuple[str, str], Dependency]:
    """Every team -> team edge of the project, with its first import (by path and line) and count."""
    found: dict[tuple[str, str], list[Any]] = {}
    for name in sorted(project.modules):
        ours = project.team_of(name)
        if ours is None:
            continue
        module = project.modules[name]
        for fact in project.facts[name].imports:
            if not project.counts(fact):
                continue
            for target in project.targets(name, fact):
                if not target.first_party:
                    continue
                theirs = project.team_of(target.module)
                if theirs is None or theirs is ours:
                    continue
                key = (ours.name, theirs.name)
                first = (module.relpath, fact.line, name, target.module)
                entry = found.setdefault(key, [first, 0, ours])
                entry[0] = min(entry[0], first)
                entry[1] += 1
    out: dict[tuple[str, str], Dependency] = {}
    for (source, dest), (first, count, team) in sorted(found.items()):
        path, line, importer, imported = first
        out[(source, dest)] = Dependency(source, dest, _status(team, dest), count, importer, imported, path, line)
    return out


def _status(team: Team, target: str) -> str:
    if team.depends_on is None:
        return "any"
    return "declared" if target in team.depends_on else "undeclared"


def new_dependencies(now: Project, then: Project) -> list[Dependency]:
    """Team -> team edges that exist now and did not at the base (declared in depends_on or not)."""
    before = team_dependencies(then)
    return [edge for key, edge in team_dependencies(now).items() if key not in before]


# ----------------------------------------------------------------------------------------------------
# interfaces


def exported(facts: FileFacts) -> set[str]:
    """An interface module's names: its ``__all__`` when it has one, else its public definitions."""
    if facts.all_names is not None:
        return {name for name, _line in facts.all_names}
    return {d.name for d in facts.defs if not d.name.startswith("_")}


def interface_names(project: Project) -> dict[tuple[str, str], set[str]]:
    """(team, interface module) -> the names it exports."""
    out: dict[tuple[str, str], set[str]] = {}
    for team in project.config.teams:
        for module in project.interface_modules(team):
            out[(team.name, module)] = exported(project.facts[module])
    return out


def signatures(data: bytes | None) -> dict[str, str]:
    """``name -> (params) -> returns`` for the module-level functions and the public methods of its
    classes (``Class.method``); empty for a file that does not parse."""
    if data is None:
        return {}
    try:
        tree = ast.parse(read_source(data))
    except (SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return {}
    out: dict[str, str] = {}

    def text(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
        return f"({ast.unparse(node.args)}){returns}"

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out[node.name] = text(node)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    not member.name.startswith("_") or member.name == "__init__"
                ):
                    out[f"{node.name}.{member.name}"] = text(member)
    return out


def consumers(project: Project, module: str, name: str, owner: str) -> list[Consumer]:
    """Modules of teams other than ``owner`` that import ``name`` from ``module`` (``from M import name``)."""
    out: list[Consumer] = []
    for importer in sorted(project.modules):
        team = project.team_of(importer)
        if team is not None and team.name == owner:
            continue
        for fact in project.facts[importer].imports:
            if fact.form != "from":
                continue
            if any(t.module == module and name in t.names for t in project.targets(importer, fact)):
                out.append(Consumer(importer, team.name if team else "", project.modules[importer].relpath, fact.line))
                break
    return out


def interface_changes(current: Run, before: Run, tree: Any) -> list[InterfaceChange]:
    """Names added to and removed from each team's interface since the base, and the signature changes of
    interface functions; for each removed or changed name, the other teams' modules still using it."""
    now, then = current.project, before.project
    names_now, names_then = interface_names(now), interface_names(then)
    out: list[InterfaceChange] = []
    for key in sorted(set(names_now) | set(names_then)):
        team, module = key
        added = names_now.get(key, set()) - names_then.get(key, set())
        removed = names_then.get(key, set()) - names_now.get(key, set())
        out += [InterfaceChange(team, module, name, "added") for name in sorted(added)]
        out += [
            InterfaceChange(team, module, name, "removed", consumers=tuple(consumers(now, module, name, team)))
            for name in sorted(removed)
        ]
        kept = names_now.get(key, set()) & names_then.get(key, set())
        if not kept or module not in now.modules or module not in then.modules:
            continue
        rel_now, rel_then = now.modules[module].relpath, then.modules[module].relpath
        if now.hashes.get(rel_now) == then.hashes.get(rel_then):
            continue
        sig_now = signatures(current.data.get(rel_now))
        sig_then = signatures(tree.file(rel_then))
        for name in sorted(sig_now):
            top = name.split(".")[0]
            if top in kept and name in sig_then and sig_now[name] != sig_then[name]:
                out.append(
                    InterfaceChange(
                        team,
                        module,
                        name,
                        "signature",
                        before=sig_then[name],
                        after=sig_now[name],
                        consumers=tuple(consumers(now, module, top, team)),
                    )
                )
    return out


# ----------------------------------------------------------------------------------------------------
# the declaration


def _declaration(config: Config) -> dict[str, Any]:
    """The declaration as data, teams from wherever they are declared (the central table or team files)."""
    raw = {key: value for key, value in config.raw.items() if key != "teams"}
    teams: dict[str, Any] = {}
    for team in config.teams:
        entry: dict[str, Any] = {"owns": [p.text for p in team.owns]}
        if team.interface is not None:
            entry["interface"] = [p.text for p in team.interface]
        if team.depends_on is not None:
            entry["depends_on"] = list(team.depends_on)
        if team.contact:
            entry["contact"] = team.contact
        if team.because:
            entry["because"] = team.because
        teams[team.name] = entry
    raw["teams"] = teams
    return raw


def declaration_changes(before: Config, after: Config) -> list[DeclarationChange]:
    """Teams, layers, forbids, exceptions... added, removed or changed between two declarations."""
    out: list[DeclarationChange] = []
    _diff("tool.arch_rules", _declaration(before), _declaration(after), out)
    # A team declared in a team file is named by that file: its owners are the ones to read the change.
    files = {team.name: team.source for team in (*before.teams, *after.teams) if team.source}
    for i, change in enumerate(out):
        head, _, rest = change.key.partition("tool.arch_rules.teams.")
        name, _, sub = rest.partition(".")
        if not head and name in files:
            out[i] = replace(change, key=f"{files[name]}: {sub}" if sub else files[name])
    return out


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _diff(key: str, before: Any, after: Any, out: list[DeclarationChange]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for name in sorted(set(before) | set(after), key=str):
            sub = f"{key}.{name}"
            if name not in before:
                out.append(DeclarationChange(sub, "added", after=_show(after[name])))
            elif name not in after:
                out.append(DeclarationChange(sub, "removed", before=_show(before[name])))
            else:
                _diff(sub, before[name], after[name], out)
        return
    if isinstance(before, list) and isinstance(after, list):
        if all(isinstance(v, str) for v in (*before, *after)):
            out += [DeclarationChange(key, "removed", before=_show(v)) for v in before if v not in after]
            out += [DeclarationChange(key, "added", after=_show(v)) for v in after if v not in before]
            if set(before) == set(after):  # same entries, another order (a layer stack's order matters)
                out.append(DeclarationChange(key, "changed", _show(before), _show(after)))
            return
        if all(isinstance(v, dict) for v in (*before, *after)):
            for i in range(max(len(before), len(after))):
                sub = f"{key}[{i}]"
                if i >= len(before):
                    out.append(DeclarationChange(sub, "added", after=_show(after[i])))
                elif i >= len(after):
                    out.append(DeclarationChange(sub, "removed", before=_show(before[i])))
                else:
                    _diff(sub, before[i], after[i], out)
            return
    out.append(DeclarationChange(key, "changed", _show(before), _show(after)))
