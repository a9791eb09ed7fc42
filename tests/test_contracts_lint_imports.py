"""Cross-check with the real ``lint-imports``: the contracts ``arch-rules contracts`` prints, run by
import-linter's own CLI, break on exactly the chains behind arch-rules' findings.

Every chain lint-imports lists is either a single import (then the per-file engine reports it: ARC101,
ARC104 or ARC106 at that file and line) or a chain of two or more (then arch-rules reports ARC201, ARC204 or
ARC206 at its first import, with the same links and lines). Every ARC2xx finding is one of those chains.
Cycles (ARC207) are compared as lint-imports summarises them: package, child pair and number of imports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import arch_rules
from arch_rules import graph as contracts
from arch_rules.engine.run import Options, prepare
from arch_rules.rules import all_rules
from arch_rules.rules.rule import GraphRule
from tests.test_contracts import FILES, project_at
from tests.tools import script

#: The graph rule's code per import-linter contract type.
GRAPH_CODES = {r.contract_type: r.code for r in all_rules().values() if isinstance(r, GraphRule)}

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example"
LINT_IMPORTS = script("lint-imports")
DIRECT = {"layers": "ARC101", "forbidden": "ARC104", "independence": "ARC106"}

Link = tuple[str, str, int]  # importer, imported, first line
Chain = tuple[Link, ...]


def run_lint_imports(root: Path) -> tuple[dict, str]:
    """Write the generated TOML, run lint-imports on it, return (the TOML data, its output)."""
    assert LINT_IMPORTS, "lint-imports is not installed"
    _config, project = prepare(Options(start=root))
    text = contracts.render_toml(project)
    config = root / "importlinter.toml"
    config.write_text(text, encoding="utf-8")
    roots = os.pathsep.join(str(root / r) for r in project.config.source_roots)
    env = {**os.environ, "PYTHONPATH": roots, "COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [LINT_IMPORTS, str(config), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Could not" not in done.stdout + done.stderr, done.stdout + done.stderr
    return tomllib.loads(text)["tool"]["importlinter"], done.stdout


_LINES = r"\((?P<lines>l\.[^)]*)\)"
_LINK = re.compile(rf"^(?P<importer>[\w.]+) -> (?P<imported>[\w.]+) {_LINES}$")
_HEAD = re.compile(rf"^(?P<importer>[\w.]+) {_LINES}$")
_AMP_LINK = re.compile(rf"^& (?P<importer>[\w.]+) -> (?P<imported>[\w.]+) {_LINES}$")
_AMP = re.compile(rf"^& (?P<module>[\w.]+) {_LINES}$")
_CYCLE = re.compile(r"^- \.(?P<down>\w+) -> \.(?P<up>\w+) \((?P<count>\d+) imports?\)$")


def _first_line(text: str) -> int:
    return min(int(n) for n in re.findall(r"l\.(\d+)", text))


def parse_report(output: str, names: set[str]) -> dict[str, dict]:
    """Per broken contract name: its chains as {"heads": [(importer, line)], "rest": Chain, "direct": bool}
    and, for acyclic contracts, cycle summaries (package, down child, up child, count)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Broken contracts")
    result: dict[str, dict] = {}
    current: dict | None = None
    block: list[str] = []
    package = ""

    def close() -> None:
        if current is not None and block:
            current["chains"].append(_parse_block(block))
        block.clear()

    for index in range(start + 2, len(lines)):
        line = lines[index].rstrip()
        below = lines[index + 1].rstrip() if index + 1 < len(lines) else ""
        if line in names and below and set(below) == {"-"}:
            close()
            current = result.setdefault(line, {"chains": [], "cycles": []})
            continue
        if current is None or (line and set(line) == {"-"}):
            continue
        if m := re.match(r"^No cycles are allowed in ([\w.]+)\.$", line):
            package = m.group(1)
        elif m := _CYCLE.match(line):
            current["cycles"].append((package, f"{package}.{m['down']}", f"{package}.{m['up']}", int(m["count"])))
        elif line.startswith("- "):
            close()
            block.append(line[2:].strip())
        elif line.startswith("  ") and block:
            block.append(line.strip())
        elif not line.strip():
            close()
    close()
    return result


def _parse_block(block: list[str]) -> dict:
    heads: list[tuple[str, int]] = []
    pending: list[tuple[str, int]] = []
    links: list[Link] = []
    for item in block:
        if m := _LINK.match(item):
            if not links and not heads and not pending:
                heads.append((m["importer"], _first_line(m["lines"])))
            links.append((m["importer"], m["imported"], _first_line(m["lines"])))
        elif m := _HEAD.match(item):
            pending.append((m["importer"], _first_line(m["lines"])))
        elif m := _AMP_LINK.match(item):
            pending.append((m["importer"], _first_line(m["lines"])))
            heads.extend(pending)
            links.append((pending[0][0], m["imported"], pending[0][1]))
            pending = []
        elif _AMP.match(item):
            assert links, f"unexpected line in a chain: {item!r}"  # an extra last import: not a chain start
        else:
            raise AssertionError(f"cannot read lint-imports chain line {item!r}")
    return {"heads": heads, "rest": tuple(links[1:]), "direct": len(links) == 1}


