"""The project model: which files are modules of the project, what each module is called, which team owns
it, which layer it sits in, which modules are interfaces; and how an import statement resolves to modules.

Pure: it reads the file tree (names only, never contents) and the configuration.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from arch_rules import defaults, safefile
from arch_rules.errors import ConfigError
from arch_rules.facts import FileFacts, ImportFact
from arch_rules.model import globs
from arch_rules.model.config import Config, IgnoredImport, LayerStack, Team
from arch_rules.model.patterns import Pattern

if TYPE_CHECKING:
    import pathspec  # imported where a spec is built (arch_rules.model.globs)

__all__ = ["LayerPlace", "Module", "Project", "Target", "discover", "import_matches"]


@dataclass(frozen=True)
class Module:
    """One module of the project: its dotted name, its file, and whether it is a package's ``__init__``."""

    name: str
    file: str  # absolute
    relpath: str  # relative to the project root, "/" separators
    is_package: bool  # an __init__.py

    @functools.cached_property
    def path(self) -> Path:
        """``file`` as a ``Path``, made on first use (discovery names 20,000 files faster as strings)."""
        return Path(self.file)


@dataclass(frozen=True)
class Target:
    """A module an import statement imports, with the names it takes from it (for ``from`` imports)."""

    module: str
    names: tuple[str, ...] = ()
    first_party: bool = True
    #: ``from X import n`` where ``X.n`` is a module and ``X`` itself binds ``n`` (defines, imports or lists
    #: it in ``__all__``): ``X``. The import then takes the name ``X`` offers, which wins for the team and
    #: private-name rules (ARC102, ARC105); the graph still sees the submodule, as grimp does.
    bound_in: str = ""

    def as_name(self) -> Target:
        """The import as the name its package binds (``from X import n``), when that name wins."""
        if not self.bound_in:
            return self
        return Target(self.bound_in, (self.module.rsplit(".", 1)[-1],), True)


@dataclass(frozen=True)
class LayerPlace:
    """Where a module sits in one layer stack: the level, the entry that covers it, its container."""

    stack: LayerStack
    container: str  # "" without containers
    level: int  # 0 is the highest
    entry: str  # the full module name of the entry (container-prefixed)
    independent: bool


