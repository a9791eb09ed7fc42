"""What one file says, read in one pass: its imports (with kind and position), its interface (``__all__``,
public definitions, annotations, docstrings) and its ``# noqa`` comments.

Facts depend on the file's bytes alone (not on the configuration), so they are what the cache keeps and
what worker processes send back: plain, picklable values, never syntax-tree nodes.

Detection reads Python's own ``ast`` (positions come free, ~10x faster than a libcst parse; see
docs/performance.md); libcst is the parser of record for rewriting (``--fix``) and for syntax newer than
the running interpreter's ``ast`` understands, which falls back to a libcst read of the same facts.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field

from arch_rules import defaults


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

    @property
    def dynamic(self) -> bool:
        return self.form == "dynamic"


@dataclass(frozen=True)
class DefFact:
    """A top-level function or class (with its methods), as the interface rules see it."""

    kind: str  # "function" | "class"
    name: str
    line: int
    column: int
    has_docstring: bool
    #: Parameters without annotations, then "return" when the return is not annotated.
    unannotated: tuple[str, ...] = ()
    #: True for the implementation behind ``@overload`` stubs (not checked, DESIGN §2).
    overload_implementation: bool = False
    methods: tuple[DefFact, ...] = ()


@dataclass(frozen=True)
class Noqa:
    line: int
    column: int
    codes: tuple[str, ...] | None  # None: a bare ``# noqa``
    reason: str


@dataclass(frozen=True)
class FileFacts:
    imports: tuple[ImportFact, ...] = ()
    has_docstring: bool = False
    #: ``None``: no ``__all__``; otherwise the names with the line each is listed on.
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


def read_source(data: bytes) -> str:
    """Decode like Python does (PEP 263 cookie, BOM, utf-8 default); raises UnicodeDecodeError/SyntaxError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def extract(data: bytes) -> FileFacts:
    """The facts of one file's bytes. Never raises for bad input: that is ``syntax_error``."""
    try:
        text = read_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return FileFacts(syntax_error=(1, 1, f"cannot be decoded: {exc}"))
    return extract_text(text)


def extract_text(text: str) -> FileFacts:
    lines = text.splitlines()
    noqa = _noqa_comments(lines) if "noqa" in text.lower() else ()
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        fallback = _newer_syntax(text, lines, noqa)
        if fallback is not None:
            return fallback
        line = exc.lineno or 1
        column = exc.offset or 1
        return FileFacts(syntax_error=(line, max(column, 1), exc.msg or "invalid syntax"), noqa=noqa, lines=len(lines))
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. null bytes
        return FileFacts(syntax_error=(1, 1, str(exc) or type(exc).__name__), noqa=noqa, lines=len(lines))
    return _Reader(lines).read(tree, noqa)


def _newer_syntax(text: str, lines: list[str], noqa: tuple[Noqa, ...]) -> FileFacts | None:
    """Facts of a file the running ``ast`` cannot parse but libcst can (syntax of a newer Python)."""
    try:
        from arch_rules.newsyntax import extract_with_libcst
    except ImportError:  # pragma: no cover
        return None
    return extract_with_libcst(text, lines, noqa)


def _noqa_comments(lines: list[str]) -> tuple[Noqa, ...]:
    found = []
    for number, line in enumerate(lines, start=1):
        if "noqa" not in line.lower():
            continue
        match = defaults.NOQA_RE.search(line)
        if not match:
            continue
        codes_text = match.group("codes")
        codes = tuple(c.upper() for c in codes_text.replace(",", " ").split()) if codes_text else None
        reason = match.group("rest").strip()
        reason = reason.lstrip("-—–:").strip()
        if reason.startswith("#"):
            reason = ""  # another comment (`# type: ignore`, a marker), not a reason
        found.append(Noqa(number, match.start() + 1, codes, reason))
    return tuple(found)


def snippet_of(lines: list[str], first: int, last: int) -> str:
    """The statement's source with whitespace folded: what a baseline fingerprint keys on."""
    chunk = " ".join(lines[first - 1 : last])
    if "#" in chunk:
        chunk = " ".join(part.split("#", 1)[0] for part in lines[first - 1 : last])
    return " ".join(chunk.split())[:300]


_TYPE_CHECKING_MODULES = ("typing", "typing_extensions")


