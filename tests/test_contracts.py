"""Graph contracts (ARC201/204/206/207): the translation into import-linter contracts, the in-process run
over a real grimp graph, and the findings it gives, on small projects written to tmp_path.

The cross-check against the real ``lint-imports`` is in tests/test_contracts_lint_imports.py.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import arch_rules
from arch_rules import graph as contracts
from arch_rules.engine.run import Options, prepare
from arch_rules.errors import ConfigError, InternalError
from arch_rules.graph.resolve import Resolver
from arch_rules.model.findings import Finding
from arch_rules.rules import check_graph
from arch_rules.testing import write_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GRAPH = {"ARC201", "ARC204", "ARC206", "ARC207"}

#: A small project: layers web > services > domain, a utils package outside the layers, two independent
#: features, a cycle, a third-party import. Each indirect path is marked.
FILES = {
    "src/app/__init__.py": "",
    "src/app/web/__init__.py": "",
    "src/app/web/views.py": "X = 1\n",
    "src/app/services/__init__.py": "",
    "src/app/services/api.py": "import app.domain.model\n",
    "src/app/domain/__init__.py": "",
    # line 3: domain -> utils.glue -> web.views (ARC201), and utils.net -> requests (ARC204)
    "src/app/domain/model.py": '"""Model."""\n\nimport app.utils.glue\nimport app.utils.net\n',
    "src/app/domain/direct.py": "from app.web import views\n",  # direct: ARC101 only
    "src/app/utils/__init__.py": "",
    "src/app/utils/glue.py": '"""Glue."""\nfrom app.web import views\n',
    "src/app/utils/net.py": "import requests\n",
    "src/app/utils/bus.py": "import app.payments.pay\n",
    "src/app/orders/__init__.py": "",
    "src/app/orders/order.py": "\nimport app.utils.bus\n",  # orders -> utils.bus -> payments (ARC206)
    "src/app/payments/__init__.py": "",
    "src/app/payments/pay.py": "X = 2\n",
    "src/app/cyc/__init__.py": "",
    "src/app/cyc/a.py": "from app.cyc import b\n",
    "src/app/cyc/b.py": "Y = 1\n\n\ndef late():\n    from app.cyc import a\n    return a\n",
}

CONFIG = """
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["app"]
acyclic = ["app.cyc"]
{extra}

[[tool.arch_rules.layers]]
name = "app layers"
order = ["app.web", "app.services", "app.domain"]
because = "Web on top, the domain at the bottom."
{layer_extra}

[[tool.arch_rules.forbid]]
from = ["app.domain"]
import = ["requests", "django.db"]
because = "The domain does no I/O."
{forbid_extra}

