"""The github format: workflow commands that become annotations on a pull request, and the job summary.

Facts this module relies on (read from GitHub's runner source, ``actions/runner``):

* one command per stdout line, ``::error file=…,line=…::message``; the runner takes the properties up
  to the first ``::``, splits them on ``,`` and each on its first ``=``, and silently drops what does not
  parse -- so a ``,`` or ``:`` in a path or title must be escaped or the annotation lands in the wrong
  place without any error (§1.2);
* columns are only honoured on single-line ranges, and ``endColumn`` is inclusive (§1.1);
* only the first 10 annotations of each level per step are shown (§1.3). Every finding is still emitted
  (past the limit a command is just a log line), most important first, followed by one notice that
  says how many were not shown and where to find them: the job summary this module also writes, which
  holds the whole list and a Mermaid picture of the broken dependencies.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from arch_rules.adapters.formats import (
    FormatContext,
    display_path,
    is_error,
    one_line,
    plural,
    rule_title,
    severity_counts,
    sorted_findings,
    span,
)
from arch_rules.adapters.formats.text import stale_baseline_line
from arch_rules.model.findings import Finding, Report

#: ``ExecutionContext._maxCountPerIssueType`` in actions/runner.
ANNOTATIONS_SHOWN_PER_LEVEL = 10
#: Edges drawn in the Mermaid picture; beyond this a diagram stops being readable (and Mermaid slow).
MAX_GRAPH_EDGES = 100
#: GitHub caps a step summary at 1 MiB; the findings list stops well before, leaving room for the rest.
SUMMARY_LIST_BUDGET = 900 * 1024


def escape_data(value: str) -> str:
    """Escape a command's message. ``%`` goes first so ``%0A`` typed by a user survives as text."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as a message, plus ``:`` (would end the properties) and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def ordered(report: Report) -> list[Finding]:
    """Errors before warnings, each by path and line: the first ten of each level are what GitHub shows."""
    return sorted(sorted_findings(report), key=lambda finding: 0 if is_error(finding) else 1)


def command(finding: Finding, ctx: FormatContext) -> str:
    """The workflow command for one finding."""
    where = span(finding)
    props = [("file", display_path(finding.path, ctx)), ("line", str(where.line))]
    if where.single_line:
        # The runner drops columns on a multi-line range anyway (ValidateLinesAndColumns); leaving them
        # out keeps the command honest.
        props.append(("col", str(where.column)))
    if where.end_line is not None:
        props.append(("endLine", str(where.end_line)))
    if where.single_line and where.end_column is not None:
        props.append(("endColumn", str(where.end_column)))
    props.append(("title", rule_title(finding.code, ctx)))
    level = "error" if is_error(finding) else "warning"
    encoded = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level} {encoded}::{escape_data(finding.message)}"


def render(report: Report, ctx: FormatContext) -> str:
    lines = [command(finding, ctx) for finding in ordered(report)]
    review = report.review
    if review is not None and review.base is not None:
        lines += _earlier(report, ctx)
    errors, warnings = severity_counts(report.findings)
    hidden = max(0, errors - ANNOTATIONS_SHOWN_PER_LEVEL) + max(0, warnings - ANNOTATIONS_SHOWN_PER_LEVEL)
    if hidden:
        more = "1 more finding" if hidden == 1 else f"{hidden} more findings"
        lines.append(
            "::notice::" + escape_data(f"{more} than GitHub shows as annotations; see the job summary / SARIF")
        )
    if report.stale_baseline:
        stale = len(report.stale_baseline)
        what = "1 baseline entry no longer occurs" if stale == 1 else f"{stale} baseline entries no longer occur"
        lines.append(
            "::notice title=arch-rules::"
            + escape_data(f"{what}; remove {'it' if stale == 1 else 'them'} from the baseline (see the job summary)")
        )
    lines.extend(f"::notice title=arch-rules::{escape_data(one_line(note))}" for note in report.notes)
    return "".join(line + "\n" for line in lines)


def _earlier(report: Report, ctx: FormatContext) -> list[str]:
    """``check --since``: the change's own findings came first (they are the ones that fail the job);
    findings the base had too are notices in the files the change touches, and one summary line for the
    files it does not touch, so the 10 annotations GitHub shows per level go to what the change did."""
    assert report.review is not None
    touched = report.review.changed
    lines: list[str] = []
    elsewhere: set[str] = set()
    count = 0
    for finding in sorted(report.review.earlier, key=Finding.sort_key):
        if finding.path in touched:
            text = command(finding, ctx).split(" ", 1)[1]
            lines.append("::notice " + text.replace(",title=", ",title=before this change%3A ", 1))
        else:
            count += 1
            elsewhere.add(finding.path)
    if count:
        what = f"{plural(count, 'finding')} in {plural(len(elsewhere), 'file')} this change does not touch"
        lines.append(
            "::notice title=arch-rules::"
            + escape_data(f"{what} predate it and are not annotated (run arch-rules check without --since)")
        )
    return lines


