"""The flake8 plugin: the per-file rules in the editor and in any flake8 run (docs/ci.md).

A thin adapter over the same rules the CLI runs. flake8 hands us the file's ``ast`` and lines; we find
``[tool.arch_rules]`` from the file's location (or ``--arch-rules-config``), build the project model once per
process, turn the tree into facts without parsing again, and run the per-file rules of the module that file
is. What flake8 owns stays flake8's: ``# noqa`` (so ARC findings answer to ``--disable-noqa`` and friends),
``--select``/``--extend-ignore``, output and exit code. What a single file cannot show is left to
``arch-rules check``: the graph contracts (ARC2xx) and the findings located in pyproject.toml (ARC001,
ARC004). A file with a syntax error is flake8's E999, not ARC003, because flake8 runs no tree plugin on it.

State lives in module globals, keyed by configuration path: under ``--jobs`` every worker process builds
its own copy lazily (fork or spawn alike) and nothing has to travel between processes
(as flake8 runs plugins under ``--jobs``).
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arch_rules.defaults import VERSION as __version__
from arch_rules.engine.selection import Selection
from arch_rules.errors import ArchRulesError, ConfigError
from arch_rules.facts import FileFacts, extract, extract_tree
from arch_rules.model.config import Config, find_config
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project
from arch_rules.rules import check_module

__all__ = ["Plugin"]


class ConfigurationProblem(Exception):
    """The configuration cannot be used. flake8 prints ``file: "ARC" failed during execution due to
    {exc!r}``, so the repr is the one-line message itself, not a class name around a list."""

    def __repr__(self) -> str:
        return f"arch-rules: {self}"


class _LazyFacts(dict[str, FileFacts]):
    """``Project.facts`` for a flake8 process: a module's facts are read from disk the first time a rule
    asks (ARC102's "which interface exports this name" reads the other team's interface modules), then kept.
    """

    def __init__(self, project: Project) -> None:
        super().__init__()
        self._project = project

    def __missing__(self, name: str) -> FileFacts:
        module = self._project.modules.get(name)
        if module is None:
            raise KeyError(name)
        try:
            facts = extract(module.path.read_bytes())
        except OSError as exc:
            facts = FileFacts(syntax_error=(1, 1, f"cannot be read ({exc})"))
        self[name] = facts
        return facts

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default


@dataclass
class _State:
    """One configuration's model and the selection it asks for, built once per process."""

    config: Config
    project: Project
    selection: Selection

    def selected(self, finding: Finding) -> bool:
        """The configuration's ``rules`` settings as ``arch-rules check`` applies them."""
        return self.selection.reports(finding.path, finding.code)


#: configuration path -> its state (or the problem that stops it), per process.
_STATES: dict[Path, _State | ConfigurationProblem] = {}
#: folder of a checked file -> the configuration found from it (None: no project there).
_FOUND: dict[Path, Path | None] = {}


def _state(config_path: Path) -> _State:
    cached = _STATES.get(config_path)
    if cached is None:
        from arch_rules.engine.run import Options, prepare

        try:
            config, project = prepare(Options(start=config_path.parent, config=config_path))
        except ConfigError as exc:
            cached = ConfigurationProblem("; ".join(exc.problems))
        except ArchRulesError as exc:
            cached = ConfigurationProblem(str(exc))
        else:
            project.facts = _LazyFacts(project)
            cached = _State(config, project, Selection(config))
        _STATES[config_path] = cached
    if isinstance(cached, ConfigurationProblem):
        raise cached
    return cached


def _config_for(path: Path) -> Path | None:
    folder = path.parent
    if folder not in _FOUND:
        _FOUND[folder] = find_config(folder) if folder.is_dir() else None
    return _FOUND[folder]


def _module_of(project: Project, path: Path) -> Module | None:
    for candidate in (path, path.resolve()):
        for root in (project.root, project.root.resolve()):
            try:
                rel = candidate.relative_to(root).as_posix()
            except ValueError:
                continue
            module = project.by_path.get(rel)
            if module is not None:
                return module
    return None


class Plugin:
    """flake8 tree plugin ``ARC``: yields ``(line, column - 1, "ARCnnn message", Plugin)``."""

    name = "arch-rules"
    version = __version__

    #: ``--arch-rules-config`` (or ``arch-rules-config =`` in flake8's own config), set once per process.
    config_path: Path | None = None

    def __init__(self, tree: ast.Module, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename
        # Resolved here, not in run(): flake8 turns an exception raised while constructing a plugin into
        # its one-line "failed during execution" message; one raised while iterating run() is a traceback.
        self.state, self.module = self._locate()

    def _locate(self) -> tuple[_State | None, Module | None]:
        if self.filename in ("stdin", "-", ""):
            return None, None  # no name, no module: nothing to say (give --stdin-display-name)
        path = Path(self.filename)
        if not path.is_absolute():
            path = Path.cwd() / path
        config_path = self.config_path or _config_for(path)
        if config_path is None:
            return None, None
        state = _state(config_path)
        return state, _module_of(state.project, path)

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--arch-rules-config",
            metavar="FILE",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="pyproject.toml holding [tool.arch_rules] (default: found upwards from each checked file)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        value = getattr(options, "arch_rules_config", None)
        cls.config_path = Path(value).resolve() if value else None

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        for finding in self.findings():
            yield finding.line, max(finding.column - 1, 0), f"{finding.code} {finding.message}", type(self)

    def findings(self) -> list[Finding]:
        """The per-file findings for this file, selected by the configuration; noqa left to flake8."""
        state, module = self.state, self.module
        if state is None or module is None:
            return []
        facts = extract_tree(self.tree, self.lines)
        # What flake8 checks is what the rules see, also when this module is another file's interface.
        lazy = state.project.facts
        assert isinstance(lazy, _LazyFacts)
        lazy[module.name] = facts
        found = check_module(state.project, module, facts)
        found.extend(_noqa_findings(module, facts, found))
        return sorted((f for f in found if state.selected(f) and not _suppressed_below(f, facts)), key=Finding.sort_key)


def _suppressed_below(finding: Finding, facts: FileFacts) -> bool:
    """A noqa comment on a later line of a multi-line import counts, as in the CLI; flake8
    itself only reads the line it reports on, so the plugin honours the other lines of the statement."""
    if not finding.end_line or finding.end_line <= finding.line:
        return False
    for comment in facts.noqa_on(finding.line + 1, finding.end_line):
        if comment.suppresses(finding.code):
            return True
    return False


def _noqa_findings(module: Module, facts: FileFacts, found: list[Finding]) -> list[Finding]:
    """What the suppression rules say about the file's ``# noqa`` comments (ARC403 for ``# noqa: ARCnnn``
    without a reason, ARC404 for codes that suppress none of this file's findings), worded exactly as
    ``arch-rules check`` words it.

    flake8 applies the noqa itself; the finding about the noqa is ours. (A bare ``# noqa`` on a line with an
    ARC finding is ARC403 for the CLI too, but flake8 suppresses everything on that line, ARC403 included.)
    Only per-file codes are judged unused: the graph and configuration codes are not computed here.
    """
    from arch_rules.engine.suppression import apply_noqa
    from arch_rules.rules import all_rules

    per_file = [rule.code for rule in all_rules().values() if rule.engine == "per-file"]

    def active(path: str, code: str) -> bool:
        return any(c.startswith(code) for c in per_file)

    suppression = {"ARC403", "ARC404"}
    return [f for f in apply_noqa(found, {module.relpath: facts.noqa}, active) if f.code in suppression]
