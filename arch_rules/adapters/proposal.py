"""``arch-rules init``: propose a ``[tool.arch_rules]`` table from the code as it is today (README.md, commands).

Adoption starts from what exists: the packages on disk, who imports whom among the top subpackages
(which suggests the layers) and who owns what in CODEOWNERS (which suggests the teams). The result is a
TOML snippet to review — a starting point written down, not a verdict — that loads cleanly and that
``arch-rules check`` runs on as it stands.

Files are read with ``facts.extract`` (their bytes, parsed); nothing is ever imported or run.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import arch_rules.facts as facts
from arch_rules import defaults, safefile
from arch_rules.adapters.adoption import (
    accept_today,
    child_dependencies,
    module_graph,
    summary,
    upward_imports,
    without,
)
from arch_rules.engine import atomic
from arch_rules.errors import UsageError
from arch_rules.model.codeowners import parse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: Top-level folders that hold code about the code, not the architecture: never proposed as packages.
NOT_ARCHITECTURE = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "benchmarks",
        "benchmark",
        "bench",
        "examples",
        "example",
        "scripts",
        "tools",
        "fixtures",
        "samples",
        "migrations",
        "site-packages",
    }
)

CODEOWNERS_FILES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")

_BARE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_TEAM_OWNER_RE = re.compile(r"^@[^/\s]+/(?P<team>[A-Za-z0-9_][A-Za-z0-9_.-]*)$")


@dataclass
class _Team:
    name: str
    owns: list[str]
    contact: str = ""
    source: str = ""  # where the team came from, for the comment above it


@dataclass
class _Layers:
    root: str
    levels: list[list[list[str]]]  # highest first; each level's groups (a group of >1 is a cycle)
    notes: list[str] = field(default_factory=list)
    #: (importer, imported): upward imports the stack takes as agreed exceptions.
    ignored: list[tuple[str, str]] = field(default_factory=list)


def propose(cwd: Path, write: bool) -> str:
    """The proposed table as TOML text; with ``write``, also appended to ``cwd/pyproject.toml``."""
    cwd = cwd.resolve()
    target = cwd / defaults.CONFIG_FILE
    existing = _existing_text(target)
    if existing is not None and _has_table(existing, target):
        if write:
            raise UsageError(
                f"{target.name} already has a [tool.arch_rules] table; edit it, or remove it to propose a new one"
            )
    source_root = "src" if _packages(cwd / "src") else "."
    base = cwd / source_root
    roots = _packages(base)
    if not roots:
        raise UsageError(
            f"no Python package (a folder with __init__.py) found in {base}; nothing to propose "
            "(arch-rules init looks in ./src or in the current directory)"
        )
    owners = _codeowners(cwd, base, source_root, roots)
    teams = _teams(base, roots, *(owners or ({}, "")))
    layers = [_layers(base, root) for root in roots]
    text = _render(source_root, roots, teams, layers, owners_file=owners[1] if owners else None)
    modules = sum(1 for root in roots for _ in _modules(base / root, root))
    found = summary(
        [(t.name, t.source) for t in teams],
        [(stack.root, len(stack.levels), stack.notes, len(stack.ignored)) for stack in layers],
        modules,
        roots,
    )
    text += "\n" + "\n".join(found) + "\n"
    if existing is not None and _has_table(existing, target):
        text = f"# {target.name} already has [tool.arch_rules]: this proposal is for comparison only.\n" + text
    if write:
        _append(target, existing, text)
        text += f"# Written to {target}.\n"
        text += "\n".join(accept_today(cwd)) + "\n"
    return text


# ----------------------------------------------------------------------------------------------------
# the code on disk


def _packages(folder: Path, private: bool = False) -> list[str]:
    """Regular packages directly in ``folder`` that are part of the architecture (not tests, docs…);
    ``_private`` ones only with ``private``."""
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if (
            entry.is_dir(follow_symlinks=False)
            and entry.name.isidentifier()
            and entry.name not in defaults.ALWAYS_EXCLUDED_DIRS
            and entry.name.lower() not in NOT_ARCHITECTURE
            and not entry.name.startswith((".",) if private else (".", "_"))
            and not entry.name.startswith("__")
            and (Path(entry.path) / "__init__.py").is_file()
        ):
            found.append(entry.name)
    return found


def _subpackages(base: Path, root: str) -> list[str]:
    """The second-level packages of ``root``, as dotted names, ``_private`` ones included (on real
    packages they can hold most of the code)."""
    return [f"{root}.{name}" for name in _packages(base / root, private=True)]


def _modules(folder: Path, name: str) -> Iterator[tuple[str, Path, bool]]:
    """(module name, path, is package) for every module under a regular package, as grimp would see them."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name in defaults.ALWAYS_EXCLUDED_DIRS or entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name.isidentifier() and (Path(entry.path) / "__init__.py").is_file():
                yield from _modules(Path(entry.path), f"{name}.{entry.name}")
        elif entry.name.endswith(".py") and entry.is_file():
            stem = entry.name[:-3]
            if stem == "__init__":
                yield name, Path(entry.path), True
            elif stem.isidentifier():
                yield f"{name}.{stem}", Path(entry.path), False


