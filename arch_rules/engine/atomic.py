"""Atomic writes: every file arch-rules writes (cache, baseline, reports, fixes, init) goes through here, so
a crash or a concurrent run can leave the old file or the new one, never half of one (docs/architecture.md)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_bytes", "write_text"]


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    The file keeps its permission bits when it exists (or takes ``mode``). Raises ``OSError``.
    """
    if mode is None and path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text(path: Path, text: str, mode: int | None = None) -> None:
    """UTF-8 text with ``\\n`` newlines, written atomically."""
    write_bytes(path, text.encode("utf-8"), mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