class Project:
    """Modules of the project under the configuration's source roots and root packages."""

    def __init__(self, config: Config, modules: dict[str, Module], namespaces: set[str]) -> None:
        self.config = config
        self.root = config.root
        self.modules = modules
        self.namespaces = namespaces
        self.by_path = {m.relpath: m for m in modules.values()}
        self.root_packages = tuple(sorted({name.split(".")[0] for name in (*modules, *namespaces)}))
        self._top = frozenset(self.root_packages)
        self._containers: dict[int, list[str]] = {}
        self._layers: dict[tuple[str, int], LayerPlace | None] = {}
        self._interfaces: dict[str, list[str]] = {}
        #: Facts of every module read in this run (filled by the engine; rules that look across files,
        #: such as ARC102's "which interface exports this name", read them here).
        self.facts: Mapping[str, FileFacts] = {}
        #: Each file's content hash by relpath (filled by the engine; the graph cache keys on it).
        self.hashes: dict[str, str] = {}
        #: One-line notes about the walk (a package folder that could not be read).
        self.notes: list[str] = []
        #: The walk's ignore decisions and what they depend on (``discover``'s ``ignores``), for the next run.
        self.ignores: tuple[str, dict[str, bool]] = ("", {})

    # -- names ---------------------------------------------------------------------------------------

    def all_names(self) -> Iterable[str]:
        yield from self.modules
        yield from self.namespaces

    def exists(self, name: str) -> bool:
        return name in self.modules or name in self.namespaces

    def is_first_party(self, name: str) -> bool:
        return name.split(".", 1)[0] in self._top

    def is_first_party_pattern(self, pattern: Pattern) -> bool:
        """Whether a pattern names the project's modules (a third-party name in ``forbid.import`` or on
        the imported side of ``ignore_imports`` never does; a leading wildcard may)."""
        return self.is_first_party(pattern.top) or pattern.top in ("*", "**")

    @functools.cached_property
    def _prefixes(self) -> frozenset[str]:
        """Every name of the project and every ancestor of one: what a literal pattern can cover."""
        out: set[str] = set()
        for name in self.all_names():
            parts = name.split(".")
            out.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
        return frozenset(out)

    def any_covered(self, pattern: Pattern) -> bool:
        if not pattern.is_wild:
            return pattern.text in self._prefixes
        return any(pattern.covers(name) for name in self.all_names())

    def any_matched(self, pattern: Pattern) -> bool:
        if not pattern.is_wild:
            return self.exists(pattern.text)
        return any(pattern.matches(name) for name in self.all_names())

    # -- teams -----------------------------------------------------------------------------------------

    @functools.cached_property
    def _owns_index(self) -> tuple[dict[str, list[tuple[Pattern, Team]]], list[tuple[Pattern, Team]]]:
        """``owns`` patterns by literal text (looked up along a name's ancestors) and the wildcard ones."""
        literal: dict[str, list[tuple[Pattern, Team]]] = {}
        wild: list[tuple[Pattern, Team]] = []
        for team in self.config.teams:
            for pattern in team.owns:
                if pattern.is_wild:
                    wild.append((pattern, team))
                else:
                    literal.setdefault(pattern.text, []).append((pattern, team))
        return literal, wild

    def _claims(self, name: str) -> list[tuple[Pattern, Team]]:
        """Every ``owns`` pattern covering ``name``, in configuration order."""
        literal, wild = self._owns_index
        found: list[tuple[Pattern, Team]] = []
        end = 0
        while end >= 0:  # each prefix of the name at a dot, then the name itself
            end = name.find(".", end + 1)
            claims = literal.get(name if end < 0 else name[:end])
            if claims:
                found.extend(claims)
        if wild:
            found.extend(claim for claim in wild if claim[0].covers(name))
        if len(found) > 1:
            order = self._team_order
            found.sort(key=lambda claim: order[claim[1].name])
        return found

    @functools.cached_property
    def _team_order(self) -> dict[str, int]:
        return {team.name: i for i, team in enumerate(self.config.teams)}

    @functools.cache  # noqa: B019 - one Project per run; the cache dies with it
    def team_of(self, name: str) -> Team | None:
        """The team whose ``owns`` pattern matches ``name`` most specifically (docs/configuration.md, ownership)."""
        best: tuple[tuple[int, int], Team] | None = None
        for pattern, team in self._claims(name):
            if best is None or pattern.specificity > best[0]:
                best = (pattern.specificity, team)
        return best[1] if best else None

    def ownership_conflicts(self) -> list[str]:
        """Modules two teams claim equally specifically (a configuration error)."""
        literal, wild = self._owns_index
        if not wild and all(len({team.name for _, team in claims}) < 2 for claims in literal.values()):
            # Without wildcards, two claims on a module are equally specific only when they are the same
            # text (the longest owned prefix of its name): no text owned by two teams, no conflict.
            return []
        problems = []
        for name in sorted(self.all_names()):
            claims: dict[tuple[int, int], set[str]] = {}
            for pattern, team in self._claims(name):
                claims.setdefault(pattern.specificity, set()).add(team.name)
            if claims:
                top = claims[max(claims)]
                if len(top) > 1:
                    problems.append(
                        f"{self.config.display_path}: tool.arch_rules.teams: module {name} is owned equally by "
                        f"teams {', '.join(sorted(top))}; make one pattern more specific"
                    )
        return problems

    def matching(self, pattern: Pattern) -> list[str]:
        """The names of the project that ``pattern`` matches exactly (a lookup for a literal pattern)."""
        if not pattern.is_wild:
            return [pattern.text] if self.exists(pattern.text) else []
        return sorted(name for name in self.all_names() if pattern.matches(name))

    @functools.cache  # noqa: B019
    def is_interface(self, name: str) -> bool:
        team = self.team_of(name)
        if team is None:
            return False
        if team.interface is None:
            return any(p.matches(name) for p in team.owns)
        return any(p.matches(name) for p in team.interface)

    def interface_modules(self, team: Team) -> list[str]:
        if team.name not in self._interfaces:
            self._interfaces[team.name] = sorted(
                name for name in self.modules if self.team_of(name) is team and self.is_interface(name)
            )
        return self._interfaces[team.name]

    @functools.cached_property
    def owned_ancestors(self) -> frozenset[str]:
        """Packages above at least one owned module: the namespace their owners share (ARC002)."""
        out: set[str] = set()
        for name in self.all_names():
            if self.team_of(name) is not None:
                parts = name.split(".")
                out.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return frozenset(out)

    # -- layers ----------------------------------------------------------------------------------------

    def containers(self, stack: LayerStack) -> list[str]:
        if stack.index not in self._containers:
            self._containers[stack.index] = sorted(
                {name for name in self.all_names() for c in stack.containers if c.matches(name)}
            )
        return self._containers[stack.index]

    def layer_of(self, name: str, stack: LayerStack) -> LayerPlace | None:
        """Where ``name`` sits in ``stack``: the most specific entry covering it (docs/configuration.md, layers)."""
        key = (name, stack.index)  # not the stack itself: hashing a frozen dataclass on every call is slow
        if key not in self._layers:
            self._layers[key] = self._layer_of(name, stack)
        return self._layers[key]

    def _layer_of(self, name: str, stack: LayerStack) -> LayerPlace | None:
        prefixes = self.containers(stack) if stack.containers else [""]
        best: tuple[tuple[int, int], LayerPlace] | None = None
        for container in prefixes:
            if container and not (name == container or name.startswith(container + ".")):
                continue
            for level_index, level in enumerate(stack.levels):
                for entry in level.entries:
                    full = f"{container}.{entry.pattern.text}" if container else entry.pattern.text
                    pattern = _pattern(full)
                    if pattern.covers(name):
                        spec = pattern.specificity
                        if best is None or spec > best[0]:
                            best = (
                                spec,
                                LayerPlace(stack, container, level_index, _entry_name(full, name), level.independent),
                            )
        return best[1] if best else None

    # -- imports ---------------------------------------------------------------------------------------

    def package_of(self, importer: str) -> str:
        module = self.modules.get(importer)
        if module is not None and module.is_package:
            return importer
        return importer.rpartition(".")[0]

    def targets(self, importer: str, fact: ImportFact) -> list[Target]:
        """The modules an import statement imports (docs/configuration.md, what an import imports)."""
        base = fact.module
        if fact.level:
            if fact.form == "dynamic" and fact.package not in (None, "__package__"):
                package = fact.package or ""
            else:
                package = self.package_of(importer)
            parts = package.split(".") if package else []
            up = fact.level - 1
            if up >= len(parts):
                return []
            anchor = ".".join(parts[: len(parts) - up]) if up else package
            base = f"{anchor}.{fact.module}" if fact.module else anchor
        if not base:
            return []
        if fact.form != "from":
            return [Target(base, (), self.is_first_party(base))]
        if not self.is_first_party(base):
            names = tuple(n for n, _ in fact.names if n != "*")
            return [Target(base, names, False)]
        out: list[Target] = []
        plain: list[str] = []
        for name, _alias in fact.names:
            full = f"{base}.{name}"
            if name != "*" and self.exists(full):
                out.append(Target(full, (), True, base if self.binds(base, name) else ""))
            else:
                plain.append(name)
        if plain:
            out.insert(0, Target(base, tuple(plain), True))
        return out

    def binds(self, module: str, name: str) -> bool:
        """Whether ``module`` itself binds ``name`` at top level (or lists it in a static ``__all__``)."""
        facts = self.facts.get(module) if module in self.modules else None
        if facts is None:
            return False
        return name in facts.bound_names or any(n == name for n, _ in facts.all_names or ())

    def counts(self, fact: ImportFact) -> bool:
        """Whether the configuration checks imports of this kind."""
        cfg = self.config
        if fact.type_checking and cfg.type_checking_imports == "ignore":
            return False
        if fact.local and cfg.local_imports == "ignore":
            return False
        if fact.dynamic and cfg.dynamic_imports == "ignore":
            return False
        return True

    def ignored(self, entries: tuple[IgnoredImport, ...], importer: str, imported: str) -> IgnoredImport | None:
        for entry in entries:
            if import_matches(entry, importer, imported, self.is_first_party(imported)):
                return entry
        return None


