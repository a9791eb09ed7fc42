"""Output formats, checked by reading them back the way their consumers do.

GitHub commands go through a port of the runner's parser, SARIF through the official schema, JUnit through
junitparser, JSON and GitLab through ``json``. Reports are built by hand with the values that break naive
writers: ``,`` ``:`` ``%`` and newlines in paths and messages, non-ASCII text, chains, warnings next to
errors, and the empty report. Rules are built here too, so these tests do not depend on the registry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from arch_rules.adapters.formats import FORMAT_NAMES, FormatContext, render, write_github_step_summary
from arch_rules.adapters.formats import github as github_format
from arch_rules.defaults import DOCS_RULES_URL
from arch_rules.model.findings import ChainLink, Finding, Report
from arch_rules.rules import Example, Rule

SCHEMA_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "sarif-schema-2.1.0.json"

ODD_PATH = "src/shop/a,odd:x%41.py"
ODD_MESSAGE = "shop.orders.checkout imports shop.payments._gw: a, b :: 100% sure %0A literal\r\nsecond line — ünï 𐐀"


def _rule(code: str, name: str, *, with_examples: bool = True) -> Rule:
    bad = Example(
        files=(
            ("pyproject.toml", '[tool.arch_rules]\nroot_packages = ["shop"]\n'),
            ("src/shop/orders/a.py", "from shop.payments._gw import Charge  # expect: ARC102\n# ``` fence\n"),
        )
    )
    good = Example(files=(("src/shop/orders/a.py", "from shop.payments.api import Charge\n"),))
    none = Example(files=())
    attributes = {
        "code": code,
        "name": name,
        "engine": "per-file",
        "summary": f"Summary of {name}.",
        "rationale": f"Why {name} matters: teams change internals freely.",
        "bad": bad if with_examples else none,
        "good": good if with_examples else none,
        "fix": "Import from the team's interface instead.",
    }
    return type(f"Rule{code}", (Rule,), attributes)()


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        _rule("ARC101", "layer-violation"),
        _rule("ARC102", "private-team-module"),
        _rule("ARC201", "indirect-layer-violation"),
        _rule("ARC401", "undocumented-interface", with_examples=False),
    )
}


def ctx(prefix: str = "", *, statistics: bool = False) -> FormatContext:
    return FormatContext(version="1.2.3", rules=RULES, path_prefix=prefix, statistics=statistics)


ODD = Finding(
    code="ARC102",
    message=ODD_MESSAGE,
    path=ODD_PATH,
    line=12,
    column=5,
    end_line=12,
    end_column=40,
    module="shop.orders.checkout",
    imported="shop.payments._gw",
    team="payments",
    snippet="from shop.payments._gw import Charge",
)
MULTILINE = Finding(
    code="ARC101",
    message="shop.domain.model imports shop.web.views (layer 'domain' may not import layer 'web')",
    path="src/shop/domain/model.py",
    line=3,
    column=1,
    end_line=6,
    end_column=2,
    module="shop.domain.model",
    imported="shop.web.views",
    snippet="from shop.web import (views)",
)
CHAIN = Finding(
    code="ARC201",
    message="shop.domain.a imports shop.web.c indirectly: shop.domain.a -> shop.infra.b -> shop.web.c",
    path="src/shop/domain/a.py",
    line=2,
    column=1,
    module="shop.domain.a",
    imported="shop.web.c",
    chain=(
        ChainLink("shop.domain.a", "shop.infra.b", "src/shop/domain/a.py", 2),
        ChainLink("shop.infra.b", "shop.web.c", "src/shop/infra/b.py", 7),
        ChainLink("shop.web.c", "shop.web.d", None, None),
    ),
    snippet="import shop.infra.b",
)
WARNING = Finding(
    code="ARC401",
    message="interface module shop.payments.api has no docstring; say what it offers",
    path="src/shop/payments/api.py",
    severity="warning",
    team="payments",
)
#: The same import written twice in one file: same fingerprint, different line.
DUPLICATE = replace(ODD, line=30, end_line=30)


def sample_report() -> Report:
    # Deliberately unsorted: every format must sort.
    return Report(
        findings=[WARNING, ODD, CHAIN, DUPLICATE, MULTILINE],
        stale_baseline=[
            {
                "code": "ARC102",
                "path": "src/shop/old.py",
                "imported": "shop.payments._x",
                "fingerprint": "ab" * 16,
            }
        ],
        baselined=2,
        files_checked=12,
        modules=30,
        notes=["the graph was skipped (--no-graph)"],
    )


def empty_report() -> Report:
    return Report(files_checked=12, modules=30)


def many_report(errors: int, warnings: int) -> Report:
    findings = [
        Finding(code="ARC102", message=f"error {i}", path=f"src/e{i:03}.py", line=i + 1, module=f"m.e{i}")
        for i in range(errors)
    ] + [
        Finding(code="ARC401", message=f"warning {i}", path=f"src/a{i:03}.py", line=1, severity="warning")
        for i in range(warnings)
    ]
    return Report(findings=findings, files_checked=errors + warnings)


# --- all formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_is_deterministic_and_newline_terminated(name: str) -> None:
    first = render(name, sample_report(), ctx())
    assert first == render(name, sample_report(), ctx())
    assert first.endswith("\n")
    shuffled = sample_report()
    shuffled.findings.reverse()
    assert render(name, shuffled, ctx()) == first


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_renders_an_empty_report(name: str) -> None:
    text = render(name, empty_report(), ctx())
    assert name == "github" and text == "" or text.endswith("\n")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_unknown_rule_code_still_renders(name: str) -> None:
    report = Report(findings=[Finding(code="ARC999", message="from the future", path="a.py")], files_checked=1)
    assert "ARC999" in render(name, report, ctx())


def test_unknown_format_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render("xml", sample_report(), ctx())


# --- text --------------------------------------------------------------------------------------------

TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>ARC\d{3}) (?P<message>.+)$")


def test_text_has_one_line_per_finding_in_order() -> None:
    lines = render("text", sample_report(), ctx("sub/")).splitlines()
    parsed = [m.groupdict() for m in map(TEXT_LINE.match, lines) if m]
    assert [(p["path"], int(p["line"]), int(p["col"]), p["code"]) for p in parsed] == [
        ("sub/" + ODD_PATH, 12, 5, "ARC102"),
        ("sub/" + ODD_PATH, 30, 5, "ARC102"),
        ("sub/src/shop/domain/a.py", 2, 1, "ARC201"),
        ("sub/src/shop/domain/model.py", 3, 1, "ARC101"),
        ("sub/src/shop/payments/api.py", 1, 1, "ARC401"),
    ]
    # The newline in the message was folded: it did not forge a line.
    assert parsed[0]["message"].startswith("shop.orders.checkout imports") and "second line" in parsed[0]["message"]
    assert not any(line.startswith("second line") for line in lines)


def test_text_summary_baseline_stale_and_notes() -> None:
    """The one place the text format's prose is pinned down."""
    lines = render("text", sample_report(), ctx()).splitlines()
    assert lines[-1] == (
        "Found 4 errors and 1 warning (12 files checked); 1 stale baseline entry to remove "
        "(re-run `arch-rules baseline`)."
    )
    assert "stale baseline entry: ARC102 src/shop/old.py shop.payments._x (no longer occurs; remove it)" in lines
    assert "note: the graph was skipped (--no-graph)" in lines
    assert "2 findings hidden by the baseline." in lines
    assert render("text", empty_report(), ctx()) == "All checks passed (12 files checked).\n"
    assert render("text", Report(), ctx()) == "No findings, but no files were checked.\n"
    one = Report(findings=[WARNING], files_checked=1)
    assert render("text", one, ctx()).splitlines()[-1] == "Found 1 warning (1 file checked)."


