"""Each module's imports for the graph, resolved from the facts the run already read, as grimp's scanner
resolves them.

grimp reads every file a second time to find its imports (its Rust scanner parses each file again). The
run has just read them all: every static import statement, at any depth, with its line and that line's
text (``ImportFact``). This turns them into what grimp's scan gives for the module, by grimp's rules:

- ``import a.b`` names ``a.b``; ``from a import b, c`` names ``a.b`` and ``a.c``; ``from . import b``
  names ``.b``; a relative name is made absolute from the importing module (a package's ``__init__`` is
  its own first dot).
- A name is an import of the module of that name, or else of its parent, if either is a module the graph
  scans; otherwise it is external: left out, or (``include_external_packages``) reduced to its top-level
  package (the first part that does not clash with a found package's namespace).
- Each import keeps its statement's first line number and that line's text; duplicates count once.

Where grimp's answer is not a module (a relative import that climbs past the top-level package: grimp
names a module ``""`` one level past it and panics further up; a name inside a dotted root package that
matches no module, where it panics), the import is left out. Dynamic imports (``importlib.import_module``) are
not graph edges, as for grimp. ``tests/test_graph_resolve.py`` holds this equal to grimp's own scan on
every form of import; ``benchmarks/scan_parity.py`` compares the two on a whole project.

Where the two read a file differently, the facts follow Python (grimp's parser obeys an encoding cookie
Python ignores, knows fewer encodings, and rejects some deeply nested expressions Python accepts), so
the graph now holds what the interpreter would import. Not recorded: whether an import is a ``lazy
import`` (Python 3.15, PEP 810), which grimp marks; on the Pythons arch-rules runs on today such a file
does not parse and is left out of the graph.

What is not done here: ``exclude_type_checking_imports`` (grimp's idea of a ``TYPE_CHECKING`` block is its
own: an ``if`` on any name or attribute spelt ``TYPE_CHECKING``, whatever it was imported as). A graph that
leaves those imports out is scanned by grimp, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any

from arch_rules.facts import ImportFact

#: One import as the graph keeps it: (imported module, line number, line contents, lazy).
KeptImport = tuple[str, int, str, bool]


class Resolver:
    """Resolves the imports of the modules of one graph: the modules grimp scans and the root packages."""

    def __init__(self, modules: Set[str], roots: Iterable[str], *, include_external: bool) -> None:
        self._modules = modules
        self._roots = sorted(set(roots), reverse=True)
        self._include_external = include_external
        self._known: dict[str, str | None] = {}

    @classmethod
    def of(cls, found_packages: Iterable[Any], *, include_external: bool) -> Resolver:
        """The resolver for grimp's found packages: an import can name any of their modules and, as for
        grimp, any of their namespace packages."""
        found = list(found_packages)
        modules = {f.module.name for p in found for f in p.module_files}.union(*(p.namespace_packages for p in found))
        return cls(modules, (p.name for p in found), include_external=include_external)

    def imports(self, name: str, is_package: bool, facts: Iterable[ImportFact]) -> tuple[KeptImport, ...]:
        """What grimp's scan of module ``name`` finds, from the module's import facts, sorted."""
        found: set[KeptImport] = set()
        parts = name.split(".")
        for fact in facts:
            form = fact.form
            if form == "import":
                objects = [fact.module]
            elif form == "from":
                objects = [f"{fact.module}.{imported}" if fact.module else imported for imported, _ in fact.names]
            else:
                continue  # dynamic: not an edge of grimp's graph
            if fact.level:
                base = _base(parts, is_package, fact.level)
                if base is None:
                    continue
                objects = [f"{base}.{obj}" for obj in objects]
            for obj in objects:
                target = self._target(obj)
                if target is not None:
                    found.add((target, fact.line, fact.text, False))
        return tuple(sorted(found))

    def _target(self, obj: str) -> str | None:
        """The module an absolute name imports, or None (memoised: most names recur across modules)."""
        try:
            return self._known[obj]
        except KeyError:
            pass
        modules = self._modules
        target: str | None
        if obj in modules:
            target = obj
        else:
            parent, dot, _leaf = obj.rpartition(".")
            if dot and parent in modules:
                target = parent
            elif self._include_external:
                target = self._distill(obj)
            else:
                target = None
        self._known[obj] = target
        return target

    def _distill(self, obj: str) -> str | None:
        """An external name reduced to the module the graph shows for it (grimp's ``_distill_external_module``)."""
        head = obj.split(".", 1)[0]
        if any(root.startswith(f"{obj}.") for root in self._roots):
            return None  # a parent of a root package: a namespace, not a dependency
        portions: set[str] = set()
        for root in self._roots:
            if not root.startswith(f"{head}."):
                continue
            inner, outer = root.split("."), obj.split(".")
            shared = 0
            while shared < len(inner) and shared < len(outer) and inner[shared] == outer[shared]:
                shared += 1
            if shared >= len(outer) or shared >= len(inner):
                return None  # inside a dotted root package, but no module of it: grimp's scanner panics
            portions.add(".".join(outer[: shared + 1]))
        if portions:
            return max(sorted(portions), key=lambda portion: portion.count("."))
        return head


def _base(parts: list[str], is_package: bool, dots: int) -> str | None:
    """The package a relative import with ``dots`` starts from, from the importing module's name parts;
    None past the top."""
    keep = len(parts) - dots + (1 if is_package else 0)
    if keep < 1 or keep > len(parts):
        return None
    return ".".join(parts[:keep])
