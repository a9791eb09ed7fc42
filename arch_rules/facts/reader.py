"""What one file says, read in one pass: its imports (with kind and position), its interface (``__all__``,
public definitions, annotations, docstrings) and its ``# noqa`` comments.

Facts depend on the file's bytes alone (not on the configuration), so they are what the cache keeps and
what worker processes send back: plain, picklable values, never syntax-tree nodes.

Detection reads Python's own ``ast`` (positions come free, ~10x faster than a libcst parse; see
docs/performance.md); libcst is the parser of record for rewriting (``--fix``) and for syntax newer than
the running interpreter's ``ast`` understands, which falls back to a libcst read of the same facts.

The import walk is here; what the module offers (top-level names, ``__all__``, definitions) is read by
arch_rules/facts/interface.py.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from typing import Any

from arch_rules.facts import deep
from arch_rules.facts.interface import TopLevel, module_defs
from arch_rules.facts.noqa import noqa_comments
from arch_rules.facts.records import FileFacts, ImportFact, Noqa
from arch_rules.facts.source import line_text, read_source, snippet_of, source_lines

__all__ = ["extract", "extract_text", "extract_tree"]


def extract(data: bytes) -> FileFacts:
    """The facts of one file's bytes. Never raises for bad input: that is ``syntax_error``."""
    try:
        text = read_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return FileFacts(syntax_error=(1, 1, f"cannot be decoded: {exc}"))
    return extract_text(text)


def extract_text(text: str) -> FileFacts:
    lines = source_lines(text)
    noqa = noqa_comments(lines) if "noqa" in text.lower() else ()
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        # Past one of Python's own nesting limits no Python reads the file: its message is the true reason,
        # and a fallback parse of 1,500 nested brackets would only risk the C stack.
        fallback = None if _beyond_python_limits(exc) else _newer_syntax(text, lines, noqa)
        if fallback is not None:
            return fallback
        line = exc.lineno or 1
        column = exc.offset or 1
        return FileFacts(syntax_error=(line, max(column, 1), exc.msg or "invalid syntax"), noqa=noqa, lines=len(lines))
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. null bytes
        return FileFacts(syntax_error=(1, 1, str(exc) or type(exc).__name__), noqa=noqa, lines=len(lines))
    try:
        return _reader(text, lines).read(tree, noqa)
    except RecursionError:  # a definition nested past the interpreter's limit: say so, check the rest
        return FileFacts(syntax_error=(1, 1, "nested too deeply to analyse"), noqa=noqa, lines=len(lines))


def _newer_syntax(text: str, lines: list[str], noqa: tuple[Noqa, ...]) -> FileFacts | None:
    """Facts of a file the running ``ast`` cannot parse but libcst can (syntax of a newer Python): the
    same reader reads the tree of the file reshaped in place (arch_rules/facts/newsyntax.py)."""
    try:
        from arch_rules.facts.newsyntax import fallback_problem, parse_newer
    except ImportError:  # pragma: no cover
        return None
    problem = fallback_problem(text)
    if problem is not None:
        return FileFacts(syntax_error=(1, 1, problem), noqa=noqa, lines=len(lines))

    def read() -> FileFacts | None:
        parsed = parse_newer(text)
        if parsed is None:
            return None
        if isinstance(parsed, tuple):  # a real error further down, past the newer syntax
            return FileFacts(syntax_error=parsed, noqa=noqa, lines=len(lines))
        return _reader(text, lines).read(parsed, noqa)

    # libcst recurses once per nesting level (a 500-term sum is 500 levels): a deep stack, not a crash.
    try:
        return deep.call(read)
    except RecursionError:
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        message = f"uses syntax newer than Python {running} and is nested too deeply to read"
        return FileFacts(syntax_error=(1, 1, message), noqa=noqa, lines=len(lines))


def _beyond_python_limits(exc: SyntaxError) -> bool:
    message = (exc.msg or "").lower()
    return any(limit in message for limit in ("too many nested", "too many levels", "too many statically nested"))


_TYPE_CHECKING_MODULES = ("typing", "typing_extensions")

#: The ``if`` tests above an import that may be ``TYPE_CHECKING`` (decided once every alias is known).
_Tests = tuple[ast.expr, ...]

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_WITHS = (ast.With, ast.AsyncWith)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)  # 3.11+


