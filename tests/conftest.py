"""What every test module shares: one way to write a scratch project."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from arch_rules.testing import write_project

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """``make_project(files, config=None, root=None)``: the files (relative path -> text) and, when given,
    pyproject.toml written under ``root`` (default: the test's tmp_path); returns the project root."""

    def make(files: Mapping[str, str], config: str | None = None, root: Path | None = None) -> Path:
        return write_project(root or tmp_path, files, config)

    return make
