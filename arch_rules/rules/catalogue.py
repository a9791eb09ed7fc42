"""The rule records (placeholder texts; filled in with rationale and examples)."""

from __future__ import annotations

from arch_rules.rules import Example, Rule

_NONE = Example(files=())


def _rule(code: str, name: str, engine: str, summary: str) -> Rule:
    return Rule(code, name, engine, summary, rationale="", bad=_NONE, good=_NONE, fix="")


ALL: list[Rule] = [
    _rule("ARC001", "unknown-module-reference", "config", "A pattern in the configuration matches no module."),
    _rule("ARC002", "unowned-module", "per-file", "A module belongs to no team."),
    _rule("ARC003", "unparsable-file", "per-file", "The file cannot be decoded or parsed."),
    _rule("ARC004", "unused-ignore", "config", "An ignore_imports entry matches no import."),
    _rule("ARC101", "layer-violation", "per-file", "Direct import of a higher layer or an independent sibling."),
    _rule("ARC102", "private-team-module", "per-file", "Direct import of another team's non-interface module."),
    _rule("ARC103", "undeclared-team-dependency", "per-file", "Import of a team not in depends_on."),
    _rule("ARC104", "forbidden-import", "per-file", "Direct import matching a forbid entry."),
    _rule("ARC105", "private-name-import", "per-file", "Import of a private module or name from outside its package."),
    _rule("ARC106", "independence-violation", "per-file", "Direct import between independent modules."),
    _rule("ARC201", "indirect-layer-violation", "graph", "Chain of imports from a lower layer to a higher one."),
    _rule("ARC204", "indirect-forbidden-import", "graph", "Chain from a forbid source to a forbidden module."),
    _rule("ARC206", "indirect-independence-violation", "graph", "Chain between independent modules."),
    _rule("ARC207", "import-cycle", "graph", "Cycle among the children of an acyclic package."),
    _rule("ARC301", "interface-without-all", "per-file", "An interface module does not declare __all__."),
    _rule("ARC302", "all-names-undefined", "per-file", "__all__ lists a name the module does not bind."),
    _rule("ARC303", "untyped-interface", "per-file", "A public function of an interface lacks annotations."),
    _rule("ARC401", "undocumented-interface", "per-file", "An interface module has no module docstring."),
    _rule("ARC402", "undocumented-interface-member", "per-file", "A public class or function has no docstring."),
    _rule("ARC403", "suppression-without-reason", "per-file", "A noqa for ARC codes gives no reason."),
]
