"""``check --fix`` / ``--diff``: ARC102 imports moved onto the owning team's interface, through the real CLI."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arch_rules.adapters import fixes
from arch_rules.engine.run import Options, run_full
from tests.tools import script

LEDGER = Path(__file__).resolve().parents[1] / "fixtures" / "interfaces"

PYPROJECT = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
contact = "#payments"

[tool.arch_rules.teams.orders]
owns = ["shop.orders"]
"""

PAYMENTS = {
    "src/shop/__init__.py": '"""The shop."""\n',
    "src/shop/payments/__init__.py": '"""Payments: charging customers."""\n',
    "src/shop/payments/api.py": '''\
        """What payments offers the other teams."""

        from shop.payments.internal.gateway import Charge, refund
        from shop.payments.internal.receipts import Receipt as Receipt

        __all__ = ["Charge", "refund", "Receipt"]
        ''',
    "src/shop/payments/internal/__init__.py": "",
    "src/shop/payments/internal/gateway.py": """\
        class Charge:
            pass


        class Secret:
            pass


        def refund(charge):
            return charge
        """,
    "src/shop/payments/internal/receipts.py": "class Receipt:\n    pass\n",
    "src/shop/orders/__init__.py": '"""Orders: carts and checkout."""\n\n__all__: list[str] = []\n',
}


def project(tmp_path: Path, orders: dict[str, str], payments: dict[str, str] | None = None) -> Path:
    root = tmp_path / "shop"
    files = {**PAYMENTS, **(payments or {}), **{f"src/shop/orders/{k}": v for k, v in orders.items()}}
    (root).mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(textwrap.dedent(text).encode() if isinstance(text, str) else text)
    return root


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = script("arch-rules")
    command = [exe] if exe else [sys.executable, "-m", "arch_rules"]
    return subprocess.run(
        [*command, "check", "--no-cache", *args], cwd=root, capture_output=True, text=True, timeout=120
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def arc102_lines(result: subprocess.CompletedProcess[str], path: str) -> list[int]:
    lines = result.stdout.splitlines()
    return [int(line.split(":")[1]) for line in lines if line.startswith(path) and " ARC102 " in line]


CHECKOUT = """\
    \"\"\"Checkout.\"\"\"

    from decimal import Decimal

    from shop.payments.internal.gateway import Charge as PaymentCharge  # charges go through payments


    def pay(amount: Decimal) -> PaymentCharge:
        return PaymentCharge()
    """


@pytest.mark.slow
def test_fix_rewrites_then_check_is_clean_and_a_second_fix_changes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"checkout.py": CHECKOUT})
    first = cli(root)
    assert arc102_lines(first, "src/shop/orders/checkout.py") == [5]
    assert "import Charge from shop.payments.api instead" in first.stdout

    fixed = cli(root, "--fix")
    text = (root / "src/shop/orders/checkout.py").read_text()
    assert "from shop.payments.api import Charge as PaymentCharge  # charges go through payments\n" in text
    assert "internal" not in text
    assert "ARC102" not in fixed.stdout  # cli.py re-runs the check after --fix
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    again = cli(root)
    assert arc102_lines(again, "src/shop/orders/checkout.py") == []
    before = snapshot(root)
    second = cli(root, "--fix")
    assert snapshot(root) == before
    assert second.returncode == 0
    assert cli(root, "--diff").stdout == ""


