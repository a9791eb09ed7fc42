"""Deprecations across team boundaries (ARC502), collected without libcst: PEP 702 ``@deprecated("...")``
on the functions, classes and methods of interface modules (read with ``ast``) and each team's
``deprecated = {"dotted.name" = "text"}`` in the configuration."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from arch_rules.model.project import Project
from arch_rules.rules.lintcontext import Context

__all__ = ["Declared", "Deprecation", "applying", "collect", "declared", "words"]

#: The modules PEP 702's decorator is taken from.
_DECORATOR_MODULES = ("warnings", "typing_extensions")

#: What ``declared`` finds in one module: (dotted name, text, line) of each deprecation.
Declared = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class Deprecation:
    """One deprecated name, with the owners' text, the owning team and where the deprecation was declared."""

    name: str  # the deprecated dotted name
    text: str  # what to do instead, as the owners wrote it
    team: str  # the owning team
    contact: str = ""
    where: str = ""  # "src/shop/payments/api.py:12" or the configuration key


def declared(source: bytes | str, module: str) -> Iterator[tuple[str, str, int]]:
    """``(dotted name, text, line)`` of each ``@deprecated("text")`` function, class or method of a module,
    read with ``ast`` (cheap: interface modules are read for this whether or not anything uses them)."""
    if b"deprecated" not in (source if isinstance(source, bytes) else source.encode()):
        return
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    names: set[str] = set()  # local names of the decorator
    modules: set[str] = set()  # local names of warnings / typing_extensions
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _DECORATOR_MODULES and not node.level:
            names.update(a.asname or a.name for a in node.names if a.name == "deprecated")
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name in _DECORATOR_MODULES)

    def text_of(decorator: ast.expr) -> str | None:
        if not isinstance(decorator, ast.Call) or not decorator.args:
            return None
        func = decorator.func
        is_ours = (isinstance(func, ast.Name) and func.id in names) or (
            isinstance(func, ast.Attribute)
            and func.attr == "deprecated"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        )
        first = decorator.args[0]
        if is_ours and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return " ".join(first.value.split())
        return None

    def walk(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, str, int]]:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for decorator in node.decorator_list:
                    text = text_of(decorator)
                    if text is not None:
                        yield f"{prefix}.{node.name}", text, node.lineno
                        break
                if isinstance(node, ast.ClassDef):
                    yield from walk(node.body, f"{prefix}.{node.name}")
            elif isinstance(node, ast.If | ast.Try):
                for block in (node.body, node.orelse, getattr(node, "finalbody", [])):
                    yield from walk(block, prefix)

    yield from walk(tree.body, module)


def words(deprecations: Sequence[Deprecation]) -> set[bytes]:
    """Last segments of the deprecated names: a file without any of them cannot import or use one."""
    return {d.name.rsplit(".", 1)[-1].encode() for d in deprecations}


def applying(deprecations: Mapping[str, Deprecation], context: Context) -> list[Deprecation]:
    """The deprecations a module hears about: every one owned by another team (unowned code hears all)."""
    return [d for d in deprecations.values() if d.team != context.team]


def collect(
    project: Project,
    read: Callable[[str], bytes | None],
    known: Mapping[str, Declared] | None = None,
    out: dict[str, Declared] | None = None,
) -> dict[str, Deprecation]:
    """Every deprecation of the project by dotted name: the configuration's first, then the decorators of
    each team's interface modules (``read`` gives a file's bytes by relpath; None when unreadable).

    ``known``: what ``declared`` gave for modules whose content has not changed since (by relpath), so an
    edit elsewhere reads no interface module again. ``out``, when given, receives ``declared`` of every
    module it looked at: the interface modules (parsing every file that mentions "deprecated" would cost
    a cold run on Django ~0.3 s; a module that becomes an interface later is read then)."""
    found: dict[str, Deprecation] = {}
    for team in project.config.teams:
        for name, text in team.deprecated:
            found.setdefault(name, Deprecation(name, text, team.name, team.contact, f"{team.key}.deprecated"))
    for name in sorted(project.modules):
        interface = project.is_interface(name)
        if not interface:
            continue
        module = project.modules[name]
        found_here = known.get(module.relpath) if known is not None else None
        if found_here is None or any(not dotted.startswith(f"{name}.") for dotted, _, _ in found_here):
            data = read(module.relpath)
            found_here = tuple(declared(data, name)) if data else ()
        if out is not None:
            out[module.relpath] = found_here
        owner = project.team_of(name) if found_here else None
        if owner is None:
            continue
        for dotted, text, line in found_here:
            where = f"{module.relpath}:{line}"
            found.setdefault(dotted, Deprecation(dotted, text, owner.name, owner.contact, where))
    if found:
        _re_exports(project, read, found)
    return found


def _re_exports(project: Project, read: Callable[[str], bytes | None], found: dict[str, Deprecation]) -> None:
    """A deprecated name an interface module of the same team re-exports (``from .api import refund_v1`` in
    ``shop/payments/__init__.py``) is deprecated under that name too: consumers import it from there."""
    last = {d.name.rsplit(".", 1)[-1].encode() for d in found.values()}
    for name in sorted(project.modules):
        if not project.is_interface(name):
            continue
        owner = project.team_of(name)
        module = project.modules[name]
        data = read(module.relpath)
        if owner is None or not data or not any(word in data for word in last):
            continue
        package = name if module.is_package else name.rpartition(".")[0]
        for fact in project.facts[name].imports:
            if fact.form != "from" or fact.local:
                continue
            base = fact.module
            if fact.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - (fact.level - 1)], *([fact.module] if fact.module else [])])
            for imported, alias in fact.names:
                hit = found.get(f"{base}.{imported}")
                if hit is not None and hit.team == owner.name:
                    again = f"{name}.{alias or imported}"
                    found.setdefault(again, Deprecation(again, hit.text, hit.team, hit.contact, hit.where))
