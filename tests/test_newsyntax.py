"""The libcst fallback for syntax newer than the running ``ast`` (arch_rules/facts/newsyntax.py).

The strongest check is differential: on ordinary Python both readers must produce the same facts, field
for field (imports, positions, __all__, bound names, definitions, docstrings).
"""

from __future__ import annotations

import ast
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

import arch_rules
import arch_rules.facts as facts
from arch_rules.facts import FileFacts
from arch_rules.facts.newsyntax import parse_newer, reshape
from arch_rules.facts.source import line_text, source_lines

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

NEW_SYNTAX = sys.version_info < (3, 12)  # the running ast rejects `type X = ...` and PEP 695


def via_libcst(text: str) -> FileFacts | None:
    """The facts the libcst fallback reads: the reshaped tree, through the one reader of facts."""
    parsed = parse_newer(text)
    if parsed is None:
        return None
    if isinstance(parsed, tuple):
        lines = facts.source_lines(text)
        noqa = facts.noqa_comments(lines) if "noqa" in text.lower() else ()
        return FileFacts(syntax_error=parsed, noqa=noqa, lines=len(lines))
    return facts.extract_tree(parsed, facts.source_lines(text))


def reshaped(text: str) -> str | None:
    return reshape(text)


def assert_same(text: str) -> None:
    """Ordinary code goes through the fallback untouched: the facts are ast's, field for field."""
    expected = facts.extract_text(text)
    assert expected.syntax_error is None, expected.syntax_error
    assert reshaped(text) == text
    assert via_libcst(text) == expected


