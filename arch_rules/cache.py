"""The content-hash cache under ``.arch_rules_cache/``: facts per file content, and whole results.

Keys are content hashes (never mtimes), so a CI run with a restored cache hits. Every write is atomic
(a temporary file, then ``os.replace``), so two concurrent runs can only lose a write, never corrupt one;
an unreadable or half-written entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from arch_rules import __version__

_FORMAT = 1


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    """A folder of pickles; ``enabled=False`` makes every read miss and every write a no-op."""

    def __init__(self, folder: Path, enabled: bool = True) -> None:
        self.folder = folder
        self.enabled = enabled
        self.tag = f"v{_FORMAT}-{__version__}"

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}-{self.tag}.pickle"

    def read(self, name: str) -> Any:
        if not self.enabled:
            return None
        try:
            with open(self._path(name), "rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is a miss, whatever it raises
            return None

    def write(self, name: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                _atomic_write(gitignore, b"# Created by arch-rules.\n*\n")
            _atomic_write(self._path(name), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only checkout still lints; it just does not remember


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
