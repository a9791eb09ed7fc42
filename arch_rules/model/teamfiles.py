"""Team-owned declarations: ``arch-team.toml`` inside a team's package.

Like CODEOWNERS, a team's part of the declaration can live with the team, so a change to its interface or
its dependencies is that team's change (and CODEOWNERS routes its review to them). A team file sits in the
folder of a regular package of the project and holds one team, at the top level::

    name = "billing"
    owns = ["shop.billing"]             # default: the package the file sits in
    interface = ["shop.billing.api"]    # default: the owned packages themselves
    depends_on = ["platform"]
    contact = "#billing-eng"
    because = "Billing owns the money flows."
    deprecated = { "shop.billing.api.refund_v1" = "use refund()" }  # ARC502 (a list of names works too)

The central ``[tool.arch_rules]`` table keeps layers, forbids, independence and rules (and may keep teams).
Two definitions of one team, or a team file owning modules outside its own package, are configuration
errors, one line each naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from arch_rules import defaults, safefile
from arch_rules.errors import ConfigError
from arch_rules.model.config import Config, Team
from arch_rules.model.patterns import Pattern, pattern_problem
from arch_rules.model.project import Project
from arch_rules.model.validate_values import TEAM_NAME_RE, did_you_mean, one_line, type_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["TEAM_FILE_KEYS", "candidates", "parse", "render", "with_team_files"]

TEAM_FILE_KEYS = ("name", "owns", "interface", "depends_on", "contact", "because", "deprecated")

Reader = Callable[[str], "bytes | None"]


def candidates(project: Project) -> list[tuple[str, str]]:
    """(relpath of a possible team file, the package it would sit in), one per regular package."""
    out = []
    for name, module in sorted(project.modules.items()):
        if module.is_package:
            folder = posixpath.dirname(module.relpath)
            out.append((f"{folder}/{defaults.TEAM_FILE}" if folder else defaults.TEAM_FILE, name))
    return out


def _disk_reader(root: Path) -> Reader:
    def read(relpath: str) -> bytes | None:
        try:
            return safefile.read_bytes(root / relpath)  # a FIFO or /dev/zero planted here: an error, not a hang
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError([f"{relpath}: cannot be read ({exc})"]) from None

    return read


def with_team_files(config: Config, project: Project, read: Reader | None = None) -> tuple[Config, Project]:
    """``config`` with the teams its team files declare, and the project rebuilt on it (unchanged when
    there are none). ``read(relpath)`` gives a file's bytes or None; by default, from the disk."""
    reader = read or _disk_reader(config.root)
    found: list[tuple[str, str, bytes]] = []
    for relpath, package in candidates(project):
        content = reader(relpath)
        if content is not None:
            found.append((relpath, package, content))
    if not found:
        return config, project
    problems: list[str] = []
    teams = list(config.teams)
    defined = {team.name: f"{config.display_path} (tool.arch_rules.teams.{team.name})" for team in teams}
    texts: list[tuple[str, str]] = []
    for relpath, package, content in found:
        team = parse(relpath, package, content, problems)
        if team is None:
            continue
        texts.append((relpath, team.text))
        if team.name in defined:
            problems.append(
                f"{relpath}: name: team {json.dumps(team.name)} is already defined in {defined[team.name]}; "
                "a team is declared in one place"
            )
            continue
        defined[team.name] = relpath
        teams.append(team)
    if problems:
        raise ConfigError(problems)
    merged = dataclasses.replace(config, teams=tuple(teams), team_files=tuple(texts))
    return merged, Project(merged, project.modules, project.namespaces)


def parse(relpath: str, package: str, content: bytes, problems: list[str]) -> Team | None:
    """The team the team file at ``relpath`` (in ``package``) declares, or None with its problems added to
    ``problems`` (one line each, naming the file and the key)."""

    def problem(key: str, message: str) -> None:
        problems.append(f"{relpath}: {key}: {message}")

    try:
        text = content.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        problems.append(f"{relpath}: cannot be read ({exc})")
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{relpath}: invalid TOML: {exc}")
        return None
    before = len(problems)
    for key in data:
        if key not in TEAM_FILE_KEYS:
            problem(key, f"unknown key{did_you_mean(key, TEAM_FILE_KEYS)}")
    name = data.get("name")
    if "name" not in data:
        problem("name", "required key is missing (the team's name)")
    elif not isinstance(name, str) or not TEAM_NAME_RE.match(name):
        problem("name", f"{json.dumps(name) if isinstance(name, str) else type_name(name)} is not a valid team name")

    def strings(key: str) -> list[str] | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            shown = f'got a string (write ["{value}"])' if isinstance(value, str) else f"got {type_name(value)}"
            problem(key, f"expected a list of strings, {shown}")
            return None
        return value

    def patterns(key: str) -> tuple[Pattern, ...] | None:
        values = strings(key)
        if values is None:
            return None
        out = []
        for i, item in enumerate(values):
            why = pattern_problem(item)
            if why:
                problem(f"{key}[{i}]", why)
            else:
                out.append(Pattern(item))
        return tuple(out)

    owns = patterns("owns")
    if owns is None and "owns" not in data:
        owns = (Pattern(package),)
    for i, pattern in enumerate(owns or ()):
        if not (pattern.text == package or pattern.text.startswith(package + ".")):
            problem(
                f"owns[{i}]",
                f"{json.dumps(pattern.text)} is outside the package {package} this file sits in; a team file owns "
                "only its own package (declare other modules in that package's team file or in pyproject.toml)",
            )
    if owns is not None and not owns and "owns" in data:
        problem("owns", "must not be empty")
    interface = patterns("interface")
    depends = strings("depends_on")
    raw_deprecated = data.get("deprecated")
    deprecated: list[tuple[str, str]] = []
    if isinstance(raw_deprecated, dict):  # as in the central table: "dotted.name" = "what to do instead"
        for dotted, text in raw_deprecated.items():
            if not isinstance(text, str):
                problem(f'deprecated."{dotted}"', f"expected the deprecation text as a string, got {type_name(text)}")
            else:
                deprecated.append((dotted, one_line(text)))
    else:
        deprecated = [(dotted, "") for dotted in strings("deprecated") or ()]

    def string(key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            problem(key, f"expected a string, got {type_name(value)}")
            return ""
        return one_line(value)

    contact, because = string("contact"), string("because")
    if len(problems) > before or not isinstance(name, str):
        return None
    return Team(
        name=name,
        owns=owns or (),
        interface=interface,
        depends_on=tuple(depends) if depends is not None else None,
        contact=contact,
        because=because,
        key=relpath,
        source=relpath,
        text=text,
        deprecated=tuple(deprecated),
    )


def render(team: Team) -> str:
    """The text of a team file for ``team`` (``arch-rules init --split-teams``)."""
    lines = [f"name = {json.dumps(team.name)}"]
    lines.append(f"owns = {_list([p.text for p in team.owns])}")
    if team.interface is not None:
        lines.append(f"interface = {_list([p.text for p in team.interface])}")
    if team.depends_on is not None:
        lines.append(f"depends_on = {_list(list(team.depends_on))}")
    if team.contact:
        lines.append(f"contact = {json.dumps(team.contact, ensure_ascii=False)}")
    if team.because:
        lines.append(f"because = {json.dumps(team.because, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _list(values: list[Any]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"
