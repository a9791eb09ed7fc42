"""The project's import graph, built once per run with grimp's scanner from the project's own files.

How the graph finds the project's packages: grimp looks packages up with ``importlib.util.find_spec``,
which would answer from ``sys.modules`` or from an installed copy of a same-named package. While building,
arch-rules gives grimp a package finder bound to the configured source roots (``PathFinder.find_spec``
with an explicit path: no ``sys.modules``, no ``sys.path``), and a module finder that scans only the
modules of the project that parse. Nothing is imported or run, and ``sys.path`` is never touched.

Each module's imports are kept between runs (arch_rules/graph/kept.py), so the run after an edit works out
only those of the files whose content changed; grimp's own cache is not used. They are resolved from the
import facts the run has read (arch_rules/graph/resolve.py); grimp's scanner reads a file only where no
facts are at hand (a graph that leaves out ``TYPE_CHECKING`` imports, a caller without facts).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.machinery
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from arch_rules.errors import ArchRulesError, ConfigError, InternalError
from arch_rules.graph.kept import ENTRY, Inputs, inputs_from_facts, layout_key, scan
from arch_rules.graph.translate import Translation
from arch_rules.model.project import Project

_GRIMP_SETTINGS_LOCK = threading.Lock()


def build_graph(
    project: Project, translation: Translation, *, cache: bool = True, inputs: Inputs | None = None
) -> tuple[Any, list[str]]:
    """The project's import graph, built once; plus notes (files left out, an empty graph).

    ``inputs`` says which modules do not parse and which imports are not counted, and where the graph of
    the last run is kept; without it they are read from every module's facts and nothing is kept.
    """
    try:
        from grimp.exceptions import SourceSyntaxError
    except ImportError as exc:  # pragma: no cover - a dependency
        raise InternalError(f"grimp is not installed ({exc}); reinstall arch-rules") from None
    if inputs is None:
        inputs = inputs_from_facts(project)
    store = inputs.store if cache else None
    notes: list[str] = []
    broken = set(inputs.broken)
    graph = None
    vanished: set[str] = set()
    for _attempt in range(len(project.modules) + 1):
        keep = {name for name in project.modules if name not in broken}
        try:
            with _project_finders(project, keep.__contains__, inputs.file_system), _rust_panics_quiet():
                graph = _scan_project(project, translation, store, keep, inputs)
            break
        except SourceSyntaxError as exc:
            # grimp's parser refused a file ours read (or the engine gave no facts): leave it out too.
            by_file = {os.path.normcase(os.path.abspath(m.file)): name for name, m in project.modules.items()}
            name = by_file.get(os.path.normcase(os.path.abspath(exc.filename)))
            if name is None or name in broken:
                raise InternalError(f"the import graph could not be built: {exc}") from None
            broken.add(name)
        except ArchRulesError:
            raise
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: B036 - grimp's Rust panics are BaseExceptions
            # A file deleted or replaced since the run read it makes grimp's scanner panic: leave out what is
            # gone and build again (the next run sees the change properly); anything else is ours to report.
            gone = {
                name
                for name, module in project.modules.items()
                if name not in broken and not os.path.isfile(module.file)
            }
            if not gone:
                raise InternalError(
                    f"the import graph could not be built: {type(exc).__name__}: {_first_line(exc)}"
                ) from None
            broken |= gone
            vanished |= gone
    if graph is None:  # pragma: no cover - every module broken and grimp still complaining
        raise InternalError("the import graph could not be built")
    for name in project.all_names():
        if name not in graph.modules:
            graph.add_module(name)  # a file left out still exists: contracts naming it stay valid
    _drop_uncounted_imports(graph, inputs.uncounted)
    if vanished:
        notes.append(
            f"graph: {len(vanished)} file{'s' if len(vanished) != 1 else ''} changed or removed during the run "
            f"left out of the import graph ({', '.join(sorted(vanished)[:5])}); run again for a complete picture"
        )
        broken -= vanished
    if broken:
        count = len(broken & set(project.modules))
        notes.append(
            f"graph: {count} file{'s' if count != 1 else ''} that do{'' if count != 1 else 'es'} not parse "
            "left out of the import graph (ARC003)"
        )
    if not _has_internal_imports(project, graph):
        notes.append(
            "graph: no module of the project imports another one, so the graph contracts (ARC2xx) found "
            f"nothing to check (root packages: {', '.join(project.root_packages)}; source roots: "
            f"{', '.join(project.config.source_roots)})"
        )
    return graph, notes


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextlib.contextmanager
def _rust_panics_quiet() -> Iterator[None]:
    """Keep a Rust panic's report (dozens of lines, a backtrace) off the terminal: grimp's scanner writes it
    to file descriptor 2 directly. What was written is passed on unless a panic happened (the caller
    then says what went wrong, in one line)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        capture = tempfile.TemporaryFile()
    except (OSError, ValueError):  # no stderr to speak of: nothing to keep quiet
        yield
        return
    panicked = False
    try:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        except BaseException as exc:
            panicked = type(exc).__name__ == "PanicException"
            raise
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        if not panicked:
            with contextlib.suppress(OSError, ValueError):
                capture.seek(0)
                text = capture.read()
                if text:
                    os.write(2, text)
        capture.close()


