"""Orchestration: configuration → project → facts per file (cached, parallel) → rules → findings →
suppression, selection, severity, baseline. Knows nothing of terminals or argument parsing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arch_rules import defaults
from arch_rules.cache import Cache, content_hash
from arch_rules.config import Config, load
from arch_rules.errors import ConfigError, UsageError
from arch_rules.facts import FileFacts, Noqa, _noqa_comments, extract, source_lines
from arch_rules.findings import Finding, Report
from arch_rules.project import Module, Project, discover, import_matches
from arch_rules.rules import boundaries, interfaces, modules
from arch_rules.selection import Selection


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
    project = discover(config, git_only=options.git_only or bool(os.environ.get("PRE_COMMIT")))
    problems = project.ownership_conflicts() + _interface_ownership(project)
    if problems:
        raise ConfigError(problems)
    return config, project


def run(options: Options) -> Report:
    return run_full(options).report


def run_full(options: Options) -> Run:
    config, project = prepare(options)
    cache = Cache(config.root / config.cache_dir, enabled=options.cache)
    data, hashes = _read_all(project)
    key = _result_key(cache, config, options, hashes)
    cached = cache.read("result")
    previous = cached if isinstance(cached, dict) and isinstance(cached.get("noqa"), dict) else None
    if previous is not None and previous.get("key") == key:
        analysis = Analysis.from_state(previous)
        project.facts = _LazyFacts(lambda: _facts(project, data, hashes, cache, options.jobs), previous["noqa"])
    else:
        facts = _facts(project, data, hashes, cache, options.jobs)
        project.facts = facts
        analysis = _analyse(project, options, hashes, previous)
        noqa = {m.relpath: facts[m.name].noqa for m in project.modules.values() if facts[m.name].noqa}
        cache.write("result", {"key": key, "noqa": noqa, **analysis.state()})
    report = _report(project, analysis.findings, options)
    report.notes.extend(analysis.notes)
    return Run(config, project, report, data)


# ----------------------------------------------------------------------------------------------------
# reading


def _read_all(project: Project) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every file's bytes and content hash: the hashes key the cache, the bytes feed the workers."""
    data: dict[str, bytes] = {}
    hashes: dict[str, str] = {}
    for module in project.modules.values():
        try:
            content = module.path.read_bytes()
        except OSError as exc:
            content = b""
            hashes[module.relpath] = f"unreadable:{exc}"
        else:
            hashes[module.relpath] = content_hash(content)
        data[module.relpath] = content
    return data, hashes


def _result_key(cache: Cache, config: Config, options: Options, hashes: dict[str, str]) -> str:
    """Everything the cached findings depend on. ``select``/``ignore``/``paths``/``baseline`` are not in
    it: ``_report`` applies them to the cached findings. The configuration file's text is (beyond the
    table's meaning in ``config.digest``): ARC001/ARC004 carry its line numbers.
    """
    parts = [cache.tag, config.digest, content_hash(config.text.encode()), f"graph={options.graph}"]
    parts += (f"{rel}:{digest}" for rel, digest in sorted(hashes.items()))
    return content_hash("\0".join(parts).encode())


