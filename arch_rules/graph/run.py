"""Running the contracts: import-linter's own contract classes, in-process, over the one graph of the
project; each broken pair becomes a ``Violation`` with its canonical chain, located in the project's
files. The rules of the graph family (arch_rules/rules/graph/) turn violations into findings.

A single file cannot show a chain (``a -> b -> c``) or a cycle, so this is the second engine: chains of
two or more imports only (a direct import is the per-file rules' to report, never twice), and
import-linter's nominated cycle breakers for ``acyclic``.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from arch_rules.errors import ConfigError, InternalError
from arch_rules.graph.build import build_graph
from arch_rules.graph.chains import Link, Search, chain_links, chain_text, located
from arch_rules.graph.cycles import cycle_violations
from arch_rules.graph.kept import Inputs
from arch_rules.graph.sites import at_every_statement
from arch_rules.graph.translate import GraphContract, translate
from arch_rules.model.findings import ChainLink
from arch_rules.model.project import Project


@dataclass(frozen=True)
class Violation:
    """One broken contract at one place: a chain of imports (layers, forbidden, independence) or an import
    that closes a cycle (acyclic_siblings), with everything its finding says and where it is located."""

    contract: GraphContract
    #: The module whose import starts the chain (or closes the cycle).
    importer: str
    #: The declared side the chain reaches (the higher layer, the forbidden or the other independent
    #: module), not the chain's last module; for a cycle, the module imported.
    imported: str
    #: Chains: the declared module the chain starts in. Cycles: the package whose children form it.
    downstream: str
    path: str
    line: int
    column: int
    end_line: int
    snippet: str
    links: tuple[ChainLink, ...]
    #: ``a -> b (l.3) -> c (l.7)``.
    chain: str
    #: Chains: the chain's last module. Cycles: "".
    final: str = ""
    #: Cycles: the children of the package, in the order the cycle visits them.
    cycle: tuple[str, ...] = ()
    #: The lines of the importer's statements that make the first import (each gets the violation).
    lines: tuple[int, ...] = ()
    #: Cycles: the way back, child by child, each step with one import that makes it.
    way_back: str = ""
    #: Cycles: the real path of imports from this import back into the importing child ("" when none).
    path_back: str = ""
    #: Cycles: the dependency (importing child, imported child) this import belongs to, and its size.
    dependency: tuple[str, str] = ("", "")
    dependency_size: int = 1
    #: Cycles: the dependency's other imports, named (the first few and how many more).
    others: str = ""


def violations(
    project: Project, *, cache: bool = True, notes: list[str] | None = None, inputs: Inputs | None = None
) -> list[Violation]:
    """Every broken contract of the whole project; ``notes`` (when given) receives one-line notes.
    ``inputs``: what the graph needs of the facts, and where it is kept (arch_rules/graph/kept.py)."""
    translation = translate(project)
    if notes is not None:
        notes.extend(f"graph: {note}" for note in translation.notes)
    if not translation.contracts:
        return []
    graph, graph_notes = build_graph(project, translation, cache=cache, inputs=inputs)
    if notes is not None:
        notes.extend(graph_notes)
    configure_import_linter()
    found: list[Violation] = []
    whole: Search | None = None
    for contract in translation.contracts:
        result, checked = _run_on_copy(contract, translation.session, graph, project.config.display_path)
        # A contract changes its copy only by removing its ignore_imports: without them, the copy is the
        # graph, and one search of it serves every such contract.
        if "ignore_imports" in contract.options:
            search = Search(checked)
        else:
            whole = search = whole or Search(graph)
        sites = inputs.sites if inputs is not None else None
        found.extend(_violations(project, search, contract, result.metadata or {}, sites))
    return found


def configure_import_linter() -> None:
    """import-linter's contracts read settings (``TIMER``) that only ``configure()`` fills."""
    try:
        from importlinter import configuration
    except ImportError as exc:  # pragma: no cover - a dependency
        raise InternalError(f"import-linter is not installed ({exc}); reinstall arch-rules") from None
    configuration.configure()


def _contract_class(kind: str) -> type:
    from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
    from importlinter.contracts.forbidden import ForbiddenContract
    from importlinter.contracts.independence import IndependenceContract
    from importlinter.contracts.layers import LayersContract

    return {
        "layers": LayersContract,
        "forbidden": ForbiddenContract,
        "independence": IndependenceContract,
        "acyclic_siblings": AcyclicSiblingsContract,
    }[kind]


