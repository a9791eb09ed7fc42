"""The json format: arch-rules' own stable, documented schema for scripts and other tools.

Schema, version 1 (``"version"`` changes only when a field changes meaning or disappears; new fields may
appear in any release, so readers should ignore keys they do not know)::

    {
      "version": 1,
      "tool": {"name": "arch-rules", "version": "0.1.0"},
      "findings": [
        {
          "code": "ARC102",                  # rule code
          "name": "private-team-module",     # rule name, null for a code this version does not know
          "severity": "error",               # "error" | "warning"
          "message": "...",                  # one line for people; do not parse it
          "path": "src/shop/orders/x.py",    # relative to the working directory, "/" separators
          "line": 12, "column": 1,           # 1-based
          "end_line": 12, "end_column": 40,  # 1-based, end_column inclusive; null when unknown
          "module": "shop.orders.x",         # importing / reported module, or null
          "imported": "shop.payments._gw",   # imported module, or null
          "team": "payments",                # the team the message names, or null
          "chain": [                         # ARC2xx: every import of the chain, in order; else []
            {"importer": "a.b", "imported": "a.c", "path": "src/a/b.py", "line": 3}  # path/line may be null
          ],
          "fingerprint": "0f3c..."           # stable identity used by the baseline (no line number)
        }
      ],
      "summary": {
        "errors": 1, "warnings": 0,          # counts of the findings above
        "files": 12,                         # files checked
        "modules": 40,                       # modules in the project
        "baselined": 3,                      # findings hidden by the baseline
        "stale_baseline": [{...}],           # baseline entries that no longer occur, as the file holds them
        "notes": ["..."]                     # one-line notes for the user
      }
    }

Findings are in the documented order (path, line, column, code); keys are sorted and the output is indented
by two spaces, so two runs over the same code give byte-identical files that diff well. Output is ASCII
(non-ASCII is ``\\u`` escaped): the file is valid whatever encoding the shell or CI log assumes.
"""

from __future__ import annotations

import json
from typing import Any

from arch_rules.adapters.formats import (
    FormatContext,
    display_path,
    rule_name,
    severity_counts,
    sorted_findings,
)
from arch_rules.model.findings import Finding, Report

SCHEMA_VERSION = 1


def render(report: Report, ctx: FormatContext) -> str:
    return json.dumps(document(report, ctx), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def document(report: Report, ctx: FormatContext) -> dict[str, Any]:
    """The JSON document as Python data (what `render` serialises)."""
    errors, warnings = severity_counts(report.findings)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "arch-rules", "version": ctx.version},
        "findings": [_finding(finding, ctx) for finding in sorted_findings(report)],
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "files": report.files_checked,
            "modules": report.modules,
            "baselined": report.baselined,
            "stale_baseline": [dict(entry) for entry in report.stale_baseline],
            "notes": list(report.notes),
        },
    }


def _finding(finding: Finding, ctx: FormatContext) -> dict[str, Any]:
    # The raw positions, not the sanitised span: this format reports what the engine found.
    return {
        "code": finding.code,
        "name": rule_name(finding.code, ctx),
        "severity": finding.severity,
        "message": finding.message,
        "path": display_path(finding.path, ctx),
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "module": finding.module,
        "imported": finding.imported,
        "team": finding.team,
        "chain": [
            {
                "importer": link.importer,
                "imported": link.imported,
                "path": display_path(link.path, ctx) if link.path is not None else None,
                "line": link.line,
            }
            for link in finding.chain
        ],
        "fingerprint": finding.fingerprint,
    }
