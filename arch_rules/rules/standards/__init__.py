"""Team standards as libcst rules (issue 12): APIs banned in a scope (ARC501) and names deprecated across
team boundaries (ARC502). Only projects that declare a standard, a deprecation or a plugin import libcst."""
