"""Teams from a CODEOWNERS file (docs/configuration.md, ``codeowners``).

Each CODEOWNERS rule maps a gitignore-style file pattern to owners; the last matching rule wins, as on
GitHub and GitLab. An owner ``@org/team`` is team ``team`` (``@user`` is team ``user``; e-mail owners
are skipped). A module is owned by the first team owner of its file's rule. Explicit
``[tool.arch_rules.teams]`` entries win over CODEOWNERS for the modules they cover; an owner that is a
configured team adds its CODEOWNERS modules to that team; any other owner becomes a new team.
Each team's modules are written as the fewest ``owns`` patterns that cover exactly them: a package
whose every module the team owns is one pattern.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from arch_rules import safefile
from arch_rules.errors import ConfigError
from arch_rules.model import globs
from arch_rules.model.config import Config, Team
from arch_rules.model.patterns import Pattern
from arch_rules.model.project import Project

if TYPE_CHECKING:
    import pathspec  # imported where a spec is built (arch_rules.model.globs)

__all__ = ["parse", "team_name", "with_codeowners"]

#: Where GitHub looks for CODEOWNERS, relative to the repository root; the file's own folder is the root
#: otherwise.
_SPECIAL_FOLDERS = (".github", ".gitlab", "docs")


@dataclasses.dataclass(frozen=True)
class Rule:
    line: int
    pattern: str
    spec: pathspec.GitIgnoreSpec
    owners: tuple[str, ...]


def parse(text: str) -> list[Rule]:
    """The rules of a CODEOWNERS file, in order: pattern, matcher and owners (comments and blank lines
    skipped)."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or (line.startswith("[") and line.endswith("]")):
            continue  # blank, comment, or a GitLab section header
        parts = re.split(r"(?<!\\)\s+", line.split(" #", 1)[0].strip())
        pattern, owners = parts[0].replace("\\ ", " "), tuple(parts[1:])
        rules.append(Rule(number, pattern, globs.spec([pattern]), owners))
    return rules


def team_name(owner: str) -> str | None:
    """``@org/team`` -> ``team``; ``@user`` -> ``user``; an e-mail address -> None."""
    if not owner.startswith("@"):
        return None
    name = owner[1:].rsplit("/", 1)[-1]
    return name or None


def with_codeowners(
    config: Config, project: Project, read: Callable[[str], bytes | None] | None = None
) -> tuple[Config, Project]:
    """``config`` with the teams CODEOWNERS adds, and the project rebuilt on it. ``read(relpath)`` gives a
    file's bytes or None (the base of ``check --since`` reads its own CODEOWNERS from git); by default,
    from the disk."""
    assert config.codeowners is not None
    key = "tool.arch_rules.codeowners"
    path = safefile.inside(config.root, config.codeowners)
    if path is None:
        raise ConfigError([safefile.outside_message(config.display_path, key, config.codeowners)])
    try:
        text = safefile.read_text(path) if read is None else _read_from(read, config, path)
    except FileNotFoundError:
        raise ConfigError([f"{config.display_path}: {key}: {config.codeowners!r} not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{config.display_path}: {key}: {config.codeowners!r} cannot be read ({exc})"]) from None
    # What CODEOWNERS says decides the teams, so it is part of what cached findings depend on.
    config = dataclasses.replace(config, codeowners_text=text)
    project = Project(config, project.modules, project.namespaces)
    rules = parse(text)
    repository = path.parent.parent if path.parent.name in _SPECIAL_FOLDERS else path.parent
    prefix = _prefix(config.root, repository)
    owned: dict[str, set[str]] = {}
    contact: dict[str, tuple[str, int]] = {}
    for name, module in project.modules.items():
        if project.team_of(name) is not None:
            continue  # an explicit team entry wins
        rule = next((r for r in reversed(rules) if r.spec.match_file(prefix + module.relpath)), None)
        if rule is None:
            continue
        owner = next((t for t in map(team_name, rule.owners) if t), None)
        if owner is None:
            continue
        owned.setdefault(owner, set()).add(name)
        contact.setdefault(owner, (next(o for o in rule.owners if team_name(o) == owner), rule.line))
    if not owned:
        return config, project
    teams = list(config.teams)
    for new_name, modules in sorted(owned.items()):
        patterns = tuple(Pattern(p) for p in _cover(project, modules))
        existing = next((i for i, t in enumerate(teams) if t.name == new_name), None)
        if existing is not None:
            configured = teams[existing]
            teams[existing] = dataclasses.replace(configured, owns=(*configured.owns, *patterns))
        else:
            handle, line = contact[new_name]
            teams.append(
                Team(
                    name=new_name,
                    owns=patterns,
                    interface=None,
                    depends_on=None,
                    contact=handle,
                    because="",
                    key=f"{config.codeowners}:{line}",
                )
            )
    merged = dataclasses.replace(config, teams=tuple(teams))
    return merged, Project(merged, project.modules, project.namespaces)


def _read_from(read: Callable[[str], bytes | None], config: Config, path: Path) -> str:
    try:
        rel = path.relative_to(config.root.resolve()).as_posix()
    except ValueError:
        rel = config.codeowners or ""
    data = read(rel)
    if data is None:
        raise FileNotFoundError(rel)
    return data.decode("utf-8")


def _cover(project: Project, modules: set[str]) -> list[str]:
    """The fewest names whose coverage (the name and its descendants) is exactly ``modules``."""
    names = sorted(project.all_names())
    below: dict[str, list[str]] = {}
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            below.setdefault(".".join(parts[:end]), []).append(name)
    chosen: list[str] = []
    for name in sorted(modules, key=lambda n: (n.count("."), n)):
        if any(name == c or name.startswith(c + ".") for c in chosen):
            continue
        parts = name.split(".")
        best = name
        for end in range(len(parts) - 1, 0, -1):
            ancestor = ".".join(parts[:end])
            if all(m in modules or m not in project.modules for m in below.get(ancestor, ())):
                best = ancestor
            else:
                break
        chosen.append(best)
    return chosen


def _prefix(root: Path, repository: Path) -> str:
    """The project root relative to the repository root, as a path prefix ('' or 'backend/')."""
    try:
        rel = root.resolve().relative_to(repository).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"
