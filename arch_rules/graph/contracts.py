"""Graph contracts: the ``[tool.arch_rules]`` declaration as import-linter contracts, run in-process over one
grimp import graph, and their chains turned into findings with files, lines and the whole chain.

A single file cannot show a chain (``a -> b -> c``) or a cycle, so this is the second engine (DESIGN §1):

- ``translate(project)`` turns each ``layers`` stack, ``forbid`` and ``independent`` entry and ``acyclic``
  into the options import-linter's own contract classes parse (``layers``, ``forbidden``, ``independence``,
  ``acyclic_siblings``). Patterns are rewritten where the two pattern languages differ: our ``**`` is *zero*
  or more segments, grimp's one or more, so ``a.**.b`` becomes ``a.b`` and ``a.**.b``; layer entries (which
  import-linter does not let carry wildcards), containers and acyclic ancestors are expanded to the modules
  they name. A module the configuration names but the project lacks is left out (ARC001 reports it), so
  a typo is a finding rather than a crash.
- ``check(project)`` builds the graph once (``grimp.build_graph`` with a cache under the project's cache
  folder), checks every contract on a copy of it, and reports chains of two or more imports as ARC201 /
  ARC204 / ARC206 at the first import of the chain, and import-linter's nominated cycle breakers as ARC207.
  Single imports are left to the per-file engine (ARC1xx): a direct import is never reported twice.
- ``render_toml(project)`` prints the same contracts as a ``[tool.importlinter]`` document, so
  ``lint-imports`` can run them. lint-imports finds the root packages by importing their specs, so run it
  with the source roots on the path, from the project root::

      arch-rules contracts > importlinter.toml
      PYTHONPATH=src lint-imports importlinter.toml

  What the TOML cannot say: arch-rules' graph holds the modules of the project only, so files excluded by
  ``exclude``, files whose names are not Python names (``migrations/0001_initial.py``) and files that do
  not parse are left out, and ``local_imports = "ignore"`` drops function-local imports from it.
  lint-imports sees those files and imports (and stops at a file that does not parse).

  Which chains stand for a broken contract is arch-rules' own choice, made the same way on every run.
  import-linter says which pairs of modules break a contract (a layer and a higher one, a source and a
  forbidden module, two independent modules); grimp's chains between them depend on the order it meets
  equally short ones in, which changes from process to process on large graphs (lint-imports' own output
  on Django varies from run to run: other chains, other first imports, other modules). So for each pair
  arch-rules runs grimp's procedure again over the contract's own graph (after its ``ignore_imports``):
  take a shortest chain that avoids the other layers, set its imports aside, repeat until none is left;
  among equally short chains it takes the least in module-name order (``_Search``). Where there is no
  tie this is the chain grimp finds; where there is one, it is one of the chains grimp may find. The
  way back that closes a cycle (ARC207) is chosen the same way; the cycle breakers themselves come from
  grimp, whose choice is stable. A finding's ``imported`` is the declared module the chain reaches, not
  the chain's last module.

How the graph finds the project's packages: grimp looks packages up with ``importlib.util.find_spec``,
which would answer from ``sys.modules`` or from an installed copy of a same-named package. While building,
arch-rules gives grimp a package finder bound to the configured source roots (``PathFinder.find_spec``
with an explicit path: no ``sys.modules``, no ``sys.path``), and a module finder that scans only the
modules of the project that parse. Nothing is imported or run, and ``sys.path`` is never touched.

grimp's cache is not safe for concurrent writers (boundary-tools.md §d), so the build holds an exclusive
``fcntl`` lock on ``<cache_dir>/grimp.lock``; where there is no ``fcntl`` (Windows) or the folder cannot
be written, the graph is built without a cache.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import dataclasses
import hashlib
import importlib.machinery
import io
import itertools
import json
import os
import shutil
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from arch_rules.errors import ArchRulesError, ConfigError, InternalError
from arch_rules.model.config import Forbid, IgnoredImport, Independent, LayerStack, because_clause
from arch_rules.model.findings import ChainLink, Finding
from arch_rules.model.patterns import Pattern
from arch_rules.model.project import Project

#: Rule code per import-linter contract type.
CODES = {"layers": "ARC201", "forbidden": "ARC204", "independence": "ARC206", "acyclic_siblings": "ARC207"}

#: Subfolder of the project's cache folder that holds grimp's cache.
GRAPH_CACHE = "grimp"

_GRIMP_SETTINGS_LOCK = threading.Lock()


# ----------------------------------------------------------------------------------------------------
# translation


@dataclass(frozen=True)
class GraphContract:
    """One import-linter contract derived from the declaration, with what its findings need to say."""

    id: str
    name: str
    type: str
    #: Options exactly as import-linter parses them (strings and lists of strings).
    options: dict[str, Any]
    #: Key path of the declaration it comes from (for errors).
    key: str
    because: str = ""
    #: How messages name the declaration (a stack's label, ``forbid[0]``...).
    label: str = ""
    #: layers: full layer module name -> (level index, level is independent).
    levels: dict[str, tuple[int, bool]] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return CODES[self.type]


@dataclass
class Translation:
    session: dict[str, Any]
    contracts: list[GraphContract]
    #: Why some of the declaration has no graph-side contract (shown as report notes and TOML comments).
    notes: list[str] = field(default_factory=list)

    @property
    def include_external(self) -> bool:
        return self.session.get("include_external_packages") == "true"

    @property
    def exclude_type_checking(self) -> bool:
        return self.session.get("exclude_type_checking_imports") == "true"


def translate(project: Project, export: bool = False) -> Translation:
    """The declaration as import-linter contracts (see the module docstring for the rewriting rules).

    ``export``: for `arch-rules contracts`, which must carry the whole architecture (a forbid with
    ``allow_indirect`` too); the in-process run leaves out what the per-file engine already covers."""
    config = project.config
    contracts: list[GraphContract] = []
    notes: list[str] = []
    external = False
    for stack in config.layers:
        contracts.extend(_layers(project, stack, notes))
    for rule in config.forbid:
        contract = _forbidden(project, rule, export)
        if contract is not None:
            contracts.append(contract)
            external = external or any(
                not project.is_first_party_pattern(Pattern(m)) for m in contract.options["forbidden_modules"]
            )
    for group in config.independent:
        contract = _independence(project, group)
        if contract is not None:
            contracts.append(contract)
    ancestors = sorted({n for p in config.acyclic for n in project.all_names() if p.matches(n)})
    if ancestors:
        contracts.append(
            GraphContract(
                id="acyclic",
                name="acyclic: no import cycles among the children of " + ", ".join(ancestors),
                type="acyclic_siblings",
                options={"ancestors": ancestors, "depth": "0"},
                key="tool.arch_rules.acyclic",
                label="acyclic",
            )
        )
    session: dict[str, Any] = {
        "root_packages": list(project.root_packages),
        "include_external_packages": "true" if external else "false",
        "exclude_type_checking_imports": "true" if config.type_checking_imports == "ignore" else "false",
    }
    return Translation(session, contracts, notes)


def _variants(text: str) -> list[str]:
    """A pattern as grimp expressions of the same meaning: each ``**`` stands for zero or more segments."""
    segments = text.split(".")
    choices = [((), (s,)) if s == "**" else ((s,),) for s in segments]
    out: list[str] = []
    for combo in itertools.product(*choices):
        expression = ".".join(part for chosen in combo for part in chosen)
        if expression and expression not in out:
            out.append(expression)
    return out


def _expressions(project: Project, patterns: tuple[Pattern, ...], third_party: bool = False) -> list[str]:
    """Module expressions for ``patterns`` (covering descendants, as import-linter treats packages).

    First-party literals the project lacks are dropped (ARC001 reports them; import-linter would refuse
    the contract). With ``third_party``, a third-party top-level package is kept as is and a third-party
    submodule is dropped: the graph sees third-party packages only whole (DESIGN §2).
    """
    out: list[str] = []
    for pattern in patterns:
        first_party = project.is_first_party_pattern(pattern)
        if not first_party:
            if third_party and "." not in pattern.text and not pattern.is_wild:
                out.append(pattern.text)
            continue
        for expression in _variants(pattern.text):
            if "*" in expression or project.exists(expression):
                if expression not in out:
                    out.append(expression)
    return out


def _ignore_imports(project: Project, entries: tuple[IgnoredImport, ...]) -> list[str]:
    """``ignore_imports`` in grimp's syntax; a third-party imported side compares on its top-level package."""
    out: list[str] = []
    for entry in entries:
        imported = entry.imported.text
        if not project.is_first_party_pattern(entry.imported):
            imported = entry.imported.top
        for left in _variants(entry.importer.text):
            for right in _variants(imported):
                text = f"{left} -> {right}"
                if text not in out:
                    out.append(text)
    return out