SNIPPETS = {
    "imports": """\
        \"\"\"Module docstring.\"\"\"
        import os
        import os.path as osp, sys
        from a.b import c, d as e
        from . import sibling
        from .. import parent as p
        from ...deep.mod import thing
        from .rel import (
            one,
            two,  # trailing comment
        )
        import x; import y
        from z import *
        """,
    "type_checking": """\
        from __future__ import annotations
        import typing as t
        from typing import TYPE_CHECKING as TC
        import typing_extensions as te
        if TC:
            from shop.orders import Order
        elif t.TYPE_CHECKING:
            import shop.elif_branch
        else:
            import shop.runtime
        if t.TYPE_CHECKING:
            import shop.one
        if te.TYPE_CHECKING:
            import shop.two
        if typing.TYPE_CHECKING:
            import shop.not_an_alias
        if TYPE_CHECKING and x:
            import shop.runtime_too
        """,
    "local_and_dynamic": """\
        import importlib
        import importlib as il
        from importlib import import_module as im
        mod = importlib.import_module("shop.a")
        il.import_module("shop.b")
        im(".c", __package__)
        im(".d", package="shop")
        im(".skipped")
        __import__("shop.e", globals())
        importlib.import_module(name)
        importlib.import_module(f"shop.{x}")
        importlib.import_module("shop" ".f")
        importlib.import_module(*names)
        def f(x=importlib.import_module("shop.default")) -> None:
            import shop.inner
            g = lambda: __import__("shop.lam")
            from shop import *
            class Inner:
                import shop.in_class_in_def
        class C:
            import shop.class_level
            def m(self):
                from .x import y
        async def a():
            async with ctx() as c:
                import shop.async_local
        h = lambda y=importlib.import_module("shop.lam_default"): y
        value = (
            importlib.import_module(
                "shop.multi"
            )
        )
        """,
    "all_forms": """\
        __all__ = ["a", "b"]
        __all__ += ["c"]
        __all__.extend(["d", "e"])
        __all__.append("f")
        __all__ = __all__ + ["g"]
        a = b = 1
        x.attr = 2
        y[i] = 3
        (p, [q, *r]) = 4, [5, 6]
        z: int = 1
        w: int
        n += 1
        """,
    "all_dynamic": """\
        __all__ = ["a"]
        __all__ += names()
        """,
    "all_annotated": """\
        __all__: list[str] = [
            "one",
            "two",
        ]
        __all__.append(helper)
        """,
    "all_tuple_concat": """\
        __all__ = ("a",) + ("b",)
        """,
    "all_late": """\
        __all__.extend(["before"])
        __all__ = ["x"]
        """,
    "blocks": """\
        try:
            import fast as impl
        except ImportError as error:
            import slow as impl
        else:
            ok = True
        finally:
            done = True
        for item, (k, v) in pairs:
            seen = item
        else:
            nothing = 1
        while cond:
            looped = 1
        else:
            never = 1
        with open(f) as handle:
            opened = 1
        if a:
            ifa = 1
        elif b:
            elifb = 1
        else:
            elsec = 1
        match command:
            case [x]:
                matched = 1
            case _:
                fallback = 1
        """,
    "except_star": """\
        try:
            import a
        except* ValueError:
            import b
        """,
    "defs": """\
        \"\"\"Docs.\"\"\"
        from typing import overload
        import typing

        def plain(a, b: int, *args, c, d: str = "", **kw) -> int:
            \"\"\"Doc.\"\"\"
            return 1

        async def coroutine(x: int, /, y) -> None: ...

        @overload
        def over(x: int) -> int: ...
        @typing.overload
        def over(x: str) -> str: ...
        def over(x):
            return x

        @decorator
        @other.thing(arg)
        class Public(Base, metaclass=Meta):
            "single-quoted docstring"
            attr: int = 1

            def method(self, x) -> None:
                pass

            @staticmethod
            def static(x: int): pass

            @classmethod
            def klass(cls, y: int) -> int:
                '''doc'''
                return y

            @overload
            def m(self, x: int) -> int: ...
            def m(self, x):
                return x

            async def am(self, *, key): ...

        class _Private:
            pass

        def f(): "one-line docstring"
        def g(): b"bytes are not docstrings"
        def h(): f"nor are f-strings"
        def i(): "con" "cat"
        """,
    "unicode_columns": """\
        text = "é€𝄞"; import after_unicode
        name = "ü"; importlib = 1; from shop import thing
        """,
    "noqa": """\
        import shop.a  # noqa: ARC102 -- moving to the API in Q3
        from shop import (  # noqa
            b,
        )
        """,
    "class_body_and_comprehensions": """\
        class Registry:
            from shop.plugins import loader
            items = [__import__("shop.comp") for _ in range(1)]
        values = {importlib.import_module("shop.key"): 1}
        """,
    "empty": "",
    "only_comment": "# nothing here\n",
    "crlf": "import a\r\nfrom b import c\r\n__all__ = ['c']\r\n",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_agrees_with_ast_field_for_field(name: str) -> None:
    if name == "except_star" and sys.version_info < (3, 11):
        pytest.skip("except* is 3.11 syntax")
    assert_same(textwrap.dedent(SNIPPETS[name]))


def test_agrees_on_this_projects_own_sources() -> None:
    """Every module of arch_rules itself: real code, read both ways, gives identical facts."""
    package = Path(arch_rules.__file__).parent
    files = sorted(package.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        text = facts.read_source(path.read_bytes())
        assert via_libcst(text) == facts.extract_text(text), path


# Newer syntax next to its older twin, laid out so every fact sits at the same line and column: the facts
# of the two must be equal field for field (the newer one read through the fallback).
TWINS = {
    "type_alias": (
        "import a\ntype X = int\nfrom b import c\n__all__ = ['X', 'c']\n",
        "import a\nX = int\nfrom b import c\n__all__ = ['X', 'c']\n",
    ),
    "generic_alias_and_semicolons": (
        "a = 1; type Pair[K, V] = tuple[K, V]; import shop.web\n",
        "a = 1; Pair = tuple[K, V];            import shop.web\n",
    ),
    "multiline_type_params": (
        "type Y[\n    T: (int, str),\n] = list[T]; import b\nimport c\n",
        "Y = (\n    0\n)          ; import b\nimport c\n",
    ),
    "pep695_functions_and_classes": (
        textwrap.dedent(
            """\
            \"\"\"Docs.\"\"\"
            from typing import TYPE_CHECKING, overload
            if TYPE_CHECKING:
                from shop.domain import Money
            @overload
            def first[T](items: list[T]) -> T: ...
            @overload
            def first[T](items: tuple[T, ...]) -> T: ...
            def first(items):
                \"\"\"The first.\"\"\"
                import shop.local
                return items[0]
            class Box[T: (int, str), *Ts, **P](Base):
                \"\"\"A box.\"\"\"
                def get[S](self, x, y: S) -> T: ...
                class Inner[U]:
                    def put(self, u: U): ...
            def defaulted[T = int](x: T) -> T:
                return x
            __all__ = ["first", "Box"]
            __all__ += ["defaulted"]
            """
        ),
        textwrap.dedent(
            """\
            \"\"\"Docs.\"\"\"
            from typing import TYPE_CHECKING, overload
            if TYPE_CHECKING:
                from shop.domain import Money
            @overload
            def first(items: list[T]) -> T: ...
            @overload
            def first(items: tuple[T, ...]) -> T: ...
            def first(items):
                \"\"\"The first.\"\"\"
                import shop.local
                return items[0]
            class Box(Base):
                \"\"\"A box.\"\"\"
                def get(self, x, y: S) -> T: ...
                class Inner:
                    def put(self, u: U): ...
            def defaulted(x: T) -> T:
                return x
            __all__ = ["first", "Box"]
            __all__ += ["defaulted"]
            """
        ),
    ),
    "pep701_fstrings": (
        'x = f"{d["a"]}" "tail"; import shop.web\ny = f"{\n  d["b"]\n}"; from shop import api\n',
        "x = 0                 ; import shop.web\ny = (\n  0\n ); from shop import api\n",
    ),
    "template_strings": (
        'greeting = t"hello {name}"; import shop.web\n',
        'greeting = u"hello {name}"; import shop.web\n',
    ),
    "pep758_except": (
        "try:\n    import fast\nexcept ImportError, AttributeError:\n    import slow as fast\n",
        "try:\n    import fast\nexcept (ImportError, AttributeError):\n    import slow as fast\n",
    ),
}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_newer_syntax_gives_the_facts_of_its_older_twin(name: str) -> None:
    new, old = TWINS[name]
    expected = facts.extract_text(old)
    assert expected.syntax_error is None, expected.syntax_error
    got = facts.extract_text(new)
    assert got.syntax_error is None, got.syntax_error
    # The snippet and the line text are the file's own (its line, not the older twin's).
    lines = source_lines(new)
    assert got.imports == tuple(
        replace(f, snippet=_snippet(new, f), text=line_text(lines, f.line)) for f in expected.imports
    )
    assert replace(got, imports=()) == replace(expected, imports=())


def _snippet(text: str, fact: facts.ImportFact) -> str:
    return facts.snippet_of(text.splitlines(), fact.line, fact.end_line)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_reshaping_keeps_every_line_and_column(name: str) -> None:
    new, _ = TWINS[name]
    out = reshaped(new)
    assert out is not None
    assert [len(line) for line in out.splitlines()] == [len(line) for line in new.splitlines()]
    ast.parse(out)


@pytest.mark.skipif(not NEW_SYNTAX, reason="the running ast already reads 3.12 syntax")
def test_the_running_ast_really_rejects_the_newer_twins() -> None:
    for name, (new, _) in TWINS.items():
        with pytest.raises(SyntaxError):
            ast.parse(new)
        assert via_libcst(new) is not None, name


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("import a\ndef f(:\n    pass\n", 2),
        ("import a\nx = (1,\n", 2),
        ("type X = int\nx = 1 +\n", 2),
        ('type X = int\nx = "\\N{no such name}"\n', 2),  # libcst accepts the escape, ast does not
        ("type X = int\nprint 'x'\n", 2),
    ],
)
def test_truly_broken_files_are_still_syntax_errors(text: str, line: int) -> None:
    fallback = via_libcst(text)
    assert fallback is None or fallback.syntax_error is not None
    got = facts.extract_text(text)
    assert got.syntax_error is not None
    assert got.syntax_error[0] == line
    assert got.imports == ()


