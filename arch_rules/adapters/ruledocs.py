"""Rule documentation generated from the rule records: the terminal text of `arch-rules explain CODE` and
the rule reference docs/rules.md. Both read the same records as the tests and SARIF, so a rule's
examples and advice are written once (docs/architecture.md, what a rule is).

``python -m arch_rules.adapters.ruledocs --write`` regenerates docs/rules.md; ``--check`` exits 1 when the file
is out of date (CI runs it through tests/test_docs_rules.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from arch_rules.rules import Example, Rule, all_rules

#: docs/rules.md of the source tree this module belongs to (a development checkout).
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

_WIDTH = 100

_ENGINES = {
    "config": "configuration check (whole project, located in pyproject.toml)",
    "per-file": "per-file rules (CLI, flake8 plugin, pre-commit)",
    "graph": "graph contracts (whole import graph; CLI, pre-commit, CI; skipped with --no-graph)",
}


def anchor(rule: Rule) -> str:
    """The anchor GitHub gives the heading ``## ARC102 private-team-module`` (SARIF helpUri uses it)."""
    return f"{rule.code.lower()}-{rule.name}"


def _shown_files(example: Example) -> tuple[list[tuple[str, str]], list[str]]:
    """(files with content, paths of empty files): empty ``__init__.py`` files are listed, not shown."""
    shown = [(path, text) for path, text in example.files if text.strip()]
    empty = [path for path, text in example.files if not text.strip()]
    return shown, empty


def _changed_files(rule: Rule) -> tuple[list[tuple[str, str]], list[str]]:
    """The good example's files that differ from the bad one's, and the bad files it no longer has."""
    before = dict(rule.bad.files)
    after = dict(rule.good.files)
    changed = [(path, text) for path, text in rule.good.files if before.get(path) != text and text.strip()]
    removed = [path for path in before if path not in after]
    return changed, removed


# ----------------------------------------------------------------------------------------------------
# terminal


def _fill(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent)


def _terminal_files(files: list[tuple[str, str]]) -> list[str]:
    lines = []
    for path, text in files:
        lines.append(f"  --- {path}")
        lines.extend(f"    {line}".rstrip() for line in text.rstrip("\n").split("\n"))
    return lines


def explain(rule: Rule) -> str:
    """What `arch-rules explain CODE` prints: the rule, why it exists, an example of each side, the fix."""
    out = [
        f"{rule.code} {rule.name}",
        "",
        _fill(rule.summary, indent=""),
        "",
        f"Engine: {_ENGINES.get(rule.engine, rule.engine)}",
    ]
    if rule.rationale:
        out += ["", "Why", _fill(rule.rationale)]
    if rule.details:
        out += ["", "Details", _fill(rule.details)]
    if rule.bad.files:
        shown, empty = _shown_files(rule.bad)
        out += ["", f"Bad (lines marked `# expect: {rule.code}` get the finding)"]
        out += _terminal_files(shown)
        if empty:
            out.append(_fill("(plus empty " + ", ".join(empty) + ")"))
    if rule.good.files:
        changed, removed = _changed_files(rule)
        out += ["", "Good (the same project, fixed; unchanged files not repeated)" if rule.bad.files else "Good"]
        out += _terminal_files(changed if rule.bad.files else _shown_files(rule.good)[0])
        if rule.bad.files and removed:
            out.append(_fill("(removed: " + ", ".join(removed) + ")"))
    if rule.fix:
        out += ["", "Fix", _fill(rule.fix)]
    from arch_rules.defaults import DOCS_RULES_URL

    if rule.code.startswith("ARC"):  # a team's own rule has no section on arch-rules' rules page
        out += ["", f"More: {DOCS_RULES_URL}#{anchor(rule)}"]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------------
# markdown

