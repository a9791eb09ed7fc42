"""Which findings a run reports and at what severity: ``select``/``ignore`` (the longer matching prefix
wins), ``per_file_ignores`` and ``severity`` — one place, so the CLI and the flake8 plugin agree."""

from __future__ import annotations

from arch_rules import defaults
from arch_rules.model import globs
from arch_rules.model.config import Config

__all__ = ["Selection"]


class Selection:
    """Which findings a run reports and at which severity: ``select``, ``ignore``, ``per_file_ignores`` and
    ``severity``, from the configuration and the command line alike."""

    def __init__(self, config: Config, select: tuple[str, ...] | None = None, ignore: tuple[str, ...] = ()) -> None:
        if select is None:
            # Unset in the configuration: every rule, the plugins' too (the empty prefix matches any code).
            configured = config.raw.get("rules", {}) if isinstance(config.raw.get("rules"), dict) else {}
            select = config.rules.select if "select" in configured else ("",)
        self.select = select
        self.ignore = (*config.rules.ignore, *ignore)
        self.severities = dict(config.rules.severity)
        self.per_file = [(globs.spec([glob]), codes) for glob, codes in config.rules.per_file_ignores]
        self._selected: dict[str, bool] = {}  # by code: a report asks once per finding

    def selected(self, code: str) -> bool:
        known = self._selected.get(code)
        if known is None:
            best_select = max((len(p) for p in self.select if code.startswith(p)), default=-1)
            best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
            known = self._selected[code] = best_select > best_ignore
        return known

    def ignored_in(self, path: str, code: str) -> bool:
        """``per_file_ignores``: ``path`` is project-relative with ``/`` separators."""
        return any(spec.match_file(path) and any(code.startswith(c) for c in codes) for spec, codes in self.per_file)

    def reports(self, path: str, code: str) -> bool:
        return self.selected(code) and not self.ignored_in(path, code)

    def severity(self, code: str, default: str = defaults.DEFAULT_SEVERITY) -> str:
        """The configured severity, else the rule's own (``default``: ARC502 and plugin rules may say warning)."""
        best = max((p for p in self.severities if code.startswith(p)), key=len, default=None)
        return self.severities[best] if best else default
