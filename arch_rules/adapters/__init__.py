"""How people and tools reach the engine: the command line, the flake8 plugin, the output formats, the
fix writer, ``init``, the dependency picture and the rule documentation. Thin shells: each turns the
engine's ``Report`` (or a rule record) into what its audience reads, and knows nothing the engine does not
tell it."""
