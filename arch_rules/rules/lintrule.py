"""``LintRule``: a rule written as a libcst visitor, the shape of the standards rules (ARC501, ARC502) and of
the rules teams write themselves (``plugins = [...]``, issue 12).

After Fixit's ``LintRule``: a class with a code, a name, a message, a scope, a ``because`` and its own
VALID/INVALID examples, plus ``visit_*``/``leave_*`` methods that take libcst nodes. It *describes*:
``self.report(node)`` records a node and a message; the engine owns parsing, positions, suppression,
caching and formats. A ``LintRule`` is a ``Rule``: its class attributes are the record that ``explain``,
``rules``, the docs and SARIF read (a team's rule gets a summary from its message, a rationale from its
``because`` and docstring, examples from its first INVALID and VALID).

This module does not import libcst: the registry lists ARC501/ARC502 without loading it, and a project
with no standards never does. The engine (``arch_rules.engine.lint``) runs every rule of a file in one
libcst batched visit, with scope and qualified-name metadata; positions only for files with a report.
Nothing here imports or runs the analysed code: a rule sees its syntax tree only.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from arch_rules.rules.lintcontext import Context, Invalid, Valid
from arch_rules.rules.rule import Example, Rule

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["Context", "Invalid", "LintRule", "Reported", "Valid", "dotted_only", "rule_problems"]

#: A custom rule's code: letters then digits, as flake8 wants them; ``ARC`` belongs to arch-rules itself.
CUSTOM_CODE_RE = re.compile(r"^[A-Z]+[0-9]+$")

#: The keys of ``LintRule.scope``.
SCOPE_KEYS = ("in", "outside", "teams", "interfaces")


@dataclass(frozen=True)
class Reported:
    """What a rule said about a node: the engine turns it into a ``Finding`` (nodes never leave the visit)."""

    node: cst.CSTNode
    message: str
    #: The name the finding is about (a banned or deprecated API), for ``Finding.imported`` and the baseline.
    imported: str | None = None


class LintRule(Rule):
    """Base class of libcst rules. Subclass it, set the class attributes, write ``visit_*`` methods and call
    ``self.report(node)`` (or ``self.report(node, "a more specific message")``).

    ``scope`` limits the files the rule sees (absent keys do not limit): ``in``/``outside`` are module
    patterns of the configuration language (covering descendants), ``teams`` team names, ``interfaces``
    ``True`` for interface modules only (``False``: all but interface modules).
    """

    engine: ClassVar[str] = "per-file"
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    message: ClassVar[str] = ""
    because: ClassVar[str] = ""
    severity: ClassVar[str] = "error"
    scope: ClassVar[Mapping[str, Any]] = {}
    VALID: ClassVar[Sequence[str | Valid]] = ()
    INVALID: ClassVar[Sequence[str | Invalid]] = ()
    #: Where the rule came from, set by the plugin loader (``tools/arch_standards.py``), for messages.
    origin: ClassVar[str] = ""
    #: libcst metadata providers the rule reads beyond scope and qualified names (always resolved).
    METADATA_DEPENDENCIES: ClassVar[tuple[Any, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A team's rule gets the record every rule has from what it wrote (a built-in one writes its own)."""
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        message = " ".join(str(cls.message).split())
        if "summary" not in own:
            cls.summary = message if message.endswith(".") or not message else message + "."
        if "rationale" not in own:
            doc = " ".join((inspect.getdoc(cls) or "").split()) if "__doc__" in own and cls.__doc__ else ""
            cls.rationale = " ".join(part for part in (" ".join(str(cls.because).split()), doc) if part)
        if "bad" not in own:
            cls.bad = _example(cls, cls.INVALID, marked=True)
        if "good" not in own:
            cls.good = _example(cls, cls.VALID, marked=False)
        if "fix" not in own:
            cls.fix = ""
        if "details" not in own:
            scope = "; ".join(f"{key}: {value}" for key, value in dict(cls.scope).items()) or "every module"
            cls.details = f"Scope: {scope}."

    def __init__(self, context: Context | None = None) -> None:
        """``context`` is the file being visited; the registry's instance (the record) has none."""
        self.context = context if context is not None else Context(module="")
        self.reports: list[Reported] = []
        #: Set by the engine's guard when a visitor method raised: (method name, exception, node).
        self.failure: tuple[str, BaseException, cst.CSTNode] | None = None
        #: The libcst visitor the engine runs this rule through (metadata comes from it).
        self._visitor: Any = None

    def report(self, node: cst.CSTNode, message: str | None = None, imported: str | None = None) -> None:
        """Record a finding at ``node``; ``message`` defaults to the rule's ``message``."""
        self.reports.append(Reported(node, " ".join((message or self.message).split()), imported))

    def get_metadata(self, key: Any, node: cst.CSTNode, default: Any = None) -> Any:
        """libcst metadata of ``node`` (a provider of ``METADATA_DEPENDENCIES``, scope or qualified names)."""
        return self._visitor.get_metadata(key, node, default)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        """The names ``node`` may stand for (``{"datetime.datetime.now"}`` for ``dt.datetime.now`` after
        ``import datetime as dt``; ``builtins.print`` for an unshadowed ``print``), relative imports
        resolved against the module's package."""
        from libcst.metadata import QualifiedNameProvider

        found = self.get_metadata(QualifiedNameProvider, node, set())
        return {absolute_name(q.name, self.context.package) for q in found}

    @classmethod
    def label(cls) -> str:
        """``SHOP001 raw-sql-outside-repositories (plugin tools/arch_standards.py)``: how messages name it."""
        text = f"{cls.code} {cls.name}".strip()
        return f"{text} (plugin {cls.origin})" if cls.origin else text


