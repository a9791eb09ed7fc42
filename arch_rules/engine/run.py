"""Orchestration: configuration → project → facts per file (cached, parallel) → rules → findings →
suppression, selection, severity, baseline. Knows nothing of terminals or argument parsing.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arch_rules import defaults
from arch_rules.engine.cache import Cache, content_hash
from arch_rules.engine.selection import Selection
from arch_rules.errors import ConfigError, UsageError
from arch_rules.facts import FileFacts, Noqa, extract, noqa_comments, source_lines
from arch_rules.model.config import Config, load, unknown_teams
from arch_rules.model.findings import Finding, Report
from arch_rules.model.patterns import Pattern
from arch_rules.model.project import Module, Project, discover, import_matches
from arch_rules.rules import boundaries, interfaces, modules


@dataclass(frozen=True)
class Options:
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


@dataclass
class Run:
    """Everything one run has read; adapters (fix, graph, contracts) reuse it instead of reading again."""

    config: Config
    project: Project
    report: Report
    data: dict[str, bytes] = field(default_factory=dict)


def prepare(options: Options) -> tuple[Config, Project]:
    config = load(options.config, options.start)
    project = discover(config, git_only=options.git_only)
    problems: list[str] = []
    if config.codeowners:
        from arch_rules.model.codeowners import with_codeowners

        config, project = with_codeowners(config, project)
        problems += unknown_teams(config)
    problems += project.ownership_conflicts() + _interface_ownership(project)
    if problems:
        raise ConfigError(problems)
    return config, project


def run(options: Options) -> Report:
    return run_full(options).report


def run_full(options: Options) -> Run:
    config, project = prepare(options)
    cache = Cache(config.root / config.cache_dir, enabled=options.cache)
    data, hashes = _read_all(project, cache)
    project.hashes = hashes
    key = _result_key(cache, config, options, hashes, project.namespaces)
    cached = cache.read("result")
    previous = cached if isinstance(cached, dict) and cached.get("format") == _RESULT_FORMAT else None
    facts = FactStore(project, data, hashes, cache, options.jobs)
    project.facts = facts
    if previous is not None and previous.get("key") == key:
        analysis = Analysis.from_state(previous)
    else:
        analysis = _analyse(project, options, hashes, previous, facts)
        facts.save()
        cache.write("result", {"format": _RESULT_FORMAT, "key": key, **analysis.state()})
    report = _report(project, analysis, options)
    report.notes.extend(analysis.notes)
    return Run(config, project, report, data)


# ----------------------------------------------------------------------------------------------------
# reading


class Contents(dict[str, bytes]):
    """The bytes of the project's files by relpath, read when first asked for.

    A file whose size, mtime, ctime and inode match the last run is not read at all on a warm run (its content
    hash comes from the cache); if it is asked for later, it must still hash to what the findings were
    made from, else it counts as changed since the run read it (``get`` answers None).
    """

    def __init__(self, project: Project, hashes: dict[str, str]) -> None:
        super().__init__()
        self._project = project
        self._hashes = hashes

    def __missing__(self, relpath: str) -> bytes:
        module = self._project.by_path[relpath]
        content = module.path.read_bytes()
        self[relpath] = content
        return content

    def get(self, relpath: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        if relpath in self:
            return dict.__getitem__(self, relpath)
        if relpath not in self._project.by_path:
            return default
        try:
            content = self[relpath]
        except OSError:
            return default
        return content if content_hash(content) == self._hashes.get(relpath) else default


#: A file modified this recently may be modified again within the same mtime tick: always read it.
_RACY_SECONDS = 2.0


def _read_all(project: Project, cache: Cache) -> tuple[Contents, dict[str, str]]:
    """Every file's content hash (the cache key), reading only files whose size, mtime or inode changed
    since the last run: content decides, the stat only spares reading what certainly did not change."""
    known = cache.read("stat")
    if not isinstance(known, dict):
        known = {}
    hashes: dict[str, str] = {}
    data = Contents(project, hashes)
    index: dict[str, tuple[int, int, int, int, str]] = {}
    now = time.time()
    for module in project.modules.values():
        rel = module.relpath
        try:
            stat = os.stat(module.path)
        except OSError as exc:
            hashes[rel] = f"unreadable:{exc}"
            continue
        # ctime too: no tool can set it back, so an edit that restores the mtime still shows (as in git).
        signature = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
        previous = known.get(rel)
        if (
            isinstance(previous, tuple)
            and len(previous) == 5
            and previous[:4] == signature
            and now - stat.st_mtime > _RACY_SECONDS
        ):
            hashes[rel] = previous[4]
        else:
            try:
                content = module.path.read_bytes()
            except OSError as exc:
                hashes[rel] = f"unreadable:{exc}"
                continue
            data[rel] = content
            hashes[rel] = content_hash(content)
        index[rel] = (*signature, hashes[rel])
    if index != known:
        cache.write("stat", index)
    return data, hashes


def _result_key(cache: Cache, config: Config, options: Options, hashes: dict[str, str], namespaces: set[str]) -> str:
    """Everything the cached findings depend on. ``select``/``ignore``/``paths``/``baseline`` are not in
    it: ``_report`` applies them to the cached findings. The configuration file's text is (beyond the
    table's meaning in ``config.digest``): ARC001/ARC004 carry its line numbers.
    """
    parts = [cache.tag, config.digest, content_hash(config.text.encode()), str(config.path)]
    parts.append(f"graph={options.graph}" + (f" {_graph_versions()}" if options.graph else ""))
    parts += (f"{rel}:{digest}" for rel, digest in sorted(hashes.items()))
    parts += (f"namespace:{name}" for name in sorted(namespaces))
    return content_hash("\0".join(parts).encode())


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


class FactStore(Mapping[str, FileFacts]):
    """``Project.facts``: each module's facts, taken from the sharded cache by content hash or read from
    the file, on first use. The run after a small change asks only for the changed files (and what the
    rules look up across files), so it loads a few shards instead of 10,000 modules' facts
    (docs/performance.md); a cold run asks for everything at once, and the files are read in parallel.
    """

    def __init__(
        self, project: Project, data: Contents, hashes: dict[str, str], cache: Cache, jobs: int | None
    ) -> None:
        self._project = project
        self._data = data
        self._hashes = hashes
        self._cache = cache
        self._jobs = jobs
        self._facts: dict[str, FileFacts] = {}
        self._shards: dict[str, dict[str, Any]] = {}
        self._new: dict[str, FileFacts] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        """Make these modules' facts available together: their shards read once, the rest parsed."""
        todo: list[Module] = []
        for name in names:
            if name in self._facts or name not in self._project.modules:
                continue
            module = self._project.modules[name]
            digest = self._hashes[module.relpath]
            if digest.startswith("unreadable:"):
                self._facts[name] = FileFacts(syntax_error=(1, 1, f"cannot be read ({digest[11:]})"))
                continue
            hit = self._stored(digest)
            if hit is not None:
                self._facts[name] = hit
            else:
                todo.append(module)
        if todo:
            contents = [self._data[m.relpath] for m in todo]
            for module, facts in zip(todo, _extract_many(contents, self._jobs), strict=True):
                self._facts[module.name] = facts
                self._new[self._hashes[module.relpath]] = facts

    def _stored(self, digest: str) -> FileFacts | None:
        shard = digest[:2]
        if shard not in self._shards:
            self._shards[shard] = self._cache.read_shard(shard)
        hit = self._shards[shard].get(digest)
        return hit if isinstance(hit, FileFacts) else None

    def save(self) -> None:
        """Store what this run parsed; entries of files the project no longer has leave their shards."""
        if self._new:
            live = {h for h in self._hashes.values() if not h.startswith("unreadable:")}
            self._cache.add_facts(self._new, live)
            self._new = {}

    def __getitem__(self, name: str) -> FileFacts:
        if name not in self._facts:
            if name not in self._project.modules:
                raise KeyError(name)
            self.prefetch([name])
        return self._facts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._project.modules)

    def __len__(self) -> int:
        return len(self._project.modules)


