"""Orchestration: configuration → project → facts per file (cached, parallel) → rules → findings →
suppression, selection, severity, baseline. Knows nothing of terminals or argument parsing.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from arch_rules import defaults, rules, safefile
from arch_rules.engine.cache import Cache, content_hash
from arch_rules.engine.selection import Selection
from arch_rules.engine.shapes import conforms
from arch_rules.engine.standards import Standards, plugin_records
from arch_rules.engine.store import Contents, FactStore, extract_many, read_all
from arch_rules.engine.suppression import apply_noqa, suppressed_note
from arch_rules.errors import ArchRulesError, ConfigError, UsageError
from arch_rules.facts import FileFacts, Noqa, noqa_comments, source_lines
from arch_rules.model import cachedir
from arch_rules.model.config import Config, load, unknown_teams
from arch_rules.model.findings import Finding, Report
from arch_rules.model.project import Project, discover
from arch_rules.rules import Rule

if TYPE_CHECKING:
    from arch_rules.graph import Store

__all__ = [
    "Options",
    "Run",
    "Tree",
    "analyse",
    "apply_baseline",
    "configured_baseline",
    "open_cache",
    "prepare",
    "run",
    "run_full",
]


@dataclass(frozen=True)
class Options:
    """What one run is asked to do: where to start, which configuration, which paths, rules, jobs, cache and
    baseline."""

    start: Path = field(default_factory=Path.cwd)
    config: Path | None = None
    #: Limit which files are reported (files or folders); the analysis is always whole.
    paths: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    graph: bool = True
    jobs: int | None = None
    cache: bool = True
    #: A baseline file; None: the configured default when it exists; "" : none.
    baseline: str | None = None
    #: Only files git tracks are part of the project (pre-commit runs).
    git_only: bool = False
    #: This run owns the kept import graph (the cache's ``graph`` entry). Off for a tree grimp reads from
    #: memory (see `Tree`): it keeps its own (``graph-base``) and starts from the working tree's.
    graph_cache_owner: bool = True
    #: Report what noqa comments would suppress (flake8's ``--disable-noqa``).
    disable_noqa: bool = False


class Tree(Protocol):
    """Where a run takes its files from when they are not the working tree's (the base of
    ``check --since``, read from git's objects): the configuration, the module list, each file's bytes
    and content hash, and a context in which grimp reads the same bytes. The facts cache is shared (it is
    keyed by content hash); the whole-result entry is ``result_name``, so the working tree's is kept."""

    result_name: str
    #: Fact shards another run of this process has read already (content-addressed, so shareable).
    shards: dict[str, dict[str, Any]] | None
    #: The working tree's result as its run of this process left it (``Run.state``): where this tree's
    #: first run starts from, instead of reading and checking the cache's ``result`` entry again.
    start: dict[str, Any] | None

    def load_config(self, options: Options) -> Config: ...

    def discover(self, config: Config) -> Project: ...

    def file(self, relpath: str) -> bytes | None: ...

    def read(self, project: Project) -> tuple[Contents, dict[str, str]]: ...

    def file_system(self, project: Project) -> object: ...


@dataclass
class Run:
    """Everything one run has read; adapters (fix, graph, contracts) reuse it instead of reading again."""

    config: Config
    project: Project
    report: Report
    data: dict[str, bytes] = field(default_factory=dict)
    #: The records of the rules team plugins add, by code (the built-in ones are ``rules.all_rules()``).
    plugin_rules: dict[str, Rule] = field(default_factory=dict)
    #: The result as the cache holds it (None without a cache): ``Tree.start`` of the base of --since.
    state: dict[str, Any] | None = None


def prepare(options: Options, tree: Tree | None = None, kept_ignores: bool = False) -> tuple[Config, Project]:
    """The configuration and the project model it describes, with the teams of team files and CODEOWNERS;
    every problem at once as a ``ConfigError``. With ``tree``, of the files it holds. ``kept_ignores``:
    the walk reuses the last run's exclude / .gitignore answers from the cache (``ignores`` entry) while
    the ignore files are unchanged, and keeps its own for the next run."""
    config = tree.load_config(options) if tree else load(options.config, options.start, rules.codes())
    if tree is not None:
        project = tree.discover(config)
    else:
        cache = open_cache(config, options.cache) if kept_ignores and options.cache else None
        kept = cache.read("ignores") if cache is not None else None
        known = None
        if isinstance(kept, dict) and conforms(kept.get("key"), str) and conforms(kept.get("answers"), dict[str, bool]):
            known = (kept["key"], kept["answers"])
        project = discover(config, git_only=options.git_only, ignores=known)
        if cache is not None and project.ignores != known:
            cache.write("ignores", {"key": project.ignores[0], "answers": project.ignores[1]})
    from arch_rules.model.teamfiles import with_team_files

    config, project = with_team_files(config, project, tree.file if tree else None)
    if config.codeowners:
        from arch_rules.model.codeowners import with_codeowners

        config, project = with_codeowners(config, project, tree.file if tree else None)
    problems = unknown_teams(config) + project.ownership_conflicts() + _interface_ownership(project)
    if problems:
        raise ConfigError(problems)
    return config, project


