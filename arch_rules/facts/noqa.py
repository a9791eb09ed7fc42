"""``# noqa`` comments as flake8 reads them: the codes they list and the reason written after them."""

from __future__ import annotations

import io
import tokenize

from arch_rules import defaults
from arch_rules.facts.records import Noqa


def _comments(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment that mentions noqa: real comments only, not strings."""
    wanted = [(n, line) for n, line in enumerate(lines, start=1) if "noqa" in line.lower()]
    if not wanted:
        return []
    found = []
    try:
        readline = io.StringIO("\n".join(lines) + "\n").readline
        for token in tokenize.generate_tokens(readline):
            if token.type == tokenize.COMMENT and "noqa" in token.string.lower():
                found.append((token.start[0], token.start[1], token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Not tokenizable (a broken file, or TOML): read each line, as flake8 does.
        return [(n, line.find("#"), line[line.find("#") :]) for n, line in wanted if "#" in line]
    return found


def noqa_comments(lines: list[str]) -> tuple[Noqa, ...]:
    found = [
        Noqa(number, line.index("#") + 1, None, "", whole_file=True)
        for number, line in enumerate(lines, start=1)
        if defaults.NOQA_FILE_RE.match(line)
    ]
    for number, offset, line in _comments(lines):
        match = defaults.NOQA_RE.search(line)
        if not match:
            continue
        codes_text = match.group("codes")
        codes = tuple(codes_text.replace(",", " ").split()) if codes_text else None
        reason = match.group("rest").strip()
        reason = reason.lstrip("-—–:").strip()
        if reason.startswith("#"):
            reason = ""  # another comment (`# type: ignore`, a marker), not a reason
        found.append(Noqa(number, offset + match.start() + 1, codes, reason))
    return tuple(found)
