"""``check --format FORMAT[:FILE]`` end to end through the real CLI: one run annotates and writes reports.

The formats themselves are tested in test_formats.py; here: the repeatable option, files written next to
stdout, every SARIF valid against the official schema, JUnit read by a real consumer, stable GitLab
fingerprints, and the exit codes CI relies on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.testing import write_project

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "sarif-schema-2.1.0.json"

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]

[[tool.arch_rules.forbid]]
from = ["shop.domain"]
import = ["requests"]
because = "The domain stays free of I/O."
"""

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "from shop.domain import model\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/model.py": "import requests\n\nfrom shop.web import views\n",
}


def make_project(root: Path, files: dict[str, str] = FILES) -> Path:
    return write_project(root, files, CONFIG)


def check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "arch_rules", "check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


def validate_sarif(path: Path) -> dict:  # type: ignore[type-arg]
    log = json.loads(path.read_text())
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    return log


def test_github_annotations_and_sarif_in_one_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    done = check(project, "--format", "github", "--format", "sarif:out/arch.sarif")
    assert done.returncode == 1, done.stderr
    commands = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert any("file=src/shop/domain/model.py,line=1," in c and "ARC104" in c for c in commands)
    assert any("file=src/shop/domain/model.py,line=3," in c and "ARC101" in c for c in commands)

    log = validate_sarif(project / "out/arch.sarif")
    results = log["runs"][0]["results"]
    located = {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    }
    assert ("ARC104", "src/shop/domain/model.py", 1) in located
    assert ("ARC101", "src/shop/domain/model.py", 3) in located


def test_clean_project_sarif_has_empty_results_and_exit_0(tmp_path: Path) -> None:
    files = {**FILES, "src/shop/domain/model.py": "X = 1\n"}
    project = make_project(tmp_path / "p", files)
    done = check(project, "--format", "github", "--format", "sarif:arch.sarif")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not any(line.startswith(("::error", "::warning")) for line in done.stdout.splitlines())
    assert validate_sarif(project / "arch.sarif")["runs"][0]["results"] == []


def test_gitlab_and_junit_files_from_one_job(tmp_path: Path) -> None:
    from junitparser import JUnitXml

    project = make_project(tmp_path / "p")
    done = check(project, "--format", "text", "--format", "gitlab:gl-code-quality.json", "--format", "junit:junit.xml")
    assert done.returncode == 1
    assert "src/shop/domain/model.py:3:1: ARC101" in done.stdout

    quality = json.loads((project / "gl-code-quality.json").read_text())
    assert {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in quality} >= {
        ("ARC104", "src/shop/domain/model.py", 1),
        ("ARC101", "src/shop/domain/model.py", 3),
    }
    fingerprints = [i["fingerprint"] for i in quality]
    assert len(set(fingerprints)) == len(fingerprints)

    xml = JUnitXml.fromfile(str(project / "junit.xml"))
    failures = [case for suite in xml for case in suite if not case.is_passed]
    assert len(failures) >= 2

    # Moving the code does not change the GitLab fingerprints (MR widgets track issues by them).
    model = project / "src/shop/domain/model.py"
    model.write_text('"""Model."""\n\n' + model.read_text())
    assert check(project, "--format", "gitlab:gl-code-quality.json").returncode == 1
    moved = json.loads((project / "gl-code-quality.json").read_text())
    assert sorted(i["fingerprint"] for i in moved) == sorted(fingerprints)


def test_json_to_a_file_and_text_to_stdout(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    done = check(project, "--format", "json:report.json")
    assert done.returncode == 1
    assert done.stdout == ""  # only FILE targets: nothing on stdout
    data = json.loads((project / "report.json").read_text())
    assert {f["code"] for f in data["findings"]} >= {"ARC101", "ARC104"}


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "github", "--format", "text"],  # two formats to stdout
        ["--format", "sarif:a.sarif", "--format", "xml"],  # unknown format
    ],
)
def test_bad_format_options_exit_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    project = make_project(tmp_path / "p")
    done = check(project, *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("arch-rules: --format")
    assert not (project / "a.sarif").exists()


def test_exit_zero_still_writes_everything(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    done = check(project, "--exit-zero", "--format", "github", "--format", "sarif:arch.sarif")
    assert done.returncode == 0
    assert "::error " in done.stdout
    assert validate_sarif(project / "arch.sarif")["runs"][0]["results"]


def test_paths_are_relative_to_where_it_runs(tmp_path: Path) -> None:
    """From the repository root with --config, annotations and SARIF carry repository-relative paths."""
    project = make_project(tmp_path / "repo" / "backend")
    done = check(
        tmp_path / "repo", "--config", "backend/pyproject.toml", "--format", "github", "--format", "sarif:a.sarif"
    )
    assert done.returncode == 1, done.stderr
    assert "file=backend/src/shop/domain/model.py,line=3," in done.stdout
    log = validate_sarif(tmp_path / "repo" / "a.sarif")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "backend/src/shop/domain/model.py" in uris
    assert project.is_dir()


def test_step_summary_is_written_with_the_github_format(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    summary = tmp_path / "summary.md"
    done = check(project, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1
    assert "ARC101" in summary.read_text()
