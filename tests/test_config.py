"""Configuration: discovery, defaults, and every kind of bad input — exit 2, one clear line per problem."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arch_rules.adapters.cli import main
from arch_rules.model.config import load
from arch_rules.testing import write_project

PACKAGE = {
    "src/shop/__init__.py": '"""Shop."""\n',
    "src/shop/web/__init__.py": "",
    "src/shop/domain/__init__.py": "",
    "src/shop/payments/__init__.py": "",
}


def make(tmp_path: Path, table: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(table), encoding="utf-8")
    write_project(tmp_path, (files if files is not None else PACKAGE))
    return tmp_path


def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


BAD = [
    (
        "broken-toml",
        "[tool.arch_rules\nsource_roots = ['src']\n",
        ["pyproject.toml: invalid TOML"],
    ),
    (
        "unknown-key",
        '[tool.arch_rules]\nsource_roots = ["src"]\nrequire_onwer = true\n',
        ['pyproject.toml: tool.arch_rules.require_onwer: unknown key (did you mean "require_owner"?)'],
    ),
    (
        "wrong-type",
        '[tool.arch_rules]\nsource_roots = "src"\n',
        ['pyproject.toml: tool.arch_rules.source_roots: expected a list of strings, got a string (write ["src"])'],
    ),
    (
        "wrong-bool",
        '[tool.arch_rules]\nsource_roots = ["src"]\nrequire_owner = "yes"\n',
        ["pyproject.toml: tool.arch_rules.require_owner: expected true or false, got a string"],
    ),
    (
        "wrong-choice",
        '[tool.arch_rules]\nsource_roots = ["src"]\nlocal_imports = "skip"\n',
        ['pyproject.toml: tool.arch_rules.local_imports: expected one of "check", "ignore", got "skip"'],
    ),
    (
        "bad-pattern",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[tool.arch_rules.teams.web]\nowns = ["shop..web"]\n',
        ["pyproject.toml: tool.arch_rules.teams.web.owns[0]: malformed module pattern 'shop..web' (empty segment)"],
    ),
    (
        "bad-wildcard",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[tool.arch_rules.teams.web]\nowns = ["shop.we*"]\n',
        ["pyproject.toml: tool.arch_rules.teams.web.owns[0]: malformed module pattern 'shop.we*'"],
    ),
    (
        "unknown-team",
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        [tool.arch_rules.teams.platform]
        owns = ["shop.domain"]
        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        depends_on = ["platfrom"]
        """,
        [
            'pyproject.toml: tool.arch_rules.teams.payments.depends_on[0]: unknown team "platfrom" '
            '(did you mean "platform"?)'
        ],
    ),
    (
        "duplicate-owner",
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        [tool.arch_rules.teams.a]
        owns = ["shop.web"]
        [tool.arch_rules.teams.b]
        owns = ["shop.web"]
        """,
        ['pyproject.toml: tool.arch_rules.teams.b.owns[0]: "shop.web" is already owned by team "a"'],
    ),
    (
        "equal-ownership-by-wildcards",
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        [tool.arch_rules.teams.a]
        owns = ["shop.*"]
        [tool.arch_rules.teams.b]
        owns = ["*.web"]
        """,
        ["pyproject.toml: tool.arch_rules.teams: module shop.web is owned equally by teams a, b"],
    ),
    (
        "unknown-rule-code",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[tool.arch_rules.rules]\nignore = ["ARC999"]\n',
        ['pyproject.toml: tool.arch_rules.rules.ignore[0]: unknown rule code "ARC999"'],
    ),
    (
        "unknown-severity",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[tool.arch_rules.rules]\nseverity = { ARC401 = "info" }\n',
        ['pyproject.toml: tool.arch_rules.rules.severity.ARC401: expected "error" or "warning", got "info"'],
    ),
    (
        "layers-missing-order",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[[tool.arch_rules.layers]]\nname = "x"\n',
        ["pyproject.toml: tool.arch_rules.layers[0].order: required key is missing"],
    ),
    (
        "layers-mixed-separators",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[[tool.arch_rules.layers]]\n'
        'order = ["shop.web | shop.domain : shop.payments"]\n',
        ['pyproject.toml: tool.arch_rules.layers[0].order[0]: "shop.web | shop.domain : shop.payments" mixes'],
    ),
    (
        "bad-ignore-import",
        '[tool.arch_rules]\nsource_roots = ["src"]\n[[tool.arch_rules.forbid]]\nfrom = ["shop.domain"]\n'
        'import = ["shop.web"]\nignore_imports = ["shop.domain shop.web"]\n',
        ['pyproject.toml: tool.arch_rules.forbid[0].ignore_imports[0]: expected "importer -> imported"'],
    ),
    (
        "missing-source-root",
        '[tool.arch_rules]\nsource_roots = ["lib"]\n',
        ["pyproject.toml: tool.arch_rules.source_roots: folder 'lib' does not exist"],
    ),
    (
        "missing-root-package",
        '[tool.arch_rules]\nsource_roots = ["src"]\nroot_packages = ["shopp"]\n',
        ["pyproject.toml: tool.arch_rules.root_packages: package 'shopp' not found in source roots (src)"],
    ),
    (
        "covers-nothing",
        '[tool.arch_rules]\nsource_roots = ["."]\n',
        ["pyproject.toml: tool.arch_rules: the configuration covers no Python module"],
    ),
    (
        "interface-of-another-team",
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        [tool.arch_rules.teams.a]
        owns = ["shop.web"]
        interface = ["shop.domain"]
        [tool.arch_rules.teams.b]
        owns = ["shop.domain"]
        """,
        ["pyproject.toml: tool.arch_rules.teams.a.interface[0]: shop.domain is owned by team b, not team a"],
    ),
    (
        "cache-dir-outside",
        '[tool.arch_rules]\nsource_roots = ["src"]\ncache_dir = "../elsewhere"\n',
        ['pyproject.toml: tool.arch_rules.cache_dir: "../elsewhere" must be a folder of its own inside the project'],
    ),
    (
        "cache-dir-root",
        '[tool.arch_rules]\nsource_roots = ["src"]\ncache_dir = "."\n',
        ['pyproject.toml: tool.arch_rules.cache_dir: "." must be a folder of its own inside the project'],
    ),
    (
        "codeowners-missing",
        '[tool.arch_rules]\nsource_roots = ["src"]\ncodeowners = ".github/CODEOWNERS"\n',
        ["pyproject.toml: tool.arch_rules.codeowners: '.github/CODEOWNERS' not found"],
    ),
]


@pytest.mark.parametrize(("table", "lines"), [pytest.param(t, lines, id=name) for name, t, lines in BAD])
def test_bad_configuration_exits_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, table: str, lines: list[str]
) -> None:
    files = {} if "covers-nothing" in table or 'source_roots = ["."]' in table else None
    make(tmp_path, table, files)
    code, out, err = run_cli(tmp_path, capsys, monkeypatch)
    assert code == 2, err
    assert out == ""
    problems = err.strip().splitlines()
    assert len(problems) == len(lines), err
    for got, want in zip(problems, lines, strict=True):
        assert got.startswith("arch-rules: "), got
        assert want in got, f"{want!r} not in {got!r}"
    assert "Traceback" not in err


def test_several_problems_are_all_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make(
        tmp_path,
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        exlude = []
        [tool.arch_rules.teams.a]
        owns = ["shop..x"]
        depends_on = ["c"]
        [tool.arch_rules.rules]
        select = ["XYZ"]
        """,
    )
    code, _, err = run_cli(tmp_path, capsys, monkeypatch)
    assert code == 2
    assert len(err.strip().splitlines()) == 4, err


