"""The baseline: accepted findings survive moving code and unrelated edits; new ones are reported; fixed
ones become stale so the file only shrinks; the file is sorted, stable JSON (docs/ci.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from arch_rules.engine import baseline
from arch_rules.errors import UsageError
from arch_rules.model.findings import Finding
from arch_rules.testing import write_project

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.services", "shop.domain"]

[tool.arch_rules.teams.orders]
owns = ["shop.services"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
"""

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "X = 1\n",
    "src/shop/services/__init__.py": '"""Services."""\n__all__: list[str] = []\n',
    "src/shop/services/checkout.py": "from shop.payments import _gateway\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/model.py": "import os\n\nfrom shop.web import views\n",
    "src/shop/payments/__init__.py": '"""Payments."""\n',
    "src/shop/payments/api.py": '"""API."""\n__all__: list[str] = []\n',
    "src/shop/payments/_gateway.py": "X = 1\n",
}


def make_project(root: Path, config: str = CONFIG) -> Path:
    return write_project(root, FILES, config)


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arch_rules", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def codes(output: str) -> list[tuple[str, str]]:
    """(path:line, code) of each finding line of the text format."""
    found = []
    for line in output.splitlines():
        head, _, rest = line.partition(": ")
        if head.count(":") == 2 and rest[:3] == "ARC":
            found.append((head.rsplit(":", 1)[0], rest.split()[0]))
    return found


# ----------------------------------------------------------------------------------------------------
# the module


def finding(line: int = 3, code: str = "ARC101", snippet: str = "from shop.web import views") -> Finding:
    return Finding(
        code,
        "msg",
        "src/shop/domain/model.py",
        line=line,
        module="shop.domain.model",
        imported="shop.web.views",
        snippet=snippet,
    )