# --- job summary (Markdown for $GITHUB_STEP_SUMMARY) ---------------------------------------------------


def step_summary(report: Report, ctx: FormatContext) -> str:
    """Markdown: counts, findings by team and rule, broken dependencies as Mermaid, the full list."""
    findings = ordered(report)
    errors, warnings = severity_counts(findings)
    files = f"{plural(report.files_checked, 'file')} checked"
    out = [f"## arch-rules {_md_text(ctx.version)}", ""]
    if findings:
        out.append(f"**{plural(errors, 'error')}**, {plural(warnings, 'warning')} ({files}).")
    else:
        out.append(f"No findings ({files}).")
    if report.baselined:
        out.append("")
        out.append(f"{plural(report.baselined, 'finding')} hidden by the baseline.")
    out.append("")

    if findings:
        out += ["### Findings by team and rule", ""]
        out += _team_rule_table(findings, ctx)
        out.append("")
        graph = _mermaid(findings)
        if graph:
            out += ["### Broken dependencies", ""]
            out += graph
            out.append("")
        out += ["### All findings", ""]
        out += _findings_table(findings, ctx)
        out.append("")

    if report.stale_baseline:
        out += ["### Stale baseline entries", ""]
        out += [f"- {_md_text(stale_baseline_line(entry))}" for entry in report.stale_baseline]
        out.append("")
    if report.notes:
        out += ["### Notes", ""]
        out += [f"- {_md_text(one_line(note))}" for note in report.notes]
        out.append("")
    return "\n".join(out) + "\n"


def _team_rule_table(findings: list[Finding], ctx: FormatContext) -> list[str]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for finding in findings:
        counts[(finding.team or "", finding.code)][0 if is_error(finding) else 1] += 1
    rows = ["| Team | Rule | Errors | Warnings |", "|---|---|---:|---:|"]
    for (team, code), (n_errors, n_warnings) in sorted(counts.items()):
        team_cell = _md_text(team) if team else "*(none)*"
        rows.append(f"| {team_cell} | {_md_text(rule_title(code, ctx))} | {n_errors} | {n_warnings} |")
    return rows


def _findings_table(findings: list[Finding], ctx: FormatContext) -> list[str]:
    rows = ["| Location | Rule | Severity | Message |", "|---|---|---|---|"]
    used = sum(len(row) + 1 for row in rows)
    for index, finding in enumerate(findings):
        where = span(finding)
        location = _code_span(f"{display_path(finding.path, ctx)}:{where.line}:{where.column}")
        row = f"| {location} | {finding.code} | {finding.severity} | {_md_text(finding.message)} |"
        size = len(row.encode("utf-8")) + 1
        if used + size > SUMMARY_LIST_BUDGET:
            rest = len(findings) - index
            rows.append("")
            rows.append(f"…and {plural(rest, 'more finding')} not listed; see the log or the SARIF report.")
            break
        rows.append(row)
        used += size
    return rows


def _mermaid(findings: list[Finding]) -> list[str]:
    """A ``flowchart LR`` of module -> imported for every finding that names both, de-duplicated.

    Node ids are generated (``n0``, ``n1``, …) and the module name is only a quoted label, so no module
    name can collide with another after sanitising or with Mermaid syntax (``end``, ``graph``, …).
    """
    edges: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for finding in findings:
        if finding.module and finding.imported:
            edges[(finding.module, finding.imported)][finding.code] += 1
    if not edges:
        return []
    drawn = sorted(edges)[:MAX_GRAPH_EDGES]
    names = sorted({name for edge in drawn for name in edge})
    ids = {name: f"n{index}" for index, name in enumerate(names)}
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'  {ids[name]}["{_mermaid_label(name)}"]' for name in names]
    for importer, imported in drawn:
        label = ", ".join(sorted(edges[(importer, imported)]))
        lines.append(f"  {ids[importer]} -->|{_mermaid_label(label)}| {ids[imported]}")
    lines.append("```")
    if len(edges) > len(drawn):
        lines.append("")
        lines.append(f"Showing {len(drawn)} of {len(edges)} broken dependencies; the full list is below.")
    return lines


_MERMAID_SAFE = re.compile(r"[A-Za-z0-9_.\- ,]")


def _mermaid_label(text: str) -> str:
    # Mermaid's entity syntax (#35;) for anything that could end a label or the fence.
    return "".join(char if _MERMAID_SAFE.fullmatch(char) else f"#{ord(char)};" for char in one_line(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")


def _md_text(text: str) -> str:
    """Text shown literally in GitHub Markdown, also inside a table cell: punctuation that would format
    is backslash-escaped (``__init__`` would otherwise turn bold, a ``|`` would split the cell)."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _code_span(text: str) -> str:
    """``text`` as inline code, with a fence longer than any backtick run in it; ``|`` stays escaped
    because GFM splits table cells before it parses code spans."""
    text = one_line(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
