"""The rdjson format: the Reviewdog Diagnostic Format as JSON (its ``DiagnosticResult``), for
``reviewdog -f=rdjson``, which turns findings into pull-request review comments on GitHub, GitLab, Gitea
and others.

Choices, with the facts behind them (reviewdog's ``reviewdog.proto``):

* Ranges are **line-wise**: reviewdog counts columns in UTF-8 bytes, arch-rules in characters, and a format
  never reads the source to convert one into the other. A range with lines only is reviewdog's documented
  line range (``start``..``end`` lines, inclusive), which is what a review comment is attached to.
* ``code.url`` is the rule's section of docs/rules.md (SARIF's ``helpUri``); ``source`` names arch-rules.
* Severity is ``ERROR`` or ``WARNING``, from the configuration; chains stay in the message, which names
  every module of the chain.
* Paths are relative to the directory arch-rules ran in, like the text format: reviewdog resolves them
  from its own working directory.
"""

from __future__ import annotations

import json
from typing import Any

from arch_rules.adapters.formats import FormatContext, display_path, is_error, sorted_findings, span
from arch_rules.adapters.formats.sarif import INFORMATION_URI, help_uri
from arch_rules.model.findings import Finding, Report

SOURCE = {"name": "arch-rules", "url": INFORMATION_URI}


def render(report: Report, ctx: FormatContext) -> str:
    return json.dumps(result(report, ctx), indent=2, ensure_ascii=True) + "\n"


def result(report: Report, ctx: FormatContext) -> dict[str, Any]:
    """The ``DiagnosticResult`` as Python data (what `render` serialises)."""
    return {"source": SOURCE, "diagnostics": [_diagnostic(finding, ctx) for finding in sorted_findings(report)]}


def _diagnostic(finding: Finding, ctx: FormatContext) -> dict[str, Any]:
    where = span(finding)
    line_range: dict[str, Any] = {"start": {"line": where.line}}
    if where.end_line is not None and where.end_line > where.line:
        line_range["end"] = {"line": where.end_line}
    code: dict[str, str] = {"value": finding.code}
    rule = ctx.rules.get(finding.code)
    if rule is not None:
        code["url"] = help_uri(rule)
    return {
        "message": finding.message,
        "location": {"path": display_path(finding.path, ctx), "range": line_range},
        "severity": "ERROR" if is_error(finding) else "WARNING",
        "source": {"name": SOURCE["name"]},
        "code": code,
    }
