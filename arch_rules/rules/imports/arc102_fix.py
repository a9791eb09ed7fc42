"""The fix of ARC102: move an import of another team's private module onto the team's interface.

``from team_b.internal.x import Charge`` becomes ``from team_b.api import Charge`` when ``team_b.api``
exports the same ``Charge``. The rewrite is made with libcst on the bytes the run read, so formatting,
aliases and comments stay as they were; a fix that would lose a comment, could import a different object,
or could close an import cycle is not made, and a note says why. This module computes the new bytes; the
fix adapter (arch_rules/adapters/fixes.py) shows, diffs and writes them.

Safety: only the import statements of reported ARC102 findings change; the result must parse with libcst
and ``ast`` and keep every other statement identical.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from arch_rules.facts import ImportFact
from arch_rules.model.project import Project, Target
from arch_rules.rules.imports.arc102_private_team_module import exporters

__all__ = ["Fixer"]


class Fixer:
    """Fixes the ARC102 imports of one run's files, one file at a time (what it learns of the import
    graph is kept across files)."""

    def __init__(self, project: Project) -> None:
        self._planner = _Planner(project)

    def fix(
        self, importer: str, lines: dict[int, set[str]], before: bytes, shown: str, notes: list[str]
    ) -> tuple[bytes | None, list[int]]:
        """The file ``before`` with the reported imports (line -> imported modules) moved, and the lines of
        the statements rewritten; ``None`` when nothing can be fixed (``notes`` say why)."""
        plans = self._planner.plan(importer, lines, shown, notes)
        if not plans:
            return None, []
        return _rewrite(before, plans, shown, notes)


# ----------------------------------------------------------------------------------------------------
# planning: which names of which statements move to which interface module


@dataclass(frozen=True)
class _Plan:
    """One import statement of the file and where each of its names goes (None: it stays)."""

    fact: ImportFact
    moves: tuple[str | None, ...]  # per alias of ``fact.names``


class _Planner:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._reach: dict[str, set[str]] = {}

    def plan(self, importer: str, lines: dict[int, set[str]], shown: str, notes: list[str]) -> list[_Plan]:
        facts = self.project.facts.get(importer)
        if facts is None:
            return []
        plans = []
        for line in sorted(lines):
            imported = lines[line]
            for fact in facts.imports:
                if fact.line != line:
                    continue
                targets = self.project.targets(importer, fact)
                if not any(t.module in imported for t in targets):
                    continue
                plan = self._statement(importer, fact, targets, imported, f"{shown}:{line}", notes)
                if plan is not None:
                    plans.append(plan)
        return plans

    def _statement(
        self, importer: str, fact: ImportFact, targets: list[Target], imported: set[str], where: str, notes: list[str]
    ) -> _Plan | None:
        if fact.form == "dynamic":
            notes.append(f"{where}: a dynamic import of {fact.module}; left as is")
            return None
        if fact.form == "import":
            module = fact.module
            team = self.project.team_of(module)
            instead = ", ".join(self.project.interface_modules(team)) if team else ""
            notes.append(
                f"{where}: `import {module}` uses the module itself, not names from it; left as is"
                + (f" (import what you use from {instead} instead)" if instead else "")
            )
            return None
        moves: list[str | None] = []
        for name, _alias in fact.names:
            target = _target_of(targets, name)
            if target is None or target.module not in imported:
                moves.append(None)
                continue
            moves.append(self._destination(importer, fact, target, name, where, notes))
        if not any(moves):
            return None
        return _Plan(fact, tuple(moves))

    def _destination(
        self, importer: str, fact: ImportFact, target: Target, name: str, where: str, notes: list[str]
    ) -> str | None:
        """The interface module ``name`` can be imported from instead, or None (with a note saying why)."""
        project = self.project
        team = project.team_of(target.module)
        if name == "*":
            notes.append(f"{where}: a star import of {target.module}; left as is")
            return None
        if team is None:
            return None
        if not project.interface_modules(team):
            notes.append(f"{where}: team {team.name} publishes no interface module; left as is")
            return None
        # The name as the statement imports it: a submodule is known by its last segment.
        source_module, source_name = (target.module, name) if target.names else (target.module, "")
        candidates = exporters(project, team, name)
        if not candidates:
            notes.append(f"{where}: {name} is not exported by {_possessive(team.name)} interface; left as is")
            return None
        reasons = []
        for interface in candidates:
            why = self._unsafe(importer, fact, interface, name, source_module, source_name)
            if why is None:
                return interface
            reasons.append(why)
        notes.append(f"{where}: {reasons[0]}; left as is")
        return None

    def _unsafe(
        self, importer: str, fact: ImportFact, interface: str, name: str, source_module: str, source_name: str
    ) -> str | None:
        """Why importing ``name`` from ``interface`` might not mean the same, or None when it does."""
        project = self.project
        facts = project.facts[interface]
        listed = facts.all_names is not None and any(n == name for n, _ in facts.all_names)
        submodule = (
            project.modules.get(interface) is not None
            and project.modules[interface].is_package
            and (project.exists(f"{interface}.{name}"))
        )
        if name not in facts.bound_names and not (listed and facts.star_import) and not submodule:
            return f"{interface} lists {name} in __all__ but never binds it"
        binding = _origin(project, interface, name)
        if binding == "type-only" and not fact.type_checking:
            return f"{interface} imports {name} only under TYPE_CHECKING"
        here = (source_module, source_name) if not source_name else _origin(project, source_module, source_name)
        if isinstance(binding, tuple) and isinstance(here, tuple) and binding != here:
            return f"{name} in {interface} is not the same object as in {source_module}"
        if not fact.local and not fact.type_checking and importer in self._reachable(interface):
            return f"{interface} imports {importer} (directly or not): importing from it here would be a cycle"
        return None

    def _reachable(self, start: str) -> set[str]:
        """Project modules that importing ``start`` runs: its top-level runtime imports, transitively."""
        if start in self._reach:
            return self._reach[start]
        project = self.project
        seen: set[str] = set()
        todo = [start]
        while todo:
            current = todo.pop()
            for module in _with_ancestors(current):
                if module in seen or module not in project.modules:
                    continue
                seen.add(module)
                for fact in project.facts.get(module, _NO_FACTS).imports:
                    if fact.local or fact.type_checking or fact.form == "dynamic":
                        continue
                    todo.extend(t.module for t in project.targets(module, fact) if t.first_party)
        self._reach[start] = seen
        return seen


class _NoFacts:
    imports: tuple[ImportFact, ...] = ()


_NO_FACTS = _NoFacts()


def _possessive(team: str) -> str:
    return f"team {team}'" if team.endswith("s") else f"team {team}'s"


def _with_ancestors(module: str) -> Iterable[str]:
    parts = module.split(".")
    return (".".join(parts[: i + 1]) for i in range(len(parts)))


def _target_of(targets: list[Target], name: str) -> Target | None:
    for target in targets:
        if name in target.names:
            return target
    for target in targets:
        if not target.names and target.module.rsplit(".", 1)[-1] == name:
            return target
    return None


def _origin(project: Project, module: str, name: str, depth: int = 0) -> tuple[str, str] | str | None:
    """Where ``name`` as bound in ``module`` comes from: (defining module, name), ``(module, "")`` for a
    submodule, ``"type-only"`` when only a TYPE_CHECKING import binds it, None when it cannot be told."""
    facts = project.facts.get(module)
    if facts is None or depth > 20:
        return None
    type_only = False
    for fact in facts.imports:
        if fact.local or fact.form != "from":
            continue
        for original, alias in fact.names:
            if (alias or original) != name:
                continue
            if fact.type_checking:
                type_only = True
                continue
            target = _target_of(project.targets(module, fact), original)
            if target is None or not target.first_party:
                return None
            if not target.names:
                return (target.module, "")
            return _origin(project, target.module, original, depth + 1)
    if type_only:
        return "type-only"
    if any(d.name == name for d in facts.defs):
        return (module, name)
    return None


# ----------------------------------------------------------------------------------------------------
# rewriting with libcst


def _rewrite(before: bytes, plans: list[_Plan], shown: str, notes: list[str]) -> tuple[bytes | None, list[int]]:
    # libcst knows \n and \r\n only: a file whose lines end in a bare \r (old Mac style) is fixed in \n form
    # and turned back, so it keeps every line ending, the last one included.
    cr_only = b"\r" in before and b"\n" not in before
    after, lines = _rewrite_lf(before.replace(b"\r", b"\n") if cr_only else before, plans, shown, notes)
    if after is not None and cr_only:
        after = after.replace(b"\n", b"\r")
    return after, lines


def _rewrite_lf(before: bytes, plans: list[_Plan], shown: str, notes: list[str]) -> tuple[bytes | None, list[int]]:
    try:
        module = cst.parse_module(before)
    except cst.ParserSyntaxError:
        notes.append(f"{shown}: libcst cannot parse this file; left as is")
        return None, []
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collect = _Collect()
    wrapper.visit(collect)
    edits = _Edits(module)
    lines = []
    for plan in plans:
        found = [
            (node, line_node)
            for node, line, line_node in collect.imports
            if line == plan.fact.line and _same(node, plan.fact)
        ]
        if len(found) != 1:
            notes.append(f"{shown}:{plan.fact.line}: cannot find this import in the syntax tree; left as is")
            continue
        node, line_node = found[0]
        if edits.add(plan, node, line_node, shown, notes):
            lines.append(plan.fact.line)
    if not lines:
        return None, []
    fixed = module.visit(_Apply(edits))
    after = fixed.bytes
    problem = _verify(before, after)
    if problem:
        notes.append(f"{shown}: the fixed file {problem}; left as is (please report)")
        return None, []
    return after, lines


class _Collect(cst.CSTVisitor):
    """Every ``from`` import with its first line, and its statement line when it is alone on it."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.imports: list[tuple[cst.ImportFrom, int, cst.SimpleStatementLine | None]] = []
        self._line: cst.SimpleStatementLine | None = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._line = node if len(node.body) == 1 else None

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._line = None

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.imports.append((node, line, self._line))