def _common(options: dict[str, Any], entries: tuple[IgnoredImport, ...], project: Project, because: str) -> None:
    ignores = _ignore_imports(project, entries)
    if ignores:
        options["ignore_imports"] = ignores
    # ARC004 already reports exceptions nothing uses; import-linter must not fail the run for them.
    options["unmatched_ignore_imports_alerting"] = "none"
    if because:
        options["broken_contract_guidance"] = because


def _layers(project: Project, stack: LayerStack, notes: list[str]) -> list[GraphContract]:
    """One ``layers`` contract per stack (one per container when a layer entry has a wildcard)."""
    wild = any(entry.pattern.is_wild for level in stack.levels for entry in level.entries)
    containers = project.containers(stack) if stack.containers else []
    if stack.containers and not containers:
        return []  # no container exists: ARC001 says so, and there is nothing to check
    if stack.containers and not wild:
        return _layers_contract(project, stack, containers, [""], notes, suffix="", id_suffix="")
    if wild:
        prefixes = containers or [""]
        out: list[GraphContract] = []
        for number, container in enumerate(prefixes):
            suffix = f" ({container})" if container else ""
            id_suffix = f"-{number}" if container else ""
            out.extend(_layers_contract(project, stack, [], [container], notes, suffix, id_suffix))
        return out
    return _layers_contract(project, stack, [], [""], notes, suffix="", id_suffix="")


