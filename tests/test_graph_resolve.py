"""The graph's imports resolved from the facts equal grimp's own scan of the same files.

arch-rules does not let grimp read every file a second time: each module's imports are resolved from the
import facts the run has read (arch_rules/graph/resolve.py). Here the real grimp scanner and the resolver
run on the same project, module by module, with every form of import statement, every place an import
can sit, line endings and indentation that move the line text, relative imports from modules and
packages, namespace packages and external names, with external packages counted and not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arch_rules.engine.run import Options, run_full
from arch_rules.graph.build import _project_finders, build_graph
from arch_rules.graph.kept import inputs_from_facts
from arch_rules.graph.resolve import Resolver
from arch_rules.graph.translate import translate

CONFIG = """\
[project]
name = "pkg"

[tool.arch_rules]
root_packages = ["pkg", "nsroot"]
"""

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "from . import a\nfrom .a import thing\nfrom pkg import sub  # a comment   \n",
    "pkg/a.py": (
        "from . import b, c\n"
        "from .b import *\n"
        "import pkg.sub.mod.Thing.attr\n"
        "import os.path, xml.etree.ElementTree as ET\n"
        "from __future__ import annotations\n"
        "from collections import abc\n"
        "import nsroot.inner, nsroot.elsewhere.deep\n"
        "from nsroot import inner, missing\n"
    ),
    "pkg/b.py": "thing = 1\n",
    "pkg/c.py": (
        "import importlib\n"
        "importlib.import_module('pkg.a')\n"
        "__import__('pkg.b')\n"
        "from pkg.sub import (\n    mod,\n    other,\n)\n"
        "import pkg.a, pkg.sub.mod as m\n"
    ),
    "pkg/sub/__init__.py": "from .. import a\nfrom ..a import thing\nfrom . import mod\nfrom .mod import *\n",
    "pkg/sub/mod.py": "from .. import b\nfrom ..sub import mod\nfrom . import other\n",
    "pkg/sub/other.py": "from ..c import m\n",
    "pkg/places.py": (
        "from typing import TYPE_CHECKING\n"
        "import typing\n"
        "if TYPE_CHECKING:\n"
        "    from pkg import a\n"
        "else:\n"
        "    from pkg import b\n"
        "if typing.TYPE_CHECKING:\n"
        "    import pkg.c\n"
        "    if TYPE_CHECKING:\n"
        "        import pkg.sub\n"
        "    import pkg.sub.mod\n"
        "def f():\n"
        "\tfrom pkg import c\n"
        "\tdef g():\n"
        "\t\timport pkg.sub.other\n"
        "async def h():\n"
        "    async with x:\n"
        "        import pkg.b\n"
        "    async for y in z:\n"
        "        import pkg.a\n"
        "class K:\n"
        "    import pkg.sub\n"
        "    class Inner:\n"
        "        from pkg.sub import mod\n"
        "try:\n"
        "    import pkg.a\n"
        "except ImportError:\n"
        "    import pkg.b\n"
        "else:\n"
        "    import pkg.c\n"
        "finally:\n"
        "    import pkg.sub\n"
        "for i in ():\n"
        "    import pkg.a\n"
        "else:\n"
        "    import pkg.b\n"
        "while False:\n"
        "    import pkg.c\n"
        "with x as y:\n"
        "    import pkg.sub.mod\n"
        "match q:\n"
        "    case 1:\n"
        "        import pkg.sub.other\n"
        "lambda: __import__('pkg.a')\n"
        "\x0cimport pkg.b\n"
        "x = 1; import pkg.c\n"
    ),
    "pkg/crlf.py": b"import pkg.a\r\n\r\nfrom pkg import b  \r\n",
    "pkg/cr.py": b"import pkg.a\r\rfrom pkg import b\r",
    "pkg/bom.py": b"\xef\xbb\xbfimport pkg.a\nfrom pkg import b\n",
    "pkg/unicode.py": "s = '\u00e9\u00e9'\nimport pkg.a  # caf\u00e9 \u2014 ok\u3000\n",
    "nsroot/inner/__init__.py": (
        "from nsroot import inner\nimport nsroot.missing\nfrom . import leaf\nfrom .. import other\n"
    ),
    "nsroot/inner/leaf.py": "from nsroot.inner import leaf\nfrom ..inner import leaf\n",
}


def write_project(root: Path, config: str, files: dict[str, str | bytes]) -> None:
    """The project, each file's bytes as given (line endings and byte order marks are the point here)."""
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _unmarked(text: str) -> str:
    """The one difference, deliberate: grimp keeps a UTF-8 byte order mark in the first line's text (it is
    not white space); the facts read the file as Python does, without it."""
    return text.removeprefix("\ufeff")


