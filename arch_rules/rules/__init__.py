"""The rules, one module each, grouped by family in folders (configuration, modules, imports, graph,
interfaces, suppression): each holds the rule's record, its check and its message. ``rule`` defines what
a rule is, ``registry`` lists them and runs them, ``examples`` holds what the rules' examples share."""

from __future__ import annotations

from arch_rules.rules.registry import (
    all_rules,
    check_graph,
    check_module,
    check_project,
    codes,
    graph_codes,
    module_parts,
    suppression_rules,
)
from arch_rules.rules.rule import Example, Rule

__all__ = [
    "Example",
    "Rule",
    "all_rules",
    "check_graph",
    "check_module",
    "check_project",
    "codes",
    "graph_codes",
    "module_parts",
    "suppression_rules",
]