class _LazyFacts(dict[str, FileFacts]):
    """``Project.facts`` after a whole-result cache hit: nothing to analyse, so the facts store is read
    only if an adapter (``--fix``, ``graph``) asks for a module's facts. A warm run at 10,000 modules
    spends most of its time unpickling facts otherwise (docs/performance.md).
    """

    def __init__(self, load: Callable[[], dict[str, FileFacts]], noqa: dict[str, tuple[Noqa, ...]]) -> None:
        super().__init__()
        self._load: Callable[[], dict[str, FileFacts]] | None = load
        self.noqa = noqa

    @property
    def loaded(self) -> bool:
        return self._load is None

    def _ensure(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            self.update(load())

    def __getitem__(self, name: str) -> FileFacts:
        self._ensure()
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self._ensure()
        return super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        self._ensure()
        return super().__iter__()

    def __len__(self) -> int:
        self._ensure()
        return super().__len__()

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self._ensure()
        return super().get(name, default)

    def keys(self):  # type: ignore[no-untyped-def]
        self._ensure()
        return super().keys()

    def values(self):  # type: ignore[no-untyped-def]
        self._ensure()
        return super().values()

    def items(self):  # type: ignore[no-untyped-def]
        self._ensure()
        return super().items()


def _noqa_by_path(project: Project) -> dict[str, tuple[Noqa, ...]]:
    """Each file's ``# noqa`` comments, from the cached result when the facts were never loaded."""
    facts = project.facts
    if isinstance(facts, _LazyFacts) and not facts.loaded:
        return {m.relpath: facts.noqa.get(m.relpath, ()) for m in project.modules.values()}
    return {m.relpath: facts[m.name].noqa for m in project.modules.values()}


def _facts(
    project: Project, data: dict[str, bytes], hashes: dict[str, str], cache: Cache, jobs: int | None
) -> dict[str, FileFacts]:
    """Facts of every module: from the sharded store by content hash, the rest read (in parallel)."""
    known = cache.read_facts(h for h in hashes.values() if not h.startswith("unreadable:"))
    result: dict[str, FileFacts] = {}
    todo: list[Module] = []
    for module in project.modules.values():
        digest = hashes[module.relpath]
        hit = known.get(digest)
        if isinstance(hit, FileFacts):
            result[module.name] = hit
        elif digest.startswith("unreadable:"):
            result[module.name] = FileFacts(syntax_error=(1, 1, f"cannot be read ({digest[11:]})"))
        else:
            todo.append(module)
    if todo:
        for module, facts in zip(todo, _extract_many([data[m.relpath] for m in todo], jobs), strict=True):
            result[module.name] = facts
    readable = [m for m in project.modules.values() if not hashes[m.relpath].startswith("unreadable:")]
    current = {hashes[m.relpath]: result[m.name] for m in readable}
    cache.write_facts(current, {d: f for d, f in known.items() if isinstance(f, FileFacts)})
    return result


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


@dataclass
class Analysis:
    """The findings of one run, kept in two parts so that the run after a small change redoes little:
    each module's own findings (valid while its content and the cross-file *context* are unchanged) and
    the whole-project findings, configuration and graph (valid while no import anywhere changed)."""

    context: str
    #: relpath -> (content hash, digest of its imports, its findings)
    modules: dict[str, tuple[str, str, tuple[Finding, ...]]]
    shared_key: str
    shared: tuple[Finding, ...]
    notes: list[str]

    @property
    def findings(self) -> list[Finding]:
        out = [finding for _, _, found in self.modules.values() for finding in found]
        out.extend(self.shared)
        return out

    def state(self) -> dict[str, object]:
        return {
            "context": self.context,
            "modules": self.modules,
            "shared_key": self.shared_key,
            "shared": self.shared,
            "notes": self.notes,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Analysis:
        return cls(state["context"], state["modules"], state["shared_key"], state["shared"], list(state["notes"]))


def _analyse(project: Project, options: Options, hashes: dict[str, str], previous: dict[str, Any] | None) -> Analysis:
    context = _context_digest(project)
    reusable = previous.get("modules", {}) if previous and previous.get("context") == context else {}
    per_module: dict[str, tuple[str, str, tuple[Finding, ...]]] = {}
    for name in sorted(project.modules):
        module = project.modules[name]
        digest = hashes[module.relpath]
        hit = reusable.get(module.relpath)
        if hit is not None and hit[0] == digest:
            per_module[module.relpath] = hit
            continue
        facts = project.facts[name]
        found = (
            *modules.check(project, module, facts),
            *boundaries.check(project, module, facts),
            *interfaces.check(project, module, facts),
        )
        per_module[module.relpath] = (digest, content_hash(repr(facts.imports).encode()), found)
    imports = content_hash("\0".join(f"{rel}:{entry[1]}" for rel, entry in sorted(per_module.items())).encode())
    shared_key = content_hash(f"{context}\0{imports}\0graph={options.graph}".encode())
    if previous and previous.get("shared_key") == shared_key:
        return Analysis(context, per_module, shared_key, previous["shared"], list(previous["notes"]))
    notes: list[str] = []
    shared = list(configuration_findings(project))
    if options.graph:
        from arch_rules import contracts

        shared.extend(contracts.check(project, cache=options.cache, notes=notes))
    return Analysis(context, per_module, shared_key, tuple(shared), notes)


def _context_digest(project: Project) -> str:
    """What a module's findings depend on beyond its own content: the configuration (and its text, for
    locations), the set of modules, and what every interface module exports (ARC102 names the interface
    that exports an imported name)."""
    parts = [project.config.digest, content_hash(project.config.text.encode())]
    parts += (f"{name}:{int(module.is_package)}" for name, module in sorted(project.modules.items()))
    parts += sorted(project.namespaces)
    for name in sorted(project.modules):
        if project.is_interface(name):
            facts = project.facts[name]
            parts.append(repr((name, facts.all_names, facts.all_dynamic, sorted(facts.bound_names))))
    return content_hash("\0".join(parts).encode())


def _interface_ownership(project: Project) -> list[str]:
    problems = []
    for team in project.config.teams:
        for i, pattern in enumerate(team.interface or ()):
            for name in project.all_names():
                if pattern.matches(name) and project.team_of(name) is not team:
                    owner = project.team_of(name)
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
        from arch_rules.patterns import Pattern

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
            if project.is_first_party(p.top) or p.top in ("*", "**"):
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
                    missing = [c for c in containers if not project.any_covered(_pattern(f"{c}.{entry.pattern.text}"))]
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
            if side is exception.imported and not (project.is_first_party(side.top) or side.top in ("*", "**")):
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


def _pattern(text: str):  # type: ignore[no-untyped-def]
    from arch_rules.patterns import Pattern

    return Pattern(text)


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


def _report(project: Project, findings: list[Finding], options: Options) -> Report:
    config = project.config
    selection = Selection(config, options.select, options.ignore)
    noqa_by_path = _noqa_by_path(project)
    noqa_by_path[_config_relpath(config)] = _noqa_comments(source_lines(config.text))
    # Selection first: a bare `# noqa` is ARC403 only on a line with a finding that would be reported.
    selected = [f for f in findings if selection.reports(f.path, f.code)]
    result = [
        f.with_severity(selection.severity(f.code))
        for f in apply_noqa(selected, noqa_by_path)
        if f.code != "ARC403" or selection.reports(f.path, f.code)
    ]
    result = _limit_to_paths(project, result, options)
    report = Report(files_checked=len(project.modules), modules=len(project.modules))
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
            if comment.codes is None:
                suppressed = True
                reasonless[(finding.path, comment.line)] = comment
            elif any(finding.code.startswith(code) for code in comment.codes):
                suppressed = True
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


def _limit_to_paths(project: Project, findings: list[Finding], options: Options) -> list[Finding]:
    if not options.paths:
        return findings
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
            folders.append("" if rel == "." else rel + "/")
        else:
            files.add(rel)
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
    from arch_rules import baseline

    # Stale entries only mean something when the run looked at every file and every rule.
    limited = bool(options.paths) or not options.graph or options.select is not None or bool(options.ignore)
    kept, hidden, stale = baseline.apply(baseline.load(path), findings, limited=limited)
    report.baselined = hidden
    report.stale_baseline = stale
    return kept