[[tool.arch_rules.independent]]
modules = ["app.orders", "app.payments"]
because = "They talk through events."
"""


def write(root: Path, files: dict[str, str], config: str) -> Path:
    return write_project(root, files, textwrap.dedent(config))


def project_at(tmp_path: Path, files: dict[str, str] | None = None, **parts: str) -> Path:
    values = {"extra": "", "layer_extra": "", "forbid_extra": "", **parts}
    return write(tmp_path, FILES if files is None else files, CONFIG.format(**values))


def graph_findings(root: Path, **options: object) -> list[Finding]:
    report = arch_rules.check(root, cache=False, **options)
    return [f for f in report.findings if f.code in GRAPH]


def located(findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.code, f.path, f.line) for f in findings}


# ----------------------------------------------------------------------------------------------------
# translation


def translation(tmp_path: Path, files: dict[str, str] | None = None, **parts: str) -> contracts.Translation:
    root = project_at(tmp_path, files, **parts)
    _config, project = prepare(Options(start=root))
    return contracts.translate(project)


def test_variants_rewrite_zero_or_more_segments() -> None:
    assert contracts.variants("a.b") == ["a.b"]
    assert contracts.variants("a.**") == ["a", "a.**"]
    assert contracts.variants("a.**.b") == ["a.b", "a.**.b"]
    assert contracts.variants("**") == ["**"]
    assert contracts.variants("a.*.c") == ["a.*.c"]


def test_translation_of_the_declaration(tmp_path: Path) -> None:
    result = translation(tmp_path)
    assert result.session == {
        "root_packages": ["app"],
        "include_external_packages": "true",  # requests is a third-party forbidden package
        "exclude_type_checking_imports": "false",
    }
    by_id = {c.id: c for c in result.contracts}
    assert set(by_id) == {"layers-0", "forbid-0", "independent-0", "acyclic"}
    layers = by_id["layers-0"]
    assert layers.type == "layers"
    assert layers.options["layers"] == ["app.web", "app.services", "app.domain"]
    assert layers.options["unmatched_ignore_imports_alerting"] == "none"
    assert layers.options["broken_contract_guidance"] == "Web on top, the domain at the bottom."
    forbid = by_id["forbid-0"]
    # `django.db` is a third-party submodule: not in the graph (docs/configuration.md), left to ARC104.
    assert forbid.options["source_modules"] == ["app.domain"]
    assert forbid.options["forbidden_modules"] == ["requests"]
    assert "allow_indirect_imports" not in forbid.options
    assert by_id["independent-0"].options["modules"] == ["app.orders", "app.payments"]
    assert by_id["acyclic"].options == {"ancestors": ["app.cyc"], "depth": "0"}


def test_translation_of_sibling_levels_optional_and_missing_layers(tmp_path: Path) -> None:
    config = """
    [tool.arch_rules]
    source_roots = ["src"]
    type_checking_imports = "ignore"

    [[tool.arch_rules.layers]]
    order = ["app.web", "app.orders | app.payments", "app.utils : app.cyc", "(app.legacy)", "app.gone"]
    ignore_imports = ["app.utils.** -> app.web", "app.utils.net -> requests.sessions"]
    """
    root = write(tmp_path, FILES, config)
    _config, project = prepare(Options(start=root))
    result = contracts.translate(project)
    assert result.session["exclude_type_checking_imports"] == "true"
    assert result.session["include_external_packages"] == "false"
    (layers,) = result.contracts
    assert layers.options["layers"] == [
        "app.web",
        "app.orders | app.payments",
        "app.utils : app.cyc",
        "(app.legacy)",
        "(app.gone)",  # missing: ARC001 reports it; the graph side must not crash on it
    ]
    # `**` is zero or more segments for us, one or more for grimp; third-party sides compare top-level.
    assert layers.options["ignore_imports"] == [
        "app.utils -> app.web",
        "app.utils.** -> app.web",
        "app.utils.net -> requests",
    ]


def test_translation_of_containers_and_wildcard_layers(tmp_path: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        **{f"src/shop/{f}/__init__.py": "" for f in ("a", "b")},
        **{f"src/shop/{f}/{layer}/__init__.py": "" for f in ("a", "b") for layer in ("web", "domain")},
        "src/shop/a/adapters/__init__.py": "",
        "src/shop/a/web/x/__init__.py": "",
        "src/shop/a/web/y/__init__.py": "",
    }
    config = """
    [tool.arch_rules]
    source_roots = ["src"]

    [[tool.arch_rules.layers]]
    containers = ["shop.*"]
    order = ["web", "domain", "adapters"]

    [[tool.arch_rules.layers]]
    name = "wild"
    order = ["shop.a.web.*", "shop.a.domain"]
    """
    root = write(tmp_path, files, config)
    _config, project = prepare(Options(start=root))
    first, second = contracts.translate(project).contracts
    assert first.options["containers"] == ["shop.a", "shop.b"]
    # adapters exists in shop.a only: optional, so import-linter does not refuse the stack.
    assert first.options["layers"] == ["web", "domain", "(adapters)"]
    assert first.levels["shop.b.domain"] == (1, False)
    assert second.options["layers"] == ["shop.a.web.x : shop.a.web.y", "shop.a.domain"]


def test_nested_layers_are_skipped_with_a_note(tmp_path: Path) -> None:
    config = """
    [tool.arch_rules]
    source_roots = ["src"]

    [[tool.arch_rules.layers]]
    order = ["app.web", "app.utils.glue", "app.utils"]
    """
    root = write(tmp_path, FILES, config)
    _config, project = prepare(Options(start=root))
    result = contracts.translate(project)
    assert result.contracts == []
    assert len(result.notes) == 1 and "app.utils.glue is inside app.utils" in result.notes[0]
    report = arch_rules.check(root, cache=False)
    assert any("nests layers" in note for note in report.notes)


def test_allow_indirect_forbid_has_no_graph_contract(tmp_path: Path) -> None:
    result = translation(tmp_path, forbid_extra="allow_indirect = true")
    assert "forbid-0" not in {c.id for c in result.contracts}
    assert result.session["include_external_packages"] == "false"


def test_render_toml_is_an_import_linter_document(tmp_path: Path) -> None:
    root = project_at(tmp_path, layer_extra='ignore_imports = ["app.utils.glue -> app.web.views"]')
    _config, project = prepare(Options(start=root))
    text = contracts.render_toml(project)
    data = tomllib.loads(text)["tool"]["importlinter"]
    assert data["root_packages"] == ["app"]
    assert data["include_external_packages"] == "true"
    assert data["exclude_type_checking_imports"] == "false"
    kinds = {c["id"]: c["type"] for c in data["contracts"]}
    assert kinds == {
        "layers-0": "layers",
        "forbid-0": "forbidden",
        "independent-0": "independence",
        "acyclic": "acyclic_siblings",
    }
    layers = data["contracts"][0]
    assert layers["name"] == "app layers"
    assert layers["ignore_imports"] == ["app.utils.glue -> app.web.views"]
    assert layers["broken_contract_guidance"] == "Web on top, the domain at the bottom."
    assert "PYTHONPATH=src lint-imports" in text


def test_cli_contracts_prints_the_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from arch_rules.adapters.cli import main

    root = project_at(tmp_path)
    assert main(["contracts", "--config", str(root / "pyproject.toml")]) == 0
    assert tomllib.loads(capsys.readouterr().out)["tool"]["importlinter"]["contracts"]


# ----------------------------------------------------------------------------------------------------
# end to end: real grimp, real import-linter contract classes


def test_layer_chain_is_one_arc201_at_its_first_import(tmp_path: Path) -> None:
    findings = graph_findings(project_at(tmp_path))
    layer = [f for f in findings if f.code == "ARC201"]
    assert len(layer) == 1
    (finding,) = layer
    assert (finding.path, finding.line, finding.column, finding.end_line) == ("src/app/domain/model.py", 3, 1, 3)
    assert (finding.module, finding.imported) == ("app.domain.model", "app.web")  # the declared layer
    assert [(c.importer, c.imported, c.path, c.line) for c in finding.chain] == [
        ("app.domain.model", "app.utils.glue", "src/app/domain/model.py", 3),
        ("app.utils.glue", "app.web.views", "src/app/utils/glue.py", 2),
    ]
    assert "app.domain.model -> app.utils.glue (l.3) -> app.web.views (l.2)" in finding.message
    assert "app layers" in finding.message and "Web on top, the domain at the bottom" in finding.message
    assert "app.domain may not import the higher layer app.web" in finding.message
    assert finding.snippet == "import app.utils.glue"


def test_direct_violations_are_left_to_the_per_file_engine(tmp_path: Path) -> None:
    report = arch_rules.check(project_at(tmp_path), cache=False)
    at_direct = [f for f in report.findings if f.path == "src/app/domain/direct.py"]
    assert [f.code for f in at_direct] == ["ARC101"]  # never also ARC201


def test_forbidden_chain_to_a_third_party_package(tmp_path: Path) -> None:
    (finding,) = [f for f in graph_findings(project_at(tmp_path)) if f.code == "ARC204"]
    assert (finding.path, finding.line) == ("src/app/domain/model.py", 4)
    assert (finding.module, finding.imported, finding.team) == ("app.domain.model", "requests", None)
    assert "app.domain.model -> app.utils.net (l.4) -> requests (l.1)" in finding.message
    assert "The domain does no I/O" in finding.message and "forbid[0]" in finding.message


def test_independence_chain(tmp_path: Path) -> None:
    (finding,) = [f for f in graph_findings(project_at(tmp_path)) if f.code == "ARC206"]
    assert (finding.path, finding.line) == ("src/app/orders/order.py", 2)
    assert [c.imported for c in finding.chain] == ["app.utils.bus", "app.payments.pay"]
    assert finding.imported == "app.payments"
    assert "They talk through events" in finding.message


def test_cycle_is_reported_at_the_nominated_breaker(tmp_path: Path) -> None:
    (finding,) = [f for f in graph_findings(project_at(tmp_path)) if f.code == "ARC207"]
    breaker = (finding.module, finding.imported)
    assert breaker in {("app.cyc.a", "app.cyc.b"), ("app.cyc.b", "app.cyc.a")}
    where = {("app.cyc.a", "app.cyc.b"): ("src/app/cyc/a.py", 1), ("app.cyc.b", "app.cyc.a"): ("src/app/cyc/b.py", 5)}
    assert (finding.path, finding.line) == where[breaker]
    assert "children of app.cyc" in finding.message
    assert len(finding.chain) == 2 and finding.chain[0].importer == finding.module
    assert finding.chain[-1].imported == finding.module  # the chain closes the cycle


def test_ignore_imports_removes_the_chain(tmp_path: Path) -> None:
    root = project_at(tmp_path, layer_extra='ignore_imports = ["app.utils.glue -> app.web.views"]')
    report = arch_rules.check(root, cache=False)
    assert "ARC201" not in {f.code for f in report.findings}
    assert "ARC004" not in {f.code for f in report.findings}  # the exception is used


def test_allow_indirect_reports_direct_imports_only(tmp_path: Path) -> None:
    files = {**FILES, "src/app/domain/io.py": "import requests\n"}
    report = arch_rules.check(project_at(tmp_path, files, forbid_extra="allow_indirect = true"), cache=False)
    codes = located(report.findings)
    assert ("ARC104", "src/app/domain/io.py", 1) in codes
    assert not [c for c in codes if c[0] == "ARC204"]


def test_type_checking_imports_ignored_break_the_chain(tmp_path: Path) -> None:
    guarded = '"""Glue."""\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.web import views\n'
    files = {**FILES, "src/app/utils/glue.py": guarded}
    checked = graph_findings(project_at(tmp_path / "checked", files))
    assert "ARC201" in {f.code for f in checked}
    ignored = graph_findings(project_at(tmp_path / "ignored", files, extra='type_checking_imports = "ignore"'))
    assert "ARC201" not in {f.code for f in ignored}


def test_local_imports_ignored_leave_the_graph(tmp_path: Path) -> None:
    local = '"""Glue."""\n\n\ndef view():\n    from app.web import views\n    return views\n'
    files = {**FILES, "src/app/utils/glue.py": local}
    assert "ARC201" in {f.code for f in graph_findings(project_at(tmp_path / "checked", files))}
    ignored = graph_findings(project_at(tmp_path / "ignored", files, extra='local_imports = "ignore"'))
    assert "ARC201" not in {f.code for f in ignored}
    assert "ARC207" not in {f.code for f in ignored}  # the cycle closes through a local import too


def test_a_broken_file_leaves_the_rest_of_the_graph_checked(tmp_path: Path) -> None:
    files = {**FILES, "src/app/services/broken.py": "def oops(:\n    pass\n"}
    report = arch_rules.check(project_at(tmp_path, files), cache=False)
    codes = located(report.findings)
    assert ("ARC003", "src/app/services/broken.py") in {(c, p) for c, p, _ in codes}
    assert {c for c, _, _ in codes} >= {"ARC201", "ARC204", "ARC206", "ARC207"}
    assert any("do not parse" in n or "does not parse" in n for n in report.notes)


def test_a_file_only_grimp_refuses_is_left_out_too(tmp_path: Path) -> None:
    """Without per-file facts (a direct call), grimp's own syntax error names the file to leave out."""
    files = {**FILES, "src/app/services/broken.py": "def oops(:\n    pass\n"}
    root = project_at(tmp_path, files)
    _config, project = prepare(Options(start=root))
    notes: list[str] = []
    found = check_graph(project, cache=False, notes=notes)
    assert "ARC201" in {f.code for f in found}
    assert any("not parse" in n for n in notes)