def _maybe_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``<name>.TYPE_CHECKING``, under whatever alias: the tests worth deciding later."""
    kind = type(test)
    return kind is ast.Name or (kind is ast.Attribute and test.attr == "TYPE_CHECKING")  # type: ignore[attr-defined]


#: ``from importlib import import_module as x``: then any call of ``x`` may be a dynamic import.
_IMPORT_MODULE_ALIAS = re.compile(r"\bimport_module\s+as\b")


def _span(node: ast.stmt) -> tuple[int, int]:
    """The lines of a statement, its decorators included."""
    decorators = getattr(node, "decorator_list", None)
    start = min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno
    return start, node.end_lineno or node.lineno


def _bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists nested in a statement (function and class bodies too)."""
    out = [getattr(node, block, None) or [] for block in ("body", "orelse", "finalbody")]
    out += [handler.body for handler in getattr(node, "handlers", None) or []]
    if isinstance(node, ast.Match):
        out += [case.body for case in node.cases]
    return [block for block in out if isinstance(block, list)]


def _reader(text: str, lines: list[str]) -> _Reader:
    """A reader that walks expressions only where the text can hold what they would show."""
    return _Reader(lines, dynamic="__import__" in text or "import_module" in text, walrus=":=" in text)


class _Reader:
    """One walk over the ``ast`` collecting every fact.

    Whether an import sits under ``if TYPE_CHECKING:`` depends on the names the file binds to
    ``TYPE_CHECKING`` and ``typing`` anywhere in it, and whether a call is a dynamic import on the names it
    binds to ``importlib``: the walk notes both as it meets the imports, records each import with the
    candidate ``if`` tests above it (and each candidate call in its place), and decides once the walk is
    done. Only files whose text mentions ``__import__`` or ``import_module`` can hold a dynamic import;
    for every other file the walk visits statements only (imports are statements, and statements nest
    only in statement bodies), never the expressions that make up most of a tree.
    """

    def __init__(self, lines: list[str], *, dynamic: bool = True, walrus: bool = True) -> None:
        self.lines = lines
        self.dynamic = dynamic
        self.walrus = walrus
        # (node, form, module, level, names, tc tests, local, package); form "call": a candidate call.
        self.pending: list[tuple[Any, str, str, int, tuple[tuple[str, str | None], ...], _Tests, bool]] = []
        self.tc_names = {"TYPE_CHECKING"}
        self.tc_modules = set(_TYPE_CHECKING_MODULES)
        self.importlib_names: set[str] = set()  # aliases of the importlib module
        self.import_module_names: set[str] = set()  # aliases of importlib.import_module
        self.star = False
        #: Lines (sorted) that may hold a dynamic import call: statements spanning one are walked whole.
        self.hot: list[int] = []

    def read(self, tree: ast.Module, noqa: tuple[Noqa, ...]) -> FileFacts:
        if self.dynamic:
            text = "\n".join(self.lines)
            if _IMPORT_MODULE_ALIAS.search(text):
                self._walk(tree.body, (), False)  # `import_module as x`: any call of x may import
            else:
                # Only the statements on whose lines `__import__` or `import_module` is written can hold a
                # dynamic import: those are walked whole, the rest statement by statement.
                self.hot = [
                    i for i, line in enumerate(self.lines, 1) if "__import__" in line or "import_module" in line
                ]
                self._statements(tree.body, (), False)
        else:
            self._statements(tree.body, (), False)
        imports = self._resolve()
        bound, all_info = TopLevel(self.walrus).read(tree.body)
        all_names, all_line, all_dynamic = all_info
        return FileFacts(
            imports=imports,
            has_docstring=ast.get_docstring(tree, clean=False) is not None,
            all_names=all_names,
            all_line=all_line,
            all_dynamic=all_dynamic,
            star_import=self.star,
            bound_names=frozenset(bound),
            defs=module_defs(tree.body),
            noqa=noqa,
            lines=len(self.lines),
        )

    # -- imports, and the aliases of TYPE_CHECKING and importlib they bind --------------------------------

    def _import(self, node: ast.Import, tests: _Tests, local: bool) -> None:
        for alias in node.names:
            name, asname = alias.name, alias.asname
            if asname and name in _TYPE_CHECKING_MODULES:
                self.tc_modules.add(asname)
            if name == "importlib":
                self.importlib_names.add(asname or "importlib")
            elif not asname and name.startswith("importlib."):
                self.importlib_names.add("importlib")  # `import importlib.util` binds importlib
            self.pending.append((node, "import", name, 0, ((name, asname),), tests, local))

    def _import_from(self, node: ast.ImportFrom, tests: _Tests, local: bool) -> None:
        module = node.module or ""
        level = node.level or 0
        names = tuple((a.name, a.asname) for a in node.names)
        if level == 0 and (module in _TYPE_CHECKING_MODULES or module == "importlib"):
            for name, asname in names:
                if name == "TYPE_CHECKING" and module != "importlib":
                    self.tc_names.add(asname or name)
                if name == "import_module" and module == "importlib":
                    self.import_module_names.add(asname or name)
        if not local and any(name == "*" for name, _ in names):
            self.star = True
        self.pending.append((node, "from", module, level, names, tests, local))

    def _is_type_checking(self, test: ast.expr) -> bool:
        if isinstance(test, ast.Name):
            return test.id in self.tc_names
        if isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING":
            return isinstance(test.value, ast.Name) and test.value.id in self.tc_modules
        return False

    def _resolve(self) -> tuple[ImportFact, ...]:
        """The recorded imports as facts, in source order, now that every alias is known."""
        out: list[ImportFact] = []
        decided: dict[int, bool] = {}
        for node, form, module, level, names, tests, local in self.pending:
            type_checking = False
            for test in tests:
                known = decided.get(id(test))
                if known is None:
                    known = decided[id(test)] = self._is_type_checking(test)
                if known:
                    type_checking = True
                    break
            if form == "call":
                self._dynamic(node, type_checking, local, out)
            else:
                out.append(self._fact(node, form, module, level, names, type_checking, local))
        return tuple(out)

    def _statements(self, body: list[ast.stmt], tests: _Tests, local: bool) -> None:
        """Every import in ``body``, in source order, visiting statements only (no dynamic imports possible).

        Recursive over statement nesting only, which the parser limits to about a hundred levels."""
        for node in body:
            if self.hot and self._holds_call(node):
                self._walk([node], tests, local)
                continue
            kind = type(node)
            if kind is ast.Import:
                self._import(node, tests, local)  # type: ignore[arg-type]
            elif kind is ast.ImportFrom:
                self._import_from(node, tests, local)  # type: ignore[arg-type]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self._statements(node.body, tests, True)  # type: ignore[attr-defined]
            elif kind is ast.ClassDef:
                self._statements(node.body, tests, local)  # type: ignore[attr-defined]
            elif kind is ast.If:
                test = node.test  # type: ignore[attr-defined]
                inner = (*tests, test) if _maybe_type_checking(test) else tests
                self._statements(node.body, inner, local)  # type: ignore[attr-defined]
                self._statements(node.orelse, tests, local)  # type: ignore[attr-defined]
            elif kind in _LOOPS:
                self._statements(node.body, tests, local)  # type: ignore[attr-defined]
                self._statements(node.orelse, tests, local)  # type: ignore[attr-defined]
            elif kind in _WITHS:
                self._statements(node.body, tests, local)  # type: ignore[attr-defined]
            elif kind in _TRIES:
                self._statements(node.body, tests, local)  # type: ignore[attr-defined]
                for handler in node.handlers:  # type: ignore[attr-defined]
                    self._statements(handler.body, tests, local)
                self._statements(node.orelse, tests, local)  # type: ignore[attr-defined]
                self._statements(node.finalbody, tests, local)  # type: ignore[attr-defined]
            elif kind is ast.Match:
                for case in node.cases:  # type: ignore[attr-defined]
                    self._statements(case.body, tests, local)

    def _holds_call(self, node: ast.stmt) -> bool:
        """Whether a hot line falls in ``node`` outside the statements of its bodies (which the statement
        walk visits one by one): in its expressions, decorators included."""
        start, end = _span(node)
        first = bisect.bisect_left(self.hot, start)
        if first == len(self.hot) or self.hot[first] > end:
            return False
        inner = [child for block in _bodies(node) for child in block]
        if not inner:
            return True
        for line in self.hot[first : bisect.bisect_right(self.hot, end)]:
            if not any(_span(child)[0] <= line <= _span(child)[1] for child in inner):
                return True
        return False

    def _walk(self, body: list[ast.stmt], tests: _Tests, local: bool) -> None:
        """Every import in ``body``, in source order, expressions included (a file that may import
        dynamically). Iterative: a valid file can nest deeper than Python's recursion limit (a long
        ``1 + 1 + ... + 1`` is a deep tree)."""
        stack: list[tuple[ast.AST, _Tests, bool]] = [(node, tests, local) for node in reversed(body)]
        while stack:
            node, tc, loc = stack.pop()
            stack.extend(reversed(self._visit(node, tc, loc)))

    def _visit(self, node: ast.AST, tests: _Tests, local: bool) -> list[tuple[ast.AST, _Tests, bool]]:
        """Record what ``node`` itself imports; return its children to visit, each with its flags."""
        if isinstance(node, ast.Import):
            self._import(node, tests, local)
            return []
        if isinstance(node, ast.ImportFrom):
            self._import_from(node, tests, local)
            return []
        if isinstance(node, ast.If) and _maybe_type_checking(node.test):
            inner = (*tests, node.test)
            return [
                (node.test, tests, local),
                *((child, inner, local) for child in node.body),
                *((child, tests, local) for child in node.orelse),
            ]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            # Decorators, defaults and annotations run when the function is defined; the body when it is called.
            body = node.body if isinstance(node.body, list) else [node.body]
            inner_ids = {id(part) for part in body}
            return [(child, tests, local or id(child) in inner_ids) for child in ast.iter_child_nodes(node)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            self.pending.append((node, "call", "", 0, (), tests, local))
        return [(child, tests, local) for child in ast.iter_child_nodes(node)]

    def _dynamic(self, node: ast.Call, type_checking: bool, local: bool, out: list[ImportFact]) -> None:
        func = node.func
        is_dynamic = (
            isinstance(func, ast.Name) and (func.id == "__import__" or func.id in self.import_module_names)
        ) or (
            isinstance(func, ast.Attribute)
            and func.attr == "import_module"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.importlib_names
        )
        if not is_dynamic or not node.args:
            return
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return
        name = first.value
        package: str | None = None
        package_node: ast.expr | None = node.args[1] if len(node.args) > 1 else None
        for keyword in node.keywords:
            if keyword.arg == "package":
                package_node = keyword.value
        if isinstance(func, ast.Name) and func.id == "__import__":
            package_node = None  # __import__'s second argument is globals, not a package
        if package_node is not None:
            if isinstance(package_node, ast.Name) and package_node.id == "__package__":
                package = "__package__"
            elif isinstance(package_node, ast.Constant) and isinstance(package_node.value, str):
                package = package_node.value
        level = len(name) - len(name.lstrip("."))
        if level and package is None:
            return  # a relative name we cannot resolve
        named_package = package not in (None, "__package__")
        if not _is_module_name(name.lstrip(".")) or (named_package and not _is_module_name(package)):
            return  # not a module name (a template, a path, control characters): nothing to check or echo
        out.append(self._fact(node, "dynamic", name.lstrip("."), level, (), type_checking, local, package))

    def _fact(
        self,
        node: ast.stmt | ast.expr,
        form: str,
        module: str,
        level: int,
        names: tuple[tuple[str, str | None], ...],
        type_checking: bool,
        local: bool,
        package: str | None = None,
    ) -> ImportFact:
        end = getattr(node, "end_lineno", None) or node.lineno
        end_offset = getattr(node, "end_col_offset", None)
        return ImportFact(
            line=node.lineno,
            column=self._characters(node.lineno, node.col_offset) + 1,
            end_line=end,
            end_column=self._characters(end, end_offset) if end_offset is not None else 0,
            form=form,
            module=module,
            level=level,
            names=names,
            type_checking=type_checking,
            local=local,
            package=package,
            snippet=snippet_of(self.lines, node.lineno, end),
            text=line_text(self.lines, node.lineno),
        )

    def _characters(self, line: int, offset: int) -> int:
        """``ast`` columns count UTF-8 bytes; findings count characters (SARIF's unicodeCodePoints)."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return offset
        return len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def _is_module_name(text: str | None) -> bool:
    """A dotted name of identifiers (``a.b_c``), as ``importlib.import_module`` could import."""
    return bool(text) and all(part.isidentifier() for part in (text or "").split("."))


def extract_tree(tree: ast.Module, lines: list[str]) -> FileFacts:
    """The facts of a file another tool has already parsed (flake8 hands plugins its ``ast`` and lines).

    Same facts as ``extract_text`` for the same source, without a second parse; ``lines`` may keep their
    line endings (flake8's do). Used by arch_rules/flake8_plugin.py.
    """
    stripped = [line.rstrip("\r\n") for line in lines]
    noqa = noqa_comments(stripped) if any("noqa" in line.lower() for line in stripped) else ()
    return _reader("\n".join(stripped), stripped).read(tree, noqa)
