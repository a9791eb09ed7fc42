"""``arch-rules init --from-import-linter``: an import-linter configuration as a ``[tool.arch_rules]`` table.

Most teams that want arch-rules already keep import-linter contracts. This reads them where lint-imports
does (``.importlinter``, ``setup.cfg`` ``[importlinter]`` sections, ``pyproject.toml``
``[tool.importlinter]``, or a file named on the command line) and writes the same architecture in
arch-rules' terms, so that ``arch-rules check`` breaks the same contracts ``lint-imports`` breaks:

==========================  ==========================================================================
import-linter               arch-rules
==========================  ==========================================================================
``root_package(s)``         ``root_packages`` (and ``source_roots``: the folders that hold them)
``exclude_type_checking``   ``type_checking_imports = "ignore"``
``layers``                  ``[[layers]]``: ``order`` (``|``/``:`` siblings and ``(optional)`` as is),
                            ``containers``, ``exhaustive``, ``exhaustive_ignores``
``forbidden``               ``[[forbid]]``: ``from``, ``import`` (third-party names too),
                            ``allow_indirect``
``independence``            ``[[independent]]``
``acyclic_siblings``        ``acyclic``: the ancestors, and with ``depth`` their descendants
``private_modules``         ``private_imports = "everywhere"`` (ARC105)
``protected``               ``[[forbid]]`` with ``allow_indirect``: every other package of the project
                            today may not import the protected modules
every contract              ``name`` kept, ``ignore_imports`` (wildcards rewritten),
                            ``broken_contract_guidance`` as ``because``
==========================  ==========================================================================

Wildcards: import-linter's ``**`` is *one* or more segments, arch-rules' zero or more, so ``a.**``
becomes ``a.*.**``. Whatever has no faithful translation is listed as not translated (a comment in the
table and a line on stderr), never dropped silently: custom contract types, ``as_packages = false``,
``protected`` contracts with wildcards, an acyclic contract's ``skip_descendants`` or ``ignore_imports``;
and what translates with a difference says so too (a ``protected`` contract's ``from`` list is the code
as it is today).
"""

from __future__ import annotations

import configparser
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arch_rules.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Where lint-imports looks, in its order (INI files first, then pyproject.toml).
SOURCES = ("setup.cfg", ".importlinter", "pyproject.toml")

_SKIP_FOLDERS = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".tox", ".nox"}


@dataclass
class ImportLinterConfig:
    path: Path
    session: dict[str, Any]
    contracts: list[dict[str, Any]]


@dataclass
class Migration:
    """The translated table, and what did not translate (or translated with a difference)."""

    source: Path
    table: str
    untranslated: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------------
# reading


def find(cwd: Path, named: str | None = None) -> ImportLinterConfig:
    """The import-linter configuration lint-imports would read from ``cwd`` (or the file ``named``)."""
    if named:
        path = Path(named) if Path(named).is_absolute() else cwd / named
        if not path.is_file():
            raise UsageError(f"{named}: no such file")
        found = read(path)
        if found is None:
            raise UsageError(f"{named}: holds no import-linter configuration ([importlinter] or [tool.importlinter])")
        return found
    for name in SOURCES:
        path = cwd / name
        if path.is_file():
            found = read(path)
            if found is not None:
                return found
    raise UsageError(
        f"no import-linter configuration in {cwd} (looked for [importlinter] in setup.cfg and .importlinter, "
        "[tool.importlinter] in pyproject.toml); name the file: init --from-import-linter FILE"
    )


def read(path: Path) -> ImportLinterConfig | None:
    """One file's import-linter options, as lint-imports reads them (INI lists are one item per line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path.name}: invalid TOML ({exc})") from None
        tool = data.get("tool", {})
        session = dict(tool.get("importlinter", {})) if isinstance(tool, dict) else {}
        if not session:
            return None
        contracts = session.pop("contracts", [])
        if not isinstance(contracts, list) or not all(isinstance(c, dict) for c in contracts):
            raise UsageError(f"{path.name}: tool.importlinter.contracts must be an array of tables")
        return ImportLinterConfig(path, session, [dict(c) for c in contracts])
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise UsageError(f"{path.name}: invalid INI ({' '.join(str(exc).split())})") from None
    if "importlinter" not in parser.sections():
        return None
    contracts = []
    for section in parser.sections():
        if section.startswith("importlinter:"):
            contracts.append({"id": section.split(":")[-1], **_ini_section(parser[section])})
    return ImportLinterConfig(path, _ini_section(parser["importlinter"]), contracts)


def _ini_section(section: configparser.SectionProxy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in section.items():
        out[key] = value.strip().split("\n") if "\n" in value else value
    return out


# ----------------------------------------------------------------------------------------------------
# translating


def _list(value: Any) -> list[str]:
    """An option as a list of strings (TOML lists, INI lines, one string), comments and blanks dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = str(item).split("#", 1)[0].strip()
        if text:
            out.append(text)
    return out


