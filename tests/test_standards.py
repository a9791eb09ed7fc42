"""Team standards end to end (issue 12): the worked example of docs/standards.md, every surface a plugin
rule appears in, caching, the pool, and that a project without standards never imports libcst."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import arch_rules
from arch_rules.adapters.cli import main
from arch_rules.testing import difference, lint_rule_examples

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "standards.md"
BLOCK_RE = re.compile(r"^```(?P<lang>\w+) file=(?P<path>\S+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def doc_project(root: Path) -> Path:
    """The worked example's files, written as the page shows them."""
    blocks = list(BLOCK_RE.finditer(DOC.read_text(encoding="utf-8")))
    assert len(blocks) >= 5, "docs/standards.md lost its worked example"
    for block in blocks:
        target = root / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["body"], encoding="utf-8")
    for folder in ("src/shop", "src/shop/orders", "src/shop/orders/domain", "src/shop/payments"):
        init = root / folder / "__init__.py"
        if not init.exists():
            init.write_text('"""Package."""\n', encoding="utf-8")
    return root


def run(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example_of_the_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = doc_project(tmp_path)
    report = arch_rules.check(root, cache=False, select=("ARC5", "SHOP"))
    assert not difference(root, report.findings), "\n" + difference(root, report.findings)
    code, out, err = run(root, capsys, monkeypatch, "check", "--no-cache", "--select", "ARC5,SHOP")
    assert code == 1, err
    shown = DOC.read_text(encoding="utf-8").split("```text\n")[-1].split("```")[0]
    assert out.splitlines()[:-1] == shown.splitlines()
    assert [str(e) for e in lint_rule_examples(root / "tools" / "arch_standards.py") if e.problem] == []


PLUGIN = '''\
import libcst as cst

from arch_rules import LintRule


class NoRawSql(LintRule):
    """Repositories own the SQL."""

    code = "SHOP001"
    name = "raw-sql-outside-repositories"
    message = "raw SQL (.execute) outside a repository module"
    scope = {"outside": ["shop.**.repository"]}
    INVALID = ["cursor.execute('x')\\n"]

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "execute":
            self.report(node)


class Fragile(LintRule):
    code = "SHOP002"
    name = "fragile-rule"
    message = "never reported"

    def visit_Lambda(self, node: cst.Lambda) -> None:
        raise RuntimeError("this rule has a bug")
'''

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
plugins = ["tools/rules.py"]

[tool.arch_rules.teams.orders]
owns = ["shop.orders"]
contact = "#orders-eng"
"""


def make(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    files = {"pyproject.toml": config, "tools/rules.py": PLUGIN, **files}
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


ORDERS = {
    "src/shop/__init__.py": "",
    "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
    "src/shop/orders/report.py": """\
        def daily(cursor):
            cursor.execute("select 1")
            cursor.execute("select 2")  # noqa: SHOP001 -- the nightly job, replaced in Q3
            return sorted([], key=lambda row: row)
        """,
    "src/shop/orders/repository.py": "def load(cursor):\n    return cursor.execute('select 1')\n",
    "src/shop/orders/other.py": "def f(cursor):\n    return cursor.execute('select 3')\n",
}


def test_plugin_rules_in_every_surface(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make(tmp_path, ORDERS)
    code, out, err = run(root, capsys, monkeypatch, "check", "--no-cache", "--format", "json")
    assert code == 1, err
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(out)["findings"]]
    # The raising rule is reported for the one file where it raised; the other rule still ran there.
    assert found == [
        ("src/shop/orders/other.py", 2, "SHOP001"),
        ("src/shop/orders/report.py", 2, "SHOP001"),
        ("src/shop/orders/report.py", 4, "SHOP002"),
    ]
    failure = json.loads(out)["findings"][2]["message"]
    assert "SHOP002 fragile-rule (plugin tools/rules.py)" in failure and "RuntimeError: this rule has a bug" in failure
    assert "src/shop/orders/report.py" in failure

    assert run(root, capsys, monkeypatch, "check", "--no-cache", "--ignore", "SHOP002", "--select", "SHOP")[0] == 1
    code, out, _ = run(root, capsys, monkeypatch, "check", "--no-cache", "--select", "SHOP001", "--format", "sarif")
    sarif = json.loads(out)["runs"][0]
    assert {r["ruleId"] for r in sarif["results"]} == {"SHOP001"}
    descriptor = next(r for r in sarif["tool"]["driver"]["rules"] if r["id"] == "SHOP001")
    assert descriptor["name"] == "raw-sql-outside-repositories" and "helpUri" not in descriptor
    code, out, _ = run(root, capsys, monkeypatch, "check", "--no-cache", "--format", "github", "--select", "SHOP001")
    assert "title=SHOP001 raw-sql-outside-repositories::" in out

    code, out, _ = run(root, capsys, monkeypatch, "explain", "SHOP001")
    assert code == 0 and out.startswith("SHOP001 raw-sql-outside-repositories\n") and "Repositories own the SQL." in out
    code, out, _ = run(root, capsys, monkeypatch, "rules")
    assert re.search(r"^SHOP002\s+fragile-rule", out, re.MULTILINE)
    code, _, err = run(root, capsys, monkeypatch, "check", "--no-cache", "--select", "SHOP3")
    assert code == 2 and "unknown rule code 'SHOP3'" in err

    # The baseline accepts today's findings of plugin rules like any other.
    assert run(root, capsys, monkeypatch, "baseline")[0] == 0
    code, out, _ = run(root, capsys, monkeypatch, "check", "--no-cache")
    assert code == 0, out


def test_configured_severity_and_per_file_ignores_apply_to_plugin_codes(tmp_path: Path) -> None:
    config = CONFIG + '[tool.arch_rules.rules]\nseverity = { SHOP001 = "warning" }\n'
    config += 'per_file_ignores = { "src/shop/orders/other.py" = ["SHOP"] }\n'
    root = make(tmp_path, ORDERS, config)
    report = arch_rules.check(root, cache=False)
    assert [(f.path, f.code, f.severity) for f in report.findings] == [
        ("src/shop/orders/report.py", "SHOP001", "warning"),
        ("src/shop/orders/report.py", "SHOP002", "error"),
    ]
    (root / "pyproject.toml").write_text(CONFIG + '[tool.arch_rules.rules]\nignore = ["SHOP9"]\n')
    with pytest.raises(arch_rules.errors.ConfigError) as info:
        arch_rules.check(root, cache=False)
    assert [line.split(" (did")[0] for line in info.value.problems] == [
        'pyproject.toml: tool.arch_rules.rules.ignore[0]: unknown rule code "SHOP9"'
    ]


def test_a_broken_plugin_is_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make(tmp_path, {**ORDERS, "tools/rules.py": PLUGIN.replace("import libcst", "import libcts")})
    code, out, err = run(root, capsys, monkeypatch, "check", "--no-cache")
    assert code == 2
    assert err.strip() == (
        "arch-rules: pyproject.toml: tool.arch_rules.plugins[0]: plugin 'tools/rules.py' failed to import (line 1): "
        "ModuleNotFoundError: No module named 'libcts'"
    )


def test_editing_a_plugin_invalidates_the_cache(tmp_path: Path) -> None:
    root = make(tmp_path, ORDERS)
    first = arch_rules.check(root)
    messages = {f.message for f in first.findings if f.code == "SHOP001"}
    assert messages == {"raw SQL (.execute) outside a repository module"}
    (root / "tools" / "rules.py").write_text(PLUGIN.replace("raw SQL (.execute)", "raw SQL"))
    again = arch_rules.check(root)
    assert {f.message for f in again.findings if f.code == "SHOP001"} == {"raw SQL outside a repository module"}


def test_the_pool_gives_the_same_findings(tmp_path: Path) -> None:
    files = dict(ORDERS)
    for i in range(80):
        files[f"src/shop/orders/m{i:02}.py"] = "import os\n\n\ndef f(c):\n    c.execute(os.environ['Q'])\n"
    config = CONFIG + '[[tool.arch_rules.standards]]\nteams = ["orders"]\nban = ["os.environ"]\n'
    root = make(tmp_path, files, config)
    serial = arch_rules.check(root, cache=False, jobs=1)
    pooled = arch_rules.check(root, cache=False, jobs=2)
    assert serial.findings == pooled.findings
    assert len([f for f in pooled.findings if f.code == "ARC501"]) == 80


LIBCST_LOADED = """\
import sys
import arch_rules
report = arch_rules.check(sys.argv[1], graph=False)
print(len(report.findings), "libcst" in sys.modules)
"""


def _libcst_loaded(root: Path) -> tuple[int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", LIBCST_LOADED, str(root)], capture_output=True, text=True, timeout=300, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.split()
    return int(count), loaded == "True"


def test_without_standards_libcst_is_never_imported(tmp_path: Path) -> None:
    plain = {k: v for k, v in ORDERS.items()}
    root = make(tmp_path / "plain", plain, CONFIG.replace('plugins = ["tools/rules.py"]\n', ""))
    assert _libcst_loaded(root) == (0, False)
    with_plugin = make(tmp_path / "plugin", ORDERS)
    assert _libcst_loaded(with_plugin) == (3, True)
    # Warm: the findings and the plugin records come from the cache; neither plugins nor libcst load.
    assert _libcst_loaded(with_plugin) == (3, False)


def test_a_new_deprecation_reaches_files_that_did_not_change(tmp_path: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        "src/shop/payments/__init__.py": (
            '"""Payments."""\n\n__all__ = ["refund"]\n\n\ndef refund(x: int) -> None:\n    """R."""\n'
        ),
        "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
        "src/shop/orders/cancel.py": "from shop.payments import refund\n\nrefund(1)\n",
    }
    config = (
        CONFIG.replace('plugins = ["tools/rules.py"]\n', "")
        + '[tool.arch_rules.teams.payments]\nowns = ["shop.payments"]\n'
    )
    root = make(tmp_path, files, config)
    assert arch_rules.check(root).findings == []
    init = root / "src/shop/payments/__init__.py"
    init.write_text(
        '"""Payments."""\n\nfrom typing_extensions import deprecated\n\n__all__ = ["refund"]\n\n\n'
        '@deprecated("use refund_order()")\ndef refund(x: int) -> None:\n    """R."""\n'
    )
    warm = arch_rules.check(root)
    assert [(f.path, f.line, f.code) for f in warm.findings] == [
        ("src/shop/orders/cancel.py", 1, "ARC502"),
        ("src/shop/orders/cancel.py", 3, "ARC502"),
    ]
    assert warm.findings == arch_rules.check(root, cache=False).findings


def test_kept_deprecations_follow_edits_elsewhere_and_declaration_changes(tmp_path: Path) -> None:
    """What a module declares deprecated is kept with its cached result, so an edit elsewhere reads no
    interface module again; the findings stay those of a run without the cache when another file's
    imports change, when the declaration makes a module an interface, and when the deprecation goes."""
    deprecating = (
        '"""Payments."""\n\nfrom typing_extensions import deprecated\n\n__all__ = ["refund"]\n\n\n'
        '@deprecated("use refund_order()")\ndef refund(x: int) -> None:\n    """R."""\n'
    )
    files = {
        "src/shop/__init__.py": "",
        "src/shop/payments/__init__.py": '"""Payments."""\n\n__all__: list[str] = []\n',
        "src/shop/payments/legacy.py": deprecating,
        "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
        "src/shop/orders/cancel.py": "from shop.payments.legacy import refund\n\nrefund(1)\n",
        "src/shop/orders/other.py": "import os\n",
    }
    team = '[tool.arch_rules.teams.payments]\nowns = ["shop.payments"]\ninterface = ["shop.payments"]\n'
    config = CONFIG.replace('plugins = ["tools/rules.py"]\n', "") + team
    root = make(tmp_path, files, config)

    def arc502() -> list[tuple[str, int]]:
        warm = arch_rules.check(root)
        assert warm.findings == arch_rules.check(root, cache=False).findings
        return [(f.path, f.line) for f in warm.findings if f.code == "ARC502"]

    assert arc502() == []  # legacy is not an interface module: its decorator is no announcement
    wider = config.replace('interface = ["shop.payments"]', 'interface = ["shop.payments.**"]')
    (root / "pyproject.toml").write_text(wider)
    assert arc502() == [("src/shop/orders/cancel.py", 1), ("src/shop/orders/cancel.py", 3)]
    (root / "src/shop/orders/other.py").write_text("import os\nimport shop.payments\n")
    assert arc502() == [("src/shop/orders/cancel.py", 1), ("src/shop/orders/cancel.py", 3)]
    (root / "src/shop/payments/legacy.py").write_text(deprecating.replace('@deprecated("use refund_order()")\n', ""))
    assert arc502() == []


def test_a_deprecated_name_the_team_does_not_own_is_arc001(tmp_path: Path) -> None:
    config = CONFIG.replace('plugins = ["tools/rules.py"]\n', "")
    config += 'deprecated = { "shop.orders.report.daily" = "x", "shop.payments.api.refund" = "y" }\n'
    root = make(tmp_path, ORDERS, config)
    found = [(f.line, f.message) for f in arch_rules.check(root, cache=False).findings if f.code == "ARC001"]
    assert found == [
        (
            7,
            "tool.arch_rules.teams.orders.deprecated.\"shop.payments.api.refund\": 'shop.payments.api.refund' is in "
            "shop, which team orders does not own; fix the name or remove it",
        )
    ]


def test_a_team_file_deprecates_names_too(tmp_path: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        "src/shop/payments/__init__.py": (
            '"""Payments."""\n\n__all__ = ["refund"]\n\n\ndef refund(x: int) -> None:\n    """R."""\n'
        ),
        "src/shop/payments/arch-team.toml": (
            'name = "payments"\ncontact = "#payments-eng"\n'
            'deprecated = { "shop.payments.refund" = "use refund_order()" }\n'
        ),
        "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
        "src/shop/orders/cancel.py": "import shop.payments\n\nshop.payments.refund(1)\n",
    }
    root = make(tmp_path, files, CONFIG.replace('plugins = ["tools/rules.py"]\n', ""))
    found = [(f.path, f.line, f.code, f.message) for f in arch_rules.check(root, cache=False).findings]
    assert found == [
        (
            "src/shop/orders/cancel.py",
            3,
            "ARC502",
            "shop.orders.cancel uses shop.payments.refund, deprecated by team payments (#payments-eng): "
            "use refund_order()",
        )
    ]


def test_a_deprecated_name_re_exported_by_an_interface_is_deprecated_there_too(tmp_path: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        "src/shop/payments/__init__.py": '"""Payments."""\n\nfrom .api import refund_v1\n\n__all__ = ["refund_v1"]\n',
        "src/shop/payments/api.py": (
            '"""API."""\n\nfrom warnings import deprecated\n\n__all__ = ["refund_v1"]\n\n\n'
            '@deprecated("use refund()")\ndef refund_v1(x: int) -> None:\n    """R."""\n'
        ),
        "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
        "src/shop/orders/cancel.py": "from shop.payments import refund_v1\n\nrefund_v1(1)\n",
    }
    config = CONFIG.replace('plugins = ["tools/rules.py"]\n', "")
    config += '[tool.arch_rules.teams.payments]\nowns = ["shop.payments"]\n'
    config += 'interface = ["shop.payments", "shop.payments.api"]\n'
    root = make(tmp_path, files, config)
    found = [(f.path, f.line, f.code) for f in arch_rules.check(root, cache=False).findings if f.code == "ARC502"]
    assert found == [("src/shop/orders/cancel.py", 1, "ARC502"), ("src/shop/orders/cancel.py", 3, "ARC502")]
