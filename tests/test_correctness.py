"""Findings that were wrong on real code (issue 11), each on the smallest project that showed it.

Every test here failed before the fix it is named after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import arch_rules
from arch_rules.model.findings import Finding


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def findings(root: Path, code: str | None = None, **options: object) -> list[Finding]:
    report = arch_rules.check(root, cache=False, **options)
    return [f for f in report.findings if code is None or f.code == code]


def assert_real_path(root: Path, finding: Finding) -> None:
    """Each link's importer is the previous link's imported module, and its line is an import of it."""
    for before, after in zip(finding.chain, finding.chain[1:], strict=False):
        assert after.importer == before.imported, finding.chain
    for link in finding.chain:
        assert link.path is not None and link.line is not None
        text = (root / link.path).read_text(encoding="utf-8").splitlines()[link.line - 1]
        assert "import" in text and link.imported.rsplit(".", 1)[-1] in text, (link, text)


# -- ARC207: a cycle's chain is a real path; a dependency of several imports says so -----------------------

CYCLE = {
    "pyproject.toml": '[tool.arch_rules]\nsource_roots = ["src"]\nacyclic = ["pkg"]\n',
    "src/pkg/__init__.py": "",
    "src/pkg/a/__init__.py": "",
    "src/pkg/a/x.py": "X = 1\n",  # imports nothing: the way back does not go through it
    "src/pkg/a/v.py": "import pkg.b.y\n",
    "src/pkg/a/w.py": "import pkg.b.y\nimport pkg.b.z\n",
    "src/pkg/b/__init__.py": "",
    "src/pkg/b/y.py": "Y = 1\n",
    "src/pkg/b/z.py": "Z = 1\n",
    "src/pkg/b/u.py": '"""u."""\n\n\n\nimport pkg.a.x\n',
    "src/pkg/b/u2.py": '"""u2."""\nfrom pkg.a import x\n',
}


def test_cycle_chains_are_real_paths_and_name_every_import_of_the_dependency(tmp_path: Path) -> None:
    write(tmp_path, CYCLE)
    found = findings(tmp_path, "ARC207")
    # lint-imports: "It could be made acyclic by removing 1 dependency: .b -> .a (2 imports)".
    assert {(f.path, f.line) for f in found} == {("src/pkg/b/u.py", 5), ("src/pkg/b/u2.py", 2)}
    for finding in found:
        assert_real_path(tmp_path, finding)
        assert "made of 2 imports" in finding.message
        assert "removing it would break" not in finding.message
        assert "pkg.a -> pkg.b by pkg.a.v -> pkg.b.y (l.1)" in finding.message
    u = next(f for f in found if f.path.endswith("u.py"))
    assert "pkg.b.u2 -> pkg.a.x (l.2)" in u.message


def test_a_cycle_through_the_imported_module_shows_the_whole_path(tmp_path: Path) -> None:
    files = {**CYCLE, "src/pkg/a/x.py": "import pkg.b.z\n"}
    del files["src/pkg/b/u2.py"]
    write(tmp_path, files)
    (finding,) = findings(tmp_path, "ARC207")
    assert_real_path(tmp_path, finding)
    assert [(c.importer, c.imported) for c in finding.chain] == [("pkg.b.u", "pkg.a.x"), ("pkg.a.x", "pkg.b.z")]
    assert "removing it would break the cycle" in finding.message


# -- ARC102: a name the interface exports wins over a submodule of the same name ----------------------------

TEAMS = """
[tool.arch_rules]
source_roots = ["src"]

[tool.arch_rules.teams.core]
owns = ["pkg.core"]
interface = ["pkg.core"]

