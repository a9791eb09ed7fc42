"""The declaration as import-linter contracts: each ``layers`` stack, ``forbid`` and ``independent`` entry
and ``acyclic`` becomes the options import-linter's own contract classes parse (``layers``, ``forbidden``,
``independence``, ``acyclic_siblings``); ``render_toml`` prints them as a ``[tool.importlinter]`` document
for ``lint-imports`` (docs/architecture.md, "The graph").

Patterns are rewritten where the two pattern languages differ: our ``**`` is *zero* or more segments,
grimp's one or more, so ``a.**.b`` becomes ``a.b`` and ``a.**.b``; layer entries (which import-linter does
not let carry wildcards), containers and acyclic ancestors are expanded to the modules they name. A module
the configuration names but the project lacks is left out (ARC001 reports it), so a typo is a finding
rather than a crash.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from arch_rules.model.config import Forbid, IgnoredImport, Independent, LayerStack
from arch_rules.model.patterns import Pattern
from arch_rules.model.project import Project

# ----------------------------------------------------------------------------------------------------
# translation


@dataclass(frozen=True)
class GraphContract:
    """One import-linter contract derived from the declaration, with what its findings need to say."""

    id: str
    name: str
    type: str
    #: Options exactly as import-linter parses them (strings and lists of strings).
    options: dict[str, Any]
    #: Key path of the declaration it comes from (for errors).
    key: str
    because: str = ""
    #: How messages name the declaration (a stack's label, ``forbid[0]``...).
    label: str = ""
    #: layers: full layer module name -> (level index, level is independent).
    levels: dict[str, tuple[int, bool]] = field(default_factory=dict)


@dataclass
class Translation:
    session: dict[str, Any]
    contracts: list[GraphContract]
    #: Why some of the declaration has no graph-side contract (shown as report notes and TOML comments).
    notes: list[str] = field(default_factory=list)

    @property
    def include_external(self) -> bool:
        return self.session.get("include_external_packages") == "true"

    @property
    def exclude_type_checking(self) -> bool:
        return self.session.get("exclude_type_checking_imports") == "true"


def translate(project: Project, export: bool = False) -> Translation:
    """The declaration as import-linter contracts (see the module docstring for the rewriting rules).

    ``export``: for `arch-rules contracts`, which must carry the whole architecture (a forbid with
    ``allow_indirect`` too); the in-process run leaves out what the per-file engine already covers."""
    config = project.config
    contracts: list[GraphContract] = []
    notes: list[str] = []
    external = False
    for stack in config.layers:
        contracts.extend(_layers(project, stack, notes))
    for rule in config.forbid:
        contract = _forbidden(project, rule, export)
        if contract is not None:
            contracts.append(contract)
            external = external or any(
                not project.is_first_party_pattern(Pattern(m)) for m in contract.options["forbidden_modules"]
            )
    for group in config.independent:
        contract = _independence(project, group)
        if contract is not None:
            contracts.append(contract)
    ancestors = sorted({n for p in config.acyclic for n in project.all_names() if p.matches(n)})
    if ancestors:
        contracts.append(
            GraphContract(
                id="acyclic",
                name="acyclic: no import cycles among the children of " + ", ".join(ancestors),
                type="acyclic_siblings",
                options={"ancestors": ancestors, "depth": "0"},
                key="tool.arch_rules.acyclic",
                label="acyclic",
            )
        )
    session: dict[str, Any] = {
        "root_packages": list(project.root_packages),
        "include_external_packages": "true" if external else "false",
        "exclude_type_checking_imports": "true" if config.type_checking_imports == "ignore" else "false",
    }
    return Translation(session, contracts, notes)


def variants(text: str) -> list[str]:
    """A pattern as grimp expressions of the same meaning: each ``**`` stands for zero or more segments."""
    segments = text.split(".")
    choices = [((), (s,)) if s == "**" else ((s,),) for s in segments]
    out: list[str] = []
    for combo in itertools.product(*choices):
        expression = _one_or_more(".".join(part for chosen in combo for part in chosen))
        if expression and expression not in out:
            out.append(expression)
    return out


def _one_or_more(expression: str) -> str:
    """grimp refuses ``*`` next to ``**``; ``*.**`` and ``**.*`` both mean one or more, grimp's ``**``."""
    parts: list[str] = []
    for part in expression.split("."):
        if parts and {parts[-1], part} == {"*", "**"}:
            parts[-1] = "**"
        elif not (parts and parts[-1] == "**" and part == "**"):
            parts.append(part)
    return ".".join(parts)


