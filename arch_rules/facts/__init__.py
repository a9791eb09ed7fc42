"""Reading one file: its bytes decoded as Python decodes them, its ``# noqa`` comments, and the facts the
rules need (imports with kind and position, ``__all__``, definitions, docstrings), read with ``ast`` in one
walk; syntax newer than the running interpreter is reshaped with libcst so that the same reader applies.

Nothing here knows the configuration or the project: facts depend on a file's bytes alone.
"""

from __future__ import annotations

from arch_rules.facts.noqa import noqa_comments
from arch_rules.facts.reader import extract, extract_text, extract_tree
from arch_rules.facts.records import DefFact, FileFacts, ImportFact, Noqa
from arch_rules.facts.source import read_source, snippet_of, source_lines

__all__ = [
    "DefFact",
    "FileFacts",
    "ImportFact",
    "Noqa",
    "extract",
    "extract_text",
    "extract_tree",
    "noqa_comments",
    "read_source",
    "snippet_of",
    "source_lines",
]
