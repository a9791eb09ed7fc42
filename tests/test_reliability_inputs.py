"""Issue 10, items 6-15: no crash, hang or exit 3 on bad input, and no silently wrong result.

Black-box through the command line (a subprocess with a timeout: a hang fails, it does not block CI),
except where a race has to be staged in-process (a file removed while the graph is scanned).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import arch_rules
from tests.reliability import CONFIG, FILES, make_project, run_cli


def one_line(stderr: str) -> bool:
    return stderr.count("\n") == 1 and "Traceback" not in stderr


# -- 6, 8: deep and long sources ------------------------------------------------------------------------


def test_deeply_nested_brackets_are_arc003_not_a_segfault(tmp_path: Path) -> None:
    files = {**FILES, "shop/deep.py": "x = " + "(" * 1500 + ")" * 1500 + "\n"}
    files["shop/deeper.py"] = "type A = int\nx = " + "[" * 1500 + "]" * 1500 + "\n"
    root = make_project(tmp_path / "p", files=files)
    done = run_cli(root, "check", "--no-cache")
    assert done.returncode == 1, done.stderr
    assert "shop/deep.py:1:" in done.stdout and "too many nested parentheses" in done.stdout
    assert "shop/deeper.py:" in done.stdout


def test_a_new_syntax_file_with_a_long_expression_is_read(tmp_path: Path) -> None:
    """A valid 3.12 file (a ``type`` statement) with a 1,500-term expression: its imports are checked."""
    long = "type Alias = int\nTOTAL = " + " + ".join(["1"] * 1500) + "\nfrom shop import web\n"
    files = {**FILES, "shop/domain.py": '"""Domain."""\n' + long}
    root = make_project(tmp_path / "p", files=files)
    done = run_cli(root, "check", "--no-cache", "--no-graph")
    assert done.returncode == 1, done.stderr
    assert "ARC003" not in done.stdout, done.stdout
    assert "shop/domain.py:4:1: ARC101" in done.stdout


def test_a_very_long_new_syntax_statement_is_arc003_with_the_reason(tmp_path: Path) -> None:
    long = "type Alias = int\nTOTAL = " + " + ".join(["1"] * 20_000) + "\n"
    root = make_project(tmp_path / "p", files={**FILES, "shop/big.py": long})
    done = run_cli(root, "check", "--no-cache", "--no-graph", timeout=60)
    assert done.returncode == 1, done.stderr
    assert "too long for the fallback reader" in done.stdout


# -- 7: folder links inside a package ---------------------------------------------------------------------


def test_folder_links_back_into_the_tree_do_not_hang_the_graph(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "shop" / "here").symlink_to(".", target_is_directory=True)
    (root / "shop" / "payments" / "up").symlink_to("..", target_is_directory=True)
    expected = run_cli(root, "check", "--no-cache", "--format", "json", timeout=60)
    assert expected.returncode == 1, expected.stderr
    assert '"shop.here' not in expected.stdout


# -- 9: bad patterns, deep TOML and JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    ['exclude = ["\\\\"]', '[tool.arch_rules.rules.per_file_ignores]\n"\\\\" = ["ARC1"]'],
)
def test_an_invalid_glob_in_the_configuration_is_one_line(tmp_path: Path, table: str) -> None:
    if "exclude" in table:
        config = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\n' + table)
    else:
        config = CONFIG + "\n" + table + "\n"
    root = make_project(tmp_path / "p", config)
    done = run_cli(root, "check")
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) and "not a valid gitignore-style pattern" in done.stderr


def test_an_invalid_gitignore_line_is_skipped_as_git_does(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / ".gitignore").write_text("\\\nshop/web.py\n")
    done = run_cli(root, "check", "--no-cache")
    assert done.returncode == 1, done.stderr
    assert "shop/web.py" not in done.stdout and "(5 files checked)" in done.stdout


def test_deeply_nested_toml_and_baseline_json_are_one_line_errors(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", CONFIG + "x = " + "[" * 5000 + "]" * 5000 + "\n")
    done = run_cli(root, "check")
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    root = make_project(tmp_path / "q")
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    done = run_cli(root, "check", "--baseline", "deep.json")
    assert done.returncode == 2 and one_line(done.stderr), done.stderr


# -- 10: a file removed while the graph is scanned --------------------------------------------------------


def test_a_file_removed_during_the_graph_scan_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import grimp.application.scanning as scanning

    # grimp reads the files only where the run's facts cannot give the imports: here, a graph that
    # leaves out TYPE_CHECKING imports (grimp's own reading of those blocks; arch_rules/graph/resolve.py).
    root = make_project(
        tmp_path / "p", CONFIG.replace("[tool.arch_rules]\n", '[tool.arch_rules]\ntype_checking_imports = "ignore"\n')
    )
    scan = scanning.scan_imports

    def racing(*args: object, **kwargs: object) -> object:
        (root / "shop" / "web.py").unlink(missing_ok=True)
        return scan(*args, **kwargs)

    # The file goes between the walk of the folders and grimp's scan of the files (the graph's own scan
    # calls grimp's scanner module directly).
    monkeypatch.setattr(scanning, "scan_imports", racing)
    report = arch_rules.check(root, cache=False)
    assert any("changed or removed during the run" in note and "shop.web" in note for note in report.notes)
    assert "panicked" not in capfd.readouterr().err


# -- 11: a damaged cache is a miss, and is rewritten ------------------------------------------------------


def _cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".arch_rules_cache").glob("*.pickle"))


def test_damaged_cache_entries_are_misses_and_are_rewritten(tmp_path: Path) -> None:
    from arch_rules.engine.cache import version_tag
    from arch_rules.model.findings import Finding

    root = make_project(tmp_path / "p")
    clean = run_cli(root, "check", "--no-cache")
    assert run_cli(root, "check").stdout == clean.stdout
    tag = version_tag()
    folder = root / ".arch_rules_cache"
    broken = Finding("ARC101", "m", "p")
    object.__setattr__(broken, "line", "not a number")
    forged = {
        "format": 2,
        "key": "x",
        "context": 1,
        "modules": {"shop/web.py": ("a", "b")},
        "shared": (broken,),
        "shared_key": "",
        "notes": [3],
    }
    (folder / f"result-{tag}.pickle").write_bytes(pickle.dumps(forged))
    stat_index = {rel: (0, 0, 0, 0, "unreadable:forged") for rel in FILES}
    (folder / f"stat-{tag}.pickle").write_bytes(pickle.dumps(stat_index))
    for entry in folder.glob("facts-*.pickle"):
        entry.write_bytes(pickle.dumps({"0" * 32: broken}))
    for attempt in range(2):
        done = run_cli(root, "check")
        assert (done.returncode, done.stdout) == (1, clean.stdout), (attempt, done.stderr)
    assert pickle.loads((folder / f"result-{tag}.pickle").read_bytes())["key"] != "x"


def test_a_fifo_in_the_cache_folder_does_not_hang(tmp_path: Path) -> None:
    from arch_rules.engine.cache import version_tag

    root = make_project(tmp_path / "p")
    clean = run_cli(root, "check", "--no-cache")
    run_cli(root, "check")
    tag = version_tag()
    for name in ("result", "stat"):
        path = root / ".arch_rules_cache" / f"{name}-{tag}.pickle"
        path.unlink()
        os.mkfifo(path)
    done = run_cli(root, "check", timeout=60)
    assert (done.returncode, done.stdout) == (1, clean.stdout), done.stderr
    assert not any(p.is_fifo() for p in _cache_entries(root))  # rewritten as entries


# -- 12: special files as configuration inputs ------------------------------------------------------------


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
@pytest.mark.parametrize("where", ["--config", "--baseline", "codeowners", "rules.baseline"])
def test_special_files_as_inputs_are_one_line_errors(tmp_path: Path, special: str, where: str) -> None:
    root = make_project(tmp_path / "p")
    target = root / "special"
    if special == "fifo":
        os.mkfifo(target)
    elif special == "folder":
        target.mkdir()
    else:
        target.symlink_to(special)
    args: list[str] = ["check"]
    if where == "--config":
        args += ["--config", "special"]
    elif where == "--baseline":
        args += ["--baseline", "special"]
    elif where == "codeowners":
        text = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\ncodeowners = "special"')
        (root / "pyproject.toml").write_text(text)
    else:
        (root / "pyproject.toml").write_text(CONFIG + '\n[tool.arch_rules.rules]\nbaseline = "special"\n')
    done = run_cli(root, *args, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert one_line(done.stderr), done.stderr


# -- 13: the per-file size limit --------------------------------------------------------------------------


def test_a_file_over_max_file_size_is_arc003_too_large(tmp_path: Path) -> None:
    config = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\nmax_file_size = 1000')
    files = {**FILES, "shop/generated.py": '"""Generated."""\n' + "X = 1\n" * 400}
    root = make_project(tmp_path / "p", config, files)
    for extra in (["--no-cache"], [], []):
        done = run_cli(root, "check", *extra)
        assert done.returncode == 1, done.stderr
        line = next(line for line in done.stdout.splitlines() if "shop/generated.py" in line)
        assert "ARC003" in line and "too large (2,417 bytes; max_file_size is 1,000)" in line
        assert "raise max_file_size" in line


@pytest.mark.parametrize("value", ["0", "-5", '"1MB"', "true"])
def test_max_file_size_must_be_a_positive_number(tmp_path: Path, value: str) -> None:
    config = CONFIG.replace('root_packages = ["shop"]', f'root_packages = ["shop"]\nmax_file_size = {value}')
    done = run_cli(make_project(tmp_path / "p", config), "check")
    assert done.returncode == 2 and one_line(done.stderr) and "max_file_size" in done.stderr, done.stderr


# -- 14, 15: an empty selection, an unreadable configuration -----------------------------------------------


@pytest.mark.parametrize("args", [["--select", ""], ["--select", ","], ["--ignore", " , "]])
def test_an_empty_selection_on_the_command_line_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    done = run_cli(make_project(tmp_path / "p"), "check", *args)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr


def test_an_empty_select_in_the_configuration_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", CONFIG + "\n[tool.arch_rules.rules]\nselect = []\n")
    done = run_cli(root, "check")
    assert done.returncode == 2 and one_line(done.stderr) and "rules.select" in done.stderr, done.stderr


def test_an_unreadable_pyproject_is_an_error_not_the_parents_table(tmp_path: Path) -> None:
    parent = make_project(tmp_path / "outer")
    inner = make_project(parent / "inner")
    (inner / "pyproject.toml").unlink()
    os.mkfifo(inner / "pyproject.toml")  # unreadable even for root
    done = run_cli(inner, "check", timeout=60)
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) and "inner/pyproject.toml" in done.stderr and "FIFO" in done.stderr


def test_an_unreadable_package_folder_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any folder, so the refusal is staged: scandir fails for one package folder."""
    root = make_project(tmp_path / "p")
    payments = os.path.join(str(root), "shop", "payments")
    scandir = os.scandir

    def refusing(path: object = ".") -> object:
        if os.fspath(path) == payments:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", payments)
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing)
    report = arch_rules.check(root, cache=False, graph=False)
    assert any(note.startswith("shop/payments: cannot be read (Permission denied)") for note in report.notes)