def _expressions(project: Project, patterns: tuple[Pattern, ...], third_party: bool = False) -> list[str]:
    """Module expressions for ``patterns`` (covering descendants, as import-linter treats packages).

    First-party literals the project lacks are dropped (ARC001 reports them; import-linter would refuse
    the contract). With ``third_party``, a third-party top-level package is kept as is and a third-party
    submodule is dropped: the graph sees third-party packages only whole (docs/configuration.md).
    """
    out: list[str] = []
    for pattern in patterns:
        first_party = project.is_first_party_pattern(pattern)
        if not first_party:
            if third_party and "." not in pattern.text and not pattern.is_wild:
                out.append(pattern.text)
            continue
        for expression in variants(pattern.text):
            if "*" in expression or project.exists(expression):
                if expression not in out:
                    out.append(expression)
    return out


def _ignore_imports(project: Project, entries: tuple[IgnoredImport, ...]) -> list[str]:
    """``ignore_imports`` in grimp's syntax; a third-party imported side compares on its top-level package."""
    out: list[str] = []
    for entry in entries:
        imported = entry.imported.text
        if not project.is_first_party_pattern(entry.imported):
            imported = entry.imported.top
        for left in variants(entry.importer.text):
            for right in variants(imported):
                text = f"{left} -> {right}"
                if text not in out:
                    out.append(text)
    return out


def _common(options: dict[str, Any], entries: tuple[IgnoredImport, ...], project: Project, because: str) -> None:
    ignores = _ignore_imports(project, entries)
    if ignores:
        options["ignore_imports"] = ignores
    # ARC004 already reports exceptions nothing uses; import-linter must not fail the run for them.
    options["unmatched_ignore_imports_alerting"] = "none"
    if because:
        options["broken_contract_guidance"] = because


def _layers(project: Project, stack: LayerStack, notes: list[str]) -> list[GraphContract]:
    """One ``layers`` contract per stack (one per container when a layer entry has a wildcard)."""
    wild = any(entry.pattern.is_wild for level in stack.levels for entry in level.entries)
    containers = project.containers(stack) if stack.containers else []
    if stack.containers and not containers:
        return []  # no container exists: ARC001 says so, and there is nothing to check
    if stack.containers and not wild:
        return _layers_contract(project, stack, containers, [""], notes, suffix="", id_suffix="")
    if wild:
        prefixes = containers or [""]
        out: list[GraphContract] = []
        for number, container in enumerate(prefixes):
            suffix = f" ({container})" if container else ""
            id_suffix = f"-{number}" if container else ""
            out.extend(_layers_contract(project, stack, [], [container], notes, suffix, id_suffix))
        return out
    return _layers_contract(project, stack, [], [""], notes, suffix="", id_suffix="")


def _layers_contract(
    project: Project,
    stack: LayerStack,
    containers: list[str],
    prefixes: list[str],
    notes: list[str],
    suffix: str,
    id_suffix: str,
) -> list[GraphContract]:
    """``containers`` set: tails relative to them (import-linter's containers); else full names under
    ``prefixes`` (one prefix; "" for none), wildcards expanded to the modules they match."""
    layer_strings: list[str] = []
    levels: dict[str, tuple[int, bool]] = {}
    names: list[str] = []
    prefix = prefixes[0]
    for index, level in enumerate(stack.levels):
        items: list[str] = []
        for entry in level.entries:
            text = entry.pattern.text
            if containers:
                exists_everywhere = all(project.exists(f"{c}.{text}") for c in containers)
                items.append(text if exists_everywhere and not entry.optional else f"({text})")
                names.append(text)
                for c in containers:
                    levels[f"{c}.{text}"] = (index, level.independent)
                continue
            full = f"{prefix}.{text}" if prefix else text
            if entry.pattern.is_wild:
                matched = _topmost(n for n in project.all_names() if Pattern(full).matches(n))
            else:
                matched = [full]
            for name in matched:
                exists = project.exists(name)
                items.append(name if exists and not entry.optional else f"({name})")
                names.append(name)
                levels[name] = (index, level.independent)
        if items:
            layer_strings.append((" | " if level.independent else " : ").join(items))
    label = stack.label + suffix
    nested = sorted({(a, b) for a in names for b in names if a != b and b.startswith(a + ".")} | _duplicates(names))
    if nested:
        a, b = nested[0]
        notes.append(
            f"{stack.key}: {label} nests layers ({b} is inside {a}), which import-linter cannot express; "
            "its indirect chains (ARC201) are not checked (ARC101 still checks direct imports)"
        )
        return []
    if len(layer_strings) < 1:
        return []
    options: dict[str, Any] = {"layers": layer_strings}
    if containers:
        options["containers"] = list(containers)
        if stack.exhaustive:
            options["exhaustive"] = "true"
            if stack.exhaustive_ignores:
                options["exhaustive_ignores"] = list(stack.exhaustive_ignores)
    _common(options, stack.ignore_imports, project, stack.because)
    return [
        GraphContract(
            id=f"layers-{stack.index}{id_suffix}",
            name=label,
            type="layers",
            options=options,
            key=stack.key,
            because=stack.because,
            label=label,
            levels=levels,
        )
    ]


