"""The errors arch-rules reports to its user instead of a traceback, with the exit code each one means."""

from __future__ import annotations

__all__ = ["ArchRulesError", "ConfigError", "InternalError", "UsageError"]


class ArchRulesError(Exception):
    """Base class: a problem the user can act on; ``exit_code`` is what the CLI exits with."""

    exit_code = 3


class UsageError(ArchRulesError):
    """Bad command-line usage (exit 2)."""

    exit_code = 2


class ConfigError(ArchRulesError):
    """One or more configuration problems (exit 2); each line names the file and key path."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class InternalError(ArchRulesError):
    """Something arch-rules could not do (exit 3)."""

    exit_code = 3
