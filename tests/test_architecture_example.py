"""docs/architecture.md's worked example of a new rule works as shown: the module it prints, registered
with one line, is found by every surface that reads the registry, and its examples pass."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from arch_rules.adapters.ruledocs import explain
from arch_rules.rules import all_rules, registry
from arch_rules.testing import check_example

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def _example_rule() -> object:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Adding a rule: a worked example") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code, "the worked example has no python block"
    module = types.ModuleType("arch_rules.rules.imports.arc107_star_import_across_teams")
    sys.modules[module.__name__] = module
    try:
        exec(compile(code.group(1), "docs/architecture.md", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.StarImportAcrossTeams()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> object:
    rule = _example_rule()
    monkeypatch.setattr(registry, "RULES", (*registry.RULES, rule))
    return rule


@pytest.mark.parametrize("kind", ["bad", "good"])
def test_the_worked_example_runs_as_written(registered: object, kind: str, tmp_path: Path) -> None:
    got, want = check_example(registered, kind, tmp_path)  # type: ignore[arg-type]
    assert got == want
    if kind == "bad":
        assert want, "the bad example marks a line"


def test_the_registry_is_the_only_place_that_names_it(registered: object) -> None:
    assert "ARC107" in all_rules()
    assert "star-import-across-teams" in explain(all_rules()["ARC107"])
