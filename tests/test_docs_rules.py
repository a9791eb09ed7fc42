"""The rule reference: docs/rules.md is what the records generate, its anchors are the ones SARIF links
to, and `arch-rules explain` / `arch-rules rules` print the records through the real command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.adapters.formats.sarif import help_uri
from arch_rules.adapters.ruledocs import DOCS_PATH, anchor, explain, rules_markdown
from arch_rules.rules import all_rules
from tests.tools import script

REPO = Path(__file__).resolve().parents[1]
REGENERATE = "python -m arch_rules.adapters.ruledocs --write"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``arch-rules`` script when it is on PATH, else the same entry point via ``-m``."""
    found = script("arch-rules")
    command = [found] if found else [sys.executable, "-m", "arch_rules"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_docs_rules_md_is_up_to_date() -> None:
    path = REPO / "docs" / "rules.md"
    assert path == DOCS_PATH
    assert path.is_file(), f"docs/rules.md is missing; generate it with `{REGENERATE}`"
    assert path.read_text(encoding="utf-8") == rules_markdown(), (
        f"docs/rules.md is out of date with the rule records; regenerate it with `{REGENERATE}`"
    )


def test_check_flag_reports_a_stale_file(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    target.write_text("# Rules\n", encoding="utf-8")
    command = [sys.executable, "-m", "arch_rules.adapters.ruledocs", "--output", str(target)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=120)
    assert stale.returncode == 1
    assert REGENERATE in stale.stderr
    written = subprocess.run([*command, "--write"], capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    fresh = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=120)
    assert fresh.returncode == 0, fresh.stderr
    assert target.read_text(encoding="utf-8") == rules_markdown()


def test_every_rule_has_a_section_where_sarif_links() -> None:
    text = rules_markdown()
    headings = re.findall(r"^## (ARC\d{3}) (\S+)$", text, re.MULTILINE)
    rules = list(all_rules().values())
    assert headings == [(rule.code, rule.name) for rule in rules]
    for rule in rules:
        assert help_uri(rule).endswith(f"#{anchor(rule)}")
        assert f"](#{anchor(rule)})" in text  # the table links to the section
    # Every fence is closed: an even number of fence lines.
    assert len(re.findall(r"^```", text, re.MULTILINE)) % 2 == 0


def test_sections_show_both_examples_and_the_fix() -> None:
    text = rules_markdown()
    for rule in all_rules().values():
        section = text.split(f"## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
        assert rule.rationale in section
        assert rule.fix in section
        assert f"# expect: {rule.code}" in section
        assert "```toml" in section or rule.code in ("ARC003",), rule.code


def test_explain_text_has_every_part() -> None:
    rule = all_rules()["ARC102"]
    text = explain(rule)
    assert text.startswith("ARC102 private-team-module\n")
    for part in ("\nWhy\n", "\nBad", "\nGood", "\nFix\n", "# expect: ARC102", "from shop.payments.api import Charge"):
        assert part in text
    assert text.endswith(f"#{anchor(rule)}\n")


def test_explain_command_prints_the_rule() -> None:
    done = _cli("explain", "ARC102")
    assert done.returncode == 0, done.stderr
    assert "ARC102" in done.stdout and "private-team-module" in done.stdout
    assert done.stdout == explain(all_rules()["ARC102"])


def test_explain_accepts_lower_case() -> None:
    done = _cli("explain", "arc401")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ARC401 undocumented-interface")


def test_explain_unknown_code_is_a_one_line_usage_error() -> None:
    done = _cli("explain", "ARC999")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "ARC999" in lines[0]
    assert "Traceback" not in done.stderr


def test_rules_command_lists_every_rule() -> None:
    done = _cli("rules")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    rules = list(all_rules().values())
    assert len(lines) == len(rules)
    for line, rule in zip(lines, rules, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, rule.engine]


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_renders_every_rule(code: str) -> None:
    rule = all_rules()[code]
    text = explain(rule)
    assert text.startswith(f"{rule.code} {rule.name}\n")
    assert max(len(line) for line in text.splitlines()) <= 130