def test_diff_prints_a_git_style_diff_and_touches_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"checkout.py": CHECKOUT})
    before = snapshot(root)
    result = cli(root, "--diff", "--no-graph")
    assert snapshot(root) == before
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == ["--- a/src/shop/orders/checkout.py", "+++ b/src/shop/orders/checkout.py"]
    assert "-from shop.payments.internal.gateway import Charge as PaymentCharge  # charges" in result.stdout
    assert "+from shop.payments.api import Charge as PaymentCharge  # charges" in result.stdout
    # Paths are relative to the current directory.
    above = subprocess.run(
        [script("arch-rules") or "arch-rules", "check", "--no-cache", "--no-graph", "--diff",
         "--config", str(root / "pyproject.toml")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert above.stdout.startswith("--- a/shop/src/shop/orders/checkout.py\n+++ b/shop/src/shop/orders/checkout.py\n")
    assert snapshot(root) == before


def test_fix_merges_into_an_existing_interface_import(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "checkout.py": """\
                from shop.payments.api import refund
                from shop.payments.internal.gateway import Charge, refund
                from shop.payments.internal.receipts import Receipt as Slip

                CHARGE = Charge
                """
        },
    )
    cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == (
        "from shop.payments.api import refund, Charge, Receipt as Slip\n\nCHARGE = Charge\n"
    )


def test_fix_merges_into_a_parenthesised_import_keeping_its_style(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "checkout.py": """\
                from shop.payments.api import (
                    Receipt,  # printed at the till
                    refund,
                )
                from shop.payments.internal.gateway import Charge
                """
        },
    )
    cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == (
        "from shop.payments.api import (\n    Receipt,  # printed at the till\n    refund,\n    Charge,\n)\n"
    )


def test_an_import_after_the_use_is_not_merged_into_a_later_one(tmp_path: Path) -> None:
    source = "from shop.payments.internal.gateway import Charge\nC = Charge\nfrom shop.payments.api import refund\n"
    root = project(tmp_path, {"checkout.py": source})
    cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == source.replace("internal.gateway", "api", 1)


def test_comments_and_layout_of_a_multiline_import_are_kept(tmp_path: Path) -> None:
    source = """\
        # Payments' types, used on every page.
        from shop.payments.internal.gateway import (  # noqa: ARC105 -- not private, just checking the comment
            Charge as C,  # the charge
            refund,
        )
        """
    root = project(tmp_path, {"checkout.py": source})
    result = cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == textwrap.dedent(source).replace(
        "internal.gateway", "api"
    )
    assert "ARC102" not in result.stdout


def test_a_name_the_interface_does_not_export_stays_with_a_note(tmp_path: Path) -> None:
    root = project(tmp_path, {"checkout.py": "from shop.payments.internal.gateway import Charge, Secret\n"})
    result = cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == (
        "from shop.payments.internal.gateway import Secret\nfrom shop.payments.api import Charge\n"
    )
    assert (
        "src/shop/orders/checkout.py:1: Secret is not exported by team payments' interface; left as is" in result.stderr
    )
    assert arc102_lines(result, "src/shop/orders/checkout.py") == [1]  # Secret still reaches in
    assert "does not export Secret" in result.stdout


def test_a_statement_with_nothing_exported_is_left_whole(tmp_path: Path) -> None:
    source = "from shop.payments.internal.gateway import Secret\n"
    root = project(tmp_path, {"checkout.py": source})
    result = cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == source
    assert "Secret is not exported by team payments' interface; left as is" in result.stderr


def test_module_imports_and_unsafe_moves_are_left_alone_with_notes(tmp_path: Path) -> None:
    orders = {
        "plain.py": "import shop.payments.internal.gateway\n",
        # The interface's Receipt is its own class, not the one in receipts: a different object.
        "receipt.py": "from shop.payments.internal.receipts import Receipt\n",
        # payments' API imports this module back: importing the API here at import time would be a cycle.
        "hooks.py": "from shop.payments.internal.gateway import Charge\n",
    }
    payments = {
        "src/shop/payments/api.py": '''\
            """What payments offers the other teams."""

            from shop.orders.hooks import Charge as _unused
            from shop.payments.internal.gateway import refund

            __all__ = ["Charge", "refund", "Receipt"]
            Charge = _unused


            class Receipt:
                """A receipt of our own."""
            ''',
    }
    root = project(tmp_path, orders, payments)
    before = snapshot(root)
    result = cli(root, "--fix", "--no-graph")
    assert snapshot(root) == before
    notes = result.stderr
    assert "src/shop/orders/plain.py:1: `import shop.payments.internal.gateway` uses the module itself" in notes
    assert "src/shop/orders/receipt.py:1: Receipt in shop.payments.api is not the same object" in notes
    assert "src/shop/orders/hooks.py:1: shop.payments.api imports shop.orders.hooks" in notes


