"""The junit format: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure, GitHub
actions that read JUnit).

One testcase per rule, so the report reads as "which rules does this code pass": a rule with no findings
passes, a rule with findings fails with one ``<failure>`` per finding (docs/output.md), whose message is the
finding's ``path:line:col: message``. Some readers (GitLab among them) show only one failure per
testcase, so the testcase's ``<system-out>`` also lists every finding, one per line
(as GitLab's JUnit report reads it). Codes that the context has no rule for (a newer engine, an older
catalogue) still get a testcase, so no finding is lost.

Valid against the common junit-10.xsd (Jenkins' xunit schema, which pytest also tests its output with).
Attributes carry counts only, no timestamps or host names, so the file is the same on every run. Text
that XML 1.0 cannot hold at all (most control characters) is replaced by U+FFFD rather than producing a
file no parser accepts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from arch_rules.adapters.formats import (
    FormatContext,
    count_phrase,
    display_path,
    rule_title,
    severity_counts,
    sorted_findings,
    span,
)
from arch_rules.model.findings import Finding, Report

SUITE_NAME = "arch-rules"

# Characters XML 1.0 forbids even as character references (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, ctx: FormatContext) -> str:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted_findings(report):
        by_code[finding.code].append(finding)
    codes = sorted(set(ctx.rules) | set(by_code))

    failures = sum(1 for code in codes if by_code.get(code))  # failed testcases, as readers count them
    counts = {"tests": str(len(codes)), "failures": str(failures), "errors": "0", "time": "0"}
    # ``skipped`` only on <testsuite>: the common junit-10.xsd does not allow it on <testsuites>.
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    for code in codes:
        case = ET.SubElement(
            suite, "testcase", {"classname": SUITE_NAME, "name": _xml(rule_title(code, ctx)), "time": "0"}
        )
        findings = by_code.get(code)
        if findings:
            for finding in findings:
                line = _xml(_line(finding, ctx))
                failure = ET.SubElement(case, "failure", {"message": line, "type": code})
                failure.text = line
            out = ET.SubElement(case, "system-out")
            summary = count_phrase(*severity_counts(findings))
            out.text = _xml("\n".join([f"{summary}:", *(_line(finding, ctx) for finding in findings)]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _line(finding: Finding, ctx: FormatContext) -> str:
    where = span(finding)
    return f"{display_path(finding.path, ctx)}:{where.line}:{where.column}: {finding.message}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
