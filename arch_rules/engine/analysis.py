"""The analysis of one run: each module's findings (``ModuleResult``, reusable while its content and the
cross-file context hold) and the whole-project part (configuration and graph findings), computed from the
facts and the previous run's result (docs/performance.md, "What a run redoes"), and how a cached result
is checked before it is trusted.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arch_rules import rules
from arch_rules.engine.cache import Cache, content_hash
from arch_rules.engine.options import Options
from arch_rules.engine.shapes import conforms
from arch_rules.engine.standards import Standards
from arch_rules.engine.store import FactStore, extract_many
from arch_rules.facts import FileFacts, ImportFact, Noqa
from arch_rules.model.findings import Finding
from arch_rules.model.leftout import left_out_note, missing_imports
from arch_rules.model.project import Project

if TYPE_CHECKING:
    from arch_rules.graph import Store

__all__ = [
    "RESULT_FORMAT",
    "Analysis",
    "ModuleResult",
    "analyse",
    "cached_result",
    "graph_versions",
    "left_out",
    "valid_result",
]


#: The layout of the cached result; a change makes old entries a miss.
RESULT_FORMAT = 3


@dataclass(frozen=True)
class ModuleResult:
    """One module's part of a run, reusable while its content and the cross-file context are unchanged."""

    digest: str  # content hash
    imports: str  # digest of its import facts: the graph and ARC004 need redoing when one changes
    exports: str  # digest of what it exports: other modules' ARC102 messages read it (interfaces)
    noqa: tuple[Noqa, ...]
    findings: tuple[Finding, ...]
    # What the whole-project part needs of the module's facts, so an import edit elsewhere does not load
    # them: whether it parses, the lines of imports the configuration does not count (both for the
    # graph) and its part of the import-reading project rules (ARC004's ignore_imports entries used).
    broken: bool = False
    uncounted: tuple[int, ...] = ()
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: First-party names its imports refer to that are not modules (the note on left-out modules,
    #: ``model.leftout``); None: not worked out (a run without the graph).
    missing: tuple[str, ...] | None = None
    #: The ``@deprecated`` definitions it declares (``deprecations.collect``); None: not looked at.
    deprecations: tuple[tuple[str, str, int], ...] | None = None


@dataclass
class Analysis:
    """The findings of one run, kept in two parts so that the run after a small change redoes little:
    each module's own findings (valid while its content and the cross-file *context* are unchanged) and
    the whole-project findings, configuration and graph (valid while no import anywhere changed)."""

    context: str
    modules: dict[str, ModuleResult]  # by relpath
    shared_key: str
    shared: tuple[Finding, ...]
    notes: list[str]
    #: The project rules that read only the declaration and the module set (ARC001): valid with ``context``.
    declared: tuple[Finding, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        out = [finding for result in self.modules.values() for finding in result.findings]
        out.extend(self.declared)
        out.extend(self.shared)
        return out

    def state(self) -> dict[str, object]:
        return {
            "context": self.context,
            "modules": {rel: tuple(vars(r).values()) for rel, r in self.modules.items()},
            "shared_key": self.shared_key,
            "shared": self.shared,
            "notes": self.notes,
            "declared": self.declared,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Analysis:
        modules = {rel: ModuleResult(*values) for rel, values in state["modules"].items()}
        return cls(
            state["context"], modules, state["shared_key"], state["shared"], list(state["notes"]), state["declared"]
        )


def analyse(
    project: Project,
    options: Options,
    hashes: dict[str, str],
    previous: dict[str, Any] | None,
    facts: FactStore,
    read: Callable[[str], bytes | None] | None = None,
    store: Store | None = None,
    file_system: object = None,
) -> Analysis:
    """Every finding of the project, reusing the previous run's per-module and whole-project parts where they
    still hold. ``read`` gives a file's bytes (the libcst rules read interface modules and the files they
    visit); without it the standards are not run. ``file_system``: grimp's, for files not on the disk
    (``Tree.file_system``)."""
    before = Analysis.from_state(previous) if previous else None
    # The libcst rules (standards, deprecations, plugins): None when the project declares none. What each
    # module declares deprecated is kept with its result, so only changed files are read for it.
    declares: dict[str, tuple[tuple[str, str, int], ...]] = {}
    known = {
        rel: result.deprecations
        for rel, result in (before.modules.items() if before else ())
        if result.deprecations is not None and hashes.get(rel) == result.digest
    }
    standards = Standards.of(project, read, known, declares) if read is not None else None
    unchanged = {
        rel: result
        for rel, result in (before.modules.items() if before else ())
        if hashes.get(rel) == result.digest and rel in project.by_path
    }
    changed = [m.name for m in project.modules.values() if m.relpath not in unchanged]
    facts.prefetch(changed)
    exports = {rel: result.exports for rel, result in unchanged.items()}
    exports.update((project.modules[name].relpath, _exports_digest(facts[name])) for name in changed)
    context = _context_digest(project, exports, standards.digest if standards else "")
    if before is None or before.context != context:
        unchanged = {}
        facts.prefetch(sorted(project.modules))
    linted: dict[str, tuple[Finding, ...]] = {}
    if standards is not None and read is not None:
        redo = [m for m in project.modules.values() if m.relpath not in unchanged]
        items = standards.items(redo, read)
        results = extract_many(items, options.jobs, standards.check)
        linted = dict(zip((item.context.path for item in items), results, strict=True))
    per_module: dict[str, ModuleResult] = {}
    for name in sorted(project.modules):
        module = project.modules[name]
        reused = unchanged.get(module.relpath)
        if reused is not None:
            if reused.missing is None and options.graph:  # kept by a run without the graph
                missing = _missing_imports(project, name, facts[name])
                reused = dataclasses.replace(reused, missing=missing)
            per_module[module.relpath] = reused
            continue
        own = facts[name]
        found = (*rules.check_module(project, module, own), *linted.get(module.relpath, ()))
        per_module[module.relpath] = ModuleResult(
            hashes[module.relpath],
            content_hash(repr(own.imports).encode()),
            exports[module.relpath],
            own.noqa,
            found,
            own.syntax_error is not None,
            tuple(sorted({fact.line for fact in own.imports if not fact.dynamic and not project.counts(fact)})),
            rules.module_parts(project, name, own),
            _missing_imports(project, name, own) if options.graph else None,
            declares.get(module.relpath),
        )
    # Whether a module parses is part of it: a file with no imports that stops parsing leaves the graph
    # (and the graph's note says so) although its import facts are the same (none).
    imports = content_hash(
        "\0".join(f"{rel}:{r.imports}:{int(r.broken)}" for rel, r in sorted(per_module.items())).encode()
    )
    # The graph engine's versions too: an upgrade of import-linter or grimp can change ARC2xx findings.
    graph = f"graph={options.graph}" + (f" {graph_versions()}" if options.graph else "")
    shared_key = content_hash(f"{context}\0{imports}\0{graph}".encode())
    declared = (
        before.declared
        if before is not None and before.context == context
        else tuple(rules.check_project(project, imports=False))
    )
    if before is not None and before.shared_key == shared_key:
        return Analysis(context, per_module, shared_key, before.shared, list(before.notes), declared)
    recent = _recent_shared(store)
    if shared_key in recent:
        # The same imports and context as a recent run (the base of check --since after an import edit,
        # an import added and removed again): its configuration and graph findings hold.
        shared_found, shared_notes = recent[shared_key]
        if next(reversed(recent)) != shared_key:  # the most recently used is the last to go
            _keep_shared(store, recent, shared_key, shared_found, shared_notes)
        return Analysis(context, per_module, shared_key, shared_found, list(shared_notes), declared)
    # The import facts the graph resolves each module's imports from (arch_rules/graph/resolve.py), instead
    # of grimp reading the files again: those read this run now, the others' only if the kept graph lacks
    # them (after a --no-graph run, a damaged entry). Every module's graph imports then come the same way,
    # whatever the cache holds.
    objects: Mapping[str, tuple[ImportFact, ...]] = (
        _ImportFacts(facts, project, per_module, unchanged) if options.graph else {}
    )
    facts.release()
    # What is still loaded lives until the graph is done: keep it out of the collector's scans meanwhile
    # (at 10,000 modules those cost the graph build about a third of its time), and give it back
    # afterwards, so a long-lived process (an editor, the Python API) does not keep it.
    gc.freeze()
    try:
        notes: list[str] = []
        parts: dict[str, frozenset[str]] = {}
        for result in per_module.values():
            for code, part in result.parts:
                if part:
                    parts[code] = parts.get(code, frozenset()).union(part)
        shared = rules.check_project(project, imports=True, parts=parts)
        if options.graph:
            from arch_rules.graph import Inputs  # here: a warm run never loads the graph side

            owner = options.graph_cache_owner  # False: the base of check --since keeps its own graph
            inputs = Inputs(
                broken=frozenset(project.by_path[rel].name for rel, r in per_module.items() if r.broken),
                uncounted={
                    project.by_path[rel].name: frozenset(r.uncounted) for rel, r in per_module.items() if r.uncounted
                },
                store=store,
                entry="graph" if owner else "graph-base",
                fallback=None if owner else "graph",
                sites=_known_sites(project, before, hashes) if before is not None else {},
                file_system=file_system,
                objects=objects,
            )
            shared.extend(rules.check_graph(project, cache=options.cache, notes=notes, inputs=inputs))
    finally:
        gc.unfreeze()
    _keep_shared(store, recent, shared_key, tuple(shared), notes)
    return Analysis(context, per_module, shared_key, tuple(shared), notes, declared)


class _ImportFacts(Mapping[str, "tuple[ImportFact, ...]"]):
    """Each module's import facts for the graph: those of the modules read this run taken before their facts
    are let go; the unchanged modules' read back from the facts cache on first use, all at once."""

    def __init__(
        self, facts: FactStore, project: Project, per_module: dict[str, ModuleResult], unchanged: Mapping[str, Any]
    ) -> None:
        self._facts = facts
        self._read: dict[str, tuple[ImportFact, ...]] = {}
        self._later: list[str] = []
        for name, module in project.modules.items():
            if per_module[module.relpath].broken:
                continue
            if module.relpath in unchanged:
                self._later.append(name)
            else:
                self._read[name] = facts[name].imports
        self._waiting = set(self._later)

    def __getitem__(self, name: str) -> tuple[ImportFact, ...]:
        found = self._read.get(name)
        if found is None:
            if name not in self._waiting:
                raise KeyError(name)
            self._facts.prefetch(self._later)
            for waiting in self._later:
                self._read[waiting] = self._facts[waiting].imports
            self._waiting.clear()
            self._facts.release()  # only the imports are needed: the rest goes again
            found = self._read[name]
        return found

    def __iter__(self) -> Iterator[str]:
        yield from self._read
        yield from self._waiting

    def __len__(self) -> int:
        return len(self._read) + len(self._waiting)


#: How many whole-project parts (configuration and graph findings) are kept by their key, beyond the
#: last run's: enough for the working tree and the base of ``check --since`` and an edit undone.
_RECENT_SHARED = 4


def _recent_shared(store: Store | None) -> dict[str, tuple[tuple[Finding, ...], list[str]]]:
    """The whole-project parts of recent runs by ``shared_key`` (the cache's ``shared`` entry), or {}."""
    kept = store.read("shared") if store is not None else None
    if not isinstance(kept, dict) or not conforms(kept, dict[str, tuple[tuple[Finding, ...], list[str]]]):
        return {}
    return kept


def _keep_shared(
    store: Store | None,
    recent: dict[str, tuple[tuple[Finding, ...], list[str]]],
    key: str,
    shared: tuple[Finding, ...],
    notes: list[str],
) -> None:
    if store is None:
        return
    recent.pop(key, None)
    recent[key] = (shared, list(notes))
    while len(recent) > _RECENT_SHARED:
        del recent[next(iter(recent))]
    store.write("shared", recent)


def _known_sites(
    project: Project, before: Analysis, hashes: dict[str, str]
) -> dict[tuple[str, int, str], tuple[int, int, str]]:
    """Where the last run's graph findings were located, for the modules whose content has not changed
    since: (module, line) to (column, end line, snippet), which depend on the module's content only. A
    chain starting there is located without loading the module's facts (an import edit elsewhere would
    otherwise load the facts of every module that starts a reported chain)."""
    graph_codes = rules.graph_codes()
    sites: dict[tuple[str, int, str], tuple[int, int, str]] = {}
    for finding in before.shared:
        if finding.code not in graph_codes or finding.module is None:
            continue
        module = project.modules.get(finding.module)
        kept = before.modules.get(module.relpath) if module is not None else None
        if module is None or kept is None or kept.digest != hashes.get(module.relpath):
            continue
        if not finding.chain:
            continue
        end = finding.end_line if finding.end_line is not None else finding.line
        sites[(finding.module, finding.line, finding.chain[0].imported)] = (finding.column, end, finding.snippet)
    return sites


def _missing_imports(project: Project, name: str, facts: FileFacts) -> tuple[str, ...]:
    """``model.leftout.missing_imports`` of one module: kept with its result, for the left-out note."""
    return tuple(sorted(missing_imports(project, name, facts)))


def left_out(project: Project, analysis: Analysis) -> str | None:
    """The note on the modules the project imports that are excluded or gitignored, from every module's
    kept ``missing`` names and the disk as it is now (so it is never a cached run's stale note)."""
    names = {name for result in analysis.modules.values() for name in result.missing or ()}
    return left_out_note(project, names)


def _exports_digest(facts: FileFacts) -> str:
    return content_hash(repr((facts.all_names, facts.all_dynamic, sorted(facts.bound_names))).encode())


def _context_digest(project: Project, exports: dict[str, str], standards: str = "") -> str:
    """What a module's findings depend on beyond its own content: the configuration (and its text, for
    locations), the set of modules, and what every interface module exports (ARC102 names the interface
    that exports an imported name)."""
    # ``standards``: the libcst rules' own digest (plugin sources, deprecations read from interfaces).
    parts = [project.config.digest, content_hash(project.config.text.encode()), standards]
    parts += (f"{name}:{int(module.is_package)}" for name, module in sorted(project.modules.items()))
    parts += sorted(project.namespaces)
    parts += (
        f"{name}={exports[project.modules[name].relpath]}"
        for name in sorted(project.modules)
        # A package's bindings decide whether `from package import n` takes a name or a submodule.
        if project.is_interface(name) or project.modules[name].is_package
    )
    return content_hash("\0".join(parts).encode())


def cached_result(cache: Cache, name: str) -> dict[str, Any] | None:
    """The cache's result entry ``name`` if it has this layout and every field the expected type, else None."""
    cached = cache.read(name)
    return cached if valid_result(cached) else None


def valid_result(state: Any) -> bool:
    """A cached result of this layout with every field of the expected type (else it is a miss)."""
    if not isinstance(state, dict) or state.get("format") != RESULT_FORMAT:
        return False
    modules = state.get("modules")
    if not isinstance(modules, dict):
        return False
    return (
        isinstance(state.get("key"), str)
        and conforms(state.get("context"), str)
        and conforms(state.get("shared_key"), str)
        and conforms(state.get("notes"), list[str])
        and conforms(state.get("shared"), tuple[Finding, ...])
        and conforms(state.get("declared"), tuple[Finding, ...])
        and all(conforms(rel, str) and conforms(values, _module_result_shape()) for rel, values in modules.items())
    )


@functools.lru_cache(maxsize=1)
def _module_result_shape() -> Any:
    """A cached ``ModuleResult`` as the state keeps it: the tuple of its fields' values, typed field by field
    (derived from the class, so a field added there is checked here too)."""
    hints = typing.get_type_hints(ModuleResult)
    return tuple.__class_getitem__(tuple(hints[f.name] for f in dataclasses.fields(ModuleResult)))


@functools.lru_cache(maxsize=1)  # ~80 ms of metadata lookups; check --since runs the engine twice
def graph_versions() -> str:
    """The graph engine's versions: an upgrade of import-linter or grimp can change ARC2xx findings."""
    from importlib import metadata

    versions = []
    for name in ("import-linter", "grimp"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return " ".join(versions)
