"""The shapes of import-linter's ``ContractCheck.metadata`` that arch_rules/graph/ reads.

import-linter documents these as "not public API" (contracts/_common.py), so an upgrade may change them.
This builds a tiny graph in code, runs each contract class arch-rules uses, and asserts the keys and
shapes, so such an upgrade fails here, loudly, instead of silently losing ARC2xx findings.
"""

from __future__ import annotations

import copy
from typing import Any

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import ContractCheck, InvalidContractOptions

SESSION = {"root_packages": ["pkg"], "include_external_packages": "true"}


def _graph() -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    modules = [
        "pkg",
        "pkg.high",
        "pkg.high.views",
        "pkg.mid",
        "pkg.low",
        "pkg.low.model",
        "pkg.low.other",
        "pkg.util",
        "pkg.util.glue",
        "pkg.a",
        "pkg.a.x",
        "pkg.b",
        "pkg.b.y",
    ]
    for name in modules:
        graph.add_module(name)
    graph.add_module("requests", is_squashed=True)

    def imp(importer: str, imported: str, line: int) -> None:
        graph.add_import(importer=importer, imported=imported, line_number=line, line_contents=f"import {imported}")

    imp("pkg.low.model", "pkg.util.glue", 3)  # chain low -> util -> high
    imp("pkg.low.other", "pkg.util.glue", 5)  # a second head into the same middle
    imp("pkg.util.glue", "pkg.high.views", 7)
    imp("pkg.util.glue", "requests", 2)
    imp("pkg.a.x", "pkg.util.glue", 1)  # a -> util -> ... and a <-> b cycle
    imp("pkg.a.x", "pkg.b.y", 4)
    imp("pkg.b.y", "pkg.a.x", 9)
    return graph


def _run(cls: type, options: dict[str, Any]) -> ContractCheck:
    configuration.configure()
    contract = cls(name="t", session_options=SESSION, contract_options=options)
    graph = _graph()
    result = contract.check(copy.deepcopy(graph), verbose=False)
    assert isinstance(result, ContractCheck)
    return result


def _assert_link(link: Any) -> None:
    assert set(link) >= {"importer", "imported", "line_numbers"}
    assert isinstance(link["importer"], str) and isinstance(link["imported"], str)
    assert isinstance(link["line_numbers"], tuple)
    assert all(n is None or isinstance(n, int) for n in link["line_numbers"])


def _assert_detailed_chain(route: Any) -> None:
    assert set(route) >= {"chain", "extra_firsts", "extra_lasts"}
    for link in [*route["chain"], *route["extra_firsts"], *route["extra_lasts"]]:
        _assert_link(link)


def test_layers_metadata_shape() -> None:
    result = _run(
        LayersContract,
        {"layers": ["pkg.high", "pkg.mid", "pkg.low"], "unmatched_ignore_imports_alerting": "none"},
    )
    assert not result.kept
    assert set(result.metadata) >= {"invalid_dependencies", "undeclared_modules"}
    (item,) = result.metadata["invalid_dependencies"]
    assert (item["importer"], item["imported"]) == ("pkg.low", "pkg.high")
    (route,) = item["routes"]
    _assert_detailed_chain(route)
    chain = route["chain"]
    assert [(link["importer"], link["imported"], link["line_numbers"]) for link in chain] == [
        ("pkg.low.model", "pkg.util.glue", (3,)),
        ("pkg.util.glue", "pkg.high.views", (7,)),
    ]
    # The second head is an extra first import into the same middle module.
    assert [(link["importer"], link["imported"], link["line_numbers"]) for link in route["extra_firsts"]] == [
        ("pkg.low.other", "pkg.util.glue", (5,))
    ]


def test_independence_metadata_shape() -> None:
    result = _run(IndependenceContract, {"modules": ["pkg.a", "pkg.high"], "unmatched_ignore_imports_alerting": "none"})
    assert not result.kept
    (item,) = result.metadata["invalid_chains"]
    assert (item["downstream_module"], item["upstream_module"]) == ("pkg.a", "pkg.high")
    (route,) = item["chains"]
    _assert_detailed_chain(route)
    assert [link["importer"] for link in route["chain"]] == ["pkg.a.x", "pkg.util.glue"]


def test_forbidden_metadata_shape_and_external_modules() -> None:
    result = _run(
        ForbiddenContract,
        {
            "source_modules": ["pkg.low"],
            "forbidden_modules": ["requests", "pkg.high"],
            "allow_indirect_imports": "false",
            "unmatched_ignore_imports_alerting": "none",
        },
    )
    assert not result.kept
    items = result.metadata["invalid_chains"]
    assert [(i["downstream_module"], i["upstream_module"]) for i in items] == [
        ("pkg.low", "pkg.high"),
        ("pkg.low", "requests"),
    ]
    for item in items:
        for chain in item["chains"]:
            assert isinstance(chain, list) and len(chain) == 2  # a plain list of links, not a DetailedChain
            for link in chain:
                _assert_link(link)


def test_forbidden_treats_modules_as_packages_by_default() -> None:
    """Our ``from``/``import`` cover descendants; import-linter's ``as_packages`` defaults to that."""
    result = _run(
        ForbiddenContract,
        {"source_modules": ["pkg.low"], "forbidden_modules": ["pkg.high"], "unmatched_ignore_imports_alerting": "none"},
    )
    assert not result.kept  # pkg.low.model (a descendant) reaches pkg.high.views (a descendant)


def test_acyclic_siblings_metadata_shape() -> None:
    result = _run(AcyclicSiblingsContract, {"ancestors": ["pkg"], "depth": "0"})
    assert not result.kept
    breakers = result.metadata["cycle_breakers_by_package"]
    assert set(breakers) == {"pkg"}
    assert breakers["pkg"] <= {("pkg.a.x", "pkg.b.y"), ("pkg.b.y", "pkg.a.x")}
    assert len(breakers["pkg"]) == 1
    assert all(isinstance(pair, tuple) and len(pair) == 2 for pair in breakers["pkg"])
    assert "summaries" in result.metadata


def test_options_are_parsed_from_strings() -> None:
    """Booleans and integers go in as strings, as import-linter's TOML reader hands them over."""
    configuration.configure()
    with pytest.raises(InvalidContractOptions):
        ForbiddenContract(
            name="t",
            session_options=SESSION,
            contract_options={
                "source_modules": ["pkg.low"],
                "forbidden_modules": ["pkg.high"],
                "allow_indirect_imports": "maybe",
            },
        )
    options = {"ancestors": ["pkg"], "depth": "0"}
    contract = AcyclicSiblingsContract(name="t", session_options=SESSION, contract_options=options)
    assert contract.depth == 0  # type: ignore[attr-defined]


def test_layers_accept_broken_contract_guidance() -> None:
    result = _run(LayersContract, {"layers": ["pkg.high", "pkg.low"], "broken_contract_guidance": "Because."})
    assert not result.kept


def test_grimp_line_contents_and_matching() -> None:
    graph = _graph()
    (detail,) = graph.get_import_details(importer="pkg.low.model", imported="pkg.util.glue")
    assert detail["line_number"] == 3 and detail["line_contents"] == "import pkg.util.glue"
    # grimp's `**` is one or more segments (ours is zero or more: arch_rules/graph/translate.py rewrites patterns).
    assert "pkg" not in graph.find_matching_modules("pkg.**")
    assert graph.find_shortest_chain("pkg.b", "pkg.a", as_packages=True) == ("pkg.b.y", "pkg.a.x")
