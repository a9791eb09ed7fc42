"""``arch-rules init``: a [tool.arch_rules] proposal from the code (arch_rules/proposal.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arch_rules.adapters import proposal
from arch_rules.adapters.cli import main
from arch_rules.errors import UsageError
from arch_rules.model import config
from arch_rules.model.config import tomllib  # tomli on 3.10
from arch_rules.testing import write_project


def write(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, files)


# web imports services and domain; services imports domain and infra; domain imports nothing of ours;
# infra and domain import each other (a cycle); tests/ and docs/ are not architecture.
SHOP = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "from shop.services import checkout\nfrom ..domain import Order\n",
    "src/shop/services/__init__.py": "",
    "src/shop/services/checkout.py": "import shop.domain.orders\nfrom shop import infra\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/orders.py": "import importlib\nrepo = importlib.import_module('shop.infra.db')\n",
    "src/shop/infra/__init__.py": "",
    "src/shop/infra/db.py": "from shop.domain.orders import Order\n",
    "src/shop/cli.py": "import shop.web.views\n",
    "tests/__init__.py": "",
    "tests/test_shop.py": "import shop\n",
    "docs/__init__.py": "",
}


def table(text: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads(text)["tool"]["arch_rules"]


def test_proposal_from_a_src_layout(tmp_path: Path) -> None:
    text = proposal.propose(write(tmp_path, SHOP), write=False)
    assert text.lstrip().startswith("# --- Proposed by `arch-rules init`")
    data = table(text)
    assert data["source_roots"] == ["src"]
    assert data["root_packages"] == ["shop"]
    assert data["require_owner"] is False
    (stack,) = data["layers"]
    # domain and infra import each other: the import grimp nominates to break the cycle (as ARC207 would)
    # becomes an agreed exception, and each gets a level of its own.
    assert stack["order"] == ["shop.web", "shop.services", "shop.domain", "shop.infra"]
    assert stack["ignore_imports"] == ["shop.infra.db -> shop.domain.orders"]
    assert "# Layers of shop: 4 levels the code keeps today, with 1 upward import taken as agreed" in text
    assert sorted(data["teams"]) == ["domain", "infra", "services", "web"]
    assert data["teams"]["services"] == {"owns": ["shop.services"], "contact": ""}
    assert not (tmp_path / "pyproject.toml").exists()  # without --write nothing is written


def test_independent_siblings_share_a_level_with_a_bar(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "from app import orders, billing\n",
            "app/orders/__init__.py": "from app.core import x\n",
            "app/billing/__init__.py": "from app.core import y\n",
            "app/core/__init__.py": "",
        },
    )
    data = table(proposal.propose(root, write=False))
    assert data["source_roots"] == ["."]
    assert data["layers"][0]["order"] == ["app.api", "app.billing | app.orders", "app.core"]


def test_flat_packages_get_one_team_each_and_no_layers(tmp_path: Path) -> None:
    root = write(tmp_path, {"alpha/__init__.py": "", "alpha/a.py": "", "beta/__init__.py": "import alpha\n"})
    text = proposal.propose(root, write=False)
    data = table(text)
    assert data["root_packages"] == ["alpha", "beta"]
    assert data["teams"] == {"alpha": {"owns": ["alpha"], "contact": ""}, "beta": {"owns": ["beta"], "contact": ""}}
    assert "layers" not in data
    assert "# No layers proposed for alpha" in text


def test_teams_from_codeowners(tmp_path: Path) -> None:
    root = write(tmp_path, SHOP)
    write(
        root,
        {
            ".github/CODEOWNERS": (
                "# owners\n"
                "*                      @acme/platform\n"
                "/src/shop/web/         @acme/frontend @alice\n"
                "src/shop/services/**   @acme/checkout\n"
                "/src/shop/domain/      @acme/checkout\n"
                "/src/shop/infra/       @bob\n"
                "/docs/                 @acme/writers\n"
            )
        },
    )
    text = proposal.propose(root, write=False)
    teams = table(text)["teams"]
    assert teams["frontend"] == {"owns": ["shop.web"], "contact": "@acme/frontend"}
    assert teams["checkout"] == {"owns": ["shop.domain", "shop.services"], "contact": "@acme/checkout"}
    assert teams["infra"] == {"owns": ["shop.infra"], "contact": ""}  # a person, not a team: placeholder
    assert "writers" not in teams and "platform" not in teams
    assert "from CODEOWNERS (.github/CODEOWNERS: @acme/checkout)" in text


def test_write_appends_and_check_runs_on_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, SHOP)
    original = '[project]\nname = "shop"\n\n[tool.ruff]\nline-length = 100'  # no final newline
    (root / "pyproject.toml").write_text(original)
    monkeypatch.chdir(root)
    assert main(["init", "--write"]) == 0
    written = (root / "pyproject.toml").read_text()
    assert written.startswith(original + "\n")
    data = tomllib.loads(written)
    assert data["project"]["name"] == "shop" and data["tool"]["ruff"]["line-length"] == 100
    loaded = config.load(root / "pyproject.toml")
    assert loaded.root_packages == ("shop",)
    assert [t.name for t in loaded.teams] == ["domain", "infra", "services", "web"]
    # A second --write refuses: the table is there now.
    assert main(["init", "--write"]) == 2
    assert (root / "pyproject.toml").read_text() == written
    assert not list(root.glob(".pyproject.toml.*"))  # no temporary files left behind


@pytest.mark.slow
@pytest.mark.parametrize("files", [SHOP, {"pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/b.py": ""}])
def test_check_runs_on_a_fresh_proposal(tmp_path: Path, files: dict[str, str]) -> None:
    root = write(tmp_path, files)
    cli = [sys.executable, "-m", "arch_rules"]
    done = subprocess.run([*cli, "init", "--write"], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (root / "pyproject.toml").is_file()  # created when missing
    done = subprocess.run([*cli, "check", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr  # the code passes its proposal (and baseline)
    assert "ARC001" not in done.stdout  # every proposed pattern names a real module
    done = subprocess.run([*cli, "graph", "--level", "layers"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_refuses_when_the_table_exists(tmp_path: Path) -> None:
    root = write(tmp_path, SHOP)
    (root / "pyproject.toml").write_text('[tool.arch_rules]\nroot_packages = ["shop"]\n')
    with pytest.raises(UsageError) as error:
        proposal.propose(root, write=True)
    assert error.value.exit_code == 2
    # Without --write the proposal is still shown, marked as for comparison.
    assert proposal.propose(root, write=False).startswith("# pyproject.toml already has [tool.arch_rules]")


def test_broken_pyproject_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, SHOP)
    (root / "pyproject.toml").write_text("[project\n")
    monkeypatch.chdir(root)
    assert main(["init", "--write"]) == 2
    assert (root / "pyproject.toml").read_text() == "[project\n"


def test_nothing_to_propose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"tests/__init__.py": "", "script.py": "print()\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 2
    assert "no Python package" in capsys.readouterr().err


def test_the_code_is_read_never_imported(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "boom/__init__.py": "raise SystemExit('imported!')\n",
            "boom/a/__init__.py": "import boom.b\nraise SystemExit('imported!')\n",
            "boom/b/__init__.py": "def broken(:\n",  # a syntax error is simply no imports
        },
    )
    data = table(proposal.propose(root, write=False))
    assert data["layers"][0]["order"] == ["boom.a", "boom.b"]


# Chains through the root __init__ and a top-level module, a `_private` subpackage holding most of the code,
# and a cycle between two children: the shapes that made the first proposals break at once (issue 11).
TANGLED = {
    "pkg/__init__.py": "from pkg.ui import app\n",  # the root re-exports the UI
    "pkg/helpers.py": "import pkg._engine.run\n",
    "pkg/ui/__init__.py": "",
    "pkg/ui/app.py": "import pkg.helpers\nfrom pkg.models import Model\n",
    "pkg/_engine/__init__.py": "",
    "pkg/_engine/run.py": "import pkg\nfrom pkg.models import Model\n",  # reaches pkg.ui through the root
    "pkg/models/__init__.py": "from pkg.storage import save\n",
    "pkg/storage/__init__.py": "def save() -> None:\n    from pkg.models import Model\n",
}


@pytest.mark.slow
def test_init_write_then_check_passes_and_the_summary_says_what_it_found(tmp_path: Path) -> None:
    root = write(tmp_path, {**TANGLED, ".github/CODEOWNERS": "/pkg/ui/ @acme/frontend\n"})
    cli = [sys.executable, "-m", "arch_rules"]
    done = subprocess.run([*cli, "init", "--write"], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = table((root / "pyproject.toml").read_text())
    (stack,) = data["layers"]
    named = {name.strip() for level in stack["order"] for name in level.replace(":", "|").split("|")}
    assert named == {"pkg.ui", "pkg._engine", "pkg.models", "pkg.storage"}  # the private package too
    assert "pkg -> pkg.ui.app" in stack["ignore_imports"]  # the root's import that tied every child together
    assert "# Teams from CODEOWNERS: 1 (frontend)." in done.stdout
    assert "upward imports taken as agreed exceptions" in done.stdout
    assert "written to .arch-rules-baseline.json" in done.stdout  # team interfaces the code does not keep yet
    check = subprocess.run([*cli, "check", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "hidden by the baseline" in check.stdout
