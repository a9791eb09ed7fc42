"""The content-hash cache: a run with a cache reports exactly what a run without one does, whatever
happened to the cache in between (edits, configuration changes, damage, concurrent runs, a new version).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import arch_rules
from arch_rules.engine import cache as cache_module
from arch_rules.engine import run as engine
from arch_rules.engine import store
from arch_rules.errors import ConfigError
from arch_rules.testing import write_project

CONFIG = """\
[project]
name = "shop"

[tool.arch_rules]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
"""

FILES = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/web.py": '"""Web."""\nfrom shop import domain\n',
    "shop/domain.py": '"""Domain."""\nimport os\n',
    "shop/payments/__init__.py": '"""Payments."""\n',
    "shop/payments/api.py": (
        '"""API."""\n__all__ = ["charge"]\n\n\ndef charge(amount: int) -> int:\n    """Charge."""\n    return amount\n'
    ),
    "shop/payments/_gateway.py": '"""Gateway."""\n',
}


def make_project(root: Path, config: str = CONFIG, files: dict[str, str] | None = None) -> Path:
    return write_project(root, files or FILES, config)


def found(root: Path, **options: object) -> set[tuple[str, str, int]]:
    report = arch_rules.check(root, **options)
    return {(f.code, f.path, f.line) for f in report.findings}


def pickles(root: Path, folder: str = ".arch_rules_cache") -> list[Path]:
    return sorted((root / folder).glob("*.pickle"))


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs that analysed the project (a whole-result cache miss)."""
    calls: list[int] = []
    original = engine.analyse

    def counting(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "analyse", counting)
    return calls


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the files whose facts were read from source (a facts cache miss)."""
    calls: list[int] = []
    original = store.extract_many

    def counting(contents: list[bytes], jobs: int | None):  # type: ignore[no-untyped-def]
        calls.append(len(contents))
        return original(contents, jobs)

    monkeypatch.setattr(store, "extract_many", counting)
    return calls


def test_nothing_changed_reuses_the_whole_result(tmp_path: Path, analyses: list[int], extracted: list[int]) -> None:
    root = make_project(tmp_path)
    first = found(root)
    assert ("ARC101", "shop/domain.py", 2) not in first  # sanity: domain is below web
    assert first == found(root)
    assert analyses == [1] and extracted == [len(FILES)]


def test_an_edited_file_changes_its_findings_and_only_it_is_read_again(
    tmp_path: Path, analyses: list[int], extracted: list[int]
) -> None:
    root = make_project(tmp_path)
    assert not any(code == "ARC101" for code, _, _ in found(root))
    (root / "shop/domain.py").write_text('"""Domain."""\nimport os\nfrom shop import web\n', encoding="utf-8")
    assert ("ARC101", "shop/domain.py", 3) in found(root)
    (root / "shop/domain.py").write_text('"""Domain."""\nimport os\n', encoding="utf-8")
    assert not any(code == "ARC101" for code, _, _ in found(root))
    # Only the edited file was read again; its original content's facts were still in the store.
    assert extracted == [len(FILES), 1]
    assert found(root) == found(root, cache=False)


def test_an_edited_configuration_rechecks_everything(tmp_path: Path, analyses: list[int]) -> None:
    root = make_project(tmp_path)
    assert not any(code == "ARC101" for code, _, _ in found(root))
    upside_down = CONFIG.replace('["shop.web", "shop.domain"]', '["shop.domain", "shop.web"]')
    (root / "pyproject.toml").write_text(upside_down, encoding="utf-8")
    assert ("ARC101", "shop/web.py", 2) in found(root)
    assert analyses == [1, 1]
    assert found(root) == found(root, cache=False)


def test_lines_moving_in_pyproject_outside_the_table_move_arc001(tmp_path: Path) -> None:
    # The table means the same, but ARC001 is located by line in pyproject.toml.
    config = CONFIG + '\n[tool.arch_rules.teams.ghost]\nowns = ["shop.nothing"]\n'
    root = make_project(tmp_path, config)
    before = {line for code, path, line in found(root) if code == "ARC001"}
    (root / "pyproject.toml").write_text("# a comment\n\n" + config, encoding="utf-8")
    after = {line for code, path, line in found(root) if code == "ARC001"}
    assert before and after == {line + 2 for line in before}


def test_select_ignore_and_paths_apply_to_a_cached_result(tmp_path: Path, analyses: list[int]) -> None:
    files = dict(FILES)
    files["shop/domain.py"] = '"""Domain."""\nfrom shop import web\nfrom shop.payments import _gateway\n'
    root = make_project(tmp_path, files=files)
    everything = found(root)
    assert {"ARC101", "ARC102"} <= {code for code, _, _ in everything}
    assert found(root, select=("ARC101",)) == {f for f in everything if f[0] == "ARC101"}
    assert found(root, ignore=("ARC101",)) == {f for f in everything if f[0] != "ARC101"}
    assert found(root, paths=[str(root / "shop/web.py")]) == {f for f in everything if f[1] == "shop/web.py"}
    assert analyses == [1]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-shape"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    root = make_project(tmp_path)
    (root / "shop/domain.py").write_text('"""Domain."""\nfrom shop import web\n', encoding="utf-8")
    expected = found(root, cache=False)
    found(root)
    files = pickles(root)
    assert any(p.name.startswith("result-") for p in files) and any(p.name.startswith("facts-") for p in files)
    for path in files:
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            path.write_bytes(b"\x80\x05not a pickle at all")
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(pickle.dumps({"key": "not this one", "findings": "nonsense"}))
        assert found(root) == expected, path.name
        if path.name.startswith(("facts-", "graph-", "shared-")):
            # A whole-result hit never reads the facts, the kept graph or the recent whole-project parts;
            # the next run that needs them rewrites the entry.
            for result in (root / ".arch_rules_cache").glob("result-*.pickle"):
                result.unlink()
            if path.name.startswith("graph-"):  # else the recent whole-project part spares building the graph
                for recent in (root / ".arch_rules_cache").glob("shared-*.pickle"):
                    recent.unlink()
            assert found(root) == expected, path.name
        assert found(root) == expected, path.name  # and again, from whatever was rewritten
        loaded = pickle.loads(path.read_bytes())
        assert isinstance(loaded, dict), f"{path.name} was not rewritten"


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    found(root, cache=False)
    subprocess.run(
        [sys.executable, "-m", "arch_rules", "check", "--no-cache"], cwd=root, capture_output=True, check=False
    )
    assert not (root / ".arch_rules_cache").exists()


def test_cache_dir_is_configurable(tmp_path: Path) -> None:
    config = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\ncache_dir = "build/lint-cache"')
    root = make_project(tmp_path, config)
    found(root)
    assert pickles(root, "build/lint-cache")
    assert not (root / ".arch_rules_cache").exists()


def test_a_new_tool_version_invalidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyses: list[int], extracted: list[int]
) -> None:
    root = make_project(tmp_path)
    expected = found(root)
    old = pickles(root)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert found(root) == expected
    assert analyses == [1, 1] and extracted == [len(FILES), len(FILES)]
    new = pickles(root)
    assert all("-999.0-" in p.name for p in new) and not set(old) & set(new)  # old entries are dropped


def test_the_tag_names_format_version_python_and_source(monkeypatch: pytest.MonkeyPatch) -> None:
    tag = cache_module.version_tag()
    assert arch_rules.__version__ in tag and f"py{sys.version_info[0]}{sys.version_info[1]}" in tag
    assert cache_module.code_digest() in tag


def test_facts_stay_available_after_a_whole_result_hit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    cold = engine.run_full(engine.Options(start=root)).project.facts
    warm = engine.run_full(engine.Options(start=root)).project.facts
    assert isinstance(warm, store.FactStore)
    assert dict(warm.items()) == dict(cold.items())
    assert warm["shop.web"] == cold["shop.web"] and "shop.domain" in warm and len(warm) == len(cold)


def test_parallel_and_serial_reading_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = dict(FILES)
    for i in range(100):  # above defaults.PARALLEL_THRESHOLD
        files[f"shop/core/m_{i:03d}.py"] = f'"""Module {i}."""\nfrom shop import web\nimport os\n'
    files["shop/core/__init__.py"] = '"""Core."""\n'
    config = CONFIG.replace('"shop.domain"]', '"shop.domain", "shop.core"]')
    root = make_project(tmp_path, config, files)
    serial = found(root, cache=False, jobs=1)
    assert len([f for f in serial if f[0] == "ARC101"]) == 100
    assert found(root, cache=False, jobs=2) == serial


@pytest.mark.slow
def test_concurrent_runs_are_both_right_and_leave_a_readable_cache(tmp_path: Path) -> None:
    files = dict(FILES)
    for i in range(80):  # enough to use the worker pool
        files[f"shop/core/m_{i:03d}.py"] = f'"""Module {i}."""\nfrom shop import web\n'
    files["shop/core/__init__.py"] = '"""Core."""\n'
    config = CONFIG.replace('"shop.domain"]', '"shop.domain", "shop.core"]')
    root = make_project(tmp_path, config, files)
    command = [sys.executable, "-m", "arch_rules", "check", "--format", "json"]

    def codes(output: str) -> list[tuple[str, str, int]]:
        return sorted((f["code"], f["path"], f["line"]) for f in json.loads(output)["findings"])

    expected = codes(subprocess.run([*command, "--no-cache"], cwd=root, capture_output=True, text=True).stdout)
    assert len(expected) == 80
    for round_ in range(4):
        if round_ % 2 == 0:  # cold: both write everything at once; warm: both read while the other may write
            for path in pickles(root):
                path.unlink()
        (root / "shop/core/m_000.py").write_text(f'"""Module 0, round {round_}."""\nfrom shop import web\n')
        runs = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate()[0] for run in runs]
        for output in outputs:
            assert codes(output) == expected
    for path in pickles(root):
        assert isinstance(pickle.loads(path.read_bytes()), dict), path.name
    assert not list((root / ".arch_rules_cache").glob("*.tmp"))


def _messages(root: Path) -> dict[tuple[str, str, int], str]:
    return {(f.code, f.path, f.line): f.message for f in arch_rules.check(root).findings}


def test_partial_reuse_follows_what_other_files_export(tmp_path: Path) -> None:
    """A module's findings are reused after a change elsewhere, except when the change is in what an
    interface exports (ARC102 names the interface that exports the imported name)."""
    files = dict(FILES)
    files["shop/domain.py"] = '"""Domain."""\nfrom shop.payments._gateway import charge\n'
    files["shop/payments/_gateway.py"] = '"""Gateway."""\n\n\ndef charge(amount: int) -> int:\n    return amount\n'
    root = make_project(tmp_path, files=files)
    key = ("ARC102", "shop/domain.py", 2)
    assert "import charge from shop.payments.api instead" in _messages(root)[key]
    # The interface stops exporting charge: the importer's message must change although it did not.
    (root / "shop/payments/api.py").write_text('"""API."""\n__all__: list[str] = []\n')
    assert "does not export charge" in _messages(root)[key]
    fresh = {(f.code, f.path, f.line): f.message for f in arch_rules.check(root, cache=False).findings}
    assert _messages(root) == fresh


def test_partial_reuse_rechecks_the_graph_when_an_import_changes(tmp_path: Path) -> None:
    config = CONFIG + '\n[[tool.arch_rules.forbid]]\nfrom = ["shop.web"]\nimport = ["os"]\n'
    root = make_project(tmp_path, config)
    assert ("ARC204", "shop/web.py", 2) in found(root)  # shop.web -> shop.domain -> os
    (root / "shop/domain.py").write_text('"""Domain."""\n\n\nimport os\n')  # the chain's link moves
    fresh = found(root, cache=False)
    assert found(root) == fresh
    chain = next(f for f in arch_rules.check(root).findings if f.code == "ARC204").chain
    assert [link.line for link in chain] == [2, 4]
    (root / "shop/domain.py").write_text('"""Domain."""\n')  # the chain is gone
    assert found(root) == found(root, cache=False)
    assert not any(code == "ARC204" for code, _, _ in found(root))
    # An edit that moves no import reuses the graph's findings and is still right.
    (root / "shop/web.py").write_text('"""Web."""\nfrom shop import domain\n\n# a comment\n')
    assert found(root) == found(root, cache=False)


class _Planted:
    """What a hostile repository could commit as a cache entry: a pickle that runs code when loaded."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("touch planted-code-ran",))


