"""ARC207's violations: import-linter's cycle breakers, each with a way back made of real imports.

import-linter (``acyclic_siblings``) looks for cycles among the *children* of a package: it squashes each
child into one node and nominates the dependencies whose removal makes that graph acyclic (the "cycle
breakers"). A dependency between two children is every import from one into the other; lint-imports
prints it as ``.b -> .a (2 imports)``. So:

- each import of a nominated dependency is one violation, at that import (at each statement that makes
  it), and it says how many imports make the dependency and names the others: removing one of several
  does not break the cycle;
- the way back (from the imported child to the importing one) is a path between *children*: ``pkg.a``
  may reach ``pkg.b`` through ``pkg.a.v`` while the imported module ``pkg.a.x`` imports nothing. It is
  told step by step, each step with one real import that makes it, never spliced into a "chain" that
  does not connect;
- a violation's ``links`` (the finding's chain in JSON and SARIF) are always a real path of imports, each
  link's importer the previous link's imported module: the breaking import, then a path from the imported
  module back into the importing child inside the package when there is one; else the import alone.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from arch_rules.graph.chains import Link, Search, chain_links, chain_text, child, located
from arch_rules.model.messages import enumerate_capped
from arch_rules.model.project import Project

if TYPE_CHECKING:
    from arch_rules.graph.run import Violation
    from arch_rules.graph.translate import GraphContract

#: How many of a dependency's other imports, and of the steps back, a message names before "and N more".
SHOWN = 2
STEPS_SHOWN = 3

#: The longest path back a message spells out (a longer one is in the finding's chain: JSON, SARIF).
PATH_SHOWN = 4


class ChildGraph:
    """The graph of one package's children, each child squashed into one node (as import-linter does)."""

    def __init__(self, search: Search, package: str) -> None:
        self.graph = search.graph
        self.edges: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for importer in sorted(m for m in search.package(package) if m != package):
            source = child(package, importer)
            for imported in search.imports.get(importer, ()):
                if not imported.startswith(package + "."):
                    continue
                target = child(package, imported)
                if target != source:
                    self.edges.setdefault(source, {}).setdefault(target, []).append((importer, imported))

    def imports(self, source: str, target: str) -> list[tuple[str, str]]:
        """The imports (importer, imported) that make the dependency ``source -> target``, sorted."""
        return sorted(self.edges.get(source, {}).get(target, []))

    def way(self, start: str, end: str, avoid: tuple[str, str]) -> list[str] | None:
        """The shortest path of children from ``start`` to ``end`` (least in name order among equals), not
        using the dependency ``avoid`` itself."""
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == end:
                break
            for following in sorted(self.edges.get(here, {})):
                if (here, following) != avoid and following not in previous:
                    previous[following] = here
                    queue.append(following)
        if end not in previous:
            return None
        path = [end]
        while (step := previous[path[-1]]) is not None:
            path.append(step)
        return path[::-1]

    def step_text(self, source: str, target: str) -> str:
        """``pkg.a -> pkg.b by pkg.a.v -> pkg.b.y (l.1)`` (and how many more imports make the step)."""
        imports = self.imports(source, target)
        if not imports:
            return f"{source} -> {target}"
        first = imports[0]
        more = f" and {len(imports) - 1} more import{'s' if len(imports) > 2 else ''}" if len(imports) > 1 else ""
        return f"{source} -> {target} by {first[0]} -> {first[1]} ({lines_text(self.graph, *first)}){more}"


def cycle_violations(
    project: Project,
    search: Search,
    contract: GraphContract,
    package: str,
    breakers: list[tuple[str, str]],
    sites: Mapping[tuple[str, int, str], tuple[int, int, str]] | None = None,
) -> Iterator[Violation]:
    """One violation per nominated import of ``package``'s cycle breakers (``sites``: ``Inputs.sites``)."""
    from arch_rules.graph.run import Violation

    children = ChildGraph(search, package)
    # The way back stays inside the package: import-linter counts only imports among its children.
    outside = frozenset(search.modules) - search.package(package)
    by_dependency: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for importer, imported in sorted(breakers):
        by_dependency.setdefault((child(package, importer), child(package, imported)), []).append((importer, imported))
    for (down, up), imports in sorted(by_dependency.items()):
        steps = children.way(up, down, avoid=(down, up)) or [up, down]
        way_back = enumerate_capped([children.step_text(a, b) for a, b in itertools.pairwise(steps)], STEPS_SHOWN, "; ")
        every = children.imports(down, up) or imports
        for importer, imported in imports:
            link = _link(search.graph, importer, imported)
            home = search.package(down)
            back = search.shortest(frozenset({imported}), home, outside) if imported not in home else None
            links: list[Link] = [link, *search.links(back)] if back else [link]
            numbers = [n for n in link["line_numbers"] if n is not None]
            where = located(project, search.graph, importer, imported, numbers[0] if numbers else None, sites)
            path, line, column, end, snippet = where if where else (importer, 1, 1, 1, "")
            others = [
                f"{a} -> {b} ({lines_text(search.graph, a, b)})" for a, b in every if (a, b) != (importer, imported)
            ]
            if len(links) > PATH_SHOWN:
                path_back = f"a path of {len(links)} imports back into {down} (the finding's chain)"
            else:
                path_back = chain_text(links) if len(links) > 1 else ""
            yield Violation(
                contract=contract,
                importer=importer,
                imported=imported,
                downstream=package,
                path=path,
                line=line,
                column=column,
                end_line=end,
                snippet=snippet,
                links=chain_links(project, links),
                chain=chain_text(links),
                cycle=(down, *steps),
                lines=tuple(numbers),
                way_back=way_back,
                path_back=path_back,
                dependency=(down, up),
                dependency_size=len(every),
                others=enumerate_capped(others, SHOWN) if others else "",
            )


def _link(graph: Any, importer: str, imported: str) -> Link:
    details = graph.get_import_details(importer=importer, imported=imported)
    numbers = sorted({d["line_number"] for d in details if d["line_number"] is not None})
    return {"importer": importer, "imported": imported, "line_numbers": tuple(numbers) or (None,)}


def lines_text(graph: Any, importer: str, imported: str) -> str:
    numbers = [n for n in _link(graph, importer, imported)["line_numbers"] if n is not None]
    return ", ".join(f"l.{n}" for n in numbers) if numbers else "l.?"
