"""The sarif format: SARIF 2.1.0 for GitHub code scanning and every other SARIF viewer.

Choices, with the facts behind them (GitHub code scanning's documented SARIF support):

* Valid against the OASIS errata01 schema (the official sarif-schema-2.1.0.json), which is what
  upload-sarif validates with; ``results`` is always an array because upload-sarif rejects a run without
  one (§2.2).
* Every rule of the registry is described, not only those with findings, so code scanning shows help
  for a rule the first time it fires and rule indexes never shift between runs.
* No ``security-severity``: arch-rules is not a security tool and that property would file its findings
  as security alerts (§2.3). Severity is ``level`` plus ``problem.severity``.
* ``partialFingerprints`` carry our line-independent fingerprint (the baseline's) as
  ``archRulesFingerprint/v1``, so code scanning keeps tracking an alert when code moves; upload-sarif adds
  its own ``primaryLocationLineHash`` beside it (§2.4). The same fingerprint stays in ``properties``.
* URIs are relative, percent-encoded, against ``%SRCROOT%`` -- the repository root (``$GITHUB_WORKSPACE``,
  else git's top level, else the directory arch-rules ran in), which is what the CLI makes every path of
  this format relative to. Its absolute URI is deliberately not recorded (allowed when the base is
  unknown), so the log does not depend on the machine and two runs give the same bytes.
* ``columnKind`` is ``unicodeCodePoints`` because positions come from Python ``str`` indices (§2.2);
  SARIF's ``endColumn`` is exclusive, ours inclusive, hence the ``+ 1``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from arch_rules.adapters.formats import FormatContext, display_path, is_error, sorted_findings, span
from arch_rules.defaults import CODE_PREFIX, DEFAULT_SEVERITY, DOCS_RULES_URL
from arch_rules.model.findings import ChainLink, Finding, Report
from arch_rules.rules import Example, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: Our fingerprint in ``partialFingerprints``: SARIF's ``name/vN`` form, the version bumped if it changes.
FINGERPRINT_KEY = "archRulesFingerprint/v1"
#: The project's home page, taken from the rules page URL so the address lives in defaults.py only.
INFORMATION_URI = DOCS_RULES_URL.partition("/blob/")[0]
#: GitHub's limit for short and full descriptions.
MAX_DESCRIPTION = 1024
TAGS = ["architecture", "maintainability"]

_LEVEL = {"error": "error", "warning": "warning"}


def render(report: Report, ctx: FormatContext) -> str:
    return json.dumps(log(report, ctx), indent=2, ensure_ascii=True) + "\n"


def log(report: Report, ctx: FormatContext) -> dict[str, Any]:
    """The SARIF log as Python data (what `render` serialises)."""
    codes = sorted(ctx.rules)
    index = {code: position for position, code in enumerate(codes)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "arch-rules",
                "semanticVersion": ctx.version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(ctx.rules[code]) for code in codes],
            }
        },
        "invocations": [_invocation(report)],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The repository root: $GITHUB_WORKSPACE, else the top level of the git work tree, "
                    "else the directory arch-rules ran in. Every path in this log is relative to it."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, ctx, index) for finding in sorted_findings(report)],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def help_uri(rule: Rule) -> str:
    """The rule's section of the rules page: the anchor GitHub gives ``## ARC102 private-team-module``."""
    return f"{DOCS_RULES_URL}#{rule.code.lower()}-{rule.name}"


def _descriptor(rule: Rule) -> dict[str, Any]:
    level = _LEVEL.get(DEFAULT_SEVERITY, "warning")
    summary = rule.summary or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        # GitHub rejects empty required strings, so an unwritten rationale falls back to the summary.
        "shortDescription": {"text": _clip(summary)},
        "fullDescription": {"text": _clip(rule.rationale or summary)},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        **({"helpUri": help_uri(rule)} if rule.code.startswith(CODE_PREFIX) else {}),  # a team's rule: no page
        "defaultConfiguration": {"level": level},
        "properties": {"tags": list(TAGS), "precision": "very-high", "problem.severity": level},
    }


