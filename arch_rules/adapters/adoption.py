"""What ``arch-rules init`` needs beyond the first guess: layers the code keeps today, and a baseline.

The first proposal put packages in layers from their *direct* imports only, left out ``_private``
subpackages and missed chains through modules that are in no layer (the root ``__init__``, a top-level
``utils.py``): the same code then broke the proposed stack at once. Here:

- a child package depends on another when any of its modules reaches any of the other's modules through a
  path of imports whose middle modules are in no child (the root ``__init__``, top-level modules): exactly
  the chains ARC101/ARC201 count. Cycles between children share a level (``a : b``); so the proposed stack
  is one the code keeps today, by construction;
- after ``init --write``, the proposal is checked like any configuration, and whatever the code does not
  pass today (team interfaces, documentation duties) is written to the baseline, so the first
  ``arch-rules check`` exits 0 and reports only what is new. The summary says what was found and accepted.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from pathlib import Path

import arch_rules.facts as facts
from arch_rules.model.findings import Finding

#: (module name, path, is package) of every module under a root package.
ModuleList = Iterable[tuple[str, Path, bool]]
Resolver = Callable[[str, bool, facts.ImportFact], list[str]]


def module_graph(modules: ModuleList, imported: Resolver) -> dict[str, set[str]]:
    """Module -> the modules of the same list it imports (any import: type-checking, local, dynamic)."""
    listed = list(modules)
    names = {name for name, _path, _package in listed}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path, is_package in listed:
        try:
            read = facts.extract(path.read_bytes())
        except OSError:
            continue
        for fact in read.imports:
            candidates = imported(name, is_package, fact)
            if not candidates:
                continue
            # `from a import b, c`: the module a.b when it is one, and a itself for every name that is not
            # a module (or for `*`), as the engine resolves it.
            found = [c for c in candidates[1:] if c in names] if fact.form == "from" else []
            plain = fact.form != "from" or any(n == "*" for n, _ in fact.names) or len(found) < len(candidates) - 1
            if plain and candidates[0] in names:
                found.append(candidates[0])
            graph[name].update(m for m in found if m != name)
    return graph


def child_dependencies(graph: dict[str, set[str]], children: list[str]) -> dict[str, set[str]]:
    """Child -> the other children it reaches through modules that are in no child (no other layer)."""

    def child_of(name: str) -> str | None:
        for child in children:
            if name == child or name.startswith(child + "."):
                return child
        return None

    owner = {name: child_of(name) for name in graph}
    edges: dict[str, set[str]] = {child: set() for child in children}
    for child in children:
        start = [name for name, mine in owner.items() if mine == child]
        seen = set(start)
        queue = deque(start)
        while queue:
            here = queue.popleft()
            for there in graph.get(here, ()):
                theirs = owner.get(there)
                if theirs is not None and theirs != child:
                    edges[child].add(theirs)  # another layer: a dependency, and not a way through
                    continue
                if there not in seen:
                    seen.add(there)
                    queue.append(there)
    return edges


def upward_imports(graph: dict[str, set[str]], root: str, children: list[str]) -> list[tuple[str, str]]:
    """The imports a layer stack of ``children`` has to take as agreed exceptions (``ignore_imports``) so
    that it is a real order, each child above what it reaches:

    - imports *by* a module in no child (the root ``__init__``, a top-level module) *of* a child, when a
      child imports that module: through it every child would reach every other (kedro's own contracts
      ignore ``kedro -> kedro.ipython`` for this reason);
    - the imports import-linter would nominate to break the cycles left among the children (grimp's
      ``nominate_cycle_breakers``, the same choice as ARC207 reports).
    """
    import grimp

    def in_child(name: str) -> bool:
        return any(name == c or name.startswith(c + ".") for c in children)

    # Modules in no child that a child reaches through modules in no child: chains pass through them.
    imported_by_children: set[str] = set()
    todo = [t for m, targets in graph.items() if in_child(m) for t in targets if not in_child(t)]
    while todo:
        here = todo.pop()
        if here in imported_by_children:
            continue
        imported_by_children.add(here)
        todo.extend(t for t in graph.get(here, ()) if not in_child(t))
    ignored = sorted(
        (m, t)
        for m, targets in graph.items()
        if not in_child(m) and m in imported_by_children
        for t in targets
        if in_child(t)
    )
    rest = grimp.ImportGraph()
    for name in graph:
        rest.add_module(name)
    for importer, targets in graph.items():
        for imported in targets:
            if (importer, imported) not in ignored:
                rest.add_import(importer=importer, imported=imported)
    if root in graph and len(children) > 1:
        ignored += sorted(rest.nominate_cycle_breakers(root))
    return ignored


def without(graph: dict[str, set[str]], ignored: list[tuple[str, str]]) -> dict[str, set[str]]:
    drop = set(ignored)
    return {m: {t for t in targets if (m, t) not in drop} for m, targets in graph.items()}


def accept_today(cwd: Path) -> list[str]:
    """Check the project as now configured; write what it does not pass to the baseline. Summary lines."""
    from arch_rules.engine import baseline
    from arch_rules.engine.run import Options, run_full

    run = run_full(Options(start=cwd, baseline=""))
    findings: list[Finding] = list(run.report.findings)  # warnings too: the first run shows nothing old
    if not findings:
        return ["# `arch-rules check` passes on the code as it is: nothing to accept into a baseline."]
    target = run.config.root / run.config.rules.baseline
    count = baseline.write(target, findings)
    by_code = Counter(f.code for f in findings)
    codes = ", ".join(f"{code} {n}" for code, n in sorted(by_code.items()))
    return [
        f"# Today's code does not pass {count} finding{'s' if count != 1 else ''} of this proposal ({codes}):",
        f"# written to {target.name}, the baseline `arch-rules check` reads, so it passes now and reports",
        "# only what is new. Shrink it as the teams fix them (`arch-rules baseline` rewrites it).",
    ]


def summary(
    teams: list[tuple[str, str]], layers: list[tuple[str, int, list[str], int]], modules: int, roots: list[str]
) -> list[str]:
    """``# Found: ...`` lines: teams (and where they came from), layers, cycles."""
    from_owners = [name for name, source in teams if source != "placeholder"]
    placeholders = [name for name, source in teams if source == "placeholder"]
    out = [f"# Found: {modules} module{'s' if modules != 1 else ''} in {', '.join(roots)}."]
    if from_owners:
        shown = ", ".join(from_owners[:8]) + (" and more" if len(from_owners) > 8 else "")
        out.append(f"# Teams from CODEOWNERS: {len(from_owners)} ({shown}).")
    if placeholders:
        out.append(f"# Placeholder teams, one per package: {len(placeholders)}.")
    for root, levels, cycles, upward in layers:
        if levels:
            out.append(
                f"# Layers of {root}: {levels} level{'s' if levels != 1 else ''} the code keeps today, with "
                f"{upward} upward import{'s' if upward != 1 else ''} taken as agreed exceptions (ignore_imports)"
                + (f"; {len(cycles)} cycle{'s' if len(cycles) != 1 else ''} left to share a level" if cycles else "")
                + "."
            )
        for cycle in cycles:
            out.append(f"#   cycle: {cycle}")
    return out
