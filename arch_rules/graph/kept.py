"""The import graph kept from the last run, patched with the edges of the modules that changed.

Each module's imports are resolved against the set of modules found (from its import facts,
arch_rules/graph/resolve.py, or by grimp's scanner where no facts are given), then the graph is assembled.
What one module's imports are depends on that file's content and on the module set (``from a import b``
is an import of ``a.b`` only if ``a.b`` is a module), so arch-rules keeps every module's imports, each
with the version of the content they were worked out from (the number made from the content hash that
grimp sees as the file's mtime), under the *shape* they were worked out for: the packages found (names,
folders, every module, the namespace packages) and the graph options. The next run with the same shape
works out only the imports of the modules whose content changed, takes the others' from the kept entry,
and assembles the graph from them; a new shape (a module added, removed or renamed; other options) works
out every module's again. The entry is plain tuples and strings in the
engine's cache (``graph-<tag>.pickle``), written atomically, so concurrent runs can lose a write, never
corrupt one, and a damaged or foreign entry is a miss.

What the graph needs from each module's facts (which files do not parse, which imports the configuration
does not count) comes in an ``Inputs`` value: the engine keeps it with each module's findings, so an
import edit does not load every module's facts (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from arch_rules.facts import ImportFact
from arch_rules.graph.resolve import KeptImport, Resolver
from arch_rules.model.project import Project

#: The name of the kept entry in the cache, and its layout (a change makes old entries a miss).
ENTRY = "graph"
_FORMAT = 1


class Store(Protocol):
    """Where the kept graph lives between runs (the engine's cache)."""

    def read(self, name: str) -> Any: ...

    def write(self, name: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Inputs:
    """What the graph needs of the per-file facts: the modules that do not parse (left out of the graph)
    and, per module, the lines of the imports the configuration does not count (dropped from it)."""

    broken: frozenset[str] = frozenset()
    uncounted: Mapping[str, frozenset[int]] = field(default_factory=dict)
    #: The kept graph's home; None: scan every file, keep nothing.
    store: Store | None = None
    #: The entry this run keeps its graph in, and one it may start from (read only) when its own misses:
    #: the base of ``check --since`` keeps its own and starts from the working tree's.
    entry: str = "graph"
    fallback: str | None = None
    #: Where the last run located imports of modules whose content has not changed since: (module, line)
    #: to (column, end line, snippet). A chain starting there is located without loading the module's facts.
    sites: Mapping[tuple[str, int, str], tuple[int, int, str]] = field(default_factory=dict)
    #: grimp's file system for files that are not on the disk (the base of ``check --since``, read from
    #: git); None: the disk.
    file_system: Any = None
    #: The import facts of the modules read this run, by module: their graph imports are resolved from
    #: these (arch_rules/graph/resolve.py) instead of grimp scanning the files again.
    objects: Mapping[str, tuple[ImportFact, ...]] = field(default_factory=dict)


def inputs_from_facts(project: Project, store: Store | None = None) -> Inputs:
    """``Inputs`` read from every module's facts (what a caller without kept per-module results does)."""
    broken = frozenset(name for name, facts in project.facts.items() if facts.syntax_error is not None)
    uncounted: dict[str, frozenset[int]] = {}
    for name, facts in project.facts.items():
        # Lines of static imports the configuration does not count (``local_imports = "ignore"``).
        lines = frozenset(fact.line for fact in facts.imports if not fact.dynamic and not project.counts(fact))
        if lines:
            uncounted[name] = lines
    objects = {name: facts.imports for name, facts in project.facts.items() if facts.syntax_error is None}
    return Inputs(broken, uncounted, store, objects=objects)


def scan(
    find: Callable[[], set[Any]],
    *,
    include_external: bool,
    exclude_type_checking: bool,
    store: Store | None,
    entry: str = ENTRY,
    fallback: str | None = None,
    layout: str | None = None,
    versions: Mapping[str, float] | None = None,
    objects: Mapping[str, tuple[ImportFact, ...]] | None = None,
    packages: frozenset[str] = frozenset(),
) -> Any:
    """The project's graph: the kept imports of unchanged modules, a fresh scan of the rest, assembled as
    grimp assembles them. ``find`` is grimp's package walk (with the project's finders); its answer is kept
    too, under ``layout`` (``layout_key``), and rebuilt with the current ``versions`` instead of walking
    the folders again while the layout is unchanged. A module with ``objects`` (its import facts) is not
    scanned: its imports are resolved from them (arch_rules/graph/resolve.py)."""
    kept_entry = _entry(store, entry)
    found_packages = _found(kept_entry.get("layout"), layout, versions) if layout is not None else None
    if found_packages is None:
        found_packages = find()
    files = {module_file.module.name: module_file for package in found_packages for module_file in package.module_files}
    shape = _shape(found_packages, include_external, exclude_type_checking)
    kept = _kept(kept_entry, shape)
    if not kept and fallback is not None:
        kept = _kept(_entry(store, fallback), shape)
    modules: dict[str, tuple[float, tuple[KeptImport, ...]]] = {}
    todo: list[Any] = []
    for name, module_file in files.items():
        kept_module = kept.get(name)
        if kept_module is not None and kept_module[0] == module_file.mtime:
            modules[name] = kept_module
        else:
            todo.append(module_file)
    changed = bool(todo)
    if todo and objects and not exclude_type_checking:
        resolver = Resolver.of(found_packages, include_external=include_external)
        rest = []
        for module_file in todo:
            name = module_file.module.name
            facts = objects.get(name)
            if facts is None:
                rest.append(module_file)
            else:
                modules[name] = (module_file.mtime, resolver.imports(name, name in packages, facts))
        todo = rest
    if todo:
        from grimp.application import scanning

        scanned = scanning.scan_imports(
            todo,
            found_packages=found_packages,
            include_external_packages=include_external,
            exclude_type_checking_imports=exclude_type_checking,
        )
        for module_file, imports in scanned.items():
            modules[module_file.module.name] = (
                module_file.mtime,
                tuple(
                    sorted(
                        (i.imported.name, i.line_number, i.line_contents, bool(getattr(i, "is_lazy", False)))
                        for i in imports
                    )
                ),
            )
        del scanned
    previous = kept_entry.get("layout")
    same_layout = isinstance(previous, tuple) and len(previous) == 2 and previous[0] == layout
    if store is not None and (changed or len(modules) != len(kept) or not same_layout):
        found = tuple(
            (
                p.name,
                p.directory,
                tuple(sorted(f.module.name for f in p.module_files)),
                tuple(sorted(p.namespace_packages)),
            )
            for p in sorted(found_packages, key=lambda p: (p.name, p.directory))
        )
        store.write(entry, {"format": _FORMAT, "shape": shape, "modules": modules, "layout": (layout, found)})
    return _assemble(found_packages, modules)


def layout_key(project: Project, keep: set[str]) -> str | None:
    """What grimp's walk of the package folders depends on: the modules kept in the graph, the namespace
    packages, the source roots, and the mtime of every folder that holds a module (a file or folder added
    or removed in one changes it). None when a folder cannot be read: then walk."""
    parts = [*sorted(project.root_packages), "|", *project.config.source_roots, "|", *sorted(project.namespaces), "|"]
    folders: set[str] = set()
    for name in sorted(keep):
        module = project.modules.get(name)
        if module is not None:
            parts.append(f"{name}={module.relpath}")
            folders.add(os.path.dirname(module.file))  # absolute, as discovery made it
    for folder in sorted(folders):
        try:
            parts.append(f"{folder}@{os.stat(folder).st_mtime_ns}")
        except OSError:
            return None
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def _found(kept: Any, layout: str, versions: Mapping[str, float] | None) -> set[Any] | None:
    """grimp's found packages as the last walk found them, with today's versions; None unless the layout
    is the same and every module has a version."""
    if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == layout and versions is not None):
        return None
    from grimp.application.ports.modulefinder import FoundPackage, ModuleFile
    from grimp.domain.valueobjects import Module

    found = set()
    try:
        for name, directory, names, namespaces in kept[1]:
            files = frozenset(ModuleFile(module=Module(n), mtime=versions[n]) for n in names)
            found.add(
                FoundPackage(
                    name=name, directory=directory, module_files=files, namespace_packages=frozenset(namespaces)
                )
            )
    except (KeyError, TypeError, ValueError):
        return None
    return found


def _shape(found_packages: set[Any], include_external: bool, exclude_type_checking: bool) -> str:
    """What every module's scan depends on beyond its own content."""
    parts = [f"external={include_external}", f"tc={exclude_type_checking}"]
    for package in sorted(found_packages, key=lambda p: (p.name, p.directory)):
        parts += ["|", package.name, package.directory, *sorted(package.namespace_packages), "|"]
        parts += sorted(module_file.module.name for module_file in package.module_files)
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def _entry(store: Store | None, name: str) -> dict[str, Any]:
    """A kept entry of this format, or {}."""
    entry = store.read(name) if store is not None else None
    return entry if isinstance(entry, dict) and entry.get("format") == _FORMAT else {}


def _kept(entry: dict[str, Any], shape: str) -> dict[str, tuple[float, tuple[KeptImport, ...]]]:
    """The kept imports by module, if the entry was written for this shape; {} on a miss."""
    if entry.get("shape") != shape:
        return {}
    modules = entry.get("modules")
    if not isinstance(modules, dict):
        return {}
    return {
        name: value
        for name, value in modules.items()
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], tuple)
    }


def _assemble(found_packages: set[Any], modules: dict[str, tuple[float, tuple[KeptImport, ...]]]) -> Any:
    """The graph, as grimp's own assembly makes it: namespace packages, every module, each import (an
    imported module outside the found packages added squashed)."""
    import grimp

    graph = grimp.ImportGraph()
    for package in found_packages:
        for namespace in package.namespace_packages:
            graph.add_module(namespace)
    roots = tuple(package.name for package in found_packages)
    prefixes = tuple(f"{root}." for root in roots)
    for name in modules:
        graph.add_module(name)
    added = set(modules)
    for name, (_version, imports) in modules.items():
        for imported, line, contents, lazy in imports:
            if imported not in added:
                added.add(imported)
                graph.add_module(imported, is_squashed=not (imported in roots or imported.startswith(prefixes)))
            if lazy:
                graph.add_import(
                    importer=name, imported=imported, line_number=line, line_contents=contents, is_lazy=True
                )
            else:
                graph.add_import(importer=name, imported=imported, line_number=line, line_contents=contents)
    return graph
