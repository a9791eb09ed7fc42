"""The markdown format: the change summary for a pull request (job summary, sticky PR comment, MR note).

Written for the teams a change touches, not only for its author: new findings grouped by the team whose
boundary or interface is crossed, with that team's contact, the rule, the message (which carries the
``because``) and the fix; new team -> team dependencies with their first import; interface names added and
removed, and signature changes, each removed or changed name with the other teams' modules still using it;
declaration changes; debt paid. Without ``--since`` the same report describes the whole tree: findings by
team, and the team dependency matrix, declared against actual.

Everything comes from ``Report.review`` (``summary.Review``); like every format this one reads no file.
Lists are capped so that the text fits a PR comment (GitHub refuses comments over 65,536 characters).
"""

from __future__ import annotations

from collections import defaultdict

from arch_rules.adapters.formats import (
    FormatContext,
    display_path,
    is_error,
    plural,
    rule_title,
    severity_counts,
    sorted_findings,
    span,
)
from arch_rules.adapters.formats.github import _code_span, _md_text
from arch_rules.adapters.formats.text import stale_baseline_line
from arch_rules.model.findings import Finding, Report
from arch_rules.model.summary import Consumer, Review, TeamCard

#: Items listed per group (team, section) before "…and N more".
LIST_LIMIT = 25
#: The marker a CI job finds its own earlier comment by, to update it instead of adding another.
MARKER = "<!-- arch-rules review -->"


def render(report: Report, ctx: FormatContext) -> str:
    review = report.review or Review()
    out = [MARKER]
    if review.base is not None:
        out += _change(report, review, ctx)
    else:
        out += _whole(report, review, ctx)
    if report.notes:
        out += ["### Notes", ""]
        out += [f"- {_md_text(note)}" for note in report.notes]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --- the change -------------------------------------------------------------------------------------


def _change(report: Report, review: Review, ctx: FormatContext) -> list[str]:
    findings = sorted_findings(report)
    errors, warnings = severity_counts(findings)
    base = review.base or ""
    out = ["## arch-rules: what this change does to the architecture", ""]
    files = plural(len(review.changed_files), "file")
    out.append(f"Compared with the merge base of {_code_span(base)}: {files} changed.")
    out.append("")
    if findings:
        what = f"{errors} error{'s' if errors != 1 else ''}" if errors else ""
        if warnings:
            what += (", " if what else "") + plural(warnings, "warning")
        out.append(f"**{plural(len(findings), 'new finding')}** ({what}); only these count for the exit code.")
    else:
        out.append("**No new findings.**")
    if review.earlier:
        touched = sum(1 for f in review.earlier if f.path in review.changed)
        out.append(
            f"{plural(len(review.earlier), 'finding')} predate{'s' if len(review.earlier) == 1 else ''} "
            f"this change ({touched} in files it touches); not counted."
        )
    if report.baselined:
        out.append(f"{plural(report.baselined, 'finding')} hidden by the baseline.")
    out.append("")
    if findings:
        out += ["### New findings", ""]
        out += _by_team(findings, review, ctx)
    if review.detailed:
        out += _dependencies(review, ctx)
        out += _interfaces(review, ctx)
        out += _declaration(review)
    out += _debt(report, review, ctx)
    return out


def _team_heading(name: str | None, review: Review) -> str:
    if not name:
        return "#### No team"
    card = review.team(name)
    contact = f" · contact: {_md_text(card.contact)}" if card and card.contact else " · no contact declared"
    return f"#### Team {_md_text(name)}{contact}"


