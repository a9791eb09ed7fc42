"""Output formats: one `Report`, seven renderings (docs/output.md).

Every format is a pure function ``Report, FormatContext -> str``; none of them reads files, the
environment or the clock, so the same report always renders to the same bytes (docs/output.md: output is
deterministic). The only side effect in this package is `write_github_step_summary`, which appends to the
file GitHub names in ``$GITHUB_STEP_SUMMARY``; the CLI decides whether to call it.

Conventions shared by all formats, decided here once so they agree:

* **Paths.** ``Finding.path`` is project-relative; every format shows ``ctx.path_prefix + path`` (the path
  relative to the directory arch-rules ran in, which is the repository root in CI, where GitHub, SARIF
  consumers and GitLab want repository-relative paths). Chain links get the same treatment. Stale baseline
  entries are quoted exactly as the baseline file holds them, so a reader can find them there.
* **Positions.** ``line``/``column`` are 1-based. ``Finding.end_column`` is read as the 1-based column of
  the *last* character (inclusive, like GitHub's ``endColumn``); SARIF, whose ``endColumn`` is exclusive,
  adds one. Impossible ranges (end before start) are dropped rather than emitted, as GitHub's runner
  would silently do anyway.
* **Rule names** come from ``ctx.rules`` (not ``Finding.name``), so a format never loads the rule registry
  behind the caller's back and tests can pass their own rules.
* **Order.** Findings are rendered sorted by ``Finding.sort_key`` (path, line, column, code, message),
  whatever order the report holds them in; the GitHub format then moves errors before warnings.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from arch_rules.model.findings import Finding, Report
from arch_rules.rules import Rule
from arch_rules.textsafe import visible

__all__ = [
    "FORMAT_NAMES",
    "FormatContext",
    "Span",
    "count_phrase",
    "display_path",
    "one_line",
    "render",
    "rule_name",
    "rule_title",
    "sorted_findings",
    "span",
    "write_github_step_summary",
]

FORMAT_NAMES = ("text", "json", "github", "sarif", "gitlab", "junit", "markdown", "rdjson")


@dataclass(frozen=True)
class FormatContext:
    """What a format needs besides the report: facts about this run that findings do not carry."""

    #: arch-rules version, for the tool metadata of json, SARIF and the step summary.
    version: str
    #: code -> Rule record: SARIF rule metadata, JUnit testcases per rule, rule names in titles.
    rules: Mapping[str, Rule]
    #: Prepended to each project-relative path to make it relative to the working directory
    #: ("" or "sub/dir/").
    path_prefix: str = ""
    #: The working directory relative to the project root ("app/b"), when it is inside the project: paths
    #: are then shown relative to it ("bad.py", not "../../app/b/bad.py"). Overrides ``path_prefix``.
    inside: str = ""
    #: text only: per-code counts before the summary (flake8 ``--statistics``).
    statistics: bool = False
    #: text only: the finding lines and nothing else (``-q``).
    quiet: bool = False
    #: text only: ANSI colour for codes and paths (the CLI sets it for a terminal; never in files).
    color: bool = False


def render(name: str, report: Report, ctx: FormatContext) -> str:
    """The full text of format ``name`` for ``report``, ending with a newline (empty when a format
    has nothing to say, e.g. GitHub commands for a clean run).

    The format modules are imported on demand: a run that prints text never imports XML or JSON code.
    """
    if name == "text":
        from arch_rules.adapters.formats import text

        return text.render(report, ctx)  # it escapes what comes from the repository itself (colours are its own)
    if name == "json":
        from arch_rules.adapters.formats import json_format

        return json_format.render(report, ctx)
    if name == "github":
        from arch_rules.adapters.formats import github

        return visible(github.render(report, ctx))
    if name == "sarif":
        from arch_rules.adapters.formats import sarif

        return sarif.render(report, ctx)
    if name == "gitlab":
        from arch_rules.adapters.formats import gitlab

        return gitlab.render(report, ctx)
    if name == "junit":
        from arch_rules.adapters.formats import junit

        return junit.render(report, ctx)
    if name == "markdown":
        from arch_rules.adapters.formats import markdown

        return markdown.render(report, ctx)
    if name == "rdjson":
        from arch_rules.adapters.formats import rdjson

        return rdjson.render(report, ctx)
    raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMAT_NAMES)}")


def write_github_step_summary(report: Report, ctx: FormatContext, path: str) -> None:
    """Append the Markdown job summary to ``path`` (the file ``$GITHUB_STEP_SUMMARY`` names).

    Appending, not overwriting, is GitHub's contract: other steps' summaries share the file.
    """
    from arch_rules.adapters.formats import github

    text = visible(github.step_summary(report, ctx))
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


# --- helpers shared by the formats -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A finding's range, sanitised: 1-based, ``end_line``/``end_column`` None when unknown or impossible.

    ``end_column`` is inclusive (the last character); formats with exclusive ends add one.
    """

    line: int
    column: int
    end_line: int | None
    end_column: int | None

    @property
    def single_line(self) -> bool:
        return self.end_line is None or self.end_line == self.line


def span(finding: Finding) -> Span:
    """The finding's range with everything a consumer would reject removed (lines < 1, end before start)."""
    line = max(1, finding.line)
    column = max(1, finding.column)
    end_line = finding.end_line if finding.end_line is not None and finding.end_line >= line else None
    end_column = finding.end_column
    if end_column is not None:
        if end_column < 1 or ((end_line is None or end_line == line) and end_column < column):
            end_column = None
    return Span(line, column, end_line, end_column)


def display_path(path: str, ctx: FormatContext) -> str:
    """``path`` (project-relative) as the user should see it: relative to the working directory."""
    if ctx.inside:
        return posixpath.relpath(path, ctx.inside)
    return ctx.path_prefix + path


def rule_name(code: str, ctx: FormatContext) -> str | None:
    """The rule's kebab-case name, or None for a code the context does not know."""
    rule = ctx.rules.get(code)
    return rule.name if rule is not None else None


def rule_title(code: str, ctx: FormatContext) -> str:
    """``ARC102 private-team-module``, or just the code when the rule is unknown."""
    name = rule_name(code, ctx)
    return f"{code} {name}" if name else code


def sorted_findings(report: Report) -> list[Finding]:
    """The report's findings in the documented order (path, line, column, code), however they were collected."""
    return sorted(report.findings, key=Finding.sort_key)


_LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """``text`` with its line breaks folded into single spaces.

    Messages are meant to be one line, but a multi-line ``because`` string in pyproject.toml or
    a parser's error text can bring a newline; in line-oriented output it would forge a second finding.
    The separator set is exactly what ``str.splitlines`` splits on.
    """
    return _LINE_BREAKS.sub(" ", text).strip()


def count_phrase(errors: int, warnings: int) -> str:
    """``3 errors and 1 warning``, ``2 warnings``, ``1 error``; ``0 findings`` when both are zero."""
    parts = []
    if errors:
        parts.append(plural(errors, "error"))
    if warnings:
        parts.append(plural(warnings, "warning"))
    return " and ".join(parts) if parts else "0 findings"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def severity_counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings). Exactly the findings `Report.exit_code` fails on count as errors."""
    errors = warnings = 0
    for finding in findings:
        if is_error(finding):
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def is_error(finding: Finding) -> bool:
    """Whether the finding fails the run; everything else is shown as a warning."""
    return finding.severity == "error"
