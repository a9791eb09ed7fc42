"""Validating the whole ``[tool.arch_rules]`` table: its top-level keys, then each section
(arch_rules/model/validate_sections.py), and the checks across sections (team names), every problem at once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from arch_rules import defaults, safefile
from arch_rules.errors import ConfigError
from arch_rules.model import globs
from arch_rules.model.declaration import Config
from arch_rules.model.patterns import pattern_problem
from arch_rules.model.validate_sections import SectionReader
from arch_rules.model.validate_values import did_you_mean, type_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["TOP_KEYS", "Validator"]

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


class Validator(SectionReader):
    """The whole table read into a ``Config``, or a ``ConfigError`` listing every problem."""

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
                f"expected a positive number of bytes, got {shown if shown is not None else type_name(max_file_size)}",
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
