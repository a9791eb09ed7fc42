"""The second engine: what a single file cannot show. The declaration becomes import-linter contracts
(``translate``), the project's files one grimp graph (``build``), the contracts run on it in-process and
each broken pair becomes a ``Violation`` with a canonical chain located in the files (``run``,
``chains``). The graph rules (arch_rules/rules/graph/) word the findings; nothing here imports or runs
the analysed code.
"""

from __future__ import annotations

from arch_rules.graph.build import build_graph
from arch_rules.graph.chains import Search, chain_text
from arch_rules.graph.kept import Inputs, Store, inputs_from_facts
from arch_rules.graph.run import Violation, configure_import_linter, run_contract, violations
from arch_rules.graph.translate import GraphContract, Translation, render_toml, translate, variants
from arch_rules.model.leftout import missing_imports  # kept here for callers of the graph API

__all__ = [
    "GraphContract",
    "Inputs",
    "Store",
    "Search",
    "Translation",
    "Violation",
    "build_graph",
    "chain_text",
    "configure_import_linter",
    "inputs_from_facts",
    "missing_imports",
    "render_toml",
    "run_contract",
    "translate",
    "variants",
    "violations",
]
