"""The flake8 plugin: the per-file rules in the editor and in any flake8 run (docs/ci.md, docs/editors.md).

A thin adapter over the same rules the CLI runs. flake8 hands us the file's ``ast`` and lines; we find
``[tool.arch_rules]`` from the file's location (or ``--arch-rules-config``), build the project model once per
process, turn the tree into facts without parsing again, and report the module that file is through
``arch_rules.engine.live``: the same rules, selection, ``# noqa`` reading, severity and baseline as
``arch-rules check``, so the two front ends agree on every file. flake8 keeps what is flake8's:
``--select``/``--extend-ignore``, output, exit code, ``# noqa`` on the reported line and ``--disable-noqa``
(which the plugin honours too, for the other lines of a multi-line import). What a single file cannot show is
left to ``arch-rules check``: the graph contracts (ARC2xx) and the findings located in pyproject.toml (ARC001,
ARC004). A file with a syntax error is flake8's E999, not ARC003, because flake8 runs no tree plugin on it.

A configuration that cannot be used never stops the user's flake8 run: it is one ARC000 finding on line 1 of
the first file checked (once per run, also under ``--jobs``), and every other plugin runs as usual.

State lives in module globals, keyed by configuration path: under ``--jobs`` every worker process builds
its own copy lazily (fork or spawn alike) and nothing has to travel between processes
(as flake8 runs plugins under ``--jobs``).
"""

from __future__ import annotations

import argparse
import ast
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from arch_rules.defaults import VERSION as __version__
from arch_rules.engine.live import Live
from arch_rules.errors import ArchRulesError, ConfigError
from arch_rules.facts import extract_tree
from arch_rules.model.config import find_config
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module

__all__ = ["Plugin"]

#: The code of the one finding a configuration that cannot be used turns into.
CONFIG_ERROR_CODE = "ARC000"


class ConfigurationProblem(Exception):
    """The configuration cannot be used: reported once as ARC000, never raised into flake8."""


#: configuration path -> its loaded project (or the problem that stops it), per process.
_STATES: dict[Path, Live | ConfigurationProblem] = {}
#: folder of a checked file -> the configuration found from it (None: no project there).
_FOUND: dict[Path, Path | None] = {}
#: configuration paths whose problem this process has reported (the shared flag covers the other workers).
_REPORTED: set[Path] = set()


def _state(config_path: Path) -> Live | ConfigurationProblem:
    cached = _STATES.get(config_path)
    if cached is None:
        try:
            cached = Live.load(config_path, config_path.parent)
        except ConfigError as exc:
            cached = ConfigurationProblem("; ".join(exc.problems))
        except ArchRulesError as exc:
            cached = ConfigurationProblem(str(exc))
        _STATES[config_path] = cached
    return cached


def _config_for(path: Path) -> Path | None:
    folder = path.parent
    if folder not in _FOUND:
        _FOUND[folder] = find_config(folder) if folder.is_dir() else None
    return _FOUND[folder]


def _first_report(config_path: Path) -> bool:
    """True once per flake8 run for a configuration: in this process, and across ``--jobs`` workers
    through a flag the main process made before forking them (``Plugin.parse_options``)."""
    if config_path in _REPORTED:
        return False
    _REPORTED.add(config_path)
    flag = Plugin.reported_flag
    if flag is None:
        return True
    with flag.get_lock():
        if flag.value:
            return False
        flag.value = 1
    return True


class Plugin:
    """flake8 tree plugin ``ARC``: yields ``(line, column - 1, "ARCnnn message", Plugin)``."""

    name = "arch-rules"
    version = __version__

    #: ``--arch-rules-config`` (or ``arch-rules-config =`` in flake8's own config), set once per process.
    config_path: Path | None = None
    #: flake8's ``--disable-noqa``.
    disable_noqa: bool = False
    #: Shared by the ``--jobs`` workers: has a configuration problem been reported in this run?
    reported_flag: Any = None

    def __init__(self, tree: ast.Module, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    def _locate(self) -> tuple[Live | ConfigurationProblem | None, Path | None, Module | None]:
        if self.filename in ("stdin", "-", ""):
            return None, None, None  # no name, no module: nothing to say (give --stdin-display-name)
        path = Path(self.filename)
        if not path.is_absolute():
            path = Path.cwd() / path
        config_path = self.config_path or _config_for(path)
        if config_path is None:
            return None, None, None
        state = _state(config_path)
        if isinstance(state, ConfigurationProblem):
            return state, config_path, None
        return state, config_path, state.module_at(path)

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
        cls.disable_noqa = bool(getattr(options, "disable_noqa", False))
        # Once per flake8 run: a process that runs flake8 again (an editor's in-process flake8) starts afresh,
        # with the configuration as it is now and its problem reported again.
        _STATES.clear()
        _FOUND.clear()
        _REPORTED.clear()
        try:
            cls.reported_flag = multiprocessing.Value("b", 0)
        except (OSError, ImportError):  # no shared memory here: once per process instead
            cls.reported_flag = None

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        for finding in self.findings():
            yield finding.line, max(finding.column - 1, 0), f"{finding.code} {finding.message}", type(self)

    def findings(self) -> list[Finding]:
        """The per-file findings for this file as ``arch-rules check --no-graph`` reports them."""
        state, config_path, module = self._locate()
        if isinstance(state, ConfigurationProblem):
            assert config_path is not None
            if not _first_report(config_path):
                return []
            return [
                Finding(
                    CONFIG_ERROR_CODE,
                    f"arch-rules checks nothing until its configuration is fixed: {state} "
                    "(run `arch-rules check` for every problem)",
                    self.filename,
                )
            ]
        if state is None or module is None:
            return []
        facts = extract_tree(self.tree, self.lines)
        source = "".join(self.lines).encode("utf-8")  # what flake8 checks, for the libcst rules
        return state.report(module, facts, disable_noqa=self.disable_noqa, source=source)