def _layers_contract(
    project: Project,
    stack: LayerStack,
    containers: list[str],
    prefixes: list[str],
    notes: list[str],
    suffix: str,
    id_suffix: str,
) -> list[GraphContract]:
    """``containers`` set: tails relative to them (import-linter's containers); else full names under
    ``prefixes`` (one prefix; "" for none), wildcards expanded to the modules they match."""
    layer_strings: list[str] = []
    levels: dict[str, tuple[int, bool]] = {}
    names: list[str] = []
    prefix = prefixes[0]
    for index, level in enumerate(stack.levels):
        items: list[str] = []
        for entry in level.entries:
            text = entry.pattern.text
            if containers:
                exists_everywhere = all(project.exists(f"{c}.{text}") for c in containers)
                items.append(text if exists_everywhere and not entry.optional else f"({text})")
                names.append(text)
                for c in containers:
                    levels[f"{c}.{text}"] = (index, level.independent)
                continue
            full = f"{prefix}.{text}" if prefix else text
            if entry.pattern.is_wild:
                matched = _topmost(n for n in project.all_names() if Pattern(full).matches(n))
            else:
                matched = [full]
            for name in matched:
                exists = project.exists(name)
                items.append(name if exists and not entry.optional else f"({name})")
                names.append(name)
                levels[name] = (index, level.independent)
        if items:
            layer_strings.append((" | " if level.independent else " : ").join(items))
    label = stack.label + suffix
    nested = sorted({(a, b) for a in names for b in names if a != b and b.startswith(a + ".")} | _duplicates(names))
    if nested:
        a, b = nested[0]
        notes.append(
            f"{stack.key}: {label} nests layers ({b} is inside {a}), which import-linter cannot express; "
            "its indirect chains (ARC201) are not checked (ARC101 still checks direct imports)"
        )
        return []
    if len(layer_strings) < 1:
        return []
    options: dict[str, Any] = {"layers": layer_strings}
    if containers:
        options["containers"] = list(containers)
    _common(options, stack.ignore_imports, project, stack.because)
    return [
        GraphContract(
            id=f"layers-{stack.index}{id_suffix}",
            name=label,
            type="layers",
            options=options,
            key=stack.key,
            because=stack.because,
            label=label,
            levels=levels,
        )
    ]


def _duplicates(names: list[str]) -> set[tuple[str, str]]:
    seen: set[str] = set()
    dup: set[tuple[str, str]] = set()
    for name in names:
        if name in seen:
            dup.add((name, name))
        seen.add(name)
    return dup


def _topmost(names: Iterator[str] | list[str]) -> list[str]:
    """The names none of whose ancestors is also in the list (a layer covers its descendants)."""
    ordered = sorted(set(names))
    return [n for n in ordered if not any(n.startswith(other + ".") for other in ordered if other != n)]


def _forbidden(project: Project, rule: Forbid, export: bool = False) -> GraphContract | None:
    if rule.allow_indirect and not export:
        return None  # only direct imports are forbidden: that is ARC104's, the graph has nothing to add
    sources = _expressions(project, rule.sources)
    forbidden = _expressions(project, rule.forbidden, third_party=True)
    if not sources or not forbidden:
        return None
    options: dict[str, Any] = {"source_modules": sources, "forbidden_modules": forbidden}
    if rule.allow_indirect:  # only in `arch-rules contracts`: lint-imports then checks the direct imports
        options["allow_indirect_imports"] = "true"
    _common(options, rule.ignore_imports, project, rule.because)
    label = f"forbid[{rule.index}]"
    return GraphContract(
        id=f"forbid-{rule.index}",
        name=f"{label}: {', '.join(p.text for p in rule.sources)} must not import "
        f"{', '.join(p.text for p in rule.forbidden)}",
        type="forbidden",
        options=options,
        key=rule.key,
        because=rule.because,
        label=label,
    )


def _independence(project: Project, group: Independent) -> GraphContract | None:
    modules = _expressions(project, group.modules)
    if len(modules) < 2 and not any("*" in m for m in modules):
        return None
    options: dict[str, Any] = {"modules": modules}
    _common(options, group.ignore_imports, project, group.because)
    label = f"independent[{group.index}]"
    return GraphContract(
        id=f"independent-{group.index}",
        name=f"{label}: {', '.join(p.text for p in group.modules)} are independent",
        type="independence",
        options=options,
        key=group.key,
        because=group.because,
        label=label,
    )