#: The inputs of a pool run, inherited by forked workers instead of being pickled to them.
_WORK: list[bytes] = []


def _extract_slice(bounds: tuple[int, int]) -> list[FileFacts]:
    return [extract(content) for content in _WORK[bounds[0] : bounds[1]]]


def _extract_many(contents: list[bytes], jobs: int | None) -> list[FileFacts]:
    """Facts of many files: serial below ``PARALLEL_THRESHOLD``, else a process pool over chunks.

    With ``fork`` the workers inherit the file contents (no pickling of the sources); they send back
    plain, picklable facts. Elsewhere (spawn) the bytes travel with the tasks.
    """
    global _WORK
    workers = min(jobs if jobs else (os.cpu_count() or 1), max(1, len(contents) // 8))
    if workers <= 1 or len(contents) < defaults.PARALLEL_THRESHOLD:
        return [extract(c) for c in contents]
    chunk = max(8, len(contents) // (workers * 4))
    try:
        import multiprocessing  # here, not at the top: a warm run never starts a pool
        from concurrent.futures import ProcessPoolExecutor

        if "fork" in multiprocessing.get_all_start_methods():
            _WORK = contents
            try:
                bounds = [(i, min(i + chunk, len(contents))) for i in range(0, len(contents), chunk)]
                with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    return [facts for part in pool.map(_extract_slice, bounds) for facts in part]
            finally:
                _WORK = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(extract, contents, chunksize=chunk))
    except (OSError, RuntimeError):  # no processes to be had here: do it in this one
        return [extract(c) for c in contents]


# ----------------------------------------------------------------------------------------------------
# analysis


#: The layout of the cached result; a change makes old entries a miss.
_RESULT_FORMAT = 2


@dataclass(frozen=True)
class ModuleResult:
    """One module's part of a run, reusable while its content and the cross-file context are unchanged."""

    digest: str  # content hash
    imports: str  # digest of its import facts: the graph and ARC004 need redoing when one changes
    exports: str  # digest of what it exports: other modules' ARC102 messages read it (interfaces)
    noqa: tuple[Noqa, ...]
    findings: tuple[Finding, ...]


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

    @property
    def findings(self) -> list[Finding]:
        out = [finding for result in self.modules.values() for finding in result.findings]
        out.extend(self.shared)
        return out

    def state(self) -> dict[str, object]:
        return {
            "context": self.context,
            "modules": {rel: tuple(vars(r).values()) for rel, r in self.modules.items()},
            "shared_key": self.shared_key,
            "shared": self.shared,
            "notes": self.notes,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Analysis:
        modules = {rel: ModuleResult(*values) for rel, values in state["modules"].items()}
        return cls(state["context"], modules, state["shared_key"], state["shared"], list(state["notes"]))


def _analyse(
    project: Project, options: Options, hashes: dict[str, str], previous: dict[str, Any] | None, facts: FactStore
) -> Analysis:
    before = Analysis.from_state(previous) if previous else None
    unchanged = {
        rel: result
        for rel, result in (before.modules.items() if before else ())
        if hashes.get(rel) == result.digest and rel in project.by_path
    }
    changed = [m.name for m in project.modules.values() if m.relpath not in unchanged]
    facts.prefetch(changed)
    exports = {rel: result.exports for rel, result in unchanged.items()}
    exports.update((project.modules[name].relpath, _exports_digest(facts[name])) for name in changed)
    context = _context_digest(project, exports)
    if before is None or before.context != context:
        unchanged = {}
        facts.prefetch(sorted(project.modules))
    per_module: dict[str, ModuleResult] = {}
    for name in sorted(project.modules):
        module = project.modules[name]
        reused = unchanged.get(module.relpath)
        if reused is not None:
            per_module[module.relpath] = reused
            continue
        own = facts[name]
        found = (
            *modules.check(project, module, own),
            *boundaries.check(project, module, own),
            *interfaces.check(project, module, own),
        )
        per_module[module.relpath] = ModuleResult(
            hashes[module.relpath], content_hash(repr(own.imports).encode()), exports[module.relpath], own.noqa, found
        )
    imports = content_hash("\0".join(f"{rel}:{r.imports}" for rel, r in sorted(per_module.items())).encode())
    shared_key = content_hash(f"{context}\0{imports}\0graph={options.graph}".encode())
    if before is not None and before.shared_key == shared_key:
        return Analysis(context, per_module, shared_key, before.shared, list(before.notes))
    facts.prefetch(sorted(project.modules))
    # Every module's facts are loaded and live until the graph is done: keep them out of the collector's
    # scans meanwhile (at 10,000 modules those cost the graph build about a third of its time), and give
    # them back afterwards, so a long-lived process (an editor, the Python API) does not keep them.
    gc.freeze()
    try:
        notes: list[str] = []
        shared = list(configuration_findings(project))
        if options.graph:
            from arch_rules.graph import contracts

            shared.extend(contracts.check(project, cache=options.cache, notes=notes))
    finally:
        gc.unfreeze()
    return Analysis(context, per_module, shared_key, tuple(shared), notes)


def _exports_digest(facts: FileFacts) -> str:
    return content_hash(repr((facts.all_names, facts.all_dynamic, sorted(facts.bound_names))).encode())


def _context_digest(project: Project, exports: dict[str, str]) -> str:
    """What a module's findings depend on beyond its own content: the configuration (and its text, for
    locations), the set of modules, and what every interface module exports (ARC102 names the interface
    that exports an imported name)."""
    parts = [project.config.digest, content_hash(project.config.text.encode())]
    parts += (f"{name}:{int(module.is_package)}" for name, module in sorted(project.modules.items()))
    parts += sorted(project.namespaces)
    parts += (
        f"{name}={exports[project.modules[name].relpath]}"
        for name in sorted(project.modules)
        if project.is_interface(name)
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
                        f"{project.config.display_path}: {team.key}.interface[{i}]: {name} is owned by "
                        f"{'team ' + owner.name if owner else 'no team'}, not team {team.name}; "
                        "an interface may only name modules the team owns"
                    )
                    break
    return problems


def configuration_findings(project: Project) -> Iterator[Finding]:
    """ARC001 (a pattern that matches nothing) and ARC004 (an exception no import needs)."""
    config = project.config
    path = _config_relpath(config)

    def finding(code: str, key: str, value: str, message: str) -> Finding:
        return Finding(code, message, path, line=config.line_of(key, value), column=1, snippet=f"{key}={value}")

    def unknown(key: str, text: str, covers: bool = True) -> Finding | None:
        pattern = Pattern(text)
        hit = project.any_covered(pattern) if covers else project.any_matched(pattern)
        if hit:
            return None
        return finding(
            "ARC001",
            key,
            text,
            f"{key}: {text!r} matches no module of the project (a typo, or the code moved); "
            "fix the pattern or remove it",
        )

    out: list[Finding] = []

    def add(item: Finding | None) -> None:
        if item is not None:
            out.append(item)

    for team in config.teams:
        for i, p in enumerate(team.owns):
            add(unknown(f"{team.key}.owns[{i}]", p.text))
        for i, p in enumerate(team.interface or ()):
            add(unknown(f"{team.key}.interface[{i}]", p.text, covers=False))
    for rule in config.forbid:
        for i, p in enumerate(rule.sources):
            add(unknown(f"{rule.key}.from[{i}]", p.text))
        for i, p in enumerate(rule.forbidden):
            if project.is_first_party_pattern(p):
                add(unknown(f"{rule.key}.import[{i}]", p.text))
    for group in config.independent:
        for i, p in enumerate(group.modules):
            add(unknown(f"{group.key}.modules[{i}]", p.text))
    for i, p in enumerate(config.acyclic):
        add(unknown(f"tool.arch_rules.acyclic[{i}]", p.text, covers=False))
    for stack in config.layers:
        containers = project.containers(stack) if stack.containers else []
        for i, c in enumerate(stack.containers):
            add(unknown(f"{stack.key}.containers[{i}]", c.text, covers=False))
        for level in stack.levels:
            for entry in level.entries:
                if stack.containers:
                    missing = [c for c in containers if not project.any_covered(Pattern(f"{c}.{entry.pattern.text}"))]
                    if missing and not entry.optional and containers:
                        out.append(
                            finding(
                                "ARC001",
                                entry.key,
                                entry.pattern.text,
                                f"{entry.key}: layer {entry.pattern.text!r} is missing from container"
                                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}; create it, fix the name, "
                                f'or mark it optional as "({entry.pattern.text})"',
                            )
                        )
                elif not entry.optional:
                    add(unknown(entry.key, entry.pattern.text))
    # ignore_imports: a module that does not exist is ARC001; an entry no import uses is ARC004.
    used = _used_ignores(project)
    for exception in config.ignored_imports():
        broken = False
        for side in (exception.importer, exception.imported):
            if side is exception.imported and not project.is_first_party_pattern(side):
                continue
            if not project.any_matched(side):
                out.append(
                    finding(
                        "ARC001",
                        exception.key,
                        exception.text,
                        f"{exception.key}: {side.text!r} in {exception.text!r} matches no module of the project; "
                        "fix the exception or remove it",
                    )
                )
                broken = True
                break
        if not broken and exception.key not in used:
            out.append(
                finding(
                    "ARC004",
                    exception.key,
                    exception.text,
                    f"{exception.key}: the exception {exception.text!r} matches no import of the project any more; "
                    "remove it so the list of exceptions only shrinks",
                )
            )
    yield from out


def _used_ignores(project: Project) -> set[str]:
    entries = project.config.ignored_imports()
    if not entries:
        return set()
    used: set[str] = set()
    for name, facts in project.facts.items():
        for fact in facts.imports:
            if not project.counts(fact):
                continue
            for target in project.targets(name, fact):
                candidates = [target.module]
                if not target.first_party:
                    candidates += [f"{target.module}.{n}" for n in target.names]
                for entry in entries:
                    if entry.key in used:
                        continue
                    if any(import_matches(entry, name, c, target.first_party) for c in candidates):
                        used.add(entry.key)
    return used


def _config_relpath(config: Config) -> str:
    try:
        return config.path.relative_to(config.root).as_posix()
    except ValueError:
        return config.path.name


# ----------------------------------------------------------------------------------------------------
# suppression, selection, severity, paths, baseline


def _report(project: Project, analysis: Analysis, options: Options) -> Report:
    config = project.config
    findings = analysis.findings
    selection = Selection(config, options.select, options.ignore)
    noqa_by_path = {rel: result.noqa for rel, result in analysis.modules.items()}
    noqa_by_path[_config_relpath(config)] = noqa_comments(source_lines(config.text))
    # Selection first: a bare noqa comment is ARC403 only on a line with a finding that would be reported.
    selected = [f for f in findings if selection.reports(f.path, f.code)]
    result = [
        f.with_severity(selection.severity(f.code))
        for f in apply_noqa(selected, noqa_by_path)
        if f.code != "ARC403" or selection.reports(f.path, f.code)
    ]
    report = Report(files_checked=len(project.modules), modules=len(project.modules))
    result = _limit_to_paths(project, result, options, report.notes)
    result = _apply_baseline(project, result, options, report)
    report.findings = sorted(set(result), key=Finding.sort_key)
    return report


def apply_noqa(findings: Iterable[Finding], noqa_by_path: dict[str, tuple[Noqa, ...]]) -> list[Finding]:
    """``# noqa`` as flake8 reads it, plus ARC403 for suppressions of ARC codes that give no reason."""
    kept: list[Finding] = []
    reasonless: dict[tuple[str, int], Noqa] = {}
    for path, comments in noqa_by_path.items():
        for comment in comments:
            if comment.codes and any(c.startswith(defaults.CODE_PREFIX) for c in comment.codes) and not comment.reason:
                reasonless[(path, comment.line)] = comment
    for finding in findings:
        comments = noqa_by_path.get(finding.path, ())
        last = finding.end_line or finding.line
        suppressed = False
        for comment in comments:
            if not finding.line <= comment.line <= last:
                continue
            if comment.suppresses(finding.code):
                suppressed = True
                if comment.codes is None:  # a bare noqa on a line with a finding owes a reason too
                    reasonless[(finding.path, comment.line)] = comment
        if not suppressed:
            kept.append(finding)
    for (path, line), comment in sorted(reasonless.items()):
        what = "codes " + ", ".join(comment.codes) if comment.codes else "every check (a bare noqa)"
        kept.append(
            Finding(
                "ARC403",
                f"this # noqa suppresses {what} without a reason; write why after the codes "
                "(# noqa: ARC102 -- reason), so the exception can be reviewed",
                path,
                line=line,
                column=comment.column,
                snippet=f"noqa {what}",
            )
        )
    return kept


def _limit_to_paths(project: Project, findings: list[Finding], options: Options, notes: list[str]) -> list[Finding]:
    if not options.paths:
        return findings
    config_path = _config_relpath(project.config)
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
        path = project.root / project.config.rules.baseline
        if not path.exists():
            return findings
    from arch_rules.engine import baseline

    # Stale entries only mean something when the run looked at every file and every rule.
    limited = bool(options.paths) or not options.graph or options.select is not None or bool(options.ignore)
    kept, hidden, stale = baseline.apply(baseline.load(path), findings, limited=limited)
    report.baselined = hidden
    report.stale_baseline = stale
    return kept
