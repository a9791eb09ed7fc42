"""``arch-rules init --from-import-linter``: the translation, and the real ``lint-imports`` against
``arch-rules check`` on the translated configuration (fixtures/import_linter, shaped after kedro's and
other real projects' contracts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.adapters import migrate
from arch_rules.errors import UsageError
from arch_rules.testing import write_project
from tests.tools import script

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "import_linter"
LINT_IMPORTS = script("lint-imports")


def translated(tmp_path: Path, files: dict[str, str]) -> tuple[dict, migrate.Migration]:
    write_project(tmp_path, files)
    result = migrate.translate(migrate.find(tmp_path), tmp_path)
    return tomllib.loads(result.table)["tool"]["arch_rules"], result


PACKAGE = {"src/shop/__init__.py": "", "src/shop/web/__init__.py": "", "src/shop/domain/__init__.py": ""}


def test_toml_contracts_translate_with_their_names(tmp_path: Path) -> None:
    config = """
[tool.importlinter]
root_packages = ["shop"]
exclude_type_checking_imports = true

[[tool.importlinter.contracts]]
name = "Web above domain"
type = "layers"
containers = ["shop"]
layers = ["web", "services | api", "(legacy) : domain"]
exhaustive = true
exhaustive_ignores = ["conftest"]
ignore_imports = ["shop.domain.** -> shop.web"]
broken_contract_guidance = "See ADR-2."

[[tool.importlinter.contracts]]
name = "Domain is pure"
type = "forbidden"
source_modules = ["shop.domain"]
forbidden_modules = ["django", "shop.web"]
allow_indirect_imports = "True"

[[tool.importlinter.contracts]]
name = "Apart"
type = "independence"
modules = ["shop.web", "shop.domain"]
"""
    table, result = translated(tmp_path, {**PACKAGE, "pyproject.toml": config})
    assert table["source_roots"] == ["src"] and table["root_packages"] == ["shop"]
    assert table["type_checking_imports"] == "ignore"
    (layers,) = table["layers"]
    assert layers["name"] == "Web above domain"
    assert layers["order"] == ["web", "services | api", "(legacy) : domain"]
    assert layers["containers"] == ["shop"] and layers["exhaustive"] is True
    assert layers["exhaustive_ignores"] == ["conftest"]
    assert layers["ignore_imports"] == ["shop.domain.*.** -> shop.web"]  # import-linter's ** is one or more
    assert layers["because"] == "See ADR-2."
    (forbid,) = table["forbid"]
    assert forbid == {
        "name": "Domain is pure",
        "from": ["shop.domain"],
        "import": ["django", "shop.web"],
        "allow_indirect": True,
    }
    assert table["independent"] == [{"name": "Apart", "modules": ["shop.web", "shop.domain"]}]
    assert result.untranslated == []


def test_ini_contracts_and_what_does_not_translate(tmp_path: Path) -> None:
    ini = """
[importlinter]
root_package = shop
contract_types =
    custom: shop_linting.Custom

[importlinter:contract:cycles]
name = No cycles
type = acyclic_siblings
ancestors =
    shop
skip_descendants =
    shop.web

[importlinter:contract:protect]
name = Only web talks to domain
type = protected
protected_modules =
    shop.domain
allowed_importers =
    shop.web

[importlinter:contract:private]
name = Private stays private
type = private_modules

