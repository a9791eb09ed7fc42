"""Issue 10, items 1-5: arch-rules loses no data and writes nothing outside the project.

Black-box: each test runs the command line on a scratch project and looks at the file system after.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.reliability import CONFIG, FIX_CONFIG, make_project, run_cli, snapshot

CACHE_DIR_DATA = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\ncache_dir = "data"')


# -- 1. the cache clean-up deletes only what arch-rules made --------------------------------------------


def test_a_user_folder_as_cache_dir_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", CACHE_DIR_DATA)
    (root / "data" / "grimp-sprites").mkdir(parents=True)
    (root / "data" / "grimp-sprites" / "hero.png").write_bytes(b"png")
    (root / "data" / "stat-v2-mine.pickle").write_bytes(b"mine")
    before = snapshot(root / "data")
    done = run_cli(root, "check")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "cache_dir: 'data' is a folder arch-rules did not create" in done.stderr
    assert snapshot(root / "data") == before


def test_a_cache_folder_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "grimp-keep").mkdir(parents=True)
    (outside / "result-v1-x.pickle").write_bytes(b"keep")
    root = make_project(tmp_path / "p")
    (root / ".arch_rules_cache").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    done = run_cli(root, "check")
    assert done.returncode == 2, done.stderr
    assert "leads outside the project" in done.stderr and done.stderr.count("\n") == 1
    assert snapshot(outside) == before


def test_the_cache_folder_is_made_and_marked_and_old_entries_go(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    assert run_cli(root, "check").returncode == 1
    folder = root / ".arch_rules_cache"
    assert (folder / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".arch-rules-cache").is_file()
    (folder / "result-v1-0.0.1-py39-old.pickle").write_bytes(b"old")  # an older arch-rules' entry
    (folder / "notes.txt").write_bytes(b"not ours by name")
    (root / "shop" / "web.py").write_text('"""Web, edited."""\nfrom shop import domain\n')  # a write is due
    assert run_cli(root, "check").returncode == 1
    assert not (folder / "result-v1-0.0.1-py39-old.pickle").exists()
    assert (folder / "notes.txt").read_bytes() == b"not ours by name"


def test_an_empty_folder_is_adopted(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", CACHE_DIR_DATA)
    (root / "data").mkdir()
    assert run_cli(root, "check").returncode == 1
    assert (root / "data" / ".arch-rules-cache").is_file()


# -- 2. reports, baselines, fixes and init never replace what is at the target ------------------------


def test_dev_null_stays_a_device(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    done = run_cli(root, "check", "--format", "sarif:/dev/null")
    assert done.returncode == 1, done.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_stdout_targets_write_to_the_stream(tmp_path: Path, target: str) -> None:
    root = make_project(tmp_path / "p")
    done = run_cli(root, "check", "--format", f"json:{target}")
    assert done.returncode == 1, done.stderr
    assert done.stdout.lstrip().startswith("{") and '"ARC101"' in done.stdout
    assert not (root / "-").exists()


def test_a_symlinked_report_is_written_through(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    real = root / "reports" / "real.sarif"
    real.parent.mkdir()
    real.write_text("old")
    (root / "link.sarif").symlink_to(real)
    assert run_cli(root, "check", "--format", "sarif:link.sarif").returncode == 1
    assert (root / "link.sarif").is_symlink()
    assert '"ARC101"' in real.read_text()


def test_a_fifo_report_is_written_to_never_replaced(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    fifo = root / "report.fifo"
    os.mkfifo(fifo)
    done = run_cli(root, "check", "--format", "json:report.fifo", timeout=60)
    # Nobody reads the FIFO: a one-line error (exit 2), not a hang, and the FIFO is still a FIFO.
    assert done.returncode == 2, done.stderr
    assert "report.fifo" in done.stderr and done.stderr.count("\n") == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_read_only_report_is_an_error_not_overwritten(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    target = root / "report.json"
    target.write_text("keep")
    target.chmod(0o444)
    done = run_cli(root, "check", "--format", "json:report.json")
    assert done.returncode == 2, done.stderr
    assert "read-only" in done.stderr
    assert target.read_text() == "keep"


def test_a_symlinked_baseline_is_written_through(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "keep").mkdir()
    (root / "keep" / "baseline.json").write_text("{}")
    (root / ".arch-rules-baseline.json").symlink_to("keep/baseline.json")
    done = run_cli(root, "baseline")
    assert done.returncode == 0, done.stderr
    assert (root / ".arch-rules-baseline.json").is_symlink()
    assert '"ARC101"' in (root / "keep" / "baseline.json").read_text()


def test_a_report_path_thousands_of_folders_deep_is_a_one_line_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    try:
        deep = "/".join(["d"] * 2000) + "/report.json"  # 2,000 folders: once a RecursionError (exit 3)
        done = run_cli(root, "check", "--format", f"json:{deep}")
        assert done.returncode == 1, done.stderr
        assert (root / deep).is_file()
        longer = "/".join(["d" * 200] * 30) + "/report.json"  # beyond PATH_MAX: an error, in one line
        done = run_cli(root, "check", "--format", f"json:{longer}")
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "cannot write" in done.stderr
    finally:  # pytest's own clean-up recurses once per folder: remove the deep ones here
        subprocess.run(["rm", "-rf", str(root / "d"), str(root / ("d" * 200))], check=True, timeout=60)


# -- 3. paths from the configuration stay inside the project --------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [("rules.baseline", "../victim.json"), ("rules.baseline", "/tmp/victim.json"), ("codeowners", "../CODEOWNERS")],
)
def test_configured_paths_outside_the_project_are_refused(tmp_path: Path, key: str, value: str) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    section, _, name = key.rpartition(".")
    config = CONFIG + (f'\n[tool.arch_rules.{section}]\n{name} = "{value}"\n' if section else "")
    if not section:
        config = config.replace('root_packages = ["shop"]', f'root_packages = ["shop"]\n{name} = "{value}"')
    root = make_project(tmp_path / "p", config)
    for command in ("baseline", "check"):
        done = run_cli(root, command)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "outside the project" in done.stderr, done.stderr
    assert victim.read_text() == "precious"


def test_a_configured_baseline_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    root = make_project(tmp_path / "p")
    (root / ".arch-rules-baseline.json").symlink_to(victim)
    done = run_cli(root, "baseline")
    assert done.returncode == 2 and "outside the project" in done.stderr, done.stderr
    assert victim.read_text() == "precious"


def test_a_command_line_path_outside_is_the_users_choice(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    done = run_cli(root, "baseline", "--output", str(tmp_path / "elsewhere.json"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "elsewhere.json").is_file()


# -- 5. --fix keeps owner, group and hard links ---------------------------------------------------------

FIXABLE = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/web.py": '"""Web."""\nfrom shop.payments._gateway import pay\n',
    "shop/payments/__init__.py": '"""Payments."""\n',
    "shop/payments/api.py": '"""API."""\n__all__ = ["pay"]\nfrom shop.payments._gateway import pay\n',
    "shop/payments/_gateway.py": '"""Gateway."""\n\n\ndef pay() -> None:\n    """Pay."""\n',
}


def test_fix_writes_through_hard_links(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIX_CONFIG, FIXABLE)
    other = tmp_path / "web-link.py"
    os.link(root / "shop" / "web.py", other)
    run_cli(root, "check", "--fix")
    fixed = (root / "shop" / "web.py").read_text()
    assert "from shop.payments.api import pay" in fixed
    assert other.read_text() == fixed
    assert os.stat(other).st_ino == os.stat(root / "shop" / "web.py").st_ino


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_fix_keeps_owner_and_group(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIX_CONFIG, FIXABLE)
    web = root / "shop" / "web.py"
    os.chown(web, 4321, 4322)
    run_cli(root, "check", "--fix")
    assert "from shop.payments.api import pay" in web.read_text()
    assert (os.stat(web).st_uid, os.stat(web).st_gid) == (4321, 4322)
