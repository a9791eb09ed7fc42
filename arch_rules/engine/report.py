"""From the analysis's findings to the run's report: selection and ``--select``/``--ignore``, ``# noqa``
(and the suppression rules' findings about it), severities, the PATHs asked for, and the baseline.
"""

from __future__ import annotations

from pathlib import Path

from arch_rules import rules, safefile
from arch_rules.engine.analysis import Analysis
from arch_rules.engine.options import Options
from arch_rules.engine.selection import Selection
from arch_rules.engine.suppression import apply_noqa, suppressed_note
from arch_rules.errors import ConfigError, UsageError
from arch_rules.facts import noqa_comments, source_lines
from arch_rules.model.config import Config
from arch_rules.model.findings import Finding, Report
from arch_rules.model.project import Project

__all__ = ["apply_baseline", "build_report", "configured_baseline"]


def build_report(project: Project, analysis: Analysis, options: Options) -> Report:
    """The run's report: the analysis's findings after selection, ``# noqa``, severities, PATHs and the
    baseline, with the notes those steps make."""
    config = project.config
    findings = analysis.findings
    selection = Selection(config, options.select, options.ignore)
    noqa_by_path = {rel: result.noqa for rel, result in analysis.modules.items()}
    noqa_by_path[config.relpath] = noqa_comments(source_lines(config.text))
    # Selection first: a bare noqa comment is ARC403 only on a line with a finding that would be reported.
    selected = [f for f in findings if selection.reports(f.path, f.code)]
    graph_codes = rules.graph_codes()

    def active(path: str, code: str) -> bool:
        """Whether this run computed ``code`` (a code or a prefix) for ``path``: selected, and not a graph
        code under --no-graph (ARC404 judges only those)."""
        codes = [c for c in rules.all_rules() if c.startswith(code)]
        return any(selection.reports(path, c) and (options.graph or c not in graph_codes) for c in codes)

    unsuppressed = apply_noqa(selected, noqa_by_path, active, disable=options.disable_noqa)
    result = [
        f.with_severity(selection.severity(f.code, f.severity))
        for f in unsuppressed
        if selection.reports(f.path, f.code)
    ]
    report = Report(files_checked=len(project.modules), modules=len(project.modules))
    suppressed = suppressed_note(selected, unsuppressed)
    if suppressed:
        report.notes.append(suppressed)
    result = _limit_to_paths(project, result, options, report.notes)
    result = _apply_baseline(project, result, options, report)
    report.findings = sorted(set(result), key=Finding.sort_key)
    return report


def _limit_to_paths(project: Project, findings: list[Finding], options: Options, notes: list[str]) -> list[Finding]:
    if not options.paths:
        return findings
    config_path = project.config.relpath
    root = project.root.resolve()
    files: set[str] = set()
    folders: list[str] = []
    for raw in options.paths:
        path = Path(raw)
        absolute = (options.start / path).resolve() if not path.is_absolute() else path.resolve()
        if not absolute.exists():
            raise UsageError(f"{raw}: no such file or folder")
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{raw}: outside the project root {root}") from None
        if absolute.is_dir():
            folder = "" if rel == "." else rel + "/"
            folders.append(folder)
            known = any(p.startswith(folder) for p in project.by_path) or config_path.startswith(folder)
        else:
            files.add(rel)
            known = rel in project.by_path or rel == config_path
        if not known:
            # Not an error: the pre-commit hook hands over whatever changed. Never a silent pass, though.
            notes.append(f"{raw}: not a module of the project (excluded, ignored, or outside the source roots)")
    return [f for f in findings if f.path in files or any(f.path.startswith(d) for d in folders)]


def apply_baseline(project: Project, findings: list[Finding], options: Options, report: Report) -> list[Finding]:
    """The baseline step on its own: ``check --since`` compares with the base before it applies it."""
    return _apply_baseline(project, findings, options, report)


def configured_baseline(config: Config) -> Path:
    """``rules.baseline`` inside the project, links resolved; a path that leaves it is exit 2."""
    path = safefile.inside(config.root, config.rules.baseline)
    if path is None:
        raise ConfigError(
            [safefile.outside_message(config.display_path, "tool.arch_rules.rules.baseline", config.rules.baseline)]
        )
    return path


def _apply_baseline(project: Project, findings: list[Finding], options: Options, report: Report) -> list[Finding]:
    if options.baseline == "":
        return findings
    if options.baseline is not None:
        path = Path(options.baseline)
        if not path.is_absolute():
            path = options.start / path
        if not path.exists():
            raise UsageError(f"{options.baseline}: baseline file not found (write one with `arch-rules baseline`)")
    else:
        path = configured_baseline(project.config)
        if not path.exists():
            return findings
    from arch_rules.engine import baseline

    # Stale entries only mean something when the run looked at every file and every rule.
    limited = bool(options.paths) or not options.graph or options.select is not None or bool(options.ignore)
    kept, hidden, stale = baseline.apply(baseline.load(path), findings, limited=limited)
    report.baselined = hidden
    report.stale_baseline = stale
    return kept
