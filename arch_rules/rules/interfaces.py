"""Interface contracts (ARC301–ARC303) and documented intent (ARC401–ARC402) of each team's interface.

An interface module is one a team's ``interface`` names, or, without ``interface``, a package the team's
``owns`` names exactly. "Public" is what ``__all__`` lists when the module declares it, otherwise every
name not starting with ``_``; dunder names are never public here (DESIGN §2, interfaces).
"""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.facts import DefFact, FileFacts
from arch_rules.findings import Finding
from arch_rules.project import Module, Project


def check(project: Project, module: Module, facts: FileFacts) -> Iterator[Finding]:
    if facts.syntax_error is not None:
        return
    team = project.team_of(module.name)
    interface = project.is_interface(module.name)
    owned_package = team is not None and module.is_package and any(p.matches(module.name) for p in team.owns)
    who = f" of team {team.name}" if team else ""

    def finding(code: str, message: str, line: int = 1, column: int = 1) -> Finding:
        return Finding(code, message, module.relpath, line, column, module=module.name, team=team.name if team else None)

    if (interface or owned_package) and not facts.has_docstring:
        kind = "interface module" if interface else "owned package"
        yield finding(
            "ARC401",
            f"{module.name}, an {kind}{who}, has no module docstring; say in one paragraph what it offers "
            "other teams and why it exists",
        )
    if not interface:
        return
    if facts.all_names is None and not facts.all_dynamic:
        yield finding(
            "ARC301",
            f"{module.name}, an interface module{who}, does not declare __all__; list the names other teams may "
            "import so the interface is explicit",
        )
    if facts.all_names is not None and not facts.all_dynamic and not facts.star_import:
        for name, line in facts.all_names:
            if name in facts.bound_names:
                continue
            if project.exists(f"{module.name}.{name}") and module.is_package:
                continue
            yield finding(
                "ARC302",
                f"__all__ of {module.name} lists {name!r}, which the module neither defines nor imports; "
                "define or import it, or remove it from __all__",
                line=facts.all_line or line,
            )
    public = _public(facts)
    for definition in facts.defs:
        if not public(definition.name):
            continue
        if definition.kind == "function":
            yield from _annotations(definition, module, finding, qualname=definition.name)
        else:
            for method in definition.methods:
                if _is_public_name(method.name):
                    yield from _annotations(method, module, finding, qualname=f"{definition.name}.{method.name}")
        if not definition.has_docstring:
            yield finding(
                "ARC402",
                f"{definition.kind} {definition.name} of interface {module.name} has no docstring; "
                "say what it is for, so callers need not read the code",
                line=definition.line,
                column=definition.column,
            )


def _annotations(definition: DefFact, module: Module, finding, qualname: str) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    if definition.overload_implementation or not definition.unannotated:
        return
    missing = [f"parameter {p}" if p != "return" else "the return type" for p in definition.unannotated]
    yield finding(
        "ARC303",
        f"{qualname} in interface {module.name} lacks annotations ({', '.join(missing)}); "
        "annotate every parameter and the return so callers can rely on the contract",
        line=definition.line,
        column=definition.column,
    )


def _is_public_name(name: str) -> bool:
    return not name.startswith("_")


def _public(facts: FileFacts):  # type: ignore[no-untyped-def]
    if facts.all_names is not None and not facts.all_dynamic:
        listed = {name for name, _ in facts.all_names}
        return lambda name: name in listed and not name.startswith("__")
    return _is_public_name
