"""The dependency picture (``arch-rules graph``): who imports whom, by team, layer or module, with the
edges that break a rule marked in red, as Mermaid (renders in GitHub and GitLab Markdown) or Graphviz dot.

Built from what the run already read — ``project.facts`` resolved with ``project.targets`` — so the picture
shows exactly the imports the rules saw: first-party only, with the configured import kinds
(``project.counts``), never by importing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from arch_rules.model.findings import Finding
from arch_rules.model.project import LayerPlace, Project

LEVELS = ("teams", "layers", "modules")
FORMATS = ("mermaid", "dot")
NO_TEAM = "(no team)"


@dataclass
class Graph:
    """Nodes grouped (a group per layer stack; one unnamed group otherwise) and edges with the codes they break."""

    groups: dict[str, list[str]] = field(default_factory=dict)  # group title -> node keys, in order
    labels: dict[str, str] = field(default_factory=dict)  # node key -> label
    edges: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (from, to) -> codes

    def node(self, key: str, label: str, group: str = "") -> None:
        if key not in self.labels:
            self.labels[key] = label
            self.groups.setdefault(group, []).append(key)

    def edge(self, source: str, target: str) -> None:
        if source != target:
            self.edges.setdefault((source, target), set())

    def mark(self, source: str, target: str, code: str) -> None:
        if (source, target) in self.edges:
            self.edges[(source, target)].add(code)


def render(project: Project, findings: Iterable[Finding], level: str = "teams", fmt: str = "mermaid") -> str:
    """The picture of ``project`` at ``level`` in ``fmt``; edges that carry a finding are marked."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    graph = _build(project, list(findings), level)
    return mermaid(graph, level) if fmt == "mermaid" else dot(graph, level)


# ----------------------------------------------------------------------------------------------------
# the graph


def _imports(project: Project) -> list[tuple[str, str]]:
    """Every counted first-party import, as (importer, imported module of the project)."""
    out: set[tuple[str, str]] = set()
    for importer in sorted(project.facts):
        for fact in project.facts[importer].imports:
            if not project.counts(fact):
                continue
            for target in project.targets(importer, fact):
                if target.first_party:
                    imported = _existing(project, target.module)
                    if imported is not None and imported != importer:
                        out.add((importer, imported))
    return sorted(out)


def _existing(project: Project, name: str) -> str | None:
    """``name``, or its nearest ancestor that is a module or namespace of the project."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if project.exists(candidate):
            return candidate
        parts.pop()
    return None


def _violations(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """(importer, imported, code) for every import a finding blames; a chain blames each of its links."""
    out: list[tuple[str, str, str]] = []
    for finding in findings:
        if finding.chain:
            out.extend((link.importer, link.imported, finding.code) for link in finding.chain)
        elif finding.module and finding.imported:
            out.append((finding.module, finding.imported, finding.code))
    return out


def _build(project: Project, findings: list[Finding], level: str) -> Graph:
    graph = Graph()
    pairs: list[Callable[[str, str], tuple[str, str] | None]] = []
    if level == "layers":
        for stack in project.config.layers:
            places = {name: project.layer_of(name, stack) for name in project.all_names()}
            prefix = f"{stack.index}:"
            entries = sorted({(p.container, p.level, p.entry) for p in places.values() if p is not None})
            for _container, _level, entry in entries:
                graph.node(prefix + entry, entry, stack.label)

            def layer_pair(
                a: str, b: str, places: dict[str, LayerPlace | None] = places, prefix: str = prefix
            ) -> tuple[str, str] | None:
                low, high = places.get(a), places.get(_existing(project, b) or "")
                # Modules in no layer are not in the picture; nor is an import between two containers,
                # which the stack does not constrain (docs/configuration.md).
                if low is None or high is None or low.container != high.container:
                    return None
                return prefix + low.entry, prefix + high.entry

            pairs.append(layer_pair)
    elif level == "teams":
        for team in sorted(project.config.teams, key=lambda t: t.name):
            if any(project.team_of(name) is team for name in project.all_names()):
                graph.node(team.name, team.name)
        if any(project.team_of(name) is None for name in project.modules):
            graph.node(NO_TEAM, NO_TEAM)

        def team_pair(a: str, b: str) -> tuple[str, str]:
            mine, theirs = project.team_of(a), project.team_of(b)
            return (mine.name if mine else NO_TEAM, theirs.name if theirs else NO_TEAM)

        pairs.append(team_pair)
    else:
        for name in sorted(project.modules):
            graph.node(name, name)

        def module_pair(a: str, b: str) -> tuple[str, str] | None:
            imported = _existing(project, b)
            return (a, imported) if imported is not None and a in graph.labels and imported in graph.labels else None

        pairs.append(module_pair)
    for pair in pairs:
        for importer, imported in _imports(project):
            edge = pair(importer, imported)
            if edge is not None:
                graph.edge(*edge)
        for importer, imported, code in _violations(findings):
            edge = pair(importer, imported)
            if edge is not None:
                graph.mark(*edge, code)
    return graph


# ----------------------------------------------------------------------------------------------------
# output


def _ids(graph: Graph) -> dict[str, str]:
    """Safe, readable, unique node ids (``n_shop_web``); the prefix keeps Mermaid keywords such as
    ``end`` from being read as syntax."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for key in graph.labels:
        base = "n_" + (re.sub(r"[^0-9A-Za-z_]+", "_", key).strip("_") or "x")
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}_{number}", number + 1
        used.add(candidate)
        ids[key] = candidate
    return ids