def _by_team(findings: list[Finding], review: Review, ctx: FormatContext) -> list[str]:
    """Findings grouped by the team whose boundary or interface they cross (``Finding.team``)."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[finding.team or ""].append(finding)
    out: list[str] = []
    for team in sorted(groups, key=lambda name: (name == "", name)):
        out += [_team_heading(team, review), ""]
        items = groups[team]
        for finding in items[:LIST_LIMIT]:
            out += _finding_item(finding, ctx)
        if len(items) > LIST_LIMIT:
            out.append(f"- …and {plural(len(items) - LIST_LIMIT, 'more finding')} (see the log or SARIF)")
        out.append("")
    return out


def _finding_item(finding: Finding, ctx: FormatContext) -> list[str]:
    where = span(finding)
    location = _code_span(f"{display_path(finding.path, ctx)}:{where.line}")
    level = "error" if is_error(finding) else "warning"
    lines = [f"- {location} **{_md_text(rule_title(finding.code, ctx))}** ({level}): {_md_text(finding.message)}"]
    rule = ctx.rules.get(finding.code)
    if rule is not None and rule.fix:
        lines.append(f"  - Fix: {_md_text(rule.fix)}")
    return lines


def _dependencies(review: Review, ctx: FormatContext) -> list[str]:
    if not review.dependencies:
        return []
    out = ["### New cross-team dependencies", ""]
    out += ["| From | To | In depends_on | First import |", "|---|---|---|---|"]
    for edge in review.dependencies[: LIST_LIMIT * 4]:
        status = {"declared": "yes", "undeclared": "**no**", "any": "any team allowed"}.get(edge.status, edge.status)
        first = (
            f"{_code_span(edge.importer)} → {_code_span(edge.imported)} at "
            f"{_code_span(f'{display_path(edge.path, ctx)}:{edge.line}')}"
        )
        count = f" ({plural(edge.imports, 'import')})" if edge.imports > 1 else ""
        out.append(f"| {_md_text(edge.source)} | {_md_text(edge.target)} | {status} | {first}{count} |")
    out.append("")
    return out


def _consumers(consumers: tuple[Consumer, ...], ctx: FormatContext) -> str:
    if not consumers:
        return "no other team's module imports it"
    shown = [
        f"{_code_span(c.module)} ({'team ' + _md_text(c.team) if c.team else 'no team'}, "
        f"{_code_span(f'{display_path(c.path, ctx)}:{c.line}')})"
        for c in consumers[:LIST_LIMIT]
    ]
    more = f", …and {len(consumers) - LIST_LIMIT} more" if len(consumers) > LIST_LIMIT else ""
    return "still used by " + ", ".join(shown) + more


def _interfaces(review: Review, ctx: FormatContext) -> list[str]:
    if not review.interface_changes:
        return []
    out = ["### Interface changes", ""]
    by_team: dict[str, list[str]] = defaultdict(list)
    for change in review.interface_changes:
        name, module = _code_span(change.name), _code_span(change.module)
        if change.change == "added":
            line = f"- **added** {name} to {module}"
        elif change.change == "removed":
            line = f"- **removed** {name} from {module}: {_consumers(change.consumers, ctx)}"
        else:
            line = (
                f"- **signature changed**: {name} in {module}, {_code_span(change.before)} → "
                f"{_code_span(change.after)}: {_consumers(change.consumers, ctx)}"
            )
        by_team[change.team].append(line)
    for team in sorted(by_team):
        out += [_team_heading(team, review), ""]
        out += by_team[team][: LIST_LIMIT * 2]
        if len(by_team[team]) > LIST_LIMIT * 2:
            out.append(f"- …and {len(by_team[team]) - LIST_LIMIT * 2} more")
        out.append("")
    return out


def _declaration(review: Review) -> list[str]:
    if not review.declaration_changes:
        return []
    out = ["### Declaration changes", ""]
    for change in review.declaration_changes[: LIST_LIMIT * 4]:
        key = _code_span(change.key)
        if change.change == "added":
            out.append(f"- {key}: added {_code_span(change.after)}")
        elif change.change == "removed":
            out.append(f"- {key}: removed {_code_span(change.before)}")
        else:
            out.append(f"- {key}: {_code_span(change.before)} → {_code_span(change.after)}")
    out.append("")
    return out


def _debt(report: Report, review: Review, ctx: FormatContext) -> list[str]:
    if not review.fixed and not report.stale_baseline:
        return []
    out = ["### Debt paid", ""]
    if review.fixed:
        verb = "is" if len(review.fixed) == 1 else "are"
        out.append(f"{plural(len(review.fixed), 'finding')} of the base {verb} gone:")
        out.append("")
        for finding in review.fixed[:LIST_LIMIT]:
            location = _code_span(display_path(finding.path, ctx))
            out.append(f"- {location} **{_md_text(rule_title(finding.code, ctx))}**: {_md_text(finding.message)}")
        if len(review.fixed) > LIST_LIMIT:
            out.append(f"- …and {len(review.fixed) - LIST_LIMIT} more")
        out.append("")
    if report.stale_baseline:
        out.append("Baseline entries that can be dropped (`arch-rules baseline` rewrites the file):")
        out.append("")
        out += [f"- {_md_text(stale_baseline_line(entry))}" for entry in report.stale_baseline[:LIST_LIMIT]]
        if len(report.stale_baseline) > LIST_LIMIT:
            out.append(f"- …and {len(report.stale_baseline) - LIST_LIMIT} more")
        out.append("")
    return out


# --- the whole tree -----------------------------------------------------------------------------------


def _whole(report: Report, review: Review, ctx: FormatContext) -> list[str]:
    findings = sorted_findings(report)
    errors, warnings = severity_counts(findings)
    out = ["## arch-rules: the architecture of the whole tree", ""]
    checked = f"{plural(report.files_checked, 'file')} checked"
    if findings:
        out.append(f"**{plural(errors, 'error')}**, {plural(warnings, 'warning')} ({checked}).")
    else:
        out.append(f"No findings ({checked}).")
    if report.baselined:
        out.append(f"{plural(report.baselined, 'finding')} hidden by the baseline.")
    out.append("")
    if findings:
        out += ["### Findings by team", ""]
        out += _by_team(findings, review, ctx)
    out += _matrix(review)
    out += _debt(report, review, ctx)
    return out


def _matrix(review: Review) -> list[str]:
    """Rows import from columns: ✓ agreed and used, ✗ used but not in depends_on, · used where the team
    allows any, ○ agreed but unused."""
    teams: list[TeamCard] = list(review.teams)
    if len(teams) < 2:
        return []
    cells: dict[tuple[str, str], str] = {}
    for edge in review.dependencies:
        mark = {"declared": "✓", "undeclared": "✗", "any": "·"}.get(edge.status, "?")
        cells[(edge.source, edge.target)] = f"{mark} {edge.imports}"
    for source, target in review.unused:
        cells[(source, target)] = "○"
    names = [card.name for card in teams]
    out = ["### Team dependencies: declared vs actual", ""]
    out.append("| imports from → | " + " | ".join(_md_text(n) for n in names) + " |")
    out.append("|---|" + "---|" * len(names))
    for source in names:
        row = [cells.get((source, target), "—" if source == target else "") for target in names]
        out.append(f"| **{_md_text(source)}** | " + " | ".join(row) + " |")
    out += [
        "",
        "✓ agreed in depends_on and used (imports), ✗ used but not agreed, · used (the team allows any), "
        "○ agreed but unused.",
        "",
    ]
    return out
