"""The pre-commit hooks, through the real pre-commit: ``validate-manifest`` and ``try-repo`` on a scratch git
repository (as pre-commit runs hooks).

``try-repo`` builds the hook's virtualenv with ``pip install .`` from a snapshot of this working tree, so it
needs PyPI for the build backend (setuptools); those tests are slow. try-repo of the working tree itself
would only see files git already tracks (its shadow commit is ``git add -u``), so the snapshot is a fresh
repository holding what the install needs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from arch_rules.testing import write_project

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]
"""

CLEAN = {
    "pyproject.toml": CONFIG,
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "from shop.domain import model\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/model.py": "X = 1\n",
}
VIOLATION = "from shop.web import views\n"  # in shop.domain: ARC101


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def scratch_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    write_project(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def test_manifest_validates_with_pre_commit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_declares_both_hooks_as_designed() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}
    assert set(hooks) == {"arch-rules", "arch-rules-files"}
    whole, files = hooks["arch-rules"], hooks["arch-rules-files"]
    assert (whole["entry"], whole["pass_filenames"], whole["require_serial"]) == ("arch-rules check", False, True)
    assert (files["entry"], files["pass_filenames"], files["require_serial"]) == (
        "arch-rules check --no-graph",
        True,
        True,
    )
    # Short names, as ruff's and mypy's: pre-commit prints one per line, padded with dots.
    assert (whole["name"], files["name"]) == ("arch-rules", "arch-rules (files)")
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "toml"]


def test_under_pre_commit_untracked_files_are_not_part_of_the_project(tmp_path: Path) -> None:
    """What the hook relies on, without building a hook environment: ``$PRE_COMMIT`` set means git-tracked only."""
    repo = scratch_repo(tmp_path / "repo", CLEAN)
    (repo / "src/shop/domain/scratch.py").write_text(VIOLATION)
    run = [sys.executable, "-m", "arch_rules", "check", "--no-cache"]
    plain = subprocess.run(run, cwd=repo, capture_output=True, text=True, env={**os.environ, "PRE_COMMIT": ""})
    assert plain.returncode == 1 and "src/shop/domain/scratch.py:1:1: ARC101" in plain.stdout
    hooked = subprocess.run(run, cwd=repo, capture_output=True, text=True, env={**os.environ, "PRE_COMMIT": "1"})
    assert hooked.returncode == 0, hooked.stdout + hooked.stderr
    git(repo, "add", "src/shop/domain/scratch.py")  # staged = tracked: now it counts
    staged = subprocess.run(run, cwd=repo, capture_output=True, text=True, env={**os.environ, "PRE_COMMIT": "1"})
    assert staged.returncode == 1 and "scratch.py" in staged.stdout


# ----------------------------------------------------------------------------------------------------
# try-repo (slow: builds the hook environment from a snapshot of this tree)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, snapshot / name)
    shutil.copytree(REPO / "arch_rules", snapshot / "arch_rules", ignore=shutil.ignore_patterns("__pycache__"))
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-qm", "snapshot")
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, hook_repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "GIT_DIR", "GIT_INDEX_FILE")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_whole_project_hook_fails_on_a_violation_and_passes_when_fixed(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    repo = scratch_repo(tmp_path / "repo", {**CLEAN, "src/shop/domain/model.py": VIOLATION})
    failed = try_repo(repo, hook_repo, pre_commit_home, "arch-rules", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "src/shop/domain/model.py:1:1: ARC101" in failed.stdout

    (repo / "src/shop/domain/model.py").write_text("X = 1\n")
    git(repo, "add", "src/shop/domain/model.py")
    (repo / "src/shop/domain/untracked.py").write_text(VIOLATION)  # not tracked: not the project's
    passed = try_repo(repo, hook_repo, pre_commit_home, "arch-rules", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "untracked.py" not in passed.stdout


@pytest.mark.slow
def test_files_hook_reports_only_the_staged_files(tmp_path: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    # An old violation already committed in another file: not this commit's business.
    repo = scratch_repo(tmp_path / "repo", {**CLEAN, "src/shop/domain/old.py": VIOLATION})
    (repo / "src/shop/domain/model.py").write_text("import os\n" + VIOLATION)
    git(repo, "add", "src/shop/domain/model.py")
    failed = try_repo(repo, hook_repo, pre_commit_home, "arch-rules-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "src/shop/domain/model.py:2:1: ARC101" in failed.stdout
    assert "old.py" not in failed.stdout

    (repo / "src/shop/domain/model.py").write_text("import os\n")
    git(repo, "add", "src/shop/domain/model.py")
    passed = try_repo(repo, hook_repo, pre_commit_home, "arch-rules-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