def _scan_project(project: Project, translation: Translation, store: Any, keep: set[str], inputs: Inputs) -> Any:
    """grimp's build (find the packages, scan the files, assemble), with each module's scan kept between
    runs. Inside ``_project_finders``. The folder walk is kept only for the working tree's own entry (another
    tree, the base of ``check --since``, is not on disk)."""
    from grimp.application.config import settings
    from grimp.application.usecases import _find_packages

    def find() -> set[Any]:
        return _find_packages(file_system=settings.FILE_SYSTEM, package_names=list(project.root_packages))

    return scan(
        find,
        include_external=translation.include_external,
        exclude_type_checking=translation.exclude_type_checking,
        store=store,
        entry=inputs.entry,
        fallback=inputs.fallback,
        layout=layout_key(project, keep) if store is not None and inputs.entry == ENTRY else None,
        versions=_versions_by_name(project),
        objects=inputs.objects,
        packages=frozenset(name for name, module in project.modules.items() if module.is_package),
    )


def _versions_by_name(project: Project) -> dict[str, float]:
    """The "mtime" grimp sees for each module (``_Tolerant``), by module name."""
    return {
        name: float(int(project.hashes[module.relpath][:12], 16))
        for name, module in project.modules.items()
        if not project.hashes.get(module.relpath, "unreadable:").startswith("unreadable:")
    }


@contextlib.contextmanager
def _project_finders(project: Project, keep: Callable[[str], bool], file_system: Any = None) -> Iterator[None]:
    """grimp's package and module finders, bound to the project for the duration of one build; and its
    file system, when the files are not the disk's (``Inputs.file_system``)."""
    from grimp.application.config import settings

    roots = [str((project.root / r).resolve()) for r in project.config.source_roots]

    @functools.cache
    def versions() -> dict[str, float]:
        """By file: worked out only if grimp walks the folders (not while the kept layout holds)."""
        return {
            os.path.normcase(os.path.abspath(module.file)): float(int(project.hashes[module.relpath][:12], 16))
            for module in project.modules.values()
            if not project.hashes.get(module.relpath, "unreadable:").startswith("unreadable:")
        }

    class PackageFinder:
        """Finds a root package in the source roots only (never ``sys.modules`` or an installed copy)."""

        def determine_package_directories(self, package_name: str, file_system: Any) -> set[str]:
            init = project.modules.get(package_name)
            if init is not None and init.is_package:  # where discovery found it (a tree read from git, too)
                return {os.path.dirname(init.file)}
            spec = importlib.machinery.PathFinder.find_spec(package_name, roots)
            if spec is None or not spec.submodule_search_locations:
                raise ConfigError(
                    [
                        f"{project.config.display_path}: tool.arch_rules: package {package_name!r} is not a "
                        f"package in the source roots ({', '.join(project.config.source_roots)})"
                    ]
                )
            return {str(location) for location in spec.submodule_search_locations}

    inner = settings.MODULE_FINDER

    class ModuleFinder:
        """grimp's own finder, keeping only the modules of the project that parse."""

        def find_package(self, package_name: str, package_directory: str, file_system: Any) -> Any:
            found = inner.find_package(
                package_name=package_name,
                package_directory=package_directory,
                file_system=_Tolerant(file_system, versions),
            )
            files = frozenset(f for f in found.module_files if keep(f.module.name))
            return dataclasses.replace(found, module_files=files)

    with _GRIMP_SETTINGS_LOCK:
        saved = {
            "PACKAGE_FINDER": settings.PACKAGE_FINDER,
            "MODULE_FINDER": settings.MODULE_FINDER,
            "FILE_SYSTEM": settings.FILE_SYSTEM,
        }
        chosen = {"FILE_SYSTEM": file_system} if file_system is not None else {}
        settings.configure(PACKAGE_FINDER=PackageFinder(), MODULE_FINDER=ModuleFinder(), **chosen)
        try:
            yield
        finally:
            settings.configure(**saved)


class _Tolerant:
    """grimp's file system, with two changes.

    - The "mtime" grimp sees for a module of the project is a number made from its content hash: the
      kept graph (arch_rules/graph/kept.py) reuses a module's scan while that number is unchanged, so
      exactly the files whose content changed are scanned again (an edit that keeps the mtime, a
      checkout restoring an older file).
    - A file it cannot stat (a dangling link) does not stop the walk: it is not a module of the project,
      and the module filter drops it before anything reads it.
    - The walk does not follow folder links (see ``walk``).
    """

    def __init__(self, inner: Any, versions: Callable[[], dict[str, float]]) -> None:
        self._inner = inner
        self._versions = versions  # made once, on the first file grimp's walk asks about

    def get_mtime(self, file_name: str) -> float:
        version = self._versions().get(os.path.normcase(os.path.abspath(file_name)))
        if version is not None:
            return version
        try:
            return float(self._inner.get_mtime(file_name))
        except OSError:
            return 0.0

    def walk(self, directory_name: str) -> Iterator[tuple[str, list[str], list[str]]]:
        """Never through a folder link (grimp follows them: ``here -> .`` walked forever). The project
        model does not follow them either, so the graph sees exactly the project's files."""
        yield from os.walk(directory_name, followlinks=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _drop_uncounted_imports(graph: Any, uncounted: Mapping[str, frozenset[int]]) -> None:
    """Imports the configuration does not count (``local_imports = "ignore"``) leave the graph too."""
    for name, lines in sorted(uncounted.items()):
        if not lines or name not in graph.modules:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(name)):
            details = graph.get_import_details(importer=name, imported=imported)
            kept = [d for d in details if d["line_number"] not in lines]
            if len(kept) == len(details):
                continue
            graph.remove_import(importer=name, imported=imported)
            for detail in kept:
                graph.add_import(
                    importer=name,
                    imported=imported,
                    line_number=detail["line_number"],
                    line_contents=detail["line_contents"],
                )


def _has_internal_imports(project: Project, graph: Any) -> bool:
    for name in project.modules:
        if name in graph.modules and any(
            project.is_first_party(other) for other in graph.find_modules_directly_imported_by(name)
        ):
            return True
    return False
