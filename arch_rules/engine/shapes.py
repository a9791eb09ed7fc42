"""Whether a value read from the cache has exactly the shape the code expects.

The cache unpickles only arch-rules' own classes (``cache._ALLOWED``), but pickling restores fields
without running constructors: a damaged or forged entry can hold a ``Finding`` whose ``line`` is a
string, or a tuple of the wrong length, and the rules would crash on it run after run (issue 10). An
entry that does not conform to the type hints of its classes is a miss, and is rewritten.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

__all__ = ["conforms"]


def conforms(value: Any, hint: Any) -> bool:
    """``value`` matches ``hint`` (builtins, unions, tuple/list/set/frozenset/dict, dataclasses), deeply."""
    try:
        return _check(value, hint)
    except RecursionError:
        return False


def _check(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(_check(value, option) for option in typing.get_args(hint))
    if origin is None:
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            if type(value) is not hint:
                return False
            return all(_check(getattr(value, name, _MISSING), kind) for name, kind in _fields(hint))
        if hint is int:
            return type(value) is int
        if hint is float:
            return type(value) in (int, float)
        return isinstance(hint, type) and type(value) is hint
    args = typing.get_args(hint)
    if origin is tuple:
        if type(value) is not tuple:
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_check(item, args[0]) for item in value)
        return len(value) == len(args) and all(_check(item, kind) for item, kind in zip(value, args, strict=True))
    if origin in (list, set, frozenset):
        return type(value) is origin and all(_check(item, args[0]) for item in value)
    if origin is dict:
        return type(value) is dict and all(_check(k, args[0]) and _check(v, args[1]) for k, v in value.items())
    return False


_MISSING = object()


_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, resolved type hint) of each field of a dataclass, worked out once per class."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls] = tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))
    return _FIELDS[cls]
