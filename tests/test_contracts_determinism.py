"""The graph findings (ARC201/204/206/207) are the same on every run (docs/output.md: output is deterministic).

grimp breaks ties between equally short chains by the order it built the graph in, which changes from
process to process: lint-imports' own report on the projects below differs from run to run. arch-rules
keeps import-linter's broken pairs but picks each chain itself: grimp's procedure, with the least chain
in module-name order among the shortest (arch_rules/graph/chains.py, ``Search``).

The projects here are built so that grimp's choice is a coin toss several times over: six separate ties
for one layer pair (and the same for a forbid and an independence), and a ring of cycles whose ways
back tie. Asserting the one canonical answer for every tie cannot pass by luck.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import arch_rules
from arch_rules import graph as contracts
from arch_rules.model.findings import Finding
from arch_rules.rules import all_rules
from arch_rules.rules.rule import GraphRule
from tests.test_contracts import write

#: The graph rule's code per import-linter contract type.
GRAPH_CODES = {r.contract_type: r.code for r in all_rules().values() if isinstance(r, GraphRule)}

TIES = 6

CONFIG = """
[tool.arch_rules]
source_roots = ["src"]
acyclic = ["app.cyc"]

[[tool.arch_rules.layers]]
order = ["app.high", "app.low"]

[[tool.arch_rules.forbid]]
from = ["app.low"]
import = ["app.high"]

