"""The facts one file holds, as plain, picklable values: what the cache keeps and worker processes send
back, never syntax-tree nodes. Facts depend on the file's bytes alone, not on the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportFact:
    """One imported module name as written.

    ``form`` is ``import`` (``import a.b``: ``module="a.b"``), ``from`` (``from a import b, c``:
    ``module="a"``, ``names=("b", "c")``, ``level`` for relative imports) or ``dynamic``
    (``importlib.import_module("a.b")``; ``package`` is the literal or ``"__package__"``).
    """

    line: int
    column: int
    end_line: int
    form: str
    module: str
    level: int = 0
    names: tuple[tuple[str, str | None], ...] = ()
    type_checking: bool = False
    local: bool = False
    package: str | None = None
    snippet: str = ""
    #: The statement's last character on ``end_line`` (1-based, inclusive, in characters); 0 if unknown.
    end_column: int = 0
    #: The physical line the statement starts on, without surrounding whitespace: the line text the import
    #: graph keeps with each import (arch_rules/graph/resolve.py).
    text: str = ""

    @property
    def dynamic(self) -> bool:
        return self.form == "dynamic"


@dataclass(frozen=True)
class DefFact:
    """A function or class defined at module level (under ``if``/``try`` too), as the interface rules see it.

    A class carries its members: the functions of its body and its nested classes (``kind`` tells them
    apart), so ARC303 can check the public methods of public classes at any depth.
    """

    kind: str  # "function" | "class"
    name: str
    line: int
    column: int
    has_docstring: bool
    #: Parameters without annotations, then "return" when the return is not annotated.
    unannotated: tuple[str, ...] = ()
    #: True for the implementation behind ``@overload`` stubs (not checked: the overloads are).
    overload_implementation: bool = False
    methods: tuple[DefFact, ...] = ()
    #: True for an ``@overload`` stub itself.
    overload: bool = False


@dataclass(frozen=True)
class Noqa:
    line: int
    column: int
    codes: tuple[str, ...] | None  # None: a bare ``# noqa``
    reason: str
    #: The file-level "flake8: noqa" comment: every finding in the file is suppressed (flake8 skips the file).
    whole_file: bool = False

    def suppresses(self, code: str) -> bool:
        """As flake8 reads it: a bare noqa suppresses everything, codes suppress what they prefix (the
        codes compared as written: ``arc102`` is not ``ARC102`` for flake8, so not for us either)."""
        return self.whole_file or self.codes is None or any(code.startswith(listed) for listed in self.codes)


@dataclass(frozen=True)
class FileFacts:
    imports: tuple[ImportFact, ...] = ()
    has_docstring: bool = False
    #: ``None``: no ``__all__``; otherwise each name with the line of the statement that put it there
    #: (the assignment, ``+=``, ``.extend()`` or ``.append()``): where ARC302 reports it.
    all_names: tuple[tuple[str, int], ...] | None = None
    all_line: int = 0
    #: ``__all__`` exists but cannot be read statically (counts as declared, not checked by ARC302).
    all_dynamic: bool = False
    star_import: bool = False
    bound_names: frozenset[str] = field(default_factory=frozenset)
    defs: tuple[DefFact, ...] = ()
    noqa: tuple[Noqa, ...] = ()
    #: (line, column, message) when the file cannot be decoded or parsed (ARC003).
    syntax_error: tuple[int, int, str] | None = None
    lines: int = 0

    def noqa_on(self, first: int, last: int) -> list[Noqa]:
        return [n for n in self.noqa if first <= n.line <= last]
