"""Whether a value read from the cache has exactly the shape the code expects.

The cache unpickles only arch-rules' own classes (``cache._ALLOWED``), but pickling restores fields
without running constructors: a damaged or forged entry can hold a ``Finding`` whose ``line`` is a
string, or a tuple of the wrong length, and the rules would crash on it run after run (issue 10). An
entry that does not conform to the type hints of its classes is a miss, and is rewritten.

Every warm run checks every cached module result this way (21,000 of them at 20,000 modules), so each
hint is turned once into one Python function whose body is the whole check written out
(``type(v[0]) is str and ...``), the way ``dataclasses`` writes ``__init__``: interpreting the hint
for each value cost a warm run on Django about a third of its time.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any

__all__ = ["conforms"]

Check = Callable[[Any], bool]


def conforms(value: Any, hint: Any) -> bool:
    """``value`` matches ``hint`` (builtins, unions, tuple/list/set/frozenset/dict, dataclasses), deeply."""
    try:
        return _validator(hint)(value)
    except RecursionError:
        return False


@functools.cache
def _validator(hint: Any) -> Check:
    """The checking function of one hint, written out and compiled once."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass(hint)
    names: dict[str, Any] = {}
    body = _expression(hint, "value", names, 0)
    source = f"def check(value):\n    return {body}\n"
    exec(compile(source, f"<shape of {hint!r}>", "exec"), names)  # noqa: S102 - our own generated source
    check: Check = names["check"]
    return check


def _expression(hint: Any, var: str, names: dict[str, Any], depth: int) -> str:
    """A Python expression that is true when ``var`` conforms to ``hint``; objects it refers to go into
    ``names``. Dataclasses are checked by their own function (a class may refer to itself)."""
    if hint is Any:
        return "True"
    kinds = _plain_types(hint)
    if kinds is not None:
        return _type_test(var, kinds, names)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return "(" + " or ".join(_expression(option, var, names, depth) for option in args) + ")"
    if origin is None:
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            name = _bind(names, _validator(hint))
            return f"{name}({var})"
        return "False"
    item = f"_i{depth}"
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        parts = [f"type({var}) is tuple", f"len({var}) == {len(args)}"]
        parts += (_expression(kind, f"{var}[{i}]", names, depth + 1) for i, kind in enumerate(args))
        return "(" + " and ".join(parts) + ")"
    if origin in (tuple, list, set, frozenset):
        container = _bind(names, origin)
        inner = _expression(args[0], item, names, depth + 1)
        return f"(type({var}) is {container} and all({inner} for {item} in {var}))"
    if origin is dict:
        key, value = f"_k{depth}", f"_v{depth}"
        keys = _expression(args[0], key, names, depth + 1)
        values = _expression(args[1], value, names, depth + 1)
        return f"(type({var}) is dict and all({keys} and {values} for {key}, {value} in {var}.items()))"
    return "False"


def _plain_types(hint: Any) -> frozenset[type] | None:
    """The exact types a hint allows when it is built of plain types only (``str``, ``int | None``);
    else None. ``float`` admits ``int``, as the typing rules say; ``bool`` is not an ``int`` here."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    kinds: set[type] = set()
    for option in options:
        if option is None or option is type(None):
            kinds.add(type(None))
        elif option is float:
            kinds.update((int, float))
        elif option in (str, int, bool, bytes):
            kinds.add(option)
        else:
            return None
    return frozenset(kinds)


def _type_test(var: str, kinds: frozenset[type], names: dict[str, Any]) -> str:
    if len(kinds) == 1:
        return f"type({var}) is {_bind(names, next(iter(kinds)))}"
    return f"type({var}) in {_bind(names, kinds)}"


def _bind(names: dict[str, Any], value: Any) -> str:
    """The name under which the generated code refers to ``value``."""
    for name, bound in names.items():
        if bound is value:
            return name
    name = f"_o{len(names)}"
    names[name] = value
    return name


_MISSING = object()


def _dataclass(cls: type) -> Check:
    """A dataclass of exactly this class whose every field conforms. The check of its fields is written
    on first use, so a class may refer to itself (or to a class that refers back)."""
    built: list[Check] = []

    def check(value: Any) -> bool:
        if type(value) is not cls:
            return False
        if not built:  # two threads may both build it: equal functions, so either one serves
            hints = typing.get_type_hints(cls)
            names: dict[str, Any] = {"_missing": _MISSING}
            tests = [
                _expression(hints[field.name], f"getattr(value, {field.name!r}, _missing)", names, 0)
                for field in dataclasses.fields(cls)
            ]
            source = f"def fields(value):\n    return {' and '.join(tests) or 'True'}\n"
            exec(compile(source, f"<shape of {cls.__qualname__}>", "exec"), names)  # noqa: S102 - generated here
            built.append(names["fields"])
        return built[0](value)

    return check
