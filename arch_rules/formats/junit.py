"""The junit format: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure, GitHub
actions that read JUnit).

One testcase per rule, so the report reads as "which rules does this code pass": a rule with no findings
passes, a rule with findings fails with a single ``<failure>`` whose text lists every finding as
``path:line:col: message``. One failure per testcase, not one per finding, because most readers (GitLab
among them) keep at most one failure per testcase and drop duplicate testcase names
(shared/reference/ci-formats.md §3.2). Codes that the context has no rule for (a newer engine, an older
catalogue) still get a testcase, so no finding is lost.

Attributes carry counts only, no timestamps or host names, so the file is the same on every run. Text
that XML 1.0 cannot hold at all (most control characters) is replaced by U+FFFD rather than producing a
file no parser accepts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from arch_rules.findings import Finding, Report
from arch_rules.formats import (
    FormatContext,
    count_phrase,
    display_path,
    rule_title,
    severity_counts,
    sorted_findings,
    span,
)

SUITE_NAME = "arch-rules"

# Characters XML 1.0 forbids even as character references (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, ctx: FormatContext) -> str:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted_findings(report):
        by_code[finding.code].append(finding)
    codes = sorted(set(ctx.rules) | set(by_code))

    failures = sum(1 for code in codes if by_code.get(code))
    counts = {"tests": str(len(codes)), "failures": str(failures), "errors": "0", "skipped": "0", "time": "0"}
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts})
    for code in codes:
        case = ET.SubElement(
            suite, "testcase", {"classname": SUITE_NAME, "name": _xml(rule_title(code, ctx)), "time": "0"}
        )
        findings = by_code.get(code)
        if findings:
            failure = ET.SubElement(
                case, "failure", {"message": _xml(count_phrase(*severity_counts(findings))), "type": code}
            )
            failure.text = _xml("\n".join(_line(finding, ctx) for finding in findings))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _line(finding: Finding, ctx: FormatContext) -> str:
    where = span(finding)
    return f"{display_path(finding.path, ctx)}:{where.line}:{where.column}: {finding.message}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
