"""One file's findings exactly as ``arch-rules check`` reports them, from text that need not be on disk:
an editor's unsaved buffer (``arch-rules lsp``) or the tree flake8 hands its plugin.

Both front ends load the project once (``engine.prepare``), then ask here for one module at a time. The rules
are the engine's per-file rules; what ``check`` does to their findings afterwards -- the configuration's
selection and per-file ignores, ``# noqa`` (read as flake8 reads it), severity, the baseline -- is done here
with the engine's own functions, so an editor, a flake8 run and ``check`` cannot disagree on a file.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from arch_rules.engine import baseline as baselines
from arch_rules.engine.run import Options, prepare
from arch_rules.engine.selection import Selection
from arch_rules.engine.standards import Standards
from arch_rules.engine.suppression import apply_noqa
from arch_rules.facts import FileFacts, extract
from arch_rules.model.config import Config
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project
from arch_rules.rules import all_rules, check_module, graph_codes

__all__ = ["Live", "Overlay"]


class Overlay(Mapping[str, FileFacts]):
    """``Project.facts`` with some modules' facts replaced by the text being edited.

    The rules look other modules up too (ARC102 names the interface module that exports an imported
    name): what an editor shows for one file must take the other open files as they are typed.
    """

    def __init__(self, project: Project, underlying: Mapping[str, FileFacts] | None) -> None:
        self._project = project
        self._underlying = underlying
        self.edited: dict[str, FileFacts] = {}
        self._read: dict[str, FileFacts] = {}

    def __getitem__(self, name: str) -> FileFacts:
        if name in self.edited:
            return self.edited[name]
        if self._underlying is not None:
            return self._underlying[name]
        if name not in self._read:
            module = self._project.modules.get(name)
            if module is None:
                raise KeyError(name)
            try:
                self._read[name] = extract(module.path.read_bytes())
            except OSError as exc:
                self._read[name] = FileFacts(syntax_error=(1, 1, f"cannot be read ({exc})"))
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._project.modules)

    def __len__(self) -> int:
        return len(self._project.modules)


@dataclass
class Live:
    """A loaded project ready to report on one file at a time."""

    config: Config
    project: Project
    selection: Selection
    baseline: baselines.Baseline | None
    facts: Overlay
    #: The libcst rules (standards, deprecations, plugins); None when the project declares none.
    standards: Standards | None = None

    @classmethod
    def load(cls, config_path: Path | None, start: Path, underlying: Mapping[str, FileFacts] | None = None) -> Live:
        """The configuration and project model (``ConfigError`` when they cannot be used), and the
        configured baseline when the file exists -- the one ``check`` applies without ``--baseline``."""
        config, project = prepare(Options(start=start, config=config_path))
        return cls.of(config, project, underlying)

    @classmethod
    def of(cls, config: Config, project: Project, underlying: Mapping[str, FileFacts] | None = None) -> Live:
        overlay = Overlay(project, underlying)
        project.facts = overlay
        accepted = None
        path = config.root / config.rules.baseline
        if path.is_file():
            accepted = baselines.load(path)  # a broken file is a UsageError, one line, as for `check`
        # Plugins load here: a broken one is a ConfigError while loading, like a broken configuration.
        standards = Standards.of(project, functools.partial(_read, project.root))
        return cls(config, project, Selection(config), accepted, overlay, standards)

    def module_at(self, path: Path) -> Module | None:
        """The module of the project that ``path`` is (None: not one of its modules)."""
        for candidate in (path, path.resolve()):
            for root in (self.project.root, self.project.root.resolve()):
                try:
                    rel = candidate.relative_to(root).as_posix()
                except ValueError:
                    continue
                module = self.project.by_path.get(rel)
                if module is not None:
                    return module
        return None

    def report(
        self, module: Module, facts: FileFacts, disable_noqa: bool = False, source: bytes | None = None
    ) -> list[Finding]:
        """The per-file findings of ``module`` with these facts, as ``check --no-graph`` reports them;
        ``source`` is the text the facts were read from (the libcst rules parse it; default: the file).

        The facts become the module's facts for the other modules' checks too, until replaced.
        """
        self.facts.edited[module.name] = facts
        selection = self.selection
        found = [f for f in check_module(self.project, module, facts) if selection.reports(f.path, f.code)]
        if self.standards is not None:
            text = source if source is not None else _read(self.project.root, module.relpath)
            items = self.standards.items([module], lambda _: text)
            found += [f for item in items for f in self.standards.check(item) if selection.reports(f.path, f.code)]
        rules = all_rules()
        graph = graph_codes()

        def active(path: str, code: str) -> bool:
            """As ``check --no-graph`` judges a noqa code unused (ARC404): selected, and not a graph code."""
            return any(selection.reports(path, c) and c not in graph for c in rules if c.startswith(code))

        kept = [
            f.with_severity(selection.severity(f.code, f.severity))
            for f in apply_noqa(found, {module.relpath: facts.noqa}, active, disable=disable_noqa)
            if selection.reports(f.path, f.code)
        ]
        if self.baseline is not None:
            kept, _hidden, _stale = baselines.apply(self.baseline, kept, limited=True)
        return sorted(set(kept), key=Finding.sort_key)


def _read(root: Path, relpath: str) -> bytes | None:
    try:
        return (root / relpath).read_bytes()
    except OSError:
        return None
