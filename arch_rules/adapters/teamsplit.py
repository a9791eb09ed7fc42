"""``arch-rules init --split-teams``: move each team of the central table into a team file in its package.

A team moves when everything it owns lies in one regular package of the project (its ``owns`` patterns
share a literal package prefix that has an ``__init__.py``) and that package has no team file yet; its
``[tool.arch_rules.teams.NAME]`` table leaves pyproject.toml (the rest of the file, comments included,
stays as it is). Teams that cannot move are named, with the reason. Before anything is written, the new
pyproject.toml and the team files are loaded again and must declare exactly the same teams; without
``--write`` the plan is only printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arch_rules import defaults, rules
from arch_rules.engine import atomic
from arch_rules.engine.run import Options, prepare
from arch_rules.errors import ConfigError, UsageError
from arch_rules.model import teamfiles
from arch_rules.model.config import Config, Team, loads
from arch_rules.model.project import Project


@dataclass(frozen=True)
class Move:
    team: str
    relpath: str  # the team file, relative to the project root
    text: str


def plan(options: Options) -> tuple[Config, list[Move], list[str], str]:
    """(config, the moves, why the other teams stay, the new pyproject.toml text)."""
    config, project = prepare(options)
    moves: list[Move] = []
    stays: list[str] = []
    text = config.text
    for team in config.teams:
        if team.source:
            continue  # already in a team file
        if not team.key.startswith("tool.arch_rules.teams."):
            stays.append(f"team {team.name}: comes from {config.codeowners or 'CODEOWNERS'}, not the table")
            continue
        package, why = _package(project, team)
        if package is None:
            stays.append(f"team {team.name}: {why}; it stays in {config.display_path}")
            continue
        module = project.modules[package]
        folder = module.relpath.rpartition("/")[0]
        relpath = f"{folder}/{defaults.TEAM_FILE}" if folder else defaults.TEAM_FILE
        if (config.root / relpath).exists():
            stays.append(f"team {team.name}: {relpath} exists already; it stays in {config.display_path}")
            continue
        cut = _without_table(text, team.name)
        if cut is None:
            stays.append(
                f"team {team.name}: not written as a [tool.arch_rules.teams.{team.name}] table; "
                f"it stays in {config.display_path}"
            )
            continue
        text = cut
        moves.append(Move(team.name, relpath, _file_text(team, package)))
    return config, moves, stays, text


def split(options: Options, write: bool) -> str:
    """The report of the split (what moves where, what stays and why); with ``write``, done."""
    config, moves, stays, text = plan(options)
    if moves:
        _verify(config, moves, text)
    out: list[str] = []
    for move in moves:
        out.append(f"# {move.relpath}  (team {move.team})")
        out.append(move.text)
    out += [f"# {line}" for line in stays]
    if not moves:
        out.append("# no team to move")
    elif write:
        for move in moves:
            atomic.write_text(config.root / move.relpath, move.text)
        atomic.write_text(config.path, text)
        out.append(f"# wrote {len(moves)} team file{'s' if len(moves) != 1 else ''} and updated {config.display_path}")
    else:
        out.append("# nothing written; run `arch-rules init --split-teams --write` to do it")
    return "\n".join(out) + "\n"


def _package(project: Project, team: Team) -> tuple[str | None, str]:
    """The regular package all of ``team``'s owns patterns lie in (the longest common literal prefix)."""
    prefixes = []
    for pattern in team.owns:
        literal = []
        for part in pattern.text.split("."):
            if "*" in part:
                break
            literal.append(part)
        if not literal:
            return None, f"owns {pattern.text!r} starts with a wildcard"
        prefixes.append(literal)
    if not prefixes:
        return None, "it owns nothing in the table"
    common: list[str] = []
    for parts in zip(*prefixes, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    while common:
        name = ".".join(common)
        module = project.modules.get(name)
        if module is not None and module.is_package:
            return name, ""
        common.pop()
    return None, "what it owns is not inside one regular package (a folder with __init__.py)"


def _file_text(team: Team, package: str) -> str:
    body = teamfiles.render(team)
    if [p.text for p in team.owns] == [package]:  # the default: the package the file sits in
        body = "\n".join(line for line in body.splitlines() if not line.startswith("owns = ")) + "\n"
    return body


def _without_table(text: str, name: str) -> str | None:
    """``text`` without the ``[tool.arch_rules.teams.NAME]`` table (header to the next header)."""
    quoted = re.escape(name)
    header = re.compile(rf'^\s*\[\s*tool\.arch_rules\.teams\.(?:{quoted}|"{quoted}"|\'{quoted}\')\s*\]\s*(#.*)?$')
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not re.match(r"^\s*\[", lines[end]):
        end += 1
    # Blank lines before the next table stay with it; the ones ending the removed table go.
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    rest = lines[:start] + lines[end:]
    while start < len(rest) and start > 0 and not rest[start].strip() and not rest[start - 1].strip():
        del rest[start]
    return "".join(rest)


def _verify(config: Config, moves: list[Move], text: str) -> None:
    """The split declares exactly the teams the table did, or nothing is written."""
    try:
        central = loads(config.path, text, rules.codes())
    except ConfigError as exc:
        why = exc.problems[0]
        raise UsageError(f"{config.display_path}: the split would not load ({why}); nothing written") from None
    files = {move.relpath: move.text for move in moves}
    merged = {team.name: _meaning(team) for team in central.teams}
    for move in moves:
        package = move.relpath.rpartition("/")[0].replace("/", ".")
        problems: list[str] = []
        moved = teamfiles.parse(move.relpath, _package_name(config, package), files[move.relpath].encode(), problems)
        if moved is None:
            raise UsageError(f"{move.relpath}: the split would not load ({problems[0]}); nothing written")
        merged[moved.name] = _meaning(moved)
    expected = {team.name: _meaning(team) for team in config.teams if team.key.startswith("tool.arch_rules.teams.")}
    if merged != expected:
        raise UsageError("the split would change what the teams declare; nothing written (please report it)")


def _package_name(config: Config, folder: str) -> str:
    """The package a folder (relative to the project root, dotted) is, under its source root."""
    for source_root in config.source_roots:
        prefix = "" if source_root in (".", "") else source_root.strip("/").replace("/", ".") + "."
        if folder.startswith(prefix):
            return folder[len(prefix) :]
    return folder


def _meaning(team: Team) -> tuple[object, ...]:
    return (
        tuple(p.text for p in team.owns),
        tuple(p.text for p in team.interface) if team.interface is not None else None,
        team.depends_on,
        team.contact,
        team.because,
    )