def run(options: Options) -> Report:
    """The report of one run: what ``arch-rules check`` and the Python API return."""
    return run_full(options).report


def run_full(options: Options, tree: Tree | None = None) -> Run:
    """One run, with what it read (configuration, project, file contents) for adapters that act on it;
    with ``tree``, of the files it holds instead of the working tree's."""
    try:
        return _run_full(options, tree, trust_cache=True)
    except (ArchRulesError, KeyboardInterrupt):
        raise
    except Exception:  # noqa: BLE001 - retried below without reading the cache, where a real bug shows again
        if not options.cache:
            raise
    # A cache entry that passed every check and still broke the run: run again without reading any entry
    # (each is rewritten), so a damaged cache costs one slow run, never an exit 3 on every run after.
    return _run_full(options, tree, trust_cache=False)


def _run_full(options: Options, tree: Tree | None, trust_cache: bool) -> Run:
    config, project = prepare(options, tree, kept_ignores=trust_cache)
    cache = open_cache(config, options.cache)
    cache.reads = trust_cache
    plugin_rules = plugin_records(config, cache)
    _check_codes(options, plugin_rules)
    data, hashes = tree.read(project) if tree else read_all(project, cache)
    project.hashes = hashes
    key = _result_key(cache, config, options, hashes, project.namespaces)
    name = tree.result_name if tree else "result"
    previous = _cached_result(cache, name)
    if tree is not None and (previous is None or previous.get("key") != key):
        # Another tree's first run starts from the working tree's result: what did not change is reused.
        previous = (tree.start if cache.reads else None) or _cached_result(cache, "result") or previous
    facts = FactStore(project, data, hashes, cache, options.jobs, tree.shards if tree else None)
    project.facts = facts
    state = previous
    if previous is not None and previous.get("key") == key:
        analysis = Analysis.from_state(previous)
    else:
        file_system = tree.file_system(project) if tree else None
        analysis = analyse(project, options, hashes, previous, facts, data.get, cache, file_system)
        facts.save()
        state = {"format": _RESULT_FORMAT, "key": key, **analysis.state()}
        cache.write(name, state)
    report = _report(project, analysis, options)
    report.notes.extend(project.notes)
    report.notes.extend(analysis.notes)
    return Run(config, project, report, data, plugin_rules, state if cache.enabled else None)


def _check_codes(options: Options, plugin_rules: dict[str, Rule]) -> None:
    """``--select``/``--ignore`` codes of plugin rules are known once the plugins are: check them now."""
    codes = [*plugin_rules, defaults.CODE_PREFIX]
    for code in (*(options.select or ()), *options.ignore):
        if not code.startswith(defaults.CODE_PREFIX) and not any(known.startswith(code) for known in codes):
            from arch_rules.model.config import did_you_mean

            raise UsageError(f"unknown rule code {code!r}{did_you_mean(code, list(plugin_rules))}")


def _cached_result(cache: Cache, name: str) -> dict[str, Any] | None:
    cached = cache.read(name)
    return cached if _valid_result(cached) else None


def open_cache(config: Config, enabled: bool) -> Cache:
    """The run's cache, in a folder arch-rules made and marked (``cachedir``); disabled when that folder
    cannot be made (a read-only checkout still checks). A folder that is not arch-rules' own is exit 2."""
    if not enabled:
        return Cache(config.root / config.cache_dir, enabled=False)
    folder = cachedir.prepare(config.root, config.cache_dir, config.display_path, "cache_dir" in config.raw)
    return Cache(folder if folder is not None else config.root / config.cache_dir, enabled=folder is not None)


def _valid_result(state: Any) -> bool:
    """A cached result of this layout with every field of the expected type (else it is a miss)."""
    if not isinstance(state, dict) or state.get("format") != _RESULT_FORMAT:
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
        and all(conforms(rel, str) and conforms(values, _module_result_shape()) for rel, values in modules.items())
    )


