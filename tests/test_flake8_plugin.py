"""The flake8 plugin through the real flake8 CLI: the same per-file findings as `arch-rules check`.

flake8 runs as a subprocess (its plugin discovery, option parsing, ``--jobs`` pool and noqa handling are
what a user gets), and every comparison is against `arch-rules check --no-graph --format json` on the same
tree: codes, lines, columns and messages must agree. ARC003 is the one deliberate difference: flake8 runs no
tree plugin on a file it cannot parse and reports its own E999 instead.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.testing import write_project

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "fixtures" / "example"

CONFIG = """\
[project]
name = "shop"
version = "0"

[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.orders | shop.payments", "shop.domain"]
because = "Web on top, domain at the bottom."

[tool.arch_rules.teams.orders]
owns = ["shop.orders"]
contact = "#orders"

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
contact = "#payments"

[tool.arch_rules.rules]
ignore = ["ARC301"]
per_file_ignores = { "src/shop/legacy/**" = ["ARC101"] }
"""

FILES = {
    "src/shop/__init__.py": '"""Shop."""\n',
    "src/shop/web/__init__.py": '"""Web."""\n',
    "src/shop/web/views.py": "X = 1\n",
    "src/shop/domain/__init__.py": '"""Domain."""\n',
    # ARC101 (domain imports web), on line 3.
    "src/shop/domain/model.py": '"""Model."""\n\nfrom shop.web import views\n',
    "src/shop/orders/__init__.py": '"""Orders."""\n',
    # ARC101 + ARC102 + ARC105 on line 3; the noqa'd ARC101 on line 4 has no reason: ARC403.
    "src/shop/orders/checkout.py": (
        "import os\n\nfrom shop.payments._gateway import Charge\nfrom shop.web import views  # noqa: ARC101\n"
    ),
    "src/shop/payments/__init__.py": '"""Payments."""\n',
    "src/shop/payments/api.py": (
        '"""What other teams may use."""\n\nfrom shop.payments._gateway import Charge\n\n__all__ = ["Charge"]\n'
    ),
    "src/shop/payments/_gateway.py": "class Charge:\n    pass\n",
    # per_file_ignores: no ARC101 here.
    "src/shop/legacy/__init__.py": "",
    "src/shop/legacy/old.py": "from shop.web import views\n",
    # In the project root but not a module of the project.
    "scripts/tool.py": "from shop.payments._gateway import Charge\n",
}

LINE_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")


def make_project(root: Path, files: dict[str, str] = FILES, config: str = CONFIG) -> Path:
    return write_project(root, files, config)


def flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "ARC", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def parse(output: str) -> set[tuple[str, int, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = LINE_RE.match(line)
        assert match, f"not a flake8 line: {line!r}"
        path = match["path"].removeprefix("./")
        found.add((path, int(match["line"]), int(match["col"]), match["code"], match["message"]))
    return found


def cli_per_file(cwd: Path, *args: str) -> set[tuple[str, int, int, str, str]]:
    """What `arch-rules check` reports for Python files, without the graph (ARC003 left out, see above)."""
    done = subprocess.run(
        [sys.executable, "-m", "arch_rules", "check", "--no-graph", "--no-cache", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    return {
        (f["path"], f["line"], f["column"], f["code"], f["message"])
        for f in json.loads(done.stdout)["findings"]
        if f["path"].endswith(".py") and f["code"] != "ARC003"
    }


def codes(found: set[tuple[str, int, int, str, str]]) -> set[tuple[str, int, str]]:
    return {(path, line, code) for path, line, _, code, _ in found}


def test_flake8_reports_the_same_per_file_findings_as_the_cli(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    done = flake8(project, "src", "scripts")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    found = parse(done.stdout)
    assert found == cli_per_file(project)
    assert codes(found) == {
        ("src/shop/domain/model.py", 3, "ARC101"),
        ("src/shop/orders/checkout.py", 3, "ARC101"),
        ("src/shop/orders/checkout.py", 3, "ARC102"),
        ("src/shop/orders/checkout.py", 3, "ARC105"),
        ("src/shop/orders/checkout.py", 4, "ARC403"),
    }


def test_parallel_jobs_give_the_same_findings(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    serial = flake8(project, "--jobs", "1", "src")
    parallel = flake8(project, "--jobs", "2", "src")
    assert parallel.returncode == 1, parallel.stderr
    assert parse(parallel.stdout) == parse(serial.stdout) == cli_per_file(project)


def test_noqa_with_a_reason_suppresses_without_arc403(tmp_path: Path) -> None:
    files = dict(FILES)
    files["src/shop/orders/checkout.py"] = (
        "from shop.payments._gateway import Charge  # noqa: ARC101, ARC102, ARC105 -- moving to the API in Q3\n"
        "from shop.web import views  # noqa: ARC101\n"
    )
    project = make_project(tmp_path / "shop", files)
    found = parse(flake8(project, "src").stdout)
    assert found == cli_per_file(project)
    checkout = {(line, code) for path, line, code in codes(found) if path.endswith("checkout.py")}
    # The reasoned noqa hides everything on line 1; the reasonless one still costs an ARC403.
    assert checkout == {(2, "ARC403")}


def test_flake8_noqa_is_flake8s_own(tmp_path: Path) -> None:
    """``--disable-noqa`` brings the suppressed findings back: noqa is applied by flake8, not by us."""
    project = make_project(tmp_path / "shop")
    found = codes(parse(flake8(project, "--disable-noqa", "src/shop/orders/checkout.py").stdout))
    assert ("src/shop/orders/checkout.py", 4, "ARC101") in found
    assert ("src/shop/orders/checkout.py", 4, "ARC403") in found


def test_stdin_with_display_name(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    source = (project / "src/shop/orders/checkout.py").read_text()
    by_file = parse(flake8(project, "src/shop/orders/checkout.py").stdout)
    by_stdin = flake8(project, "--stdin-display-name", "src/shop/orders/checkout.py", "-", stdin=source)
    assert by_stdin.returncode == 1, by_stdin.stderr
    assert parse(by_stdin.stdout) == by_file
    # What flake8 reads from stdin is what is checked, not the file on disk.
    edited = flake8(project, "--stdin-display-name", "src/shop/orders/checkout.py", "-", stdin="import os\n")
    assert (edited.returncode, edited.stdout) == (0, "")
    nameless = flake8(project, "-", stdin=source)
    assert (nameless.returncode, nameless.stdout, nameless.stderr) == (0, "", "")


def test_files_outside_any_project_yield_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    lone = tmp_path / "elsewhere" / "lone.py"
    lone.parent.mkdir()
    lone.write_text("from shop.payments._gateway import Charge\n")
    for cwd, target in ((tmp_path, str(lone)), (project, "scripts/tool.py")):
        done = flake8(cwd, target)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_rules_ignore_and_per_file_ignores_of_the_configuration_apply(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    found = codes(parse(flake8(project, "src").stdout))
    assert not any(code == "ARC301" for _, _, code in found)  # rules.ignore
    assert not any(path.startswith("src/shop/legacy/") for path, _, _ in found)  # per_file_ignores


def test_config_option_from_another_directory(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop")
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    (elsewhere / "model.py").write_text("from shop.web import views\n")
    # The file is not a module of that project: nothing, quietly.
    done = flake8(tmp_path, "--arch-rules-config", str(project / "pyproject.toml"), str(elsewhere / "model.py"))
    assert (done.returncode, done.stdout) == (0, "")
    done = flake8(tmp_path, "--arch-rules-config", "shop/pyproject.toml", "shop/src/shop/domain/model.py")
    assert codes(parse(done.stdout)) == {("shop/src/shop/domain/model.py", 3, "ARC101")}


def test_a_broken_configuration_is_one_finding_once_per_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "shop", config=CONFIG.replace('contact = "#orders"', 'contcat = "#orders"'))
    for jobs in ("1", "2"):
        done = flake8(project, "--jobs", jobs, "src")
        assert done.returncode == 1
        assert "Traceback" not in done.stdout + done.stderr
        found = parse(done.stdout)
        assert len(found) == 1, done.stdout  # once per run, also with two worker processes
        ((path, line, column, code, message),) = found
        assert (line, column, code) == (1, 1, "ARC000")
        assert path.endswith(".py")
        assert "tool.arch_rules.teams.orders.contcat: unknown key" in message


def test_a_broken_configuration_leaves_the_other_plugins_running(tmp_path: Path) -> None:
    """The user's `flake8 --select E501` is not taken down by an unknown key in [tool.arch_rules]."""
    files = dict(FILES)
    files["src/shop/web/views.py"] = "X = 1  # " + "a long comment " * 10 + "\n"
    project = make_project(tmp_path / "shop", files, config=CONFIG.replace("contact =", "contcat =", 1))
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--jobs", jobs, "--select", "E501", "src"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert (done.returncode, done.stderr) == (1, ""), done.stdout
        assert {(p, line, code) for p, line, _, code, _ in parse(done.stdout)} == {("src/shop/web/views.py", 1, "E501")}


def test_the_baseline_is_honoured_as_by_check(tmp_path: Path) -> None:
    """`check` passes and `flake8` fails on the same tree no more: accepted findings stay accepted."""
    project = make_project(tmp_path / "shop")
    subprocess.run([sys.executable, "-m", "arch_rules", "baseline"], cwd=project, check=True, capture_output=True)
    (project / "src/shop/web/new.py").write_text("from shop.payments._gateway import Charge\n")  # new: reported
    found = parse(flake8(project, "src").stdout)
    assert found == cli_per_file(project)
    assert codes(found) == {
        ("src/shop/web/new.py", 1, "ARC102"),
        ("src/shop/web/new.py", 1, "ARC105"),
    }


MULTI_LINE = (
    "from shop.payments._gateway import (\n    Charge,  # noqa: ARC101, ARC102, ARC105 -- moving to the API in Q3\n)\n"
)


def test_disable_noqa_covers_multi_line_imports(tmp_path: Path) -> None:
    files = {**FILES, "src/shop/orders/checkout.py": MULTI_LINE}
    project = make_project(tmp_path / "shop", files)
    quiet = parse(flake8(project, "src").stdout)
    assert not any(path.endswith("checkout.py") for path, *_ in quiet)
    assert quiet == cli_per_file(project)
    loud = parse(flake8(project, "--disable-noqa", "src").stdout)
    assert loud == cli_per_file(project, "--disable-noqa")
    assert {(line, code) for path, line, _, code, _ in loud if path.endswith("checkout.py")} == {
        (1, "ARC101"),
        (1, "ARC102"),
        (1, "ARC105"),
    }


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        # The file-level comment: flake8 skips the file, so nothing in it is reported by either.
        ("# flake8: noqa\n", set()),
        ("# flake8: noqa: E501\n", set()),  # codes after it change nothing (flake8 ignores them)
        # Codes are compared as written (flake8's way): lower case suppresses nothing.
        ("", {"ARC101", "ARC102", "ARC105"}),
    ],
)
def test_file_level_noqa_agrees(tmp_path: Path, comment: str, reported: set[str]) -> None:
    files = {**FILES, "src/shop/orders/checkout.py": comment + "from shop.payments._gateway import Charge\n"}
    project = make_project(tmp_path / "shop", files)
    found = parse(flake8(project, "src").stdout)
    assert found == cli_per_file(project)
    assert {code for path, _, _, code, _ in found if path.endswith("checkout.py")} == reported


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("  # NOQA: arc102 -- lower case", {"ARC101", "ARC102", "ARC105"}),  # flake8 compares codes as written
        ("  # NOQA: ARC102, ARC101, ARC105 -- upper-case NOQA is fine", set()),
        ("  #noqa: ARC102 -- no space", {"ARC101", "ARC102", "ARC105"}),  # flake8 wants "# noqa"
    ],
)
def test_noqa_spellings_agree(tmp_path: Path, comment: str, reported: set[str]) -> None:
    files = {**FILES, "src/shop/orders/checkout.py": f"from shop.payments._gateway import Charge{comment}\n"}
    project = make_project(tmp_path / "shop", files)
    found = parse(flake8(project, "src").stdout)
    assert found == cli_per_file(project)
    assert {code for path, _, _, code, _ in found if path.endswith("checkout.py")} == reported


