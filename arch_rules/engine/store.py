"""Reading the project's files for a run: each file's content hash (the cache key), its bytes only when
needed, and its facts from the sharded cache or parsed (in parallel on a cold run).

A file whose size, mtime, ctime and inode match the last run is not read at all on a warm run; content,
not the stat, decides what changed (docs/performance.md).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from arch_rules import defaults, safefile
from arch_rules.engine.cache import Cache, content_hash
from arch_rules.engine.shapes import conforms
from arch_rules.facts import FileFacts, extract
from arch_rules.model.project import Module, Project


class Contents(dict[str, bytes]):
    """The bytes of the project's files by relpath, read when first asked for.

    A file whose size, mtime, ctime and inode match the last run is not read at all on a warm run (its content
    hash comes from the cache); if it is asked for later, it must still hash to what the findings were
    made from, else it counts as changed since the run read it (``get`` answers None).
    """

    def __init__(self, project: Project, hashes: dict[str, str]) -> None:
        super().__init__()
        self._project = project
        self._hashes = hashes

    def __missing__(self, relpath: str) -> bytes:
        module = self._project.by_path[relpath]
        content = safefile.read_bytes(module.path, self._project.config.max_file_size)
        self[relpath] = content
        return content

    def get(self, relpath: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        if relpath in self:
            return dict.__getitem__(self, relpath)
        if relpath not in self._project.by_path:
            return default
        try:
            content = self[relpath]
        except OSError:
            return default
        return content if content_hash(content) == self._hashes.get(relpath) else default


#: A file modified this recently may be modified again within the same mtime tick: always read it.
_RACY_SECONDS = 2.0


#: A content hash as ``content_hash`` writes it (a stat entry holding anything else is a miss).
_DIGEST = re.compile(r"[0-9a-f]{32}")


def read_all(project: Project, cache: Cache) -> tuple[Contents, dict[str, str]]:
    """Every file's content hash (the cache key), reading only files whose size, mtime or inode changed
    since the last run: content decides, the stat only spares reading what certainly did not change."""
    known = cache.read("stat")
    if not isinstance(known, dict):
        known = {}
    hashes: dict[str, str] = {}
    data = Contents(project, hashes)
    index: dict[str, tuple[int, int, int, int, str]] = {}
    limit = project.config.max_file_size
    now = time.time()
    for module in project.modules.values():
        rel = module.relpath
        try:
            stat = os.stat(module.file)
        except OSError as exc:
            hashes[rel] = f"unreadable:{exc}"
            continue
        # ctime too: no tool can set it back, so an edit that restores the mtime still shows (as in git).
        signature = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
        if stat.st_size > limit:
            # Not read at all: one generated file must not take the machine down (ARC003 "too large").
            hashes[rel] = f"unreadable:too large ({stat.st_size:,} bytes; max_file_size is {limit:,})"
            continue
        previous = known.get(rel)
        if (
            isinstance(previous, tuple)
            and len(previous) == 5
            and previous[:4] == signature
            and isinstance(previous[4], str)
            and _DIGEST.fullmatch(previous[4])
            and now - stat.st_mtime > _RACY_SECONDS
        ):
            hashes[rel] = previous[4]
        else:
            try:
                content = safefile.read_bytes(module.file, limit)
            except OSError as exc:
                hashes[rel] = f"unreadable:{exc.strerror or exc}"
                continue
            data[rel] = content
            hashes[rel] = content_hash(content)
        index[rel] = (*signature, hashes[rel])
    if index != known:
        cache.write("stat", index)
    return data, hashes


class FactStore(Mapping[str, FileFacts]):
    """``Project.facts``: each module's facts, taken from the sharded cache by content hash or read from
    the file, on first use. The run after a small change asks only for the changed files (and what the
    rules look up across files), so it loads a few shards instead of 10,000 modules' facts
    (docs/performance.md); a cold run asks for everything at once, and the files are read in parallel.
    """

    def __init__(
        self,
        project: Project,
        data: Contents,
        hashes: dict[str, str],
        cache: Cache,
        jobs: int | None,
        shards: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self._project = project
        self._data = data
        self._hashes = hashes
        self._cache = cache
        self._jobs = jobs
        self._facts: dict[str, FileFacts] = {}
        #: Shards read so far (shard -> content hash -> facts); may be shared with another store (the base
        #: of ``check --since`` reuses the working tree's: content-addressed entries hold for both).
        self.shards: dict[str, dict[str, Any]] = shards if shards is not None else {}
        self._new: dict[str, FileFacts] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        """Make these modules' facts available together: their shards read once, the rest parsed."""
        todo: list[Module] = []
        for name in names:
            if name in self._facts or name not in self._project.modules:
                continue
            module = self._project.modules[name]
            digest = self._hashes[module.relpath]
            if digest.startswith("unreadable:"):
                why = digest[11:]
                message = why if why.startswith("too large") else f"cannot be read ({why})"
                self._facts[name] = FileFacts(syntax_error=(1, 1, message))
                continue
            hit = self._stored(digest)
            if hit is not None:
                self._facts[name] = hit
            else:
                todo.append(module)
        readable: list[Module] = []
        contents: list[bytes] = []
        for module in todo:
            try:
                contents.append(self._data[module.relpath])
            except OSError as exc:  # deleted or replaced since the run began: say so, store nothing
                self._facts[module.name] = FileFacts(syntax_error=(1, 1, f"cannot be read ({exc.strerror or exc})"))
                continue
            readable.append(module)
        if readable:
            for module, facts in zip(readable, extract_many(contents, self._jobs), strict=True):
                self._facts[module.name] = facts
                self._new[self._hashes[module.relpath]] = facts

    def _stored(self, digest: str) -> FileFacts | None:
        shard = digest[:2]
        if shard not in self.shards:
            self.shards[shard] = self._cache.read_shard(shard)
        hit = self.shards[shard].get(digest)
        return hit if isinstance(hit, FileFacts) and conforms(hit, FileFacts) else None

    def save(self) -> None:
        """Store what this run parsed; entries of files the project no longer has leave their shards."""
        if self._new:
            live = {h for h in self._hashes.values() if not h.startswith("unreadable:")}
            self._cache.add_facts(self._new, live)
            self._new = {}

    def release(self) -> None:
        """Store what this run parsed, then let go of every module's facts and the files' bytes: the
        whole-project part of a cold run (the graph) needs neither, and at 20,000 modules they are most of
        the peak memory. Anything asked for later comes back from the shards (or the file). Only with a
        cache: without one, letting go would mean parsing again."""
        if not self._cache.enabled:
            return
        self.save()
        self._facts.clear()
        self.shards.clear()  # they may predate what ``save`` just wrote
        if isinstance(self._data, Contents):  # read again on demand; another tree's bytes are its own
            self._data.clear()

    def __getitem__(self, name: str) -> FileFacts:
        if name not in self._facts:
            if name not in self._project.modules:
                raise KeyError(name)
            self.prefetch([name])
        return self._facts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._project.modules)

    def __len__(self) -> int:
        return len(self._project.modules)