def import_matches(entry: IgnoredImport, importer: str, imported: str, first_party: bool) -> bool:
    """Whether an agreed exception covers this import. A third-party imported side is compared on its
    top-level package on both sides, as import-linter does (its graph knows only ``django``, not
    ``django.db``), so the two engines agree."""
    if not entry.importer.matches(importer):
        return False
    if first_party:
        return entry.imported.matches(imported)
    return _pattern(entry.imported.text.split(".", 1)[0]).matches(imported.split(".", 1)[0])


@functools.lru_cache(maxsize=4096)
def _pattern(text: str) -> Pattern:
    return Pattern(text)


def _entry_name(pattern_text: str, name: str) -> str:
    """The entry a module falls under, as a module name (wildcard segments filled from ``name``)."""
    if "*" not in pattern_text:
        return pattern_text
    segments = pattern_text.split(".")
    if "**" in segments:
        return pattern_text
    return ".".join(name.split(".")[: len(segments)])


# ----------------------------------------------------------------------------------------------------
# discovery


def discover(config: Config, git_only: bool = False, ignores: tuple[str, Mapping[str, bool]] | None = None) -> Project:
    """Walk the source roots and name every module of the project (docs/configuration.md, modules of the
    project). ``ignores``: the last walk's ``Project.ignores`` (its key and its exclude / .gitignore
    answers), used while this walk reads the same ignore files; otherwise the walk is made again without."""
    root = config.root
    exclude = _Filter(root, config.exclude, ignores[1] if ignores is not None else None)
    tracked = _git_files(root) if git_only else None
    wanted = set(config.root_packages) if config.root_packages is not None else None
    modules: dict[str, Module] = {}
    namespaces: set[str] = set()
    problems: list[str] = _overlapping_roots(config)
    first_seen: dict[str, tuple[str, bool]] = {}
    for source_root in config.source_roots:
        base = (root / source_root).resolve()
        if not base.is_dir():
            problems.append(
                f"{config.display_path}: tool.arch_rules.source_roots: folder {source_root!r} does not exist"
            )
            continue
        try:
            entries = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError as exc:
            problems.append(f"{config.display_path}: tool.arch_rules.source_roots: cannot read {source_root!r}: {exc}")
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False) or entry.name in defaults.ALWAYS_EXCLUDED_DIRS:
                continue
            if not entry.name.isidentifier():
                continue
            is_regular = os.path.isfile(os.path.join(entry.path, "__init__.py"))
            if wanted is None and not is_regular:
                continue  # by default only regular packages are root packages
            if wanted is not None and entry.name not in wanted:
                continue
            earlier = first_seen.setdefault(entry.name, (source_root, is_regular))
            if earlier[0] != source_root and (is_regular or earlier[1]):
                problems.append(
                    f"{config.display_path}: tool.arch_rules.source_roots: package {entry.name!r} is in both "
                    f"{earlier[0]!r} and {source_root!r}; only a namespace package (no __init__.py) may span "
                    "source roots"
                )
                continue
            exclude.enter(base)
            _walk_package(entry.path, entry.name, is_regular, root, exclude, tracked, modules, namespaces)
    key = exclude.key
    if ignores is not None and key != ignores[0]:
        return discover(config, git_only)  # an ignore file is new, gone or changed: decide everything anew
    if problems:
        raise ConfigError(problems)
    if wanted is not None:
        found = {name.split(".")[0] for name in (*modules, *namespaces)}
        missing = sorted(wanted - found)
        if missing:
            roots = ", ".join(config.source_roots)
            raise ConfigError(
                [
                    f"{config.display_path}: tool.arch_rules.root_packages: package {name!r} not found in "
                    f"source roots ({roots})"
                    for name in missing
                ]
            )
    if not modules:
        roots = ", ".join(config.source_roots)
        hint = ""
        if config.root_packages is None:
            hint = " (a namespace package, without __init__.py, must be named in root_packages)"
        raise ConfigError(
            [
                f"{config.display_path}: tool.arch_rules: the configuration covers no Python module "
                f"(source_roots: {roots}; root_packages: {', '.join(config.root_packages or ()) or 'every package'}); "
                f"nothing would be checked{hint}"
            ]
        )
    project = Project(config, modules, namespaces)
    project.notes = list(exclude.unreadable)
    project.ignores = (key, exclude.answers)
    return project


