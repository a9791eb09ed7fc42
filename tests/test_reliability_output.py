"""Issue 10, items 16-20: right results and honest, one-line, inert messages and output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reliability import CONFIG, FILES, FIX_CONFIG, make_project, run_cli

FIXABLE = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/payments/__init__.py": '"""Payments."""\n',
    "shop/payments/api.py": '"""API."""\n__all__ = ["pay"]\nfrom shop.payments._gateway import pay\n',
    "shop/payments/_gateway.py": '"""Gateway."""\n\n\ndef pay() -> None:\n    """Pay."""\n',
}


# -- 16: CR-only files ------------------------------------------------------------------------------------


def test_fix_and_diff_keep_the_line_endings_of_a_cr_only_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIX_CONFIG, FIXABLE)
    web = root / "shop" / "web.py"
    web.write_bytes(b'"""Web."""\rfrom shop.payments._gateway import pay\rX = 1\r')
    diff = run_cli(root, "check", "--diff", "--no-cache")
    assert diff.returncode == 1, diff.stderr
    assert "No newline at end of file" not in diff.stdout
    assert [line[0] for line in diff.stdout.splitlines()[3:]] == [" ", "-", "+", " "]
    run_cli(root, "check", "--fix", "--no-cache")
    assert web.read_bytes() == b'"""Web."""\rfrom shop.payments.api import pay\rX = 1\r'


# -- 17: import_module strings that are not module names ---------------------------------------------------


def test_import_module_strings_that_are_not_module_names_are_not_reported(tmp_path: Path) -> None:
    config = CONFIG + '\n[[tool.arch_rules.forbid]]\nfrom = ["shop.web"]\nimport = ["shop.payments"]\n'
    body = (
        '"""Web."""\nimport importlib\n'
        'importlib.import_module("shop.payments\\x1b[2J")\n'
        'importlib.import_module("shop/payments/../api")\n'
        'importlib.import_module("shop.payments.{name}")\n'
        'importlib.import_module("shop.payments.api")\n'
    )
    root = make_project(tmp_path / "p", config, {**FILES, "shop/web.py": body})
    done = run_cli(root, "check", "--no-cache", "--format", "json")
    findings = [f for f in json.loads(done.stdout)["findings"] if f["path"] == "shop/web.py"]
    assert [f["line"] for f in findings] == [6], findings


# -- 18: configuration messages ---------------------------------------------------------------------------


def test_a_key_with_a_newline_or_escape_stays_one_inert_line(tmp_path: Path) -> None:
    key = '"evil\\narch-rules: forged\\u001b[2J" = 1'
    config = CONFIG.replace('root_packages = ["shop"]', f'root_packages = ["shop"]\n{key}')
    done = run_cli(make_project(tmp_path / "p", config), "check")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "\x1b" not in done.stderr
    assert "evil\\narch-rules: forged\\x1b[2J" in done.stderr


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("require_owner = 07:32:00", "expected true or false, got a time of day"),
        ("require_owner = 1979-05-27", "expected true or false, got a date"),
    ],
)
def test_type_names_read_as_english(tmp_path: Path, line: str, expected: str) -> None:
    config = CONFIG.replace('root_packages = ["shop"]', f'root_packages = ["shop"]\n{line}')
    done = run_cli(make_project(tmp_path / "p", config), "check")
    assert done.returncode == 2 and expected in done.stderr, done.stderr


def test_a_wrong_item_in_a_list_is_named_not_the_list(tmp_path: Path) -> None:
    config = CONFIG + '\n[tool.arch_rules.rules.per_file_ignores]\n"tests/*" = ["ARC1", 3]\n'
    done = run_cli(make_project(tmp_path / "p", config), "check")
    assert done.returncode == 2, done.stderr
    assert 'per_file_ignores."tests/*"[1]: expected a rule code, got a number' in done.stderr
    assert "got a list" not in done.stderr


# -- 19: control characters in text, GitHub and step-summary output ----------------------------------------


def test_control_characters_never_reach_the_terminal_or_the_ci_log(tmp_path: Path) -> None:
    hostile = "keep\\u001b[2J\\u202eevil\\r\\u0007"
    order = 'order = ["shop.web", "shop.domain"]'
    config = CONFIG.replace(order, f'{order}\nbecause = "{hostile}"')
    root = make_project(tmp_path / "p", config)
    summary = tmp_path / "summary.md"
    done = run_cli(
        root, "check", "--format", "text", "--format", "github:gh.txt", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert done.returncode == 1, done.stderr
    for text in (done.stdout, (root / "gh.txt").read_text(), summary.read_text()):
        assert not any(ch in text for ch in "\x1b\u202e\r\x07"), repr(text)
    assert "keep\\x1b[2J\\u202eevil" in done.stdout


# -- 20: hints that fit the cause; init keeps CRLF and links ------------------------------------------------


def test_arc003_hints_fit_the_cause(tmp_path: Path) -> None:
    files = {**FILES, "shop/latin.py": b"x = '\xe9'\n".decode("latin-1"), "shop/broken.py": "def f(:\n"}
    root = make_project(tmp_path / "p", files=files)
    (root / "shop" / "latin.py").write_bytes(b"x = '\xe9'\n")
    done = run_cli(root, "check", "--no-cache", "--no-graph")
    lines = {line.split(":")[0]: line for line in done.stdout.splitlines() if "ARC003" in line}
    assert "save it as UTF-8" in lines["shop/latin.py"]
    assert "fix the syntax" in lines["shop/broken.py"]


def test_init_write_keeps_crlf_and_writes_through_a_link(tmp_path: Path) -> None:
    root = tmp_path / "p"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    real = root / "pyproject.real.toml"  # beside it: a link's target folder is the project root
    real.write_bytes(b'[project]\r\nname = "shop"\r\n')
    (root / "pyproject.toml").symlink_to("pyproject.real.toml")
    done = run_cli(root, "init", "--write")
    assert done.returncode == 0, done.stderr
    assert (root / "pyproject.toml").is_symlink()
    data = real.read_bytes()
    assert b"[tool.arch_rules]" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert os.path.isfile(real)
