"""The libcst rule machinery of issue 12, unit by unit: the banned-API matcher (ARC501), deprecations
(ARC502), several rules in one visit, a rule that raises, scopes, the plugin loader and the configuration."""

from __future__ import annotations

import functools
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from arch_rules.engine.lint import Scope, lint_source, run_examples
from arch_rules.engine.plugins import load as load_plugins
from arch_rules.errors import ConfigError
from arch_rules.model.config import Standard, load
from arch_rules.model.patterns import Pattern
from arch_rules.rules.lintrule import Context, Invalid, LintRule, Valid
from arch_rules.rules.standards.arc501_banned_api import BannedApi, applies
from arch_rules.rules.standards.arc502_deprecated_across_teams import DeprecatedAcrossTeams
from arch_rules.rules.standards.deprecations import Deprecation, declared
from arch_rules.testing import write_project

DOMAIN = Context("shop.orders.domain.pricing", "src/shop/orders/domain/pricing.py", "orders", "#orders-eng")
PURE = Standard(
    0,
    "pure-domain",
    (Pattern("shop.*.domain"),),
    None,
    (Pattern("shop.orders.domain.clock"),),
    ("datetime.datetime.now", "datetime.date.today", "time.time", "os.environ", "os.getenv", "print"),
    "The domain is pure (ADR-009).",
    "tool.arch_rules.standards[0]",
)


def banned(source: str, context: Context = DOMAIN) -> list[tuple[int, int, str | None]]:
    rule = functools.partial(BannedApi, standards=[PURE])
    found = lint_source(textwrap.dedent(source), context, [rule])
    assert all(f.code == "ARC501" for f in found)
    return [(f.line, f.column, f.imported) for f in found]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from datetime import datetime\ndatetime.now()\n", [(2, 1, "datetime.datetime.now")]),
        ("import datetime as dt\nx = dt.datetime.now()\n", [(2, 5, "datetime.datetime.now")]),
        ("from os import environ\nenviron['X']\n", [(2, 1, "os.environ")]),
        ("import os\nos.environ.get('X')\n", [(2, 1, "os.environ")]),
        ("from os import getenv\ngetenv('X')\n", [(2, 1, "os.getenv")]),
        ("print('hi')\n", [(1, 1, "print")]),
        ("from datetime import date\ndate.today()\n", [(2, 1, "datetime.date.today")]),
        ("import time\nstarted = time.time\n", [(2, 11, "time.time")]),
        ("import os\nos.environ['X'] = '1'\n", [(2, 1, "os.environ")]),
    ],
)
def test_banned_names_resolve_whatever_the_import_form(source: str, expected: list[tuple[int, int, str]]) -> None:
    assert banned(source) == expected


def test_one_finding_per_use_at_the_use() -> None:
    source = """\
        import os
        import datetime


        def settings():
            return os.environ.get("A"), os.getenv("B"), datetime.datetime.now().isoformat()
        """
    assert banned(source) == [(6, 12, "os.environ"), (6, 33, "os.getenv"), (6, 49, "datetime.datetime.now")]


def test_imports_shadowing_names_and_other_apis_are_not_uses() -> None:
    source = """\
        from os import environ, getenv
        from datetime import datetime
        import os


        def show(print, environ):
            print(environ["X"])


        def local():
            getenv = dict
            return getenv(a=1)


        os.path.join("a", "b")
        datetime(2020, 1, 1)
        """
    assert banned(source) == []


def test_standard_scope_in_teams_and_except() -> None:
    assert applies(PURE, DOMAIN)
    assert not applies(PURE, Context("shop.orders.domain.clock", team="orders"))
    assert not applies(PURE, Context("shop.orders.web", team="orders"))
    by_team = Standard(1, "", (), ("payments",), (), ("print",), "", "k")
    assert applies(by_team, Context("shop.payments.api", team="payments"))
    assert not applies(by_team, Context("shop.orders.api", team="orders"))


API = """\
from typing_extensions import deprecated
import warnings


@deprecated("use refund(); removed in 2027-03")
def refund_v1(order): ...


def refund(order): ...


class Client:
    @warnings.deprecated("use Client.pay()")
    def charge(self): ...


@deprecated
def not_a_deprecation(): ...
"""


