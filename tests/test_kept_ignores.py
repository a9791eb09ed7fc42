"""The exclude / .gitignore answers of the last walk are kept in the cache (``ignores``) and reused while
the walk reads the same ignore files with the same text: a warm run imports no pathspec. Every change to
an ignore file, a new ignore file, a new file and a new ``exclude`` glob gives the modules and findings of
a run without the cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import arch_rules
from arch_rules.engine.run import Options, prepare
from arch_rules.model.config import load
from arch_rules.model.project import discover
from arch_rules.rules import codes
from arch_rules.testing import write_project

REPO = Path(__file__).resolve().parents[1]

CONFIG = """\
[tool.arch_rules]
source_roots = ["src"]

[tool.arch_rules.teams.shop]
owns = ["shop"]
"""

FILES = {
    ".gitignore": "build/\n*_generated.py\n",
    "src/shop/__init__.py": '"""Shop."""\n',
    "src/shop/web.py": '"""Web."""\nfrom shop import model\n',
    "src/shop/model.py": '"""Model."""\n',
    "src/shop/schema_generated.py": '"""Generated."""\nimport os\n',
    "src/shop/build/__init__.py": '"""Built."""\n',
    "src/shop/build/out.py": '"""Out."""\n',
}


def modules(root: Path) -> list[str]:
    """The modules a run with the cache sees, checked against a walk that keeps nothing."""
    _config, kept = prepare(Options(start=root), kept_ignores=True)
    fresh = discover(load(None, root, codes()))
    assert sorted(kept.modules) == sorted(fresh.modules)
    assert sorted(kept.namespaces) == sorted(fresh.namespaces)
    report = arch_rules.check(root)
    assert report.findings == arch_rules.check(root, cache=False).findings
    return sorted(kept.modules)


def test_kept_answers_follow_every_change_of_what_is_ignored(tmp_path: Path) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    assert modules(root) == ["shop", "shop.model", "shop.web"]
    assert modules(root) == ["shop", "shop.model", "shop.web"]  # from the kept answers
    # a new file the patterns ignore, and one they do not
    write_project(root, {"src/shop/orders_generated.py": "", "src/shop/orders.py": '"""Orders."""\n'})
    assert modules(root) == ["shop", "shop.model", "shop.orders", "shop.web"]
    # the root .gitignore changed: generated files are modules now
    write_project(root, {".gitignore": "build/\n"})
    assert modules(root) == [
        "shop",
        "shop.model",
        "shop.orders",
        "shop.orders_generated",
        "shop.schema_generated",
        "shop.web",
    ]
    # a new .gitignore in a package folder
    write_project(root, {"src/shop/.gitignore": "orders*.py\n"})
    assert modules(root) == ["shop", "shop.model", "shop.schema_generated", "shop.web"]
    # it goes again
    (root / "src/shop/.gitignore").unlink()
    assert "shop.orders" in modules(root)
    # an exclude glob in the declaration
    write_project(root, {"pyproject.toml": CONFIG.replace('["src"]\n', '["src"]\nexclude = ["**/web.py"]\n', 1)})
    assert "shop.web" not in modules(root)
    # the ignored folder gets its own .gitignore un-ignoring nothing: still left out, never read
    write_project(root, {"src/shop/build/.gitignore": "!out.py\n"})
    assert not any(name.startswith("shop.build") for name in modules(root))


PATHSPEC_LOADED = """\
import sys
import arch_rules
report = arch_rules.check(sys.argv[1])
print(len(report.findings), "pathspec" in sys.modules)
"""


def test_a_warm_run_imports_no_pathspec(tmp_path: Path) -> None:
    root = write_project(tmp_path, FILES, CONFIG)

    def run() -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", PATHSPEC_LOADED, str(root)], capture_output=True, text=True, timeout=300, cwd=REPO
        )
        assert done.returncode == 0, done.stderr
        count, loaded = done.stdout.split()
        return count, loaded

    first = run()
    assert first[1] == "True"  # the first walk compiles the patterns
    assert run() == (first[0], "False")
    write_project(root, {"src/shop/new_generated.py": ""})  # a new path: asked of the patterns again
    assert run() == (first[0], "True")
    assert run() == (first[0], "False")
