"""Load and validate ``[tool.arch_rules]``: every key, type and default (docs/configuration.md), in one place.

Every problem is collected (not just the first) and reported as one line naming the file and the key
path, e.g. ``pyproject.toml: tool.arch_rules.teams.payments.depends_on[0]: unknown team "platfrom"
(did you mean "platform"?)``. Nothing here imports or runs the analysed code.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import re
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from arch_rules import defaults, safefile
from arch_rules.errors import ConfigError
from arch_rules.model import globs
from arch_rules.model.declaration import (
    Config,
    Forbid,
    IgnoredImport,
    Independent,
    LayerEntry,
    LayerStack,
    Level,
    RuleSettings,
    Standard,
    Team,
)
from arch_rules.model.patterns import Pattern, pattern_problem, split_import_expression
from arch_rules.textsafe import visible_line

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
        raise ConfigError([f"{label}: invalid TOML: {_one_line(str(exc))}"]) from None
    except RecursionError:
        raise ConfigError([f"{label}: invalid TOML: nested too deeply to read"]) from None
    table = data.get("tool", {}).get("arch_rules") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise ConfigError([f"{label}: no [tool.arch_rules] table"])
    if not isinstance(table, dict):
        raise ConfigError([f"{label}: tool.arch_rules: expected a table"])
    return _Validator(path, text, label, codes, on_disk).build(table)


# ----------------------------------------------------------------------------------------------------
# validation

TOP_KEYS = (
    "source_roots",
    "root_packages",
    "exclude",
    "require_owner",
    "type_checking_imports",
    "local_imports",
    "dynamic_imports",
    "private_imports",
    "acyclic",
    "codeowners",
    "cache_dir",
    "max_file_size",
    "layers",
    "teams",
    "forbid",
    "independent",
    "standards",
    "plugins",
    "rules",
)
LAYER_KEYS = ("name", "order", "containers", "exhaustive", "exhaustive_ignores", "ignore_imports", "because")
TEAM_KEYS = ("owns", "interface", "depends_on", "contact", "because", "deprecated")
STANDARD_KEYS = ("name", "in", "teams", "except", "ban", "because")
FORBID_KEYS = ("name", "from", "import", "allow_indirect", "ignore_imports", "because")
INDEPENDENT_KEYS = ("name", "modules", "ignore_imports", "because")
RULES_KEYS = ("select", "ignore", "severity", "per_file_ignores", "baseline")

_TEAM_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_DOTTED_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


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


def _team_file_names(root: Path, source_roots: list[str]) -> set[str]:
    """The team names the team files under the source roots declare (best effort, for error messages)."""
    names: set[str] = set()
    for source_root in source_roots:
        for folder, dirs, files in os.walk(root / source_root):
            dirs[:] = [d for d in dirs if d not in defaults.ALWAYS_EXCLUDED_DIRS and not d.startswith(".")]
            if defaults.TEAM_FILE in files:
                try:
                    name = tomllib.loads(safefile.read_text(Path(folder, defaults.TEAM_FILE))).get("name")
                except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
                    continue
                if isinstance(name, str):
                    names.add(name)
    return names


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "x"?)`` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class _Validator:
    def __init__(self, path: Path, text: str, label: str, codes: Collection[str], on_disk: bool = False) -> None:
        self.on_disk = on_disk
        self.codes = codes
        self.path = path
        self.text = text
        self.label = label
        self.problems: list[str] = []
        self.codeowners: str | None = None
        self.plugins: list[str] = []

    def problem(self, key: str, message: str) -> None:
        # Keys and values come from the file: a newline or an escape sequence in them is shown, not obeyed.
        self.problems.append(visible_line(f"{self.label}: {key}: {message}"))

    def inside_project(self, key: str, value: str) -> None:
        """A path the configuration names: a repository's pyproject.toml may not make arch-rules read or
        write outside the project (links are checked where the path is used: ``safefile.inside``)."""
        if os.path.isabs(value) or ".." in Path(value).parts:
            self.problem(key, f"{json.dumps(value)} leads outside the project; a path here must stay inside it")

    # -- primitive readers --------------------------------------------------------------------------

    def known_keys(self, table: dict[str, Any], allowed: tuple[str, ...], key: str) -> None:
        for name in table:
            if name not in allowed:
                self.problem(f"{key}.{name}", f"unknown key{did_you_mean(name, allowed)}")

    def string(self, table: dict[str, Any], name: str, key: str, default: str = "") -> str:
        value = table.get(name, default)
        if not isinstance(value, str):
            self.problem(f"{key}.{name}", f"expected a string, got {_type_name(value)}")
            return default
        return value

    def boolean(self, table: dict[str, Any], name: str, key: str, default: bool) -> bool:
        value = table.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"{key}.{name}", f"expected true or false, got {_type_name(value)}")
            return default
        return value

    def choice(self, table: dict[str, Any], name: str, key: str, choices: tuple[str, ...], default: str) -> str:
        value = table.get(name, default)
        if not isinstance(value, str) or value not in choices:
            shown = json.dumps(value) if isinstance(value, str) else _type_name(value)
            extra = did_you_mean(value, choices) if isinstance(value, str) else ""
            self.problem(f"{key}.{name}", f"expected one of {', '.join(map(json.dumps, choices))}, got {shown}{extra}")
            return default
        return value

    def strings(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> list[str] | None:
        if name not in table:
            if required:
                self.problem(f"{key}.{name}", "required key is missing")
            return None
        value = table[name]
        if isinstance(value, str):
            self.problem(f"{key}.{name}", f'expected a list of strings, got a string (write ["{value}"])')
            return None
        if not isinstance(value, list):
            self.problem(f"{key}.{name}", f"expected a list of strings, got {_type_name(value)}")
            return None
        good: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{key}.{name}[{i}]", f"expected a string, got {_type_name(item)}")
            else:
                good.append(item)
        return good

    def patterns(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> tuple[Pattern, ...]:
        values = self.strings(table, name, key, required) or []
        out: list[Pattern] = []
        for i, text in enumerate(values):
            why = pattern_problem(text)
            if why:
                self.problem(f"{key}.{name}[{i}]", why)
            else:
                out.append(Pattern(text))
        if required and name in table and isinstance(table[name], list) and not table[name]:
            self.problem(f"{key}.{name}", "must not be empty")
        return tuple(out)

    def ignore_imports(self, table: dict[str, Any], key: str) -> tuple[IgnoredImport, ...]:
        values = self.strings(table, "ignore_imports", key) or []
        out: list[IgnoredImport] = []
        for i, text in enumerate(values):
            item_key = f"{key}.ignore_imports[{i}]"
            parts = split_import_expression(text)
            if parts is None:
                self.problem(item_key, f'expected "importer -> imported", got {json.dumps(text)}')
                continue
            bad = pattern_problem(parts[0]) or pattern_problem(parts[1])
            if bad:
                self.problem(item_key, bad)
                continue
            out.append(IgnoredImport(text, Pattern(parts[0]), Pattern(parts[1]), item_key))
        return tuple(out)

    def table_list(self, data: dict[str, Any], name: str, key: str) -> list[dict[str, Any]]:
        value = data.get(name, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"expected an array of tables ([[{key}]]), got {_type_name(value)}")
            return []
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.problem(f"{key}[{i}]", f"expected a table, got {_type_name(item)}")
                out.append({})
            else:
                out.append(item)
        return out

    # -- sections ------------------------------------------------------------------------------------

    def build(self, table: dict[str, Any]) -> Config:
        base = "tool.arch_rules"
        self.known_keys(table, TOP_KEYS, base)
        source_roots = self.strings(table, "source_roots", base) or ["."]
        for i, root in enumerate(source_roots):
            if os.path.isabs(root) or ".." in Path(root).parts:
                self.problem(f"{base}.source_roots[{i}]", f"{json.dumps(root)} must be a folder inside the project")
        root_packages = self.strings(table, "root_packages", base)
        if root_packages is not None:
            for i, name in enumerate(root_packages):
                if pattern_problem(name) or "." in name or "*" in name:
                    self.problem(f"{base}.root_packages[{i}]", f"{json.dumps(name)} is not a top-level package name")
        exclude = self.strings(table, "exclude", base) or []
        for i, glob in enumerate(exclude):
            why = globs.problem(glob)
            if why:
                self.problem(f"{base}.exclude[{i}]", why)
        require_owner = self.boolean(table, "require_owner", base, False)
        kinds = {
            kind: self.choice(table, kind, base, defaults.IMPORT_KIND_SETTINGS, "check")
            for kind in ("type_checking_imports", "local_imports", "dynamic_imports")
        }
        private_imports = self.choice(
            table, "private_imports", base, defaults.PRIVATE_IMPORTS_SETTINGS, defaults.PRIVATE_IMPORTS_SETTINGS[0]
        )
        acyclic = self.patterns(table, "acyclic", base)
        codeowners = (self.string(table, "codeowners", base) or None) if "codeowners" in table else None
        self.codeowners = codeowners
        if codeowners is not None:
            self.inside_project(f"{base}.codeowners", codeowners)
        cache_dir = self.string(table, "cache_dir", base, defaults.CACHE_DIR) or defaults.CACHE_DIR
        parts = Path(cache_dir).parts
        if os.path.isabs(cache_dir) or ".." in parts or not parts or set(parts) == {"."}:
            self.problem(f"{base}.cache_dir", f"{json.dumps(cache_dir)} must be a folder of its own inside the project")
        elif any(Path(cache_dir) == Path(r) for r in source_roots):
            self.problem(f"{base}.cache_dir", f"{json.dumps(cache_dir)} is a source root; use a folder of its own")
        max_file_size = table.get("max_file_size", defaults.MAX_FILE_SIZE)
        if isinstance(max_file_size, bool) or not isinstance(max_file_size, int) or max_file_size < 1:
            shown = max_file_size if isinstance(max_file_size, int) and not isinstance(max_file_size, bool) else None
            self.problem(
                f"{base}.max_file_size",
                f"expected a positive number of bytes, got {shown if shown is not None else _type_name(max_file_size)}",
            )
            max_file_size = defaults.MAX_FILE_SIZE

        layers = [self.layer_stack(i, t) for i, t in enumerate(self.table_list(table, "layers", f"{base}.layers"))]
        teams = self.teams(table.get("teams", {}), f"{base}.teams")
        forbid = [self.forbid(i, t) for i, t in enumerate(self.table_list(table, "forbid", f"{base}.forbid"))]
        independent = [
            self.independent(i, t) for i, t in enumerate(self.table_list(table, "independent", f"{base}.independent"))
        ]
        standards = [
            self.standard(i, t) for i, t in enumerate(self.table_list(table, "standards", f"{base}.standards"))
        ]
        plugins = self.strings(table, "plugins", base) or []
        for i, plugin in enumerate(plugins):
            if not plugin.strip():
                self.problem(f"{base}.plugins[{i}]", "empty plugin name")
        self.plugins = plugins
        rules = self.rules(table.get("rules", {}), f"{base}.rules")
        # Unknown depends_on entries are checked once every team is known (CODEOWNERS and team files add
        # teams): engine.run.prepare, with unknown_teams.
        self.check_teams(teams, defer_unknown=True)
        self.check_standard_teams(standards, teams, defer_unknown=True)
        if self.problems:
            # The run stops here, before team files are merged: name the unknown teams now, every problem
            # at once, counting the teams that team files on the disk declare.
            known = {t.name for t in teams}
            if self.on_disk:
                known |= _team_file_names(self.path.parent, source_roots)
            for team in teams:
                for i, dep in enumerate(team.depends_on or ()):
                    if dep not in known and codeowners is None:
                        why = f"unknown team {json.dumps(dep)}{did_you_mean(dep, sorted(known))}"
                        self.problem(f"{team.key}.depends_on[{i}]", why)
            raise ConfigError(self.problems)
        return Config(
            path=self.path,
            root=self.path.parent,
            source_roots=tuple(source_roots),
            root_packages=tuple(root_packages) if root_packages is not None else None,
            exclude=tuple(exclude),
            require_owner=require_owner,
            private_imports=private_imports,
            acyclic=acyclic,
            codeowners=codeowners,
            cache_dir=cache_dir,
            max_file_size=max_file_size,
            layers=tuple(layers),
            teams=tuple(teams),
            forbid=tuple(forbid),
            independent=tuple(independent),
            standards=tuple(standards),
            plugins=tuple(plugins),
            rules=rules,
            raw=table,
            text=self.text,
            type_checking_imports=kinds["type_checking_imports"],
            local_imports=kinds["local_imports"],
            dynamic_imports=kinds["dynamic_imports"],
        )

    def layer_stack(self, index: int, table: dict[str, Any]) -> LayerStack:
        key = f"tool.arch_rules.layers[{index}]"
        self.known_keys(table, LAYER_KEYS, key)
        name = self.string(table, "name", key)
        order = self.strings(table, "order", key, required=True) or []
        if "order" in table and isinstance(table["order"], list) and not table["order"]:
            self.problem(f"{key}.order", "must list at least one layer")
        levels: list[Level] = []
        seen: dict[str, str] = {}
        for i, text in enumerate(order):
            item_key = f"{key}.order[{i}]"
            has_bar, has_colon = "|" in text, ":" in text
            if has_bar and has_colon:
                self.problem(item_key, f"{json.dumps(text)} mixes '|' and ':'; use one of them per level")
                continue
            parts = [p.strip() for p in re.split(r"[|:]", text)]
            entries: list[LayerEntry] = []
            for part in parts:
                optional = part.startswith("(") and part.endswith(")")
                module = part[1:-1].strip() if optional else part
                why = pattern_problem(module)
                if why:
                    self.problem(item_key, why)
                    continue
                if module in seen:
                    self.problem(item_key, f"{json.dumps(module)} is already a layer at {seen[module]}")
                    continue
                seen[module] = item_key
                entries.append(LayerEntry(Pattern(module), optional, item_key))
            if entries:
                levels.append(Level(tuple(entries), independent=has_bar))
        containers = self.patterns(table, "containers", key)
        exhaustive = self.boolean(table, "exhaustive", key, False)
        if exhaustive and not containers:
            self.problem(f"{key}.exhaustive", "needs containers: it asks that every child of each container is a layer")
        ignores = self.strings(table, "exhaustive_ignores", key) or []
        for i, tail in enumerate(ignores):
            if not tail.isidentifier():
                self.problem(f"{key}.exhaustive_ignores[{i}]", f"{json.dumps(tail)} is not a module name (one segment)")
        return LayerStack(
            exhaustive=exhaustive,
            exhaustive_ignores=tuple(ignores),
            index=index,
            name=name,
            levels=tuple(levels),
            containers=containers,
            ignore_imports=self.ignore_imports(table, key),
            because=_one_line(self.string(table, "because", key)),
            key=key,
        )

    def teams(self, data: Any, key: str) -> list[Team]:
        if not isinstance(data, dict):
            self.problem(key, f"expected a table of teams, got {_type_name(data)}")
            return []
        out = []
        for name, table in data.items():
            team_key = f"{key}.{name}"
            if not _TEAM_NAME_RE.match(name):
                self.problem(team_key, f"{json.dumps(name)} is not a valid team name")
            if not isinstance(table, dict):
                self.problem(team_key, f"expected a table, got {_type_name(table)}")
                continue
            self.known_keys(table, TEAM_KEYS, team_key)
            interface = self.patterns(table, "interface", team_key) if "interface" in table else None
            depends = self.strings(table, "depends_on", team_key)
            out.append(
                Team(
                    name=name,
                    # With codeowners, a team may take all its modules from CODEOWNERS.
                    owns=self.patterns(table, "owns", team_key, required=not self.codeowners),
                    interface=interface,
                    depends_on=tuple(depends) if depends is not None else None,
                    contact=_one_line(self.string(table, "contact", team_key)),
                    because=_one_line(self.string(table, "because", team_key)),
                    key=team_key,
                    deprecated=self.deprecated(table, team_key),
                )
            )
        return out

    def check_teams(self, teams: list[Team], defer_unknown: bool = False) -> None:
        names = [t.name for t in teams]
        owner_of: dict[str, str] = {}
        for team in teams:
            for i, dep in enumerate(team.depends_on or ()):
                if dep not in names and not defer_unknown:  # with codeowners: once its teams are known
                    self.problem(
                        f"{team.key}.depends_on[{i}]", f"unknown team {json.dumps(dep)}{did_you_mean(dep, names)}"
                    )
            for i, pattern in enumerate(team.owns):
                other = owner_of.get(pattern.text)
                if other is not None and other != team.name:
                    self.problem(
                        f"{team.key}.owns[{i}]",
                        f"{json.dumps(pattern.text)} is already owned by team {json.dumps(other)}; "
                        "a module has one owner",
                    )
                owner_of.setdefault(pattern.text, team.name)

    def forbid(self, index: int, table: dict[str, Any]) -> Forbid:
        key = f"tool.arch_rules.forbid[{index}]"
        self.known_keys(table, FORBID_KEYS, key)
        return Forbid(
            name=_one_line(self.string(table, "name", key)),
            index=index,
            sources=self.patterns(table, "from", key, required=True),
            forbidden=self.patterns(table, "import", key, required=True),
            allow_indirect=self.boolean(table, "allow_indirect", key, False),
            ignore_imports=self.ignore_imports(table, key),
            because=_one_line(self.string(table, "because", key)),
            key=key,
        )

    def independent(self, index: int, table: dict[str, Any]) -> Independent:
        key = f"tool.arch_rules.independent[{index}]"
        self.known_keys(table, INDEPENDENT_KEYS, key)
        modules = self.patterns(table, "modules", key, required=True)
        if "modules" in table and isinstance(table["modules"], list) and 0 < len(table["modules"]) < 2:
            self.problem(f"{key}.modules", "list at least two modules that must stay independent")
        return Independent(
            name=_one_line(self.string(table, "name", key)),
            index=index,
            modules=modules,
            ignore_imports=self.ignore_imports(table, key),
            because=_one_line(self.string(table, "because", key)),
            key=key,
        )

    def deprecated(self, table: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        """``deprecated = {"dotted.name" = "text"}`` of a team (ARC502)."""
        value = table.get("deprecated", {})
        if not isinstance(value, dict):
            self.problem(f"{key}.deprecated", f'expected a table of "dotted.name" = "text", got {_type_name(value)}')
            return ()
        out: list[tuple[str, str]] = []
        for name, text in value.items():
            item_key = f'{key}.deprecated."{name}"'
            if not _DOTTED_RE.match(name):
                self.problem(item_key, f"{json.dumps(name)} is not a dotted name (like shop.payments.api.refund_v1)")
            elif not isinstance(text, str):
                self.problem(item_key, f"expected the deprecation text as a string, got {_type_name(text)}")
            else:
                out.append((name, _one_line(text)))
        return tuple(out)

    def standard(self, index: int, table: dict[str, Any]) -> Standard:
        """One ``[[tool.arch_rules.standards]]`` entry (ARC501)."""
        key = f"tool.arch_rules.standards[{index}]"
        self.known_keys(table, STANDARD_KEYS, key)
        inside = self.patterns(table, "in", key)
        teams = self.strings(table, "teams", key)
        if "in" not in table and "teams" not in table:
            self.problem(key, 'give "in" (module patterns) or "teams" (team names): where the standard applies')
        bans = self.strings(table, "ban", key, required=True) or []
        for i, name in enumerate(bans):
            if not _DOTTED_RE.match(name):
                self.problem(
                    f"{key}.ban[{i}]",
                    f"{json.dumps(name)} is not a dotted name (like datetime.datetime.now, os.environ or print)",
                )
        if "ban" in table and isinstance(table["ban"], list) and not table["ban"]:
            self.problem(f"{key}.ban", "must list at least one name")
        return Standard(
            index=index,
            name=_one_line(self.string(table, "name", key)),
            inside=inside,
            teams=tuple(teams) if teams is not None else None,
            excepted=self.patterns(table, "except", key),
            bans=tuple(b for b in bans if _DOTTED_RE.match(b)),
            because=_one_line(self.string(table, "because", key)),
            key=key,
        )

    def check_standard_teams(self, standards: list[Standard], teams: list[Team], defer_unknown: bool) -> None:
        names = [t.name for t in teams]
        for standard in standards:
            for i, team in enumerate(standard.teams or ()):
                if team not in names and not defer_unknown:
                    why = f"unknown team {json.dumps(team)}{did_you_mean(team, names)}"
                    self.problem(f"{standard.key}.teams[{i}]", why)

    def rules(self, table: Any, key: str) -> RuleSettings:
        if not isinstance(table, dict):
            self.problem(key, f"expected a table, got {_type_name(table)}")
            return RuleSettings()
        self.known_keys(table, RULES_KEYS, key)
        # Codes of plugin rules are known once the plugins are loaded (the engine checks them then).
        check = code_checker(self.codes, custom=bool(self.plugins))
        select = self.strings(table, "select", key)
        if table.get("select") == []:
            self.problem(f"{key}.select", "is empty, so nothing would be checked; remove the key to check everything")
        ignore = self.strings(table, "ignore", key) or []
        for name, values in (("select", select or []), ("ignore", ignore)):
            for i, code in enumerate(values):
                why = check(code)
                if why:
                    self.problem(f"{key}.{name}[{i}]", why)
        severity: list[tuple[str, str]] = []
        raw_severity = table.get("severity", {})
        if not isinstance(raw_severity, dict):
            self.problem(
                f"{key}.severity", f'expected a table of CODE = "error"|"warning", got {_type_name(raw_severity)}'
            )
        else:
            for code, level in raw_severity.items():
                why = check(code)
                if why:
                    self.problem(f"{key}.severity.{code}", why)
                elif level not in defaults.SEVERITIES:
                    shown = json.dumps(level) if isinstance(level, str) else _type_name(level)
                    self.problem(f"{key}.severity.{code}", f'expected "error" or "warning", got {shown}')
                else:
                    severity.append((code, level))
        per_file: list[tuple[str, tuple[str, ...]]] = []
        raw_pfi = table.get("per_file_ignores", {})
        if not isinstance(raw_pfi, dict):
            self.problem(f"{key}.per_file_ignores", f"expected a table of GLOB = [CODES], got {_type_name(raw_pfi)}")
        else:
            for glob, codes in raw_pfi.items():
                item_key = f"{key}.per_file_ignores.{json.dumps(glob)}"
                why = globs.problem(glob)
                if why:
                    self.problem(item_key, why)
                    continue
                if isinstance(codes, str):
                    self.problem(item_key, f'expected a list of rule codes, got a string (write ["{codes}"])')
                    continue
                if not isinstance(codes, list):
                    self.problem(item_key, f"expected a list of rule codes, got {_type_name(codes)}")
                    continue
                wrong = [(i, c) for i, c in enumerate(codes) if not isinstance(c, str)]
                for i, code in wrong:
                    self.problem(f"{item_key}[{i}]", f"expected a rule code, got {_type_name(code)}")
                if wrong:
                    continue
                for i, code in enumerate(codes):
                    why = check(code)
                    if why:
                        self.problem(f"{item_key}[{i}]", why)
                per_file.append((glob, tuple(codes)))
        baseline = self.string(table, "baseline", key, defaults.BASELINE_FILE) or defaults.BASELINE_FILE
        self.inside_project(f"{key}.baseline", baseline)
        return RuleSettings(
            select=tuple(select) if select is not None else (defaults.CODE_PREFIX,),
            ignore=tuple(ignore),
            severity=tuple(severity),
            per_file_ignores=tuple(per_file),
            baseline=baseline,
        )


def code_checker(codes: Collection[str], custom: bool = False) -> Callable[[str], str | None]:
    """A function telling why a code or prefix in select/ignore/severity is not one of ``codes``, if it is not.

    ``custom``: accept any code not starting with ARC too (plugins are configured but not loaded yet; the
    engine checks such codes against the plugin rules once they are).
    """

    def check(code: str) -> str | None:
        if not isinstance(code, str):
            return f"expected a rule code, got {_type_name(code)}"
        if any(known.startswith(code) for known in codes) and code:
            return None
        if custom and re.match(r"^[A-Z]+[0-9]*$", code) and not defaults.CODE_PREFIX.startswith(code[:3]):
            return None
        return f"unknown rule code {json.dumps(code)}{did_you_mean(code, list(codes))}"

    return check


def _shown(path: Path) -> str:
    """A path in a one-line message: control characters escaped."""
    return repr(str(path))[1:-1]


def _one_line(text: str) -> str:
    """Texts quoted in messages (``because``, ``contact``) with their whitespace folded: a message is one
    line, even when the TOML string was a multi-line one."""
    return " ".join(text.split())


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time of day"
    return f"a {type(value).__name__}"