def test_no_configuration_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, _, err = run_cli(tmp_path, capsys, monkeypatch)
    assert code == 2
    assert "no pyproject.toml with a [tool.arch_rules] table found" in err


def test_discovery_walks_up_and_config_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path, '[tool.arch_rules]\nsource_roots = ["src"]\n')
    deep = root / "src" / "shop" / "web"
    assert load(start=deep).root == root
    monkeypatch.chdir(deep)
    assert main(["check", "--no-cache", "--no-graph"]) == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    assert main(["check", "--no-cache", "--no-graph", "--config", str(root / "pyproject.toml")]) == 0
    assert main(["check", "--no-cache", "--config", str(root / "missing.toml")]) == 2
    capsys.readouterr()


def test_defaults(tmp_path: Path) -> None:
    root = make(tmp_path, "[tool.arch_rules]\n", {"shop/__init__.py": "", "tests/test_x.py": "", "setup.py": ""})
    config = load(start=root)
    assert config.source_roots == (".",)
    assert config.root_packages is None
    assert (config.type_checking_imports, config.local_imports, config.dynamic_imports) == ("check",) * 3
    assert config.require_owner is False
    from arch_rules.model.project import discover

    project = discover(config)
    # By default every regular package is a root package; a folder without __init__.py is not.
    assert sorted(project.modules) == ["shop"]


def test_bad_cli_usage_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, '[tool.arch_rules]\nsource_roots = ["src"]\n')
    assert run_cli(tmp_path, capsys, monkeypatch, "--select", "ARC9")[0] == 2
    assert run_cli(tmp_path, capsys, monkeypatch, "--format", "xml")[0] == 2
    assert run_cli(tmp_path, capsys, monkeypatch, "--format", "json", "--format", "text")[0] == 2
    code, _, err = run_cli(tmp_path, capsys, monkeypatch, "nowhere.py")
    assert code == 2 and "nowhere.py: no such file or folder" in err
    code, _, err = run_cli(tmp_path, capsys, monkeypatch, "/")
    assert code == 2 and "outside the project root" in err


def test_subprocess_has_no_traceback(tmp_path: Path) -> None:
    make(tmp_path, '[tool.arch_rules]\nsource_roots = ["src"]\nlayers = 3\n')
    done = subprocess.run(
        [sys.executable, "-m", "arch_rules", "check"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "arch-rules: pyproject.toml: tool.arch_rules.layers: expected an array of tables "
        "([[tool.arch_rules.layers]]), got a number"
    )