def test_deprecated_decorators_are_collected_with_ast() -> None:
    assert list(declared(API.encode(), "shop.payments.api")) == [
        ("shop.payments.api.refund_v1", "use refund(); removed in 2027-03", 6),
        ("shop.payments.api.Client.charge", "use Client.pay()", 14),
    ]
    assert list(declared(b"from mylib import deprecated\n@deprecated('x')\ndef f(): ...\n", "m")) == []


def deprecated_uses(source: str, context: Context) -> list[tuple[int, str]]:
    deprecations = [Deprecation(n, t, "payments", "#payments-eng") for n, t, _ in declared(API, "shop.payments.api")]
    rule = functools.partial(DeprecatedAcrossTeams, deprecations=deprecations)
    found = lint_source(textwrap.dedent(source), context, [rule])
    assert all(f.code == "ARC502" and f.severity == "warning" for f in found)
    return [(f.line, f.message) for f in found]


def test_every_import_and_use_of_a_deprecated_name_is_reported() -> None:
    source = """\
        from shop.payments.api import refund_v1, refund
        from shop.payments import api
        from ..payments.api import Client


        def pay(order):
            refund(order)
            refund_v1(order)
            api.refund_v1(order)
            Client().charge()
        """
    found = deprecated_uses(source, Context("shop.orders.checkout", team="orders"))
    assert [line for line, _ in found] == [1, 8, 9, 10]
    assert found[0][1] == (
        "shop.orders.checkout imports shop.payments.api.refund_v1, deprecated by team payments (#payments-eng): "
        "use refund(); removed in 2027-03"
    )


def test_several_rules_share_one_visit_and_a_raising_rule_is_reported_alone() -> None:
    class Boom(LintRule):
        code = "SHOP009"
        name = "boom"
        message = "never"
        origin = "tools/arch_standards.py"

        def visit_Call(self, node: cst.Call) -> None:
            raise ValueError("bad rule")

    class Execute(LintRule):
        code = "SHOP001"
        name = "raw-sql"
        message = "raw SQL"

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "execute":
                self.report(node)

    source = "print(1)\ncursor.execute('select 1')\n"
    found = lint_source(source, DOMAIN, [Boom, Execute, functools.partial(BannedApi, standards=[PURE])])
    assert sorted((f.code, f.line) for f in found) == [("ARC501", 1), ("SHOP001", 2), ("SHOP009", 1)]
    failure = next(f for f in found if f.code == "SHOP009")
    assert "tools/arch_standards.py" in failure.message and "ValueError: bad rule" in failure.message
    assert DOMAIN.path in failure.message


def test_a_file_libcst_cannot_parse_gives_no_lint_finding() -> None:
    assert lint_source("def (:\n", DOMAIN, [functools.partial(BannedApi, standards=[PURE])]) == []


def test_scope_of_a_custom_rule() -> None:
    scope = Scope.of({"outside": ["shop.**.repository"], "teams": ["orders"], "interfaces": False})
    assert scope.admits(Context("shop.orders.web", team="orders"))
    assert not scope.admits(Context("shop.orders.db.repository", team="orders"))
    assert not scope.admits(Context("shop.orders.api", team="orders", is_interface=True))
    assert not scope.admits(Context("shop.payments.web", team="payments"))
    assert Scope.of({"in": ["shop.*.domain"]}).admits(Context("shop.a.domain.x"))


class Counting(LintRule):
    code = "SHOP002"
    name = "no-global-counter"
    message = "a module-level counter"
    VALID = ["counter = None\n", Valid("def f():\n    total = 0\n")]
    INVALID = [Invalid("count = 0\n", line=1, column=1)]

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == "count":
                self.report(node)


def test_examples_of_a_rule_run_and_fail_when_wrong() -> None:
    assert [o.problem for o in run_examples(Counting)] == ["", "", ""]

    class Wrong(Counting):
        INVALID = [Invalid("count = 0\n", line=2)]
        VALID = ["x = 1\ncount = 2\n"]

    problems = [o.problem for o in run_examples(Wrong)]
    assert problems[0].startswith("expected no finding, got 1")
    assert problems[1].startswith("expected a finding at line 2, got 1:1")


# ----------------------------------------------------------------------------------------------------
# plugins

PLUGIN = """\
from arch_rules import LintRule
import libcst as cst


class NoRawSql(LintRule):
    code = "SHOP001"
    name = "raw-sql-outside-repositories"
    message = "raw SQL (.execute) outside a repository module"
    scope = {"outside": ["shop.**.repository"]}
    because = "Only repositories talk to the database (ADR-004)."

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "execute":
            self.report(node)
"""