def _same(node: cst.ImportFrom, fact: ImportFact) -> bool:
    module = get_full_name_for_node(node.module) if node.module is not None else ""
    if (module or "") != fact.module or len(node.relative) != fact.level:
        return False
    if isinstance(node.names, cst.ImportStar):
        return fact.names == (("*", None),)
    return tuple(_alias_key(a) for a in node.names) == fact.names


def _alias_key(alias: cst.ImportAlias) -> tuple[str, str | None]:
    asname = None
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        asname = alias.asname.name.value
    return (get_full_name_for_node(alias.name) or "", asname)


def _dotted(name: str) -> cst.Attribute | cst.Name:
    expression = cst.parse_expression(name)
    assert isinstance(expression, cst.Attribute | cst.Name)
    return expression


_SPACE_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _has_comment(module: cst.Module, node: cst.CSTNode) -> bool:
    # An import statement holds no strings, so any "#" in its source starts a comment.
    return "#" in module.code_for_node(node)


def _bare(alias: cst.ImportAlias) -> cst.ImportAlias:
    return alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _with_names(node: cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> cst.ImportFrom:
    """``node`` importing ``aliases``: each keeps its own comma, the last takes the statement's old last
    comma (so a trailing comma and the closing line stay as written), a new one gets the first's style."""
    old = list(node.names) if not isinstance(node.names, cst.ImportStar) else []
    last = old[-1].comma if old else cst.MaybeSentinel.DEFAULT
    separator: cst.Comma = _SPACE_COMMA
    if node.lpar is not None and len(old) > 1 and isinstance(old[0].comma, cst.Comma):
        separator = old[0].comma
        after = separator.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None:
            separator = separator.with_changes(whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace()))
    out = []
    for index, alias in enumerate(aliases):
        if index == len(aliases) - 1:
            out.append(alias.with_changes(comma=last if node.lpar is not None else cst.MaybeSentinel.DEFAULT))
        elif old and alias is old[-1] and isinstance(alias.comma, cst.Comma):
            # The old last one's trailing comma leads to the closing line: indent like the others instead,
            # keeping a comment it carries.
            own, sep = alias.comma.whitespace_after, separator.whitespace_after
            if isinstance(own, cst.ParenthesizedWhitespace) and own.first_line.comment is not None:
                indent = sep.last_line if isinstance(sep, cst.ParenthesizedWhitespace) else own.last_line
                out.append(
                    alias.with_changes(
                        comma=alias.comma.with_changes(whitespace_after=own.with_changes(last_line=indent))
                    )
                )
            else:
                out.append(alias.with_changes(comma=separator))
        elif isinstance(alias.comma, cst.Comma):
            out.append(alias)
        else:
            out.append(alias.with_changes(comma=separator))
    return node.with_changes(names=out)


