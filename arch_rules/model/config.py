"""Load and validate ``[tool.arch_rules]``: every key, type and default (docs/configuration.md), in one place.

Every problem is collected (not just the first) and reported as one line naming the file and the key
path, e.g. ``pyproject.toml: tool.arch_rules.teams.payments.depends_on[0]: unknown team "platfrom"
(did you mean "platform"?)``. Nothing here imports or runs the analysed code.

This module finds and reads the file; the table is validated by arch_rules/model/validate.py (the top-level
keys), validate_sections.py (layers, teams, forbid, independent, standards, rules) and validate_values.py
(the typed readers and the wording of problems). Every public name stays importable from here.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Collection
from pathlib import Path

from arch_rules import defaults, safefile
from arch_rules.errors import ConfigError
from arch_rules.model.declaration import Config, Forbid, IgnoredImport, Independent, LayerStack, Team

# ``X as X``: names importable from here before the validation moved out, re-exported on purpose.
from arch_rules.model.declaration import LayerEntry as LayerEntry
from arch_rules.model.declaration import Level as Level
from arch_rules.model.declaration import RuleSettings as RuleSettings
from arch_rules.model.declaration import Standard as Standard
from arch_rules.model.validate import TOP_KEYS as TOP_KEYS
from arch_rules.model.validate import Validator
from arch_rules.model.validate_sections import FORBID_KEYS as FORBID_KEYS
from arch_rules.model.validate_sections import INDEPENDENT_KEYS as INDEPENDENT_KEYS
from arch_rules.model.validate_sections import LAYER_KEYS as LAYER_KEYS
from arch_rules.model.validate_sections import RULES_KEYS as RULES_KEYS
from arch_rules.model.validate_sections import STANDARD_KEYS as STANDARD_KEYS
from arch_rules.model.validate_sections import TEAM_KEYS as TEAM_KEYS
from arch_rules.model.validate_values import code_checker, did_you_mean, one_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "Config",
    "Forbid",
    "IgnoredImport",
    "Independent",
    "LayerStack",
    "Team",
    "code_checker",
    "did_you_mean",
    "find_config",
    "load",
    "loads",
    "unknown_teams",
]


# ----------------------------------------------------------------------------------------------------
# discovery


def find_config(start: Path) -> Path | None:
    """The first pyproject.toml with a ``[tool.arch_rules]`` table, walking up from ``start``."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / defaults.CONFIG_FILE
        if os.path.lexists(candidate):
            try:
                raw = safefile.read_bytes(candidate)
            except FileNotFoundError:
                continue
            except OSError:
                # There but unreadable (permissions, a FIFO, too large): skipping it would check the project
                # against a parent folder's table. `load` says why it cannot be read instead.
                return candidate
            if b"arch_rules" not in raw:
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return candidate  # meant for us but unreadable: `load` says so, rather than skip it
            if text.startswith("\ufeff"):
                return candidate  # TOML does not allow a BOM: `load` reports it
            if re.search(r"^\s*\[\[?\s*tool\.arch_rules(\]|\.|\s)", text, re.MULTILINE) or (
                "arch_rules" in text and _has_table(text)
            ):
                return candidate
    return None


def _has_table(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(data.get("tool"), dict) and "arch_rules" in data["tool"]


def load(path: Path | None = None, start: Path | None = None, codes: Collection[str] = ()) -> Config:
    """Read and validate the configuration at ``path`` (or discovered from ``start``/the cwd).

    ``codes`` are the rule codes ``select``, ``ignore`` and ``severity`` may name (the rule registry's).
    """
    if path is None:
        found = find_config(start or Path.cwd())
        if found is None:
            where = (start or Path.cwd()).resolve()
            raise ConfigError(
                [
                    f"no pyproject.toml with a [tool.arch_rules] table found in {where} or its parents "
                    "(run `arch-rules init` to propose one, or pass --config FILE)"
                ]
            )
        path = found
    path = path.resolve()
    try:
        text = safefile.read_text(path)
    except FileNotFoundError:
        raise ConfigError([f"{_shown(path)}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{_shown(path)}: cannot be read ({getattr(exc, 'strerror', None) or exc})"]) from None
    if "\r" in text:  # universal newlines, as a text-mode read gives
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return loads(path, text, codes, on_disk=True)


def loads(path: Path, text: str, codes: Collection[str] = (), on_disk: bool = False) -> Config:
    """Validate the configuration ``text`` as if read from ``path`` (the base of ``check --since`` is read
    from git's objects, not from the disk). ``on_disk``: team files beside it may be looked up for
    messages."""
    label = path.name
    if text.startswith("\ufeff"):
        raise ConfigError(
            [f"{label}: starts with a byte-order mark, which TOML does not allow; save it as UTF-8 without one"]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{label}: invalid TOML: {one_line(str(exc))}"]) from None
    except RecursionError:
        raise ConfigError([f"{label}: invalid TOML: nested too deeply to read"]) from None
    table = data.get("tool", {}).get("arch_rules") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise ConfigError([f"{label}: no [tool.arch_rules] table"])
    if not isinstance(table, dict):
        raise ConfigError([f"{label}: tool.arch_rules: expected a table"])
    return Validator(path, text, label, codes, on_disk).build(table)


def unknown_teams(config: Config) -> list[str]:
    """``depends_on`` entries that name no team (checked after CODEOWNERS has added its teams)."""
    names = [t.name for t in config.teams]
    return [
        f"{team.at(f'depends_on[{i}]', config.display_path)}: unknown team {json.dumps(dep)}{did_you_mean(dep, names)}"
        for team in config.teams
        for i, dep in enumerate(team.depends_on or ())
        if dep not in names
    ] + [
        f"{config.display_path}: {standard.key}.teams[{i}]: unknown team {json.dumps(team)}{did_you_mean(team, names)}"
        for standard in config.standards
        for i, team in enumerate(standard.teams or ())
        if team not in names
    ]


def _shown(path: Path) -> str:
    """A path in a one-line message: control characters escaped."""
    return repr(str(path))[1:-1]