def test_the_project_files_are_analysed_not_a_module_of_the_same_name(tmp_path: Path) -> None:
    """A root package named like an imported module (here `json`, in sys.modules and in the stdlib)."""
    files = {
        "src/json/__init__.py": "",
        "src/json/low.py": "import json.mid\n",
        "src/json/mid.py": "import json.high\n",
        "src/json/high.py": "X = 1\n",
    }
    config = """
    [tool.arch_rules]
    source_roots = ["src"]
    root_packages = ["json"]

    [[tool.arch_rules.layers]]
    order = ["json.high", "json.low"]
    """
    import json  # noqa: F401 - make sure it is in sys.modules

    root = write(tmp_path, files, config)
    (finding,) = graph_findings(root)
    assert (finding.code, finding.path, finding.line) == ("ARC201", "src/json/low.py", 1)


def test_no_internal_imports_gives_a_note(tmp_path: Path) -> None:
    files = {"src/app/__init__.py": "", "src/app/web.py": "import os\n", "src/app/domain.py": "X = 1\n"}
    config = """
    [tool.arch_rules]
    source_roots = ["src"]

    [[tool.arch_rules.layers]]
    order = ["app.web", "app.domain"]
    """
    report = arch_rules.check(write(tmp_path, files, config), cache=False)
    assert report.findings == []
    assert any("no module of the project imports another one" in note for note in report.notes)


