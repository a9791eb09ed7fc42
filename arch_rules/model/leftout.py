"""First-party modules the project imports that are not modules of the project (excluded or gitignored,
such as a generated ``_version.py``): the import graph cannot follow imports through them, and the run
says so in a note. Which names a module's imports refer to depends on its content (kept with its cached
result); whether such a file exists depends on the disk, so the note is worked out on every run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from arch_rules.model.messages import enumerate_capped
from arch_rules.model.project import Project

__all__ = ["left_out_modules", "left_out_note", "missing_imports"]


def left_out_modules(project: Project, missing: Iterable[str]) -> list[str]:
    """First-party modules the project's code imports that exist on disk but are not modules of the project
    (excluded or gitignored): the graph cannot follow imports through them. ``missing``: the union of
    every module's ``missing_imports`` (the engine keeps them per module)."""
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


def left_out_note(project: Project, missing: Iterable[str]) -> str | None:
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
