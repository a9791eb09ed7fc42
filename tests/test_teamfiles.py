"""Team-owned declarations (``arch-team.toml``): discovery, the errors, findings located in them, and
``arch-rules init --split-teams``."""

from __future__ import annotations

from pathlib import Path

import pytest

from arch_rules.adapters.cli import main
from arch_rules.testing import write_project

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]
"""
DOC = '"""Doc."""\n'
FILES = {
    "src/shop/__init__.py": DOC,
    "src/shop/billing/__init__.py": DOC + '__all__ = ["charge"]\n\n\ndef charge() -> None:\n    """C."""\n',
    "src/shop/billing/internal.py": DOC,
    "src/shop/orders/__init__.py": DOC + "__all__: list[str] = []\n",
    "src/shop/orders/views.py": DOC + "from shop.billing import internal\n",
}
BILLING = 'name = "billing"\ncontact = "#billing-eng"\n'
ORDERS = 'name = "orders"\ndepends_on = ["billing"]\n'


def make(root: Path, config: str = CONFIG, extra: dict[str, str] | None = None) -> Path:
    files = {
        "pyproject.toml": config,
        **FILES,
        "src/shop/billing/arch-team.toml": BILLING,
        "src/shop/orders/arch-team.toml": ORDERS,
        **(extra or {}),
    }
    write_project(root, files)
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_team_files_declare_teams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    make(tmp_path)
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--no-cache")
    assert code == 1, err
    assert (
        "src/shop/orders/views.py:2:1: ARC102 shop.orders.views imports shop.billing.internal, a private module "
        "of team billing (#billing-eng)"
    ) in out


@pytest.mark.parametrize(
    ("config", "extra", "expected"),
    [
        (
            CONFIG + '[tool.arch_rules.teams.billing]\nowns = ["shop.billing"]\n',
            {},
            [
                'arch-rules: src/shop/billing/arch-team.toml: name: team "billing" is already defined in '
                "pyproject.toml (tool.arch_rules.teams.billing); a team is declared in one place"
            ],
        ),
        (
            CONFIG,
            {"src/shop/orders/arch-team.toml": 'name = "billing"\nowns = ["shop.orders"]\n'},
            [
                'arch-rules: src/shop/orders/arch-team.toml: name: team "billing" is already defined in '
                "src/shop/billing/arch-team.toml; a team is declared in one place"
            ],
        ),
        (
            CONFIG,
            {"src/shop/orders/arch-team.toml": 'name = "orders"\nowns = ["shop.orders", "shop.billing.internal"]\n'},
            [
                'arch-rules: src/shop/orders/arch-team.toml: owns[1]: "shop.billing.internal" is outside the package '
                "shop.orders this file sits in; a team file owns only its own package (declare other modules in "
                "that package's team file or in pyproject.toml)"
            ],
        ),
        (
            CONFIG,
            {"src/shop/orders/arch-team.toml": 'name = "orders"\ndepends_on = ["biling"]\nowner = "x"\n'},
            ['arch-rules: src/shop/orders/arch-team.toml: owner: unknown key (did you mean "owns"?)'],
        ),
        (
            CONFIG,
            {"src/shop/orders/arch-team.toml": 'name = "orders"\ndepends_on = ["biling"]\n'},
            [
                'arch-rules: src/shop/orders/arch-team.toml: depends_on[0]: unknown team "biling" '
                '(did you mean "billing"?)'
            ],
        ),
        (
            CONFIG + '[tool.arch_rules.teams.web]\nowns = ["shop"]\ndepends_on = ["orders", "nobody"]\n',
            {},
            ['arch-rules: pyproject.toml: tool.arch_rules.teams.web.depends_on[1]: unknown team "nobody"'],
        ),
    ],
    ids=["central-and-file", "two-files", "owns-outside", "unknown-key", "unknown-team", "central-names-file-team"],
)
def test_team_file_errors(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, config: str, extra: dict[str, str], expected: list[str]
) -> None:
    make(tmp_path, config, extra)
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--no-cache")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == len(expected) and all(line.startswith(e) for line, e in zip(lines, expected, strict=True)), err


def test_a_pattern_of_a_team_file_that_matches_nothing_is_reported_there(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    make(tmp_path, extra={"src/shop/billing/arch-team.toml": BILLING + 'interface = ["shop.billing.apii"]\n'})
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--no-cache", "--select", "ARC001")
    assert code == 1
    assert out.splitlines()[0] == (
        "src/shop/billing/arch-team.toml:3:1: ARC001 interface[0]: 'shop.billing.apii' matches no module of the "
        "project (a typo, or the code moved); fix the pattern or remove it"
    )


def test_split_teams_moves_the_central_teams_and_keeps_the_findings(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    central = (
        CONFIG
        + '\n# who owns what\n[tool.arch_rules.teams.billing]\nowns = ["shop.billing"]\ncontact = "#billing-eng"\n'
        + '\n[tool.arch_rules.teams.orders]\nowns = ["shop.orders"]\ndepends_on = ["billing"]\n'
        + '\n[tool.arch_rules.teams.everyone]\nowns = ["shop.*"]\n'
        + '\n[[tool.arch_rules.forbid]]\nfrom = ["shop.billing"]\nimport = ["requests"]\n'
    )
    root = tmp_path
    for rel, text in {"pyproject.toml": central, **FILES}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    before = run(root, monkeypatch, capsys, "check", "--no-cache")
    code, out, _ = run(root, monkeypatch, capsys, "init", "--split-teams")
    assert code == 0 and "nothing written" in out
    assert not (root / "src/shop/billing/arch-team.toml").exists()
    code, out, _ = run(root, monkeypatch, capsys, "init", "--split-teams", "--write")
    assert code == 0
    assert "# team everyone: owns 'shop.*' starts with a wildcard" not in out  # "shop" is literal
    assert (root / "src/shop/billing/arch-team.toml").read_text() == 'name = "billing"\ncontact = "#billing-eng"\n'
    assert (root / "src/shop/orders/arch-team.toml").read_text() == 'name = "orders"\ndepends_on = ["billing"]\n'
    text = (root / "pyproject.toml").read_text()
    assert "teams.billing" not in text and "teams.orders" not in text
    assert "# who owns what" in text and "[[tool.arch_rules.forbid]]" in text
    after = run(root, monkeypatch, capsys, "check", "--no-cache")
    assert after == before