def test_a_missing_module_in_the_declaration_is_arc001_not_a_crash(tmp_path: Path) -> None:
    config = CONFIG.format(extra="", layer_extra="", forbid_extra="").replace(
        '"app.orders", "app.payments"', '"app.orders", "app.payment", "app.payments"'
    )
    config = config.replace('"app.services", "app.domain"', '"app.services", "app.domian", "app.domain"')
    root = write(tmp_path, FILES, config)
    report = arch_rules.check(root, cache=False)
    codes = {f.code for f in report.findings}
    assert "ARC001" in codes and "ARC201" in codes and "ARC206" in codes


class _DictStore(dict[str, object]):
    """The engine's cache, as the graph sees it: read and write by name."""

    def read(self, name: str) -> object:
        return self.get(name)

    def write(self, name: str, value: object) -> None:
        self[name] = value


def test_the_kept_graph_is_used_and_gives_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grimp.application import scanning

    from arch_rules.facts import extract
    from arch_rules.graph import inputs_from_facts

    root = project_at(tmp_path)
    _config, project = prepare(Options(start=root))
    project.facts = {name: extract(m.path.read_bytes()) for name, m in project.modules.items()}
    store = _DictStore()
    first = check_graph(project, inputs=inputs_from_facts(project, store))
    assert first == check_graph(project, cache=False) and first
    kept = store["graph"]
    assert isinstance(kept, dict) and set(kept["modules"]) == set(project.modules)
    scanned: list[int] = []
    real = scanning.scan_imports

    def counting(module_files: object, **kwargs: object) -> object:
        scanned.append(len(module_files))  # type: ignore[arg-type]
        return real(module_files, **kwargs)  # type: ignore[arg-type]

    resolved: list[str] = []
    resolve = Resolver.imports

    def recording(self: Resolver, name: str, *args: Any) -> Any:
        resolved.append(name)
        return resolve(self, name, *args)

    monkeypatch.setattr(scanning, "scan_imports", counting)
    monkeypatch.setattr(Resolver, "imports", recording)
    assert check_graph(project, inputs=inputs_from_facts(project, store)) == first
    assert scanned == [] and resolved == []  # nothing changed: every module's imports came from the kept graph
    project.hashes = {**project.hashes, project.modules["app.web"].relpath: "f" * 32}
    assert check_graph(project, inputs=inputs_from_facts(project, store)) == first
    # one module's content changed: only its imports are worked out again (from its facts; grimp reads nothing)
    assert resolved == ["app.web"] and scanned == []


