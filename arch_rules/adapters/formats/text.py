"""The text format: what a person reads in a terminal, and what editors and problem matchers parse.

Each finding is exactly ``path:line:col: CODE message`` (docs/output.md) -- the shape flake8, ruff and
compilers use, so terminals make it clickable and regexes written for those tools work. Severity is not on
the line (that would change the shape); the summary counts errors and warnings separately. Everything
after the findings is prose for the reader, with the one-line summary last, where a reader of a long log
looks first.
"""

from __future__ import annotations

from collections import Counter

from arch_rules.adapters.formats import (
    FormatContext,
    count_phrase,
    display_path,
    is_error,
    one_line,
    plural,
    rule_name,
    severity_counts,
    sorted_findings,
    span,
)
from arch_rules.model.findings import Report
from arch_rules.textsafe import visible

#: ANSI SGR sequences (the colours ruff and flake8 use: bold paths, red errors, yellow warnings).
BOLD, RED, YELLOW, RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


def render(report: Report, ctx: FormatContext) -> str:
    lines: list[str] = []
    findings = sorted_findings(report)
    for finding in findings:
        where = span(finding)
        path = visible(_path(display_path(finding.path, ctx)))  # the data escaped; the colours are ours
        code = finding.code
        if ctx.color:
            path = f"{BOLD}{path}{RESET}"
            code = f"{RED if is_error(finding) else YELLOW}{BOLD}{code}{RESET}"
        lines.append(f"{path}:{where.line}:{where.column}: {code} {visible(one_line(finding.message))}")
    if ctx.quiet:
        return "".join(line + "\n" for line in lines)

    if ctx.statistics:
        lines.extend(statistics_lines(report, ctx))

    lines.extend(visible(stale_baseline_line(entry)) for entry in report.stale_baseline)
    lines.extend(f"note: {visible(one_line(note))}" for note in report.notes)
    if report.baselined:
        lines.append(f"{plural(report.baselined, 'finding')} hidden by the baseline.")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def statistics_lines(report: Report, ctx: FormatContext) -> list[str]:
    """``3     ARC102 private-team-module``: findings per code (flake8's ``--statistics``)."""
    counts = Counter(finding.code for finding in report.findings)
    out = []
    for code in sorted(counts):
        name = rule_name(code, ctx)
        out.append(f"{counts[code]:<5} {code}" + (f" {name}" if name else ""))
    return out


def summary_line(report: Report) -> str:
    """``Found 3 errors and 1 warning (12 files checked).`` / ``All checks passed (12 files checked).``

    A clean run over zero files says so rather than "passed": a configuration that covers nothing must
    never look like a pass.
    """
    files = f"{plural(report.files_checked, 'file')} checked"
    stale = (
        f"; {plural(len(report.stale_baseline), 'stale baseline entry', 'stale baseline entries')} to remove "
        "(re-run `arch-rules baseline`)"
        if report.stale_baseline
        else ""
    )
    if report.findings:
        errors, warnings = severity_counts(report.findings)
        return f"Found {count_phrase(errors, warnings)} ({files}){stale}."
    if stale:
        return f"No new findings ({files}){stale}."
    if report.files_checked == 0:
        return "No findings, but no files were checked."
    return f"All checks passed ({files})."


def stale_baseline_line(entry: dict[str, str]) -> str:
    """One line per baseline entry that no longer occurs, so the baseline file can only shrink."""
    parts = [str(entry.get(key) or "") for key in ("code", "path", "imported")]
    described = " ".join(one_line(part) for part in parts if part) or str(entry.get("fingerprint", "?"))
    if entry.get("snippet"):
        described += f" `{one_line(str(entry['snippet']))}`"
    if entry.get("unused"):
        return f"stale baseline entry: {described} (accepted {entry['unused']} times too many; lower its count)"
    return f"stale baseline entry: {described} (no longer occurs; remove it)"


def _path(path: str) -> str:
    """A path that cannot break the line: a newline in a file name is shown as ``\\n``."""
    return path.replace("\r", "\\r").replace("\n", "\\n")
