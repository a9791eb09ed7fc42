"""The standards of a run (issue 12): which libcst rules each file gets, and running them.

Built once per run from the configuration (``standards``, ``plugins``, ``teams.*.deprecated``) and the
``@deprecated`` decorators of interface modules. A project with none of these gets ``None`` from
``Standards.of`` and never imports libcst. A file is parsed with libcst only when some rule's scope admits
it and, for ARC501/ARC502, only when its text holds a word a banned or deprecated name ends with (a use
resolves to a qualified name built from the file's own text, so a file without the word has no use).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arch_rules.engine.cache import Cache
from arch_rules.errors import ConfigError
from arch_rules.model.config import Config, Standard
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project
from arch_rules.rules.lintcontext import Context
from arch_rules.rules.rule import Example, Rule
from arch_rules.rules.standards.deprecations import Declared, Deprecation, applying, collect

if TYPE_CHECKING:
    from arch_rules.engine.lint import RuleFactory, Scope
    from arch_rules.engine.plugins import Plugins
    from arch_rules.rules.lintrule import LintRule


__all__ = ["Cache", "Item", "Standards", "plugin_records"]


@dataclass(frozen=True)
class Item:
    """One file to lint: what the rules know of it, its bytes, and which rules apply (decided in the parent,
    so that a forked worker only parses and visits)."""

    context: Context
    data: bytes


class Standards:
    """The libcst rules of one run: ARC501 per standard, ARC502 per deprecation, every plugin rule."""

    def __init__(self, project: Project, plugins: Plugins | None, deprecations: dict[str, Deprecation]) -> None:
        from arch_rules.engine.lint import Scope

        self.project = project
        self.standards: tuple[Standard, ...] = project.config.standards
        self.plugins: tuple[type[LintRule], ...] = plugins.rules if plugins else ()
        self.deprecations = deprecations
        self._scopes: list[tuple[type[LintRule], Scope]] = [(rule, Scope.of(rule.scope)) for rule in self.plugins]
        parts = [
            plugins.digest if plugins else "",
            repr(sorted((d.name, d.text, d.team, d.contact) for d in deprecations.values())),
        ]
        #: What the findings depend on beyond the configuration table and the file: plugin sources and the
        #: deprecations read from interface modules. Part of the engine's context digest.
        self.digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]

    @classmethod
    def of(
        cls,
        project: Project,
        read: Callable[[str], bytes | None],
        known: Mapping[str, Declared] | None = None,
        out: dict[str, Declared] | None = None,
    ) -> Standards | None:
        """The run's standards, or None when the project declares none (then libcst is never imported).
        ``known`` and ``out``: the deprecations each module declares, as ``deprecations.collect`` takes them."""
        config = project.config
        deprecations = collect(project, read, known, out)
        if not config.standards and not config.plugins and not deprecations:
            return None
        plugins = None
        if config.plugins:
            from arch_rules.engine.plugins import load
            from arch_rules.rules import codes

            plugins = load(config, codes())
        return cls(project, plugins, deprecations)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(rule.code for rule in self.plugins)

    def context(self, module: Module) -> Context:
        project = self.project
        team = project.team_of(module.name)
        layer = None
        for stack in project.config.layers:
            place = project.layer_of(module.name, stack)
            if place is not None:
                layer = place.entry
                break
        return Context(
            module=module.name,
            path=module.relpath,
            team=team.name if team else None,
            contact=team.contact if team else "",
            layer=layer,
            is_interface=project.is_interface(module.name),
            is_package=module.is_package,
        )

    def factories(self, context: Context, data: bytes) -> list[RuleFactory]:
        """The rules this file gets; empty when none applies (the file is then not parsed at all)."""
        out: list[RuleFactory] = []
        if self.standards:
            from arch_rules.rules.standards import arc501_banned_api as arc501

            covering = [s for s in self.standards if arc501.applies(s, context)]
            if covering and any(word in data for word in arc501.words(covering)):
                out.append(functools.partial(arc501.BannedApi, standards=covering))
        if self.deprecations:
            from arch_rules.rules.standards import arc502_deprecated_across_teams as arc502
            from arch_rules.rules.standards.deprecations import words

            heard = applying(self.deprecations, context)
            if heard and any(word in data for word in words(heard)):
                out.append(functools.partial(arc502.DeprecatedAcrossTeams, deprecations=heard))
        out.extend(rule for rule, scope in self._scopes if scope.admits(context))
        return out

    def items(self, modules: Sequence[Module], read: Callable[[str], bytes | None]) -> list[Item]:
        """The files of ``modules`` that some rule may report on, with their contexts."""
        out = []
        for module in modules:
            context = self.context(module)
            if not self._may_apply(context):
                continue
            data = read(module.relpath)
            if data and self.factories(context, data):  # the word filter here: the pool gets only real work
                out.append(Item(context, data))
        return out

    def _may_apply(self, context: Context) -> bool:
        from arch_rules.rules.standards import arc501_banned_api as arc501

        return (
            any(arc501.applies(s, context) for s in self.standards)
            or bool(self.deprecations and applying(self.deprecations, context))
            or any(scope.admits(context) for _, scope in self._scopes)
        )

    def check(self, item: Item) -> tuple[Finding, ...]:
        """Every libcst finding of one file (runs in a worker process for many files)."""
        factories = self.factories(item.context, item.data)
        if not factories:
            return ()
        from arch_rules.engine.lint import lint_source

        return tuple(lint_source(item.data, item.context, factories))


def plugin_records(config: Config, cache: Cache) -> dict[str, Rule]:
    """The plugin rules by code (empty without plugins), as records for ``explain``, ``rules`` and the
    formats. Taken from the cache while the plugin sources are unchanged, so a warm run neither runs the
    plugins nor imports libcst (the cached record is a plain ``Rule`` with the same attributes)."""
    if not config.plugins:
        return {}
    from arch_rules.engine.plugins import load, source_digest, unknown_custom_codes
    from arch_rules.rules import codes

    digest = source_digest(config)
    stored = cache.read("plugins")
    if isinstance(stored, dict) and stored.get("key") == (str(config.path), digest):
        rows = stored["records"]
    else:
        loaded = load(config, codes()).rules
        rows = [
            (*(getattr(rule, f) for f in _FIELDS), rule.bad.files, rule.good.files, rule.severity) for rule in loaded
        ]
        cache.write("plugins", {"key": (str(config.path), digest), "records": rows})
    problems = unknown_custom_codes(config, [row[0] for row in rows])
    if problems:
        raise ConfigError(problems)
    out: dict[str, Rule] = {}
    for row in rows:
        attrs = dict(zip(_FIELDS, row[: len(_FIELDS)], strict=True))
        attrs.update(bad=Example(files=row[-3]), good=Example(files=row[-2]), severity=row[-1])
        record: type[Rule] = type(f"PluginRule_{attrs['code']}", (Rule,), attrs)
        out[attrs["code"]] = record()
    return out


_FIELDS = ("code", "name", "engine", "summary", "rationale", "fix", "details")
