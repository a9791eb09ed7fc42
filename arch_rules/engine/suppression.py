"""Suppression as flake8 reads it: a ``# noqa`` on any line of a finding's statement hides the finding
when it names the finding's code or names none; the suppression rules (arch_rules/rules/suppression/)
then say what they have to say about each comment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from arch_rules.facts import Noqa
from arch_rules.model.findings import Finding
from arch_rules.rules import suppression_rules

__all__ = ["apply_noqa", "suppressed_note"]


def apply_noqa(
    findings: Iterable[Finding],
    noqa_by_path: Mapping[str, tuple[Noqa, ...]],
    active: Callable[[str, str], bool] | None = None,
    disable: bool = False,
) -> list[Finding]:
    """The findings no ``# noqa`` hides, plus the findings of the suppression rules about the comments;
    given ``active`` (whether the run looked for a code in a path), also what a comment hid *not* (ARC404).

    ``disable`` is flake8's ``--disable-noqa``: nothing is suppressed, the file-level comment neither (the
    suppression rules still read the comments, but none is "unused" then). A file with the file-level
    comment is skipped by flake8, so nothing located in it is reported, the suppression rules' findings
    neither.
    """
    kept: list[Finding] = []
    hidden: dict[tuple[str, int], list[Finding]] = {}
    skipped = set() if disable else {p for p, comments in noqa_by_path.items() if any(c.whole_file for c in comments)}
    for finding in findings:
        if finding.path in skipped:
            continue
        last = finding.end_line or finding.line
        suppressed = False
        for comment in noqa_by_path.get(finding.path, ()) if not disable else ():
            if comment.whole_file:
                continue
            if finding.line <= comment.line <= last and comment.suppresses(finding.code):
                suppressed = True
                hidden.setdefault((finding.path, comment.line), []).append(finding)
        if not suppressed:
            kept.append(finding)
    rules = list(suppression_rules())
    for path, comments in noqa_by_path.items():
        if path in skipped:
            continue
        for comment in comments:
            if comment.whole_file:
                continue
            for rule in rules:
                kept.extend(rule.check_noqa(path, comment, hidden.get((path, comment.line), [])))
                if active is not None and not disable:
                    kept.extend(rule.check_unused(path, comment, hidden.get((path, comment.line), []), active))
    return kept


def suppressed_note(before: list[Finding], after: list[Finding]) -> str | None:
    """The run's note on how many graph findings (ARC2xx) ``# noqa`` comments suppressed, or None."""
    count = sum(1 for f in before if f.code.startswith("ARC2")) - sum(1 for f in after if f.code.startswith("ARC2"))
    if count <= 0:
        return None
    return (
        f"graph: {count} chain finding{'s' if count != 1 else ''} suppressed by # noqa at "
        f"{'their' if count != 1 else 'its'} first import (a chain another statement starts is still reported there)"
    )