def test_text_statistics() -> None:
    plain = render("text", sample_report(), ctx()).splitlines()
    lines = render("text", sample_report(), ctx(statistics=True)).splitlines()
    extra = [line for line in lines if line not in plain]
    assert [line.split() for line in extra] == [
        ["1", "ARC101", "layer-violation"],
        ["2", "ARC102", "private-team-module"],
        ["1", "ARC201", "indirect-layer-violation"],
        ["1", "ARC401", "undocumented-interface"],
    ]
    assert lines.index(extra[-1]) < len(lines) - 1  # before the summary


# --- json --------------------------------------------------------------------------------------------


def test_json_round_trip_and_keys() -> None:
    text = render("json", sample_report(), ctx("sub/"))
    assert text.isascii()
    data = json.loads(text)
    assert data["version"] == 1
    assert data["tool"] == {"name": "arch-rules", "version": "1.2.3"}
    keys = {"code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column"}
    keys |= {"module", "imported", "team", "chain", "fingerprint"}
    assert all(set(item) == keys for item in data["findings"])
    first = data["findings"][0]
    assert first["message"] == ODD_MESSAGE  # unicode, newlines and all
    assert first["path"] == "sub/" + ODD_PATH
    assert (first["code"], first["name"], first["line"], first["column"]) == (
        "ARC102",
        "private-team-module",
        12,
        5,
    )
    assert first["fingerprint"] == ODD.fingerprint
    chain = next(item for item in data["findings"] if item["code"] == "ARC201")["chain"]
    assert chain[1] == {
        "importer": "shop.infra.b",
        "imported": "shop.web.c",
        "path": "sub/src/shop/infra/b.py",
        "line": 7,
    }
    assert chain[2]["path"] is None
    assert data["summary"] == {
        "errors": 4,
        "warnings": 1,
        "files": 12,
        "modules": 30,
        "baselined": 2,
        "stale_baseline": sample_report().stale_baseline,
        "notes": ["the graph was skipped (--no-graph)"],
    }
    assert json.loads(render("json", empty_report(), ctx()))["findings"] == []


