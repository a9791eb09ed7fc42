"""Edits that change imports, run after run with the cache: each run reports exactly what a ``--no-cache`` run
of the same files does (findings with every field, and notes), while the kept graph and the kept
per-module results take the place of a rebuild (docs/performance.md).

The project has every kind of whole-project finding an import edit can change: layer chains (ARC201),
forbidden chains (ARC204), independence chains (ARC206), cycles (ARC207), an unused ``ignore_imports``
entry (ARC004), a missing module in the declaration (ARC001), uncounted local imports and a file that does
not parse (both left out of the graph).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import arch_rules
from arch_rules.engine import store
from arch_rules.testing import write_project

CONFIG = """\
[project]
name = "shop"

[tool.arch_rules]
root_packages = ["shop"]
local_imports = "ignore"
acyclic = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.services", "shop.domain"]
ignore_imports = ["shop.domain.legacy -> shop.services.mail", "shop.domain.old -> shop.web"]

[[tool.arch_rules.forbid]]
from = ["shop.domain"]
import = ["shop.web.views"]

[[tool.arch_rules.independent]]
modules = ["shop.orders", "shop.payments"]
"""

FILES = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/web/__init__.py": "",
    "shop/web/views.py": '"""Views."""\nfrom shop.services import mail\n',
    "shop/services/__init__.py": "",
    "shop/services/mail.py": '"""Mail."""\nfrom shop.domain import model\n',
    "shop/services/glue.py": '"""Glue."""\nimport shop.web.views\n',
    "shop/domain/__init__.py": "",
    "shop/domain/model.py": '"""Model."""\nimport os\n',
    "shop/domain/legacy.py": '"""Legacy."""\nfrom shop.services import mail\n',
    "shop/domain/broken.py": "def oops(:\n",
    "shop/orders/__init__.py": "",
    "shop/orders/cart.py": '"""Cart."""\nfrom shop.domain import model\n',
    "shop/payments/__init__.py": "",
    "shop/payments/card.py": '"""Card."""\nfrom shop.services import glue\n',
    "shop/utils/__init__.py": "",
    "shop/utils/hop.py": '"""Hop."""\nimport shop.web.views\nimport shop.payments.card\n',
}


def everything(root: Path, **options: object) -> tuple[list[arch_rules.Finding], list[str]]:
    report = arch_rules.check(root, **options)
    return list(report.findings), sorted(report.notes)


def same_as_no_cache(root: Path) -> list[arch_rules.Finding]:
    cached = everything(root)
    assert cached == everything(root, cache=False)
    assert everything(root) == cached  # and the run after, from what that run wrote
    return cached[0]


def edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    # an import added: a domain module now reaches the web layer (ARC201, ARC204) and orders reach
    # payments (ARC206), through a module outside the layers
    ("import added", lambda root: edit(root, "shop/domain/model.py", lambda t: t + "import shop.utils.hop\n")),
    # the same import moved down a line: graph findings carry line numbers
    (
        "lines above an import",
        lambda root: edit(root, "shop/domain/model.py", lambda t: t.replace("import os\n", "import os\n\n")),
    ),
    # an import removed: the chains through it go
    (
        "import removed",
        lambda root: edit(root, "shop/services/glue.py", lambda t: t.replace("import shop.web.views\n", "")),
    ),
    # the ignored import goes: its ignore_imports entry becomes unused (ARC004)
    ("ignored import removed", lambda root: edit(root, "shop/domain/legacy.py", lambda t: '"""Legacy."""\n')),
    # a local import (not counted) and a cycle between two children of shop (ARC207)
    (
        "local import and a cycle",
        lambda root: edit(
            root,
            "shop/domain/model.py",
            lambda t: t + "import shop.orders.cart\n\ndef f():\n    import shop.web.views\n",
        ),
    ),
    # a new module, imported by an unchanged module's existing import (`from shop.services import extra`)
    ("new module", lambda root: (root / "shop/services/extra.py").write_text('"""Extra."""\nimport shop.web.views\n')),
    # a module renamed: its importers now import a module that does not exist
    ("module renamed", lambda root: (root / "shop/services/mail.py").rename(root / "shop/services/post.py")),
    # a module deleted
    ("module deleted", lambda root: (root / "shop/orders/cart.py").unlink()),
    # the broken file fixed: it joins the graph with its imports
    ("file fixed", lambda root: (root / "shop/domain/broken.py").write_text("import shop.web.views\n")),
    # a file broken: it leaves the graph
    ("file broken", lambda root: edit(root, "shop/web/views.py", lambda t: t + "def oops(:\n")),
    # a file without imports broken: its import facts stay the same (none), yet it leaves the graph too
    ("file without imports broken", lambda root: (root / "shop/orders/__init__.py").write_text("def oops(:\n")),
]


def test_every_import_edit_reports_what_a_run_without_the_cache_does(tmp_path: Path) -> None:
    files = dict(FILES)
    files["shop/services/__init__.py"] = "from shop.services import extra\n"  # resolves once extra exists
    root = write_project(tmp_path, files, CONFIG)
    seen = {f.code for f in same_as_no_cache(root)}
    for _name, step in STEPS:
        step(root)
        seen.update(f.code for f in same_as_no_cache(root))
    assert {"ARC004", "ARC201", "ARC204", "ARC206", "ARC207", "ARC003"} <= seen


def test_an_import_edit_loads_only_the_facts_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The graph and ARC004 read what each module's kept result holds, not every module's facts."""
    root = write_project(tmp_path, FILES, CONFIG)
    same_as_no_cache(root)
    asked: set[str] = set()
    original = store.FactStore.prefetch

    def recording(self: store.FactStore, names: object) -> None:
        names = list(names)  # type: ignore[call-overload]
        asked.update(names)
        original(self, names)

    monkeypatch.setattr(store.FactStore, "prefetch", recording)
    from grimp.application import scanning, usecases

    walks: list[int] = []
    scans: list[int] = []
    real_find, real_scan = usecases._find_packages, scanning.scan_imports
    monkeypatch.setattr(usecases, "_find_packages", lambda **kw: walks.append(1) or real_find(**kw))
    monkeypatch.setattr(
        scanning, "scan_imports", lambda files, **kw: scans.append(len(files)) or real_scan(files, **kw)
    )
    edit(root, "shop/orders/cart.py", lambda t: t + "import json\n")
    before, _notes = everything(root)
    # no folder walked again, no file scanned by grimp (the edited file's imports come from its facts)
    assert walks == [] and scans == []
    # the edited module, at most the modules whose imports make up a reported chain (to locate them)
    heads = {link.importer for f in before if f.code.startswith("ARC2") for link in f.chain}
    heads |= {f.module for f in before if f.code.startswith("ARC2")}
    # ...and `shop.domain`, which the per-file rules look up for `from shop.domain import model`
    assert "shop.orders.cart" in asked and asked <= {"shop.orders.cart", "shop.domain", *heads}
    assert len(asked) < len(FILES) // 2
    monkeypatch.undo()
    assert (before, _notes) == everything(root, cache=False)


