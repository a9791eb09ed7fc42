"""A synthetic monorepo of N modules owned by T teams, for measuring arch-rules at scale.

Deterministic for a given (N, T, seed): the same bytes every time, so a benchmark's cache folder and
its numbers are comparable between runs. The shape imitates a team-per-package monorepo:

    src/mono/<team>/{api,services,domain,infra}/m_NNNN.py

Each team's ``api`` package is its interface (``__all__``, docstrings, annotations); services import
their own domain and infra and other teams' ``api``; domain imports infra; every module imports a little
of the standard library and is ~150 lines of ordinary code (classes, methods, functions). A handful of
violations are planted (see ``PLANTED``), so the run has findings to report, as a real project would.

Usage: ``python benchmarks/synthetic.py OUT_DIR --modules 1000 --teams 10 [--seed 1]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

LAYERS = ("api", "services", "domain", "infra")
STDLIB = (
    "import os",
    "import re",
    "import json",
    "import logging",
    "import functools",
    "import itertools",
    "from collections import defaultdict",
    "from dataclasses import dataclass, field",
    "from datetime import datetime, timedelta",
    "from enum import Enum",
    "from pathlib import Path",
    "from typing import Any, Iterable, Iterator",
)

#: The planted violations, by code: what a run should report at least once.
PLANTED = ("ARC101", "ARC102", "ARC103", "ARC104", "ARC105", "ARC106")


@dataclass
class Monorepo:
    """What was generated: where, how big, and the facts a configuration needs."""

    root: Path
    teams: list[str]
    depends_on: dict[str, list[str]]
    files: int = 0
    lines: int = 0
    modules: dict[str, list[str]] = field(default_factory=dict)  # "team.layer" -> module names


def generate(root: Path, modules: int = 1000, teams: int = 10, seed: int = 1) -> Monorepo:
    """Write the monorepo under ``root`` (replacing what is there) and its pyproject.toml and tach.toml."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    names = [f"team{i:02d}" for i in range(teams)]
    # Each team may use a few teams "below" it (by index), never team01 -> team00 / team00 -> team01,
    # which are declared independent.
    depends_on: dict[str, list[str]] = {}
    for i, team in enumerate(names):
        pool = [t for t in names[i + 1 :] if {team, t} != {"team00", "team01"}]
        depends_on[team] = sorted(rng.sample(pool, min(len(pool), 3)))
    repo = Monorepo(root=root, teams=names, depends_on=depends_on)

    # Spread the modules over teams and layers (each (team, layer) package has at least one module).
    per_package = max(1, modules // (teams * len(LAYERS)))
    for team in names:
        for layer in LAYERS:
            repo.modules[f"{team}.{layer}"] = [f"m_{k:04d}" for k in range(per_package)]

    src = root / "src" / "mono"
    _write(repo, src / "__init__.py", '"""The monorepo\'s root package."""\n')
    for team in names:
        _write(repo, src / team / "__init__.py", f'"""Team {team}: everything it owns lives below this package."""\n')
        for layer in LAYERS:
            package = src / team / layer
            if layer == "api":
                _write(repo, package / "__init__.py", _interface(rng, repo, team))
            else:
                _write(repo, package / "__init__.py", f'"""The {layer} of team {team}."""\n')
            for module in repo.modules[f"{team}.{layer}"]:
                _write(repo, package / f"{module}.py", _module(rng, repo, team, layer, module))
        _write(repo, src / team / "infra" / "_helpers.py", _private_helpers(team))
    _plant(repo)
    (root / "pyproject.toml").write_text(pyproject(repo), encoding="utf-8")
    (root / "tach.toml").write_text(tach_toml(repo), encoding="utf-8")
    return repo


def _write(repo: Monorepo, path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    repo.files += 1
    repo.lines += text.count("\n")


def _cls(module: str) -> str:
    return "Thing" + module[2:]


def _interface(rng: random.Random, repo: Monorepo, team: str) -> str:
    """The team's api package: re-exports a few services, declares ``__all__``, documents and types them."""
    services = repo.modules[f"{team}.services"][:3]
    lines = [f'"""Public interface of team {team}: import from here, never from its internals."""', ""]
    lines.append("from __future__ import annotations")
    lines.append("")
    exported = []
    for module in services:
        lines.append(f"from mono.{team}.services.{module} import {_cls(module)}")
        exported.append(_cls(module))
    lines.append("")
    lines.append(f"__all__ = {[*exported, 'describe', 'version']!r}")
    lines.append("")
    lines.append("")
    lines.append("def describe(item: object, verbose: bool = False) -> str:")
    lines.append('    """A one-line description of an item of this team, for logs."""')
    lines.append('    return f"{type(item).__name__}: {item!r}" if verbose else type(item).__name__')
    lines.append("")
    lines.append("")
    lines.append("def version() -> int:")
    lines.append('    """The interface version other teams can check against."""')
    lines.append(f"    return {rng.randint(1, 9)}")
    return "\n".join(lines) + "\n"


def _module(rng: random.Random, repo: Monorepo, team: str, layer: str, module: str) -> str:
    imports = sorted(rng.sample(STDLIB, rng.randint(2, 5)))
    first_party: list[str] = []
    below = LAYERS[LAYERS.index(layer) + 1 :]
    for _ in range(rng.randint(1, 4) if below else 0):
        target_layer = rng.choice(below)
        target = rng.choice(repo.modules[f"{team}.{target_layer}"])
        first_party.append(f"from mono.{team}.{target_layer}.{target} import {_cls(target)}")
    siblings = [m for m in repo.modules[f"{team}.{layer}"] if m < module]
    if siblings and rng.random() < 0.5:
        target = rng.choice(siblings)
        first_party.append(f"from mono.{team}.{layer}.{target} import {_cls(target)}")
    if layer == "services":
        for other in rng.sample(repo.depends_on[team], min(len(repo.depends_on[team]), rng.randint(0, 2))):
            first_party.append(f"from mono.{other}.api import describe as describe_{other}")
    if layer == "infra" and rng.random() < 0.3:
        first_party.append("import sqlite3")
    body = [f'"""{layer.capitalize()} code of team {team}: {module}."""', "", "from __future__ import annotations", ""]
    body += imports
    body.append("")
    body += sorted(set(first_party))
    body.append("")
    body.append("log = logging.getLogger(__name__)") if "import logging" in imports else None
    body.append(f"LIMIT = {rng.randint(10, 1000)}")
    body.append("")
    for c in range(rng.randint(2, 4)):
        name = _cls(module) if c == 0 else f"Helper{c}{module[2:]}"
        body += _class(rng, name)
    for f in range(rng.randint(2, 5)):
        body += _function(rng, f"compute_{f}_{module[2:]}")
    return "\n".join(line for line in body if line is not None) + "\n"


def _class(rng: random.Random, name: str) -> list[str]:
    lines = ["", "", f"class {name}:", f'    """A {name.lower()} of the business, kept small on purpose."""', ""]
    lines.append("    def __init__(self, key: str, size: int = 0) -> None:")
    lines.append("        self.key = key")
    lines.append("        self.size = size")
    lines.append("        self.items: list[int] = []")
    for m in range(rng.randint(2, 5)):
        lines.append("")
        lines.append(f"    def method_{m}(self, value: int, *, scale: float = 1.0) -> float:")
        lines.append(f'        """Scale ``value`` the way rule {m} says."""')
        lines.append("        total = 0.0")
        lines.append(f"        for index in range(value % {rng.randint(3, 17)}):")
        lines.append("            if index % 2:")
        lines.append("                total += index * scale")
        lines.append("            else:")
        lines.append(f"                total -= index / {rng.randint(2, 9)}")
        lines.append("        self.items.append(int(total))")
        lines.append("        return total")
    return lines


def _function(rng: random.Random, name: str) -> list[str]:
    return [
        "",
        "",
        f"def {name}(records: list[dict[str, int]], threshold: int = {rng.randint(1, 99)}) -> dict[str, int]:",
        '    """Sum the records above the threshold, by key."""',
        "    result: dict[str, int] = {}",
        "    for record in records:",
        "        for key, value in record.items():",
        "            if value > threshold:",
        "                result[key] = result.get(key, 0) + value",
        "    return result",
    ]


def _private_helpers(team: str) -> str:
    doc = f'"""Helpers private to team {team}\'s infra package."""'
    return f"{doc}\n\n\ndef _normalise(text: str) -> str:\n    return text.strip().lower()\n"


def _plant(repo: Monorepo) -> None:
    """Append one import per planted violation to existing modules (their findings are what a run reports)."""
    t0, t1, t2 = repo.teams[0], repo.teams[1], repo.teams[2]
    last = repo.teams[-1]
    first = {key: mods[0] for key, mods in repo.modules.items()}
    src = repo.root / "src" / "mono"

    def add(team: str, layer: str, line: str) -> None:
        path = src / team / layer / f"{first[f'{team}.{layer}']}.py"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n{line}  # planted\n")
        repo.lines += 2

    up = first[f"{t2}.services"]
    add(t2, "domain", f"from mono.{t2}.services.{up} import {_cls(up)}")  # ARC101
    other = repo.depends_on[t2][0] if repo.depends_on[t2] else last
    inner = first[f"{other}.domain"]
    add(t2, "services", f"from mono.{other}.domain.{inner} import {_cls(inner)}")  # ARC102
    stranger = next(t for t in reversed(repo.teams) if t not in repo.depends_on[t2] and t != t2)
    add(t2, "services", f"from mono.{stranger}.api import version")  # 103 (not in depends_on)
    add(t2, "domain", "import requests")  # 104
    add(t2, "services", f"from mono.{last}.infra._helpers import _normalise")  # 105 (and 102)
    add(t0, "services", f"from mono.{t1}.api import version")  # 106 (independent)


def pyproject(repo: Monorepo) -> str:
    """The architecture: one layer stack per team package, teams, a forbid and an independence."""
    out = [
        "[project]",
        'name = "mono"',
        'version = "0"',
        "",
        "[tool.arch_rules]",
        'source_roots = ["src"]',
        'root_packages = ["mono"]',
        "require_owner = true",
        "",
        "[[tool.arch_rules.layers]]",
        'name = "team layers"',
        'containers = ["mono.*"]',
        f"order = {list(LAYERS)!r}".replace("'", '"'),
        'because = "api on top, infra at the bottom; nothing reaches back up."',
        "",
    ]
    for team in repo.teams:
        out += [
            f"[tool.arch_rules.teams.{team}]",
            f'owns = ["mono.{team}"]',
            f'interface = ["mono.{team}.api"]',
            f"depends_on = {repo.depends_on[team]!r}".replace("'", '"'),
            f'contact = "#{team}-eng"',
            "",
        ]
    out += [
        "[[tool.arch_rules.forbid]]",
        'from = ["mono.*.domain"]',
        'import = ["requests", "sqlalchemy"]',
        'because = "The domain stays free of I/O libraries."',
        "",
        "[[tool.arch_rules.independent]]",
        f'modules = ["mono.{repo.teams[0]}", "mono.{repo.teams[1]}"]',
        'because = "These two teams talk only through events."',
        "",
    ]
    return "\n".join(out)


def tach_toml(repo: Monorepo) -> str:
    """The nearest tach equivalent: a module per team package, its dependencies and its interface.

    tach cannot express per-container layer stacks, forbidden third-party imports or ARC1xx-style
    privacy, so the comparison is of the whole-project check each tool makes of the team boundaries.
    """
    out = ['source_roots = ["src"]', "exact = false", "", ""]
    # Teams are modules; each team's own packages may use each other (layers are arch-rules' own check).
    for team in repo.teams:
        deps = [f"mono.{d}" for d in repo.depends_on[team]]
        out += ["[[modules]]", f'path = "mono.{team}"', f"depends_on = {deps!r}".replace("'", '"'), ""]
    for team in repo.teams:
        out += ["[[interfaces]]", 'expose = ["api.*", "api"]', f'from = ["mono.{team}"]', ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    repo = generate(args.out, args.modules, args.teams, args.seed)
    print(f"{repo.root}: {repo.files} files, {repo.lines} lines, {len(repo.teams)} teams")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
