"""What the declaration and the project are: ``[tool.arch_rules]`` loaded and validated into immutable
values, the module pattern language, the project's modules with their owners, layers and interfaces,
teams from CODEOWNERS, and the findings every part of arch-rules produces or reads."""