def _project(root: Path) -> None:
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.arch_rules]
            root_packages = ["shop"]

            [[tool.arch_rules.layers]]
            order = ["shop.web", "shop.domain"]
            """
        )
    )
    for package in ("shop", "shop/web", "shop/domain"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text('"""Package."""\n')
    (root / "shop/web/views.py").write_text("import shop.domain\n")
    (root / "shop/domain/orders.py").write_text(
        textwrap.dedent(
            """\
            \"\"\"Orders.\"\"\"
            import shop.web
            type Amount = int
            def first[T](items: list[T]) -> T:
                from shop.web import views
                return items[0]
            """
        )
    )
    (root / "shop/domain/broken.py").write_text("type X = int\ndef f(:\n")


def test_end_to_end_boundary_findings_in_a_newer_syntax_file(tmp_path: Path) -> None:
    _project(tmp_path)
    report = arch_rules.check(tmp_path, graph=False, cache=False)
    found = {(f.code, f.path, f.line, f.column, f.imported) for f in report.findings}
    assert ("ARC101", "shop/domain/orders.py", 2, 1, "shop.web") in found
    assert ("ARC101", "shop/domain/orders.py", 5, 5, "shop.web.views") in found
    assert ("ARC003", "shop/domain/broken.py", 2, 7, None) in found  # at the error, not at `type`
    assert not any(f.path == "shop/domain/orders.py" and f.code == "ARC003" for f in report.findings)
    assert not any(f.path == "shop/web/views.py" for f in report.findings)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@hypothesis.settings(max_examples=200, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(hypothesmith.from_grammar())
def test_generated_programs_read_the_same_through_the_fallback(text: str) -> None:
    """Programs from the Python grammar (hypothesmith): whatever ast reads, the fallback reads the same."""
    expected = facts.extract_text(text)
    hypothesis.assume(expected.syntax_error is None)
    got = via_libcst(text)
    if got is None:  # libcst's grammar is stricter than ast's in a few corners: nothing to compare
        return
    assert got == expected
