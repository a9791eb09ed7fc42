"""Property: whatever else a module holds, ``--fix`` yields code that parses and changes nothing but the import
statements it reports (hypothesis, with hypothesmith's grammar-generated Python mixed with our imports)."""

from __future__ import annotations

import ast
import textwrap
import warnings
from collections import Counter
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from arch_rules.adapters import fixes
from arch_rules.engine.run import Options, run_full

FILES = {
    "pyproject.toml": """\
        [tool.arch_rules]
        source_roots = ["src"]
        root_packages = ["shop"]

        [tool.arch_rules.teams.payments]
        owns = ["shop.payments"]
        interface = ["shop.payments.api"]

        [tool.arch_rules.teams.orders]
        owns = ["shop.orders"]
        """,
    "src/shop/__init__.py": "",
    "src/shop/payments/__init__.py": "",
    "src/shop/payments/api.py": """\
        from shop.payments.internal.gateway import Charge, refund
        from shop.payments.internal.receipts import Receipt

        __all__ = ["Charge", "refund", "Receipt"]
        """,
    "src/shop/payments/internal/__init__.py": "",
    "src/shop/payments/internal/gateway.py": "class Charge: ...\nclass Secret: ...\ndef refund(c): ...\n",
    "src/shop/payments/internal/receipts.py": "class Receipt: ...\n",
    "src/shop/orders/__init__.py": "",
}
TARGET = "src/shop/orders/checkout.py"
SIMPLE = "from shop.payments.internal.gateway import Charge"

IMPORTS = [
    SIMPLE,
    "from shop.payments.internal.gateway import Charge as Fee",
    "from shop.payments.internal.gateway import Charge, Secret",
    "from shop.payments.internal.gateway import Secret, refund as give_back",
    "from shop.payments.internal.gateway import (\n    Charge,\n    refund,\n)",
    "from shop.payments.internal.gateway import (Charge,  # money\n    Secret)",
    "from shop.payments.internal.receipts import Receipt  # printed",
    "from shop.payments.internal import gateway",
    "from shop.payments.api import refund",
    "from shop.payments.api import (\n    Receipt,\n)",
    "import shop.payments.internal.gateway",
    "from shop.payments.internal.gateway import *",
    "import os; from shop.payments.internal.gateway import Charge",
]
WRAPPERS = [
    "{}",
    "def f():\n{}\n    return 1",
    "if TYPE_CHECKING:\n{}",
    "try:\n{}\nexcept ImportError:\n    pass",
    "class K:\n{}",
]


@st.composite
def wrapped_import(draw: st.DrawFn) -> str:
    statement = draw(st.sampled_from(IMPORTS))
    wrapper = draw(st.sampled_from(WRAPPERS))
    return statement if wrapper == "{}" else wrapper.format(textwrap.indent(statement, "    "))


def _parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        cst.parse_module(source)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, RecursionError):
        return False
    return True


code = hypothesmith.from_grammar().filter(lambda s: "\\" not in s and "\f" not in s and _parses(s))
chunks = st.lists(st.one_of(wrapped_import(), code), min_size=1, max_size=6)


class _Strip(ast.NodeTransformer):
    """Drop every import; what is left must be the same before and after."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None

    def visit_Import(self, node: ast.Import) -> None:
        return None


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("property")
    for rel, text in FILES.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return base


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(parts=chunks)
def test_fixes_parse_and_touch_only_the_reported_imports(root: Path, parts: list[str]) -> None:
    source = "from typing import TYPE_CHECKING\n" + "\n".join(p.rstrip("\n") for p in parts) + "\n"
    assume(_parses(source))
    (root / TARGET).write_text(source, encoding="utf-8")
    run = run_full(Options(start=root, cache=False, graph=False))
    reported = {f.line for f in run.report.findings if f.code == "ARC102" and f.path == TARGET}
    result = fixes.apply(run, write=False)

    if SIMPLE in parts:  # a plain top-level import the interface re-exports: always fixable
        assert TARGET in result.files
    event("fixed" if TARGET in result.files else "nothing to fix")
    if TARGET not in result.files:
        return
    before_bytes, after_bytes = result.files[TARGET]
    assert before_bytes == source.encode()
    after = after_bytes.decode()
    assert _parses(after)
    touched = set(result.rewritten[TARGET])
    assert touched and touched <= reported

    # Everything but the imports is exactly as it was.
    assert ast.dump(_Strip().visit(ast.parse(source))) == ast.dump(_Strip().visit(ast.parse(after)))

    # Imports on lines not reported come through unchanged (an interface import may gain names); names of
    # reported ones either stay where they were or now come from the interface, under the same binding.
    old, new = _aliases(ast.parse(source), touched), _aliases(ast.parse(after), set())
    untouched = Counter(a[1:] for a in old if not a[0])
    rewritten = {a[1:] for a in old if a[0]}
    now = Counter(a[1:] for a in new)
    assert untouched <= now
    extra = now - untouched
    for module, level, name, asname in extra:
        assert (module, level, name, asname) in rewritten or (module, level) == ("shop.payments.api", 0)
    assert {(n, a) for *_, n, a in old} == {(n, a) for *_, n, a in new}


def _aliases(tree: ast.Module, touched: set[int]) -> list[tuple[bool, str, int, str, str | None]]:
    """(on a touched line, module, level, name, asname) for every name of every ``from`` import."""
    return [
        (node.lineno in touched, node.module or "", node.level, alias.name, alias.asname)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
