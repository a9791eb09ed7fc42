"""The reader's shortcuts find exactly the facts the full walk finds.

``_Reader.read`` walks only statements when the text names no dynamic import, and walks whole only the
statements whose lines name ``__import__`` or ``import_module`` when it does (the flake8 plugin's cost was
mostly the full walk); it looks for top-level ``:=`` only when the text holds one. Each case here is read
twice, with the shortcuts and with them forced off, and the facts must be equal.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arch_rules.facts import FileFacts, extract, reader

REPO = Path(__file__).resolve().parents[1]

CASES = {
    "try": (
        "try:\n    from a import b\nexcept ImportError:\n    import c\nelse:\n    import d\nfinally:\n    import e\n"
    ),
    "match": "match x:\n    case 1:\n        import a\n    case _:\n        from b import c\n",
    "nested": (
        "class A:\n    import a\n\n    def f(self):\n        with x:\n            for i in y:\n"
        "                while z:\n                    import b\n"
    ),
    "async": "async def f():\n    async with x:\n        async for i in y:\n            from . import z\n",
    "type checking": (
        "import typing as t\n\nif t.TYPE_CHECKING:\n    from a import B\nelse:\n    import c\n"
        "from typing import TYPE_CHECKING as TC\nif TC:\n    import d\n"
    ),
    "dynamic": (
        "import importlib as il\nfrom importlib import import_module as im\n\n"
        "x = il.import_module('a.b')\ny = [im('c') for _ in range(2)]\nz = lambda: __import__('d')\n"
        "def f(p=im('e')):\n    return im('.f', package=__package__)\n"
    ),
    "decorated": "@decorator(lambda: 1)\ndef f(a: int = g()) -> None:\n    import a\n",
    "star": "from a import *\n\ndef f():\n    from b import *\n",
    "try star": "try:\n    import a\nexcept* ValueError:\n    import b\n",
    "dynamic in places": (
        "import importlib\n\n@deco(importlib.import_module('a'))\ndef f():\n    import b\n\n"
        "class C(importlib.import_module('c').Base):\n    import d\n\n"
        "if __import__('e'):\n    import f\nelse:\n    x = importlib.import_module('g')\n"
        "try:\n    import h\nexcept importlib.import_module('i').Error:\n    pass\n"
        "(y := importlib.import_module('j'))\n"
    ),
}


def _full_walk(data: bytes, monkeypatch: pytest.MonkeyPatch) -> FileFacts:
    """The facts with every shortcut off: the whole tree walked, expressions included, and the search
    for top-level ``:=`` run on every statement."""
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_reader", lambda text, lines: reader._Reader(lines, dynamic=True, walrus=True))
        patch.setattr(reader, "_IMPORT_MODULE_ALIAS", re.compile(""))  # matches any text: walk it whole
        return extract(data)


@pytest.mark.parametrize("name", sorted(CASES))
def test_shortcuts_find_the_same_facts(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = CASES[name].encode()
    fast = extract(data)
    assert fast.syntax_error is None
    assert fast == _full_walk(data, monkeypatch)
    assert fast.imports  # each case imports something: the comparison is not between two empty readings


def test_shortcuts_on_this_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((REPO / "arch_rules").rglob("*.py")):
        data = path.read_bytes()
        assert extract(data) == _full_walk(data, monkeypatch), path