def help_text(rule: Rule) -> str:
    """Plain-text help: what, why, how to fix, and the examples (for viewers without Markdown)."""
    parts = [rule.summary or rule.name]
    if rule.rationale:
        parts.append(f"Why: {rule.rationale}")
    if rule.fix:
        parts.append(f"Fix: {rule.fix}")
    for title, example in (("Bad example", rule.bad), ("Good example", rule.good)):
        if example.files:
            body = "\n".join(
                f"--- {path}\n" + "\n".join(f"    {line}" for line in text.rstrip("\n").split("\n"))
                for path, text in example.files
            )
            parts.append(f"{title}:\n{body}")
    if rule.code.startswith(CODE_PREFIX):
        parts.append(f"More: {help_uri(rule)}")
    return "\n\n".join(parts)


def help_markdown(rule: Rule) -> str:
    """Markdown help, the same content as `help_text`; code scanning prefers it for display."""
    parts = [f"**{rule.summary or rule.name}**"]
    if rule.rationale:
        parts.append(rule.rationale)
    if rule.fix:
        parts.append(f"**How to fix:** {rule.fix}")
    for title, example in (("Bad", rule.bad), ("Good", rule.good)):
        if example.files:
            parts.append(f"#### {title}\n\n" + _markdown_example(example))
    if rule.code.startswith(CODE_PREFIX):
        parts.append(f"[{rule.code} {rule.name} in the rule reference]({help_uri(rule)})")
    return "\n\n".join(parts)


def _markdown_example(example: Example) -> str:
    blocks = []
    for path, text in example.files:
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
        language = "toml" if path.endswith(".toml") else "python" if path.endswith(".py") else ""
        blocks.append(f"`{path}`\n\n{fence}{language}\n{text.rstrip(chr(10))}\n{fence}")
    return "\n\n".join(blocks)


def _result(finding: Finding, ctx: FormatContext, index: dict[str, int]) -> dict[str, Any]:
    where = span(finding)
    region: dict[str, int] = {"startLine": where.line, "startColumn": where.column}
    if where.end_line is not None:
        region["endLine"] = where.end_line
    if where.end_column is not None:
        region["endColumn"] = where.end_column + 1  # SARIF's end column is exclusive
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error" if is_error(finding) else "warning",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path, ctx), "region": region}}],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    related = [
        _related(position, link, link.path, ctx) for position, link in enumerate(finding.chain) if link.path is not None
    ]
    if related:
        result["relatedLocations"] = related
    properties = {
        key: value
        for key, value in (
            ("team", finding.team),
            ("module", finding.module),
            ("imported", finding.imported),
            ("fingerprint", finding.fingerprint),
        )
        if value
    }
    result["properties"] = properties
    result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    return result


def _related(position: int, link: ChainLink, path: str, ctx: FormatContext) -> dict[str, Any]:
    """One import of the chain, at ``path`` (the link's, passed apart because it is known to be set)."""
    physical: dict[str, Any] = {"artifactLocation": _artifact(path, ctx)}
    if link.line is not None and link.line >= 1:
        physical["region"] = {"startLine": link.line}
    return {
        "id": position,
        "physicalLocation": physical,
        "message": {"text": f"{link.importer} imports {link.imported}"},
    }


def _artifact(path: str, ctx: FormatContext) -> dict[str, str]:
    # Percent-encode everything but "/": a space, "%" or "#" would make an invalid or different URI,
    # and a ":" in the first segment would read as a URI scheme.
    return {"uri": quote(display_path(path, ctx), safe="/"), "uriBaseId": SRCROOT}


def _invocation(report: Report) -> dict[str, Any]:
    """The run itself; notes (e.g. "the graph was skipped") become notifications so they are not lost."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if report.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "message": {"text": note}} for note in report.notes
        ]
    return invocation


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