def _imported(importer: str, is_package: bool, fact: facts.ImportFact) -> list[str]:
    """Absolute names an import statement may import (a module, or ``module.name`` for ``from`` imports)."""
    base = fact.module
    if fact.level:
        package = importer if is_package else importer.rpartition(".")[0]
        if fact.dynamic and fact.package not in (None, "__package__"):
            package = fact.package or ""
        parts = package.split(".") if package else []
        up = fact.level - 1
        if up >= len(parts):
            return []  # above the top package: Python refuses it too
        anchor = ".".join(parts[: len(parts) - up])
        base = f"{anchor}.{fact.module}" if fact.module else anchor
    if not base:
        return []
    if fact.form == "from":
        return [base, *(f"{base}.{name}" for name, _ in fact.names if name != "*")]
    return [base]


# ----------------------------------------------------------------------------------------------------
# layers from the import graph


def _layers(base: Path, root: str) -> _Layers:
    """Levels of ``root``'s subpackages: whoever imports others sits above them; a cycle shares a level."""
    children = _subpackages(base, root)
    result = _Layers(root, [])
    if len(children) < 2:
        return result
    # Chains through modules in no child (the root __init__, top-level modules) count, as for ARC201;
    # the imports that tie the children into cycles become the stack's ignore_imports.
    graph = module_graph(_modules(base / root, root), _imported)
    result.ignored = upward_imports(graph, root, children)
    edges = child_dependencies(without(graph, result.ignored), children)
    groups = _strongly_connected(children, edges)
    group_of = {member: index for index, group in enumerate(groups) for member in group}
    height: dict[int, int] = {}

    def height_of(index: int) -> int:
        if index not in height:
            height[index] = 0  # no cycles between groups, so this never reads a half-computed value
            below = {group_of[t] for m in groups[index] for t in edges[m]} - {index}
            height[index] = 1 + max((height_of(b) for b in below), default=-1)
        return height[index]

    levels: dict[int, list[list[str]]] = {}
    for index, group in enumerate(groups):
        levels.setdefault(height_of(index), []).append(sorted(group))
    result.levels = [sorted(levels[h], key=tuple) for h in sorted(levels, reverse=True)]
    for group in groups:
        if len(group) > 1:
            result.notes.append(
                f"{', '.join(sorted(group))} import each other (a cycle): they share a level; "
                "consider breaking the cycle and giving each its own level"
            )
    return result


def _strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit on big packages)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


# ----------------------------------------------------------------------------------------------------
# teams: CODEOWNERS first, else one per subpackage