def _sorted_edges(graph: Graph) -> list[tuple[str, str, list[str]]]:
    order = {key: index for index, key in enumerate(graph.labels)}
    return sorted(
        ((a, b, sorted(codes)) for (a, b), codes in graph.edges.items()),
        key=lambda e: (order[e[0]], order[e[1]]),
    )


def _mermaid_text(text: str) -> str:
    """A label for a quoted Mermaid string: quotes become entity codes, the only character it cannot hold."""
    return text.replace('"', "#quot;")


def mermaid(graph: Graph, level: str) -> str:
    ids = _ids(graph)
    out = ["flowchart LR", f"    %% arch-rules graph --level {level}: red edges break a rule"]
    for index, (title, keys) in enumerate(graph.groups.items()):
        indent = "    "
        if title:
            out.append(f'    subgraph g{index}["{_mermaid_text(title)}"]')
            indent = "        "
        for key in keys:
            out.append(f'{indent}{ids[key]}["{_mermaid_text(graph.labels[key])}"]')
        if title:
            out.append("    end")
    red: list[int] = []
    for number, (source, target, codes) in enumerate(_sorted_edges(graph)):
        if codes:
            out.append(f'    {ids[source]} -->|"violates {", ".join(codes)}"| {ids[target]}')
            red.append(number)
        else:
            out.append(f"    {ids[source]} --> {ids[target]}")
    if red:
        out.append(f"    linkStyle {','.join(str(n) for n in red)} stroke:red,stroke-width:2px,color:red")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(graph: Graph, level: str) -> str:
    ids = _ids(graph)
    out = [
        "digraph arch_rules {",
        f"    // arch-rules graph --level {level}: red edges break a rule",
        "    rankdir=LR;",
        "    node [shape=box];",
    ]
    for index, (title, keys) in enumerate(graph.groups.items()):
        indent = "    "
        if title:
            out.append(f"    subgraph cluster_{index} {{")
            out.append(f"        label={_dot_text(title)};")
            indent = "        "
        for key in keys:
            out.append(f"{indent}{ids[key]} [label={_dot_text(graph.labels[key])}];")
        if title:
            out.append("    }")
    for source, target, codes in _sorted_edges(graph):
        if codes:
            label = _dot_text("violates " + ", ".join(codes))
            out.append(f"    {ids[source]} -> {ids[target]} [color=red, fontcolor=red, penwidth=2, label={label}];")
        else:
            out.append(f"    {ids[source]} -> {ids[target]};")
    out.append("}")
    return "\n".join(out) + "\n"