def test_relative_and_local_imports_are_rewritten_to_the_interface(tmp_path: Path) -> None:
    source = """\
        def pay():
            from ..payments.internal.gateway import Charge

            return Charge()
        """
    root = project(tmp_path, {"checkout.py": source})
    cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == textwrap.dedent(source).replace(
        "..payments.internal.gateway", "shop.payments.api"
    )


def test_type_checking_only_re_export_is_not_used_for_a_runtime_import(tmp_path: Path) -> None:
    payments = {
        "src/shop/payments/api.py": '''\
            """What payments offers the other teams."""
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from shop.payments.internal.gateway import Charge

            __all__ = ["Charge"]
            ''',
    }
    source = "from typing import TYPE_CHECKING\nfrom shop.payments.internal.gateway import Charge\n"
    source += "if TYPE_CHECKING:\n    from shop.payments.internal.gateway import Charge as C\n"
    root = project(tmp_path, {"checkout.py": source}, payments)
    result = cli(root, "--fix", "--no-graph")
    assert (root / "src/shop/orders/checkout.py").read_text() == source.replace(
        "from shop.payments.internal.gateway import Charge as C", "from shop.payments.api import Charge as C"
    )
    assert "checkout.py:2: shop.payments.api imports Charge only under TYPE_CHECKING; left as is" in result.stderr


def test_newlines_encoding_and_mode_are_kept(tmp_path: Path) -> None:
    source = (
        "# -*- coding: latin-1 -*-\r\nfrom shop.payments.internal.gateway import Charge\r\nNAME = 'caf\xe9'\r\n"
    ).encode("latin-1")
    root = project(tmp_path, {"checkout.py": source})  # type: ignore[dict-item]
    path = root / "src/shop/orders/checkout.py"
    path.write_bytes(source)
    path.chmod(0o640)
    cli(root, "--fix", "--no-graph")
    assert path.read_bytes() == source.replace(b"internal.gateway", b"api")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    root = project(tmp_path, {"checkout.py": CHECKOUT})
    run = run_full(Options(start=root, cache=False, graph=False))
    path = root / "src/shop/orders/checkout.py"
    edited = path.read_text() + "\nEDITED = True\n"
    path.write_text(edited)
    result = fixes.apply(run, write=True)
    assert path.read_text() == edited
    assert result.changed == []
    assert any("changed on disk since it was read; not overwritten" in note for note in result.notes)
    assert "+from shop.payments.api import Charge as PaymentCharge" in result.diff


def test_the_ledger_fixture_is_fixed_where_it_can_be(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    shutil.copytree(LEDGER, root, ignore=shutil.ignore_patterns(".arch_rules_cache"))
    result = cli(root, "--fix", "--no-graph")
    cart = (root / "src/ledger/checkout/cart.py").read_text()
    assert "from ledger.billing.api import Charge  # expect: ARC102\n" in cart
    assert "from ledger.billing.internal.money import (  # expect: ARC102\n" in cart  # comment beside Money
    assert arc102_lines(result, "src/ledger/checkout/cart.py") == [5]
    assert "cart.py:5: round_cents is not exported by team billing's interface; left as is" in result.stderr


def test_fix_and_diff_together_writes_and_shows_what_was_written(tmp_path: Path) -> None:
    root = project(tmp_path, {"checkout.py": CHECKOUT})
    dry = cli(root, "--diff")
    done = cli(root, "--fix", "--diff")
    assert done.returncode == 0, done.stderr  # fixed: the findings left are none
    assert dry.stdout and done.stdout.startswith(dry.stdout)  # the same diff, as ruff's --fix --diff shows
    assert "from shop.payments.api import" in (root / "src/shop/orders/checkout.py").read_text()


def test_symlinked_files_are_written_through_the_link(tmp_path: Path) -> None:
    if not hasattr(os, "symlink"):
        pytest.skip("no symlinks here")
    root = project(tmp_path, {})
    real = root / "src/shop/orders/real_checkout.txt"
    real.write_text("from shop.payments.internal.gateway import Charge\n")
    link = root / "src/shop/orders/checkout.py"
    link.symlink_to(real.name)
    cli(root, "--fix", "--no-graph")
    assert link.is_symlink()
    assert real.read_text() == "from shop.payments.api import Charge\n"
