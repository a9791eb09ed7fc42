"""Orchestration: configuration → project → facts per file (cached, parallel) → rules → findings →
suppression, selection, severity, baseline. Knows nothing of terminals or argument parsing. The analysis
itself is ``engine.analysis``; the steps from its findings to the report, ``engine.report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from arch_rules import defaults, rules
from arch_rules.engine.analysis import RESULT_FORMAT, Analysis, analyse, cached_result, graph_versions, left_out
from arch_rules.engine.cache import Cache, content_hash
from arch_rules.engine.options import Options
from arch_rules.engine.report import apply_baseline, build_report, configured_baseline
from arch_rules.engine.shapes import conforms
from arch_rules.engine.standards import plugin_records
from arch_rules.engine.store import Contents, FactStore, read_all
from arch_rules.errors import ArchRulesError, ConfigError, UsageError
from arch_rules.model import cachedir
from arch_rules.model.config import Config, load, unknown_teams
from arch_rules.model.findings import Report
from arch_rules.model.project import Project, discover
from arch_rules.rules import Rule

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
    config, project, _cache = _prepare(options, tree, kept_ignores)
    return config, project


def _prepare(options: Options, tree: Tree | None, kept_ignores: bool) -> tuple[Config, Project, Cache | None]:
    """``prepare``, and the cache it opened for the kept ignore answers (None when it opened none)."""
    config = tree.load_config(options) if tree else load(options.config, options.start, rules.codes())
    cache = None
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
    return config, project, cache


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
    config, project, opened = _prepare(options, tree, kept_ignores=trust_cache)
    cache = opened if opened is not None else open_cache(config, options.cache)
    cache.reads = trust_cache
    plugin_rules = plugin_records(config, cache)
    _check_codes(options, plugin_rules)
    data, hashes = tree.read(project) if tree else read_all(project, cache)
    project.hashes = hashes
    key = _result_key(cache, config, options, hashes, project.namespaces)
    name = tree.result_name if tree else "result"
    previous = cached_result(cache, name)
    if tree is not None and (previous is None or previous.get("key") != key):
        # Another tree's first run starts from the working tree's result: what did not change is reused.
        previous = (tree.start if cache.reads else None) or cached_result(cache, "result") or previous
    facts = FactStore(project, data, hashes, cache, options.jobs, tree.shards if tree else None)
    project.facts = facts
    state = previous
    if previous is not None and previous.get("key") == key:
        analysis = Analysis.from_state(previous)
    else:
        file_system = tree.file_system(project) if tree else None
        analysis = analyse(project, options, hashes, previous, facts, data.get, cache, file_system)
        facts.save()
        state = {"format": RESULT_FORMAT, "key": key, **analysis.state()}
        cache.write(name, state)
    report = build_report(project, analysis, options)
    report.notes.extend(project.notes)
    report.notes.extend(analysis.notes)
    note = left_out(project, analysis) if options.graph else None
    if note:
        report.notes.append(note)
    return Run(config, project, report, data, plugin_rules, state if cache.enabled else None)


def _check_codes(options: Options, plugin_rules: dict[str, Rule]) -> None:
    """``--select``/``--ignore`` codes of plugin rules are known once the plugins are: check them now."""
    codes = [*plugin_rules, defaults.CODE_PREFIX]
    for code in (*(options.select or ()), *options.ignore):
        if not code.startswith(defaults.CODE_PREFIX) and not any(known.startswith(code) for known in codes):
            from arch_rules.model.config import did_you_mean

            raise UsageError(f"unknown rule code {code!r}{did_you_mean(code, list(plugin_rules))}")


def open_cache(config: Config, enabled: bool) -> Cache:
    """The run's cache, in a folder arch-rules made and marked (``cachedir``); disabled when that folder
    cannot be made (a read-only checkout still checks). A folder that is not arch-rules' own is exit 2."""
    if not enabled:
        return Cache(config.root / config.cache_dir, enabled=False)
    folder = cachedir.prepare(config.root, config.cache_dir, config.display_path, "cache_dir" in config.raw)
    return Cache(folder if folder is not None else config.root / config.cache_dir, enabled=folder is not None)


def _result_key(cache: Cache, config: Config, options: Options, hashes: dict[str, str], namespaces: set[str]) -> str:
    """Everything the cached findings depend on. ``select``/``ignore``/``paths``/``baseline`` are not in
    it: ``build_report`` applies them to the cached findings. The configuration file's text is (beyond the
    table's meaning in ``config.digest``): ARC001/ARC004 carry its line numbers.
    """
    parts = [cache.tag, config.digest, content_hash(config.text.encode()), str(config.path)]
    if config.plugins:  # the rules teams write: editing one must not reuse the findings of the old one
        from arch_rules.engine.plugins import source_digest

        parts.append(source_digest(config))
    parts.append(f"graph={options.graph}" + (f" {graph_versions()}" if options.graph else ""))
    parts += (f"{rel}:{digest}" for rel, digest in sorted(hashes.items()))
    parts += (f"namespace:{name}" for name in sorted(namespaces))
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