@functools.lru_cache(maxsize=1)
def _module_result_shape() -> Any:
    """A cached ``ModuleResult`` as the state keeps it: the tuple of its fields' values, typed field by field
    (derived from the class, so a field added there is checked here too)."""
    hints = typing.get_type_hints(ModuleResult)
    return tuple.__class_getitem__(tuple(hints[f.name] for f in dataclasses.fields(ModuleResult)))


def _result_key(cache: Cache, config: Config, options: Options, hashes: dict[str, str], namespaces: set[str]) -> str:
    """Everything the cached findings depend on. ``select``/``ignore``/``paths``/``baseline`` are not in
    it: ``_report`` applies them to the cached findings. The configuration file's text is (beyond the
    table's meaning in ``config.digest``): ARC001/ARC004 carry its line numbers.
    """
    parts = [cache.tag, config.digest, content_hash(config.text.encode()), str(config.path)]
    if config.plugins:  # the rules teams write: editing one must not reuse the findings of the old one
        from arch_rules.engine.plugins import source_digest

        parts.append(source_digest(config))
    parts.append(f"graph={options.graph}" + (f" {_graph_versions()}" if options.graph else ""))
    parts += (f"{rel}:{digest}" for rel, digest in sorted(hashes.items()))
    parts += (f"namespace:{name}" for name in sorted(namespaces))
    return content_hash("\0".join(parts).encode())


@functools.lru_cache(maxsize=1)  # ~80 ms of metadata lookups; check --since runs the engine twice
def _graph_versions() -> str:
    """The graph engine's versions: an upgrade of import-linter or grimp can change ARC2xx findings."""
    from importlib import metadata

    versions = []
    for name in ("import-linter", "grimp"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return " ".join(versions)


# ----------------------------------------------------------------------------------------------------
# analysis


#: The layout of the cached result; a change makes old entries a miss.
_RESULT_FORMAT = 3


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
    #: First-party names its imports refer to that are not modules (the graph's note on left-out modules).
    missing: tuple[str, ...] = ()
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
            _missing_imports(project, name, own) if options.graph else (),
            declares.get(module.relpath),
        )
    imports = content_hash("\0".join(f"{rel}:{r.imports}" for rel, r in sorted(per_module.items())).encode())
    shared_key = content_hash(f"{context}\0{imports}\0graph={options.graph}".encode())
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
                missing=frozenset(name for r in per_module.values() for name in r.missing),
                sites=_known_sites(project, before, hashes) if before is not None else {},
                file_system=file_system,
            )
            shared.extend(rules.check_graph(project, cache=options.cache, notes=notes, inputs=inputs))
    finally:
        gc.unfreeze()
    _keep_shared(store, recent, shared_key, tuple(shared), notes)
    return Analysis(context, per_module, shared_key, tuple(shared), notes, declared)


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
) -> dict[tuple[str, int], tuple[int, int, str]]:
    """Where the last run's graph findings were located, for the modules whose content has not changed
    since: (module, line) to (column, end line, snippet), which depend on the module's content only. A
    chain starting there is located without loading the module's facts (an import edit elsewhere would
    otherwise load the facts of every module that starts a reported chain)."""
    graph_codes = {rule.code for rule in rules.all_rules().values() if rule.engine == "graph"}
    sites: dict[tuple[str, int], tuple[int, int, str]] = {}
    for finding in before.shared:
        if finding.code not in graph_codes or finding.module is None:
            continue
        module = project.modules.get(finding.module)
        kept = before.modules.get(module.relpath) if module is not None else None
        if module is None or kept is None or kept.digest != hashes.get(module.relpath):
            continue
        end = finding.end_line if finding.end_line is not None else finding.line
        sites[(finding.module, finding.line)] = (finding.column, end, finding.snippet)
    return sites


def _missing_imports(project: Project, name: str, facts: FileFacts) -> tuple[str, ...]:
    """``graph.missing_imports`` of one module: kept with its result, for the graph's note."""
    from arch_rules.graph import missing_imports  # here: only a run that checks some module loads the graph side

    return tuple(sorted(missing_imports(project, name, facts)))


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


def _interface_ownership(project: Project) -> list[str]:
    problems = []
    for team in project.config.teams:
        for i, pattern in enumerate(team.interface or ()):
            for name in project.matching(pattern):
                owner = project.team_of(name)
                if owner is not team:
                    problems.append(
                        f"{team.at(f'interface[{i}]', project.config.display_path)}: {name} is owned by "
                        f"{'team ' + owner.name if owner else 'no team'}, not team {team.name}; "
                        "an interface may only name modules the team owns"
                    )
                    break
    return problems


