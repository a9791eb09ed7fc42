"""Facts of a file written in syntax newer than the running interpreter's ``ast`` understands.

``facts.extract_text`` reads files with Python's own ``ast``; on 3.10/3.11 that rejects, for example,
``type Alias = int`` (3.12), ``def first[T](items: list[T]) -> T`` (PEP 695, defaults from 3.13),
f-strings that reuse their quotes (PEP 701), t-strings (3.14) and ``except A, B:`` (PEP 758). Such a file
is not broken, only newer than the interpreter, so it should not be ARC003.

How: libcst (the parser of record for rewriting) parses the file and locates each span of newer syntax; each
span is rewritten *in place, keeping its shape* — same length on every line, same line breaks — into
something the running ``ast`` accepts and that means the same to the facts (``type X[T] = v`` becomes
``X = v`` padded with spaces; type parameters become spaces; an unreadable f-/t-string becomes the
placeholder ``(_ … )``; ``except A, B`` becomes ``except (_ )``). Every line and column therefore stays
where it was, and the very same reader (arch_rules/facts/reader.py) reads the result: one reader of facts, not two that
could drift apart. What was blanked (type-parameter bounds, the inside of such strings) holds no facts.

``None`` means the file is not readable after all — libcst cannot parse it, or ``ast`` still rejects the
reshaped text (a real error, or syntax newer than this module knows) — and the caller reports ARC003 with
``ast``'s own message and line.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")

#: String nodes whose whole text is replaced when ``ast`` cannot read them on their own.
_FORMATTED = (cst.FormattedString, cst.TemplatedString) if hasattr(cst, "TemplatedString") else (cst.FormattedString,)


#: Where a file's real syntax error is: (line, column, message), 1-based.
SyntaxProblem = tuple[int, int, str]


def parse_newer(text: str) -> ast.Module | SyntaxProblem | None:
    """The ``ast`` of ``text`` reshaped in place when libcst can read it, with every line and column where
    it was; a later, real syntax error when there is one; ``None`` to let ``ast``'s own error stand (ARC003).

    When ``ast`` stopped at newer syntax but the file has a real error further down, the answer is that
    later error, so ARC003 points at the line to fix rather than at the ``type`` statement.
    A ``RecursionError`` (a long or deep expression) goes to the caller, which runs this on a deep stack.
    """
    try:
        reshaped = reshape(text)
    except cst.ParserSyntaxError as exc:
        return _later_error(text, exc.editor_line)
    except (MemoryError, ValueError):
        return None
    if reshaped is None:
        return None
    try:
        return ast.parse(reshaped)
    except SyntaxError as exc:  # lines and columns are the original's: the error is where it says
        return _error(exc)
    except (ValueError, MemoryError):
        return None


#: Beyond this many characters the libcst fallback is not tried (its memory grows with the file).
MAX_FALLBACK_SIZE = 2_000_000
#: libcst's parser takes time quadratic in the length of one statement (2,000 terms: seconds; 100,000:
#: many minutes): a longer statement is not given to it.
MAX_FALLBACK_TOKENS = 4_000


def fallback_problem(text: str) -> str | None:
    """Why ``text`` is not given to the fallback reader at all (too large, a statement too long), or None."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if len(text) > MAX_FALLBACK_SIZE:
        return f"uses syntax newer than Python {running} and is too large for the fallback reader"
    longest = _longest_statement(text)
    if longest > MAX_FALLBACK_TOKENS:
        return (
            f"uses syntax newer than Python {running}, and a statement of {longest:,} tokens is too long for "
            f"the fallback reader (the limit is {MAX_FALLBACK_TOKENS:,}; run arch-rules on a newer Python)"
        )
    return None


def _longest_statement(text: str) -> int:
    """The most tokens in one logical line (linear; a file ``tokenize`` cannot read counts by characters)."""
    longest = count = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            count += 1
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                longest = max(longest, count)
                count = 0
    except (tokenize.TokenError, SyntaxError, ValueError):
        return max((len(line) for line in text.splitlines()), default=0) // 3
    return max(longest, count)


def reshape(text: str) -> str | None:
    """``text`` with every span of newer syntax rewritten in place into what the running ``ast`` reads."""
    module = cst.parse_module(text)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return _Reshaper(text, positions).reshape(module)


def _error(exc: SyntaxError) -> SyntaxProblem:
    return (exc.lineno or 1, max(exc.offset or 1, 1), exc.msg or "invalid syntax")