def _walk_package(
    folder: str,
    name: str,
    is_regular: bool,
    root: Path,
    exclude: _Filter,
    tracked: set[str] | None,
    modules: dict[str, Module],
    namespaces: set[str],
) -> None:
    rel_folder = _relative_str(folder, root)
    if rel_folder is not None and exclude.skips(rel_folder + "/"):
        return
    exclude.enter(folder)
    if not is_regular:
        namespaces.add(name)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        # Unreadable is a note, never silence: its modules would otherwise vanish from every check.
        why = exc.strerror or exc
        exclude.unreadable.append(f"{rel_folder or folder}: cannot be read ({why}); its modules are not checked")
        return
    for entry in entries:
        if entry.name in defaults.ALWAYS_EXCLUDED_DIRS or entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.isidentifier():
                continue
            child_regular = os.path.isfile(os.path.join(entry.path, "__init__.py"))
            # Inside a regular package a folder without __init__.py is not part of the project (grimp).
            if is_regular and not child_regular:
                continue
            _walk_package(
                entry.path, f"{name}.{entry.name}", child_regular, root, exclude, tracked, modules, namespaces
            )
        elif entry.name.endswith(".py") and _is_file(entry):
            stem = entry.name[:-3]
            if stem != "__init__" and not stem.isidentifier():
                continue
            if entry.is_symlink():
                try:
                    Path(entry.path).resolve().relative_to(root)
                except (ValueError, OSError):
                    continue  # a link out of the project
            rel = _relative_str(entry.path, root)
            if rel is None:
                continue
            if exclude.skips(rel):
                continue
            if tracked is not None and rel not in tracked:
                continue
            module_name = name if stem == "__init__" else f"{name}.{stem}"
            modules[module_name] = Module(module_name, entry.path, rel, stem == "__init__")


