"""The baseline: findings a team has accepted for now, so a legacy codebase can adopt arch-rules today and
fail only on what is new (docs/ci.md, adopting with a baseline).

An entry is keyed by ``Finding.fingerprint`` -- code, path, importing module, imported module and the
whitespace-normalised source of the statement, never the line number -- so moving code around or editing
unrelated lines does not disturb it. The same import written twice in one file is one entry with
``count: 2``: fixing one of the two makes one occurrence stale, and a third copy is new.

The file is meant to be reviewed in pull requests: sorted, indented JSON whose bytes depend only on the
findings, with the readable fields next to each fingerprint. Entries no current finding matches are
reported as stale, so the file can only shrink; ``arch-rules baseline`` rewrites it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arch_rules import safefile
from arch_rules.engine import atomic
from arch_rules.errors import UsageError
from arch_rules.model.findings import Finding

__all__ = ["apply", "load", "write"]

VERSION = 1
TOOL = "arch-rules"

#: The readable fields of an entry, in the order the file shows them.
FIELDS = ("fingerprint", "code", "path", "module", "imported", "snippet")


@dataclass(frozen=True)
class Entry:
    """One accepted finding (``count`` identical occurrences of it)."""

    fingerprint: str
    code: str = ""
    path: str = ""
    module: str = ""
    imported: str = ""
    snippet: str = ""
    count: int = 1

    def describe(self) -> dict[str, str]:
        """The entry as the file holds it, for ``Report.stale_baseline`` (empty fields left out)."""
        values = {name: getattr(self, name) for name in FIELDS}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: dict[str, Entry]


def load(path: Path) -> Baseline:
    """Read a baseline file; anything that is not one we wrote is a one-line ``UsageError`` (exit 2)."""

    def bad(why: str) -> UsageError:
        return UsageError(f"{path}: not a usable arch-rules baseline: {why}; rewrite it with `arch-rules baseline`")

    try:
        text = safefile.read_text(path)
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found (write one with `arch-rules baseline`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the baseline ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad(f"invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except RecursionError:
        raise bad("nested too deeply") from None
    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    version = data.get("version")
    if version != VERSION:
        raise bad(f"unsupported version {version!r} (this arch-rules reads version {VERSION})")
    items = data.get("findings")
    if not isinstance(items, list):
        raise bad('"findings" must be a list')
    entries: dict[str, Entry] = {}
    for index, item in enumerate(items):
        where = f"findings[{index}]"
        if not isinstance(item, dict):
            raise bad(f"{where} must be an object")
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            raise bad(f"{where}.fingerprint must be a non-empty string")
        count = item.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise bad(f"{where}.count must be a positive integer")
        fields = {name: item.get(name) or "" for name in FIELDS[1:]}
        if not all(isinstance(value, str) for value in fields.values()):
            raise bad(f"{where}: {', '.join(FIELDS[1:])} must be strings")
        previous = entries.get(fingerprint)
        if previous is not None:  # a hand-merged file may list one fingerprint twice: the counts add up
            count += previous.count
        entries[fingerprint] = Entry(fingerprint, count=count, **fields)
    return Baseline(path, entries)


def apply(
    baseline: Baseline, findings: Iterable[Finding], limited: bool
) -> tuple[list[Finding], int, list[dict[str, str]]]:
    """Split ``findings`` into the new ones (kept) and the accepted ones (hidden, counted).

    Returns ``(kept, hidden, stale)``. ``stale`` lists the entries (one per fingerprint) with fewer
    occurrences now than the baseline accepts. When ``limited`` -- the run did not look at every file or
    every rule (PATH arguments, ``--select``, ``--no-graph``) -- absence proves nothing and nothing is stale.
    """
    remaining = {fingerprint: entry.count for fingerprint, entry in baseline.entries.items()}
    kept: list[Finding] = []
    hidden = 0
    for finding in sorted(findings, key=Finding.sort_key):
        fingerprint = finding.fingerprint
        if remaining.get(fingerprint, 0) > 0:
            remaining[fingerprint] -= 1
            hidden += 1
        else:
            kept.append(finding)
    stale: list[dict[str, str]] = []
    if not limited:
        left = [(baseline.entries[fingerprint], count) for fingerprint, count in remaining.items() if count > 0]
        for entry, unused in sorted(left, key=lambda item: _entry_key(item[0])):
            described = entry.describe()
            if unused < entry.count:  # it still occurs, just fewer times than accepted
                described["unused"] = f"{unused} of {entry.count}"
            stale.append(described)
    return kept, hidden, stale


def entries_of(findings: Iterable[Finding]) -> list[Entry]:
    """The baseline entries for ``findings``, identical findings folded into one with a count."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for finding in findings:
        fingerprint = finding.fingerprint
        counts[fingerprint] += 1
        first.setdefault(fingerprint, finding)
    entries = [
        Entry(
            fingerprint=fingerprint,
            code=finding.code,
            path=finding.path,
            module=finding.module or "",
            imported=finding.imported or "",
            snippet=" ".join(finding.snippet.split()),
            count=counts[fingerprint],
        )
        for fingerprint, finding in first.items()
    ]
    return sorted(entries, key=_entry_key)


def render(findings: Iterable[Finding]) -> str:
    """The file's text: the same findings always give the same bytes, whatever order they come in."""
    items = []
    for entry in entries_of(findings):
        item: dict[str, object] = {name: getattr(entry, name) for name in FIELDS}
        item["count"] = entry.count
        items.append(item)
    document = {"version": VERSION, "tool": TOOL, "findings": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline atomically (a temporary file, then a rename); returns how many findings it holds."""
    findings = list(findings)
    text = render(findings)
    try:
        if atomic.stream_fd(path) is None:
            atomic.make_folders(path.parent)
        atomic.write_text(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the baseline ({exc.strerror or exc})") from None
    return len(findings)


def _entry_key(entry: Entry) -> tuple[str, str, str, str, str, str]:
    return (entry.path, entry.code, entry.module, entry.imported, entry.snippet, entry.fingerprint)
