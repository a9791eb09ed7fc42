"""Reading ``# expect: ARCnnn`` markers out of a fixture project, and comparing them with findings."""

from __future__ import annotations

import re
from pathlib import Path

from arch_rules.model.findings import Finding

MARKER = re.compile(r"#\s*expect:\s*(?P<codes>ARC\d{3}(?:\s*,\s*ARC\d{3})*)")


def expected(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, code) for every marker in the project's .py files and pyproject.toml."""
    found: set[tuple[str, int, str]] = set()
    for path in sorted([*root.rglob("*.py"), *root.glob("pyproject.toml")]):
        if ".arch_rules_cache" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group("codes")):
                    found.add((rel, number, code))
    return found


def actual(findings: list[Finding]) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.code) for f in findings}


def difference(root: Path, findings: list[Finding]) -> str:
    """A readable account of missing and extra findings ('' when they agree)."""
    want, got = expected(root), actual(findings)
    lines = []
    for item in sorted(want - got):
        lines.append(f"missing: {item[0]}:{item[1]}: {item[2]}")
    for item in sorted(got - want):
        message = next(f.message for f in findings if (f.path, f.line, f.code) == item)
        lines.append(f"extra:   {item[0]}:{item[1]}: {item[2]} {message}")
    return "\n".join(lines)