def run_contract(contract: GraphContract, session: dict[str, Any], graph: Any, source: str = "pyproject.toml") -> Any:
    """Check one contract on a copy of ``graph`` (contracts mutate it); its output is captured, not shown.

    ``source`` names the configuration file in error messages.
    """
    return _run_on_copy(contract, session, graph, source)[0]


def _run_on_copy(contract: GraphContract, session: dict[str, Any], graph: Any, source: str) -> tuple[Any, Any]:
    """``run_contract``, plus the copy the contract checked: the graph without its ``ignore_imports``,
    which is the graph its chains are searched in."""
    from importlinter.domain.contract import InvalidContractOptions

    cls = _contract_class(contract.type)
    sink = io.StringIO()
    checked = copy.deepcopy(graph)
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            instance = cls(name=contract.name, session_options=session, contract_options=dict(contract.options))
            return instance.check(checked, verbose=False), checked
    except InvalidContractOptions as exc:
        details = "; ".join(f"{k}: {v}" for k, v in sorted(exc.errors.items()))
        problem = f"import-linter cannot check this as a {contract.type} contract: {details}"
        raise ConfigError([f"{source}: {contract.key}: {problem}"]) from None
    except (ValueError, LookupError) as exc:
        # Contracts raise ValueError for what the declaration gets wrong (a missing layer or module).
        problem = f"import-linter cannot check this {contract.type} contract: {exc}"
        raise ConfigError([f"{source}: {contract.key}: {problem}"]) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: B036 - grimp's Rust panics are BaseExceptions (IL #206, #241)
        raise InternalError(
            f"import-linter failed on the {contract.type} contract from {contract.key}: {type(exc).__name__}: {exc}"
        ) from None


def _violations(
    project: Project,
    search: Search,
    contract: GraphContract,
    metadata: dict[str, Any],
    sites: Mapping[tuple[str, int, str], tuple[int, int, str]] | None = None,
) -> Iterator[Violation]:
    """The violations of one contract: import-linter's broken pairs, with arch-rules' canonical chains.

    ``search`` is over the graph the contract checked (without its ignored imports).
    """
    if contract.type == "acyclic_siblings":
        for package, breakers in sorted(metadata.get("cycle_breakers_by_package", {}).items()):
            for violation in cycle_violations(project, search, contract, package, sorted(breakers), sites):
                yield from at_every_statement(project, violation, sites)
        return
    for downstream, upstream in _broken_pairs(contract, metadata):
        for chain in search.chains(contract, downstream, upstream):
            violation = _chain(project, search.graph, contract, search.links(chain), downstream, upstream, sites)
            yield from at_every_statement(project, violation, sites)


def _broken_pairs(contract: GraphContract, metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """(downstream, upstream) module pairs the contract found broken, sorted: which pairs break does not
    depend on grimp's choice of chains, only whether a chain exists."""
    if contract.type == "layers":
        pairs = {(item["importer"], item["imported"]) for item in metadata.get("invalid_dependencies", [])}
    else:
        items = metadata.get("invalid_chains", [])
        pairs = {(item["downstream_module"], item["upstream_module"]) for item in items}
    return sorted(pairs)


def _first_line(link: Link) -> int | None:
    numbers = sorted(n for n in link.get("line_numbers", ()) if n is not None)
    return numbers[0] if numbers else None


def _chain(
    project: Project,
    graph: Any,
    contract: GraphContract,
    chain: list[Link],
    downstream: str,
    upstream: str,
    sites: Mapping[tuple[str, int, str], tuple[int, int, str]] | None = None,
) -> Violation:
    head, final = chain[0]["importer"], chain[-1]["imported"]
    where = located(project, graph, head, chain[0]["imported"], _first_line(chain[0]), sites)
    path, line, column, end, snippet = where if where else (head, 1, 1, 1, "")
    # `imported` is the declared side the chain reaches (the higher layer, the forbidden or the other
    # independent module), not the chain's last module: the chain follows the rest of the graph (an import
    # added elsewhere can make another chain the shortest), and the fingerprint (baselines) must not.
    return Violation(
        contract=contract,
        importer=head,
        imported=upstream,
        downstream=downstream,
        path=path,
        line=line,
        column=column,
        end_line=end,
        snippet=snippet,
        links=chain_links(project, chain),
        chain=chain_text(chain),
        final=final,
        lines=tuple(n for n in chain[0].get("line_numbers", ()) if n is not None),
    )