def test_a_planted_cache_entry_is_never_executed(tmp_path: Path) -> None:
    import pickle

    from arch_rules.engine.cache import Cache

    root = make_project(tmp_path)
    expected = found(root, cache=False)
    cache = Cache(root / ".arch_rules_cache")
    (root / ".arch_rules_cache").mkdir()
    # A committed cache folder can carry arch-rules' marker too: the marker decides what may be deleted,
    # never what may be trusted.
    from arch_rules.model import cachedir

    (root / ".arch_rules_cache" / cachedir.MARKER).write_bytes(cachedir.MARKER_TEXT)
    for name in ("result", *(f"facts-{i:02x}" for i in range(256))):
        (root / ".arch_rules_cache" / f"{name}-{cache.tag}.pickle").write_bytes(pickle.dumps(_Planted()))
    monkey_cwd = os.getcwd()
    try:
        os.chdir(root)
        assert found(root) == expected
    finally:
        os.chdir(monkey_cwd)
    assert not (root / "planted-code-ran").exists()
    # ...and the cache still works afterwards (the entries were rewritten with real data).
    assert cache.read("result") is not None


def test_cache_dir_leaves_other_files_alone(tmp_path: Path) -> None:
    config = CONFIG.replace('root_packages = ["shop"]', 'root_packages = ["shop"]\ncache_dir = "data"')
    root = make_project(tmp_path, config)
    (root / "data").mkdir()
    (root / "data" / "model.pickle").write_bytes(b"user data")
    # Not a folder arch-rules made, and not empty: refused (exit 2), since clean-up deletes by name there.
    with pytest.raises(ConfigError, match="cache_dir: 'data' is a folder arch-rules did not create"):
        found(root)
    assert (root / "data" / "model.pickle").read_bytes() == b"user data"
    assert sorted(p.name for p in (root / "data").iterdir()) == ["model.pickle"]  # nothing written into it
    found(root, cache=False)  # --no-cache does not touch it at all
    assert sorted(p.name for p in (root / "data").iterdir()) == ["model.pickle"]


