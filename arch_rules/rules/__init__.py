"""The rules: their records (``records``), the catalogue of every rule (``catalogue``), the rule logic by
family (``modules``, ``boundaries``, ``interfaces``) and the documentation generated from the records
(``docs``)."""

from __future__ import annotations

from arch_rules.rules.catalogue import all_rules
from arch_rules.rules.records import Example, Rule

__all__ = ["Example", "Rule", "all_rules"]