def test_example_fixture_agrees_with_the_cli() -> None:
    if not (EXAMPLE / "pyproject.toml").is_file():
        pytest.skip("fixtures/example is not there yet")
    found = parse(flake8(EXAMPLE, "--extend-select", "SHOP", "src").stdout)
    expected = cli_per_file(EXAMPLE)
    assert found == expected
    assert parse(flake8(EXAMPLE, "--extend-select", "SHOP", "--jobs", "2", "src").stdout) == expected


def test_a_process_that_runs_flake8_twice_reports_the_problem_each_time(tmp_path: Path) -> None:
    """An editor's in-process flake8 (one process, many runs): each run reports ARC000 and sees the fix."""
    project = make_project(tmp_path / "shop", config=CONFIG.replace("contact =", "contcat =", 1))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from flake8.main.application import Application\n"
        "def run():\n"
        "    app = Application()\n"
        "    app.run(['--isolated', '--select', 'ARC', 'src/shop/domain/model.py'])\n"
        "    print('exit', app.exit_code(), flush=True)\n"
        "run()\n"
        "run()\n"
        "Path('pyproject.toml').write_text(Path('pyproject.toml').read_text().replace('contcat =', 'contact ='))\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines if ": ARC" in line] == ["ARC000", "ARC000", "ARC101"]
    assert lines.count("exit 1") == 3
