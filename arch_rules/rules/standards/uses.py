"""What ARC501 and ARC502 share: finding the *uses* of names in a file. A use is the outermost name or
attribute that stands for a listed name (``os.environ.get`` is one use of ``os.environ``, not two); names
inside import statements bind rather than use, so they are left to the rule's own import handling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arch_rules.rules.lintrule import Context, LintRule

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["UseRule"]


class UseRule(LintRule):
    """A ``LintRule`` told of every outermost name or attribute outside import statements (``use``); a use
    it reports covers the names inside it."""

    def __init__(self, context: Context | None = None) -> None:
        super().__init__(context)
        #: The reported node we are inside: its inner names are the same use, not another one.
        self._covering: cst.CSTNode | None = None
        self._imports = 0

    def use(self, node: cst.Name | cst.Attribute) -> bool:
        """Report ``node`` if it is a use of a listed name; True when it did (its inner names are covered)."""
        raise NotImplementedError

    def visit_Import(self, node: cst.Import) -> None:
        self._imports += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._imports -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._imports += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._imports -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check(node)

    def leave_Attribute(self, original_node: cst.Attribute) -> None:
        if self._covering is original_node:
            self._covering = None

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)

    def leave_Name(self, original_node: cst.Name) -> None:
        if self._covering is original_node:
            self._covering = None

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        if self._covering is None and not self._imports and self.use(node):
            self._covering = node
