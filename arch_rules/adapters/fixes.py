"""``check --fix`` / ``--diff``: apply the fixes of fixable rules, show them as a diff, write them.

A fixable rule carries its fix beside it (ARC102's is arch_rules/rules/imports/arc102_fix.py): the fix
computes the new bytes of a file; this adapter applies them, diffs them and writes them. Each file is
written atomically (temp file in the same folder, then ``os.replace``), keeping its mode, encoding and
newlines; a file that changed on disk since the run read it is left alone.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arch_rules.engine import atomic
from arch_rules.rules import all_rules

if TYPE_CHECKING:
    from arch_rules.engine.run import Run


@dataclass
class FixResult:
    #: A unified diff of every change (paths relative to the cwd, ``a/``/``b/`` prefixes as git writes them).
    diff: str = ""
    #: The same diff for the files actually written (what ``check --fix --diff`` shows).
    written_diff: str = ""
    #: Project-relative paths of the files written.
    changed: list[str] = field(default_factory=list)
    #: One line per ARC102 import left alone (or file not written) and why.
    notes: list[str] = field(default_factory=list)
    #: relpath -> (bytes read, bytes fixed) for every file a fix changes, written or not.
    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    #: relpath -> the lines of the import statements rewritten (as the run read them).
    rewritten: dict[str, list[int]] = field(default_factory=dict)


def apply(run: Run, write: bool) -> FixResult:
    """Fix every fixable finding of ``run`` with its rule's fix; write the files only when ``write``."""
    result = FixResult()
    project = run.project
    rules = all_rules()
    by_file: dict[str, dict[str, dict[int, set[str]]]] = {}
    for finding in run.report.findings:
        rule = rules.get(finding.code)
        if rule is None or not rule.fixable or finding.path not in project.by_path or not finding.imported:
            continue
        lines = by_file.setdefault(finding.path, {}).setdefault(finding.code, {})
        lines.setdefault(finding.line, set()).add(finding.imported)
    fixers: dict[str, Any] = {}
    diffs: list[str] = []
    written: list[str] = []
    for relpath in sorted(by_file):
        shown = _display(project.root / relpath)
        module = project.by_path[relpath]
        before = run.data.get(relpath)
        if before is None:
            continue
        after, rewritten = before, list[int]()
        for code, lines in sorted(by_file[relpath].items()):
            fixer = fixers.get(code) or fixers.setdefault(code, rules[code].fixer(project))
            try:
                fixed, done = fixer.fix(module.name, lines, after, shown, result.notes)
            except Exception as exc:  # noqa: BLE001 - a fixer bug must never cost the user a file
                failure = f"{type(exc).__name__}: {exc}"
                result.notes.append(f"{shown}: the fix failed ({failure}); left as is (please report)")
                continue
            if fixed is not None:
                after, rewritten = fixed, rewritten + done
        if after == before:
            continue
        result.files[relpath] = (before, after)
        result.rewritten[relpath] = sorted(rewritten)
        diff = _diff(before, after, shown)
        diffs.append(diff)
        if write and _write(project.root / relpath, before, after, shown, result.notes):
            written.append(diff)  # --fix --diff shows what was written: a file that could not be is left out
            result.changed.append(relpath)
    result.diff = "".join(diffs)
    result.written_diff = "".join(written)
    return result


# ----------------------------------------------------------------------------------------------------
# output


def _display(path: Path) -> str:
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        shown = str(path)
    return shown.replace(os.sep, "/")


def _decode(data: bytes) -> str:
    from arch_rules.facts import read_source

    try:
        return read_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        return data.decode("utf-8", "replace")


def _diff(before: bytes, after: bytes, shown: str) -> str:
    lines = difflib.unified_diff(
        _physical_lines(_decode(before)),
        _physical_lines(_decode(after)),
        fromfile=f"a/{shown}",
        tofile=f"b/{shown}",
    )
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        elif line.endswith("\r"):
            out.append(line + "\n")  # a bare \r ends a line too (as Python reads it): no "No newline" mark
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _physical_lines(text: str) -> list[str]:
    """Lines with their endings, split where Python splits them (``str.splitlines`` also splits at form
    feeds and other separators, which would show as changes)."""
    return _PHYSICAL_LINE.findall(text)


def _write(path: Path, before: bytes, after: bytes, shown: str, notes: list[str]) -> bool:
    """Write ``after`` over ``path`` atomically, unless the file is no longer ``before``."""
    target = path.resolve()
    try:
        if target.read_bytes() != before:
            notes.append(f"{shown}: changed on disk since it was read; not overwritten (run --fix again)")
            return False
    except OSError as exc:
        notes.append(f"{shown}: cannot write ({exc.strerror or exc}); left as is")
        return False
    try:
        atomic.write_bytes(target, after)
    except OSError as exc:
        notes.append(f"{shown}: cannot write ({exc.strerror or exc}); left as is")
        return False
    return True
