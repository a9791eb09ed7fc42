"""Reading the files a configuration names (pyproject.toml, the baseline, CODEOWNERS, cache entries) safely.

Those paths can come from a repository's own ``pyproject.toml``, so they are not trusted: only a regular
file is read (a FIFO would block forever, ``/dev/zero`` never ends), never more than a size limit, and a
path from the configuration must stay inside the project root, links resolved (docs/reliability.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["INPUT_LIMIT", "FileProblem", "inside", "kind", "make_folders", "outside_message", "read_bytes", "read_text"]

#: The most arch-rules reads of a configuration, baseline or CODEOWNERS file (64 MiB): far beyond any
#: real one, far below what would take a machine down.
INPUT_LIMIT = 64 * 1024 * 1024


class FileProblem(OSError):
    """A path that is not a regular file, or one that is too large: ``str(exc)`` is the whole reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def kind(mode: int) -> str:
    """What a non-regular file is, in words, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: Path | str, limit: int = INPUT_LIMIT) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``OSError`` (``FileProblem``) otherwise.

    The file is opened without blocking (a FIFO with no writer would hang a plain ``open``) and checked
    on the open descriptor, so a swap between the check and the read cannot slip a device in.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"{kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise FileProblem(f"too large ({info.st_size:,} bytes; the limit is {limit:,})")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read
            raise FileProblem(f"too large (more than {limit:,} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int = INPUT_LIMIT) -> str:
    """``read_bytes`` decoded as UTF-8 (``UnicodeDecodeError`` when it is not)."""
    return read_bytes(path, limit).decode("utf-8")


def inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` with links resolved, or None when that leaves the project root.

    A path in the configuration is the repository's choice, not the user's: it may not make arch-rules
    read or write outside the project, neither by ``..``, nor by an absolute path, nor through a link.
    """
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if target != base and base not in target.parents:
        return None
    return target


def outside_message(display: str, key: str, value: str) -> str:
    """The one-line configuration error for a path that leaves the project."""
    return (
        f"{display}: {key}: {value!r} leads outside the project (an absolute path, '..' or a link); "
        "a path in the configuration must stay inside the project folder"
    )


def make_folders(folder: Path) -> None:
    """``mkdir -p`` without recursion: ``Path.mkdir(parents=True)`` recurses once per missing folder,
    so a path thousands of folders deep would be a ``RecursionError`` instead of an ``OSError``."""
    missing: list[Path] = []
    current = Path(folder)
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for item in reversed(missing):
        try:
            os.mkdir(item)
        except FileExistsError:
            if not item.is_dir():
                raise