# ----------------------------------------------------------------------------------------------------
# suppression, selection, severity, paths, baseline


def _report(project: Project, analysis: Analysis, options: Options) -> Report:
    config = project.config
    findings = analysis.findings
    selection = Selection(config, options.select, options.ignore)
    noqa_by_path = {rel: result.noqa for rel, result in analysis.modules.items()}
    noqa_by_path[config.relpath] = noqa_comments(source_lines(config.text))
    # Selection first: a bare noqa comment is ARC403 only on a line with a finding that would be reported.
    selected = [f for f in findings if selection.reports(f.path, f.code)]
    graph_codes = {rule.code for rule in rules.all_rules().values() if rule.engine == "graph"}

    def active(path: str, code: str) -> bool:
        """Whether this run computed ``code`` (a code or a prefix) for ``path``: selected, and not a graph
        code under --no-graph (ARC404 judges only those)."""
        codes = [c for c in rules.all_rules() if c.startswith(code)]
        return any(selection.reports(path, c) and (options.graph or c not in graph_codes) for c in codes)

    unsuppressed = apply_noqa(selected, noqa_by_path, active, disable=options.disable_noqa)
    result = [
        f.with_severity(selection.severity(f.code, f.severity))
        for f in unsuppressed
        if selection.reports(f.path, f.code)
    ]
    report = Report(files_checked=len(project.modules), modules=len(project.modules))
    suppressed = suppressed_note(selected, unsuppressed)
    if suppressed:
        report.notes.append(suppressed)
    result = _limit_to_paths(project, result, options, report.notes)
    result = _apply_baseline(project, result, options, report)
    report.findings = sorted(set(result), key=Finding.sort_key)
    return report


def _limit_to_paths(project: Project, findings: list[Finding], options: Options, notes: list[str]) -> list[Finding]:
    if not options.paths:
        return findings
    config_path = project.config.relpath
    root = project.root.resolve()
    files: set[str] = set()
    folders: list[str] = []
    for raw in options.paths:
        path = Path(raw)
        absolute = (options.start / path).resolve() if not path.is_absolute() else path.resolve()
        if not absolute.exists():
            raise UsageError(f"{raw}: no such file or folder")
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{raw}: outside the project root {root}") from None
        if absolute.is_dir():
            folder = "" if rel == "." else rel + "/"
            folders.append(folder)
            known = any(p.startswith(folder) for p in project.by_path) or config_path.startswith(folder)
        else:
            files.add(rel)
            known = rel in project.by_path or rel == config_path
        if not known:
            # Not an error: the pre-commit hook hands over whatever changed. Never a silent pass, though.
            notes.append(f"{raw}: not a module of the project (excluded, ignored, or outside the source roots)")
    return [f for f in findings if f.path in files or any(f.path.startswith(d) for d in folders)]


def apply_baseline(project: Project, findings: list[Finding], options: Options, report: Report) -> list[Finding]:
    """The baseline step on its own: ``check --since`` compares with the base before it applies it."""
    return _apply_baseline(project, findings, options, report)


def configured_baseline(config: Config) -> Path:
    """``rules.baseline`` inside the project, links resolved; a path that leaves it is exit 2."""
    path = safefile.inside(config.root, config.rules.baseline)
    if path is None:
        raise ConfigError(
            [safefile.outside_message(config.display_path, "tool.arch_rules.rules.baseline", config.rules.baseline)]
        )
    return path


def _apply_baseline(project: Project, findings: list[Finding], options: Options, report: Report) -> list[Finding]:
    if options.baseline == "":
        return findings
    if options.baseline is not None:
        path = Path(options.baseline)
        if not path.is_absolute():
            path = options.start / path
        if not path.exists():
            raise UsageError(f"{options.baseline}: baseline file not found (write one with `arch-rules baseline`)")
    else:
        path = configured_baseline(project.config)
        if not path.exists():
            return findings
    from arch_rules.engine import baseline

    # Stale entries only mean something when the run looked at every file and every rule.
    limited = bool(options.paths) or not options.graph or options.select is not None or bool(options.ignore)
    kept, hidden, stale = baseline.apply(baseline.load(path), findings, limited=limited)
    report.baselined = hidden
    report.stale_baseline = stale
    return kept
