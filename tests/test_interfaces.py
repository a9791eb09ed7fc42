"""Interface and intent rules (ARC301-ARC303, ARC401-ARC402): the fixture project, and the facts they read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import arch_rules
from arch_rules.facts import FileFacts, extract_text
from arch_rules.testing import difference, write_project
from arch_rules.testing import expected_in_tree as expected

LEDGER = Path(__file__).resolve().parents[1] / "fixtures" / "interfaces"
CODES = {"ARC102", "ARC301", "ARC302", "ARC303", "ARC401", "ARC402"}


def test_ledger_findings_match_markers() -> None:
    report = arch_rules.check(LEDGER, cache=False)
    want = expected(LEDGER)
    assert {code for _, _, code in want} == CODES, "the fixture lost markers of some rule"
    problems = difference(LEDGER, report.findings)
    assert not problems, "\n" + problems


def facts(source: str) -> FileFacts:
    return extract_text(textwrap.dedent(source))


def listed(source: str) -> tuple[tuple[str, int], ...] | None:
    return facts(source).all_names


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("__all__ = ['a', 'b']", ["a", "b"]),
        ("__all__ = ('a',)", ["a"]),
        ("__all__: list[str] = ['a']", ["a"]),
        ("__all__: tuple[str, ...] = ('a', 'b')", ["a", "b"]),
        ("__all__ = ['a'] + ['b']", ["a", "b"]),
        ("__all__ = ['a']\n__all__ += ['b']\n__all__ += ('c',)", ["a", "b", "c"]),
        ("__all__ = ['a']\n__all__.extend(['b', 'c'])", ["a", "b", "c"]),
        ("__all__ = ['a']\n__all__.extend(('b',))\n__all__.append('c')", ["a", "b", "c"]),
        ("__all__ = ['a']\n__all__ = __all__ + ['b']", ["a", "b"]),
        ("__all__ = ['a', 'b']\n__all__.remove('a')", ["b"]),
        ("__all__ = ['a', 'a']", ["a"]),
        ("__all__ = []", []),
        ("__all__ = ['old']\n__all__ = ['new']", ["new"]),
        # Either branch may run: what each lists is known.
        ("try:\n    __all__ = ['a']\nexcept ImportError:\n    __all__ = ['b']", ["a", "b"]),
        ("__all__ = ['a']\nif FLAG:\n    __all__.append('b')", ["a", "b"]),
    ],
)
def test_static_all_forms_are_read(source: str, names: list[str]) -> None:
    result = facts(source)
    assert not result.all_dynamic
    assert result.all_names is not None
    assert [name for name, _ in result.all_names] == names


def test_each_name_carries_the_line_of_the_statement_that_lists_it() -> None:
    source = """\
        __all__ = [
            "a",
            "b",
        ]
        __all__ += ["c"]
        __all__.append("d")
        """
    assert listed(source) == (("a", 1), ("b", 1), ("c", 5), ("d", 6))
    assert facts(source).all_line == 1


@pytest.mark.parametrize(
    "source",
    [
        "__all__ = [name for name in dir() if not name.startswith('_')]",
        "__all__ = other.__all__",
        "__all__ = ['a', *other.__all__]",
        "__all__ = list(names)",
        "__all__ = ['a']\n__all__ += other.__all__",
        "__all__ = ['a']\n__all__.extend(other.__all__)",
        "__all__ = ['a']\n__all__.append(NAME)",
        "__all__ = ['a']\n__all__.pop()",
        "__all__ = [Thing.__name__]",
        "__all__ += ['a']",  # extending a list never declared here
    ],
)
def test_dynamic_all_counts_as_declared_but_unread(source: str) -> None:
    result = facts(source)
    assert result.all_dynamic
    assert result.all_names is not None  # declared: no ARC301


def test_annotation_without_value_does_not_declare_all() -> None:
    assert listed("__all__: list[str]") is None


def test_no_all() -> None:
    result = facts("x = 1")
    assert result.all_names is None and not result.all_dynamic


def test_bound_names_cover_every_top_level_binding() -> None:
    result = facts(
        """\
        import os.path
        import json as j
        from a import b, c as d
        from e import *
        x = y = 1
        p, (q, *r) = 1, (2, 3)
        obj.attr = 1
        table[key] = 2
        total: int
        total += 1
        if X:
            def f(): ...
        else:
            class C: ...
        try:
            import fast
        except ImportError as error:
            fast = None
        finally:
            done = True
        with open("f") as handle:
            pass
        for i in range(3):
            pass
        match value:
            case [first, *rest]:
                pass
            case {"k": kv, **others}:
                pass
            case Point(x=px) | Other(px):
                pass
        def g():
            inner = 1
        class K:
            member = 1
        """
    )
    assert result.bound_names == {
        "os", "j", "b", "d", "x", "y", "p", "q", "r", "total", "f", "C", "fast", "error", "done",
        "handle", "i", "first", "rest", "kv", "others", "px", "g", "K",
    }  # fmt: skip
    assert result.star_import


def test_defs_include_conditional_ones_and_mark_overloads() -> None:
    result = facts(
        """\
        from typing import overload
        if TYPE_CHECKING:
            @overload
            def f(x: int) -> int: ...
            @overload
            def f(x: str) -> str: ...
        def f(x):
            return x
        try:
            async def g(a, *args: int, b, **kw) -> None: ...
        except Exception:
            pass
        """
    )
    by_line = {d.line: d for d in result.defs}
    assert [d.line for d in result.defs] == [4, 6, 7, 10]
    assert by_line[4].overload and not by_line[4].overload_implementation and by_line[4].unannotated == ()
    assert by_line[7].overload_implementation and not by_line[7].overload
    assert by_line[10].unannotated == ("a", "b", "kw")


def test_methods_skip_the_first_parameter_except_for_staticmethods_and_nest_classes() -> None:
    result = facts(
        """\
        class A:
            def m(self, x): ...
            @classmethod
            def c(cls) -> None: ...
            @staticmethod
            def s(x) -> None: ...
            @property
            def p(self): ...
            def v(*args) -> None: ...
            class B:
                def n(self) -> int: ...
                def inner_helper(self):
                    def nested(z): ...
        """
    )
    (cls,) = result.defs
    members = {m.name: m for m in cls.methods}
    assert members["m"].unannotated == ("x", "return")
    assert members["c"].unannotated == ()
    assert members["s"].unannotated == ("x",)
    assert members["p"].unannotated == ("return",)
    assert members["v"].unannotated == ("args",)
    nested = members["B"]
    assert nested.kind == "class"
    assert [m.name for m in nested.methods] == ["n", "inner_helper"]  # nested functions are not members


def _project(tmp_path: Path, files: dict[str, str], interface: str = 'interface = ["shop.pay.api"]') -> Path:
    config = (
        f'[tool.arch_rules]\nsource_roots = ["src"]\n\n[tool.arch_rules.teams.pay]\nowns = ["shop.pay"]\n{interface}\n'
    )
    base = {"src/shop/__init__.py": "", "src/shop/pay/__init__.py": '"""Pay."""\n', **files}
    return write_project(tmp_path, {rel: textwrap.dedent(text) for rel, text in base.items()}, config)


def _found(root: Path) -> set[tuple[str, int, str]]:
    report = arch_rules.check(root, cache=False, graph=False)
    return {(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in report.findings}


def test_dunders_are_never_public_even_when_listed(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/shop/pay/api.py": '''\
                """Pay API."""
                __all__ = ["__getattr__", "Client"]

                def __getattr__(name):
                    raise AttributeError(name)

                class Client:
                    """A client."""
                    def __init__(self, url):
                        self.url = url
                    def __call__(self, x):
                        return x
                ''',
        },
    )
    assert _found(root) == set()


def test_public_falls_back_to_names_without_underscore_without_all(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/shop/pay/api.py": '''\
                """Pay API."""
                def shown(x): ...
                def _hidden(x): ...
                class _Private:
                    def method(self, x): ...
                ''',
        },
    )
    assert _found(root) == {("api.py", 1, "ARC301"), ("api.py", 2, "ARC303"), ("api.py", 2, "ARC402")}


def test_listed_names_are_public_and_others_are_not(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/shop/pay/api.py": '''\
                """Pay API."""
                __all__ = ["_Internal"]

                class _Internal:
                    def run(self, job): ...

                def unlisted(x): ...
                ''',
        },
    )
    assert _found(root) == {("api.py", 4, "ARC402"), ("api.py", 5, "ARC303")}


def test_submodules_of_an_interface_package_count_as_bound(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/shop/pay/__init__.py": '"""Pay."""\n__all__ = ["api", "models", "missing"]\n',
            "src/shop/pay/api.py": '"""Pay API."""\n__all__ = ["models"]\n',
            "src/shop/pay/models/__init__.py": "",
        },
        interface='interface = ["shop.pay", "shop.pay.api"]',
    )
    # A plain module's `__all__` cannot name a sibling; a package's may name its submodules.
    assert _found(root) == {("__init__.py", 2, "ARC302"), ("api.py", 2, "ARC302")}


def test_owned_package_without_interface_is_the_interface(tmp_path: Path) -> None:
    root = _project(tmp_path, {"src/shop/pay/__init__.py": "def pay(amount: int) -> None: ...\n"}, interface="")
    assert _found(root) == {("__init__.py", 1, "ARC301"), ("__init__.py", 1, "ARC401"), ("__init__.py", 1, "ARC402")}


def test_modules_outside_interfaces_are_not_checked(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"src/shop/pay/api.py": '"""Pay API."""\n__all__ = []\n', "src/shop/pay/engine.py": "def run(x): ...\n"},
    )
    assert _found(root) == set()


def test_unparsable_interface_gives_only_arc003(tmp_path: Path) -> None:
    root = _project(tmp_path, {"src/shop/pay/api.py": "def broken(:\n"})
    assert {code for _, _, code in _found(root)} == {"ARC003"}
