"""Loading the rules a team writes itself: ``plugins = ["tools/arch_standards.py", "shop_standards.rules"]``.

A path (relative to the pyproject.toml) is loaded by file location under a private module name, without
adding the analysed project to ``sys.path``; a dotted name is imported from the environment, like any
installed package. Every ``LintRule`` subclass a plugin defines is one rule. Loading runs the team's rule
code, never the analysed code. Every problem (import failure, bad or duplicate code, a malformed scope) is
a ``ConfigError``: exit 2, one line naming the plugin and the rule.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from arch_rules import defaults
from arch_rules.errors import ConfigError
from arch_rules.model.config import Config, did_you_mean

if TYPE_CHECKING:
    from arch_rules.rules.lintrule import LintRule


@dataclass(frozen=True)
class Plugins:
    """The loaded plugin rules, in configuration order, and a digest of their source (a cache key part)."""

    rules: tuple[type[LintRule], ...]
    digest: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(rule.code for rule in self.rules)


#: (config path, plugin specs, source digests) -> loaded plugins, once per process.
_LOADED: dict[tuple[str, tuple[str, ...], str], Plugins] = {}


def load(config: Config, builtin_codes: Iterable[str] = ()) -> Plugins:
    """Load and check every plugin of ``config``; raise ``ConfigError`` listing every problem."""
    if not config.plugins:
        return Plugins((), "")
    sources = source_digest(config)
    key = (str(config.path), config.plugins, sources)
    if key not in _LOADED:
        _LOADED[key] = _load(config, builtin_codes, sources)
    loaded = _LOADED[key]
    problems = unknown_custom_codes(config, list(loaded.codes))
    if problems:
        raise ConfigError(problems)
    return loaded


def _load(config: Config, builtin_codes: Iterable[str], sources: str) -> Plugins:
    from arch_rules.rules.lintrule import LintRule, rule_problems

    problems: list[str] = []
    rules: list[type[LintRule]] = []
    seen: dict[str, str] = {code: "arch-rules itself" for code in builtin_codes}
    label = config.display_path
    for index, spec in enumerate(config.plugins):
        where = f"{label}: tool.arch_rules.plugins[{index}]"
        try:
            module = _import(config, spec)
        except _LoadFailure as exc:
            problems.append(f"{where}: plugin {spec!r} {exc}")
            continue
        found = [
            value
            for _, value in inspect.getmembers(module, inspect.isclass)
            if issubclass(value, LintRule) and value is not LintRule and value.__module__ == module.__name__
        ]
        found.sort(key=lambda rule: inspect.getsourcelines(rule)[1] if _has_source(rule) else 0)
        if not found:
            problems.append(f"{where}: plugin {spec!r} defines no LintRule subclass (from arch_rules import LintRule)")
        for rule in found:
            rule.origin = spec
            whose = f"{where}: plugin {spec!r}, rule {rule.__name__}"
            bad = rule_problems(rule)
            if not bad:
                from arch_rules.engine.lint import scope_problems

                bad = scope_problems(rule.scope)
            problems.extend(f"{whose}: {why}" for why in bad)
            if bad:
                continue
            other = seen.get(rule.code)
            if other is not None:
                problems.append(f"{whose}: code {rule.code} is already used by {other}; give each rule its own code")
                continue
            seen[rule.code] = f"rule {rule.__name__} of plugin {spec!r}"
            rules.append(rule)
    if problems:
        raise ConfigError(problems)
    return Plugins(tuple(rules), sources)


class _LoadFailure(Exception):
    pass


def _is_path(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def _import(config: Config, spec: str) -> ModuleType:
    try:
        if _is_path(spec):
            path = (config.root / spec).resolve()
            if not path.is_file():
                raise _LoadFailure(f"not found: no file {path}")
            # A private name per file: two projects' tools/arch_standards.py never collide in one process.
            name = "arch_rules_plugin_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise _LoadFailure(f"cannot be loaded from {path}")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module  # dataclasses and pickling look classes up by module name
            try:
                module_spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(name, None)
                raise
            return module
        return importlib.import_module(spec)
    except _LoadFailure:
        raise
    except SystemExit as exc:
        raise _LoadFailure(f"failed to import: it called exit({exc.code})") from None
    except Exception as exc:
        where = ""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(spec.rsplit("/", 1)[-1]):
                where = f" (line {tb.tb_lineno})"
            tb = tb.tb_next
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = f" (line {exc.lineno})"
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise _LoadFailure(f"failed to import{where}: {message}") from None


def source_digest(config: Config) -> str:
    """What the plugins' behaviour depends on: the text of each plugin file (a dotted module: its file),
    so that editing a rule invalidates the cached findings."""
    digest = hashlib.sha256()
    for spec in config.plugins:
        digest.update(spec.encode() + b"\0")
        path: Path | None = None
        if _is_path(spec):
            path = config.root / spec
        else:
            try:
                found = importlib.util.find_spec(spec)
            except (ImportError, ValueError):
                found = None
            if found is not None and found.origin:
                path = Path(found.origin)
        try:
            digest.update(path.read_bytes() if path is not None else b"?")
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()[:24]


def _has_source(rule: type) -> bool:
    try:
        inspect.getsourcelines(rule)
    except (OSError, TypeError):
        return False
    return True


def unknown_custom_codes(config: Config, codes: list[str]) -> list[str]:
    """``[tool.arch_rules.rules]`` codes that are not ARC codes (accepted while the plugins were not loaded)
    and name no plugin rule either."""
    settings = config.rules
    named = [
        *(("select", i, c) for i, c in enumerate(settings.select)),
        *(("ignore", i, c) for i, c in enumerate(settings.ignore)),
        *(("severity", None, c) for c, _ in settings.severity),
    ]
    for glob, listed in settings.per_file_ignores:
        named += [(f'per_file_ignores."{glob}"', i, c) for i, c in enumerate(listed)]
    problems = []
    for key, index, code in named:
        if code.startswith(defaults.CODE_PREFIX[: len(code)]) or any(known.startswith(code) for known in codes):
            continue
        where = f"tool.arch_rules.rules.{key}" + (f"[{index}]" if index is not None else f".{code}")
        problems.append(
            f"{config.display_path}: {where}: unknown rule code {json.dumps(code)}{did_you_mean(code, codes)}"
        )
    return problems
