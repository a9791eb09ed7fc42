"""What one run of the engine is asked to do (``Options``): shared by the run, the analysis and the
report, and built by every adapter (the command line, the flake8 plugin, the language server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Options"]


@dataclass(frozen=True)
class Options:
    """What one run is asked to do: where to start, which configuration, which paths, rules, jobs, cache and
    baseline."""

    start: Path = field(default_factory=Path.cwd)
    config: Path | None = None
    #: Limit which files are reported (files or folders); the analysis is always whole.
    paths: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    graph: bool = True
    jobs: int | None = None
    cache: bool = True
    #: A baseline file; None: the configured default when it exists; "" : none.
    baseline: str | None = None
    #: Only files git tracks are part of the project (pre-commit runs).
    git_only: bool = False
    #: This run owns the kept import graph (the cache's ``graph`` entry). Off for a tree grimp reads from
    #: memory (see `Tree`): it keeps its own (``graph-base``) and starts from the working tree's.
    graph_cache_owner: bool = True
    #: Report what noqa comments would suppress (flake8's ``--disable-noqa``).
    disable_noqa: bool = False
