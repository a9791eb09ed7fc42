"""``flake8`` exactly as installed, minus the arch-rules plugin: the "flake8 alone" baseline.

flake8 runs every installed plugin whatever ``--select`` says (selection filters results, not work), so
the only honest "without the plugin" run is one where flake8 never finds it. Arguments are flake8's.
"""

from __future__ import annotations

import sys

import flake8.plugins.finder as finder
from flake8.main.cli import main

_all_plugins = finder._find_importlib_plugins


def _without_arch_rules():  # type: ignore[no-untyped-def]
    return (plugin for plugin in _all_plugins() if plugin.package != "arch-rules")


finder._find_importlib_plugins = _without_arch_rules  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())
