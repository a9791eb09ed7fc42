"""Every default, name and pattern arch-rules relies on, in one place (after flake8's ``defaults.py``)."""

from __future__ import annotations

import re

__all__ = [
    "ALWAYS_EXCLUDED_DIRS",
    "BASELINE_FILE",
    "CACHE_DIR",
    "CODE_PREFIX",
    "CONFIG_FILE",
    "DEFAULT_SEVERITY",
    "DOCS_RULES_URL",
    "IMPORT_KIND_SETTINGS",
    "PRIVATE_IMPORTS_SETTINGS",
    "NOQA_FILE_RE",
    "NOQA_RE",
    "PARALLEL_THRESHOLD",
    "SEVERITIES",
    "VERSION",
]

#: The tool version (also in pyproject.toml; a test keeps them equal). Part of every cache key.
VERSION = "0.1.0"

#: Prefix of every rule code; also the flake8 entry-point name.
CODE_PREFIX = "ARC"

#: The file that holds the declaration (its ``[tool.arch_rules]`` table).
CONFIG_FILE = "pyproject.toml"

#: Folders never walked, whatever ``exclude`` says.
ALWAYS_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".eggs",
        "build",
        "dist",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".arch_rules_cache",
        ".import_linter_cache",
    }
)

#: A team's own declaration, in the folder of a package it owns (arch_rules/model/teamfiles.py).
TEAM_FILE = "arch-team.toml"

#: Where the cache lives, relative to the project root.
CACHE_DIR = ".arch_rules_cache"

#: Files larger than this (bytes) are not analysed: ARC003 "too large" (``max_file_size`` changes it).
#: Analysis takes about 250x a file's size in memory, so 2 MiB of generated code is ~500 MB.
MAX_FILE_SIZE = 2 * 1024 * 1024

#: Default baseline file (used by ``check`` only when it exists).
BASELINE_FILE = ".arch-rules-baseline.json"

SEVERITIES = ("error", "warning")
DEFAULT_SEVERITY = "error"

IMPORT_KIND_SETTINGS = ("check", "ignore")

#: Where ARC105 (private-name-import) applies: across declared team boundaries only (the default: only
#: what the declaration names is reported), or to every import of the project.
PRIVATE_IMPORTS_SETTINGS = ("across_teams", "everywhere")

#: Below this many files to parse, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64

#: The noqa comment, bare or with codes and a reason after them (``-- reason``), read exactly as flake8
#: reads it (its ``NOQA_INLINE_REGEXP``), so both front ends suppress the same findings: a hash, one space,
#: "noqa" in any case; the codes are compared as written, so lower-case ``arc102`` suppresses nothing
#: (flake8 compares codes case-sensitively). Whatever follows the codes is the reason. Per physical line.
NOQA_RE = re.compile(
    r"# noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?(?P<rest>.*)$",
    re.IGNORECASE,
)

#: flake8's file-level comment, "flake8: noqa" (its ``NOQA_FILE``, matched at the start of a line): the whole
#: file is skipped by flake8, so ``check`` reports nothing located in it either (codes after it are ignored,
#: as flake8 ignores them).
NOQA_FILE_RE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)

#: Documentation of the rules, for SARIF ``helpUri`` and messages.
DOCS_RULES_URL = "https://github.com/arch-rules/arch-rules/blob/main/docs/rules.md"
