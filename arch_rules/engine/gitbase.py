"""The base of a change, read from git's objects: what ``check --since REF`` compares the working tree with.

The base is the merge base of REF and HEAD. Its files are read with ``git ls-tree`` and ``git cat-file
--batch`` only: no checkout, no stash, no ``git status`` (which may rewrite the index), so the working
tree and the index are never touched. `GitTree` hands the engine that tree (``engine.run.Tree``): the
configuration as the base had it, the modules the base had (discovered by the same rules as on disk), each
file's bytes and content hash (so the facts cache, keyed by content hash, serves every unchanged file),
and a context in which grimp reads the same bytes from memory.
"""

from __future__ import annotations

import functools
import os
import posixpath
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arch_rules import defaults, rules
from arch_rules.engine.cache import content_hash
from arch_rules.engine.run import Options
from arch_rules.engine.store import Contents
from arch_rules.errors import ConfigError, UsageError
from arch_rules.facts import read_source
from arch_rules.model import globs
from arch_rules.model.config import Config, loads
from arch_rules.model.project import Module, Project

if TYPE_CHECKING:
    import pathspec  # imported where a spec is built (arch_rules.model.globs)

#: What CI must fetch for the base to be there; every "cannot find the base" message names it.
FETCH_HINT = (
    "fetch it first (GitHub Actions: actions/checkout with `fetch-depth: 0`; "
    "elsewhere: git fetch --unshallow, or git fetch origin REF)"
)


@dataclass(frozen=True)
class Base:
    """The merge base of ``ref`` and HEAD, and the files it holds under the project root."""

    ref: str
    commit: str
    top: Path  # the repository's top level
    prefix: str  # the project root relative to ``top``: "" or "sub/dir/"
    #: project-relative path -> blob id, regular files only (links and submodules are no modules).
    blobs: dict[str, str]

    @property
    def short(self) -> str:
        return self.commit[:10]

    def label(self) -> str:
        return f"{self.ref} ({self.short})"


def _git(cwd: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, timeout=300, check=False)
    except FileNotFoundError:
        raise UsageError("--since needs git, and no `git` command was found on PATH") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"--since: git {args[0]} failed: {exc}") from None


def _out(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "replace").strip()


def _err(done: subprocess.CompletedProcess[bytes]) -> str:
    text = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return text[0] if text else f"exit code {done.returncode}"


