"""Interface contracts (ARC301–ARC303) and documented intent (ARC401–ARC402) of each team's interface.

An interface module is one a team's ``interface`` names, or, without ``interface``, a package the team's
``owns`` names exactly. "Public" is what ``__all__`` lists when the module declares it, otherwise every
name not starting with ``_``; dunder names are never public here (DESIGN §2, interfaces).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from arch_rules.facts import DefFact, FileFacts
from arch_rules.model.findings import Finding
from arch_rules.model.project import Module, Project

_Make = Callable[..., Finding]


def check(project: Project, module: Module, facts: FileFacts) -> Iterator[Finding]:
    if facts.syntax_error is not None:
        return
    team = project.team_of(module.name)
    if team is None:
        return  # interfaces and owned packages are always some team's
    interface = project.is_interface(module.name)
    # A team's owned packages: what an `owns` pattern names exactly (DESIGN §2, ownership).
    owned = any(p.matches(module.name) for p in team.owns)

    def finding(code: str, message: str, line: int = 1, column: int = 1, snippet: str = "") -> Finding:
        # The snippet names what the finding is about ("def f", "__all__ 'x'"): it is what tells two
        # findings of one rule in one file apart in a baseline, where line numbers do not count.
        return Finding(code, message, module.relpath, line, column, module=module.name, team=team.name, snippet=snippet)

    if (interface or owned) and not facts.has_docstring:
        kind = "interface module" if interface else "owned package"
        yield finding(
            "ARC401",
            f"{module.name}, an {kind} of team {team.name}, has no module docstring; say in one paragraph what "
            "it offers other teams and why it exists",
        )
    if not interface:
        return
    if facts.all_names is None:
        yield finding(
            "ARC301",
            f"{module.name}, an interface module of team {team.name}, does not declare __all__; list the names "
            "other teams may import so the interface is explicit",
        )
    elif not facts.all_dynamic and not facts.star_import:
        yield from _undefined(project, module, facts, finding)
    public = _public(facts)
    for definition in facts.defs:
        if not public(definition.name):
            continue
        if definition.kind == "function":
            yield from _annotations(definition, module, finding, qualname=definition.name)
        else:
            yield from _methods(definition, module, finding, qualname=definition.name)
    yield from _docstrings(module, facts, public, finding)


def _undefined(project: Project, module: Module, facts: FileFacts, finding: _Make) -> Iterator[Finding]:
    """ARC302: one finding per listed name the module neither binds at top level nor has as a submodule."""
    for name, line in facts.all_names or ():
        if name in facts.bound_names:
            continue
        if module.is_package and project.exists(f"{module.name}.{name}"):
            continue
        yield finding(
            "ARC302",
            f"__all__ of {module.name} lists {name!r}, which the module neither defines nor imports; "
            "define or import it, or remove it from __all__",
            line=line or facts.all_line or 1,
            snippet=f"__all__ {name!r}",
        )


def _methods(cls: DefFact, module: Module, finding: _Make, qualname: str) -> Iterator[Finding]:
    """ARC303 for the public methods of a public class, and of its public nested classes."""
    for member in cls.methods:
        if not _is_public_name(member.name):
            continue
        inner = f"{qualname}.{member.name}"
        if member.kind == "class":
            yield from _methods(member, module, finding, inner)
        else:
            yield from _annotations(member, module, finding, inner)


def _annotations(definition: DefFact, module: Module, finding: _Make, qualname: str) -> Iterator[Finding]:
    if definition.overload_implementation or not definition.unannotated:
        return
    missing = [f"parameter {p}" if p != "return" else "the return type" for p in definition.unannotated]
    yield finding(
        "ARC303",
        f"{qualname} in interface {module.name} lacks annotations ({', '.join(missing)}); "
        "annotate every parameter and the return so callers can rely on the contract",
        line=definition.line,
        column=definition.column,
        snippet=f"def {qualname}",
    )


def _docstrings(module: Module, facts: FileFacts, public: Callable[[str], bool], finding: _Make) -> Iterator[Finding]:
    """ARC402, once per public module-level name: overloads and ``if``/``else`` variants share one docstring.

    Reported at the implementation of an overloaded function (where the docstring belongs), else at the
    first definition.
    """
    by_name: dict[str, list[DefFact]] = {}
    for definition in facts.defs:
        if public(definition.name):
            by_name.setdefault(definition.name, []).append(definition)
    for name, definitions in by_name.items():
        if any(d.has_docstring for d in definitions):
            continue
        where = next((d for d in definitions if not d.overload), definitions[0])
        yield finding(
            "ARC402",
            f"{where.kind} {name} of interface {module.name} has no docstring; "
            "say what it is for, so callers need not read the code",
            line=where.line,
            column=where.column,
            snippet=f"{where.kind} {name}",
        )


def _is_public_name(name: str) -> bool:
    return not name.startswith("_")


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _public(facts: FileFacts) -> Callable[[str], bool]:
    """Public names of the module: those ``__all__`` lists when it can be read, else those without ``_``."""
    if facts.all_names is not None and not facts.all_dynamic:
        listed = {name for name, _ in facts.all_names}
        return lambda name: name in listed and not _is_dunder(name)
    return _is_public_name