def _duplicates(names: list[str]) -> set[tuple[str, str]]:
    seen: set[str] = set()
    dup: set[tuple[str, str]] = set()
    for name in names:
        if name in seen:
            dup.add((name, name))
        seen.add(name)
    return dup


def _topmost(names: Iterator[str] | list[str]) -> list[str]:
    """The names none of whose ancestors is also in the list (a layer covers its descendants)."""
    ordered = sorted(set(names))
    return [n for n in ordered if not any(n.startswith(other + ".") for other in ordered if other != n)]


def _forbidden(project: Project, rule: Forbid, export: bool = False) -> GraphContract | None:
    if rule.allow_indirect and not export:
        return None  # only direct imports are forbidden: that is ARC104's, the graph has nothing to add
    sources = _expressions(project, rule.sources)
    forbidden = _expressions(project, rule.forbidden, third_party=True)
    if not sources or not forbidden:
        return None
    options: dict[str, Any] = {"source_modules": sources, "forbidden_modules": forbidden}
    if rule.allow_indirect:  # only in `arch-rules contracts`: lint-imports then checks the direct imports
        options["allow_indirect_imports"] = "true"
    _common(options, rule.ignore_imports, project, rule.because)
    label = rule.label
    return GraphContract(
        id=f"forbid-{rule.index}",
        name=rule.name
        or f"{label}: {', '.join(p.text for p in rule.sources)} must not import "
        f"{', '.join(p.text for p in rule.forbidden)}",
        type="forbidden",
        options=options,
        key=rule.key,
        because=rule.because,
        label=label,
    )


def _independence(project: Project, group: Independent) -> GraphContract | None:
    modules = _expressions(project, group.modules)
    if len(modules) < 2 and not any("*" in m for m in modules):
        return None
    options: dict[str, Any] = {"modules": modules}
    _common(options, group.ignore_imports, project, group.because)
    label = group.label
    return GraphContract(
        id=f"independent-{group.index}",
        name=group.name or f"{label}: {', '.join(p.text for p in group.modules)} are independent",
        type="independence",
        options=options,
        key=group.key,
        because=group.because,
        label=label,
    )


# ----------------------------------------------------------------------------------------------------
# `arch-rules contracts`


def render_toml(project: Project) -> str:
    """The generated contracts as a ``[tool.importlinter]`` document that ``lint-imports`` accepts."""
    translation = translate(project, export=True)
    config = project.config
    roots = os.pathsep.join(config.source_roots)
    lines = [
        f"# import-linter contracts generated by arch-rules from [tool.arch_rules] in {config.display_path}.",
        f"# Run from the project root with the source roots on the path: PYTHONPATH={roots} lint-imports FILE",
        "# (arch-rules' own graph leaves out excluded files, files that are not Python names and files that",
        '# do not parse, and drops local imports under local_imports = "ignore"; lint-imports does not).',
    ]
    lines += [f"# Not translated: {note}" for note in translation.notes]
    lines += ["", "[tool.importlinter]"]
    for key, value in translation.session.items():
        lines.append(f"{key} = {_toml(value)}")
    for contract in translation.contracts:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines.append(f"id = {_toml(contract.id)}")
        lines.append(f"name = {_toml(contract.name)}")
        lines.append(f"type = {_toml(contract.type)}")
        for key, value in contract.options.items():
            lines.append(f"{key} = {_toml(value)}")
    if not translation.contracts:
        lines += ["", "# The declaration has nothing import-linter can check over the graph."]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """A TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {json.dumps(item, ensure_ascii=False)},\n" for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)