# ----------------------------------------------------------------------------------------------------
# `arch-rules contracts`


def render_toml(project: Project) -> str:
    """The generated contracts as a ``[tool.importlinter]`` document that ``lint-imports`` accepts."""
    translation = translate(project, export=True)
    config = project.config
    roots = os.pathsep.join(config.source_roots)
    lines = [
        f"# import-linter contracts generated by arch-rules from [tool.arch_rules] in {config.display_path}.",
        f"# Run from the project root with the source roots on the path: PYTHONPATH={roots} lint-imports FILE",
        "# (arch-rules' own graph leaves out excluded files, files that are not Python names and files that",
        '# do not parse, and drops local imports under local_imports = "ignore"; lint-imports does not).',
    ]
    lines += [f"# Not translated: {note}" for note in translation.notes]
    lines += ["", "[tool.importlinter]"]
    for key, value in translation.session.items():
        lines.append(f"{key} = {_toml(value)}")
    for contract in translation.contracts:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines.append(f"id = {_toml(contract.id)}")
        lines.append(f"name = {_toml(contract.name)}")
        lines.append(f"type = {_toml(contract.type)}")
        for key, value in contract.options.items():
            lines.append(f"{key} = {_toml(value)}")
    if not translation.contracts:
        lines += ["", "# The declaration has nothing import-linter can check over the graph."]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """A TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {json.dumps(item, ensure_ascii=False)},\n" for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# ----------------------------------------------------------------------------------------------------
# running


def check(project: Project, *, cache: bool = True, notes: list[str] | None = None) -> list[Finding]:
    """ARC2xx findings of the whole project; ``notes`` (when given) receives one-line notes for the user."""
    translation = translate(project)
    if notes is not None:
        notes.extend(f"graph: {note}" for note in translation.notes)
    if not translation.contracts:
        return []
    graph, graph_notes = build_graph(project, translation, cache=cache)
    if notes is not None:
        notes.extend(graph_notes)
    _configure_import_linter()
    findings: set[Finding] = set()
    whole: _Search | None = None
    for contract in translation.contracts:
        result, checked = _run_on_copy(contract, translation.session, graph, project.config.display_path)
        # A contract changes its copy only by removing its ignore_imports: without them, the copy is the
        # graph, and one search of it serves every such contract.
        if "ignore_imports" in contract.options:
            search = _Search(checked)
        else:
            whole = search = whole or _Search(graph)
        findings.update(_findings(project, search, contract, result.metadata or {}))
    return sorted(findings, key=Finding.sort_key)


def _configure_import_linter() -> None:
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


# -- the graph -------------------------------------------------------------------------------------------


def build_graph(project: Project, translation: Translation, *, cache: bool = True) -> tuple[Any, list[str]]:
    """The project's import graph, built once; plus notes (files left out, an empty graph)."""
    try:
        import grimp
        from grimp.exceptions import SourceSyntaxError
    except ImportError as exc:  # pragma: no cover - a dependency
        raise InternalError(f"grimp is not installed ({exc}); reinstall arch-rules") from None
    notes: list[str] = []
    broken = {name for name, facts in project.facts.items() if facts.syntax_error is not None}
    by_file = {os.path.normcase(os.path.abspath(m.path)): name for name, m in project.modules.items()}
    graph = None
    for _attempt in range(len(project.modules) + 1):
        keep = {name for name in project.modules if name not in broken}
        try:
            options = (f"external={translation.include_external}", f"tc={translation.exclude_type_checking}")
            with (
                _graph_cache(project, cache, options) as cache_dir,
                _project_finders(project, keep.__contains__),
            ):
                graph = grimp.build_graph(
                    *project.root_packages,
                    include_external_packages=translation.include_external,
                    exclude_type_checking_imports=translation.exclude_type_checking,
                    cache_dir=cache_dir,
                )
            break
        except SourceSyntaxError as exc:
            # grimp's parser refused a file ours read (or the engine gave no facts): leave it out too.
            name = by_file.get(os.path.normcase(os.path.abspath(exc.filename)))
            if name is None or name in broken:
                raise InternalError(f"the import graph could not be built: {exc}") from None
            broken.add(name)
        except ArchRulesError:
            raise
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: B036 - grimp's Rust panics are BaseExceptions
            raise InternalError(f"the import graph could not be built: {type(exc).__name__}: {exc}") from None
    if graph is None:  # pragma: no cover - every module broken and grimp still complaining
        raise InternalError("the import graph could not be built")
    for name in project.all_names():
        if name not in graph.modules:
            graph.add_module(name)  # a file left out still exists: contracts naming it stay valid
    _drop_uncounted_imports(project, graph)
    if broken:
        count = len(broken & set(project.modules))
        notes.append(
            f"graph: {count} file{'s' if count != 1 else ''} that do{'' if count != 1 else 'es'} not parse "
            "left out of the import graph (ARC003)"
        )
    if not _has_internal_imports(project, graph):
        notes.append(
            "graph: no module of the project imports another one, so the graph contracts (ARC2xx) found "
            f"nothing to check (root packages: {', '.join(project.root_packages)}; source roots: "
            f"{', '.join(project.config.source_roots)})"
        )
    return graph, notes


