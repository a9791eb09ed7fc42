"""The bundled example project: every finding marked next to its line, nothing missing, nothing extra."""

from __future__ import annotations

from pathlib import Path

import arch_rules
from arch_rules.testing import difference
from arch_rules.testing import expected_in_tree as expected

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example"


def test_example_project_findings_match_markers() -> None:
    report = arch_rules.check(EXAMPLE, cache=False)
    assert expected(EXAMPLE), "the example lost its markers"
    problems = difference(EXAMPLE, report.findings)
    assert not problems, "\n" + problems


def test_example_per_file_findings_without_graph() -> None:
    report = arch_rules.check(EXAMPLE, cache=False, graph=False)
    graph_codes = {"ARC201", "ARC204", "ARC206", "ARC207"}
    want = {item for item in expected(EXAMPLE) if item[2] not in graph_codes}
    got = {(f.path, f.line, f.code) for f in report.findings}
    assert got == want
