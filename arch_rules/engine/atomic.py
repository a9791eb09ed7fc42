"""Every file arch-rules writes (cache, baseline, reports, fixes, init) goes through here (docs/reliability.md).

A regular file is replaced atomically (a temporary file, then a rename), so a crash or a concurrent run
leaves the old file or the new one, never half of one; it keeps its permission bits and, where the
process may, its owner and group. What is at the target is respected, never replaced by a new file
(docs/reliability.md):

- ``-``, ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``: written to that open stream;
- a link: written through to the file it points at (a link to nothing is refused);
- a FIFO or a device (``/dev/null``): written to as it is, never replaced; a FIFO nobody reads is refused;
- a read-only file: an error (``PermissionError``), even for root;
- a file with more than one hard link: rewritten in place, so every link still shows the same content;
- a folder: an error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from arch_rules import safefile

__all__ = ["make_folders", "stream_fd", "write_bytes", "write_text"]

_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd)/(\d+)")


def stream_fd(path: Path | str) -> int | None:
    """The open file descriptor a target names (``-``, ``/dev/stdout``, ``/dev/fd/3``), if it names one."""
    text = os.fspath(path)
    if text in ("-", "/dev/stdout"):
        return 1
    if text == "/dev/stderr":
        return 2
    match = _FD_PATH.fullmatch(text)
    return int(match.group(1)) if match else None


def write_bytes(path: Path, data: bytes, mode: int | None = None, replace: bool = False) -> None:
    """Write ``data`` to ``path`` as the module docstring says. Raises ``OSError``.

    ``replace=True`` (the cache, in a folder arch-rules made) renames over whatever is at ``path``.
    """
    if replace:
        _replace(Path(path), data, mode, None)
        return
    fd = stream_fd(path)
    if fd is not None:
        _write_stream(fd, data)
        return
    path = Path(path)
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise FileNotFoundError(
                errno.ENOENT, "a link to nothing (arch-rules writes through links, never replaces them)", str(path)
            ) from None
        path = Path(os.path.realpath(path))
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "a folder", str(path))
        if not stat.S_ISREG(info.st_mode):
            _write_special(path, data)
            return
        if info.st_mode & 0o222 == 0 or not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, "a read-only file (arch-rules does not overwrite it)", str(path))
        if info.st_nlink > 1:
            _write_in_place(path, data)
            return
        if mode is None:
            mode = stat.S_IMODE(info.st_mode)
    _replace(path, data, mode, info)


def write_text(path: Path, text: str, mode: int | None = None) -> None:
    """UTF-8 text, written as ``write_bytes`` writes (newlines as given)."""
    write_bytes(path, text.encode("utf-8"), mode)


def make_folders(folder: Path) -> None:
    """``mkdir -p`` without recursion (a path thousands of folders deep is an ``OSError``, not a crash)."""
    safefile.make_folders(folder)


def _replace(path: Path, data: bytes, mode: int | None, info: os.stat_result | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        if info is not None and hasattr(os, "chown"):
            # Keep the owner and group where the process may (root may; others may keep a group they are in).
            with contextlib.suppress(OSError):
                os.chown(tmp, info.st_uid, info.st_gid)
            with contextlib.suppress(OSError):
                os.chown(tmp, -1, info.st_gid)
            if mode is not None:
                os.chmod(tmp, mode)  # chown may clear set-id bits
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(path: Path, data: bytes) -> None:
    """A file with several hard links: a rename would split them, so the content is rewritten in place."""
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()


def _write_special(path: Path, data: bytes) -> None:
    """A FIFO or a device: written to as it is. A FIFO nobody reads is an error, not a hang."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a FIFO nobody is reading", str(path)) from None
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_stream(fd: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    _write_all(fd, data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