def resolve(root: Path, ref: str) -> Base:
    """The merge base of ``ref`` and HEAD for the project at ``root``; a `UsageError` (exit 2) that says
    what to fetch when there is no repository, no such revision, or a shallow clone without the base."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"--since {ref!r}: expected a git revision (a branch, tag or commit)")
    # Few git processes: each costs milliseconds, and a warm --since should cost little more than a run.
    done = _git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if done.returncode != 0:
        raise UsageError(
            f"--since {ref}: {root} is not inside a git repository ({_err(done)}); "
            "--since compares the working tree with a commit of its repository"
        )
    top_line, _, shallow_line = _out(done).partition("\n")
    top = Path(top_line).resolve()
    shallow = shallow_line.strip() == "true"
    clone = "this shallow clone" if shallow else "this repository"
    commits = _git(top, "rev-parse", "HEAD^{commit}", f"{ref}^{{commit}}")
    if commits.returncode != 0:
        if _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").returncode != 0:
            raise UsageError(f"--since {ref}: HEAD has no commit yet; commit first, or check without --since")
        raise UsageError(f"--since {ref}: no commit {ref!r} in {clone}; {FETCH_HINT.replace('REF', ref)}")
    head, target = _out(commits).split()
    merge = _git(top, "merge-base", target, head)
    if merge.returncode != 0:
        if shallow:
            raise UsageError(
                f"--since {ref}: the merge base of {ref} and HEAD is not in this shallow clone; "
                f"{FETCH_HINT.replace('REF', ref)}"
            )
        raise UsageError(f"--since {ref}: {ref} and HEAD share no history, so there is no base to compare with")
    commit = _out(merge)
    try:
        prefix = root.resolve().relative_to(top).as_posix()
    except ValueError:
        raise UsageError(f"--since {ref}: the project root {root} is outside the repository {top}") from None
    prefix = "" if prefix == "." else prefix + "/"
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit)
    if listing.returncode != 0:  # a partial clone without the trees, for instance
        raise UsageError(f"--since {ref}: cannot list commit {commit[:10]} ({_err(listing)}); {FETCH_HINT}")
    blobs: dict[str, str] = {}
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode not in ("100644", "100755") or not path.startswith(prefix):
            continue
        blobs[path[len(prefix) :]] = sha
    return Base(ref, commit, top, prefix, blobs)


def read_blobs(top: Path, shas: list[str]) -> dict[str, bytes]:
    """The bytes of many blobs in one ``git cat-file --batch`` (blob id -> bytes)."""
    unique = sorted(set(shas))
    if not unique:
        return {}
    done = _git(top, "cat-file", "--batch", data="".join(f"{sha}\n" for sha in unique).encode())
    if done.returncode != 0:
        raise UsageError(f"--since: git cat-file failed ({_err(done)}); {FETCH_HINT}")
    out: dict[str, bytes] = {}
    data = done.stdout
    position = 0
    for sha in unique:
        end = data.index(b"\n", position)
        header = data[position:end].decode().split()
        if len(header) != 3 or header[1] != "blob":  # "<sha> missing": a partial clone
            raise UsageError(f"--since: blob {sha[:10]} is not in this clone; {FETCH_HINT}")
        size = int(header[2])
        out[sha] = data[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return out


class _BlobReader:
    """One ``git cat-file --batch`` process answering one blob at a time (the files a run asks for one by
    one: the facts of the files the cache does not know, a .gitignore, a team file)."""

    def __init__(self, top: Path) -> None:
        self._top = top
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, sha: str) -> bytes:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    ["git", "cat-file", "--batch"], cwd=self._top, stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
            except OSError as exc:
                raise UsageError(f"--since: git cat-file failed ({exc})") from None
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{sha}\n".encode())
        stdin.flush()
        header = stdout.readline().decode().split()
        if len(header) != 3 or header[1] != "blob":  # "<sha> missing": a partial clone
            raise UsageError(f"--since: blob {sha[:10]} is not in this clone; {FETCH_HINT}")
        content = stdout.read(int(header[2]) + 1)
        return content[:-1]

    def close(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=60)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None


class _Contents(Contents):
    """The base's bytes by relpath, read from git when first asked for (a file the facts cache knows is
    never read)."""

    def __init__(self, project: Project, hashes: dict[str, str], tree: GitTree) -> None:
        super().__init__(project, hashes)
        self._tree = tree

    def __missing__(self, relpath: str) -> bytes:
        content = self._tree.file(relpath)
        if content is None:
            raise KeyError(relpath)
        self[relpath] = content
        return content

    def get(self, relpath: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        return self[relpath] if relpath in self._tree.base.blobs else default


class GitTree:
    """The base as an ``engine.run.Tree``: the engine analyses it exactly as it analyses the working tree.

    Content hashes come from a memo of blob id -> content hash in the cache (``blobs``), so a file the
    last ``--since`` run saw is neither read nor hashed again; call `close` when done."""

    result_name = "result-base"

    def __init__(
        self,
        base: Base,
        config_path: Path,
        cache: bool = True,
        shards: dict[str, dict[str, Any]] | None = None,
        start: dict[str, Any] | None = None,
    ) -> None:
        #: The working tree's run's fact shards: the base's unchanged files are in them already.
        self.shards = shards
        #: The working tree's run's result (``engine.run.Tree.start``).
        self.start = start
        self.base = base
        self.config_path = config_path
        self.cache = cache
        self._bytes: dict[str, bytes] = {}
        self._reader = _BlobReader(base.top)

    def close(self) -> None:
        self._reader.close()

    def file(self, relpath: str) -> bytes | None:
        """A file of the base by project-relative path (None when the base has no such file)."""
        sha = self.base.blobs.get(relpath)
        if sha is None:
            return None
        if relpath not in self._bytes:
            self._bytes[relpath] = self._reader.read(sha)
        return self._bytes[relpath]

    def _preload(self, relpaths: list[str]) -> None:
        wanted = [r for r in relpaths if r not in self._bytes and r in self.base.blobs]
        found = read_blobs(self.base.top, [self.base.blobs[r] for r in wanted])
        for rel in wanted:
            self._bytes[rel] = found[self.base.blobs[rel]]

    # -- engine.run.Tree ---------------------------------------------------------------------------------

    def load_config(self, options: Options) -> Config:
        root = self.config_path.parent
        rel = self.config_path.name
        content = self.file(rel)
        where = f"{rel} at {self.base.label()}"
        if content is None:
            raise ConfigError([f"{where}: no such file, so the base has no declaration"])
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError([f"{where}: cannot be read ({exc})"]) from None
        config = loads(root / rel, text, rules.codes())
        return config

    def discover(self, config: Config) -> Project:
        return discover_paths(config, self.base.blobs, self.file)

    def read(self, project: Project) -> tuple[Contents, dict[str, str]]:
        from arch_rules.engine.cache import Cache

        config = project.config
        cache = Cache(config.root / config.cache_dir, enabled=self.cache)
        known = cache.read("blobs")
        memo: dict[str, str] = known if isinstance(known, dict) else {}
        blobs = self.base.blobs
        self._preload(sorted(rel for rel in project.by_path if blobs[rel] not in memo))
        hashes: dict[str, str] = {}
        fresh: dict[str, str] = {}
        for rel in project.by_path:
            sha = blobs[rel]
            digest = memo.get(sha)
            if digest is None:
                digest = content_hash(self._bytes[rel])
            hashes[rel] = fresh[sha] = digest
        if fresh != memo:
            cache.write("blobs", fresh)  # this base's files: the next --since on it reads none of them
        data = _Contents(project, hashes, self)
        for rel in project.by_path:
            if rel in self._bytes:
                data[rel] = self._bytes[rel]
        return data, hashes

    def file_system(self, project: Project) -> object:
        """grimp's file system over the base's files, for the graph build (``graph.Inputs.file_system``).
        The bytes are read from git only when grimp first asks for a file's text: a base whose graph
        findings are reused (its imports unchanged, or a recent run's) reads none, and imports no grimp."""

        def texts() -> dict[str, str]:
            self._preload(sorted(project.by_path))
            files: dict[str, str] = {}
            for module in project.modules.values():
                try:
                    files[os.path.abspath(module.file)] = _for_grimp(read_source(self._bytes[module.relpath]))
                except (SyntaxError, UnicodeDecodeError, LookupError):
                    files[os.path.abspath(module.file)] = ""  # ARC003: the graph leaves it out anyway
            return files

        # The working tree's kept graph (arch_rules/graph/kept.py) serves every module whose content is the
        # same at the base (same content hash, so the same "mtime" for grimp): it is not scanned again.
        return _MemoryFileSystem(lambda: [os.path.abspath(m.file) for m in project.modules.values()], texts)


def _for_grimp(text: str) -> str:
    """``text`` as grimp's in-memory file system must be given it to read it back unchanged.

    That file system (made for grimp's own tests) cleans its contents up like ``inspect.cleandoc``: the
    first line is stripped, then the common indentation, then blank lines at both ends. So the text gets a
    blank first line, and the file's own leading blank lines become comments: every line keeps its number.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            break
        lines[i] = "#"
    return "\n" + "\n".join(lines)


class _MemoryFileSystem:
    """grimp's ``AbstractFileSystem`` over a dict of absolute path -> text (POSIX paths)."""

    sep = os.sep

    def __init__(self, paths: Callable[[], list[str]], texts: Callable[[], dict[str, str]]) -> None:
        # Both are worked out on first use: a run that builds no graph for the base pays for neither.
        self._list_paths = paths
        self._texts = texts
        self._loaded: dict[str, str] | None = None
        self._basic: Any = None

    @functools.cached_property
    def _paths(self) -> set[str]:
        return set(self._list_paths())

    @functools.cached_property
    def _children(self) -> dict[str, tuple[set[str], set[str]]]:
        """Folder -> (its sub-folders, its files), for ``walk``."""
        children: dict[str, tuple[set[str], set[str]]] = {}
        for path in self._paths:
            folder, name = os.path.split(path)
            children.setdefault(folder, (set(), set()))[1].add(name)
            while True:
                parent, child = os.path.split(folder)
                if parent == folder:
                    break
                entry = children.setdefault(parent, (set(), set()))
                if child in entry[0]:
                    break
                entry[0].add(child)
                folder = parent
        return children

    def dirname(self, filename: str) -> str:
        return os.path.dirname(filename)

    def walk(self, directory_name: str) -> Iterator[tuple[str, list[str], list[str]]]:
        folders, files = self._children.get(directory_name.rstrip(os.sep) or os.sep, (set(), set()))
        dirs = sorted(folders)
        yield directory_name, dirs, sorted(files)
        for name in dirs:  # the caller may have pruned ``dirs`` (os.walk's contract)
            yield from self.walk(os.path.join(directory_name, name))

    def join(self, *components: str) -> str:
        return os.path.join(*components)

    def split(self, file_name: str) -> tuple[str, str]:
        return os.path.split(file_name)

    @property
    def _files(self) -> dict[str, str]:
        """Every file's text (absolute path -> text as ``_for_grimp`` gives it), read on first use."""
        if self._loaded is None:
            self._loaded = self._texts()
        return self._loaded

    def read(self, file_name: str) -> str:
        return self._files[file_name][1:]

    def exists(self, file_name: str) -> bool:
        return file_name in self._paths or self._loaded is not None and file_name in self._loaded

    def get_mtime(self, file_name: str) -> float:
        return 0.0  # the engine's finders give grimp a version made from the content hash instead

    def write(self, file_name: str, contents: str) -> None:
        self._files[file_name] = "\n" + contents
        self._paths.add(file_name)

    def convert_to_basic(self) -> Any:
        from grimp import _rustgrimp as rust  # type: ignore[attr-defined]

        if self._basic is None:  # one copy of every file into grimp, however often it asks
            self._basic = rust.FakeBasicFileSystem(content_map=dict(self._files))
        return self._basic


# ----------------------------------------------------------------------------------------------------
# discovery on a list of paths: project.discover's rules, for files that are not on the disk


def discover_paths(config: Config, paths: dict[str, str] | set[str], read: Any = None) -> Project:
    """The project a tree of project-relative ``paths`` holds, by the rules ``project.discover`` applies
    to the disk: source roots, regular and namespace packages, ``root_packages``, ``exclude`` and the
    ``.gitignore`` files of the tree (read with ``read(relpath) -> bytes | None``)."""
    files = set(paths)
    folders: dict[str, set[str]] = {}  # folder -> names of its sub-folders
    leaves: dict[str, list[str]] = {}  # folder -> names of its files
    seen: set[str] = set()  # folders recorded in their parent, with all the folders above them
    for rel in files:
        folder, _, leaf = rel.rpartition("/")
        leaves.setdefault(folder, []).append(leaf)
        while folder and folder not in seen:
            seen.add(folder)
            parent, _, name = folder.rpartition("/")
            folders.setdefault(parent, set()).add(name)
            folder = parent
    ignore = _ignore_specs(config, files, read)

    def skips(rel: str) -> bool:
        return any(rel.startswith(prefix) and spec.match_file(rel[len(prefix) :]) for prefix, spec in ignore)

    wanted = set(config.root_packages) if config.root_packages is not None else None
    root = str(config.root)
    modules: dict[str, Module] = {}
    namespaces: set[str] = set()
    problems: list[str] = []
    first_seen: dict[str, tuple[str, bool]] = {}

    def walk(folder: str, name: str, regular: bool) -> None:
        if skips(folder + "/"):
            return
        if not regular:
            namespaces.add(name)
        for child in sorted(folders.get(folder, ())):
            if child in defaults.ALWAYS_EXCLUDED_DIRS or child.startswith(".") or not child.isidentifier():
                continue
            sub = f"{folder}/{child}"
            child_regular = f"{sub}/__init__.py" in files
            if regular and not child_regular:
                continue
            walk(sub, f"{name}.{child}", child_regular)
        for leaf in sorted(leaves.get(folder, ())):
            rel = f"{folder}/{leaf}"
            if not leaf.endswith(".py") or leaf.startswith("."):
                continue
            stem = leaf[:-3]
            if (stem != "__init__" and not stem.isidentifier()) or skips(rel):
                continue
            module_name = name if stem == "__init__" else f"{name}.{stem}"
            modules[module_name] = Module(module_name, os.path.join(root, rel), rel, stem == "__init__")

    for source_root in config.source_roots:
        base = posixpath.normpath(source_root)
        base = "" if base == "." else base
        for entry in sorted(folders.get(base, ())):
            if entry in defaults.ALWAYS_EXCLUDED_DIRS or not entry.isidentifier():
                continue
            folder = f"{base}/{entry}" if base else entry
            is_regular = f"{folder}/__init__.py" in files
            if wanted is None and not is_regular:
                continue
            if wanted is not None and entry not in wanted:
                continue
            earlier = first_seen.setdefault(entry, (source_root, is_regular))
            if earlier[0] != source_root and (is_regular or earlier[1]):
                problems.append(
                    f"{config.display_path}: tool.arch_rules.source_roots: package {entry!r} is in both "
                    f"{earlier[0]!r} and {source_root!r} at the base"
                )
                continue
            walk(folder, entry, is_regular)
    if problems:
        raise ConfigError(problems)
    if not modules:
        raise ConfigError([f"{config.display_path}: tool.arch_rules: the base holds no Python module to check"])
    return Project(config, modules, namespaces)


def _ignore_specs(config: Config, files: set[str], read: Any) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    if config.exclude:
        specs.append(("", globs.spec(config.exclude)))
    if read is None:
        return specs
    for rel in sorted(f for f in files if f == ".gitignore" or f.endswith("/.gitignore")):
        content = read(rel)
        if content is None:
            continue
        lines = content.decode("utf-8", "replace").splitlines()
        # A line git would not accept is skipped, as git and the working tree's discovery skip it.
        specs.append((rel[: -len(".gitignore")], globs.spec(lines)))
    return specs
