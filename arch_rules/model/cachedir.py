"""The cache folder is arch-rules' own: made and marked by it, the only place it ever deletes anything.

Clean-up (old cache entries, old graph caches) deletes files by name. Pointed at a folder of the user's
(``cache_dir = "assets"``), or at a link out of the project, that would delete what arch-rules never
wrote. So a folder is used only when arch-rules provably made it: it creates the folder itself and
marks it (a ``CACHEDIR.TAG``, which backup tools honour, plus a marker of its own); an existing folder
without the marker is adopted only when it is empty (or is a cache folder of an earlier arch-rules,
recognised by the exact ``.gitignore`` it wrote); anything else is refused with one line, exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path

from arch_rules.errors import ConfigError
from arch_rules.safefile import inside, make_folders

__all__ = ["MARKER", "MARKER_TEXT", "TAG", "is_marked", "prepare"]

#: The marker arch-rules writes into a cache folder it made (and looks for before deleting in it).
MARKER = ".arch-rules-cache"
MARKER_TEXT = b"This folder is a cache made by arch-rules; it may be deleted at any time.\n"
#: The cache directory tag of https://bford.info/cachedir/ (backup and sync tools skip such folders).
TAG = "CACHEDIR.TAG"
TAG_TEXT = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by arch-rules.\n"
    b"# For information about cache directory tags see https://bford.info/cachedir/\n"
)
GITIGNORE_TEXT = b"# Created by arch-rules.\n*\n"


def is_marked(folder: Path) -> bool:
    """Whether ``folder`` holds arch-rules' marker (a regular file with the text arch-rules writes)."""
    marker = folder / MARKER
    try:
        return marker.is_file() and not marker.is_symlink() and marker.read_bytes()[:4096] == MARKER_TEXT
    except OSError:
        return False


def prepare(root: Path, relative: str, display: str, configured: bool) -> Path | None:
    """The cache folder ``root / relative``, created and marked when needed; None when it cannot be
    created (a read-only checkout still checks, it only does not remember).

    Raises ``ConfigError`` when the folder leaves the project (``..``, a link) or is a folder arch-rules
    did not make and that is not empty: arch-rules deletes old entries in its cache folder, and must
    never delete a file of the user's.
    """
    key = "tool.arch_rules.cache_dir" if configured else "the cache folder"
    folder = root / relative
    resolved = inside(root, relative)
    if resolved is None:
        raise ConfigError(
            [
                f"{display}: {key}: {relative!r} leads outside the project (a link or '..'); "
                "arch-rules keeps its cache in a folder of its own inside the project"
            ]
        )
    if folder.is_symlink():
        raise ConfigError(
            [
                f"{display}: {key}: {relative!r} is a link; arch-rules deletes old entries in its cache folder, so "
                "it uses only a real folder it made itself (remove the link, or point cache_dir elsewhere)"
            ]
        )
    if os.path.lexists(folder) and not folder.is_dir():
        raise ConfigError([f"{display}: {key}: {relative!r} exists and is not a folder; point cache_dir elsewhere"])
    if folder.is_dir():
        if is_marked(folder):
            return folder
        try:
            entries = {entry.name for entry in os.scandir(folder)}
        except OSError:
            return None
        legacy = _legacy(folder, entries)
        if entries and not legacy:
            raise ConfigError(
                [
                    f"{display}: {key}: {relative!r} is a folder arch-rules did not create and it is not empty; "
                    "arch-rules deletes old entries in its cache folder, so it uses only a folder of its own "
                    f"(point cache_dir at a new folder, or empty this one)"
                ]
            )
        try:
            _mark(folder, gitignore=not entries)
        except OSError:
            return None
        return folder
    try:
        _make_folders(folder)
        _mark(folder, gitignore=True)
    except OSError:
        return None
    return folder


def _legacy(folder: Path, entries: set[str]) -> bool:
    """A cache folder an earlier arch-rules made: its ``.gitignore`` is exactly the one it wrote."""
    if ".gitignore" not in entries:
        return False
    path = folder / ".gitignore"
    try:
        return not path.is_symlink() and path.is_file() and path.read_bytes()[:4096] == GITIGNORE_TEXT
    except OSError:
        return False


def _mark(folder: Path, gitignore: bool) -> None:
    if gitignore:
        _write(folder / ".gitignore", GITIGNORE_TEXT)
    _write(folder / TAG, TAG_TEXT)
    _write(folder / MARKER, MARKER_TEXT)  # last: the folder is ours once this exists


def _make_folders(folder: Path) -> None:
    make_folders(folder)


def _write(path: Path, data: bytes) -> None:
    """A small file in the cache folder, never through a link planted at its name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o666)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