def project(tmp_path: Path, plugins: list[str], files: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    table = f'[tool.arch_rules]\nsource_roots = ["src"]\nplugins = {plugins!r}\n'.replace("'", '"')
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    write_project(tmp_path, files)
    return tmp_path / "pyproject.toml"


def test_a_plugin_file_is_loaded_by_path_without_touching_sys_path(tmp_path: Path) -> None:
    config = load(project(tmp_path, ["tools/arch_standards.py"], {"tools/arch_standards.py": PLUGIN}))
    before = list(sys.path)
    plugins = load_plugins(config, ["ARC101"])
    assert sys.path == before
    assert plugins.codes == ("SHOP001",)
    assert plugins.rules[0].origin == "tools/arch_standards.py"
    assert plugins.digest


def test_a_plugin_module_is_imported_by_dotted_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "shop_standards").mkdir(parents=True)
    (site / "shop_standards" / "__init__.py").write_text("")
    (site / "shop_standards" / "sql.py").write_text(PLUGIN.replace("SHOP001", "SHOP010"))
    monkeypatch.syspath_prepend(str(site))
    config = load(project(tmp_path / "p", ["shop_standards.sql"], {}))
    assert load_plugins(config).codes == ("SHOP010",)


@pytest.mark.parametrize(
    ("files", "plugins", "expected"),
    [
        (
            {"tools/p.py": PLUGIN.replace('"SHOP001"', '"shop1"')},
            ["tools/p.py"],
            "plugin 'tools/p.py', rule NoRawSql: code 'shop1' is not letters then digits (like SHOP001)",
        ),
        (
            {"tools/p.py": PLUGIN.replace('"SHOP001"', '"ARC901"')},
            ["tools/p.py"],
            "rule NoRawSql: code 'ARC901' starts with ARC",
        ),
        (
            {"tools/p.py": PLUGIN, "tools/q.py": PLUGIN},
            ["tools/p.py", "tools/q.py"],
            "tool.arch_rules.plugins[1]: plugin 'tools/q.py', rule NoRawSql: code SHOP001 is already used by "
            "rule NoRawSql of plugin 'tools/p.py'",
        ),
        (
            {"tools/p.py": "import no_such_module_here\n"},
            ["tools/p.py"],
            "tool.arch_rules.plugins[0]: plugin 'tools/p.py' failed to import (line 1): ModuleNotFoundError",
        ),
        ({}, ["tools/missing.py"], "plugin 'tools/missing.py' not found"),
        ({}, ["no_such_plugin_module"], "plugin 'no_such_plugin_module' failed to import: ModuleNotFoundError"),
        ({"tools/p.py": "X = 1\n"}, ["tools/p.py"], "defines no LintRule subclass"),
        (
            {"tools/p.py": PLUGIN.replace('{"outside"', '{"outsde"')},
            ["tools/p.py"],
            "rule NoRawSql: scope key 'outsde' is not one of in, outside, teams, interfaces",
        ),
        (
            {"tools/p.py": PLUGIN.replace('"shop.**.repository"', '"shop..repository"')},
            ["tools/p.py"],
            "rule NoRawSql: scope['outside'][0]: malformed module pattern",
        ),
    ],
)
def test_plugin_problems_are_one_line_each(
    tmp_path: Path, files: dict[str, str], plugins: list[str], expected: str
) -> None:
    config = load(project(tmp_path, plugins, files))
    with pytest.raises(ConfigError) as info:
        load_plugins(config, ["ARC101"])
    assert any(expected in line and line.startswith("pyproject.toml: ") for line in info.value.problems), (
        info.value.problems
    )
    assert all("\n" not in line for line in info.value.problems)


# ----------------------------------------------------------------------------------------------------
# configuration

HEAD = '[tool.arch_rules]\nsource_roots = ["src"]\n[tool.arch_rules.teams.orders]\nowns = ["shop.orders"]\n'


def problems(tmp_path: Path, table: str) -> list[str]:
    (tmp_path / "pyproject.toml").write_text(HEAD + textwrap.dedent(table), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "pyproject.toml")
    return info.value.problems