class _Reader:
    """One walk over the ``ast`` collecting every fact; flags track TYPE_CHECKING and function scope."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.imports: list[ImportFact] = []
        self.tc_names = {"TYPE_CHECKING"}
        self.tc_modules = set(_TYPE_CHECKING_MODULES)
        self.importlib_names: set[str] = set()  # aliases of the importlib module
        self.import_module_names: set[str] = set()  # aliases of importlib.import_module
        self.star = False

    def read(self, tree: ast.Module, noqa: tuple[Noqa, ...]) -> FileFacts:
        self._aliases(tree)
        self._walk(tree.body, type_checking=False, local=False)
        bound, all_info = self._top_level(tree.body)
        all_names, all_line, all_dynamic = all_info
        return FileFacts(
            imports=tuple(self.imports),
            has_docstring=ast.get_docstring(tree, clean=False) is not None,
            all_names=all_names,
            all_line=all_line,
            all_dynamic=all_dynamic,
            star_import=self.star,
            bound_names=frozenset(bound),
            defs=self._defs(tree.body),
            noqa=noqa,
            lines=len(self.lines),
        )

    # -- aliases of TYPE_CHECKING and importlib, anywhere in the file ---------------------------------

    def _aliases(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in _TYPE_CHECKING_MODULES and alias.asname:
                        self.tc_modules.add(alias.asname)
                    if alias.name == "importlib":
                        self.importlib_names.add(alias.asname or "importlib")
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                for alias in node.names:
                    if node.module in _TYPE_CHECKING_MODULES and alias.name == "TYPE_CHECKING":
                        self.tc_names.add(alias.asname or alias.name)
                    if node.module == "importlib" and alias.name == "import_module":
                        self.import_module_names.add(alias.asname or alias.name)

    def _is_type_checking(self, test: ast.expr) -> bool:
        if isinstance(test, ast.Name):
            return test.id in self.tc_names
        if isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING":
            return isinstance(test.value, ast.Name) and test.value.id in self.tc_modules
        return False

    # -- imports ---------------------------------------------------------------------------------------

    def _walk(self, body: list[ast.stmt], type_checking: bool, local: bool) -> None:
        for node in body:
            self._visit(node, type_checking, local)

    def _visit(self, node: ast.AST, type_checking: bool, local: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add(node, "import", alias.name, 0, ((alias.name, alias.asname),), type_checking, local)
            return
        if isinstance(node, ast.ImportFrom):
            if any(a.name == "*" for a in node.names) and not local:
                self.star = True
            names = tuple((a.name, a.asname) for a in node.names)
            self._add(node, "from", node.module or "", node.level or 0, names, type_checking, local)
            return
        if isinstance(node, ast.If) and self._is_type_checking(node.test):
            self._visit(node.test, type_checking, local)
            self._walk(node.body, True, local)
            self._walk(node.orelse, type_checking, local)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for child in ast.iter_child_nodes(node):
                inner = child in getattr(node, "body", ()) or isinstance(node, ast.Lambda) and child is node.body
                self._visit(child, type_checking, local or inner)
            return
        if isinstance(node, ast.Call):
            self._dynamic(node, type_checking, local)
        for child in ast.iter_child_nodes(node):
            self._visit(child, type_checking, local)

    def _dynamic(self, node: ast.Call, type_checking: bool, local: bool) -> None:
        func = node.func
        is_dynamic = (
            (isinstance(func, ast.Name) and (func.id == "__import__" or func.id in self.import_module_names))
            or (
                isinstance(func, ast.Attribute)
                and func.attr == "import_module"
                and isinstance(func.value, ast.Name)
                and func.value.id in self.importlib_names
            )
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
        self._add(node, "dynamic", name.lstrip("."), level, (), type_checking, local, package)

    def _add(
        self,
        node: ast.stmt | ast.expr,
        form: str,
        module: str,
        level: int,
        names: tuple[tuple[str, str | None], ...],
        type_checking: bool,
        local: bool,
        package: str | None = None,
    ) -> None:
        end = getattr(node, "end_lineno", None) or node.lineno
        self.imports.append(
            ImportFact(
                line=node.lineno,
                column=node.col_offset + 1,
                end_line=end,
                form=form,
                module=module,
                level=level,
                names=names,
                type_checking=type_checking,
                local=local,
                package=package,
                snippet=snippet_of(self.lines, node.lineno, end),
            )
        )

    # -- the module's interface ---------------------------------------------------------------------------

    def _top_level(self, body: list[ast.stmt]) -> tuple[set[str], tuple[tuple[tuple[str, int], ...] | None, int, bool]]:
        bound: set[str] = set()
        all_names: list[tuple[str, int]] | None = None
        all_line = 0
        dynamic = False

        def literal(value: ast.expr | None) -> list[tuple[str, int]] | None:
            if isinstance(value, ast.List | ast.Tuple):
                out = []
                for element in value.elts:
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        out.append((element.value, element.lineno))
                    else:
                        return None
                return out
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
                left, right = literal(value.left), literal(value.right)
                if left is not None and right is not None:
                    return left + right
            return None

        def statements(nodes: list[ast.stmt]) -> None:
            nonlocal all_names, all_line, dynamic
            for node in nodes:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    bound.add(node.name)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        bound.add(alias.asname or alias.name.split(".")[0])
                elif isinstance(node, ast.ImportFrom):
                    for alias in node.names:
                        if alias.name != "*":
                            bound.add(alias.asname or alias.name)
                elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        for name_node in ast.walk(target):
                            if isinstance(name_node, ast.Name):
                                bound.add(name_node.id)
                    is_all = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
                    if is_all:
                        value = literal(node.value)
                        if isinstance(node, ast.AugAssign):
                            if value is None or not isinstance(node.op, ast.Add):
                                dynamic = True
                            elif all_names is not None:
                                all_names.extend(value)
                            else:
                                dynamic = True
                        elif node.value is None:
                            pass
                        else:
                            if all_names is None and not dynamic:
                                all_line = node.lineno
                            if value is None:
                                dynamic = True
                            else:
                                all_names = list(value) if not dynamic else all_names
                elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                    func = node.value.func
                    if (
                        isinstance(func, ast.Attribute)
                        and isinstance(func.value, ast.Name)
                        and func.value.id == "__all__"
                        and func.attr in ("extend", "append")
                    ):
                        args = node.value.args
                        if func.attr == "append" and len(args) == 1:
                            value = literal(ast.List(elts=[args[0]], ctx=ast.Load()))
                        elif func.attr == "extend" and len(args) == 1:
                            value = literal(args[0])
                        else:
                            value = None
                        if value is None or all_names is None:
                            dynamic = True
                        else:
                            all_names.extend(value)
                elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While | ast.AsyncWith | ast.AsyncFor):
                    for block in ("body", "orelse", "finalbody"):
                        statements(getattr(node, block, []) or [])
                    for handler in getattr(node, "handlers", []) or []:
                        if handler.name:
                            bound.add(handler.name)
                        statements(handler.body)
                    if isinstance(node, ast.For | ast.AsyncFor):
                        for name_node in ast.walk(node.target):
                            if isinstance(name_node, ast.Name):
                                bound.add(name_node.id)
                elif hasattr(ast, "TypeAlias") and isinstance(node, ast.TypeAlias):  # 3.12+
                    if isinstance(node.name, ast.Name):
                        bound.add(node.name.id)
                elif isinstance(node, ast.Match):
                    for case in node.cases:
                        statements(case.body)

        statements(body)
        info = (tuple(all_names) if all_names is not None else None, all_line, dynamic)
        if dynamic:
            info = (tuple(all_names or ()), all_line or info[1], True)
        return bound, info

    def _defs(self, body: list[ast.stmt]) -> tuple[DefFact, ...]:
        out: list[DefFact] = []
        overloaded = {
            node.name
            for node in body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _has_decorator(node, "overload")
        }
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out.append(_function(node, method=False, overloaded=overloaded))
            elif isinstance(node, ast.ClassDef):
                method_overloads = {
                    n.name
                    for n in node.body
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _has_decorator(n, "overload")
                }
                methods = tuple(
                    _function(n, method=True, overloaded=method_overloads)
                    for n in node.body
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                )
                out.append(
                    DefFact(
                        kind="class",
                        name=node.name,
                        line=node.lineno,
                        column=node.col_offset + 1,
                        has_docstring=ast.get_docstring(node, clean=False) is not None,
                        methods=methods,
                    )
                )
        return tuple(out)


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _has_decorator(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return name in _decorator_names(node)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool, overloaded: set[str]) -> DefFact:
    decorators = _decorator_names(node)
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    if method and "staticmethod" not in decorators and positional:
        positional = positional[1:]
    params = [*positional, *args.kwonlyargs]
    if args.vararg:
        params.append(args.vararg)
    if args.kwarg:
        params.append(args.kwarg)
    missing = [p.arg for p in params if p.annotation is None]
    if node.returns is None:
        missing.append("return")
    is_impl = node.name in overloaded and "overload" not in decorators
    return DefFact(
        kind="function",
        name=node.name,
        line=node.lineno,
        column=node.col_offset + 1,
        has_docstring=ast.get_docstring(node, clean=False) is not None,
        unannotated=tuple(missing),
        overload_implementation=is_impl,
    )


def extract_tree(tree: ast.Module, lines: list[str]) -> FileFacts:
    """The facts of a file another tool has already parsed (flake8 hands plugins its ``ast`` and lines).

    Same facts as ``extract`` for the same source, without a second parse; ``lines`` may keep their line
    endings (flake8's do).
    """
    stripped = [line.rstrip("\r\n") for line in lines]
    noqa = _noqa_comments(stripped) if any("noqa" in line.lower() for line in stripped) else ()
    return _Reader(stripped).read(tree, noqa)
