"""The declaration as values: what ``[tool.arch_rules]`` says once it is validated (teams, layers,
forbids, independence, rule settings), immutable and hashable, with where each value stands in the file.
arch_rules/model/config.py reads and validates it."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arch_rules import defaults
from arch_rules.facts import source_lines
from arch_rules.model.patterns import Pattern

__all__ = [
    "Config",
    "Forbid",
    "IgnoredImport",
    "Independent",
    "LayerEntry",
    "LayerStack",
    "Level",
    "RuleSettings",
    "Team",
    "locate_key",
]


@dataclass(frozen=True)
class IgnoredImport:
    """An agreed exception ``importer -> imported`` (wildcards allowed, matched exactly)."""

    text: str
    importer: Pattern
    imported: Pattern
    key: str  # key path, for messages and locations


@dataclass(frozen=True)
class LayerEntry:
    """One module pattern on one level of a stack; ``optional`` when written ``(name)``."""

    pattern: Pattern
    optional: bool
    key: str


@dataclass(frozen=True)
class Level:
    """One level of a layer stack: its entries, independent siblings (``|``) or siblings that may import each
    other (``:``)."""

    entries: tuple[LayerEntry, ...]
    independent: bool  # "a | b" (True) or "a : b" / a single entry (False)


@dataclass(frozen=True)
class LayerStack:
    """One ``[[tool.arch_rules.layers]]`` entry: its levels, highest first, containers, agreed exceptions and
    ``because``."""

    index: int
    name: str
    levels: tuple[Level, ...]
    containers: tuple[Pattern, ...]
    ignore_imports: tuple[IgnoredImport, ...]
    because: str
    key: str
    #: With containers: every child of each container must be a layer (or in ``exhaustive_ignores``).
    exhaustive: bool = False
    exhaustive_ignores: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name or f"layers[{self.index}]"


@dataclass(frozen=True)
class Team:
    """One ``[tool.arch_rules.teams.NAME]`` table: what the team owns, its interface, whom it may depend on,
    its contact."""

    name: str
    owns: tuple[Pattern, ...]
    interface: tuple[Pattern, ...] | None  # None: the owned packages themselves
    depends_on: tuple[str, ...] | None  # None: any team
    contact: str
    because: str
    key: str
    #: The team file that declares the team (``src/shop/billing/arch-team.toml``); "" for the central table.
    source: str = ""
    #: That file's text, to locate a pattern of it by line (ARC001).
    text: str = field(default="", compare=False, repr=False)
    #: ``deprecated = {"shop.payments.api.refund_v1" = "use refund()"}``: names other teams should stop using
    #: (ARC502), each with the owners' text (empty when a team file lists names only).
    deprecated: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"team {self.name} ({self.contact})" if self.contact else f"team {self.name}"

    def at(self, sub: str, config_label: str) -> str:
        """Where a key of this team is written, as messages name it: ``file: key.path``."""
        if self.source:
            return f"{self.source}: {sub}"
        return f"{config_label}: {self.key}.{sub}"

    def line_of(self, key: str, value: str | None = None) -> int:
        """The line of this team's file that holds ``value`` (a team file's team only; best effort)."""
        return _locate(self.text, key, value)


@dataclass(frozen=True)
class Forbid:
    """One ``[[tool.arch_rules.forbid]]`` entry: modules that may not import others, directly or through a
    chain."""

    index: int
    sources: tuple[Pattern, ...]
    forbidden: tuple[Pattern, ...]
    allow_indirect: bool
    ignore_imports: tuple[IgnoredImport, ...]
    because: str
    key: str
    name: str = ""

    @property
    def label(self) -> str:
        """How messages name the entry: its ``name``, else ``forbid[N]``."""
        return self.name or f"forbid[{self.index}]"


@dataclass(frozen=True)
class Independent:
    """One ``[[tool.arch_rules.independent]]`` entry: modules that may not import each other."""

    index: int
    modules: tuple[Pattern, ...]
    ignore_imports: tuple[IgnoredImport, ...]
    because: str
    key: str
    name: str = ""

    @property
    def label(self) -> str:
        """How messages name the entry: its ``name``, else ``independent[N]``."""
        return self.name or f"independent[{self.index}]"


@dataclass(frozen=True)
class Standard:
    """``[[tool.arch_rules.standards]]``: APIs banned in a scope (ARC501)."""

    index: int
    name: str
    inside: tuple[Pattern, ...]
    teams: tuple[str, ...] | None
    excepted: tuple[Pattern, ...]
    bans: tuple[str, ...]
    because: str
    key: str

    @property
    def label(self) -> str:
        return self.name or f"standards[{self.index}]"


@dataclass(frozen=True)
class RuleSettings:
    """``[tool.arch_rules.rules]``: select, ignore, severity, per-file ignores and the baseline file."""

    select: tuple[str, ...] = (defaults.CODE_PREFIX,)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    baseline: str = defaults.BASELINE_FILE


@dataclass(frozen=True)
class Config:
    """The validated declaration. Paths are relative to ``root`` (the folder of ``path``)."""

    path: Path
    root: Path
    source_roots: tuple[str, ...] = (".",)
    root_packages: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    require_owner: bool = False
    type_checking_imports: str = "check"
    local_imports: str = "check"
    dynamic_imports: str = "check"
    private_imports: str = "across_teams"
    acyclic: tuple[Pattern, ...] = ()
    codeowners: str | None = None
    cache_dir: str = defaults.CACHE_DIR
    #: Files larger than this many bytes are not analysed (ARC003 "too large"): memory is ~250x the source.
    max_file_size: int = defaults.MAX_FILE_SIZE
    layers: tuple[LayerStack, ...] = ()
    teams: tuple[Team, ...] = ()
    forbid: tuple[Forbid, ...] = ()
    independent: tuple[Independent, ...] = ()
    standards: tuple[Standard, ...] = ()
    #: ``plugins``: files (relative to the root) or dotted module names holding ``LintRule``s.
    plugins: tuple[str, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    #: The raw table, for hashing and for `arch-rules contracts`.
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: The text of the configuration file, to locate patterns (ARC001/ARC004) by line.
    text: str = field(default="", compare=False, repr=False)
    #: (relpath, text) of every team file merged into ``teams`` (part of the digest).
    team_files: tuple[tuple[str, str], ...] = ()
    #: The text of the CODEOWNERS file read for ``codeowners`` (part of the digest: it decides owners).
    codeowners_text: str = ""

    @property
    def display_path(self) -> str:
        return self.path.name

    @property
    def relpath(self) -> str:
        """The configuration file as findings name it: relative to the project root."""
        try:
            return self.path.relative_to(self.root).as_posix()
        except ValueError:
            return self.path.name

    @property
    def digest(self) -> str:
        """Hash of what the configuration means: a change invalidates every cached result."""
        payload = json.dumps([self.raw, self.team_files, self.codeowners_text], sort_keys=True, default=str)
        payload += "\0" + str(self.root)
        return hashlib.sha256(payload.encode()).hexdigest()[:24]

    def ignored_imports(self) -> list[IgnoredImport]:
        found: list[IgnoredImport] = []
        for stack in self.layers:
            found.extend(stack.ignore_imports)
        for forbid in self.forbid:
            found.extend(forbid.ignore_imports)
        for independent in self.independent:
            found.extend(independent.ignore_imports)
        return found

    def line_of(self, key: str, value: str | None = None) -> int:
        """The line of the configuration file that holds ``value`` under ``key`` (best effort, 1-based)."""
        return _locate(self.text, key, value)


# ----------------------------------------------------------------------------------------------------
# locating a key's value in the file, for findings about the configuration (ARC001, ARC004)


def locate_key(text: str, key: str) -> int:
    """The line of the configuration text where ``key`` (``tool.arch_rules.teams.x.owns[0]``) is written,
    best effort: what an editor underlines for a configuration problem about that key."""
    return _locate(text, key, None)


def _locate(text: str, key: str, value: str | None) -> int:
    """Line of ``value`` (a quoted string) inside the table that ``key`` lives in; best effort."""
    lines = _lines(text)
    start = _table_start(text, key)
    leaf = re.sub(r"\[\d+\]$", "", key.rsplit(".", 1)[-1])
    if value is not None:
        quoted = (json.dumps(value), f"'{value}'")
        for number in range(start, len(lines)):
            line = lines[number]
            if number > start and _is_header(line):
                break
            if any(q in line for q in quoted):
                return number + 1
        # The value may be one part of a quoted entry ("a | b", "(optional)", "x -> y").
        inside = re.compile(r"[\"'][^\"']*(?<![\w.])" + re.escape(value) + r"(?![\w.])[^\"']*[\"']")
        for number in range(start, len(lines)):
            if number > start and _is_header(lines[number]):
                break
            if inside.search(lines[number]):
                return number + 1
    for number in range(start, len(lines)):
        if re.match(rf"^\s*{re.escape(leaf)}\s*=", lines[number]):
            return number + 1
    return start + 1 if start < len(lines) else 1


def _is_header(line: str) -> bool:
    return line.lstrip().startswith("[")


# A run locates every ARC001/ARC004 finding in the same text: thousands of stale patterns must not each
# split the file and scan it for headers again (that was quadratic: 8,000 patterns took ~10 s).


@functools.lru_cache(maxsize=8)
def _lines(text: str) -> tuple[str, ...]:
    return tuple(source_lines(text))


@functools.lru_cache(maxsize=8)
def _headers(text: str) -> tuple[tuple[int, str, bool], ...]:
    """(index, name, is an array table) of every table header of ``text``."""
    found = []
    for number, line in enumerate(_lines(text)):
        match = re.match(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]", line)
        if match:
            found.append((number, match.group(2), match.group(1) == "[["))
    return tuple(found)


@functools.lru_cache(maxsize=1024)
def _table_start(text: str, key: str) -> int:
    """Index of the header line of the table holding ``key`` (e.g. the 2nd ``[[tool.arch_rules.layers]]``)."""
    headers = _headers(text)
    parts = key.split(".")
    # tool.arch_rules.layers[1].order[0] -> array table "tool.arch_rules.layers", occurrence 1
    for depth in range(len(parts), 1, -1):
        prefix = ".".join(parts[:depth])
        m = re.match(r"^(.*)\[(\d+)\]$", prefix)
        if m:
            name, occurrence = m.group(1), int(m.group(2))
            arrays = [number for number, header, array in headers if array and header == name]
            if occurrence < len(arrays):
                return arrays[occurrence]
            continue
        plain = re.sub(r'\."([^"]*)"', r".\1", prefix)
        for number, header, array in headers:
            if not array and header == plain:
                return number
    for number, header, array in headers:
        if not array and header == "tool.arch_rules":
            return number
    return 0