def test_identical_findings_in_one_file_count_twice(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    assert baseline.write(path, [finding(3), finding(9)]) == 2
    data = json.loads(path.read_text())
    assert [entry["count"] for entry in data["findings"]] == [2]

    loaded = baseline.load(path)
    kept, hidden, stale = baseline.apply(loaded, [finding(4), finding(10), finding(20)], limited=False)
    assert (hidden, [f.line for f in kept], stale) == (2, [20], [])  # a third copy is new

    kept, hidden, stale = baseline.apply(loaded, [finding(4)], limited=False)
    assert (kept, hidden) == ([], 1)
    assert [entry["fingerprint"] for entry in stale] == [finding().fingerprint]  # one of two fixed


def test_fingerprint_ignores_line_and_whitespace_but_not_the_statement() -> None:
    assert finding(3).fingerprint == finding(40, snippet="from  shop.web   import views").fingerprint
    assert finding().fingerprint != finding(snippet="from shop.web import views as v").fingerprint
    assert finding().fingerprint != replace(finding(), path="src/shop/domain/other.py").fingerprint


def test_limited_runs_report_nothing_stale(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    baseline.write(path, [finding()])
    assert baseline.apply(baseline.load(path), [], limited=True) == ([], 0, [])
    assert len(baseline.apply(baseline.load(path), [], limited=False)[2]) == 1


def test_file_is_sorted_and_independent_of_input_order(tmp_path: Path) -> None:
    findings = [
        finding(),
        replace(finding(), code="ARC104"),
        replace(finding(), path="src/a.py", module="a"),
        replace(finding(), path="src/z.py", module="z"),
    ]
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    baseline.write(one, findings)
    baseline.write(two, list(reversed(findings)))
    assert one.read_bytes() == two.read_bytes()
    data = json.loads(one.read_text())
    assert data["version"] == 1 and data["tool"] == "arch-rules"
    assert [(e["path"], e["code"]) for e in data["findings"]] == sorted(
        (e["path"], e["code"]) for e in data["findings"]
    )
    assert list(data["findings"][0]) == ["fingerprint", "code", "path", "module", "imported", "snippet", "count"]
    assert one.read_text().startswith('{\n  "version": 1,')  # indented, reviewable
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write leaves nothing behind


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{", "invalid JSON at line 1"),
        ("[]", "expected a JSON object"),
        ('{"version": 2, "findings": []}', "unsupported version 2"),
        ('{"version": 1}', '"findings" must be a list'),
        ('{"version": 1, "findings": [{"code": "ARC101"}]}', "findings[0].fingerprint"),
        ('{"version": 1, "findings": [{"fingerprint": "ab", "count": 0}]}', "findings[0].count"),
    ],
)
def test_a_corrupt_baseline_is_a_usage_error(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(UsageError, match="not a usable arch-rules baseline") as caught:
        baseline.load(path)
    assert why in str(caught.value)
    assert "\n" not in str(caught.value)


# ----------------------------------------------------------------------------------------------------
# through the CLI


def test_adopting_with_a_baseline_end_to_end(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    before = cli(project, "check")
    assert before.returncode == 1
    accepted = codes(before.stdout)
    assert ("src/shop/domain/model.py:3", "ARC101") in accepted

    written = cli(project, "baseline")
    assert written.returncode == 0, written.stderr
    path = project / ".arch-rules-baseline.json"
    first = path.read_bytes()
    assert cli(project, "baseline").returncode == 0
    assert path.read_bytes() == first  # stable under re-runs

    # Shift the code by inserted lines and make an unrelated edit: nothing new.
    model = project / "src/shop/domain/model.py"
    model.write_text('"""The model."""\n\nimport sys\n\n' + model.read_text() + "\nY = 2\n")
    (project / "src/shop/web/views.py").write_text("X = 2\nZ = 3\n")
    clean = cli(project, "check")
    assert (clean.returncode, codes(clean.stdout)) == (0, []), clean.stdout
    assert f"{len(accepted)} findings hidden by the baseline" in clean.stdout

    # A new violation is reported, and only it.
    (project / "src/shop/domain/extra.py").write_text("from shop.web import views\n")
    new = cli(project, "check")
    assert (new.returncode, codes(new.stdout)) == (1, [("src/shop/domain/extra.py:1", "ARC101")])
    (project / "src/shop/domain/extra.py").unlink()

    # Fixing an accepted one makes its entry stale: reported on every run, but it is not a finding.
    model.write_text("import os\n")
    fixed = cli(project, "check")
    assert codes(fixed.stdout) == []
    assert "stale baseline entry: ARC101 src/shop/domain/model.py shop.web.views" in fixed.stdout
    assert fixed.returncode == 0
    as_json = json.loads(cli(project, "check", "--format", "json").stdout)
    assert [e["code"] for e in as_json["summary"]["stale_baseline"]] == ["ARC101"]

    # Limited runs cannot tell what is stale.
    for args in (["src/shop/services"], ["--no-graph"], ["--select", "ARC1"]):
        limited = cli(project, "check", *args)
        assert (limited.returncode, "stale" in limited.stdout) == (0, False), (args, limited.stdout)

    # Shrinking: rewrite the baseline; it is smaller and everything passes.
    assert cli(project, "baseline").returncode == 0
    assert len(path.read_bytes()) < len(first)
    assert cli(project, "check").returncode == 0


def test_baseline_path_from_the_configuration_and_explicit_file(tmp_path: Path) -> None:
    config = CONFIG + '\n[tool.arch_rules.rules]\nbaseline = "arch/accepted.json"\n'
    project = make_project(tmp_path / "p", config)
    assert cli(project, "baseline").returncode == 0
    assert (project / "arch/accepted.json").is_file()
    assert cli(project, "check").returncode == 0  # used automatically when it exists

    other = make_project(tmp_path / "q")
    assert cli(other, "baseline", "--output", "elsewhere.json").returncode == 0
    assert cli(other, "check").returncode == 1  # not at the default path: not used
    assert cli(other, "check", "--baseline", "elsewhere.json").returncode == 0


def test_corrupt_baseline_through_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / ".arch-rules-baseline.json").write_text("<<<<<<< HEAD\n")
    done = cli(project, "check")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a usable arch-rules baseline" in done.stderr
    missing = cli(project, "check", "--baseline", "nope.json")
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_interface_findings_are_told_apart_by_what_they_name(tmp_path: Path) -> None:
    """Two ARC402 in one file differ by the definition they name, not by a line number."""
    import arch_rules
    from arch_rules.engine import baseline

    (tmp_path / "pyproject.toml").write_text(
        '[tool.arch_rules]\n[tool.arch_rules.teams.a]\nowns = ["pkg"]\ninterface = ["pkg.api"]\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text('"""Pkg."""\n')
    api = tmp_path / "pkg/api.py"
    api.write_text('"""API."""\n__all__ = ["f", "g", "h"]\n\n\ndef f() -> None: ...\n\n\ndef g() -> None: ...\n')
    findings = arch_rules.check(tmp_path, cache=False, baseline="").findings
    assert sorted(f.code for f in findings) == ["ARC302", "ARC402", "ARC402"]
    baseline.write(tmp_path / "base.json", findings)
    # f gets its docstring, h appears without one: h is new, although there are still two ARC402.
    api.write_text(
        '"""API."""\n__all__ = ["f", "g", "h"]\n\n\ndef f() -> None:\n    """F."""\n\n\ndef g() -> None: ...\n\n\n'
        "def h() -> None: ...\n"
    )
    report = arch_rules.check(tmp_path, cache=False, baseline=str(tmp_path / "base.json"))
    assert [(f.code, f.snippet) for f in report.findings] == [("ARC402", "function h")]
    # ...and the entries for f's docstring and for h missing from the module are stale now.
    assert sorted(entry["code"] for entry in report.stale_baseline) == ["ARC302", "ARC402"]