[[tool.arch_rules.independent]]
modules = ["app.low", "app.high"]
"""


def tie_files() -> dict[str, str]:
    """For each k, two heads in app.low reach app.high through two middles that meet at one hub:

        app.low.k<k>_a -> app.mid.k<k>_m1 -> app.mid.k<k>_hub -> app.high.k<k>_x
        app.low.k<k>_b -> app.mid.k<k>_m2 -> app.mid.k<k>_hub -> app.high.k<k>_x

    (for even k, ``a`` goes through m2 and ``b`` through m1). Equally short; once one is taken, the hub's
    import is set aside and the other is gone, so one head per k is reported. The canonical one is
    ``a``. Plus a ring of eight modules in app.cyc, each importing the next and the third next, whose
    cycles have several equally short ways back.
    """
    files = {f"src/app/{p}__init__.py": "" for p in ("", "low/", "mid/", "high/", "cyc/")}
    for k in range(1, TIES + 1):
        first, second = ("m1", "m2") if k % 2 else ("m2", "m1")
        files[f"src/app/low/k{k}_a.py"] = f'"""Head a."""\n\nimport app.mid.k{k}_{first}\n'
        files[f"src/app/low/k{k}_b.py"] = f'"""Head b."""\nimport app.mid.k{k}_{second}\n'
        files[f"src/app/mid/k{k}_m1.py"] = f"import app.mid.k{k}_hub\n"
        files[f"src/app/mid/k{k}_m2.py"] = f"import app.mid.k{k}_hub\n"
        files[f"src/app/mid/k{k}_hub.py"] = f"import app.high.k{k}_x\n"
        files[f"src/app/high/k{k}_x.py"] = "X = 1\n"
    for i in range(8):
        files[f"src/app/cyc/c{i}.py"] = f"import app.cyc.c{(i + 1) % 8}\nimport app.cyc.c{(i + 3) % 8}\n"
    return files


@pytest.fixture
def tied(tmp_path: Path) -> Path:
    return write(tmp_path, tie_files(), CONFIG)


def _chain(finding: Finding) -> tuple[str, ...]:
    return (finding.chain[0].importer, *(link.imported for link in finding.chain))


def test_equally_short_chains_give_the_least_one(tied: Path) -> None:
    findings = arch_rules.check(tied, cache=False).findings
    for code in ("ARC201", "ARC204", "ARC206"):
        got = {(f.path, f.line, _chain(f)) for f in findings if f.code == code}
        want = set()
        for k in range(1, TIES + 1):
            middle = f"app.mid.k{k}_{'m1' if k % 2 else 'm2'}"
            chain = (f"app.low.k{k}_a", middle, f"app.mid.k{k}_hub", f"app.high.k{k}_x")
            want.add((f"src/app/low/k{k}_a.py", 3, chain))
        assert got == want, code
    for finding in findings:
        if finding.code in {"ARC201", "ARC204", "ARC206"}:
            assert finding.imported == "app.high" and finding.snippet.startswith("import app.mid.")
            assert " -> ".join(_chain(finding)[:2]) in finding.message


def test_the_way_back_of_a_cycle_is_the_least_shortest_one(tied: Path) -> None:
    cycles = {(f.module, f.imported): f for f in arch_rules.check(tied, cache=False).findings if f.code == "ARC207"}
    assert cycles, "the ring has no cycle breakers"
    # c5 -> c0 closes a cycle; back from c0 to c5 three imports long: c0-c1-c2-c5, c0-c1-c4-c5, c0-c3-c4-c5.
    finding = cycles[("app.cyc.c5", "app.cyc.c0")]
    back = [(link.importer, link.imported) for link in finding.chain[1:]]
    assert back == [("app.cyc.c0", "app.cyc.c1"), ("app.cyc.c1", "app.cyc.c2"), ("app.cyc.c2", "app.cyc.c5")]
    for found in cycles.values():  # every way back is a shortest one, and it closes the cycle
        assert found.chain[1].importer == found.imported and found.chain[-1].imported == found.module


_DUMP = """
import dataclasses, json, sys
import arch_rules
report = arch_rules.check(sys.argv[1], cache=False)
print(json.dumps([{**dataclasses.asdict(f), "fingerprint": f.fingerprint} for f in report.findings], indent=1))
"""


@pytest.mark.slow
def test_the_same_findings_whatever_the_hash_seed(tied: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DUMP, str(tied)], env=env, capture_output=True, text=True, timeout=120, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    (output,) = outputs
    codes = [f["code"] for f in json.loads(output)]
    assert all(codes.count(code) == TIES for code in ("ARC201", "ARC204", "ARC206")) and "ARC207" in codes


@pytest.mark.slow
def test_lint_imports_breaks_the_same_pairs_with_chains_as_short(tied: Path) -> None:
    """The cross-check in test_contracts_lint_imports.py compares exact chains, which holds where there is
    no tie. Here lint-imports' chains depend on its run: compare what does not, per contract and per
    module reached: how many chains, and how long."""
    from tests.test_contracts_lint_imports import parse_report, run_lint_imports

    data, output = run_lint_imports(tied)
    kinds = {c["name"]: c["type"] for c in data["contracts"]}
    broken = parse_report(output, set(kinds))
    findings = arch_rules.check(tied, cache=False).findings
    for name, kind in kinds.items():
        if kind == "acyclic_siblings":
            continue
        theirs = sorted(
            (chain["rest"][-1][1], len(chain["rest"]) + 1, len(chain["heads"])) for chain in broken[name]["chains"]
        )
        ours = sorted((f.chain[-1].imported, len(f.chain), 1) for f in findings if f.code == GRAPH_CODES[kind])
        assert ours == theirs, name
        assert len(ours) == TIES


# ----------------------------------------------------------------------------------------------------
# the search itself, on graphs built in code


def _graph(imports: list[tuple[str, str]], *modules: str) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for name in sorted({*modules, *(m for pair in imports for m in pair)}):
        graph.add_module(name)
    for line, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(importer=importer, imported=imported, line_number=line, line_contents=f"import {imported}")
    return graph


def test_search_sets_each_chain_aside_like_grimp() -> None:
    # No ties: grimp's own find_shortest_chains has one answer, and the search gives the same.
    imports = [("s.a", "m1"), ("s.b", "m2"), ("m1", "m2"), ("m2", "f.x"), ("s.c", "m3"), ("m3", "f.y")]
    graph = _graph(imports, "s", "f")
    search = contracts.Search(graph)
    ours = search.routes(search.package("s"), search.package("f"), frozenset())
    assert set(ours) == set(graph.find_shortest_chains("s", "f")) == {("s.b", "m2", "f.x"), ("s.c", "m3", "f.y")}


def test_search_takes_the_least_shortest_chain_and_avoids_blocked_modules() -> None:
    imports = [("s.a", "z"), ("s.a", "b"), ("z", "t"), ("b", "t"), ("s.a", "c"), ("c", "d"), ("d", "t")]
    search = contracts.Search(_graph(imports, "s"))
    sources, targets = search.package("s"), frozenset({"t"})
    assert search.shortest(sources, targets) == ("s.a", "b", "t")
    assert search.shortest(sources, targets, blocked=frozenset({"b"})) == ("s.a", "z", "t")
    assert search.shortest(sources, targets, blocked=frozenset({"b", "z"})) == ("s.a", "c", "d", "t")
    assert search.shortest(sources, targets, removed={("s.a", "b"), ("s.a", "z")}) == ("s.a", "c", "d", "t")
    assert search.shortest(sources, targets, blocked=frozenset({"b", "z", "c"})) is None
    assert search.package("s") == {"s", "s.a"} and search.package("nowhere") == frozenset()
    assert search.links(("s.a", "b", "t")) == [
        {"importer": "s.a", "imported": "b", "line_numbers": (2,)},
        {"importer": "b", "imported": "t", "line_numbers": (4,)},
    ]