def _new_import(interface: str, aliases: Sequence[cst.ImportAlias]) -> cst.SimpleStatementLine:
    bare = [_bare(a) for a in aliases]
    names = [a.with_changes(comma=_SPACE_COMMA) for a in bare[:-1]] + bare[-1:]
    return cst.SimpleStatementLine(body=[cst.ImportFrom(module=_dotted(interface), names=names)])


class _Edits:
    """What replaces which original node: statements rewritten in place, split, removed, merged into."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.replace: dict[int, cst.CSTNode | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel] = {}
        self.merge: dict[int, list[cst.ImportAlias]] = {}
        self.top: dict[int, int] = {id(s): i for i, s in enumerate(module.body)}
        self.existing: dict[str, list[tuple[int, cst.SimpleStatementLine]]] = {}
        for index, statement in enumerate(module.body):
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                node = statement.body[0]
                if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
                    if not isinstance(node.names, cst.ImportStar):
                        name = get_full_name_for_node(node.module) or ""
                        self.existing.setdefault(name, []).append((index, statement))

    def _merge_target(
        self, interface: str, line_node: cst.SimpleStatementLine | None
    ) -> cst.SimpleStatementLine | None:
        """An earlier top-level ``from interface import ...`` to add names to (only from a top-level line)."""
        if line_node is None or id(line_node) not in self.top:
            return None
        index = self.top[id(line_node)]
        for other_index, statement in self.existing.get(interface, []):
            if other_index < index and id(statement) not in self.replace:
                return statement
        return None

    def add(
        self,
        plan: _Plan,
        node: cst.ImportFrom,
        line_node: cst.SimpleStatementLine | None,
        shown: str,
        notes: list[str],
    ) -> bool:
        assert not isinstance(node.names, cst.ImportStar)
        aliases = list(node.names)
        groups: dict[str, list[cst.ImportAlias]] = {}
        stay: list[cst.ImportAlias] = []
        for alias, destination in zip(aliases, plan.moves, strict=True):
            if destination is None:
                stay.append(alias)
            else:
                groups.setdefault(destination, []).append(alias)
        where = f"{shown}:{plan.fact.line}"
        if not stay and len(groups) == 1:
            (interface,) = groups
            target = self._merge_target(interface, line_node)
            if target is not None and line_node is not None and not _has_comment(self.module, line_node):
                self._merge_into(target, aliases)
                self.replace[id(line_node)] = cst.RemoveFromParent()
            else:
                self.replace[id(node)] = node.with_changes(module=_dotted(interface), relative=[])
            return True
        moved = [a for group in groups.values() for a in group]
        if line_node is None or any(_has_comment(self.module, a) for a in moved):
            names = ", ".join(_alias_key(a)[0] for a in moved)
            notes.append(
                f"{where}: {names} could move to the interface, but the statement "
                + ("shares its line with others" if line_node is None else "has comments beside them")
                + "; left as is so nothing is lost (split it by hand)"
            )
            return False
        statements: list[cst.BaseStatement] = []
        first: cst.SimpleStatementLine | None = None
        if stay:
            first = line_node.with_changes(body=[_with_names(node, stay)])
        for interface, group in groups.items():
            target = self._merge_target(interface, line_node)
            if target is not None and (first is not None or not _has_comment(self.module, line_node)):
                self._merge_into(target, group)
            elif first is None:
                rewritten = _with_names(node, [_bare(a) for a in group]).with_changes(
                    module=_dotted(interface), relative=[]
                )
                first = line_node.with_changes(body=[rewritten])
            else:
                statements.append(_new_import(interface, group))
        if first is None:
            self.replace[id(line_node)] = cst.RemoveFromParent()
        else:
            self.replace[id(line_node)] = cst.FlattenSentinel([first, *statements])
        return True

    def _merge_into(self, target: cst.SimpleStatementLine, aliases: list[cst.ImportAlias]) -> None:
        node = target.body[0]
        assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
        have = {_alias_key(a) for a in node.names} | {_alias_key(a) for a in self.merge.get(id(target), [])}
        extra = [_bare(a) for a in aliases if _alias_key(a) not in have]
        self.merge.setdefault(id(target), []).extend(extra)


class _Apply(cst.CSTTransformer):
    """Swaps the planned nodes (found by identity in the tree the plans were made on)."""

    def __init__(self, edits: _Edits) -> None:
        super().__init__()
        self.edits = edits

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        replacement = self.edits.replace.get(id(original_node))
        if isinstance(replacement, cst.ImportFrom):
            return replacement
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        extra = self.edits.merge.get(id(original_node))
        if extra:
            node = updated_node.body[0]
            assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
            return updated_node.with_changes(body=[_with_names(node, [*node.names, *extra])])
        replacement = self.edits.replace.get(id(original_node))
        if isinstance(replacement, cst.SimpleStatementLine | cst.FlattenSentinel | cst.RemovalSentinel):
            return replacement
        return updated_node


def _verify(before: bytes, after: bytes) -> str:
    """'' when ``after`` parses (libcst and ast) and differs from ``before`` only in import statements."""
    try:
        cst.parse_module(after)
        new_tree = ast.parse(after)
        old_tree = ast.parse(before)
    except (SyntaxError, ValueError, cst.ParserSyntaxError) as exc:
        return f"would not parse ({exc})"
    if _without_imports(old_tree) != _without_imports(new_tree):
        return "would change more than its import statements"
    return ""


def _without_imports(tree: ast.Module) -> str:
    """The tree's dump with every ``from`` import taken out: what a fix must leave exactly as it was."""

    class Strip(ast.NodeTransformer):
        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            return None

    return ast.dump(Strip().visit(tree))