# --- github ------------------------------------------------------------------------------------------


def _unescape(value: str, *, property_value: bool) -> str:
    """actions/runner ``ActionCommand.Unescape*``: %0D, %0A (and %3A, %2C in properties), then %25 last."""
    value = value.replace("%0D", "\r").replace("%0A", "\n")
    if property_value:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A port of ``ActionCommand.TryParseV2`` (actions/runner)."""
    line = line.lstrip()
    assert line.startswith("::"), line
    end = line.index("::", 2)
    info, message = line[2:end], line[end + 2 :]
    name, _, props = info.partition(" ")
    properties: dict[str, str] = {}
    for entry in props.split(","):
        key, equals, value = entry.partition("=")
        if entry and equals and key and value:  # the runner silently drops anything else
            properties[key] = _unescape(value, property_value=True)
    return name, properties, _unescape(message, property_value=False)


def github_commands(text: str) -> Iterator[tuple[str, dict[str, str], str]]:
    assert "\r" not in text
    for line in text.split("\n")[:-1]:
        yield parse_command(line)


def test_github_commands_round_trip_through_the_runner_parser() -> None:
    report = sample_report()
    commands = [c for c in github_commands(render("github", report, ctx("sub/"))) if "file" in c[1]]
    expected = sorted(report.findings, key=lambda f: (f.severity != "error", f.sort_key()))
    assert len(commands) == len(expected)
    for (level, props, message), finding in zip(commands, expected, strict=True):
        assert level == finding.severity
        assert props["file"] == "sub/" + finding.path
        assert props["line"] == str(finding.line)
        assert props["title"] == f"{finding.code} {RULES[finding.code].name}"
        assert message == finding.message
    odd = commands[0][1]
    assert (odd["col"], odd["endLine"], odd["endColumn"]) == ("5", "12", "40")


def test_github_drops_columns_on_multi_line_ranges() -> None:
    commands = github_commands(render("github", Report(findings=[MULTILINE]), ctx()))
    (_, props, _), *_ = commands
    assert props == {
        "file": MULTILINE.path,
        "line": "3",
        "endLine": "6",
        "title": "ARC101 layer-violation",
    }


def test_github_escaping_is_exact() -> None:
    assert github_format.escape_property("a,b:c%0A\r\n") == "a%2Cb%3Ac%250A%0D%0A"
    assert github_format.escape_data("a,b:c :: %\n") == "a,b:c :: %25%0A"


def test_github_orders_errors_first_and_notes_overflow() -> None:
    commands = list(github_commands(render("github", many_report(errors=12, warnings=11), ctx())))
    levels = [level for level, props, _ in commands if "file" in props]
    assert levels == ["error"] * 12 + ["warning"] * 11
    notices = [message for level, props, message in commands if level == "notice"]
    assert notices == ["3 more findings than GitHub shows as annotations; see the job summary / SARIF"]
    assert commands[-1][0] == "notice"


def test_github_no_overflow_notice_at_ten_per_level() -> None:
    commands = list(github_commands(render("github", many_report(errors=10, warnings=10), ctx())))
    assert [level for level, _, _ in commands].count("notice") == 0


def test_github_notes_and_stale_entries_become_notices() -> None:
    commands = list(github_commands(render("github", sample_report(), ctx())))
    notices = [message for level, _, message in commands if level == "notice"]
    assert len(notices) == 2
    assert "the graph was skipped (--no-graph)" in notices


def test_github_step_summary(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    report = sample_report()
    write_github_step_summary(report, ctx("sub/"), str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "```mermaid\nflowchart LR\n" in text
    graph = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    edges = re.findall(r"^  (n\d+) -->\|([^|]*)\| (n\d+)$", graph, flags=re.M)
    labels = dict(re.findall(r'^  (n\d+)\["([^"]*)"\]$', graph, flags=re.M))
    assert sorted((labels[a], labels[b], codes) for a, codes, b in edges) == [
        ("shop.domain.a", "shop.web.c", "ARC201"),
        ("shop.domain.model", "shop.web.views", "ARC101"),
        ("shop.orders.checkout", "shop.payments._gw", "ARC102"),  # two findings, one edge
    ]
    table = text.split("### All findings", 1)[1]
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    assert len(rows) == len(report.findings)
    for finding in report.findings:
        assert f"| {finding.code} |" in table
    assert "sub/src/shop/payments/api.py:1:1" in table
    assert "shop.payments.\\_gw" in table  # Markdown-escaped, not turned italic
    assert "src/shop/old.py" in text and "the graph was skipped" in text


def test_github_step_summary_caps_the_graph() -> None:
    findings = [
        Finding(code="ARC102", message="m", path="a.py", line=i + 1, module=f"a{i}", imported="end")
        for i in range(github_format.MAX_GRAPH_EDGES + 5)
    ]
    text = github_format.step_summary(Report(findings=findings, files_checked=1), ctx())
    graph = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert graph.count("-->") == github_format.MAX_GRAPH_EDGES
    assert re.search(r'^  n\d+\["end"\]$', graph, flags=re.M)  # a Mermaid keyword is only ever a label
    assert f"Showing {github_format.MAX_GRAPH_EDGES} of {github_format.MAX_GRAPH_EDGES + 5}" in text


def test_github_step_summary_clean_run() -> None:
    text = github_format.step_summary(empty_report(), ctx())
    assert "No findings" in text and "mermaid" not in text


# --- sarif -------------------------------------------------------------------------------------------


def sarif(report: Report, prefix: str = "") -> dict[str, Any]:
    text = render("sarif", report, ctx(prefix))
    assert text.isascii()
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"official SARIF schema not found at {SCHEMA_PATH}")
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("report", [sample_report(), empty_report()], ids=["findings", "empty"])
def test_sarif_is_valid_against_the_official_schema(sarif_validator: Any, report: Report) -> None:
    errors = sorted(sarif_validator.iter_errors(sarif(report, "sub dir/")), key=str)
    assert errors == []


def test_sarif_schema_validation_can_fail(sarif_validator: Any) -> None:
    log = sarif(sample_report())
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not sarif_validator.is_valid(log)


def test_sarif_empty_report_has_results_array() -> None:
    run = sarif(empty_report())["runs"][0]
    assert run["results"] == []
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(RULES)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_sarif_results_rules_and_locations() -> None:
    log = sarif(sample_report(), "sub dir/")
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    assert "security-severity" not in set(_keys(log))
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"]) == ("arch-rules", "1.2.3")
    rules = driver["rules"]
    for rule in rules:
        record = RULES[rule["id"]]
        assert rule["name"] == record.name
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["helpUri"] == f"{DOCS_RULES_URL}#{_github_anchor(f'{record.code} {record.name}')}"
        assert rule["properties"]["tags"] == ["architecture", "maintainability"]
    arc102 = next(rule for rule in rules if rule["id"] == "ARC102")
    assert "```toml" in arc102["help"]["markdown"] and "````python" in arc102["help"]["markdown"]

    results = run["results"]
    assert len(results) == len(sample_report().findings)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert _is_relative_uri_reference(location["artifactLocation"]["uri"])
    # The stable, line-independent fingerprint, for code scanning's alert tracking.
    findings = sorted(sample_report().findings, key=lambda f: f.sort_key())
    assert [r["partialFingerprints"] for r in results] == [{"archRulesFingerprint/v1": f.fingerprint} for f in findings]
    assert "repository root" in run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]
    odd = results[0]
    assert odd["message"]["text"] == ODD_MESSAGE and odd["level"] == "error"
    odd_location = odd["locations"][0]["physicalLocation"]
    assert odd_location["artifactLocation"]["uri"] == "sub%20dir/src/shop/a%2Codd%3Ax%2541.py"
    assert odd_location["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 41}
    assert odd["properties"]["fingerprint"] == ODD.fingerprint
    assert next(r for r in results if r["ruleId"] == "ARC401")["level"] == "warning"


def test_sarif_chain_related_locations() -> None:
    results = sarif(sample_report())["runs"][0]["results"]
    chain = next(result for result in results if result["ruleId"] == "ARC201")
    related = chain["relatedLocations"]
    assert [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]) for r in related] == [
        ("src/shop/domain/a.py", {"startLine": 2}),
        ("src/shop/infra/b.py", {"startLine": 7}),
    ]
    assert related[1]["message"]["text"] == "shop.infra.b imports shop.web.c"
    assert len({r["id"] for r in related}) == len(related)
    assert all("relatedLocations" not in r for r in results if r["ruleId"] != "ARC201")


def test_sarif_reads_back_with_sarif_tools(tmp_path: Path) -> None:
    """sarif-tools is a real SARIF consumer from PyPI; it reads results the way report tooling does."""
    loader = pytest.importorskip("sarif.loader", reason="sarif-tools is not installed")
    path = tmp_path / "arch-rules.sarif"
    path.write_text(render("sarif", sample_report(), ctx()), encoding="utf-8")
    log = loader.load_sarif_file(str(path))
    assert log.get_distinct_tool_names() == ["arch-rules"]
    records = [(r["Code"], r["Location"], r["Line"], r["Severity"]) for r in log.get_records()]
    expected = sorted(sample_report().findings, key=Finding.sort_key)
    assert [(code, line, severity) for code, _, line, severity in records] == [
        (f.code, f.line, f.severity) for f in expected
    ]
    assert records[2][1] == "src/shop/domain/a.py"


def _github_anchor(heading: str) -> str:
    """GitHub's heading slug: lower-case, punctuation other than ``-``/``_`` removed, spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$")