def _bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def _expression(text: str) -> str:
    """An import-linter module expression in arch-rules' pattern language (``**`` is one or more there)."""
    return ".".join("*.**" if part == "**" else part for part in text.strip().split("."))


def _import(text: str) -> str | None:
    """``a.** -> b`` with each side rewritten; None when the text is not ``importer -> imported``."""
    if "->" not in text:
        return None
    importer, imported = (side.strip() for side in text.split("->", 1))
    return f"{_expression(importer)} -> {_expression(imported)}"


def _source_roots(cwd: Path, roots: list[str]) -> list[str]:
    """The folders (relative to ``cwd``) that hold the root packages: ``cwd`` itself or a folder one level
    down (``src``), as lint-imports finds them on the path."""
    folders = [cwd, *(p for p in sorted(cwd.iterdir()) if p.is_dir() and p.name not in _SKIP_FOLDERS)]
    found: list[str] = []
    for root in roots:
        regular = [f for f in folders if (f / root / "__init__.py").is_file()]
        namespace = [f for f in folders if (f / root).is_dir()]
        for folder in (regular or namespace)[:1]:
            rel = "." if folder == cwd else folder.relative_to(cwd).as_posix()
            if rel not in found:
                found.append(rel)
    return found or ["."]


def _module_tree(cwd: Path, source_roots: list[str], roots: list[str]) -> dict[str, list[str]]:
    """Module name -> its child modules, for the root packages in the source roots (files on disk)."""
    tree: dict[str, list[str]] = {}

    def walk(folder: Path, name: str) -> None:
        tree[name] = []
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and entry.name.isidentifier() and (entry / "__init__.py").is_file():
                tree[name].append(f"{name}.{entry.name}")
                walk(entry, f"{name}.{entry.name}")
            elif entry.suffix == ".py" and entry.stem.isidentifier() and entry.stem != "__init__":
                tree[name].append(f"{name}.{entry.stem}")
                tree[f"{name}.{entry.stem}"] = []

    for root in roots:
        for source in source_roots:
            folder = cwd / source / root
            if folder.is_dir():
                walk(folder, root)
                break
    return tree


def _complement(tree: dict[str, list[str]], node: str, keep: list[str], missed: list[str]) -> list[str]:
    """The fewest patterns (each covering descendants) that cover every module under ``node`` except those
    in or under ``keep``; ancestors of ``keep``, whose own module no such pattern can name alone, go to
    ``missed``."""
    if any(node == k or node.startswith(k + ".") for k in keep):
        return []
    if any(k.startswith(node + ".") for k in keep):
        missed.append(node)
        return [name for child in tree.get(node, []) for name in _complement(tree, child, keep, missed)]
    return [node]


