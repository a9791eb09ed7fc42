"""Where a graph violation is reported, and what the graph cannot see (issue 11).

Decisions, documented in docs/configuration.md ("Chains, cycles and # noqa"):

- A chain (ARC201/204/206) or a cycle-breaking import (ARC207) is reported at **every statement** of the
  importing module that makes its first import, not only the first one: when ``a.py`` imports ``b`` at
  lines 3 and 7, a ``# noqa`` on line 3 silences line 3's finding and line 7 still reports the chain. So a
  suppression never hides a chain that another line starts too. (The run's notes also count the graph
  findings ``# noqa`` comments suppressed: see the engine.)
- A module that the project's own code imports but that is not part of the project (left out by
  ``exclude`` or a ``.gitignore``, such as a generated ``_version.py``) is not in the import graph, so no
  chain passes through it. The run's notes name such modules, so the gap is never silent.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from arch_rules.model.messages import enumerate_capped
from arch_rules.model.project import Project

if TYPE_CHECKING:
    from arch_rules.graph.run import Violation


def at_every_statement(
    project: Project, violation: Violation, sites: Mapping[tuple[str, int], tuple[int, int, str]] | None = None
) -> Iterator[Violation]:
    """``violation`` (located at its first import's first statement), and a copy at each other statement
    of the importer that makes the same import. ``sites``: where an earlier run located them
    (``Inputs.sites``); the importer's facts are loaded only for a line it does not know."""
    yield violation
    if not violation.links or len(violation.lines) < 2:
        return
    first = violation.links[0]
    by_line: dict[int, Any] | None = None
    for line in violation.lines:
        if line == violation.line:
            continue
        known = sites.get((first.importer, line)) if sites else None
        if known is not None:
            column, end, snippet = known
        else:
            if by_line is None:
                facts = project.facts.get(first.importer)
                by_line = {fact.line: fact for fact in (facts.imports if facts is not None else ())}
            fact = by_line.get(line)
            column = fact.column if fact else 1
            end = max(fact.end_line, line) if fact else line
            snippet = fact.snippet if fact else violation.snippet
        yield dataclasses.replace(
            violation,
            line=line,
            column=column,
            end_line=end,
            snippet=snippet,
            links=(dataclasses.replace(first, line=line), *violation.links[1:]),
        )


def left_out_modules(project: Project, missing: Iterable[str] | None = None) -> list[str]:
    """First-party modules the project's code imports that exist on disk but are not modules of the project
    (excluded or gitignored): the graph cannot follow imports through them. ``missing``: the union of
    every module's ``missing_imports`` (the engine keeps them per module); None: read every module's facts."""
    if missing is None:
        names: set[str] = set()
        for name, facts in project.facts.items():
            names |= missing_imports(project, name, facts)
        missing = names
    roots = [os.path.join(project.root, r) for r in project.config.source_roots]
    return sorted(
        candidate for candidate in set(missing) if _could_be_module(project, candidate) and _on_disk(roots, candidate)
    )


def _could_be_module(project: Project, name: str) -> bool:
    """False for a name inside a plain module (``a.b.Name`` where ``a/b.py`` is a module of the project):
    Python imports ``a.b`` from the file, so there is no ``a.b.Name`` module to find on disk. Most missing
    names are such (``from a.b import Name``), and this spares them two ``stat`` calls each."""
    parent = project.modules.get(name.rpartition(".")[0])
    return parent is None or parent.is_package


def missing_imports(project: Project, name: str, facts: Any) -> set[str]:
    """The first-party names one module's counted imports may refer to that are not modules of the project."""
    found: set[str] = set()
    for fact in facts.imports:
        if fact.dynamic or not project.counts(fact):
            continue
        for target in project.targets(name, fact):
            if not target.first_party:
                continue
            if not project.exists(target.module):
                found.add(target.module)
            if not _could_be_module(project, f"{target.module}.x"):
                continue  # names taken from a plain module are its attributes, never modules
            for imported in target.names:
                candidate = f"{target.module}.{imported}"
                if imported != "*" and candidate not in found and not project.exists(candidate):
                    found.add(candidate)
    return found


def _on_disk(roots: list[str], name: str) -> bool:
    parts = name.split(".")
    for root in roots:
        base = os.path.join(root, *parts)
        if os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py")):
            return True
    return False


def left_out_note(project: Project, missing: Iterable[str] | None = None) -> str | None:
    """The run's note naming the modules ``left_out_modules`` finds, or None."""
    modules = left_out_modules(project, missing)
    if not modules:
        return None
    count = len(modules)
    return (
        f"graph: {count} module{'s' if count != 1 else ''} the project imports {'are' if count != 1 else 'is'} "
        f"excluded or gitignored, so no chain through {'them' if count != 1 else 'it'} is checked: "
        f"{enumerate_capped(modules)}"
    )
