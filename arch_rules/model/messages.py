"""Message helpers shared by the rules: a message names the first few of a list and counts the rest.

A finding's message is one line a person reads in an editor or a CI log; listing every interface module of
a large team (or every import of a dependency) made some run to 22,000 characters. The full lists belong in
``arch-rules explain`` and the JSON output's structured fields, so messages enumerate at most ``SHOWN``
items and say how many more there are, and no message is longer than ``MAX_MESSAGE`` characters.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_MESSAGE", "SHOWN", "clamp", "enumerate_capped"]

#: How many items of a list a message names before "and N more".
SHOWN = 5

#: The longest message a finding carries (a longer one is cut at a word, ending in "...").
MAX_MESSAGE = 1000


def enumerate_capped(items: Sequence[str], shown: int = SHOWN, separator: str = ", ") -> str:
    """``a, b, c and 4 more``: the first ``shown`` items, then how many are left out."""
    items = list(items)
    if len(items) <= shown:
        return separator.join(items)
    return f"{separator.join(items[:shown])}{separator.rstrip()} and {len(items) - shown} more"


def clamp(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message``, cut to at most ``limit`` characters (at a space where there is one)."""
    if len(message) <= limit:
        return message
    cut = message[: limit - 3]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut + "..."
