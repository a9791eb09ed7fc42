"""Teams from CODEOWNERS (docs/configuration.md): owners become teams, patterns become owns, explicit teams win."""

from __future__ import annotations

import textwrap
from pathlib import Path

import arch_rules
from arch_rules.engine.run import Options, prepare
from arch_rules.model.codeowners import parse, team_name

FILES = [
    "src/shop/__init__.py",
    "src/shop/payments/__init__.py",
    "src/shop/payments/api.py",
    "src/shop/payments/gateway.py",
    "src/shop/orders/__init__.py",
    "src/shop/orders/checkout.py",
    "src/shop/orders/legacy.py",
    "src/shop/web/__init__.py",
]

CODEOWNERS = """\
# comments and blank lines are fine

*                          @acme/platform
/src/shop/payments/        @acme/payments @alice
/src/shop/orders/          @acme/orders
/src/shop/orders/legacy.py someone@example.com
"""


def make(tmp_path: Path, table: str, codeowners: str = CODEOWNERS) -> Path:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(table))
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text(codeowners)
    for rel in FILES:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('"""Doc."""\n')
    return tmp_path


def owners(root: Path) -> dict[str, str | None]:
    _config, project = prepare(Options(start=root))
    return {name: (t.name if (t := project.team_of(name)) else None) for name in sorted(project.modules)}


def test_parse_and_owner_names() -> None:
    rules = parse(CODEOWNERS)
    assert [r.line for r in rules] == [3, 4, 5, 6]
    assert rules[1].owners == ("@acme/payments", "@alice")
    assert [team_name(o) for o in ("@acme/payments", "@alice", "someone@example.com")] == ["payments", "alice", None]


def test_owners_become_teams_and_last_match_wins(tmp_path: Path) -> None:
    root = make(tmp_path, '[tool.arch_rules]\nsource_roots = ["src"]\ncodeowners = ".github/CODEOWNERS"\n')
    assert owners(root) == {
        "shop": "platform",
        "shop.orders": "orders",
        "shop.orders.checkout": "orders",
        # Its own rule names only an e-mail address, but owns patterns cover descendants: the package's.
        "shop.orders.legacy": "orders",
        "shop.payments": "payments",
        "shop.payments.api": "payments",
        "shop.payments.gateway": "payments",
        "shop.web": "platform",
    }
    config, project = prepare(Options(start=root))
    payments = next(t for t in config.teams if t.name == "payments")
    assert [p.text for p in payments.owns] == ["shop.payments"]  # one pattern for the whole package
    assert payments.contact == "@acme/payments"
    # The default interface of a CODEOWNERS team is its package itself: ARC102 for a deep import.
    (root / "src/shop/web/views.py").write_text("from shop.payments.gateway import x\n")
    report = arch_rules.check(root, cache=False, graph=False)
    assert ("src/shop/web/views.py", "ARC102") in {(f.path, f.code) for f in report.findings}


def test_explicit_teams_win_and_can_be_extended(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        codeowners = ".github/CODEOWNERS"

        [tool.arch_rules.teams.checkout]
        owns = ["shop.orders.checkout"]
        depends_on = ["payments"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.web"]
        """,
    )
    found = owners(root)
    assert found["shop.orders.checkout"] == "checkout"  # explicit wins over the CODEOWNERS rule
    assert found["shop.web"] == "orders"  # explicit
    assert found["shop.orders"] == "orders"  # from CODEOWNERS, added to the configured team
    assert found["shop.payments.api"] == "payments"  # depends_on may name a CODEOWNERS team


def test_unknown_team_is_still_an_error(tmp_path: Path) -> None:
    from arch_rules.errors import ConfigError

    root = make(
        tmp_path,
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        codeowners = ".github/CODEOWNERS"
        [tool.arch_rules.teams.checkout]
        owns = ["shop.orders.checkout"]
        depends_on = ["paymnets"]
        """,
    )
    try:
        prepare(Options(start=root))
    except ConfigError as exc:
        assert exc.problems == [
            'pyproject.toml: tool.arch_rules.teams.checkout.depends_on[0]: unknown team "paymnets" '
            '(did you mean "payments"?)'
        ]
    else:
        raise AssertionError("no error")


def test_a_configured_team_may_take_all_its_modules_from_codeowners(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        """\
        [tool.arch_rules]
        source_roots = ["src"]
        codeowners = ".github/CODEOWNERS"
        [tool.arch_rules.teams.payments]
        owns = []
        interface = ["shop.payments.api"]
        contact = "#payments-eng"
        """,
    )
    config, project = prepare(Options(start=root))
    payments = next(t for t in config.teams if t.name == "payments")
    assert [p.text for p in payments.owns] == ["shop.payments"] and payments.contact == "#payments-eng"
    assert project.is_interface("shop.payments.api") and not project.is_interface("shop.payments")


def test_an_edit_of_codeowners_is_never_served_from_the_cache(tmp_path: Path) -> None:
    """CODEOWNERS decides who owns what, so the cached findings depend on its text: moving a module to
    another team (and back) gives the findings a run without the cache gives."""
    from arch_rules.engine.run import run

    root = make(tmp_path, '[tool.arch_rules]\nsource_roots = ["src"]\ncodeowners = ".github/CODEOWNERS"\n')
    (root / "src/shop/orders/checkout.py").write_text('"""Doc."""\nfrom shop.payments import gateway\n')

    def codes(cache: bool) -> list[tuple[str, str]]:
        return sorted((f.code, f.path) for f in run(Options(start=root, cache=cache)).findings)

    crossing = codes(True)
    assert ("ARC102", "src/shop/orders/checkout.py") in crossing
    moved = CODEOWNERS + "/src/shop/orders/checkout.py @acme/payments\n"
    for text in (moved, CODEOWNERS):
        (root / ".github" / "CODEOWNERS").write_text(text)
        assert codes(True) == codes(False)
    assert codes(True) == crossing
    (root / ".github" / "CODEOWNERS").write_text(moved)
    assert ("ARC102", "src/shop/orders/checkout.py") not in codes(True)