def _is_relative_uri_reference(uri: str) -> bool:
    """RFC 3986 relative-ref with a path only: allowed characters, no scheme-like first segment."""
    return bool(_URI_CHARS.match(uri)) and ":" not in uri.split("/", 1)[0] and not uri.startswith("/")


# --- gitlab ------------------------------------------------------------------------------------------


def test_gitlab_code_quality() -> None:
    text = render("gitlab", sample_report(), ctx("sub/"))
    assert text.startswith("[")  # no BOM, an array
    issues = json.loads(text)
    assert len(issues) == len(sample_report().findings)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["description"] and issue["location"]["path"].startswith("sub/")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert [issue["severity"] for issue in issues].count("minor") == 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert fingerprints[0] == ODD.fingerprint  # the first of the two identical findings keeps its own
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprints[1]) and fingerprints[1] != ODD.fingerprint
    # Stable: the same code gives the same fingerprints, even if the finding moves.
    moved = sample_report()
    moved.findings = [replace(f, line=f.line + 100) for f in moved.findings]
    assert [issue["fingerprint"] for issue in json.loads(render("gitlab", moved, ctx("sub/")))] == fingerprints
    assert json.loads(render("gitlab", empty_report(), ctx())) == []


# --- junit -------------------------------------------------------------------------------------------


