"""The gitlab format: a Code Quality report (``artifacts:reports:codequality``) for merge requests.

GitLab reads only ``description``, ``check_name``, ``fingerprint``, ``severity``, ``location.path`` and
``location.lines.begin`` (GitLab's Code Quality report format); everything else is left out. Two facts
shape the fingerprint: GitLab collapses issues with the same fingerprint into one entry in the merge
request widget, and it compares fingerprints across pipelines to say what is new or fixed. So each issue
uses the finding's own line-independent fingerprint, and when two findings share one (the same import
written twice in one file), the second and later get a fingerprint derived from it and their occurrence
number in the documented order (path, line, column, code) -- unique, and the same on every run over the same code.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from arch_rules.adapters.formats import FormatContext, display_path, is_error, sorted_findings, span
from arch_rules.model.findings import Report


def render(report: Report, ctx: FormatContext) -> str:
    # ensure_ascii: GitLab rejects a BOM and the file's encoding is never in doubt when it is ASCII.
    return json.dumps(issues(report, ctx), indent=2, ensure_ascii=True) + "\n"


def issues(report: Report, ctx: FormatContext) -> list[dict[str, Any]]:
    """The Code Quality issues as Python data (what `render` serialises)."""
    used: set[str] = set()
    seen: dict[str, int] = {}
    out = []
    for finding in sorted_findings(report):
        base = finding.fingerprint
        fingerprint = base
        occurrence = seen.get(base, 0)
        while fingerprint in used:
            occurrence += 1
            fingerprint = hashlib.sha256(f"{base}\0{occurrence}".encode()).hexdigest()[:32]
        seen[base] = occurrence
        used.add(fingerprint)
        out.append(
            {
                "description": f"{finding.code} {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint,
                # GitLab's scale is info < minor < major < critical < blocker; an architecture
                # finding is not an outage, so errors are "major" and warnings "minor".
                "severity": "major" if is_error(finding) else "minor",
                "location": {
                    "path": display_path(finding.path, ctx),
                    "lines": {"begin": span(finding).line},
                },
            }
        )
    return out