def _codeowners(cwd: Path, base: Path, source_root: str, roots: list[str]) -> tuple[dict[str, str], str] | None:
    """Module -> ``@org/team`` owner from the first CODEOWNERS file, for directory rules that name a package.

    Best effort: a rule's path is taken literally (``/src/shop/payments/``, ``shop/payments/**``); rules
    with other wildcards, rules for files and owners that are people (``@name``, e-mail) are left out.
    As in CODEOWNERS, a later rule wins over an earlier one for the same path.
    """
    for relative in CODEOWNERS_FILES:
        path = cwd / relative
        if path.is_file():
            break
    else:
        return None
    try:
        rules = parse(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    found: dict[str, str] = {}
    for rule in rules:
        teams = [owner for owner in rule.owners if _TEAM_OWNER_RE.match(owner)]
        module = _module_for(rule.pattern, cwd, base, source_root, roots)
        if module is not None and teams:
            found[module] = teams[0]
        elif module is not None:
            found.pop(module, None)  # a later rule without a team owner takes the path back
    return (found, relative) if found else None


def _module_for(pattern: str, cwd: Path, base: Path, source_root: str, roots: list[str]) -> str | None:
    text = pattern.lstrip("/")
    for suffix in ("/**", "/*", "/"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if not text or any(c in text for c in "*?[]!"):
        return None
    prefix = "" if source_root == "." else source_root.rstrip("/") + "/"
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    elif prefix and not (base / text).is_dir():
        return None
    parts = text.split("/")
    if parts[0] not in roots or not all(p.isidentifier() for p in parts):
        return None
    if not (base.joinpath(*parts) / "__init__.py").is_file():
        return None
    return ".".join(parts)


def _teams(base: Path, roots: list[str], owned: dict[str, str], owners_file: str) -> list[_Team]:
    teams: dict[str, _Team] = {}
    for module, owner in sorted(owned.items()):
        name = owner.rpartition("/")[2]
        team = teams.setdefault(name, _Team(name, [], contact=owner, source=f"{owners_file}: {owner}"))
        team.owns.append(module)

    def covered(name: str) -> bool:
        return any(name == m or name.startswith(m + ".") or m.startswith(name + ".") for m in owned)

    placeholders: list[tuple[str, str]] = []
    for root in roots:
        children = _subpackages(base, root)
        for package in children or [root]:
            if not covered(package):
                placeholders.append((package.rpartition(".")[2], package))
    short_names = [short for short, _ in placeholders]
    for short, package in placeholders:
        name = short if short_names.count(short) == 1 and short not in teams else package.replace(".", "-")
        teams.setdefault(name, _Team(name, [], source="placeholder")).owns.append(package)
    return sorted(teams.values(), key=lambda t: t.name)


# ----------------------------------------------------------------------------------------------------
# TOML


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _strings(items: list[str]) -> str:
    return "[" + ", ".join(_string(item) for item in items) + "]"


def _key(name: str) -> str:
    return name if _BARE_KEY_RE.match(name) else _string(name)


def _render(
    source_root: str, roots: list[str], teams: list[_Team], layers: list[_Layers], owners_file: str | None
) -> str:
    out = [
        "",
        "# --- Proposed by `arch-rules init` from the code as it is today. ---------------------------------",
        "# A starting point to review with the teams, not a verdict: rename the teams, fill in each contact,",
        "# narrow each team's `interface`, and write in `because` why each boundary exists.",
        "# Run `arch-rules check` to see where the code stands; `arch-rules baseline` accepts today's findings.",
        "[tool.arch_rules]",
        f"source_roots = {_strings([source_root])}",
        f"root_packages = {_strings(roots)}",
        "require_owner = false  # true once every package has a team (ARC002)",
        '# exclude = ["**/migrations/**"]',
        "# acyclic = " + _strings(roots) + "  # no import cycles among each package's direct children (ARC207)",
        "",
    ]
    for stack in layers:
        if not stack.levels:
            continue
        out.append("[[tool.arch_rules.layers]]")
        out.append(f"name = {_string(stack.root + ' layers')}")
        out.append("# Inferred from today's imports: a package that imports another sits above it.")
        for note in stack.notes:
            out.append(f"# Cycle: {note}.")
        out.append("order = [")
        for level in stack.levels:
            cyclic = any(len(group) > 1 for group in level)
            joiner = " : " if cyclic else " | "
            entries = [name for group in level for name in group]
            comment = ""
            if len(entries) > 1 and not cyclic:
                comment = "  # independent siblings today; use ' : ' if they may import each other"
            out.append(f"    {_string(joiner.join(entries))},{comment}")
        out.append("]")
        if stack.ignored:
            out.append("# Imports against this order today: agreed exceptions until they are inverted or moved.")
            out.append("ignore_imports = [")
            out.extend(f"    {_string(f'{a} -> {b}')}," for a, b in stack.ignored)
            out.append("]")
        out.append('because = ""  # why this order (link the decision record)')
        out.append("")
    for stack in layers:
        if not stack.levels:
            out.append(f"# No layers proposed for {stack.root}: it has fewer than two subpackages.")
            out.append("")
    if owners_file:
        out.append(f"# Teams marked CODEOWNERS come from {owners_file}, read once now; the others are")
        out.append("# placeholders, one per package.")
    for team in teams:
        out.append(f"[tool.arch_rules.teams.{_key(team.name)}]")
        if team.source != "placeholder":
            out.append(f"# from CODEOWNERS ({team.source})")
        out.append(f"owns = {_strings(sorted(team.owns))}")
        example = _strings([sorted(team.owns)[0] + ".api"])
        out.append(f"# interface = {example}  # e.g.; default: the owned packages themselves")
        out.append("# depends_on = []  # the teams this one may import; absent = any")
        out.append(f"contact = {_string(team.contact)}")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------------
# pyproject.toml


def _existing_text(path: Path) -> str | None:
    if not os.path.lexists(path):
        return None
    try:
        # Bytes as they are (no newline translation): --write appends, it does not turn CRLF into LF.
        return safefile.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None


def _has_table(text: str, path: Path) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path.name}: invalid TOML ({exc}); fix it before arch-rules init") from None
    tool = data.get("tool")
    return isinstance(tool, dict) and "arch_rules" in tool


def _append(path: Path, existing: str | None, proposal: str) -> None:
    """Add the proposal at the end of pyproject.toml atomically (temporary file, then rename)."""
    text = existing or ""
    newline = "\r\n" if "\r\n" in text else "\n"  # the file's own line endings
    if newline != "\n":
        proposal = proposal.replace("\n", newline)
    if text and not text.endswith("\n"):
        text += newline
    text += proposal.lstrip("\r\n") if not text else proposal
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # e.g. a [tool] table the snippet cannot extend
        raise UsageError(
            f"{path.name}: adding the proposal would make it invalid TOML ({exc}); add it by hand"
        ) from None
    try:
        atomic.write_text(path, text, None if path.exists() else 0o644)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
