"""Findings: the plain, picklable values every engine produces and every format consumes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arch_rules.model.summary import Review

from arch_rules.model.messages import MAX_MESSAGE, clamp

__all__ = ["ChainLink", "Finding", "Report"]


@dataclass(frozen=True)
class ChainLink:
    """One import of a chain: ``importer`` imports ``imported`` at ``path:line`` (line may be unknown)."""

    importer: str
    imported: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``path`` is relative to the project root, with ``/`` separators; ``line``/``column`` are 1-based.
    ``snippet`` is the whitespace-normalised source of the statement at fault: it, not the line number,
    goes into the fingerprint so a baseline survives code moving around.
    """

    code: str
    message: str
    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    severity: str = "error"
    module: str | None = None
    imported: str | None = None
    team: str | None = None
    chain: tuple[ChainLink, ...] = ()
    snippet: str = ""

    def __post_init__(self) -> None:
        # One line a person reads: never longer than MAX_MESSAGE, whatever a rule enumerates.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", clamp(self.message))

    @property
    def fingerprint(self) -> str:
        """Stable identity: code, path, importing and imported module and the normalised source line."""
        key = "\0".join([self.code, self.path, self.module or "", self.imported or "", " ".join(self.snippet.split())])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_severity(self, severity: str) -> Finding:
        return self if severity == self.severity else replace(self, severity=severity)


@dataclass
class Report:
    """What one run found, sorted; plus what the run wants its user to know."""

    findings: list[Finding] = field(default_factory=list)
    #: Fingerprints in the baseline that no current finding has any more: the file can shrink.
    stale_baseline: list[dict[str, str]] = field(default_factory=list)
    #: Findings hidden by the baseline.
    baselined: int = 0
    files_checked: int = 0
    modules: int = 0
    #: One-line notes for the user (e.g. "the graph was skipped").
    notes: list[str] = field(default_factory=list)
    #: With ``check --since`` (then ``findings`` are only the change's own) or ``--format markdown``:
    #: what the change did to the architecture and to which teams.
    review: Review | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_code(self) -> int:
        # Exit code 1 means error-severity findings (docs/output.md). Stale baseline entries are reported (so the file
        # can shrink) but are not findings; a team that wants them to fail can grep the report.
        return 1 if self.errors else 0
