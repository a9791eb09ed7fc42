"""The plain values around a ``LintRule`` (issue 12): the context of the file it visits and its examples.

Kept apart from ``lintrule`` so that the engine can describe files and deprecations without importing
libcst, which only projects with standards or plugins load.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Context", "Invalid", "Valid"]


@dataclass(frozen=True)
class Context:
    """What a rule knows about the file it visits, beyond its tree (``self.context``)."""

    module: str
    path: str = ""  # project-relative, "/" separators
    team: str | None = None
    contact: str = ""
    #: The layer entry the module sits in (first layer stack that places it), or None.
    layer: str | None = None
    is_interface: bool = False
    is_package: bool = False

    @property
    def package(self) -> str:
        """The package relative names resolve against (``__package__``)."""
        return self.module if self.is_package else self.module.rpartition(".")[0]


@dataclass(frozen=True)
class Valid:
    """An example the rule must accept; ``module`` is the module the example pretends to be."""

    code: str
    module: str = "example"
    is_interface: bool = False
    team: str | None = None


@dataclass(frozen=True)
class Invalid:
    """An example the rule must report: at least once, or exactly at ``line`` (and ``column``, 1-based)."""

    code: str
    line: int | None = None
    column: int | None = None
    message: str | None = None
    module: str = "example"
    is_interface: bool = False
    team: str | None = None