def junit(tmp_path: Path, report: Report, prefix: str = "") -> tuple[Any, dict[str, Any]]:
    """The one testsuite and its testcases by name, as junitparser reads the file a CI job would write
    (from bytes: with lxml installed, junitparser refuses a ``str`` that has an encoding declaration)."""
    from junitparser import JUnitXml, TestCase, TestSuite

    path = tmp_path / "arch-rules.xml"
    path.write_text(render("junit", report, ctx(prefix)), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    assert isinstance(xml, JUnitXml)  # a <testsuites> root
    suites = [suite for suite in xml if isinstance(suite, TestSuite)]
    assert len(suites) == 1
    cases = {case.name: case for case in suites[0] if isinstance(case, TestCase)}
    return suites[0], cases


def test_junit_one_testcase_per_rule(tmp_path: Path) -> None:
    from junitparser import Failure

    suite, cases = junit(tmp_path, sample_report(), "sub/")
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("arch-rules", 4, 4, 0)
    assert set(cases) == {f"{code} {rule.name}" for code, rule in RULES.items()}
    assert {case.classname for case in cases.values()} == {"arch-rules"}
    # A failure per finding (docs/output.md), and the whole list in system-out for readers that show one.
    first, second = cases["ARC102 private-team-module"].result
    assert isinstance(first, Failure) and isinstance(second, Failure)
    assert first.type == second.type == "ARC102"
    assert first.message.startswith(f"sub/{ODD_PATH}:12:5: shop.orders.checkout imports")
    assert second.message.startswith(f"sub/{ODD_PATH}:30:5: ")
    out = cases["ARC102 private-team-module"].system_out.splitlines()
    assert out[0] == "2 errors:" and sum(line.startswith("sub/") for line in out) == 2
    assert cases["ARC401 undocumented-interface"].system_out.startswith("1 warning:")


def test_junit_passes_clean_rules_and_survives_control_characters(tmp_path: Path) -> None:
    suite, cases = junit(tmp_path, empty_report())
    assert (suite.tests, suite.failures) == (len(RULES), 0)
    assert all(case.is_passed for case in cases.values())

    nasty = Finding(code="ARC102", message='bad \x00\x1b <tag> & "quotes" ]]>', path="a&b<c>.py")
    suite, cases = junit(tmp_path, Report(findings=[nasty], files_checked=1))
    (failure,) = cases["ARC102 private-team-module"].result
    assert failure.text == 'a&b<c>.py:1:1: bad \ufffd\ufffd <tag> & "quotes" ]]>'


#: junit-10.xsd, the schema JUnit readers agree on (Jenkins' xunit plugin; MIT, its notice is in the file),
#: as shipped in the pytest 9.0.3 source distribution (testing/example_scripts/junit-10.xsd).
JUNIT_XSD = Path(__file__).resolve().parent / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def junit_schema() -> Any:
    etree = pytest.importorskip("lxml.etree", reason="lxml validates XML Schema")
    return etree.XMLSchema(etree.parse(str(JUNIT_XSD)))


@pytest.mark.parametrize("report", [sample_report(), empty_report()], ids=["findings", "empty"])
def test_junit_is_valid_against_junit_10_xsd(junit_schema: Any, report: Report) -> None:
    from lxml import etree

    document = etree.fromstring(render("junit", report, ctx("sub/")).encode("utf-8"))
    assert junit_schema.validate(document), junit_schema.error_log
    assert "skipped" not in document.attrib  # not allowed on <testsuites>
    assert document[0].get("skipped") == "0"


def test_junit_schema_validation_can_fail(junit_schema: Any) -> None:
    from lxml import etree

    document = etree.fromstring(render("junit", sample_report(), ctx()).encode("utf-8"))
    document.set("skipped", "0")
    assert not junit_schema.validate(document)
