"""Reading the values of ``[tool.arch_rules]``: the typed readers every section uses (a string, a list of
module patterns, an array of tables, ...) and the wording of their problems.

Each reader records a problem as one line naming the file and the key path, and returns a default, so that
every problem is reported, not just the first. arch_rules/model/validate_sections.py reads the sections
with them; arch_rules/model/teamfiles.py words its problems with the same helpers.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from arch_rules import defaults
from arch_rules.model.declaration import IgnoredImport
from arch_rules.model.patterns import Pattern, pattern_problem, split_import_expression
from arch_rules.textsafe import visible_line

__all__ = ["DOTTED_RE", "TEAM_NAME_RE", "ValueReader", "code_checker", "did_you_mean", "one_line", "type_name"]

TEAM_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
DOTTED_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "x"?)`` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class ValueReader:
    """The readers of single values; a problem is recorded, not raised (``problems``)."""

    def __init__(self, path: Path, text: str, label: str, codes: Collection[str], on_disk: bool = False) -> None:
        self.on_disk = on_disk
        self.codes = codes
        self.path = path
        self.text = text
        self.label = label
        self.problems: list[str] = []
        self.codeowners: str | None = None
        self.plugins: list[str] = []

    def problem(self, key: str, message: str) -> None:
        # Keys and values come from the file: a newline or an escape sequence in them is shown, not obeyed.
        self.problems.append(visible_line(f"{self.label}: {key}: {message}"))

    def inside_project(self, key: str, value: str) -> None:
        """A path the configuration names: a repository's pyproject.toml may not make arch-rules read or
        write outside the project (links are checked where the path is used: ``safefile.inside``)."""
        if os.path.isabs(value) or ".." in Path(value).parts:
            self.problem(key, f"{json.dumps(value)} leads outside the project; a path here must stay inside it")

    # -- primitive readers --------------------------------------------------------------------------

    def known_keys(self, table: dict[str, Any], allowed: tuple[str, ...], key: str) -> None:
        for name in table:
            if name not in allowed:
                self.problem(f"{key}.{name}", f"unknown key{did_you_mean(name, allowed)}")

    def string(self, table: dict[str, Any], name: str, key: str, default: str = "") -> str:
        value = table.get(name, default)
        if not isinstance(value, str):
            self.problem(f"{key}.{name}", f"expected a string, got {type_name(value)}")
            return default
        return value

    def boolean(self, table: dict[str, Any], name: str, key: str, default: bool) -> bool:
        value = table.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"{key}.{name}", f"expected true or false, got {type_name(value)}")
            return default
        return value

    def choice(self, table: dict[str, Any], name: str, key: str, choices: tuple[str, ...], default: str) -> str:
        value = table.get(name, default)
        if not isinstance(value, str) or value not in choices:
            shown = json.dumps(value) if isinstance(value, str) else type_name(value)
            extra = did_you_mean(value, choices) if isinstance(value, str) else ""
            self.problem(f"{key}.{name}", f"expected one of {', '.join(map(json.dumps, choices))}, got {shown}{extra}")
            return default
        return value

    def strings(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> list[str] | None:
        if name not in table:
            if required:
                self.problem(f"{key}.{name}", "required key is missing")
            return None
        value = table[name]
        if isinstance(value, str):
            self.problem(f"{key}.{name}", f'expected a list of strings, got a string (write ["{value}"])')
            return None
        if not isinstance(value, list):
            self.problem(f"{key}.{name}", f"expected a list of strings, got {type_name(value)}")
            return None
        good: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{key}.{name}[{i}]", f"expected a string, got {type_name(item)}")
            else:
                good.append(item)
        return good

    def patterns(self, table: dict[str, Any], name: str, key: str, required: bool = False) -> tuple[Pattern, ...]:
        values = self.strings(table, name, key, required) or []
        out: list[Pattern] = []
        for i, text in enumerate(values):
            why = pattern_problem(text)
            if why:
                self.problem(f"{key}.{name}[{i}]", why)
            else:
                out.append(Pattern(text))
        if required and name in table and isinstance(table[name], list) and not table[name]:
            self.problem(f"{key}.{name}", "must not be empty")
        return tuple(out)

    def ignore_imports(self, table: dict[str, Any], key: str) -> tuple[IgnoredImport, ...]:
        values = self.strings(table, "ignore_imports", key) or []
        out: list[IgnoredImport] = []
        for i, text in enumerate(values):
            item_key = f"{key}.ignore_imports[{i}]"
            parts = split_import_expression(text)
            if parts is None:
                self.problem(item_key, f'expected "importer -> imported", got {json.dumps(text)}')
                continue
            bad = pattern_problem(parts[0]) or pattern_problem(parts[1])
            if bad:
                self.problem(item_key, bad)
                continue
            out.append(IgnoredImport(text, Pattern(parts[0]), Pattern(parts[1]), item_key))
        return tuple(out)

    def table_list(self, data: dict[str, Any], name: str, key: str) -> list[dict[str, Any]]:
        value = data.get(name, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"expected an array of tables ([[{key}]]), got {type_name(value)}")
            return []
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.problem(f"{key}[{i}]", f"expected a table, got {type_name(item)}")
                out.append({})
            else:
                out.append(item)
        return out


def code_checker(codes: Collection[str], custom: bool = False) -> Callable[[str], str | None]:
    """A function telling why a code or prefix in select/ignore/severity is not one of ``codes``, if it is not.

    ``custom``: accept any code not starting with ARC too (plugins are configured but not loaded yet; the
    engine checks such codes against the plugin rules once they are).
    """

    def check(code: str) -> str | None:
        if not isinstance(code, str):
            return f"expected a rule code, got {type_name(code)}"
        if any(known.startswith(code) for known in codes) and code:
            return None
        if custom and re.match(r"^[A-Z]+[0-9]*$", code) and not defaults.CODE_PREFIX.startswith(code[:3]):
            return None
        return f"unknown rule code {json.dumps(code)}{did_you_mean(code, list(codes))}"

    return check


def one_line(text: str) -> str:
    """Texts quoted in messages (``because``, ``contact``) with their whitespace folded: a message is one
    line, even when the TOML string was a multi-line one."""
    return " ".join(text.split())


def type_name(value: Any) -> str:
    """How a value read from TOML is named in a message: "a string", "a table", "a date", ..."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time of day"
    return f"a {type(value).__name__}"
