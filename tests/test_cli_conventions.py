"""The conventions users bring from ruff and flake8, through the real CLI: ``--output-format``, ``-q``,
colour on a terminal (``NO_COLOR``/``FORCE_COLOR``), ``--version`` on every subcommand, and the ``rdjson``
format for reviewdog."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.adapters.cli import use_color
from arch_rules.adapters.formats import render
from arch_rules.model.findings import Finding, Report
from tests.test_cli_formats import FILES, check, make_project
from tests.test_formats import ctx, sample_report


def test_output_format_is_an_alias_of_format(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    by_format = check(project, "--format", "json")
    by_alias = check(project, "--output-format", "json")
    assert (by_alias.returncode, by_alias.stdout) == (by_format.returncode, by_format.stdout)
    assert json.loads(by_alias.stdout)["findings"]


def test_quiet_prints_the_findings_only(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    loud = check(project)
    quiet = check(project, "-q")
    assert quiet.returncode == loud.returncode == 1
    assert quiet.stdout.splitlines() == [line for line in loud.stdout.splitlines() if ": ARC" in line]
    assert quiet.stdout and "Found" not in quiet.stdout
    clean = make_project(tmp_path / "clean", {**FILES, "src/shop/domain/model.py": "X = 1\n"})
    done = check(clean, "--quiet")
    assert (done.returncode, done.stdout) == (0, "")


def test_colour_follows_force_color_and_no_color(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    plain = check(project, env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert "\x1b[" not in plain.stdout  # a pipe is not a terminal
    forced = check(project, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[1msrc/shop/domain/model.py\x1b[0m:" in forced.stdout and "\x1b[31m\x1b[1mARC10" in forced.stdout
    both = check(project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert both.stdout == plain.stdout  # NO_COLOR wins
    # Never in files or in machine formats.
    done = check(project, "--format", "text:out.txt", "--format", "json", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in (project / "out.txt").read_text() + done.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color() -> None:
    assert use_color(_Terminal(), {}) is True
    assert use_color(_Terminal(), {"NO_COLOR": "1"}) is False
    assert use_color(_Terminal(), {"NO_COLOR": ""}) is True  # an empty NO_COLOR does not count
    assert use_color(_Terminal(), {"TERM": "dumb"}) is False
    assert use_color(io.StringIO(), {}) is False
    assert use_color(io.StringIO(), {"FORCE_COLOR": "1"}) is True


@pytest.mark.parametrize("command", ["check", "baseline", "init", "explain", "rules", "graph", "contracts", "lsp"])
def test_version_on_every_subcommand(command: str) -> None:
    run = [sys.executable, "-m", "arch_rules", command]
    help_text = subprocess.run([*run, "--help"], capture_output=True, text=True, timeout=120).stdout
    assert "--version" in help_text
    done = subprocess.run([*run, "--version"], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "arch-rules 0.1.0")


def test_rdjson_is_reviewdogs_diagnostic_result() -> None:
    result = json.loads(render("rdjson", sample_report(), ctx("sub/")))
    assert result["source"]["name"] == "arch-rules"
    report = sample_report()
    assert len(result["diagnostics"]) == len(report.findings)
    for diagnostic, finding in zip(result["diagnostics"], sorted(report.findings, key=Finding.sort_key), strict=True):
        assert diagnostic["message"] == finding.message
        assert diagnostic["code"]["value"] == finding.code
        assert diagnostic["severity"] == ("WARNING" if finding.severity == "warning" else "ERROR")
        location = diagnostic["location"]
        assert location["path"] == "sub/" + finding.path
        # Line-wise ranges: reviewdog counts columns in UTF-8 bytes, findings in characters.
        assert location["range"]["start"] == {"line": finding.line}
        assert all("column" not in position for position in location["range"].values())
    multi = Report(findings=[Finding("ARC102", "m", "a.py", line=3, column=1, end_line=5, end_column=2)])
    (only,) = json.loads(render("rdjson", multi, ctx()))["diagnostics"]
    assert only["location"]["range"] == {"start": {"line": 3}, "end": {"line": 5}}
    assert only["code"]["url"].endswith("#arc102-private-team-module")


def test_rdjson_through_the_cli(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    done = check(project, "--format", "rdjson")
    assert done.returncode == 1, done.stderr
    diagnostics = json.loads(done.stdout)["diagnostics"]
    found = {(d["code"]["value"], d["location"]["path"], d["location"]["range"]["start"]["line"]) for d in diagnostics}
    assert found >= {
        ("ARC104", "src/shop/domain/model.py", 1),
        ("ARC101", "src/shop/domain/model.py", 3),
    }
