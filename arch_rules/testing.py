"""Testing rules the way arch-rules tests its own: ``# expect: CODE`` markers in example projects and
fixture trees, and a runner for a rule's bad and good examples.

A marker ends a line that must produce a finding: ``from shop.payments.gateway import Charge  # expect:
ARC102`` (several codes comma- or space-separated; a TOML comment in pyproject.toml). ``without_markers``
takes them off before the project is checked (otherwise ARC403 would read ``# expect: …`` as the reason of
a ``# noqa``). A harness compares (path, line, code) both ways: a finding missing **or extra** fails.

A team's ``LintRule`` carries its own examples (``VALID``/``INVALID``); ``lint_rule_examples`` runs them::

    @pytest.mark.parametrize("example", lint_rule_examples("tools/arch_standards.py"), ids=str)
    def test_rule_examples(example):
        example.check()

It takes rule classes, or the path of a plugin file, loaded the way ``plugins = [...]`` loads it (nothing
added to ``sys.path``). ``Valid``/``Invalid`` give an example a module or an expected position.

For built-in rules, in a test module::

    from arch_rules.testing import check_example
    from arch_rules.rules import all_rules

    @pytest.mark.parametrize("rule", all_rules().values(), ids=lambda r: r.code)
    def test_bad_example(rule, tmp_path):
        got, want = check_example(rule, "bad", tmp_path)
        assert got == want
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from arch_rules.rules.lintcontext import Invalid, Valid

if TYPE_CHECKING:
    from arch_rules.model.findings import Finding
    from arch_rules.rules.lintrule import LintRule
    from arch_rules.rules.rule import Example, Rule

__all__ = [
    "EXPECT_RE",
    "Invalid",
    "LintExample",
    "Valid",
    "lint_rule_examples",
    "rules_in",
    "check_example",
    "difference",
    "expected_findings",
    "expected_in_tree",
    "without_markers",
    "write_example",
    "write_project",
]

#: ``# expect: ARC102`` (or several codes, comma- or space-separated) at the end of a line.
EXPECT_RE = re.compile(r"\s*#\s*expect:\s*(?P<codes>[A-Z]+\d+(?:[,\s]+[A-Z]+\d+)*)\s*$")


def _markers(text: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT_RE.search(line)
        if match:
            for code in re.split(r"[,\s]+", match.group("codes")):
                yield number, code


def expected_findings(example: Example) -> set[tuple[str, int, str]]:
    """``(path, line, code)`` of every ``# expect:`` marker of the example."""
    return {(path, number, code) for path, text in example.files for number, code in _markers(text)}


def without_markers(text: str) -> str:
    """The file as a user would write it: ``# expect:`` markers removed, every line where it was."""
    return "".join(
        EXPECT_RE.sub("", line.rstrip("\n")) + ("\n" if line.endswith("\n") else "")
        for line in text.splitlines(keepends=True)
    )


def write_project(root: Path, files: Mapping[str, str], config: str | None = None) -> Path:
    """Write a scratch project under ``root``: ``files`` maps project-relative paths to their text (folders
    are made as needed); ``config``, when given, is the text of its pyproject.toml. Returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for relpath, text in files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def write_example(example: Example, root: Path) -> None:
    """Write the example's files under ``root``, markers removed."""
    write_project(root, {path: without_markers(text) for path, text in example.files})


def check_example(rule: Rule, kind: str, root: Path) -> tuple[set[tuple[str, int, str]], set[tuple[str, int, str]]]:
    """Run the rule's ``bad`` or ``good`` example through the real engine in ``root``: (got, want), each a
    set of (path, line, code) of the rule's own code. A bad example wants exactly its markers, a good one
    nothing. Other rules' findings are not compared: an example may break them on the way."""
    import arch_rules

    example = rule.bad if kind == "bad" else rule.good
    write_example(example, root)
    report = arch_rules.check(root, cache=False, graph=rule.engine == "graph", baseline="")
    got = {(f.path, f.line, f.code) for f in report.findings if f.code == rule.code}
    want = expected_findings(example) if kind == "bad" else set()
    return got, want


def expected_in_tree(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, code) for every marker in a fixture project's .py files and its pyproject.toml."""
    found: set[tuple[str, int, str]] = set()
    for path in sorted([*root.rglob("*.py"), *root.glob("pyproject.toml")]):
        if ".arch_rules_cache" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        found.update((rel, number, code) for number, code in _markers(path.read_text(encoding="utf-8")))
    return found


def difference(root: Path, findings: list[Finding]) -> str:
    """A readable account of the missing and extra findings of a fixture tree ('' when they agree)."""
    want, got = expected_in_tree(root), {(f.path, f.line, f.code) for f in findings}
    lines = [f"missing: {path}:{line}: {code}" for path, line, code in sorted(want - got)]
    for item in sorted(got - want):
        message = next(f.message for f in findings if (f.path, f.line, f.code) == item)
        lines.append(f"extra:   {item[0]}:{item[1]}: {item[2]} {message}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------
# a team's LintRules: their VALID / INVALID examples


@dataclass(frozen=True)
class LintExample:
    """One VALID or INVALID example of a rule, already run; ``check()`` fails with what went wrong."""

    rule: str
    kind: str
    index: int
    problem: str

    def check(self) -> None:
        if self.problem:
            raise AssertionError(f"{self}: {self.problem}")

    def __str__(self) -> str:
        return f"{self.rule}-{self.kind}-{self.index}"


def lint_rule_examples(*rules: type[LintRule] | str | Path) -> list[LintExample]:
    """Every example of the given rules (classes or plugin files), run; a rule without examples is itself
    a failing example, so a rule cannot go untested by accident."""
    from arch_rules.engine.lint import run_examples

    classes: list[type[LintRule]] = []
    for rule in rules:
        classes.extend(rules_in(rule) if isinstance(rule, str | Path) else [rule])
    out: list[LintExample] = []
    for rule_class in classes:
        outcomes = run_examples(rule_class)
        if not outcomes or not rule_class.INVALID:
            out.append(LintExample(rule_class.code, "INVALID", 0, "the rule has no INVALID example"))
        out.extend(LintExample(o.rule, o.kind, o.index, o.problem) for o in outcomes)
    return out


def rules_in(path: str | Path) -> list[type[LintRule]]:
    """The ``LintRule`` classes a plugin file defines, loaded by file path (nothing added to ``sys.path``)."""
    from arch_rules.rules.lintrule import LintRule

    file = Path(path).resolve()
    name = "arch_rules_plugin_" + hashlib.sha256(str(file).encode()).hexdigest()[:16]
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return [
        value
        for _, value in inspect.getmembers(module, inspect.isclass)
        if issubclass(value, LintRule) and value is not LintRule and value.__module__ == module.__name__
    ]
