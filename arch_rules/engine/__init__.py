"""One run of arch-rules: the configuration loaded, the project's files read (by content hash, from the
cache where it can), every rule run, and the findings suppressed, selected and baselined into a
``Report``. Knows nothing of terminals, flake8 or output formats."""
