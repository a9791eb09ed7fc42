"""The dependency picture (``arch-rules graph``): who imports whom, by team, layer or module, with the
edges that break a rule marked in red, as Mermaid (renders in GitHub and GitLab Markdown) or Graphviz dot.

Built from what the run already read — ``project.facts`` resolved with ``project.targets`` — so the picture
shows exactly the imports the rules saw: first-party only, with the configured import kinds
(``project.counts``), never by importing anything.

A chain finding (ARC201 and the other graph rules) marks each of its imports; where its two ends fall in
different groups (layers, teams) with no direct import between them, a dotted edge from one end to the other
carries it, so an indirect violation is visible at every level. ``focus`` keeps the imports into or out of
one package or team. Mermaid draws at most 500 edges by default: a modules picture with more is folded
into packages (the deepest level that fits), and a note says so.
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
#: Mermaid's default ``maxEdges``: a diagram with more is refused ("Edge limit exceeded").
MAX_EDGES = 500


@dataclass
class Graph:
    """Nodes grouped (a group per layer stack; one unnamed group otherwise) and edges with the codes they break."""

    groups: dict[str, list[str]] = field(default_factory=dict)  # group title -> node keys, in order
    labels: dict[str, str] = field(default_factory=dict)  # node key -> label
    edges: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (from, to) -> codes
    #: Edges drawn only for a chain finding between their ends (no direct import): dotted.
    indirect: set[tuple[str, str]] = field(default_factory=set)
    #: What the reader should know about the picture (folding, edges left out), one line each.
    notes: list[str] = field(default_factory=list)

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


def render(
    project: Project,
    findings: Iterable[Finding],
    level: str = "teams",
    fmt: str = "mermaid",
    focus: str | None = None,
    notes: list[str] | None = None,
) -> str:
    """The picture of ``project`` at ``level`` in ``fmt``; edges that carry a finding are marked.

    ``focus`` (a package or a team name) keeps only the imports into or out of it; ``notes`` receives the
    picture's notes (also written into it as comments). Raises ``ValueError`` for an unknown level, format
    or focus.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    keep = _focus(project, focus) if focus else None
    found = list(findings)
    graph = _build(project, found, level, keep)
    if level == "modules" and len(graph.edges) > MAX_EDGES:
        graph = _folded(project, found, keep, len(graph.edges))
    if notes is not None:
        notes.extend(graph.notes)
    return mermaid(graph, level) if fmt == "mermaid" else dot(graph, level)


def _focus(project: Project, focus: str) -> Callable[[str], bool]:
    """Is a module inside the focus: a team's (by team name) or a package's (by dotted name)."""
    team = next((t for t in project.config.teams if t.name == focus), None)
    if team is not None:
        return lambda name: project.team_of(name) is team
    if not any(name == focus or name.startswith(focus + ".") for name in project.all_names()):
        raise ValueError(f"--focus {focus}: no team and no module of the project has that name")
    return lambda name: name == focus or name.startswith(focus + ".")


def _folded(project: Project, findings: list[Finding], keep: Callable[[str], bool] | None, total: int) -> Graph:
    """The modules picture folded into packages, at the deepest level whose edges Mermaid still draws."""
    deepest = max((name.count(".") + 1 for name in project.modules), default=1)
    for depth in range(deepest - 1, 0, -1):
        graph = _build(project, findings, "modules", keep, depth)
        if len(graph.edges) <= MAX_EDGES:
            graph.notes.append(
                f"{total} module imports are more than the {MAX_EDGES} edges Mermaid draws: modules are folded "
                f"into packages of depth {depth}; use --focus PACKAGE for the modules of one package"
            )
            return graph
    graph = _build(project, findings, "modules", keep, 1)
    ordered = sorted(graph.edges, key=lambda edge: (not graph.edges[edge], edge))  # violations first
    left_out = ordered[MAX_EDGES:]
    for edge in left_out:
        del graph.edges[edge]
    graph.notes.append(
        f"{total} module imports are more than the {MAX_EDGES} edges Mermaid draws, even folded into top-level "
        f"packages: {len(left_out)} edges without a violation are left out; use --focus PACKAGE"
    )
    return graph


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


def _build(
    project: Project,
    findings: list[Finding],
    level: str,
    keep: Callable[[str], bool] | None = None,
    depth: int | None = None,
) -> Graph:
    graph = Graph()
    pairs: list[Callable[[str, str], tuple[str, str] | None]] = []
    imports = _imports(project)
    violations = _violations(findings)
    chains = [f for f in findings if len(f.chain) >= 2]
    if keep is not None:
        imports = [(a, b) for a, b in imports if keep(a) or keep(b)]
        violations = [(a, b, code) for a, b, code in violations if keep(a) or keep(b)]
        chains = [f for f in chains if keep(f.chain[0].importer) or keep(f.chain[-1].imported)]
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

        def fold(name: str) -> str:
            return ".".join(name.split(".")[:depth]) if depth else name

        shown = {name for pair_ in imports for name in pair_} if keep is not None else set(project.modules)
        for name in sorted({fold(name) for name in project.modules if name in shown or (keep and keep(name))}):
            graph.node(name, name)

        def module_pair(a: str, b: str) -> tuple[str, str] | None:
            imported = _existing(project, b)
            if imported is None:
                return None
            source, target = fold(a), fold(imported)
            return (source, target) if source in graph.labels and target in graph.labels else None

        pairs.append(module_pair)
    for pair in pairs:
        for importer, imported in imports:
            edge = pair(importer, imported)
            if edge is not None:
                graph.edge(*edge)
        for importer, imported, code in violations:
            edge = pair(importer, imported)
            if edge is not None:
                graph.mark(*edge, code)
        if level == "modules":
            continue  # each link of a chain is an edge already
        for finding in chains:
            edge = pair(finding.chain[0].importer, finding.chain[-1].imported)
            if edge is None or edge[0] == edge[1]:
                continue
            if edge not in graph.edges:
                graph.edge(*edge)
                graph.indirect.add(edge)
            graph.mark(*edge, finding.code)
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
    out.extend(f"    %% note: {note}" for note in graph.notes)
    red: list[int] = []
    for number, (source, target, codes) in enumerate(_sorted_edges(graph)):
        arrow = "-.->" if (source, target) in graph.indirect else "-->"
        if codes:
            label = "violates " + ", ".join(codes) + (" (indirect)" if arrow == "-.->" else "")
            out.append(f'    {ids[source]} {arrow}|"{label}"| {ids[target]}')
            red.append(number)
        else:
            out.append(f"    {ids[source]} {arrow} {ids[target]}")
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
    out.extend(f"    // note: {note}" for note in graph.notes)
    for source, target, codes in _sorted_edges(graph):
        if codes:
            indirect = (source, target) in graph.indirect
            label = _dot_text("violates " + ", ".join(codes) + (" (indirect)" if indirect else ""))
            style = ", style=dashed" if indirect else ""
            out.append(
                f"    {ids[source]} -> {ids[target]} [color=red, fontcolor=red, penwidth=2{style}, label={label}];"
            )
        else:
            out.append(f"    {ids[source]} -> {ids[target]};")
    out.append("}")
    return "\n".join(out) + "\n"
