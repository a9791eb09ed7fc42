"""Every import form (docs/configuration.md) resolves to the right module, with the right kind and position."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import arch_rules
from arch_rules.testing import write_project

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
type_checking_imports = "{tc}"
local_imports = "{local}"
dynamic_imports = "{dyn}"

[[tool.arch_rules.forbid]]
from = ["app.low"]
import = ["app.high", "thirdparty.sub"]
"""

HIGH = {
    "src/app/__init__.py": "",
    "src/app/high/__init__.py": "VALUE = 1\n",
    "src/app/high/views.py": "",
    "src/app/low/__init__.py": "",
}


def findings(
    tmp_path: Path, source: str, tc: str = "check", local: str = "check", dyn: str = "check"
) -> set[tuple[int, str]]:
    (tmp_path / "pyproject.toml").write_text(CONFIG.format(tc=tc, local=local, dyn=dyn))
    write_project(tmp_path, {**HIGH, "src/app/low/mod.py": textwrap.dedent(source)})
    report = arch_rules.check(tmp_path, cache=False, graph=False)
    return {(f.line, f.imported or "") for f in report.findings if f.code == "ARC104"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import app.high\n", {(1, "app.high")}),
        ("import app.high.views as v\n", {(1, "app.high.views")}),
        ("from app.high import views\n", {(1, "app.high.views")}),
        ("from app.high import VALUE\n", {(1, "app.high")}),
        ("from app.high import VALUE, views\n", {(1, "app.high"), (1, "app.high.views")}),
        ("from ..high import views\n", {(1, "app.high.views")}),
        ("from .. import high\n", {(1, "app.high")}),
        ("from . import other\n", set()),
        ("import os, app.high\n", {(1, "app.high")}),
        ("from app.high import (\n    VALUE,\n)\n", {(1, "app.high")}),
        ("def f():\n    import app.high\n", {(2, "app.high")}),
        ("class C:\n    import app.high\n", {(2, "app.high")}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.high\n", {(3, "app.high")}),
        ("import importlib\nimportlib.import_module('app.high.views')\n", {(2, "app.high.views")}),
        ("from importlib import import_module as im\nim('app.high')\n", {(2, "app.high")}),
        ("__import__('app.high')\n", {(1, "app.high")}),
        ("import importlib\nimportlib.import_module('..high', package=__package__)\n", {(2, "app.high")}),
        ("import importlib\nimportlib.import_module(name)\n", set()),
        ("from thirdparty import sub\n", {(1, "thirdparty.sub")}),
        ("import thirdparty.sub.deep\n", {(1, "thirdparty.sub.deep")}),
        ("from thirdparty import other\n", set()),
    ],
)
def test_import_forms(tmp_path: Path, source: str, expected: set[tuple[int, str]]) -> None:
    assert findings(tmp_path, source) == expected


def test_type_checking_switch(tmp_path: Path) -> None:
    source = """\
        import typing as t
        if t.TYPE_CHECKING:
            import app.high
        else:
            import app.high.views
        """
    assert findings(tmp_path, source) == {(3, "app.high"), (5, "app.high.views")}
    assert findings(tmp_path, source, tc="ignore") == {(5, "app.high.views")}


def test_local_and_dynamic_switches(tmp_path: Path) -> None:
    source = """\
        import importlib

        def load():
            import app.high
            return importlib.import_module("app.high.views")

        importlib.import_module("app.high")
        """
    assert findings(tmp_path, source) == {(4, "app.high"), (5, "app.high.views"), (7, "app.high")}
    assert findings(tmp_path, source, local="ignore") == {(7, "app.high")}
    assert findings(tmp_path, source, dyn="ignore") == {(4, "app.high")}


def test_noqa_on_any_line_of_a_multiline_import(tmp_path: Path) -> None:
    source = "from app.high import (\n    VALUE,  # noqa: ARC104 -- agreed in ADR-9\n)\n"
    assert findings(tmp_path, source) == set()


def test_unparsable_file_is_arc003_and_others_still_checked(tmp_path: Path) -> None:
    findings(tmp_path, "import app.high\n")
    (tmp_path / "src/app/low/broken.py").write_text("def f(:\n")
    report = arch_rules.check(tmp_path, cache=False, graph=False)
    codes = {(f.path, f.code) for f in report.findings}
    assert ("src/app/low/broken.py", "ARC003") in codes
    assert ("src/app/low/mod.py", "ARC104") in codes
    broken = next(f for f in report.findings if f.code == "ARC003")
    assert broken.line == 1


def test_undecodable_file_is_arc003(tmp_path: Path) -> None:
    findings(tmp_path, "import app.high\n")
    (tmp_path / "src/app/low/latin.py").write_bytes(b"# coding: utf-8\nx = '\xff\xfe'\n")
    report = arch_rules.check(tmp_path, cache=False, graph=False)
    assert any(f.code == "ARC003" and f.path == "src/app/low/latin.py" for f in report.findings)


def test_dangling_link_and_link_loop_are_left_out(tmp_path: Path) -> None:
    findings(tmp_path, "import app.high\n")
    (tmp_path / "src/app/low/dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "src/app/low/loop").symlink_to(tmp_path / "src/app/low")
    report = arch_rules.check(tmp_path, cache=False)  # the graph too
    assert {(f.path, f.code) for f in report.findings} == {("src/app/low/mod.py", "ARC104")}


def test_importlib_bound_by_a_submodule_import(tmp_path: Path) -> None:
    assert findings(tmp_path, "import importlib.util\nimportlib.import_module('app.high')\n") == {(2, "app.high")}


def test_a_valid_deeply_nested_file_is_read(tmp_path: Path) -> None:
    deep = "x = " + " + ".join(["1"] * 900) + "\nimport app.high\n"  # compiles, yet deeper than the recursion limit
    assert findings(tmp_path, deep) == {(2, "app.high")}


def test_relative_import_above_the_top_package_is_not_an_import(tmp_path: Path) -> None:
    assert findings(tmp_path, "from ...high import x\nfrom .... import y\n") == set()


def test_third_party_exception_compares_top_level_packages(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.arch_rules]\nsource_roots = ["src"]\n[[tool.arch_rules.forbid]]\nfrom = ["app.low"]\n'
        'import = ["django"]\nignore_imports = ["app.low.mod -> django.db"]\n'
    )
    write_project(tmp_path, {**HIGH, "src/app/low/mod.py": "import django.db.models\nimport django.http\n"})
    # Both engines read the exception as "app.low.mod -> django": no ARC104, no ARC004.
    report = arch_rules.check(tmp_path, cache=False)
    assert [f.code for f in report.findings] == []


def test_import_findings_span_the_statement_in_characters(tmp_path: Path) -> None:
    findings(tmp_path, "é = 1; import app.high\nfrom app.high import (\n    VALUE,\n)\n")
    report = arch_rules.check(tmp_path, cache=False, graph=False)
    spans = sorted((f.line, f.column, f.end_line, f.end_column) for f in report.findings if f.code == "ARC104")
    # "é" is one character but two UTF-8 bytes: columns count characters; end_column is inclusive.
    assert spans == [(1, 8, 1, 22), (2, 1, 4, 1)]