def test_arc001_is_kept_while_the_module_set_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = CONFIG.replace('modules = ["shop.orders", "shop.payments"]', 'modules = ["shop.orders", "shop.paymnts"]')
    root = write_project(tmp_path, FILES, config)
    assert any(f.code == "ARC001" for f in same_as_no_cache(root))
    from arch_rules import rules

    calls: list[object] = []
    original = rules.check_project

    def counting(project: object, **kwargs: object) -> object:
        calls.append(kwargs.get("imports"))
        return original(project, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "check_project", counting)
    edit(root, "shop/orders/cart.py", lambda t: t + "import json\n")
    found, notes = everything(root)
    assert calls == [True]  # ARC004 again (imports changed); ARC001 from the kept result
    (root / "shop/orders/extra.py").write_text('"""Extra."""\n')
    everything(root)
    assert calls == [True, False, True]  # a new module: the declaration is checked against it again
    monkeypatch.undo()
    assert everything(root) == everything(root, cache=False)
    assert (found, notes) != ([], [])


def test_an_import_edit_undone_takes_the_graph_findings_of_the_run_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-project part of recent runs is kept by its key (the context and every module's imports):
    back to imports a recent run had, the graph is not built or checked again, and the findings are those
    of a run without the cache."""
    root = write_project(tmp_path, FILES, CONFIG)
    original = same_as_no_cache(root)
    model = (root / "shop/domain/model.py").read_text(encoding="utf-8")
    edit(root, "shop/domain/model.py", lambda t: t + "import shop.utils.hop\n")
    changed = same_as_no_cache(root)
    assert {f.code for f in changed} - {f.code for f in original}  # the edit made new graph findings
    from arch_rules import rules

    checked: list[int] = []
    real = rules.check_graph
    monkeypatch.setattr(rules, "check_graph", lambda *a, **kw: checked.append(1) or real(*a, **kw))
    (root / "shop/domain/model.py").write_text(model, encoding="utf-8")
    undone, notes = everything(root)
    assert checked == []
    assert undone == original
    monkeypatch.undo()
    assert (undone, notes) == everything(root, cache=False)


LEFT_OUT_CONFIG = """\
[tool.arch_rules]
root_packages = ["shop"]
exclude = ["shop/gen.py"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]
"""


def left_out_notes(root: Path, **options: object) -> list[str]:
    return [note for note in arch_rules.check(root, **options).notes if "excluded or gitignored" in note]


def test_the_left_out_note_follows_the_disk_and_runs_without_the_graph(tmp_path: Path) -> None:
    """Whether an excluded module the code imports exists is a fact of the disk, not of any file's content:
    a cached run says what a run without the cache says when it appears, goes, and after a --no-graph run
    (which works out no module's left-out names)."""
    files = {
        "shop/__init__.py": "",
        "shop/web.py": "import shop.domain\n",
        "shop/domain.py": "import shop.gen\n",
    }
    root = write_project(tmp_path, files, LEFT_OUT_CONFIG)
    assert left_out_notes(root) == left_out_notes(root, cache=False) == []
    (root / "shop/gen.py").write_text("X = 1\n")  # no module of the project changed
    assert left_out_notes(root) == left_out_notes(root, cache=False) != []
    (root / "shop/gen.py").unlink()
    assert left_out_notes(root) == left_out_notes(root, cache=False) == []
    # an edit and its undoing (the whole-project part of the run before is reused), the file there again
    edit(root, "shop/domain.py", lambda t: "X = 2\n")
    arch_rules.check(root)
    (root / "shop/gen.py").write_text("X = 1\n")
    edit(root, "shop/domain.py", lambda t: "import shop.gen\n")
    assert left_out_notes(root) == left_out_notes(root, cache=False) != []
    # a run without the graph first: its kept results name no left-out modules
    (root / "shop/web.py").write_text("import shop.domain\nimport os\n")
    arch_rules.check(root, graph=False)
    assert left_out_notes(root) == left_out_notes(root, cache=False) != []


def test_two_statements_on_one_line_are_located_each_at_its_own(tmp_path: Path) -> None:
    """``import shop.other; import shop.mid``: each chain is located at the statement that starts it, on a
    run that reuses the last run's locations (the importing module unchanged) as on one without the cache."""
    config = (
        '[tool.arch_rules]\nroot_packages = ["shop"]\n\n'
        '[[tool.arch_rules.forbid]]\nfrom = ["shop.domain"]\nimport = ["shop.web"]\n'
    )
    files = {
        "shop/__init__.py": "",
        "shop/web.py": "",
        "shop/domain.py": "import shop.mid\nimport shop.other; import shop.mid\n",
        "shop/mid.py": "import shop.web\n",
        "shop/other.py": "X = 1\n",
    }
    root = write_project(tmp_path, files, config)
    first = same_as_no_cache(root)
    assert {(f.line, f.column) for f in first if f.code == "ARC204"} == {(1, 1), (2, 20)}
    (root / "shop/other.py").write_text("import shop.web\n")  # now shop.other starts a chain too, at column 1
    found = same_as_no_cache(root)
    located = {(f.line, f.column, f.chain[0].imported) for f in found if f.code == "ARC204"}
    assert (2, 1, "shop.other") in located and (2, 20, "shop.mid") in located