[importlinter:contract:mine]
name = Mine
type = custom
"""
    table, result = translated(tmp_path, {**PACKAGE, ".importlinter": ini, "setup.cfg": "[flake8]\n"})
    assert table["acyclic"] == ["shop", "shop.**"]  # depth 10 by default: the descendants too
    assert table["private_imports"] == "everywhere"
    text = "\n".join(result.untranslated)
    for expected in ("contract_types", "skip_descendants", "protected", "'custom'", "private names"):
        assert expected in text
    assert all(f"# Not translated: {line}" in result.table for line in result.untranslated)


def test_setup_cfg_wins_as_for_lint_imports(tmp_path: Path) -> None:
    cfg = "[importlinter]\nroot_package = shop\n\n[importlinter:contract:x]\nname = X\ntype = independence\n"
    cfg += "modules =\n    shop.web\n    shop.domain\n"
    files = {**PACKAGE, "setup.cfg": cfg, "pyproject.toml": '[tool.importlinter]\nroot_package = "other"\n'}
    table, result = translated(tmp_path, files)
    assert result.source.name == "setup.cfg"
    assert table["independent"][0]["modules"] == ["shop.web", "shop.domain"]


def test_no_configuration_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no import-linter configuration"):
        migrate.find(tmp_path)
    (tmp_path / "setup.cfg").write_text("[importlinter\n", encoding="utf-8")
    with pytest.raises(UsageError, match="setup.cfg: invalid INI"):
        migrate.find(tmp_path)


# ----------------------------------------------------------------------------------------------------
# end to end: the real lint-imports on the original, arch-rules on the translation


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "arch_rules", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def _lint_imports(root: Path) -> tuple[set[str], set[str]]:
    assert LINT_IMPORTS, "lint-imports is not installed"
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "400", "NO_COLOR": "1"}
    done = subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    broken = {line.split(" BROKEN")[0] for line in lines if " BROKEN" in line}
    kept = {line.split(" KEPT")[0] for line in lines if " KEPT" in line}
    return broken, kept


def _broken_by_arch_rules(root: Path, names: set[str], acyclic: str | None) -> set[str]:
    done = _cli(root, "check", "--no-cache", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    broken: set[str] = set()
    for finding in json.loads(done.stdout)["findings"]:
        assert len(finding["message"]) <= 1000
        chain = finding["chain"]
        assert all(b["importer"] == a["imported"] for a, b in zip(chain, chain[1:], strict=False)), chain
        if finding["code"] == "ARC207":
            assert acyclic is not None
            broken.add(acyclic)
            continue
        named = [name for name in names if name in finding["message"]]
        assert named, finding
        broken.add(max(named, key=len))
    return broken


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variant", "acyclic", "expected_broken"),
    [
        ("toml", None, 3),
        ("ini", "No cycles in flow", 2),
        ("ini-not-exhaustive", "No cycles in flow", 3),
    ],
)
def test_the_translation_breaks_the_contracts_lint_imports_breaks(
    tmp_path: Path, variant: str, acyclic: str | None, expected_broken: int
) -> None:
    root = tmp_path / "flow"
    shutil.copytree(FIXTURE, root)
    if variant.startswith("ini"):
        text = (FIXTURE / "importlinter.ini").read_text(encoding="utf-8")
        if variant == "ini-not-exhaustive":
            text = text.replace("exhaustive_ignores =\n    utils\n", "")
        (root / ".importlinter").write_text(text, encoding="utf-8")
    broken, kept = _lint_imports(root)
    assert len(broken) == expected_broken and kept, (broken, kept)
    done = _cli(root, "init", "--from-import-linter", "--write")
    assert done.returncode == 0, done.stderr
    assert "Added [tool.arch_rules]" in done.stdout
    assert _broken_by_arch_rules(root, broken | kept, acyclic) == broken


def test_names_of_forbid_and_independent_show_in_messages_and_contracts(tmp_path: Path) -> None:
    config = """
[tool.arch_rules]
source_roots = ["src"]

[[tool.arch_rules.forbid]]
name = "Domain is pure"
from = ["shop.domain"]
import = ["shop.web"]

[[tool.arch_rules.independent]]
name = "Web and domain apart"
modules = ["shop.web", "shop.domain"]
"""
    files = {**PACKAGE, "src/shop/domain/model.py": "import shop.web\n", "pyproject.toml": config}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    check = _cli(tmp_path, "check", "--no-cache")
    assert "(Domain is pure)" in check.stdout and "(Web and domain apart)" in check.stdout
    contracts = _cli(tmp_path, "contracts")
    assert 'name = "Domain is pure"' in contracts.stdout and 'name = "Web and domain apart"' in contracts.stdout


PROTECTED_FILES = {
    "pkg/__init__.py": "",
    "pkg/db/__init__.py": "",
    "pkg/db/models.py": "X = 1\n",
    "pkg/db/queries.py": "from pkg.db import models\n",  # inside the protected package: allowed
    "pkg/services/__init__.py": "",
    "pkg/services/orders.py": "from pkg.db import models\n",  # the allowed importer
    "pkg/web/__init__.py": "",
    "pkg/web/views.py": "import pkg.services.orders\n",
    "pkg/web/admin.py": "from pkg.db.models import X\n",  # breaks the contract
    "pkg/tools.py": "import pkg.web.views\n",  # a chain only: protected is about direct imports
}
PROTECTED = """
[importlinter]
root_package = pkg

[importlinter:contract:db]
name = Only services touch the database
type = protected
protected_modules =
    pkg.db
allowed_importers =
    pkg.services
"""


@pytest.mark.slow
@pytest.mark.parametrize("broken", [True, False])
def test_protected_becomes_a_forbid_entry_with_the_same_verdict(tmp_path: Path, broken: bool) -> None:
    files = dict(PROTECTED_FILES)
    if not broken:
        files["pkg/web/admin.py"] = "X = 1\n"
    for rel, text in {**files, ".importlinter": PROTECTED}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    lint_broken, kept = _lint_imports(tmp_path)
    assert lint_broken == ({"Only services touch the database"} if broken else set())
    done = _cli(tmp_path, "init", "--from-import-linter", "--write")
    assert done.returncode == 0, done.stderr
    assert "protected became a forbid entry" in done.stderr and "__init__ of pkg" in done.stderr
    forbid = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["arch_rules"]["forbid"]
    assert forbid == [
        {
            "name": "Only services touch the database",
            "from": ["pkg.tools", "pkg.web"],
            "import": ["pkg.db"],
            "allow_indirect": True,
        }
    ]
    assert _broken_by_arch_rules(tmp_path, lint_broken | kept, None) == lint_broken