def test_a_new_module_is_seen_by_the_graph_of_its_unchanged_importers(tmp_path: Path) -> None:
    """grimp resolved `import shop.extra` against the old module set; its cache must not keep that."""
    config = CONFIG + '\n[[tool.arch_rules.forbid]]\nfrom = ["shop.web"]\nimport = ["os"]\n'
    files = dict(FILES)
    files["shop/web.py"] = '"""Web."""\nimport shop.extra\n'
    root = make_project(tmp_path, config, files)
    assert not any(code == "ARC204" for code, _, _ in found(root))
    (root / "shop/extra.py").write_text('"""Extra."""\nimport os\n')
    assert ("ARC204", "shop/web.py", 2) in found(root)
    assert found(root) == found(root, cache=False)


def test_an_edit_that_restores_the_mtime_is_still_seen(tmp_path: Path) -> None:
    config = CONFIG + '\n[[tool.arch_rules.forbid]]\nfrom = ["shop.web"]\nimport = ["os"]\n'
    root = make_project(tmp_path, config)
    domain = root / "shop/domain.py"
    old = os.stat(domain)
    os.utime(domain, ns=(old.st_atime_ns - 10**10, old.st_mtime_ns - 10**10))  # an old file
    assert ("ARC204", "shop/web.py", 2) in found(root)
    before = os.stat(domain)
    domain.write_text('"""Domain."""\nimport re\n')  # same size, then the mtime put back
    os.utime(domain, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(domain).st_size == before.st_size and os.stat(domain).st_mtime_ns == before.st_mtime_ns
    assert not any(code == "ARC204" for code, _, _ in found(root))
