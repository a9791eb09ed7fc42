"""gitignore-style globs (``exclude``, ``per_file_ignores``, ``.gitignore``, CODEOWNERS), compiled safely.

pathspec raises on a pattern git would not accept (a lone ``\\``, a trailing backslash). In a file git
reads (``.gitignore``, CODEOWNERS) git skips such a line, and so does arch-rules; in the configuration
it is a one-line error naming the key (exit 2), never an internal error (issue 10).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

__all__ = ["problem", "spec"]


def problem(glob: str) -> str | None:
    """Why ``glob`` is not a usable gitignore-style pattern, or None."""
    import pathspec  # here: ~70 ms to import, and a project without globs or .gitignore needs none

    try:
        pathspec.GitIgnoreSpec.from_lines([glob])
    except Exception as exc:  # noqa: BLE001 - pathspec's errors vary by version; any of them means unusable
        return f"{glob!r} is not a valid gitignore-style pattern ({type(exc).__name__})"
    return None


def spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """The patterns of ``lines``, skipping any git would not accept (as git does)."""
    import pathspec

    good = [line for line in lines if problem(line) is None]
    return pathspec.GitIgnoreSpec.from_lines(good)