_INTRO = """\
# Rules

<!-- Generated from the rule modules in arch_rules/rules/ by `python -m arch_rules.adapters.ruledocs --write`.
     Do not edit by hand: change the rule's record and regenerate. -->

Every finding arch-rules reports carries one of the codes below. Each rule has a section here with what
it reports, why a team wants it, a small project that breaks it and the same project fixed, and what to
do instead. The same text is printed by `arch-rules explain CODE`.

Rules come from three engines. The **configuration** checks (ARC001, ARC004, ARC005, reported at a line of
`pyproject.toml`) keep the declaration itself true to the code. The **per-file** rules look at one file
and its direct imports; they run in `arch-rules check`, the flake8 plugin and pre-commit. The **graph**
contracts look at the whole import graph and report only what one file cannot show: chains of two or
more imports, and cycles (`arch-rules check --no-graph` skips them).

In the examples, every line that gets a finding ends with a marker such as `# expect: ARC102`: the marker
is not part of the code, it shows where the finding is reported. Empty `__init__.py` files are listed
rather than shown. The good example repeats only the files that change.

To silence one finding, write the code and the reason on the line (`# noqa: ARC102 -- moving to the API
in Q3`); for a file or folder use `per_file_ignores`, and for existing findings in a codebase adopting
arch-rules, a baseline (`arch-rules baseline`). Select or ignore rules with `[tool.arch_rules.rules]`
`select`/`ignore` or `--select`/`--ignore`.
"""


def _fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    return "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))


def _language(path: str) -> str:
    if path.endswith(".toml"):
        return "toml"
    if path.endswith(".py"):
        return "python"
    return ""


def _markdown_files(files: list[tuple[str, str]]) -> list[str]:
    blocks = []
    for path, text in files:
        body = text.rstrip("\n")
        fence = _fence(body)
        blocks += [f"`{path}`", "", f"{fence}{_language(path)}", body, fence, ""]
    return blocks


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rule_markdown(rule: Rule) -> str:
    """One rule's section of docs/rules.md."""
    out = [f"## {rule.code} {rule.name}", "", rule.summary, "", f"**Engine:** {_ENGINES.get(rule.engine, rule.engine)}"]
    if rule.rationale:
        out += ["", "**Why is this bad?**", "", rule.rationale]
    if rule.details:
        out += ["", "**Details**", "", rule.details]
    out.append("")
    if rule.bad.files:
        shown, empty = _shown_files(rule.bad)
        out += ["**Example** (breaks the rule):", ""]
        out += _markdown_files(shown)
        if empty:
            out += ["Plus empty " + ", ".join(f"`{path}`" for path in empty) + ".", ""]
    if rule.good.files:
        changed, removed = _changed_files(rule)
        out += ["**Use instead** (the same project, fixed):", ""]
        out += _markdown_files(changed)
        if removed:
            out += ["Removed: " + ", ".join(f"`{path}`" for path in removed) + ".", ""]
    if rule.fix:
        out += ["**How to fix:** " + rule.fix, ""]
    return "\n".join(out)


def rules_markdown() -> str:
    """The whole of docs/rules.md: the introduction, a table of every rule, then one section per rule."""
    rules = list(all_rules().values())
    table = ["| Code | Name | Engine | Summary |", "|---|---|---|---|"]
    for rule in rules:
        table.append(f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {rule.engine} | {_cell(rule.summary)} |")
    sections = [rule_markdown(rule) for rule in rules]
    return _INTRO + "\n" + "\n".join(table) + "\n\n" + "\n".join(sections).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------------------------------
# command


def main(argv: Sequence[str] | None = None) -> int:
    """Print, write (``--write``) or check (``--check``) docs/rules.md."""
    parser = argparse.ArgumentParser(
        prog="python -m arch_rules.adapters.ruledocs", description="Generate docs/rules.md from the rule records."
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--write", action="store_true", help="write the file")
    what.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    parser.add_argument("--output", type=Path, default=DOCS_PATH, help=f"the file (default: {DOCS_PATH})")
    args = parser.parse_args(argv)
    text = rules_markdown()
    if args.check:
        try:
            current = args.output.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            print(
                f"{args.output} is out of date; regenerate it with `python -m arch_rules.adapters.ruledocs --write`",
                file=sys.stderr,
            )
            return 1
        return 0
    if args.write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        temporary = args.output.with_name(f".{args.output.name}.tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(args.output)
        print(f"wrote {args.output}")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
