"""Where the real tools are: the console scripts installed beside this Python, else on PATH.

Tests run the tools as a user would, but must run *these* installs (an unactivated virtualenv or a pyenv
without rehashed shims has them beside ``sys.executable`` and not necessarily on PATH).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def script(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name)
