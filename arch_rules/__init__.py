"""arch-rules: keep a Python codebase true to the architecture its teams agreed on.

The public API is small: ``check()`` runs everything a ``arch-rules check`` run does and returns a
``Report`` of ``Finding`` values; ``LintRule`` is the base class of the rules a team writes itself
(imported on first use, so a project without plugins never loads libcst).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arch_rules.defaults import VERSION as __version__

if TYPE_CHECKING:
    from pathlib import Path

    from arch_rules.model.findings import Finding, Report
    from arch_rules.rules.lintrule import LintRule

__all__ = ["Finding", "LintRule", "Report", "__version__", "check"]


def check(root: str | Path = ".", paths: list[str] | None = None, **options: Any) -> Report:
    """Check the project whose pyproject.toml is found from ``root``; see ``engine.Options`` for options."""
    from pathlib import Path

    from arch_rules.engine.run import Options, run

    return run(Options(start=Path(root), paths=tuple(paths or ()), **options))


def __getattr__(name: str) -> Any:
    if name in ("Finding", "Report"):
        from arch_rules.model import findings

        return getattr(findings, name)
    if name == "LintRule":
        from arch_rules.rules.lintrule import LintRule

        return LintRule
    raise AttributeError(name)