def test_a_standard_and_a_deprecation_load(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        HEAD
        + 'deprecated = { "shop.orders.api.old" = "use new()" }\n'
        + '[[tool.arch_rules.standards]]\nname = "pure"\nin = ["shop.*.domain"]\nban = ["print"]\nbecause = "x"\n'
        + '[[tool.arch_rules.standards]]\nteams = ["orders"]\nexcept = ["shop.orders.web"]\nban = ["os.environ"]\n',
        encoding="utf-8",
    )
    config = load(tmp_path / "pyproject.toml")
    assert [s.label for s in config.standards] == ["pure", "standards[1]"]
    assert config.standards[1].teams == ("orders",) and config.standards[1].excepted[0].text == "shop.orders.web"
    assert config.teams[0].deprecated == (("shop.orders.api.old", "use new()"),)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            '[[tool.arch_rules.standards]]\nin = ["shop"]\nban = ["print"]\nbecuase = "x"\n',
            'pyproject.toml: tool.arch_rules.standards[0].becuase: unknown key (did you mean "because"?)',
        ),
        (
            '[[tool.arch_rules.standards]]\nin = ["shop"]\n',
            "pyproject.toml: tool.arch_rules.standards[0].ban: required key is missing",
        ),
        (
            '[[tool.arch_rules.standards]]\nban = ["print"]\n',
            'pyproject.toml: tool.arch_rules.standards[0]: give "in" (module patterns) or "teams" (team names): '
            "where the standard applies",
        ),
        (
            '[[tool.arch_rules.standards]]\nin = ["shop"]\nban = ["os.environ[]"]\n',
            'pyproject.toml: tool.arch_rules.standards[0].ban[0]: "os.environ[]" is not a dotted name',
        ),
        (
            '[[tool.arch_rules.standards]]\nin = ["shop."]\nban = ["print"]\n',
            "pyproject.toml: tool.arch_rules.standards[0].in[0]: malformed module pattern",
        ),
        (
            '[[tool.arch_rules.standards]]\nin = ["shop"]\nban = []\n',
            "pyproject.toml: tool.arch_rules.standards[0].ban: must list at least one name",
        ),
        (
            'deprecated = ["shop.orders.api.old"]\n',
            'pyproject.toml: tool.arch_rules.teams.orders.deprecated: expected a table of "dotted.name" = "text"',
        ),
        (
            'deprecated = { "shop.orders.api.old" = 3 }\n',
            'pyproject.toml: tool.arch_rules.teams.orders.deprecated."shop.orders.api.old": expected the '
            "deprecation text as a string, got a number",
        ),
    ],
)
def test_standards_configuration_problems(tmp_path: Path, table: str, expected: str) -> None:
    found = problems(tmp_path, table)
    assert any(line.startswith(expected) for line in found), found


def test_an_unknown_team_in_a_standard_is_reported_once_teams_are_known(tmp_path: Path) -> None:
    """Team files and CODEOWNERS add teams after the table is read: the engine checks the names then."""
    from arch_rules.engine.run import Options, prepare

    (tmp_path / "src" / "shop" / "orders").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "__init__.py").write_text("")
    (tmp_path / "src" / "shop" / "orders" / "__init__.py").write_text("")
    standard = '[[tool.arch_rules.standards]]\nteams = ["oders"]\nban = ["print"]\n'
    (tmp_path / "pyproject.toml").write_text(HEAD + standard)
    with pytest.raises(ConfigError) as info:
        prepare(Options(start=tmp_path))
    assert info.value.problems == [
        'pyproject.toml: tool.arch_rules.standards[0].teams[0]: unknown team "oders" (did you mean "orders"?)'
    ]


def test_plugins_must_be_a_list_of_strings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.arch_rules]\nplugins = "tools/p.py"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "pyproject.toml")
    assert info.value.problems == [
        'pyproject.toml: tool.arch_rules.plugins: expected a list of strings, got a string (write ["tools/p.py"])'
    ]


def test_plugin_codes_may_be_selected_before_plugins_load(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.arch_rules]\nplugins = ["tools/p.py"]\n[tool.arch_rules.rules]\nignore = ["SHOP001"]\n'
        'severity = { SHOP = "warning" }\n',
        encoding="utf-8",
    )
    assert load(tmp_path / "pyproject.toml").rules.ignore == ("SHOP001",)
    (tmp_path / "pyproject.toml").write_text('[tool.arch_rules]\n[tool.arch_rules.rules]\nignore = ["SHOP001"]\n')
    with pytest.raises(ConfigError):
        load(tmp_path / "pyproject.toml")
