"""The composite GitHub Action (action.yml): its shape, and its steps run as the runner runs them.

There is no GitHub runner here, so the steps' scripts run under ``bash --noprofile --norc -eo pipefail``
(what ``shell: bash`` means on a runner) with the ``env:`` a runner would compute from the inputs, and with
``GITHUB_OUTPUT``/``GITHUB_ENV`` files. The expressions are only ever in ``env:``, which is what makes this
substitution faithful (and keeps inputs out of the scripts' text).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from arch_rules.testing import write_project
from tests.tools import script

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]
"""


def make_project(root: Path, violation: bool = True) -> Path:
    files = {
        "pyproject.toml": CONFIG,
        "src/shop/__init__.py": "",
        "src/shop/web/__init__.py": "",
        "src/shop/web/views.py": "X = 1\n",
        "src/shop/domain/__init__.py": "",
        "src/shop/domain/model.py": "from shop.web import views\n" if violation else "X = 1\n",
    }
    return write_project(root, files)


def step(step_id: str | None = None, name: str | None = None) -> dict:  # type: ignore[type-arg]
    for item in ACTION["runs"]["steps"]:
        if (step_id and item.get("id") == step_id) or (name and item.get("name") == name):
            return item
    raise AssertionError(f"no step {step_id or name}")


