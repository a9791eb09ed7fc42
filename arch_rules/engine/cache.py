"""The content-hash cache under ``.arch_rules_cache/`` (or ``cache_dir``): facts per file content, and
whole results.

Two kinds of entry (docs/performance.md has the measurements behind the layout):

- **facts**, in 256 shards by the first two hex digits of the file's content hash (``facts-XX-<tag>``):
  config-independent per-file facts. A one-file edit rewrites one shard (~1/256 of the store), not a
  17 MB pickle at 10,000 modules, and a damaged shard costs only its own files a re-read.
- **result**: the findings of the whole run, graph included, keyed by the tag, the configuration's
  digest and text, the options that change findings and every file's path and content hash. It keeps no
  facts (loading 200,000 small objects is most of a warm run at 10,000 modules), only the ``# noqa``
  comments the report needs; the engine loads facts lazily if an adapter asks for them.

Keys are content hashes (never mtimes), so a CI run with a restored cache hits. The tag in every file
name holds the cache format, the tool version, the Python version (``ast`` decides what parses) and a
digest of arch-rules' own source, so an edited rule in an editable install never serves stale findings.
Every write is atomic (a temporary file, then ``os.replace``), so concurrent runs can only lose a write,
never corrupt one; an unreadable, truncated or foreign entry is a miss and is rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from arch_rules import safefile
from arch_rules.defaults import VERSION as __version__
from arch_rules.engine import atomic
from arch_rules.model import cachedir

_FORMAT = 3  # 3: the house move (module paths of the cached classes changed)
_SHARD_DIGITS = 2


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of arch-rules' own ``.py`` files: what the tool *is*, beyond its version number.

    About 1 ms for the package; it makes the cache safe across edits of an editable install and across
    wheels that forgot to bump the version.
    """
    package = Path(__file__).resolve().parent.parent  # arch_rules/, not only engine/
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*.py")):
        try:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


def version_tag() -> str:
    """What a cache entry was written by: format, tool version, Python version, tool source digest."""
    return f"v{_FORMAT}-{__version__}-py{sys.version_info[0]}{sys.version_info[1]}-{code_digest()}"


class Cache:
    """A folder of pickles; ``enabled=False`` makes every read miss and every write a no-op."""

    def __init__(self, folder: Path, enabled: bool = True) -> None:
        self.folder = folder
        self.enabled = enabled
        self.tag = version_tag() if enabled else "disabled"
        #: False: every read misses but writes still happen (a run that distrusts a damaged cache rewrites it).
        self.reads = True

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}-{self.tag}.pickle"

    def read(self, name: str) -> Any:
        if not self.enabled or not self.reads:
            return None
        try:
            # Only a regular file, opened without blocking: a FIFO planted in the folder is a miss, not a hang.
            data = safefile.read_bytes(self._path(name), _ENTRY_LIMIT)
            return _SafeUnpickler(io.BytesIO(data)).load()
        except Exception:  # noqa: BLE001 - a missing, truncated, foreign or hostile file is a miss, whatever it raises
            return None

    def write(self, name: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            if not self._prepare():
                return  # not a folder arch-rules made and marked: write nothing, delete nothing
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            # The folder is arch-rules' own: whatever sits at an entry's name (a FIFO, a link) is replaced.
            atomic.write_bytes(self._path(name), data, replace=True)
        except OSError:
            pass  # a read-only checkout still lints; it just does not remember

    # -- the sharded facts store ---------------------------------------------------------------------

    def read_shard(self, shard: str) -> dict[str, Any]:
        """The stored facts whose content hash starts with ``shard`` (two hex digits); {} on a miss."""
        entries = self.read(f"facts-{shard}")
        return entries if isinstance(entries, dict) else {}

    def add_facts(self, new: Mapping[str, Any], live: set[str]) -> None:
        """Store ``new`` facts (content hash -> facts), rewriting only the shards they fall in; entries
        of content the project no longer has (``live``) leave those shards."""
        if not self.enabled:
            return
        by_shard: dict[str, dict[str, Any]] = {}
        for digest, facts in new.items():
            by_shard.setdefault(digest[:_SHARD_DIGITS], {})[digest] = facts
        for shard, entries in by_shard.items():
            kept = {d: f for d, f in self.read_shard(shard).items() if d in live}
            kept.update(entries)
            self.write(f"facts-{shard}", kept)

    # -- housekeeping ----------------------------------------------------------------------------------

    def _prepare(self) -> bool:
        """Drop *our* entries written by other versions (once); False when the folder is not one arch-rules
        made and marked (``cachedir.prepare``): then nothing is written or deleted in it. Nothing else in
        a marked folder is touched either."""
        if getattr(self, "_prepared", False):
            return True
        if not cachedir.is_marked(self.folder) or self.folder.is_symlink():
            return False
        for path in self.folder.glob("*.pickle"):
            if _OURS.fullmatch(path.name) and not path.name.endswith(f"-{self.tag}.pickle"):
                try:
                    path.unlink()
                except OSError:
                    pass  # another run's, or already gone
        self._prepared = True
        return True


#: The largest cache entry read (a result at 20,000 modules is tens of MB): a bound, not a tuning knob.
_ENTRY_LIMIT = 1 << 31

#: The names of the entries this module writes (``result-<tag>``, ``facts-XX-<tag>``).
_OURS = re.compile(
    r"(?:result|result-base|blobs|stat|graph|graph-base|shared|ignores|facts-[0-9a-f]{2})-v\d+-.+\.pickle"
)

#: What a cache entry may contain. Anything else in a pickle (a class that runs code on load, say one
#: planted in a repository's committed cache folder) makes the entry a miss: a cache is data, and
#: arch-rules never runs code it reads (docs/architecture.md, guarantees).
_ALLOWED = {
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("arch_rules.facts.records", "FileFacts"),
    ("arch_rules.facts.records", "ImportFact"),
    ("arch_rules.facts.records", "DefFact"),
    ("arch_rules.facts.records", "Noqa"),
    ("arch_rules.model.findings", "Finding"),
    ("arch_rules.model.findings", "ChainLink"),
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the arch-rules cache")
        return super().find_class(module, name)
