"""Chains of imports over one contract's graph, chosen the same way on every run, and located in files.

Which chains stand for a broken contract is arch-rules' own choice, made the same way on every run.
import-linter says which pairs of modules break a contract (a layer and a higher one, a source and a
forbidden module, two independent modules); grimp's chains between them depend on the order it meets
equally short ones in, which changes from process to process on large graphs (lint-imports' own output
on Django varies from run to run: other chains, other first imports, other modules). So for each pair
arch-rules runs grimp's procedure again over the contract's own graph (after its ``ignore_imports``):
take a shortest chain that avoids the other layers, set its imports aside, repeat until none is left;
among equally short chains it takes the least in module-name order (``Search``). Where there is no
tie this is the chain grimp finds; where there is one, it is one of the chains grimp may find. The
way back that closes a cycle (ARC207) is chosen the same way; the cycle breakers themselves come from
grimp, whose choice is stable.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from arch_rules.graph.translate import GraphContract
from arch_rules.model.findings import ChainLink
from arch_rules.model.project import Project

#: A link as import-linter's metadata has it: {"importer", "imported", "line_numbers"}.
Link = dict[str, Any]


class Adjacency:
    """One direction of a graph's imports, each module's neighbours read on first use and kept sorted."""

    def __init__(self, modules: frozenset[str], neighbours: Callable[[str], Collection[str]]) -> None:
        self._modules = modules
        self._neighbours = neighbours
        self._read: dict[str, list[str]] = {}

    def __contains__(self, module: object) -> bool:
        return module in self._modules

    def __getitem__(self, module: str) -> list[str]:
        found = self._read.get(module)
        if found is None:
            if module not in self._modules:
                raise KeyError(module)
            found = self._read[module] = sorted(self._neighbours(module))
        return found

    def get(self, module: str, default: Sequence[str] = ()) -> Sequence[str]:
        return self[module] if module in self._modules else default


class Search:
    """Canonical chains over one contract's graph: grimp's procedure, with ties broken by module name.

    grimp (``find_illegal_dependencies``, ``find_shortest_chains``) repeatedly takes a shortest chain
    from any module of the downstream package to any module of the upstream one, then sets that chain's
    imports aside so the next search finds another way; for layers and independence, modules of the
    other layers may not be on the way, and a chain of three modules or more becomes a route: every
    module of the downstream package that imports the route's first middle module is a head of it. Its
    bidirectional search takes the first meeting point it comes across, in an order that follows how the
    graph was built; here each search is a breadth-first search back from the upstream package, and the
    chain taken is the least in name order among the shortest (the least first module, then at each
    step the least next module that is still on a shortest way), so the same graph always gives the same
    chains. The adjacency is read from the graph as the searches reach it (most searches touch a small part
    of a large graph), each module's once, sorted.
    """

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.modules = sorted(graph.modules)
        known = frozenset(self.modules)
        self.imports = Adjacency(known, graph.find_modules_directly_imported_by)
        self.importers = Adjacency(known, graph.find_modules_that_directly_import)
        self._packages: dict[str, frozenset[str]] = {}

    def package(self, name: str) -> frozenset[str]:
        """``name`` and its descendants in the graph (a squashed third-party package is alone)."""
        found = self._packages.get(name)
        if found is None:
            # Names under ``name.`` are one run of the sorted list: from ``name.`` up to ``name/``.
            start, end = bisect.bisect_left(self.modules, name + "."), bisect.bisect_left(self.modules, name + "/")
            found = frozenset(self.modules[start:end]) | ({name} if name in self.imports else set())
            self._packages[name] = found
        return found

    def chains(self, contract: GraphContract, downstream: str, upstream: str) -> Iterator[tuple[str, ...]]:
        """The chains of two imports or more that stand for ``downstream`` reaching ``upstream``: for layers
        and independence one per head of each route, for forbidden each chain (a single import is
        ARC1xx's)."""
        sources, targets = self.package(downstream), self.package(upstream)
        blocked = self._blocked(contract, downstream, upstream) - sources - targets
        for chain in self.routes(sources, targets, blocked):
            if len(chain) < 3:
                continue
            if contract.type == "forbidden":
                yield chain
                continue
            middle = chain[1:-1]
            heads = [m for m in self.importers[middle[0]] if m in sources]
            tail = min(t for t in self.imports[middle[-1]] if t in targets)
            for head in heads:
                yield (head, *middle, tail)

    def _blocked(self, contract: GraphContract, downstream: str, upstream: str) -> frozenset[str]:
        """Modules a chain may not pass through: the other layers of the stack (in the pair's container),
        the other modules of an independence group; none for forbidden (grimp's own rules)."""
        if contract.type == "layers":
            names = _layer_names(contract.options["layers"])
            containers = [c for c in contract.options.get("containers", []) if downstream.startswith(c + ".")]
            if containers:
                container = max(containers, key=len)
                names = [f"{container}.{name}" for name in names]
        elif contract.type == "independence":
            names = []
            for expression in contract.options["modules"]:
                if "*" in expression:
                    names.extend(sorted(self.graph.find_matching_modules(expression)))
                else:
                    names.append(expression)
        else:
            return frozenset()
        return frozenset(m for name in names for m in self.package(name))

    def routes(
        self, sources: frozenset[str], targets: frozenset[str], blocked: frozenset[str]
    ) -> list[tuple[str, ...]]:
        """Shortest chains from ``sources`` to ``targets``, each one's imports set aside before the next."""
        removed: set[tuple[str, str]] = set()
        out: list[tuple[str, ...]] = []
        while (chain := self.shortest(sources, targets, blocked, removed)) is not None:
            removed.update(itertools.pairwise(chain))
            out.append(chain)
        return out

    def shortest(
        self,
        sources: frozenset[str],
        targets: frozenset[str],
        blocked: frozenset[str] = frozenset(),
        removed: Collection[tuple[str, str]] = frozenset(),
    ) -> tuple[str, ...] | None:
        """The least in name order of the shortest chains, or None.

        A breadth-first search back from ``targets`` gives each module its distance to them, level by
        level, until a level holds a source; then the chain walks forward from the least such source,
        each time to the least module one step nearer. Sources and targets are never in the middle of
        a shortest chain, so they are not searched through.
        """
        distance = dict.fromkeys(targets, 0)
        frontier = sorted(targets)
        depth = 0
        hits: list[str] = []
        while frontier and not hits:
            depth += 1
            following: list[str] = []
            for module in frontier:
                for importer in self.importers.get(module, ()):
                    if importer in distance or importer in blocked or (importer, module) in removed:
                        continue
                    distance[importer] = depth
                    (hits if importer in sources else following).append(importer)
            frontier = following
        if not hits:
            return None
        chain = [min(hits)]
        for step in range(depth - 1, -1, -1):
            here = chain[-1]
            chain.append(next(m for m in self.imports[here] if distance.get(m) == step and (here, m) not in removed))
        return tuple(chain)

    def links(self, chain: tuple[str, ...]) -> list[Link]:
        """The chain as import-linter's links, each import's line numbers sorted (unknown last)."""
        out: list[Link] = []
        for importer, imported in itertools.pairwise(chain):
            details = self.graph.get_import_details(importer=importer, imported=imported)
            known = sorted({d["line_number"] for d in details if d["line_number"] is not None})
            unknown = not known or any(d["line_number"] is None for d in details)
            out.append(
                {"importer": importer, "imported": imported, "line_numbers": (*known, *((None,) if unknown else ()))}
            )
        return out


def _layer_names(layers: list[str]) -> list[str]:
    """The module names (or container tails) of import-linter layer strings (``a | b``, ``(c)``)."""
    names: list[str] = []
    for layer in layers:
        separator = "|" if "|" in layer else ":"
        for item in layer.split(separator):
            item = item.strip()
            names.append(item[1:-1] if item.startswith("(") and item.endswith(")") else item)
    return names


def _lines(link: Link) -> list[int]:
    return sorted(n for n in link.get("line_numbers", ()) if n is not None)


def _format_lines(link: Link) -> str:
    numbers = list(link.get("line_numbers", ())) or [None]
    return ", ".join("l.?" if n is None else f"l.{n}" for n in numbers)


def chain_text(chain: list[Link]) -> str:
    """``a -> b (l.3) -> c (l.7)``: each module, then the line where the one before imports it."""
    return chain[0]["importer"] + "".join(f" -> {link['imported']} ({_format_lines(link)})" for link in chain)


def chain_links(project: Project, chain: list[Link]) -> tuple[ChainLink, ...]:
    out = []
    for link in chain:
        module = project.modules.get(link["importer"])
        lines = _lines(link)
        path = module.relpath if module else None
        out.append(ChainLink(link["importer"], link["imported"], path, lines[0] if lines else None))
    return tuple(out)


def located(
    project: Project,
    graph: Any,
    importer: str,
    imported: str,
    line: int | None,
    sites: Mapping[tuple[str, int, str], tuple[int, int, str]] | None = None,
) -> tuple[str, int, int, int, str] | None:
    """(path, line, column, end line, snippet) of the import of ``imported`` by ``importer`` at ``line``.

    The snippet is the per-file engine's normalised statement (comments dropped, a multi-line import
    joined), so ARC1xx and ARC2xx fingerprints read the same; grimp's ``line_contents`` when the file has
    no facts. The end line is the statement's, so a ``# noqa`` on any of its lines counts
    (docs/configuration.md, suppression). ``sites``: where an earlier run located it (``Inputs.sites``).
    """
    module = project.modules.get(importer)
    if module is None:
        return None
    number = line or 1
    known = sites.get((importer, number, imported)) if sites else None
    if known is not None:
        return (module.relpath, number, *known)
    column, end, snippet = 1, number, ""
    fact = import_at(project, importer, imported, number)
    if fact is not None:
        column, end, snippet = fact.column, max(fact.end_line, number), fact.snippet
    if not snippet:
        for detail in graph.get_import_details(importer=importer, imported=imported):
            if detail["line_number"] == line:
                snippet = " ".join(str(detail["line_contents"]).split())
                break
    return module.relpath, number, column, end, snippet


def import_at(project: Project, importer: str, imported: str, line: int) -> Any:
    """The import fact of ``importer`` at ``line`` that imports ``imported``: several statements can share
    a line (``import a; import b``); the first on the line when none of them names it."""
    facts = project.facts.get(importer)
    on_line = [fact for fact in facts.imports if fact.line == line] if facts is not None else []
    if len(on_line) > 1:
        for fact in on_line:
            for target in project.targets(importer, fact):
                if target.module == imported or any(f"{target.module}.{name}" == imported for name in target.names):
                    return fact
    return on_line[0] if on_line else None


def child(package: str, module: str) -> str:
    depth = len(package.split(".")) + 1
    return ".".join(module.split(".")[:depth])