#: The inputs of a pool run and the work done on each, inherited by forked workers instead of being
#: pickled to them.
_WORK: list[Any] = []
_WORK_FN: Callable[[Any], Any] = extract


def _extract_slice(bounds: tuple[int, int]) -> list[Any]:
    return [_WORK_FN(content) for content in _WORK[bounds[0] : bounds[1]]]


def extract_many(contents: list[Any], jobs: int | None, work: Callable[[Any], Any] = extract) -> list[Any]:
    """Facts of many files (or ``work`` done on each item, such as the libcst rules of a file): serial
    below ``PARALLEL_THRESHOLD``, else a process pool over chunks.

    With ``fork`` the workers inherit the file contents (no pickling of the sources); they send back
    plain, picklable facts. Elsewhere (spawn) the bytes travel with the tasks; ``work`` other than
    ``extract`` (plugin rules need not pickle) then runs in this process.
    """
    global _WORK, _WORK_FN
    workers = min(jobs if jobs else (os.cpu_count() or 1), max(1, len(contents) // 8))
    if workers <= 1 or len(contents) < defaults.PARALLEL_THRESHOLD:
        return [work(c) for c in contents]
    chunk = max(8, len(contents) // (workers * 4))
    try:
        import multiprocessing  # here, not at the top: a warm run never starts a pool
        from concurrent.futures import ProcessPoolExecutor

        if "fork" in multiprocessing.get_all_start_methods():
            _WORK, _WORK_FN = contents, work
            try:
                bounds = [(i, min(i + chunk, len(contents))) for i in range(0, len(contents), chunk)]
                with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    return [facts for part in pool.map(_extract_slice, bounds) for facts in part]
            finally:
                _WORK, _WORK_FN = [], extract
        if work is not extract:
            return [work(c) for c in contents]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(extract, contents, chunksize=chunk))
    except (OSError, RuntimeError):  # no processes to be had here: do it in this one
        return [work(c) for c in contents]
