"""Every rule's own examples, run through the real engine: the bad example must give exactly the findings
its ``# expect: ARCnnn`` markers announce (none missing, none extra), the good one none of the rule.

The examples live in the rule modules (arch_rules/rules/<family>/arcNNN_*.py), the same ones `arch-rules explain`
and docs/rules.md show, so what users read is what is tested. Only the rule's own code is compared:
an example may break other rules on the way (an empty owned ``__init__.py`` has no docstring, say).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import arch_rules
from arch_rules.rules import Example, Rule, all_rules
from arch_rules.rules.lintrule import LintRule
from arch_rules.rules.registry import RULES
from arch_rules.rules.rule import GraphRule, ImportRule, ModuleRule, ProjectRule, SuppressionRule
from arch_rules.testing import EXPECT_RE, check_example, expected_findings, without_markers

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

#: Examples the engine gets wrong, by their documented meaning: (code, kind) -> reason. Each is
#: reported to the lead; strict, so the test fails loudly once the engine is fixed.
ENGINE_DISAGREES: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    cases = []
    for rule in all_rules().values():
        for kind in ("bad", "good"):
            marks = []
            if (rule.code, kind) in ENGINE_DISAGREES:
                marks.append(pytest.mark.xfail(reason=ENGINE_DISAGREES[(rule.code, kind)], strict=True))
            cases.append(pytest.param(rule, kind, id=f"{rule.code}-{kind}", marks=marks))
    return cases


@pytest.mark.parametrize(("rule", "kind"), _cases())
def test_example(rule: Rule, kind: str, tmp_path: Path) -> None:
    got, want = check_example(rule, kind, tmp_path)
    assert got == want, f"{rule.code} {kind} example: missing {sorted(want - got)}, unexpected {sorted(got - want)}"


# ----------------------------------------------------------------------------------------------------
# the records themselves


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda r: r.code)
def test_record_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"ARC\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name), rule.name
    assert rule.engine in ("config", "per-file", "graph")
    assert rule.summary and "\n" not in rule.summary and rule.summary.endswith(".")
    assert rule.rationale and rule.fix
    # 2–5 sentences of "why": enough to persuade, short enough to read at a finding.
    sentences = len(re.findall(r"[.!?](?:\s|$)", rule.rationale))
    assert 2 <= sentences <= 5, f"{rule.code} rationale has {sentences} sentences"


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda r: r.code)
def test_examples_are_small_real_projects(rule: Rule) -> None:
    for kind, example in (("bad", rule.bad), ("good", rule.good)):
        paths = [path for path, _ in example.files]
        assert paths[0] == "pyproject.toml", f"{rule.code} {kind}: pyproject.toml comes first"
        assert len(paths) == len(set(paths)), f"{rule.code} {kind}: a path is given twice"
        with_content = [path for path, text in example.files if text.strip()]
        assert 2 <= len(with_content) <= 5, f"{rule.code} {kind}: {len(with_content)} non-empty files"
        for path, text in example.files:
            assert not path.startswith("/") and ".." not in path.split("/")
            clean = without_markers(text)
            if path.endswith(".toml"):
                assert "arch_rules" in tomllib.loads(clean)["tool"]
            elif not (rule.code == "ARC003" and kind == "bad"):
                ast.parse(clean, filename=path)


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda r: r.code)
def test_markers_name_only_the_rule_and_only_in_the_bad_example(rule: Rule) -> None:
    bad = expected_findings(rule.bad)
    assert bad, f"{rule.code}: the bad example marks no line with # expect: {rule.code}"
    assert {code for _, _, code in bad} == {rule.code}
    assert not expected_findings(rule.good), f"{rule.code}: the good example carries # expect markers"
    # Lines the graph engine reports are imports of chains of two or more: the marked line must not be
    # the whole chain, so the marked file imports a module that itself imports further.
    if rule.engine == "graph":
        assert len(rule.bad.files) >= 3


def test_without_markers_keeps_every_line_in_place() -> None:
    text = "x = 1  # expect: ARC102\n\nfrom a import b  # noqa: ARC102  # expect: ARC403, ARC105\nlast"
    clean = without_markers(text)
    assert clean == "x = 1\n\nfrom a import b  # noqa: ARC102\nlast"
    assert expected_findings(Example(files=(("m.py", text),))) == {
        ("m.py", 1, "ARC102"),
        ("m.py", 3, "ARC403"),
        ("m.py", 3, "ARC105"),
    }
    assert EXPECT_RE.search("x = 1  # expected: nothing") is None


# ----------------------------------------------------------------------------------------------------
# the registry


def test_every_rule_once_in_its_family_folder() -> None:
    """One rule, one module: each module of a family folder holds one rule, registered once, and the rule's
    hook matches its family (a rule is found from the registry, never wired in by its code elsewhere)."""
    family_of_base = {
        ProjectRule: {"configuration"},
        ModuleRule: {"modules", "interfaces"},
        ImportRule: {"imports"},
        GraphRule: {"graph"},
        SuppressionRule: {"suppression"},
        LintRule: {"standards"},
    }
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    modules = set()
    for rule in RULES:
        module = type(rule).__module__
        _, _, family, name = module.split(".")
        assert name.startswith(rule.code.lower() + "_"), module
        assert name == f"{rule.code.lower()}_{rule.name.replace('-', '_')}", module
        base = next(b for b in family_of_base if isinstance(rule, b))
        assert family in family_of_base[base], (rule.code, family)
        modules.add(module)
    folder = Path(arch_rules.__file__).parent / "rules"
    on_disk = {
        f"arch_rules.rules.{path.parent.name}.{path.stem}" for path in folder.glob("*/arc*.py") if path.is_file()
    }
    fixes = {name for name in on_disk if name.endswith("_fix")}
    assert on_disk - fixes == modules