[tool.arch_rules.teams.app]
owns = ["pkg.app"]
"""


def test_an_exported_name_that_is_also_a_submodule_is_not_a_private_module(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": TEAMS,
            "src/pkg/__init__.py": "",
            "src/pkg/core/__init__.py": '"""Core."""\n__all__ = ["pipeline"]\nfrom pkg.core.pipeline import pipeline\n',
            "src/pkg/core/pipeline.py": "def pipeline() -> None:\n    pass\n",
            "src/pkg/core/engine.py": "X = 1\n",
            "src/pkg/app/__init__.py": "",
            "src/pkg/app/main.py": "from pkg.core import pipeline\nfrom pkg.core import engine\n",
        },
    )
    found = findings(tmp_path, "ARC102")
    # `engine` is not a name pkg.core binds: that import still takes the private module.
    assert [(f.path, f.line, f.imported) for f in found] == [("src/pkg/app/main.py", 2, "pkg.core.engine")]


# -- ARC105: only across declared team boundaries, unless asked for everywhere -----------------------------

PRIVATE = {
    "src/pkg/__init__.py": "",
    "src/pkg/core/__init__.py": "",
    "src/pkg/core/_impl.py": "X = 1\n",
    "src/pkg/app/__init__.py": "",
    "src/pkg/app/main.py": "from pkg.core import _impl\n",
    "src/pkg/tools/__init__.py": "",
    "src/pkg/tools/run.py": "from pkg.core._impl import X\n",
}


def test_private_imports_without_teams_are_not_reported_by_default(tmp_path: Path) -> None:
    write(tmp_path, {**PRIVATE, "pyproject.toml": '[tool.arch_rules]\nsource_roots = ["src"]\n'})
    assert findings(tmp_path, "ARC105") == []


def test_private_imports_across_a_team_boundary_are_reported(tmp_path: Path) -> None:
    config = TEAMS.replace('interface = ["pkg.core"]', "") + '\n[tool.arch_rules.teams.tools]\nowns = ["pkg.tools"]\n'
    files = {**PRIVATE, "src/pkg/core/helper.py": "from pkg.core import _impl\n", "pyproject.toml": config}
    write(tmp_path, files)
    found = findings(tmp_path, "ARC105")
    assert sorted((f.path, f.line) for f in found) == [("src/pkg/app/main.py", 1), ("src/pkg/tools/run.py", 1)]


def test_private_imports_everywhere_is_an_opt_in(tmp_path: Path) -> None:
    config = '[tool.arch_rules]\nsource_roots = ["src"]\nprivate_imports = "everywhere"\n'
    write(tmp_path, {**PRIVATE, "pyproject.toml": config})
    found = findings(tmp_path, "ARC105")
    assert sorted((f.path, f.line) for f in found) == [("src/pkg/app/main.py", 1), ("src/pkg/tools/run.py", 1)]


# -- ARC302: names that exist at run time -----------------------------------------------------------------

INTERFACE = """
[tool.arch_rules]
source_roots = ["src"]

[tool.arch_rules.teams.core]
owns = ["pkg"]
interface = ["pkg.api", "pkg.lazy"]
"""


def test_module_attributes_and_module_getattr_names_are_not_undefined(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": INTERFACE,
            "src/pkg/__init__.py": '"""Pkg."""\n',
            "src/pkg/api.py": '"""Api."""\n__all__ = ["__doc__", "__name__", "missing"]\n',
            "src/pkg/lazy.py": (
                '"""Lazy."""\n__all__ = ["served"]\n\n\ndef __getattr__(name: str) -> object:\n'
                '    """Serve names lazily."""\n    return name\n'
            ),
        },
    )
    found = findings(tmp_path, "ARC302")
    assert [(f.path, f.message.split("'")[1]) for f in found] == [("src/pkg/api.py", "missing")]


# -- messages name the first few and count the rest -------------------------------------------------------


def test_a_message_names_the_first_interfaces_and_counts_the_rest(tmp_path: Path) -> None:
    files = {f"src/pkg/core/api{i:02}.py": f'"""Api {i}."""\n__all__: list[str] = []\n' for i in range(40)}
    files.update(
        {
            "pyproject.toml": TEAMS.replace('interface = ["pkg.core"]', 'interface = ["pkg.core.api*"]').replace(
                "api*", "*"
            ),
            "src/pkg/__init__.py": "",
            "src/pkg/core/__init__.py": '"""Core."""\n__all__: list[str] = []\n',
            "src/pkg/core/sub/__init__.py": "",
            "src/pkg/core/sub/impl.py": "X = 1\n",
            "src/pkg/app/__init__.py": "",
            "src/pkg/app/main.py": "import pkg.core.sub.impl\n",
        }
    )
    write(tmp_path, files)
    (finding,) = findings(tmp_path, "ARC102")
    assert "pkg.core.api00, pkg.core.api01" in finding.message
    assert "and 36 more" in finding.message
    assert len(finding.message) < 1000


def test_no_message_is_longer_than_a_thousand_characters() -> None:
    from arch_rules.model.messages import MAX_MESSAGE

    finding = Finding("ARC101", "word " * 1000, "a.py")
    assert len(finding.message) <= MAX_MESSAGE and finding.message.endswith("...")


# -- chains: reported at every statement that starts them; what the graph cannot see is said --------------

LAYERS = """
[tool.arch_rules]
source_roots = ["src"]