@contextlib.contextmanager
def _graph_cache(project: Project, enabled: bool, options: tuple[str, ...] = ()) -> Iterator[str | None]:
    """grimp's cache folder, held under an exclusive lock so concurrent runs never write it at once."""
    if not enabled:
        yield None
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock to be had, so no shared cache
        yield None
        return
    base = project.root / project.config.cache_dir
    try:
        if not base.is_dir():  # a .gitignore only in a folder we create (as cache.py): never in the user's
            base.mkdir(parents=True, exist_ok=True)
            (base / ".gitignore").write_text("# Created by arch-rules.\n*\n", encoding="utf-8")
        handle = open(base / f"{GRAPH_CACHE}.lock", "a+b")  # noqa: SIM115 - held across the yield
    except OSError:
        yield None  # a read-only checkout still checks; it just does not remember
        return
    # grimp resolves `from a import b` against the module set when it scans a file, and reuses that
    # scan while the file is unchanged: a new or removed module elsewhere would leave it stale. So each
    # module set (and graph option) has a cache folder of its own; only the current one is kept.
    shape = "\0".join([*sorted(project.modules), "|", *sorted(project.namespaces), "|", *options])
    folder = f"{GRAPH_CACHE}-{hashlib.blake2b(shape.encode(), digest_size=8).hexdigest()}"
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        for old in base.glob(f"{GRAPH_CACHE}-*"):
            if old.name != folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        yield str(base / folder)
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


@contextlib.contextmanager
def _project_finders(project: Project, keep: Callable[[str], bool]) -> Iterator[None]:
    """grimp's package and module finders, bound to the project for the duration of one build."""
    from grimp.application.config import settings

    roots = [str((project.root / r).resolve()) for r in project.config.source_roots]
    versions = {
        os.path.normcase(os.path.abspath(module.path)): float(int(project.hashes[module.relpath][:12], 16))
        for module in project.modules.values()
        if not project.hashes.get(module.relpath, "unreadable:").startswith("unreadable:")
    }

    class PackageFinder:
        """Finds a root package in the source roots only (never ``sys.modules`` or an installed copy)."""

        def determine_package_directories(self, package_name: str, file_system: Any) -> set[str]:
            spec = importlib.machinery.PathFinder.find_spec(package_name, roots)
            if spec is None or not spec.submodule_search_locations:
                raise ConfigError(
                    [
                        f"{project.config.display_path}: tool.arch_rules: package {package_name!r} is not a "
                        f"package in the source roots ({', '.join(project.config.source_roots)})"
                    ]
                )
            return {str(location) for location in spec.submodule_search_locations}

    inner = settings.MODULE_FINDER

    class ModuleFinder:
        """grimp's own finder, keeping only the modules of the project that parse."""

        def find_package(self, package_name: str, package_directory: str, file_system: Any) -> Any:
            found = inner.find_package(
                package_name=package_name,
                package_directory=package_directory,
                file_system=_Tolerant(file_system, versions),
            )
            files = frozenset(f for f in found.module_files if keep(f.module.name))
            return dataclasses.replace(found, module_files=files)

    with _GRIMP_SETTINGS_LOCK:
        saved = {"PACKAGE_FINDER": settings.PACKAGE_FINDER, "MODULE_FINDER": settings.MODULE_FINDER}
        settings.configure(PACKAGE_FINDER=PackageFinder(), MODULE_FINDER=ModuleFinder())
        try:
            yield
        finally:
            settings.configure(**saved)


class _Tolerant:
    """grimp's file system, with two changes.

    - grimp's cache trusts a file's mtime; ours keys on content. The "mtime" grimp sees for a module of
      the project is a number made from its content hash, so grimp re-reads exactly the files whose
      content changed (an edit that keeps the mtime, a checkout restoring an older file).
    - A file it cannot stat (a dangling link) does not stop the walk: it is not a module of the project,
      and the module filter drops it before anything reads it.
    """

    def __init__(self, inner: Any, versions: dict[str, float]) -> None:
        self._inner = inner
        self._versions = versions

    def get_mtime(self, file_name: str) -> float:
        version = self._versions.get(os.path.normcase(os.path.abspath(file_name)))
        if version is not None:
            return version
        try:
            return float(self._inner.get_mtime(file_name))
        except OSError:
            return 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _drop_uncounted_imports(project: Project, graph: Any) -> None:
    """Imports the configuration does not count (``local_imports = "ignore"``) leave the graph too."""
    for name, facts in project.facts.items():
        lines = {fact.line for fact in facts.imports if not fact.dynamic and not project.counts(fact)}
        if not lines or name not in graph.modules:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(name)):
            details = graph.get_import_details(importer=name, imported=imported)
            kept = [d for d in details if d["line_number"] not in lines]
            if len(kept) == len(details):
                continue
            graph.remove_import(importer=name, imported=imported)
            for detail in kept:
                graph.add_import(
                    importer=name,
                    imported=imported,
                    line_number=detail["line_number"],
                    line_contents=detail["line_contents"],
                )