def _later_error(text: str, stop: int) -> SyntaxProblem | None:
    """``ast``'s error past the newer syntax it first stopped at, if there is one.

    libcst says roughly where the real error is (line ``stop``; its columns and messages are rough). The
    lines before it are reshaped, the rest kept, and ``ast`` asked again: its answer is exact and worded
    as Python words it. ``None`` when that is no later than the first error (it stands) or cannot be had.
    """
    try:
        ast.parse(text)
    except SyntaxError as exc:
        first = exc.lineno or 1
    except (ValueError, RecursionError, MemoryError):
        return None
    else:
        return None
    cut = [m.end() for m in _NEWLINE_RE.finditer(text)]
    if stop < 2 or stop - 2 >= len(cut):
        return None
    head = text[: cut[stop - 2]]
    try:
        reshaped = reshape(head)
        if reshaped is None:
            return None
        ast.parse(reshaped + text[len(head) :])
    except SyntaxError as exc:
        return _error(exc) if (exc.lineno or 1) > first else None
    except (cst.ParserSyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return None


class _Reshaper:
    """Collects the spans to rewrite (absolute offsets into the text) and applies them."""

    def __init__(self, text: str, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.text = text
        self.positions = positions
        self.starts = [0] + [m.end() for m in _NEWLINE_RE.finditer(text)]
        self.edits: list[tuple[int, int, str]] = []

    def reshape(self, module: cst.Module) -> str | None:
        """The text with every newer-syntax span rewritten in place; None if one cannot keep its shape."""
        for node in _walk_outer(module):
            if not self._edit(node):
                return None
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    # -- spans -----------------------------------------------------------------------------------------

    def _offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def _span(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions[node]
        return self._offset(where.start.line, where.start.column), self._offset(where.end.line, where.end.column)

    def _edit(self, node: cst.CSTNode) -> bool:
        """Queue the rewrite ``node`` needs, if any; False when it cannot be rewritten in place."""
        if isinstance(node, cst.TypeAlias):
            # `type X[T] = v` -> `X        = v`: the name where `type` stood, the rest blanked.
            start, _ = self._span(node)
            _, end = self._span(node.type_parameters or node.name)
            replacement = _blank(self.text[start:end], head=node.name.value, continuation=True)
            return self._add(start, end, replacement)
        if isinstance(node, cst.FunctionDef | cst.ClassDef) and node.type_parameters is not None:
            start, end = self._span(node.type_parameters)
            return self._add(start, end, _blank(self.text[start:end], continuation=True))
        if isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler):
            if isinstance(node.type, cst.Tuple) and not node.type.lpar:  # PEP 758: `except A, B:`
                start, end = self._span(node.type)
                return self._add(start, end, _blank(self.text[start:end], head="(_", tail=")"))
            return True
        if _is_formatted(node):
            start, end = self._span(node)
            if _readable(self.text[start:end]):
                return True
            return self._add(start, end, _blank(self.text[start:end], head="(_", tail=")"))
        return True

    def _add(self, start: int, end: int, replacement: str | None) -> bool:
        if replacement is None:
            return False
        self.edits.append((start, end, replacement))
        return True


def _walk_outer(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node in document order, except inside strings that will be replaced whole (their parts need no
    edit). An explicit stack: nested generators cost each node its depth, quadratic on a long expression."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not _is_formatted(current):
            stack.extend(reversed(current.children))


def _is_formatted(node: cst.CSTNode) -> bool:
    """An f-/t-string, or an implicit concatenation with one in it (replaced as one piece)."""
    if isinstance(node, _FORMATTED):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _is_formatted(node.left) or _is_formatted(node.right)
    return False


def _readable(source: str) -> bool:
    """Whether the running ``ast`` reads this expression as it stands (most f-strings: keep them)."""
    try:
        ast.parse(f"(\n{source}\n)", mode="eval")
    except (SyntaxError, ValueError):
        return False
    return True


def _blank(original: str, head: str = "", tail: str = "", continuation: bool = False) -> str | None:
    """``original`` as spaces (line breaks kept), starting with ``head`` and ending with ``tail``.

    With ``continuation`` (a span outside brackets) every line break gets a ``\\`` before it so the
    statement goes on; a span with no room for one (an empty line inside it) cannot be reshaped: None.
    """
    if len(head) + len(tail) > len(original):
        return None
    if any(c in "\r\n" for c in original[: len(head)] + original[len(original) - len(tail) :]):
        return None
    chars = [c if c in "\r\n" else " " for c in original]  # "\r\n" and "\r" stay one break each
    chars[: len(head)] = list(head)
    if tail:
        chars[len(chars) - len(tail) :] = list(tail)
    if continuation:
        for index, c in enumerate(original):
            if c in "\r\n" and not (c == "\n" and index and original[index - 1] == "\r"):
                before = index - 1
                if before < len(head) or chars[before] != " ":
                    return None
                chars[before] = "\\"
    return "".join(chars)