[[tool.arch_rules.layers]]
order = ["pkg.high", "pkg.low"]
"""


def test_a_chain_is_reported_at_every_statement_that_starts_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": LAYERS,
            "src/pkg/__init__.py": "",
            "src/pkg/high/__init__.py": "",
            "src/pkg/high/view.py": "X = 1\n",
            "src/pkg/util.py": "import pkg.high.view\n",
            "src/pkg/low/__init__.py": "",
            "src/pkg/low/model.py": (
                "import pkg.util  # noqa: ARC201 -- moving out in Q3\n\n\ndef f():\n    import pkg.util\n"
            ),
        },
    )
    report = arch_rules.check(tmp_path, cache=False)
    found = [f for f in report.findings if f.code == "ARC201"]
    assert [(f.path, f.line) for f in found] == [("src/pkg/low/model.py", 5)]
    assert found[0].chain[0].line == 5
    assert any("1 chain finding suppressed by # noqa" in note for note in report.notes)


def test_a_gitignored_module_the_project_imports_is_named_in_the_notes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": LAYERS,
            ".gitignore": "src/pkg/low/_version.py\n",
            "src/pkg/__init__.py": "",
            "src/pkg/high/__init__.py": "",
            "src/pkg/low/__init__.py": "from pkg.low._version import VERSION\n",
            "src/pkg/low/_version.py": "import pkg.high\nVERSION = '1'\n",
        },
    )
    report = arch_rules.check(tmp_path, cache=False)
    assert any("pkg.low._version" in note and "gitignored" in note for note in report.notes), report.notes


# -- small things: --fix --diff, --statistics with other formats, unused suppressions ----------------------


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "arch_rules", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


NOQA = {
    "pyproject.toml": TEAMS,
    "src/pkg/__init__.py": "",
    "src/pkg/core/__init__.py": '"""Core."""\n__all__ = ["X"]\nX = 1\n',
    "src/pkg/core/engine.py": "Y = 1\n",
    "src/pkg/app/__init__.py": "",
    "src/pkg/app/main.py": (
        "from pkg.core import X  # noqa: ARC102 -- left over from a move\n"
        "from pkg.core.engine import Y  # noqa: ARC102 -- agreed (CORE-1)\n"
        "import os  # noqa: E401, ARC201 -- graph code, a --no-graph run does not judge it\n"
    ),
}


def test_statistics_with_json_go_to_stderr_and_stdout_stays_json(tmp_path: Path) -> None:
    write(tmp_path, NOQA)
    done = _cli(tmp_path, "check", "--no-cache", "--format", "json", "--statistics")
    json.loads(done.stdout)
    assert "ARC404 unused-suppression" in done.stderr


def test_an_unused_noqa_is_arc404_and_only_for_codes_the_run_looked_for(tmp_path: Path) -> None:
    write(tmp_path, NOQA)
    found = findings(tmp_path, "ARC404", graph=False)
    assert [(f.path, f.line) for f in found] == [("src/pkg/app/main.py", 1)]
    assert "ARC102" in found[0].message
    with_graph = findings(tmp_path, "ARC404")
    assert [(f.path, f.line) for f in with_graph] == [("src/pkg/app/main.py", 1), ("src/pkg/app/main.py", 3)]
    assert findings(tmp_path, "ARC404", select=("ARC404", "ARC3")) == []  # ARC102 and ARC201 not looked for


def test_flake8_reports_an_unused_noqa_as_the_cli_does(tmp_path: Path) -> None:
    write(tmp_path, NOQA)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "ARC", "src"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in done.stdout.splitlines() if " ARC404 " in line]
    assert [line.split(":")[:2] for line in lines] == [["src/pkg/app/main.py", "1"]], done.stdout + done.stderr
