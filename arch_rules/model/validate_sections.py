"""The sections of ``[tool.arch_rules]``: layers, teams, forbid, independent, standards and rules, each
validated key by key into the values of arch_rules/model/declaration.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

from arch_rules import defaults
from arch_rules.model import globs
from arch_rules.model.declaration import (
    Forbid,
    Independent,
    LayerEntry,
    LayerStack,
    Level,
    RuleSettings,
    Standard,
    Team,
)
from arch_rules.model.patterns import Pattern, pattern_problem
from arch_rules.model.validate_values import (
    DOTTED_RE,
    TEAM_NAME_RE,
    ValueReader,
    code_checker,
    did_you_mean,
    one_line,
    type_name,
)

__all__ = [
    "FORBID_KEYS",
    "INDEPENDENT_KEYS",
    "LAYER_KEYS",
    "RULES_KEYS",
    "STANDARD_KEYS",
    "TEAM_KEYS",
    "SectionReader",
]

LAYER_KEYS = ("name", "order", "containers", "exhaustive", "exhaustive_ignores", "ignore_imports", "because")
TEAM_KEYS = ("owns", "interface", "depends_on", "contact", "because", "deprecated")
STANDARD_KEYS = ("name", "in", "teams", "except", "ban", "because")
FORBID_KEYS = ("name", "from", "import", "allow_indirect", "ignore_imports", "because")
INDEPENDENT_KEYS = ("name", "modules", "ignore_imports", "because")
RULES_KEYS = ("select", "ignore", "severity", "per_file_ignores", "baseline")


class SectionReader(ValueReader):
    """The readers of the sections that hold several values (one method per section)."""

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
            because=one_line(self.string(table, "because", key)),
            key=key,
        )

    def teams(self, data: Any, key: str) -> list[Team]:
        if not isinstance(data, dict):
            self.problem(key, f"expected a table of teams, got {type_name(data)}")
            return []
        out = []
        for name, table in data.items():
            team_key = f"{key}.{name}"
            if not TEAM_NAME_RE.match(name):
                self.problem(team_key, f"{json.dumps(name)} is not a valid team name")
            if not isinstance(table, dict):
                self.problem(team_key, f"expected a table, got {type_name(table)}")
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
                    contact=one_line(self.string(table, "contact", team_key)),
                    because=one_line(self.string(table, "because", team_key)),
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
            name=one_line(self.string(table, "name", key)),
            index=index,
            sources=self.patterns(table, "from", key, required=True),
            forbidden=self.patterns(table, "import", key, required=True),
            allow_indirect=self.boolean(table, "allow_indirect", key, False),
            ignore_imports=self.ignore_imports(table, key),
            because=one_line(self.string(table, "because", key)),
            key=key,
        )

    def independent(self, index: int, table: dict[str, Any]) -> Independent:
        key = f"tool.arch_rules.independent[{index}]"
        self.known_keys(table, INDEPENDENT_KEYS, key)
        modules = self.patterns(table, "modules", key, required=True)
        if "modules" in table and isinstance(table["modules"], list) and 0 < len(table["modules"]) < 2:
            self.problem(f"{key}.modules", "list at least two modules that must stay independent")
        return Independent(
            name=one_line(self.string(table, "name", key)),
            index=index,
            modules=modules,
            ignore_imports=self.ignore_imports(table, key),
            because=one_line(self.string(table, "because", key)),
            key=key,
        )

    def deprecated(self, table: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        """``deprecated = {"dotted.name" = "text"}`` of a team (ARC502)."""
        value = table.get("deprecated", {})
        if not isinstance(value, dict):
            self.problem(f"{key}.deprecated", f'expected a table of "dotted.name" = "text", got {type_name(value)}')
            return ()
        out: list[tuple[str, str]] = []
        for name, text in value.items():
            item_key = f'{key}.deprecated."{name}"'
            if not DOTTED_RE.match(name):
                self.problem(item_key, f"{json.dumps(name)} is not a dotted name (like shop.payments.api.refund_v1)")
            elif not isinstance(text, str):
                self.problem(item_key, f"expected the deprecation text as a string, got {type_name(text)}")
            else:
                out.append((name, one_line(text)))
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
            if not DOTTED_RE.match(name):
                self.problem(
                    f"{key}.ban[{i}]",
                    f"{json.dumps(name)} is not a dotted name (like datetime.datetime.now, os.environ or print)",
                )
        if "ban" in table and isinstance(table["ban"], list) and not table["ban"]:
            self.problem(f"{key}.ban", "must list at least one name")
        return Standard(
            index=index,
            name=one_line(self.string(table, "name", key)),
            inside=inside,
            teams=tuple(teams) if teams is not None else None,
            excepted=self.patterns(table, "except", key),
            bans=tuple(b for b in bans if DOTTED_RE.match(b)),
            because=one_line(self.string(table, "because", key)),
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
            self.problem(key, f"expected a table, got {type_name(table)}")
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
                f"{key}.severity", f'expected a table of CODE = "error"|"warning", got {type_name(raw_severity)}'
            )
        else:
            for code, level in raw_severity.items():
                why = check(code)
                if why:
                    self.problem(f"{key}.severity.{code}", why)
                elif level not in defaults.SEVERITIES:
                    shown = json.dumps(level) if isinstance(level, str) else type_name(level)
                    self.problem(f"{key}.severity.{code}", f'expected "error" or "warning", got {shown}')
                else:
                    severity.append((code, level))
        per_file: list[tuple[str, tuple[str, ...]]] = []
        raw_pfi = table.get("per_file_ignores", {})
        if not isinstance(raw_pfi, dict):
            self.problem(f"{key}.per_file_ignores", f"expected a table of GLOB = [CODES], got {type_name(raw_pfi)}")
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
                    self.problem(item_key, f"expected a list of rule codes, got {type_name(codes)}")
                    continue
                wrong = [(i, c) for i, c in enumerate(codes) if not isinstance(c, str)]
                for i, code in wrong:
                    self.problem(f"{item_key}[{i}]", f"expected a rule code, got {type_name(code)}")
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