def resolve(value: str, inputs: dict[str, str], action_path: Path) -> str:
    """A runner's expression evaluation, for the two kinds of expression action.yml uses in ``env:``."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression == "github.action_path":
            return str(action_path)
        if expression == "steps.install.outputs.bin":
            return ""  # the install step's output; a test passes ARCH_RULES_BIN itself
        if expression.startswith("inputs."):
            name = expression[len("inputs.") :]
            return resolve(inputs.get(name, ACTION["inputs"][name].get("default", "")), inputs, action_path)
        if expression == "github.event.pull_request.base.sha":  # empty outside a pull_request event
            return inputs.get("(pull request base)", "")
        raise AssertionError(f"unexpected expression {expression}")

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def run_step(
    item: dict,  # type: ignore[type-arg]
    workspace: Path,
    runner: Path,
    inputs: dict[str, str],
    action_path: Path,
    extra_env: dict[str, str],
) -> subprocess.CompletedProcess[str]:
    script = runner / "step.sh"
    script.write_text(item["run"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        GITHUB_OUTPUT=str(runner / "output"),
        GITHUB_ENV=str(runner / "env"),
        GITHUB_ACTION_PATH=str(action_path),
        RUNNER_TEMP=str(runner),
    )
    env.update({key: resolve(str(value), inputs, action_path) for key, value in item.get("env", {}).items()})
    env.update(extra_env)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def outputs(runner: Path, name: str = "output") -> dict[str, str]:
    path = runner / name
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_action_shape() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"version", "args", "sarif-file", "working-directory", "since", "markdown-file"}
    assert ACTION["inputs"]["since"]["default"] == "${{ github.event.pull_request.base.sha }}"
    assert ACTION["outputs"]["markdown-file"]["value"] == "${{ steps.check.outputs.markdown-file }}"
    assert ACTION["inputs"]["sarif-file"]["default"] == "arch-rules.sarif"
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"
    for item in ACTION["runs"]["steps"]:
        if "run" in item:
            assert item["shell"] == "bash"
            assert "${{" not in item["run"], "expressions belong in env:, never in a script's text"


def test_install_runs_python_isolated_and_writes_no_job_environment() -> None:
    """Issue 10, item 4: ``python -m venv``/``-m pip`` in the workspace would run its venv.py or pip/."""
    install = step("install")["run"]
    calls = re.findall(r"(?:python3?|\$venv/bin/python\")\s+(?:-\S+\s+)*-m\s+\w+", install)
    assert len(calls) == 3 and all(" -I " in f" {call} " for call in calls), calls
    assert 'cd "${RUNNER_TEMP:-/tmp}"' in install
    assert "GITHUB_ENV" not in (REPO / "action.yml").read_text()


@pytest.fixture
def runner(tmp_path: Path) -> Path:
    folder = tmp_path / "runner"
    folder.mkdir()
    return folder


def installed_cli() -> dict[str, str]:
    found = script("arch-rules")
    if found is None:
        pytest.skip("arch-rules is not on PATH")
    return {"ARCH_RULES_BIN": found}


def test_check_step_annotates_writes_sarif_and_keeps_the_exit_code(tmp_path: Path, runner: Path) -> None:
    workspace = make_project(tmp_path / "ws")
    done = run_step(step("check"), workspace, runner, {}, REPO, installed_cli())
    assert done.returncode == 1, done.stderr
    assert "::error file=src/shop/domain/model.py,line=1," in done.stdout
    assert outputs(runner)["sarif-file"] == "arch-rules.sarif"
    log = json.loads((workspace / "arch-rules.sarif").read_text())
    assert log["runs"][0]["results"][0]["ruleId"] == "ARC101"


def test_check_step_on_a_pull_request_reports_the_change_and_writes_the_summary(tmp_path: Path, runner: Path) -> None:
    """On a pull request ``since`` defaults to the PR's base: an old finding does not fail the job, the
    Markdown change summary is the job summary and the output ``markdown-file``."""
    workspace = make_project(tmp_path / "ws")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=workspace, check=True, env={**os.environ, **env}, capture_output=True)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=workspace, capture_output=True, text=True).stdout.strip()
    (workspace / "src/shop/web/more.py").write_text("X = 2\n")
    summary = runner / "summary.md"
    extra = {**installed_cli(), "GITHUB_STEP_SUMMARY": str(summary)}
    done = run_step(step("check"), workspace, runner, {"(pull request base)": base}, REPO, extra)
    assert done.returncode == 0, done.stdout + done.stderr  # model.py's ARC101 predates the change
    assert "::error" not in done.stdout
    assert outputs(runner)["markdown-file"] == "arch-rules-review.md"
    review = (workspace / "arch-rules-review.md").read_text()
    assert review.startswith("<!-- arch-rules review -->\n## arch-rules: what this change does to the architecture")
    assert summary.read_text() == review


def test_check_step_passes_on_a_clean_project(tmp_path: Path, runner: Path) -> None:
    workspace = make_project(tmp_path / "ws", violation=False)
    done = run_step(step("check"), workspace, runner, {"sarif-file": "out.sarif"}, REPO, installed_cli())
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((workspace / "out.sarif").read_text())["runs"][0]["results"] == []


def test_check_step_with_working_directory_and_args(tmp_path: Path, runner: Path) -> None:
    workspace = tmp_path / "ws"
    make_project(workspace / "backend")
    inputs = {"working-directory": "backend", "args": "--exit-zero --no-graph"}
    done = run_step(step("check"), workspace, runner, inputs, REPO, installed_cli())
    assert done.returncode == 0, done.stdout + done.stderr  # --exit-zero from args
    # Paths stay repository-relative: that is what annotations and code scanning need.
    assert "::error file=backend/src/shop/domain/model.py,line=1," in done.stdout
    log = json.loads((workspace / "arch-rules.sarif").read_text())
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "backend/src/shop/domain/model.py"


@pytest.mark.slow
def test_install_step_then_check_step(tmp_path: Path, runner: Path) -> None:
    """The whole action, installing arch-rules from the action's own checkout into a private venv (PyPI)."""
    action_path = tmp_path / "action"
    action_path.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "action.yml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, action_path / name)
    shutil.copytree(REPO / "arch_rules", action_path / "arch_rules", ignore=shutil.ignore_patterns("__pycache__"))
    workspace = make_project(tmp_path / "ws")
    # Issue 10, item 4: code in the checked-out repository must not run during the install.
    planted = f"import pathlib; pathlib.Path({str(tmp_path / 'planted-code-ran')!r}).write_text('ran')\n"
    (workspace / "venv.py").write_text(planted)
    (workspace / "pip").mkdir()
    (workspace / "pip" / "__init__.py").write_text(planted)
    (workspace / "pip" / "__main__.py").write_text(planted)

    install = run_step(step(name="Install arch-rules"), workspace, runner, {}, action_path, {})
    assert install.returncode == 0, install.stdout + install.stderr
    assert not (tmp_path / "planted-code-ran").exists()
    assert not (runner / "env").exists()  # nothing written to $GITHUB_ENV
    bin_path = outputs(runner)["bin"]
    assert Path(bin_path).is_file() and str(runner) in bin_path

    done = run_step(step("check"), workspace, runner, {}, action_path, {"ARCH_RULES_BIN": bin_path})
    assert done.returncode == 1, done.stderr
    assert "::error file=src/shop/domain/model.py,line=1," in done.stdout
    assert (workspace / "arch-rules.sarif").is_file()