def _has_internal_imports(project: Project, graph: Any) -> bool:
    for name in project.modules:
        if name in graph.modules and any(
            project.is_first_party(other) for other in graph.find_modules_directly_imported_by(name)
        ):
            return True
    return False


# -- metadata -> findings ----------------------------------------------------------------------------------

#: A link as import-linter's metadata has it: {"importer", "imported", "line_numbers"}.
Link = dict[str, Any]


def _findings(
    project: Project, search: _Search, contract: GraphContract, metadata: dict[str, Any]
) -> Iterator[Finding]:
    """The findings of one contract: import-linter's broken pairs, with arch-rules' canonical chains.

    ``search`` is over the graph the contract checked (without its ignored imports).
    """
    if contract.type == "acyclic_siblings":
        for package, breakers in sorted(metadata.get("cycle_breakers_by_package", {}).items()):
            for importer, imported in sorted(breakers):
                yield _cycle_finding(project, search, contract, package, importer, imported)
        return
    for downstream, upstream in _broken_pairs(contract, metadata):
        for chain in search.chains(contract, downstream, upstream):
            yield _chain_finding(project, search.graph, contract, search.links(chain), downstream, upstream)


def _broken_pairs(contract: GraphContract, metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """(downstream, upstream) module pairs the contract found broken, sorted: which pairs break does not
    depend on grimp's choice of chains, only whether a chain exists."""
    if contract.type == "layers":
        pairs = {(item["importer"], item["imported"]) for item in metadata.get("invalid_dependencies", [])}
    else:
        items = metadata.get("invalid_chains", [])
        pairs = {(item["downstream_module"], item["upstream_module"]) for item in items}
    return sorted(pairs)


class _Search:
    """Canonical chains over one contract's graph: grimp's procedure, with ties broken by module name.

    grimp (``find_illegal_dependencies``, ``find_shortest_chains``) repeatedly takes a shortest chain
    from any module of the downstream package to any module of the upstream one, then sets that chain's
    imports aside so the next search finds another way; for layers and independence, modules of the
    other layers may not be on the way, and a chain of three modules or more becomes a route: every
    module of the downstream package that imports the route's first middle module is a head of it. Its
    bidirectional search takes the first meeting point it comes across, in an order that follows how the
    graph was built; here each search is a breadth-first search back from the upstream package, and the
    chain taken is the least in name order among the shortest (the least first module, then at each
    step the least next module that is still on a shortest way), so the same graph always gives the same
    chains. The adjacency is read once per contract graph, sorted.
    """

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.modules = sorted(graph.modules)
        self.imports: dict[str, list[str]] = {
            m: sorted(graph.find_modules_directly_imported_by(m)) for m in self.modules
        }
        self.importers: dict[str, list[str]] = {m: [] for m in self.modules}
        self._packages: dict[str, frozenset[str]] = {}
        for importer in self.modules:  # sorted, so each importers list is sorted too
            for imported in self.imports[importer]:
                self.importers.setdefault(imported, []).append(importer)

    def package(self, name: str) -> frozenset[str]:
        """``name`` and its descendants in the graph (a squashed third-party package is alone)."""
        found = self._packages.get(name)
        if found is None:
            # Names under ``name.`` are one run of the sorted list: from ``name.`` up to ``name/``.
            start, end = bisect.bisect_left(self.modules, name + "."), bisect.bisect_left(self.modules, name + "/")
            found = frozenset(self.modules[start:end]) | ({name} if name in self.imports else set())
            self._packages[name] = found
        return found

    def chains(self, contract: GraphContract, downstream: str, upstream: str) -> Iterator[tuple[str, ...]]:
        """The chains of two imports or more that stand for ``downstream`` reaching ``upstream``: for layers
        and independence one per head of each route, for forbidden each chain (DESIGN §3: a single import is
        ARC1xx's)."""
        sources, targets = self.package(downstream), self.package(upstream)
        blocked = self._blocked(contract, downstream, upstream) - sources - targets
        for chain in self.routes(sources, targets, blocked):
            if len(chain) < 3:
                continue
            if contract.type == "forbidden":
                yield chain
                continue
            middle = chain[1:-1]
            heads = [m for m in self.importers[middle[0]] if m in sources]
            tail = min(t for t in self.imports[middle[-1]] if t in targets)
            for head in heads:
                yield (head, *middle, tail)

    def _blocked(self, contract: GraphContract, downstream: str, upstream: str) -> frozenset[str]:
        """Modules a chain may not pass through: the other layers of the stack (in the pair's container),
        the other modules of an independence group; none for forbidden (grimp's own rules)."""
        if contract.type == "layers":
            names = _layer_names(contract.options["layers"])
            containers = [c for c in contract.options.get("containers", []) if downstream.startswith(c + ".")]
            if containers:
                container = max(containers, key=len)
                names = [f"{container}.{name}" for name in names]
        elif contract.type == "independence":
            names = []
            for expression in contract.options["modules"]:
                if "*" in expression:
                    names.extend(sorted(self.graph.find_matching_modules(expression)))
                else:
                    names.append(expression)
        else:
            return frozenset()
        return frozenset(m for name in names for m in self.package(name))

    def routes(
        self, sources: frozenset[str], targets: frozenset[str], blocked: frozenset[str]
    ) -> list[tuple[str, ...]]:
        """Shortest chains from ``sources`` to ``targets``, each one's imports set aside before the next."""
        removed: set[tuple[str, str]] = set()
        out: list[tuple[str, ...]] = []
        while (chain := self.shortest(sources, targets, blocked, removed)) is not None:
            removed.update(itertools.pairwise(chain))
            out.append(chain)
        return out

    def shortest(
        self,
        sources: frozenset[str],
        targets: frozenset[str],
        blocked: frozenset[str] = frozenset(),
        removed: Collection[tuple[str, str]] = frozenset(),
    ) -> tuple[str, ...] | None:
        """The least in name order of the shortest chains, or None.

        A breadth-first search back from ``targets`` gives each module its distance to them, level by
        level, until a level holds a source; then the chain walks forward from the least such source,
        each time to the least module one step nearer. Sources and targets are never in the middle of
        a shortest chain, so they are not searched through.
        """
        distance = dict.fromkeys(targets, 0)
        frontier = sorted(targets)
        depth = 0
        hits: list[str] = []
        while frontier and not hits:
            depth += 1
            following: list[str] = []
            for module in frontier:
                for importer in self.importers.get(module, ()):
                    if importer in distance or importer in blocked or (importer, module) in removed:
                        continue
                    distance[importer] = depth
                    (hits if importer in sources else following).append(importer)
            frontier = following
        if not hits:
            return None
        chain = [min(hits)]
        for step in range(depth - 1, -1, -1):
            here = chain[-1]
            chain.append(next(m for m in self.imports[here] if distance.get(m) == step and (here, m) not in removed))
        return tuple(chain)

    def links(self, chain: tuple[str, ...]) -> list[Link]:
        """The chain as import-linter's links, each import's line numbers sorted (unknown last)."""
        out: list[Link] = []
        for importer, imported in itertools.pairwise(chain):
            details = self.graph.get_import_details(importer=importer, imported=imported)
            known = sorted({d["line_number"] for d in details if d["line_number"] is not None})
            unknown = not known or any(d["line_number"] is None for d in details)
            out.append(
                {"importer": importer, "imported": imported, "line_numbers": (*known, *((None,) if unknown else ()))}
            )
        return out


def _layer_names(layers: list[str]) -> list[str]:
    """The module names (or container tails) of import-linter layer strings (``a | b``, ``(c)``)."""
    names: list[str] = []
    for layer in layers:
        separator = "|" if "|" in layer else ":"
        for item in layer.split(separator):
            item = item.strip()
            names.append(item[1:-1] if item.startswith("(") and item.endswith(")") else item)
    return names


def _lines(link: Link) -> list[int]:
    return sorted(n for n in link.get("line_numbers", ()) if n is not None)


def _format_lines(link: Link) -> str:
    numbers = list(link.get("line_numbers", ())) or [None]
    return ", ".join("l.?" if n is None else f"l.{n}" for n in numbers)


def chain_text(chain: list[Link]) -> str:
    """``a -> b (l.3) -> c (l.7)``: each module, then the line where the one before imports it."""
    return chain[0]["importer"] + "".join(f" -> {link['imported']} ({_format_lines(link)})" for link in chain)


def _chain_links(project: Project, chain: list[Link]) -> tuple[ChainLink, ...]:
    out = []
    for link in chain:
        module = project.modules.get(link["importer"])
        lines = _lines(link)
        path = module.relpath if module else None
        out.append(ChainLink(link["importer"], link["imported"], path, lines[0] if lines else None))
    return tuple(out)


def _located(
    project: Project, graph: Any, importer: str, imported: str, line: int | None
) -> tuple[str, int, int, int, str] | None:
    """(path, line, column, end line, snippet) of the import of ``imported`` by ``importer`` at ``line``.

    The snippet is the per-file engine's normalised statement (comments dropped, a multi-line import
    joined), so ARC1xx and ARC2xx fingerprints read the same; grimp's ``line_contents`` when the file has
    no facts. The end line is the statement's, so a ``# noqa`` on any of its lines counts (DESIGN §2).
    """
    module = project.modules.get(importer)
    if module is None:
        return None
    number = line or 1
    column, end, snippet = 1, number, ""
    facts = project.facts.get(importer)
    for fact in facts.imports if facts is not None else ():
        if fact.line == number:
            column, end, snippet = fact.column, max(fact.end_line, number), fact.snippet
            break
    if not snippet:
        for detail in graph.get_import_details(importer=importer, imported=imported):
            if detail["line_number"] == line:
                snippet = " ".join(str(detail["line_contents"]).split())
                break
    return module.relpath, number, column, end, snippet


def _chain_finding(
    project: Project, graph: Any, contract: GraphContract, chain: list[Link], downstream: str, upstream: str
) -> Finding:
    head, final = chain[0]["importer"], chain[-1]["imported"]
    lines = _lines(chain[0])
    where = _located(project, graph, head, chain[0]["imported"], lines[0] if lines else None)
    path, line, column, end, snippet = where if where else (head, 1, 1, 1, "")
    text = chain_text(chain)
    if contract.type == "layers":
        low = contract.levels.get(downstream)
        high = contract.levels.get(upstream)
        if low is not None and high is not None and low[0] == high[0]:
            why = f"{downstream} and {upstream} are independent siblings on one level"
        else:
            why = f"layer {downstream} may not import the higher layer {upstream}"
        message = (
            f"{head} reaches {final} through a chain of imports: {text}; {why} in {contract.label}"
            f"{because_clause(contract.because)}; break the chain (move the code down a layer or invert a dependency)"
        )
    elif contract.type == "forbidden":
        message = (
            f"{head} reaches {final} through a chain of imports: {text}; {downstream} may not import {upstream} "
            f"({contract.label}{'; ' + contract.because.rstrip('.') if contract.because else ''}); "
            "break the chain or move this code"
        )
    else:
        message = (
            f"{head} reaches {final} through a chain of imports: {text}; {downstream} and {upstream} are declared "
            f"independent ({contract.label}{'; ' + contract.because.rstrip('.') if contract.because else ''}); "
            "break the chain or go through an agreed interface"
        )
    # `imported` is the declared side the chain reaches (the higher layer, the forbidden or the other
    # independent module), not the chain's last module: the chain follows the rest of the graph (an import
    # added elsewhere can make another chain the shortest), and the fingerprint (baselines) must not.
    team = project.team_of(upstream) if project.is_first_party(upstream) else None
    return Finding(
        code=contract.code,
        message=message,
        path=path,
        line=line,
        column=column,
        end_line=end,
        module=head,
        imported=upstream,
        team=team.name if team else None,
        chain=_chain_links(project, chain),
        snippet=snippet,
    )


def _child(package: str, module: str) -> str:
    depth = len(package.split(".")) + 1
    return ".".join(module.split(".")[:depth])


def _cycle_finding(
    project: Project, search: _Search, contract: GraphContract, package: str, importer: str, imported: str
) -> Finding:
    graph = search.graph
    details = graph.get_import_details(importer=importer, imported=imported)
    numbers = sorted(d["line_number"] for d in details if d["line_number"] is not None)
    line = numbers[0] if numbers else None
    first: Link = {"importer": importer, "imported": imported, "line_numbers": tuple(numbers) or (None,)}
    down, up = _child(package, importer), _child(package, imported)
    # The way back closing the cycle: the canonical shortest chain (grimp's find_shortest_chain breaks
    # ties differently from run to run).
    back = search.shortest(search.package(up), search.package(down)) or ()
    links: list[Link] = [first, *search.links(back)]
    cycle = [down, up]
    for module in back:
        child = _child(package, module)
        if child != cycle[-1]:
            cycle.append(child)
    if cycle[-1] != down:
        cycle.append(down)
    where = _located(project, graph, importer, imported, line)
    path, number, column, end, snippet = where if where else (importer, 1, 1, 1, "")
    team = project.team_of(imported)
    return Finding(
        code=contract.code,
        message=(
            f"{importer} imports {imported}, closing an import cycle among the children of {package}: "
            f"{' -> '.join(cycle)} (via {chain_text(links)}); removing this import would break it; "
            "invert the dependency or move the shared code into a lower module"
        ),
        path=path,
        line=number,
        column=column,
        end_line=end,
        module=importer,
        imported=imported,
        team=team.name if team else None,
        chain=_chain_links(project, links),
        snippet=snippet,
    )
