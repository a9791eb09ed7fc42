"""``python -m arch_rules`` is ``arch-rules``."""

import sys

from arch_rules.adapters.cli import main

sys.exit(main())
