"""What a module offers: the names it binds at top level, what its ``__all__`` says, and its module-level
functions and classes with their docstrings and annotations (the facts of ARC301-ARC303 and ARC402).

Read from the same ``ast`` the import walk of arch_rules/facts/reader.py reads, statements only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from arch_rules.facts.records import DefFact

__all__ = ["TopLevel", "module_defs"]


def module_defs(body: list[ast.stmt]) -> tuple[DefFact, ...]:
    """Module-level functions and classes, under ``if``/``try``/``with`` too (still module level)."""
    nodes = list(_module_level_defs(body))
    overloaded = {
        node.name
        for node in nodes
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _has_decorator(node, "overload")
    }
    return tuple(
        _class(node) if isinstance(node, ast.ClassDef) else _function(node, method=False, overloaded=overloaded)
        for node in nodes
    )


_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While) + (
    (ast.TryStar,) if hasattr(ast, "TryStar") else ()  # 3.11+
)


def _blocks(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement runs in the same scope (not function or class bodies)."""
    out = [getattr(node, block, None) or [] for block in ("body", "orelse", "finalbody")]
    out += [handler.body for handler in getattr(node, "handlers", None) or []]
    if isinstance(node, ast.Match):
        out += [case.body for case in node.cases]
    return out


def _module_level_defs(body: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node
        elif isinstance(node, _BLOCKS) or isinstance(node, ast.Match):
            for block in _blocks(node):
                yield from _module_level_defs(block)


class TopLevel:
    """Reads what a module binds at top level and what its ``__all__`` says (docs/rules.md, ARC301–ARC303).

    ``__all__`` is declared by assigning a list or tuple of string literals (plain or annotated, ``+``
    of such, or ``__all__ + [...]``) and changed by ``+=``, ``.extend()``, ``.append()``, ``.insert()`` and
    ``.remove()`` of literals. Anything else makes it dynamic: declared, but not read (ARC302 skips it).
    An assignment inside ``if``/``try`` adds to what is known instead of replacing it, since either
    branch may run.
    """

    def __init__(self, walrus: bool = True) -> None:
        self.walrus = walrus  # False: the text has no `:=`, so no statement needs searching for one
        self.bound: set[str] = set()
        self.names: list[tuple[str, int]] | None = None
        self.line = 0
        self.dynamic = False

    def read(self, body: list[ast.stmt]) -> tuple[set[str], tuple[tuple[tuple[str, int], ...] | None, int, bool]]:
        self._statements(body, nested=False)
        names = self.names
        if names is None and self.dynamic:
            names = []
        unique: dict[str, int] = {}
        for name, line in names or ():
            unique.setdefault(name, line)
        listed = tuple(unique.items()) if names is not None else None
        return self.bound, (listed, self.line, self.dynamic)

    def _statements(self, nodes: list[ast.stmt], nested: bool) -> None:
        for node in nodes:
            if self.walrus and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self._walrus(node)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.bound.add(node.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.bound.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                self.bound.update(alias.asname or alias.name for alias in node.names if alias.name != "*")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target)
                if any(_is_all(t) for t in node.targets):
                    self._assign(node.value, node.lineno, nested)
                elif any(_is_all(n) for t in node.targets for n in ast.walk(t)):
                    self._declared_dynamic(node.lineno)  # `__all__, x = ...`
            elif isinstance(node, ast.AnnAssign):
                self._bind(node.target)
                if _is_all(node.target) and node.value is not None:
                    self._assign(node.value, node.lineno, nested)
            elif isinstance(node, ast.AugAssign):
                self._bind(node.target)
                if _is_all(node.target):
                    added = self._literal(node.value, node.lineno) if isinstance(node.op, ast.Add) else None
                    self._extend(added, node.lineno)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self._method_call(node.value, node.lineno)
            elif isinstance(node, _BLOCKS) or isinstance(node, ast.Match):
                if isinstance(node, ast.For | ast.AsyncFor):
                    self._bind(node.target)
                if isinstance(node, ast.With | ast.AsyncWith):
                    for item in node.items:
                        if item.optional_vars is not None:
                            self._bind(item.optional_vars)
                for handler in getattr(node, "handlers", None) or []:
                    if handler.name:
                        self.bound.add(handler.name)
                if isinstance(node, ast.Match):
                    for case in node.cases:
                        for sub in ast.walk(case.pattern):
                            name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                            if isinstance(name, str):
                                self.bound.add(name)
                for block in _blocks(node):
                    self._statements(block, nested=True)
            elif type(node).__name__ == "TypeAlias":  # `type X = ...`, 3.12+
                alias_name = getattr(node, "name", None)
                if isinstance(alias_name, ast.Name):
                    self.bound.add(alias_name.id)

    def _walrus(self, node: ast.stmt) -> None:
        """``(x := ...)`` at top level binds ``x`` in the module (not inside a function, lambda or class)."""
        todo: list[ast.AST] = [child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.stmt)]
        while todo:
            current = todo.pop()
            if isinstance(current, ast.NamedExpr) and isinstance(current.target, ast.Name):
                self.bound.add(current.target.id)
            if not isinstance(current, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                todo.extend(ast.iter_child_nodes(current))

    def _bind(self, target: ast.expr) -> None:
        """Names an assignment target binds (``a``, ``a, *b``), not ``a.x`` or ``a[i]``."""
        if isinstance(target, ast.Name):
            self.bound.add(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element)
        elif isinstance(target, ast.Starred):
            self._bind(target.value)

    def _literal(self, value: ast.expr | None, line: int) -> list[tuple[str, int]] | None:
        """The names a static ``__all__`` value lists, each with the line of the statement; None if dynamic."""
        if isinstance(value, ast.List | ast.Tuple):
            out = []
            for element in value.elts:
                if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                    return None
                out.append((element.value, line))
            return out
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            left, right = self._literal(value.left, line), self._literal(value.right, line)
            return left + right if left is not None and right is not None else None
        if _is_all(value) and self.names is not None and not self.dynamic:
            return list(self.names)  # `__all__ = __all__ + [...]`
        return None

    def _declared_dynamic(self, line: int) -> None:
        self.dynamic = True
        if not self.line:
            self.line = line

    def _assign(self, value: ast.expr, line: int, nested: bool) -> None:
        names = self._literal(value, line)
        if names is None:
            self._declared_dynamic(line)
            return
        if nested and self.names is not None:
            known = {name for name, _ in self.names}
            self.names.extend(item for item in names if item[0] not in known)
        else:
            self.names = names
            if not nested:
                self.dynamic = False  # a plain top-level assignment replaces whatever came before
        if not nested or not self.line:
            self.line = line

    def _extend(self, names: list[tuple[str, int]] | None, line: int) -> None:
        if names is None or self.names is None:
            self._declared_dynamic(line)
        else:
            self.names.extend(names)

    def _method_call(self, call: ast.Call, line: int) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and _is_all(func.value)):
            return
        args = call.args
        if call.keywords or any(isinstance(a, ast.Starred) for a in args):
            self._declared_dynamic(line)
        elif func.attr == "extend" and len(args) == 1:
            self._extend(self._literal(args[0], line), line)
        elif func.attr in ("append", "insert") and len(args) == (1 if func.attr == "append" else 2):
            self._extend(self._literal(ast.List(elts=[args[-1]], ctx=ast.Load()), line), line)
        elif func.attr == "remove" and len(args) == 1:
            removed = self._literal(ast.List(elts=[args[0]], ctx=ast.Load()), line)
            if removed is None or self.names is None:
                self._declared_dynamic(line)
            else:
                self.names = [item for item in self.names if item[0] != removed[0][0]]
        elif func.attr not in ("sort", "reverse", "copy", "count", "index"):
            self._declared_dynamic(line)  # pop, clear, a call we cannot follow


def _is_all(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


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


def _class(node: ast.ClassDef) -> DefFact:
    """A class with the functions of its body (its methods) and its nested classes."""
    overloaded = {
        n.name
        for n in node.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _has_decorator(n, "overload")
    }
    members = tuple(
        _function(n, method=True, overloaded=overloaded) if not isinstance(n, ast.ClassDef) else _class(n)
        for n in node.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )
    return DefFact(
        kind="class",
        name=node.name,
        line=node.lineno,
        column=node.col_offset + 1,
        has_docstring=ast.get_docstring(node, clean=False) is not None,
        methods=members,
    )


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool, overloaded: set[str]) -> DefFact:
    """Which parameters and whether the return lack annotations (the first of a non-static method excepted)."""
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
    is_overload = "overload" in decorators
    return DefFact(
        kind="function",
        name=node.name,
        line=node.lineno,
        column=node.col_offset + 1,
        has_docstring=ast.get_docstring(node, clean=False) is not None,
        unannotated=tuple(missing),
        overload_implementation=node.name in overloaded and not is_overload,
        methods=(),
        overload=is_overload,
    )