def test_notes_survive_the_result_cache(tmp_path: Path) -> None:
    files = {**FILES, "src/app/services/broken.py": "def oops(:\n"}
    root = project_at(tmp_path, files)
    first = arch_rules.check(root)
    second = arch_rules.check(root)
    assert first.notes == second.notes and any("not parse" in n for n in second.notes)


def test_a_contract_import_linter_refuses_is_a_config_error(tmp_path: Path) -> None:
    root = project_at(tmp_path)
    _config, project = prepare(Options(start=root))
    translation = contracts.translate(project)
    graph, _notes = contracts.build_graph(project, translation, cache=False)
    contracts.configure_import_linter()
    bad = contracts.GraphContract(
        id="x", name="x", type="layers", options={"layers": ["app.web", "app.nowhere"]}, key="tool.arch_rules.layers[0]"
    )
    with pytest.raises(ConfigError) as caught:
        contracts.run_contract(bad, translation.session, graph)
    assert "tool.arch_rules.layers[0]" in str(caught.value) and "app.nowhere" in str(caught.value)
    invalid = contracts.GraphContract(
        id="y", name="y", type="forbidden", options={"source_modules": ["app"]}, key="tool.arch_rules.forbid[0]"
    )
    with pytest.raises(ConfigError):
        contracts.run_contract(invalid, translation.session, graph)


def test_a_graph_failure_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grimp.application import scanning

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(scanning, "scan_imports", explode)
    root = project_at(tmp_path)
    _config, project = prepare(Options(start=root))
    with pytest.raises(InternalError) as caught:
        check_graph(project, cache=False)
    assert "boom" in str(caught.value)


def test_grimp_settings_are_restored_after_a_build(tmp_path: Path) -> None:
    from grimp.application.config import settings

    before = (settings.PACKAGE_FINDER, settings.MODULE_FINDER)
    graph_findings(project_at(tmp_path))
    assert (settings.PACKAGE_FINDER, settings.MODULE_FINDER) == before


def test_nothing_is_printed(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    graph_findings(project_at(tmp_path))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_contracts_export_carries_allow_indirect_forbids(tmp_path: Path) -> None:
    """`arch-rules contracts` is the whole architecture: a direct-only forbid becomes a forbidden contract
    with allow_indirect_imports, which the in-process graph leaves to the per-file engine (ARC104)."""
    root = project_at(tmp_path, forbid_extra="allow_indirect = true")
    _config, project = prepare(Options(start=root))
    exported = contracts.render_toml(project)
    assert 'type = "forbidden"' in exported and 'allow_indirect_imports = "true"' in exported
    assert all(c.type != "forbidden" for c in contracts.translate(project).contracts)
