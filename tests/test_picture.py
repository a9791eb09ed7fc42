"""``arch-rules graph``: the dependency picture (arch_rules/picture.py) by team, layer and module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arch_rules.adapters import picture
from arch_rules.adapters.cli import main
from arch_rules.engine.run import Options, run_full
from arch_rules.testing import write_project

PYPROJECT = """\
[tool.arch_rules]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
name = "shop layers"
order = ["shop.web", "shop.domain", "shop.infra"]

[[tool.arch_rules.layers]]
name = "end"
order = ["shop.web", "shop.payments"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
contact = "#payments"

[tool.arch_rules.teams.core]
owns = ["shop.domain", "shop.infra"]
"""

FILES = {
    "shop/__init__.py": '"""Shop."""\n',
    "shop/web/__init__.py": "",
    "shop/web/views.py": "import shop.domain.orders\nfrom shop.payments import api\n",
    "shop/domain/__init__.py": "",
    "shop/domain/orders.py": (
        "import shop.infra.db\nimport requests\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import shop.web.views\n"
    ),
    "shop/infra/__init__.py": "",
    "shop/infra/db.py": "from shop.payments import _gateway\nfrom shop.domain import missing_name\n",
    "shop/payments/__init__.py": "",
    "shop/payments/api.py": "from . import _gateway\n",
    "shop/payments/_gateway.py": "import importlib\nimportlib.import_module('shop.web')\n",
    "shop/legacy.py": "import shop.web\n",
}


def make_project(root: Path, pyproject: str = PYPROJECT) -> Path:
    return write_project(root, FILES, pyproject)


def draw(root: Path, level: str, fmt: str = "mermaid") -> str:
    run = run_full(Options(start=root, cache=False, graph=False))
    return picture.render(run.project, run.report.findings, level=level, fmt=fmt)


def mermaid_edges(text: str) -> dict[tuple[str, str], str]:
    """(source label, target label) -> "" or the violation label, read back from the Mermaid text."""
    labels = dict(re.findall(r'^\s+(n_\w+)\["([^"]*)"\]$', text, re.MULTILINE))
    edges = {}
    for source, label, target in re.findall(r'^    (n_\w+) -\.?->(?:\|"([^"]*)"\|)? (n_\w+)$', text, re.MULTILINE):
        edges[(labels[source], labels[target])] = label
    return edges


def red_links(text: str) -> set[int]:
    match = re.search(r"^    linkStyle ([\d,]+) stroke:red", text, re.MULTILINE)
    return {int(n) for n in match.group(1).split(",")} if match else set()


def assert_valid_mermaid(text: str) -> None:
    """The shape Mermaid's flowchart grammar accepts: a header, nodes, subgraph…end, edges, linkStyle."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    depth = 0
    ids: set[str] = set()
    edges = 0
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("%%"):
            continue
        if m := re.fullmatch(r'subgraph g\d+\["[^"]*"\]', stripped):
            depth += 1
        elif stripped == "end":
            depth -= 1
            assert depth >= 0
        elif m := re.fullmatch(r'(n_\w+)\["[^"]*"\]', stripped):
            assert m.group(1) not in ids, "node ids are unique"
            ids.add(m.group(1))
        elif m := re.fullmatch(r'(n_\w+) -\.?->(?:\|"[^"]*"\|)? (n_\w+)', stripped):
            assert m.group(1) in ids and m.group(2) in ids, "edges join declared nodes"
            edges += 1
        elif m := re.fullmatch(r"linkStyle ([\d,]+) stroke:red\S*", stripped):
            assert all(int(n) < edges for n in m.group(1).split(","))
        else:
            raise AssertionError(f"not Mermaid flowchart syntax: {line!r}")
    assert depth == 0


def test_teams(tmp_path: Path) -> None:
    text = draw(make_project(tmp_path), "teams")
    assert_valid_mermaid(text)
    edges = mermaid_edges(text)
    assert edges == {
        ("core", "payments"): "violates ARC102, ARC105",  # shop.infra.db -> shop.payments._gateway
        ("core", "(no team)"): "violates ARC101",  # TYPE_CHECKING import of shop.web.views (counted)
        ("payments", "(no team)"): "violates ARC101",  # the dynamic import of shop.web
        ("(no team)", "core"): "violates ARC102",  # shop.web.views -> shop.domain.orders (not interface)
        ("(no team)", "payments"): "",  # shop.web.views -> shop.payments.api, the interface
    }
    # linkStyle names the marked edges by their position among the edges.
    order = list(edges)
    assert red_links(text) == {order.index(edge) for edge, label in edges.items() if label}
    assert ("(no team)", "(no team)") not in edges  # shop.legacy -> shop.web stays inside one group


def test_layers_one_subgraph_per_stack_and_violations_marked(tmp_path: Path) -> None:
    text = draw(make_project(tmp_path), "layers")
    assert_valid_mermaid(text)
    assert 'subgraph g0["shop layers"]' in text and 'subgraph g1["end"]' in text
    edges = mermaid_edges(text)
    assert edges[("shop.domain", "shop.web")] == "violates ARC101"
    assert edges[("shop.web", "shop.domain")] == "violates ARC102"  # any finding on the edge marks it
    assert edges[("shop.domain", "shop.infra")] == ""
    assert edges[("shop.infra", "shop.domain")] == "violates ARC101"
    # shop.payments._gateway imports shop.web dynamically: a lower layer of the second stack reaching up.
    assert edges[("shop.payments", "shop.web")] == "violates ARC101"
    assert ("shop.infra", "shop.payments") not in edges  # shop.infra is in no layer of the second stack
    assert edges[("shop.web", "shop.payments")] == ""
    assert len(red_links(text)) == 4


def test_modules_map_from_imports_to_the_nearest_module(tmp_path: Path) -> None:
    text = draw(make_project(tmp_path), "modules")
    assert_valid_mermaid(text)
    edges = mermaid_edges(text)
    # `from shop.domain import missing_name`: the package, since no module shop.domain.missing_name exists
    assert edges[("shop.infra.db", "shop.domain")] == "violates ARC101"
    assert edges[("shop.infra.db", "shop.payments._gateway")] == "violates ARC102, ARC105"
    assert edges[("shop.payments.api", "shop.payments._gateway")] == ""
    assert not any("requests" in a or "requests" in b for a, b in edges)  # first-party only
    assert not any(a == b for a, b in edges)


def test_import_kinds_the_configuration_ignores_are_left_out(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        PYPROJECT.replace(
            'root_packages = ["shop"]',
            'root_packages = ["shop"]\ntype_checking_imports = "ignore"\ndynamic_imports = "ignore"',
        ),
    )
    edges = mermaid_edges(draw(root, "modules"))
    assert ("shop.domain.orders", "shop.web.views") not in edges
    assert ("shop.payments._gateway", "shop.web") not in edges
    assert ("shop.domain.orders", "shop.infra.db") in edges


def test_dot(tmp_path: Path) -> None:
    text = draw(make_project(tmp_path), "layers", fmt="dot")
    lines = text.splitlines()
    assert lines[0] == "digraph arch_rules {" and lines[-1] == "}"
    assert text.count("{") == text.count("}")
    assert "subgraph cluster_0 {" in text and 'label="shop layers";' in text
    assert re.search(r'^    n_0_shop_domain -> n_0_shop_web \[color=red.*label="violates ARC101"\];$', text, re.M)
    assert re.search(r"^    n_0_shop_domain -> n_0_shop_infra;$", text, re.M)


def test_dot_parses(tmp_path: Path) -> None:
    """A real dot parser (pydot's grammar, no Graphviz binary needed) reads the output back."""
    pydot = pytest.importorskip("pydot")
    root = make_project(tmp_path)
    for level in picture.LEVELS:
        text = draw(root, level, fmt="dot")
        (graph,) = pydot.graph_from_dot_data(text)
        edges = graph.get_edges() + [e for s in graph.get_subgraphs() for e in s.get_edges()]
        red = [e for e in edges if e.get("color") == "red"]
        assert red, level
        assert all('"violates ARC' in e.get("label") for e in red)


def test_labels_are_quoted_and_ids_sanitised(tmp_path: Path) -> None:
    graph = picture.Graph()
    graph.node('we"ird', 'we"ird', 'stack "x"')
    graph.node("end", "end", 'stack "x"')
    graph.node("a.b", "a.b")
    graph.node("a_b", "a_b")
    graph.edge('we"ird', "end")
    graph.mark('we"ird', "end", "ARC101")
    text = picture.mermaid(graph, "modules")
    assert_valid_mermaid(text)
    assert 'n_we_ird["we#quot;ird"]' in text and "n_end[" in text
    assert 'n_a_b["a.b"]' in text and 'n_a_b_2["a_b"]' in text
    dot = picture.dot(graph, "modules")
    assert 'label="we\\"ird"' in dot and 'label="stack \\"x\\""' in dot


def test_output_is_deterministic(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert draw(root, "modules") == draw(root, "modules")
    assert draw(root, "teams", "dot") == draw(root, "teams", "dot")


def test_no_layers_declared_gives_an_empty_but_valid_picture(tmp_path: Path) -> None:
    root = make_project(tmp_path, '[tool.arch_rules]\nroot_packages = ["shop"]\n')
    text = draw(root, "layers")
    assert_valid_mermaid(text)
    assert "-->" not in text


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    assert main(["graph"]) == 0  # teams, mermaid by default; findings do not change the exit code
    out = capsys.readouterr().out
    assert out.startswith("flowchart LR\n") and '"core"' in out
    assert main(["graph", "--level", "modules", "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph arch_rules {")
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", "--level", "galaxies"])
    assert exit_info.value.code == 2


def test_cli_without_configuration_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["graph"]) == 2
    assert "arch-rules init" in capsys.readouterr().err


def test_unknown_level_or_format_is_refused(tmp_path: Path) -> None:
    run = run_full(Options(start=make_project(tmp_path), cache=False, graph=False))
    with pytest.raises(ValueError):
        picture.render(run.project, [], level="galaxies")
    with pytest.raises(ValueError):
        picture.render(run.project, [], fmt="svg")


def test_layers_draw_indirect_violations(tmp_path: Path) -> None:
    """ARC201: shop.domain reaches shop.web through shop.util, which is in no layer: a dotted red edge."""
    files = {
        "shop/__init__.py": "",
        "shop/web/__init__.py": "",
        "shop/web/views.py": "X = 1\n",
        "shop/util.py": "from shop.web import views\n",
        "shop/domain/__init__.py": "",
        "shop/domain/orders.py": "from shop import util\n",
    }
    config = '[tool.arch_rules]\nroot_packages = ["shop"]\n\n[[tool.arch_rules.layers]]\n'
    config += 'order = ["shop.web", "shop.domain"]\n'
    root = write_project(tmp_path, files, config)
    run = run_full(Options(start=root, cache=False))
    assert any(f.code == "ARC201" for f in run.report.findings)
    text = picture.render(run.project, run.report.findings, level="layers")
    assert_valid_mermaid(text)
    assert mermaid_edges(text)[("shop.domain", "shop.web")] == "violates ARC201 (indirect)"
    assert re.search(r"^    n_\w*shop_domain -\.->", text, re.MULTILINE)
    assert red_links(text)
    dot_text = picture.render(run.project, run.report.findings, level="layers", fmt="dot")
    assert "style=dashed" in dot_text and "violates ARC201 (indirect)" in dot_text


def test_focus_on_a_package_or_a_team(tmp_path: Path) -> None:
    run = run_full(Options(start=make_project(tmp_path), cache=False, graph=False))
    by_package = picture.render(run.project, run.report.findings, level="modules", focus="shop.payments")
    assert_valid_mermaid(by_package)
    edges = mermaid_edges(by_package)
    assert edges and all("shop.payments" in a or "shop.payments" in b for a, b in edges)
    assert ("shop.web.views", "shop.payments.api") in edges and ("shop.domain.orders", "shop.infra.db") not in edges
    by_team = picture.render(run.project, run.report.findings, level="modules", focus="payments")
    assert mermaid_edges(by_team) == edges
    with pytest.raises(ValueError, match="--focus shop.nothing: no team and no module"):
        picture.render(run.project, run.report.findings, level="modules", focus="shop.nothing")


def test_cli_focus_unknown_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    assert main(["graph", "--level", "modules", "--focus", "shop.nothing"]) == 2
    assert "--focus shop.nothing" in capsys.readouterr().err


def test_more_edges_than_mermaid_draws_are_folded_into_packages(tmp_path: Path) -> None:
    files = {"shop/__init__.py": ""}
    for i in range(26):
        files[f"shop/p{i}/__init__.py"] = ""
        for j in range(22):
            files[f"shop/p{i}/m{j}.py"] = f"from shop.p{(i + 1) % 26} import m{j}\n"
    root = write_project(tmp_path, files, '[tool.arch_rules]\nroot_packages = ["shop"]\n')
    run = run_full(Options(start=root, cache=False, graph=False))
    notes: list[str] = []
    text = picture.render(run.project, run.report.findings, level="modules", notes=notes)
    assert_valid_mermaid(text)
    edges = mermaid_edges(text)
    assert len(edges) == 26 and ("shop.p0", "shop.p1") in edges
    assert notes and "572 module imports" in notes[0] and "depth 2" in notes[0]
    assert f"%% note: {notes[0]}" in text