def cross_check(root: Path) -> None:
    data, output = run_lint_imports(root)
    kinds = {c["name"]: c["type"] for c in data["contracts"]}
    broken = parse_report(output, set(kinds)) if "Broken contracts" in output else {}
    report = arch_rules.check(root, cache=False)
    _config, project = prepare(Options(start=root))
    path_of = {name: m.relpath for name, m in project.modules.items()}

    direct_positions = {(f.code, f.path, f.line) for f in report.findings}
    expected_chains: set[tuple[str, str, int, Chain]] = set()
    expected_cycles: Counter[tuple[str, str, str]] = Counter()
    for name, found in broken.items():
        kind = kinds[name]
        for chain in found["chains"]:
            for importer, line in chain["heads"]:
                if chain["direct"]:
                    want = (DIRECT[kind], path_of[importer], line)
                    assert want in direct_positions, f"{name}: lint-imports' direct import {want} has no ARC1xx"
                else:
                    expected_chains.add((GRAPH_CODES[kind], importer, line, chain["rest"]))
        for package, down, up, count in found["cycles"]:
            expected_cycles[(package, down, up)] += count

    got_chains = {
        (f.code, f.module, f.line, tuple((c.importer, c.imported, c.line) for c in f.chain[1:]))
        for f in report.findings
        if f.code in {"ARC201", "ARC204", "ARC206"}
    }
    assert got_chains == expected_chains

    ancestors = [a for c in data["contracts"] if c["type"] == "acyclic_siblings" for a in c["ancestors"]]
    got_cycles: Counter[tuple[str, str, str]] = Counter()
    for f in report.findings:
        if f.code == "ARC207":
            assert f.module and f.imported
            package = max((a for a in ancestors if f.module.startswith(a + ".")), key=len)
            depth = len(package.split(".")) + 1
            got_cycles[(package, ".".join(f.module.split(".")[:depth]), ".".join(f.imported.split(".")[:depth]))] += 1
    assert got_cycles == expected_cycles
    assert expected_chains or expected_cycles, "the cross-check compared nothing"


def test_cross_check_small_project(tmp_path: Path) -> None:
    files = {
        **FILES,
        # A second head into the same middle module (lint-imports shows it as "& ..."), and a second
        # path to the third-party package.
        "src/app/domain/rules.py": "\n\nimport app.utils.glue\n",
        "src/app/domain/io.py": "import requests\n",
        "src/app/cyc/c.py": "import app.cyc.a\n",
        "src/app/cyc/d.py": "import app.cyc.c\nimport app.cyc.b\n",
        "src/app/cyc/b.py": "import app.cyc.d\n",
    }
    cross_check(project_at(tmp_path, files))


def test_cross_check_with_ignores_and_containers(tmp_path: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        **{f"src/shop/{f}/__init__.py": "" for f in ("a", "b", "common")},
        **{f"src/shop/{f}/{layer}/__init__.py": "" for f in ("a", "b") for layer in ("web", "domain")},
        "src/shop/a/web/page.py": "X = 1\n",
        "src/shop/a/domain/model.py": "import shop.common.helpers\nimport shop.common.other\n",
        "src/shop/b/domain/model.py": "import shop.common.other\n",
        "src/shop/common/helpers.py": "import shop.a.web.page\n",
        "src/shop/common/other.py": "import shop.b.web\nimport shop.a.web.page\n",
    }
    config = """
    [tool.arch_rules]
    source_roots = ["src"]

    [[tool.arch_rules.layers]]
    containers = ["shop.*"]
    order = ["web", "domain"]
    ignore_imports = ["shop.common.** -> shop.b.web"]
    """
    from tests.test_contracts import write

    root = write(tmp_path, files, config)
    cross_check(root)
    assert [f.code for f in arch_rules.check(root, cache=False).findings].count("ARC201") == 2


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="fixtures/example is absent")
def test_cross_check_example_project(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".arch_rules_cache", "__pycache__"))
    # lint-imports stops at a file that does not parse; arch-rules leaves it out (ARC003). Compare both
    # on the files that parse.
    for finding in arch_rules.check(root, cache=False).findings:
        if finding.code == "ARC003":
            (root / finding.path).unlink()
    cross_check(root)