def _example(rule: type[LintRule], examples: Sequence[str | Valid | Invalid], marked: bool) -> Example:
    """A rule's first example as the record shows it: one file, the reported line marked ``# expect:``."""
    if not examples:
        return Example(files=())
    first = examples[0]
    code = first if isinstance(first, str) else first.code
    lines = textwrap.dedent(code).strip("\n").split("\n")
    line = first.line if isinstance(first, Invalid) else None
    if marked and line is not None and 0 < line <= len(lines):
        lines[line - 1] += f"  # expect: {rule.code}"
    module = "example" if isinstance(first, str) else first.module
    return Example(files=((module.replace(".", "/") + ".py", "\n".join(lines) + "\n"),))


def dotted_only(node: cst.CSTNode) -> bool:
    """Whether ``node`` is a plain dotted name (``a.b.c``): its qualified name is then what the code says.
    Through a call (``a.b().c``) libcst still resolves a name (``a.b.c``), which is not one the code wrote."""
    import libcst as cst

    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def absolute_name(name: str, package: str) -> str:
    """``..api.refund`` from ``shop.orders.domain`` -> ``shop.orders.api.refund``; absolute names as they are."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return name.lstrip(".")
    base = parts[: len(parts) - (level - 1)]
    rest = name[level:]
    return ".".join([*base, rest] if rest else base)


def rule_problems(rule: type[LintRule]) -> list[str]:
    """Why ``rule`` cannot be used (empty when it can): code, name, message and scope, one phrase each.

    ``scope`` patterns are checked by the loader with the configuration's pattern language.
    """
    problems: list[str] = []
    code = rule.code
    if not isinstance(code, str) or not CUSTOM_CODE_RE.match(code):
        problems.append(f"code {code!r} is not letters then digits (like SHOP001)")
    elif code.startswith("ARC"):
        problems.append(f"code {code!r} starts with ARC, which arch-rules keeps for its own rules")
    if not isinstance(rule.name, str) or not rule.name.strip():
        problems.append("has no name (a kebab-case name such as raw-sql-outside-repositories)")
    if not isinstance(rule.message, str) or not rule.message.strip():
        problems.append("has no message")
    if rule.severity not in ("error", "warning"):
        problems.append(f'severity {rule.severity!r} is not "error" or "warning"')
    scope = rule.scope
    if not isinstance(scope, Mapping):
        problems.append(f"scope must be a dict with keys {', '.join(SCOPE_KEYS)}")
        return problems
    for key, value in scope.items():
        if key not in SCOPE_KEYS:
            problems.append(f"scope key {key!r} is not one of {', '.join(SCOPE_KEYS)}")
        elif key == "interfaces":
            if not isinstance(value, bool):
                problems.append("scope['interfaces'] must be true or false")
        elif not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            problems.append(f"scope[{key!r}] must be a list of strings")
    return problems
