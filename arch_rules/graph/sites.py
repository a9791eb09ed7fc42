"""Where a graph violation is reported, and what the graph cannot see (issue 11).

Decisions, documented in docs/configuration.md ("Chains, cycles and # noqa"):

- A chain (ARC201/204/206) or a cycle-breaking import (ARC207) is reported at **every statement** of the
  importing module that makes its first import, not only the first one: when ``a.py`` imports ``b`` at
  lines 3 and 7, a ``# noqa`` on line 3 silences line 3's finding and line 7 still reports the chain. So a
  suppression never hides a chain that another line starts too. (The run's notes also count the graph
  findings ``# noqa`` comments suppressed: see the engine.)
- A module that the project's own code imports but that is not part of the project (left out by
  ``exclude`` or a ``.gitignore``, such as a generated ``_version.py``) is not in the import graph, so no
  chain passes through it. The run's notes name such modules, so the gap is never silent
  (``model.leftout``: the engine words that note on every run, since it depends on the disk).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from arch_rules.graph.chains import import_at
from arch_rules.model.project import Project

if TYPE_CHECKING:
    from arch_rules.graph.run import Violation


def at_every_statement(
    project: Project, violation: Violation, sites: Mapping[tuple[str, int, str], tuple[int, int, str]] | None = None
) -> Iterator[Violation]:
    """``violation`` (located at its first import's first statement), and a copy at each other statement
    of the importer that makes the same import. ``sites``: where an earlier run located them
    (``Inputs.sites``); the importer's facts are loaded only for a line it does not know."""
    yield violation
    if not violation.links or len(violation.lines) < 2:
        return
    first = violation.links[0]
    for line in violation.lines:
        if line == violation.line:
            continue
        known = sites.get((first.importer, line, first.imported)) if sites else None
        if known is not None:
            column, end, snippet = known
        else:
            fact = import_at(project, first.importer, first.imported, line)
            column = fact.column if fact else 1
            end = max(fact.end_line, line) if fact else line
            snippet = fact.snippet if fact else violation.snippet
        yield dataclasses.replace(
            violation,
            line=line,
            column=column,
            end_line=end,
            snippet=snippet,
            links=(dataclasses.replace(first, line=line), *violation.links[1:]),
        )
