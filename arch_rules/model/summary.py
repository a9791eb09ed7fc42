"""The change summary's plain values: what a change did to the architecture, and to which teams.

Computed by ``arch_rules.engine.review`` (from the working tree's run and, with ``--since``, the base's), carried
on ``Report.review`` and rendered by the formats (``adapters/formats/markdown.py``; the github format reads which
findings predate the change). Plain, frozen values only, like ``findings.py``: a format never reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from arch_rules.model.findings import Finding

__all__ = ["Consumer", "DeclarationChange", "Dependency", "InterfaceChange", "Review", "TeamCard"]


@dataclass(frozen=True)
class TeamCard:
    """A team as the report introduces it: who to talk to, and what it agreed to depend on."""

    name: str
    contact: str = ""
    depends_on: tuple[str, ...] | None = None  # None: any team
    #: Where the team is declared ("pyproject.toml" or "src/shop/billing/arch-team.toml").
    declared_in: str = ""


@dataclass(frozen=True)
class Dependency:
    """Team ``source`` imports from team ``target``: how often, whether agreed, and the first import."""

    source: str
    target: str
    #: "declared" (in depends_on), "undeclared", or "any" (the source team has no depends_on list).
    status: str
    imports: int
    importer: str
    imported: str
    path: str
    line: int


@dataclass(frozen=True)
class Consumer:
    """A module of another team that still uses an interface name (``from M import name``)."""

    module: str
    team: str
    path: str
    line: int


@dataclass(frozen=True)
class InterfaceChange:
    """A name added to or removed from a team's interface, or an interface function's new signature."""

    team: str
    module: str
    name: str
    change: str  # "added" | "removed" | "signature"
    before: str = ""  # the signature before (change "signature")
    after: str = ""
    consumers: tuple[Consumer, ...] = ()


@dataclass(frozen=True)
class DeclarationChange:
    """One change of the declaration between the base and now (a key path, as in error messages)."""

    key: str
    change: str  # "added" | "removed" | "changed"
    before: str = ""
    after: str = ""


@dataclass
class Review:
    """Everything the Markdown report says beyond the findings themselves.

    Without a base (``base`` is None) it describes the whole tree: ``dependencies`` holds every
    team -> team edge and ``unused`` the agreed dependencies no import uses. With a base it describes the
    change: ``dependencies`` holds only the edges the base did not have.
    """

    teams: tuple[TeamCard, ...] = ()
    #: "main (1a2b3c4d5e)": the merge base the change is compared with; None for a whole-tree report.
    base: str | None = None
    #: Project-relative paths whose content differs from the base (added and removed files included).
    changed_files: tuple[str, ...] = ()
    #: Findings the base had too (not counted: the exit code is about the change).
    earlier: tuple[Finding, ...] = ()
    #: Findings of the base that are gone now: debt paid.
    fixed: tuple[Finding, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    #: (source, target) pairs declared in depends_on that no import uses (whole-tree report).
    unused: tuple[tuple[str, str], ...] = ()
    interface_changes: tuple[InterfaceChange, ...] = ()
    declaration_changes: tuple[DeclarationChange, ...] = ()
    #: Whether the details above (dependencies, interfaces, declaration) were computed.
    detailed: bool = False
    notes: list[str] = field(default_factory=list)

    def team(self, name: str | None) -> TeamCard | None:
        return next((card for card in self.teams if card.name == name), None)

    @property
    def changed(self) -> frozenset[str]:
        return frozenset(self.changed_files)