def translate(config: ImportLinterConfig, cwd: Path) -> Migration:
    """The ``[tool.arch_rules]`` table for ``config``, as TOML text."""
    session = config.session
    untranslated: list[str] = []
    roots = _list(session.get("root_packages")) or _list(session.get("root_package"))
    if not roots:
        raise UsageError(f"{config.path.name}: the import-linter configuration names no root_package(s)")
    source_roots = _source_roots(cwd, roots)
    top: list[str] = [
        f"source_roots = {_toml(source_roots)}",
        f"root_packages = {_toml(roots)}",
    ]
    if _bool(session.get("exclude_type_checking_imports")):
        top.append('type_checking_imports = "ignore"')
    if session.get("contract_types"):
        untranslated.append(
            f"contract_types ({', '.join(_list(session['contract_types']))}): custom contract types are "
            "import-linter plugins with no arch-rules equivalent; their contracts are not translated"
        )
    tables: list[str] = []
    acyclic: list[str] = []
    alerting: set[str] = set()
    counts = {"layers": 0, "forbid": 0, "independent": 0}
    for number, contract in enumerate(config.contracts):
        kind = str(contract.get("type", "")).strip()
        name = " ".join(str(contract.get("name", contract.get("id", f"contract {number + 1}"))).split())
        where = f"contract {name!r}"
        if contract.get("ignore_imports"):
            alerting.add(str(contract.get("unmatched_ignore_imports_alerting", "error")).strip().lower())
        ignores = []
        for text in _list(contract.get("ignore_imports")):
            translated = _import(text)
            if translated is None:
                untranslated.append(f"{where}: ignore_imports entry {text!r} is not 'importer -> imported'")
            else:
                ignores.append(translated)
        because = " ".join(str(contract.get("broken_contract_guidance", "")).split())
        common = [f"ignore_imports = {_toml(ignores)}"] if ignores else []
        if because:
            common.append(f"because = {_toml(because)}")
        if kind == "layers":
            lines = ["[[tool.arch_rules.layers]]", f"name = {_toml(name)}"]
            lines.append(f"order = {_toml([' '.join(layer.split()) for layer in _list(contract.get('layers'))])}")
            containers = _list(contract.get("containers"))
            if containers:
                lines.append(f"containers = {_toml([_expression(c) for c in containers])}")
            if _bool(contract.get("exhaustive")):
                lines.append("exhaustive = true")
                ignored = _list(contract.get("exhaustive_ignores"))
                if ignored:
                    lines.append(f"exhaustive_ignores = {_toml(ignored)}")
            tables.append("\n".join(lines + common))
            counts["layers"] += 1
        elif kind == "forbidden":
            lines = ["[[tool.arch_rules.forbid]]", f"name = {_toml(name)}"]
            lines.append(f"from = {_toml([_expression(m) for m in _list(contract.get('source_modules'))])}")
            lines.append(f"import = {_toml([_expression(m) for m in _list(contract.get('forbidden_modules'))])}")
            if _bool(contract.get("allow_indirect_imports")):
                lines.append("allow_indirect = true")
            if not _bool(contract.get("as_packages"), default=True):
                untranslated.append(
                    f"{where}: as_packages = false (the modules without their descendants); arch-rules' "
                    "forbid always covers descendants, so the translation checks more than the original"
                )
            tables.append("\n".join(lines + common))
            counts["forbid"] += 1
        elif kind == "independence":
            lines = ["[[tool.arch_rules.independent]]", f"name = {_toml(name)}"]
            lines.append(f"modules = {_toml([_expression(m) for m in _list(contract.get('modules'))])}")
            tables.append("\n".join(lines + common))
            counts["independent"] += 1
        elif kind == "acyclic_siblings":
            depth_text = str(contract.get("depth", "10")).strip()
            depth = int(depth_text) if depth_text.isdigit() else 10
            for ancestor in _list(contract.get("ancestors")):
                pattern = _expression(ancestor)
                if pattern not in acyclic:
                    acyclic.append(pattern)
                if depth > 0:
                    descendants = f"{pattern}.**" if not pattern.endswith(".**") else pattern
                    if descendants not in acyclic:
                        acyclic.append(descendants)
            if depth not in (0, 10):
                untranslated.append(
                    f"{where}: depth = {depth}; arch-rules' acyclic takes the ancestors and all their "
                    "descendants (pkg.**), deeper than the original if the packages nest more than that"
                )
            for option in ("skip_descendants", "ignore_imports"):
                if contract.get(option):
                    untranslated.append(
                        f"{where}: {option} ({', '.join(_list(contract[option]))}) has no arch-rules "
                        "equivalent for acyclic; cycles through them are reported"
                    )
        elif kind == "private_modules":
            if 'private_imports = "everywhere"' not in top:
                top.append('private_imports = "everywhere"  # from contract ' + _toml(name))
            packages = _list(contract.get("packages_with_private_modules"))
            if packages and sorted(packages) != sorted(roots):
                untranslated.append(
                    f"{where}: packages_with_private_modules ({', '.join(packages)}); arch-rules' ARC105 checks "
                    "private modules in every package, and private names (from m import _x) too"
                )
            else:
                untranslated.append(
                    f'{where}: translated as private_imports = "everywhere"; arch-rules\' ARC105 also reports '
                    "imports of private names (from m import _x), which import-linter does not"
                )
        elif kind == "protected":
            protected = _list(contract.get("protected_modules"))
            allowed = _list(contract.get("allowed_importers"))
            tree = _module_tree(cwd, source_roots, roots)
            if any("*" in m for m in protected + allowed) or not _bool(contract.get("as_packages"), default=True):
                untranslated.append(
                    f"{where}: protected with wildcards or as_packages = false is not translated; write a forbid "
                    "entry (allow_indirect = true) from every other package to the protected modules"
                )
            elif not all(m in tree for m in protected + allowed):
                untranslated.append(f"{where}: protected names modules this project does not have; not translated")
            else:
                missed: list[str] = []
                others = [n for root in roots for n in _complement(tree, root, protected + allowed, missed)]
                if not others:
                    untranslated.append(f"{where}: protected, but no other package could import them today")
                    continue
                lines = ["[[tool.arch_rules.forbid]]", f"name = {_toml(name)}"]
                lines.append(f"# protected: only {', '.join(allowed)} may import {', '.join(protected)} (directly)")
                lines.append(f"from = {_toml(others)}")
                lines.append(f"import = {_toml(protected)}")
                lines.append("allow_indirect = true")
                tables.append("\n".join(lines + common))
                counts["forbid"] += 1
                untranslated.append(
                    f"{where}: protected became a forbid entry from every other package as the code is today "
                    "(a package added later is not covered until it is added to from)"
                    + (
                        f"; the __init__ of {', '.join(missed)} cannot be named alone, so its own imports of "
                        "the protected modules are not checked"
                        if missed
                        else ""
                    )
                )
        else:
            untranslated.append(f"{where}: contract type {kind!r} has no arch-rules equivalent")
    if acyclic:
        top.append(f"acyclic = {_toml(acyclic)}")
    rules: list[str] = []
    if alerting == {"none"}:
        rules.append('ignore = ["ARC004"]  # unmatched_ignore_imports_alerting = "none"')
    elif alerting == {"warn"}:
        rules.append('severity = { ARC004 = "warning" }  # unmatched_ignore_imports_alerting = "warn"')
    elif len(alerting) > 1:
        untranslated.append(
            "unmatched_ignore_imports_alerting differs between contracts; arch-rules reports every unused "
            "ignore_imports entry as ARC004 (an error)"
        )
    header = [
        f"# --- Translated by `arch-rules init --from-import-linter` from {config.path.name}. ---",
        f"# {len(config.contracts)} contract(s): {counts['layers']} layers, {counts['forbid']} forbid, "
        f"{counts['independent']} independent" + (f", acyclic {', '.join(acyclic)}" if acyclic else "") + ".",
    ]
    header += [f"# Not translated: {line}" for line in untranslated]
    body = ["[tool.arch_rules]", *top]
    if rules:
        body += ["", "[tool.arch_rules.rules]", *rules]
    for table in tables:
        body += ["", table]
    return Migration(config.path, "\n".join(["", *header, *body]) + "\n", untranslated)


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# ----------------------------------------------------------------------------------------------------
# the command


def migrate(cwd: Path, named: str | None, write: bool) -> tuple[str, list[str]]:
    """(text for stdout, lines for stderr). With ``write``, the table is added to ``cwd/pyproject.toml``."""
    from arch_rules.adapters.proposal import _append, _existing_text, _has_table

    migration = translate(find(cwd, named), cwd)
    messages = [f"arch-rules: not translated: {line}" for line in migration.untranslated]
    if not write:
        return migration.table.lstrip("\n"), messages
    target = cwd / "pyproject.toml"
    existing = _existing_text(target)
    if existing is not None and _has_table(existing, target):
        raise UsageError(f"{target.name} already has a [tool.arch_rules] table; print the translation without --write")
    _append(target, existing, migration.table)
    what = "contracts" if migration.untranslated == [] else "contracts (see what was not translated above)"
    summary = (
        f"Added [tool.arch_rules] to {target.name}, translated from the import-linter {what} in "
        f"{migration.source.name}. Run `arch-rules check` to see the same broken contracts as lint-imports.\n"
    )
    return summary, messages