def _scans(root: Path, external: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """grimp's scan and the resolver's answer, by module: sets of (imported, line, line contents)."""
    from grimp.application import scanning
    from grimp.application.config import settings
    from grimp.application.usecases import _find_packages

    project = run_full(Options(start=root, graph=False, cache=False)).project
    keep = {name for name, facts in project.facts.items() if facts.syntax_error is None}
    with _project_finders(project, keep.__contains__):
        found = _find_packages(file_system=settings.FILE_SYSTEM, package_names=list(project.root_packages))
        files = [f for package in found for f in package.module_files]
        scanned = scanning.scan_imports(
            files, found_packages=found, include_external_packages=external, exclude_type_checking_imports=False
        )
    theirs = {
        f.module.name: {(i.imported.name, i.line_number, _unmarked(i.line_contents)) for i in imports}
        for f, imports in scanned.items()
    }
    resolver = Resolver.of(found, include_external=external)
    ours = {
        f.module.name: {
            (imported, line, text)
            for imported, line, text, _lazy in resolver.imports(
                f.module.name, project.modules[f.module.name].is_package, project.facts[f.module.name].imports
            )
        }
        for f in files
    }
    return theirs, ours


@pytest.mark.parametrize("external", [False, True], ids=["internal", "external"])
def test_resolved_imports_equal_grimps_scan(tmp_path: Path, external: bool) -> None:
    write_project(tmp_path, CONFIG, FILES)
    theirs, ours = _scans(tmp_path, external)
    assert set(theirs) == set(ours)
    assert len(theirs) == len(FILES)  # every file (the namespace package has none)
    for name in sorted(theirs):
        assert ours[name] == theirs[name], name
    # The project exercises what it claims: imports at every depth, from the line they start on.
    places = {line for _imported, line, _text in ours["pkg.places"]}
    assert {4, 6, 13, 15, 18, 20, 22, 24, 26, 32, 34, 38, 40, 43, 45, 46} <= places
    assert ours["pkg.cr"] == {("pkg.a", 1, "import pkg.a"), ("pkg.b", 3, "from pkg import b")}  # lines end at \r
    assert ("pkg.a", 2, "import pkg.a  # caf\u00e9 \u2014 ok") in ours["pkg.unicode"]
    externals = {imported for imports in ours.values() for imported, _line, _text in imports} - {*ours, "nsroot"}
    assert externals == ({"os", "xml", "__future__", "collections", "importlib", "typing"} if external else set())


def test_relative_imports_past_the_top_are_left_out(tmp_path: Path) -> None:
    """grimp's scanner names a module "" for these (or panics further up); the resolver leaves them out."""
    write_project(
        tmp_path,
        CONFIG.replace(', "nsroot"', ""),
        {"pkg/__init__.py": "", "pkg/a.py": "from .. import x\nfrom ... import y\nfrom . import b\n", "pkg/b.py": ""},
    )
    project = run_full(Options(start=tmp_path, graph=False, cache=False)).project
    resolver = Resolver({"pkg", "pkg.a", "pkg.b"}, ["pkg"], include_external=True)
    assert resolver.imports("pkg.a", False, project.facts["pkg.a"].imports) == (("pkg.b", 3, "from . import b", False),)


@pytest.mark.parametrize("exclude", [False, True], ids=["type-checking-counted", "type-checking-ignored"])
def test_graph_from_the_facts_equals_the_graph_grimp_scans(tmp_path: Path, exclude: bool) -> None:
    """The whole build: every edge and its details, with the facts and with grimp's scan (no facts given).
    Leaving ``TYPE_CHECKING`` imports out is grimp's scan either way (its notion of the block is its own)."""
    config = CONFIG + ('type_checking_imports = "ignore"\n' if exclude else "")
    write_project(tmp_path, config, FILES)
    project = run_full(Options(start=tmp_path, graph=False, cache=False)).project
    translation = translate(project)
    with_facts = inputs_from_facts(project)
    assert with_facts.objects
    resolved, _ = build_graph(project, translation, cache=False, inputs=with_facts)
    scanned, _ = build_graph(
        project, translation, cache=False, inputs=type(with_facts)(with_facts.broken, with_facts.uncounted)
    )

    def edges(graph: Any) -> set[tuple[str, str, int, str]]:
        return {
            (importer, imported, d["line_number"], _unmarked(d["line_contents"]))
            for importer in graph.modules
            for imported in graph.find_modules_directly_imported_by(importer)
            for d in graph.get_import_details(importer=importer, imported=imported)
        }

    assert resolved.modules == scanned.modules
    assert edges(resolved) == edges(scanned)
    # Under ``if TYPE_CHECKING:``, and in its ``else``.
    assert (("pkg.places", "pkg.a", 4, "from pkg import a") in edges(resolved)) is not exclude
    assert ("pkg.places", "pkg.b", 6, "from pkg import b") in edges(resolved)
    assert ("pkg.places", "pkg.c", 13, "from pkg import c") in edges(resolved)


def test_graph_imports_do_not_depend_on_what_the_cache_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose kept graph lacks the unchanged modules (the last run had ``--no-graph``) resolves their
    imports from their cached facts too, as a run without a cache does: grimp's scanner, which reads some
    files otherwise (and panics on a relative import two levels past the top), is not asked."""
    from grimp.application import scanning

    import arch_rules

    config = '[tool.arch_rules]\nroot_packages = ["pkg"]\nacyclic = ["pkg"]\n'
    files: dict[str, str | bytes] = {
        "pkg/__init__.py": "",
        "pkg/a.py": "from ... import x\nfrom . import b\n",
        "pkg/b.py": "from pkg import c\n",
        "pkg/c.py": "from pkg import b\n",
    }
    write_project(tmp_path, config, files)
    expected = arch_rules.check(tmp_path, cache=False)
    assert any(f.code == "ARC207" for f in expected.findings)
    arch_rules.check(tmp_path, graph=False)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("grimp's scanner was asked")

    monkeypatch.setattr(scanning, "scan_imports", refuse)
    for _ in range(2):
        report = arch_rules.check(tmp_path)
        assert (report.findings, report.notes) == (expected.findings, expected.notes)
