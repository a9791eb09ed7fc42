"""ARC003 unparsable-file: A file cannot be decoded or parsed, so no other rule can check it."""

from __future__ import annotations

from collections.abc import Iterator

from arch_rules.model.findings import Finding
from arch_rules.rules.examples import example
from arch_rules.rules.rule import ModuleContext, ModuleRule


class UnparsableFile(ModuleRule):
    code = "ARC003"
    name = "unparsable-file"
    summary = "A file cannot be decoded or parsed, so no other rule can check it."
    rationale = (
        "A file that does not parse cannot be checked, and skipping it silently would look exactly like a "
        "clean pass. Reporting it makes the gap visible: the rest of the project is still checked, but this "
        "file's imports, interface and docstrings are not, until it parses again. The usual causes are an "
        "unfinished edit, a leftover merge-conflict marker, or a file saved in an encoding other than UTF-8 "
        "without a coding declaration."
    )
    bad = example(
        "",
        (
            "src/shop/orders/totals.py",
            '''
            """Order totals."""


            def total(prices: list[int]) -> int  # expect: ARC003
                return sum(prices)
            ''',
        ),
    )
    good = example(
        "",
        (
            "src/shop/orders/totals.py",
            '''
            """Order totals."""


            def total(prices: list[int]) -> int:
                return sum(prices)
            ''',
        ),
    )
    fix = (
        "Fix the syntax or the encoding at the reported line (`python -m py_compile FILE` shows the same "
        "error). If the file is not meant to be Python, such as a template or a test fixture with deliberate "
        "errors, leave it out of the project with `exclude`."
    )
    details = "The finding is at the syntax error when Python reports its position, else at line 1."

    def check(self, context: ModuleContext) -> Iterator[Finding]:
        if context.facts.syntax_error is None:
            return
        line, column, message = context.facts.syntax_error
        advice = _advice(message)
        module = context.module
        yield Finding(
            code=self.code,
            message=f"{module.name} cannot be analysed: {message}; {advice} (every other file is still checked)",
            path=module.relpath,
            line=line,
            column=column,
            module=module.name,
        )


def _advice(message: str) -> str:
    """What to do, fitting the cause: the hint for a bad encoding is no help with a permission error."""
    if message.startswith("cannot be decoded"):
        return "save it as UTF-8 or declare its encoding (PEP 263)"
    if message.startswith("cannot be read"):
        return "check that the file exists and may be read"
    if message.startswith("too large"):
        return "exclude it (is it generated?) or raise max_file_size in [tool.arch_rules]"
    if message.startswith("uses syntax newer"):
        return "run arch-rules on a newer Python, or simplify the statement"
    if message in ("MemoryError", "out of memory") or "nested too deeply" in message:
        return "simplify or split the file, or exclude it"
    return "fix the syntax"
