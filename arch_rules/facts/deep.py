"""Running a recursive reader on deep input without a crash: a thread with a large stack.

libcst's parser and its tree walks recurse once per nesting level (a 500-term ``a + b + ...`` is 500
levels), so on the default stack a long expression is a ``RecursionError`` and a deep one can overflow
the C stack: a segmentation fault, no message (issue 10). Here the work runs in a thread of its own with
a stack large enough for ``RECURSION_LIMIT`` Python frames, under that limit; deeper still is a
``RecursionError`` the caller reports, never a crash.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["RECURSION_LIMIT", "STACK_SIZE", "call"]

T = TypeVar("T")

#: Python frames allowed in the deep thread (the default is 1,000).
RECURSION_LIMIT = 20_000
#: Its stack: ample for that many frames of libcst's visitors (about 10 KB each at worst).
STACK_SIZE = 512 * 1024 * 1024

_LOCK = threading.Lock()


def call(function: Callable[[], T]) -> T:
    """``function()`` in a thread with a large stack and a high recursion limit; its result or its error."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(function())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread as it is
            failure.append(exc)

    with _LOCK:  # the recursion limit is the process's: one deep call at a time
        previous_limit = sys.getrecursionlimit()
        try:
            previous_stack = threading.stack_size(STACK_SIZE)
        except (ValueError, RuntimeError):  # a platform without settable stacks: the caller's own limits
            return function()
        try:
            sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
            thread = threading.Thread(target=work, name="arch-rules-deep", daemon=True)
            thread.start()
            thread.join()
        finally:
            threading.stack_size(previous_stack)
            sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return outcome[0]
