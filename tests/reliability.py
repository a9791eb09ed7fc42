"""Helpers of the reliability and adversarial tests: a scratch project, and arch-rules run as a user runs
it (a subprocess with a timeout, so a hang fails the test instead of blocking CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import arch_rules
from arch_rules.testing import write_project

#: The folder holding the arch_rules package under test (the subprocess must import this one).
SOURCE = str(Path(arch_rules.__file__).resolve().parent.parent)

CONFIG = """\
[project]
name = "shop"

[tool.arch_rules]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
"""

#: The declaration of the --fix tests: one team, whose internal module other code imports (ARC102, fixable).
FIX_CONFIG = """\
[tool.arch_rules]
root_packages = ["shop"]

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
"""

#: A small project with two findings: a layer broken (ARC101) and an internal module imported (ARC102).
FILES = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/web.py": '"""Web."""\nfrom shop import domain\n',
    "shop/domain.py": '"""Domain."""\nimport os\nfrom shop import web\nfrom shop.payments._gateway import pay\n',
    "shop/payments/__init__.py": '"""Payments."""\n',
    "shop/payments/api.py": '"""API."""\n__all__ = ["charge", "pay"]\nfrom shop.payments._gateway import pay\n\n\n'
    'def charge(amount: int) -> int:\n    """Charge."""\n    return amount\n',
    "shop/payments/_gateway.py": '"""Gateway."""\n\n\ndef pay() -> None:\n    """Pay."""\n',
}


def make_project(root: Path, config: str = CONFIG, files: dict[str, str] | None = None) -> Path:
    return write_project(root, FILES if files is None else files, config)


def run_cli(
    cwd: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``arch-rules ARGS`` in ``cwd``, this checkout's code, stdout and stderr captured (text)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "GITHUB_STEP_SUMMARY")}
    environment.update(env or {})
    environment["PYTHONPATH"] = SOURCE
    return subprocess.run(
        [sys.executable, "-m", "arch_rules", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        input=stdin,
        errors="replace",
    )


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes | None]]:
    """Every entry below ``folder`` (links not followed): kind bits, size, and a regular file's bytes."""
    seen: dict[str, tuple[int, int, bytes | None]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            content = None
            if os.path.isfile(path) and not os.path.islink(path) and info.st_size < 1 << 20:
                with open(path, "rb") as handle:
                    content = handle.read()
            seen[os.path.relpath(path, folder)] = (info.st_mode & 0o170000, info.st_size, content)
    return seen