class _Filter:
    """``exclude`` globs, plus every ``.gitignore`` on the way from the project root down to a file
    (gitignore semantics: each file's patterns are relative to its own folder).

    ``known``: the answers of the last run (path -> skipped), valid if this walk reads the same ignore
    files with the same text (``key``): then a warm run compiles no pattern and imports no pathspec
    (~50 ms). ``discover`` checks the key after the walk and walks again without them on a mismatch."""

    def __init__(self, root: Path, exclude: tuple[str, ...], known: Mapping[str, bool] | None = None) -> None:
        self.root = root
        self.known = known
        #: (folder prefix, the ignore file's lines): the exclude globs first, then each .gitignore read.
        self.sources: list[tuple[str, tuple[str, ...]]] = [("", tuple(exclude))] if exclude else []
        self._specs: list[tuple[str, pathspec.GitIgnoreSpec]] | None = None
        #: Every question of this walk and its answer (what the next run's ``known`` is).
        self.answers: dict[str, bool] = {}
        #: Folders (relative, "/" separators; "" for the root) whose .gitignore was looked for.
        self.seen: set[str] = set()
        #: Package folders the walk could not read (reported as notes).
        self.unreadable: list[str] = []
        # .gitignore files above a source root (the project root's, and folders in between) apply too.
        self.enter(root)

    def enter(self, folder: str | Path) -> None:
        """Read ``folder``'s .gitignore (once), and those of the folders between the root and it."""
        rel = _relative_str(folder, self.root) if isinstance(folder, str) else _relative(folder, self.root)
        if rel is None:
            return
        rel = "" if rel == "." else rel
        if rel in self.seen:
            return  # and so were the folders above it
        parts = rel.split("/") if rel else []
        for depth in range(len(parts) + 1):
            current = "/".join(parts[:depth])
            if current in self.seen:
                continue
            self.seen.add(current)
            ignore = os.path.join(self.root, current, ".gitignore")  # current "" joins as nothing
            if os.path.isfile(ignore):
                try:
                    lines = safefile.read_bytes(Path(ignore)).decode("utf-8", "replace").splitlines()
                except OSError:
                    continue
                self.sources.append((current + "/" if current else "", tuple(lines)))
                self._specs = None  # compiled again, with this file, when next needed

    @property
    def key(self) -> str:
        """What every answer depends on: the exclude globs and each ignore file read, with its text."""
        return hashlib.blake2b(repr(self.sources).encode(), digest_size=16).hexdigest()

    def skips(self, rel: str) -> bool:
        answer = self.known.get(rel) if self.known is not None else None
        if answer is None:
            answer = self._match(rel)
        self.answers[rel] = answer
        return answer

    def _match(self, rel: str) -> bool:
        if not self.sources:
            return False
        if self._specs is None:
            self._specs = [(prefix, globs.spec(lines)) for prefix, lines in self.sources]
        return any(rel.startswith(prefix) and spec.match_file(rel[len(prefix) :]) for prefix, spec in self._specs)


def _overlapping_roots(config: Config) -> list[str]:
    """Source roots inside one another would name every file twice (``src`` and ``src/shop``)."""
    problems = []
    resolved = [(r, (config.root / r).resolve()) for r in config.source_roots]
    for i, (name, path) in enumerate(resolved):
        for other, other_path in resolved[:i]:
            if path == other_path or other_path in path.parents or path in other_path.parents:
                problems.append(
                    f"{config.display_path}: tool.arch_rules.source_roots: {name!r} and {other!r} overlap; "
                    "a file must belong to one source root"
                )
    return problems


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, following links; a link loop or a dangling link is not one (and is skipped)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _relative_str(path: str, root: Path) -> str | None:
    """``_relative`` on strings: pathlib costs more than the walk itself at 10,000 files."""
    prefix = str(root) + os.sep
    if path.startswith(prefix):
        rel = path[len(prefix) :]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel
    return _relative(Path(path), root)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None


def _git_files(root: Path) -> set[str] | None:
    """Files git tracks under ``root`` (relative paths), or None when git cannot tell."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--", "."],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {p for p in done.stdout.decode("utf-8", "replace").split("\0") if p}
