"""``check --since REF`` and ``--format markdown`` end to end, in scratch repositories driven by real git.

The base is read from git's objects only; these tests check what the change introduced (and nothing else)
is reported, what the Markdown tells the teams, that the working tree and the index are untouched, that the
same declaration written as team files gives the same findings, and the errors CI meets (no repository, an
unknown revision, a shallow clone without the base).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from arch_rules.adapters.cli import main
from arch_rules.engine import store
from arch_rules.engine.gitbase import discover_paths
from arch_rules.model.config import load
from arch_rules.model.project import discover
from arch_rules.testing import write_project

CENTRAL = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain", "shop.core"]

[tool.arch_rules.teams.billing]
owns = ["shop.billing"]
interface = ["shop.billing.api"]
contact = "#billing-eng"

[tool.arch_rules.teams.orders]
owns = ["shop.orders"]
depends_on = ["billing"]
contact = "#orders-eng"
"""

# The same declaration, the teams kept by the teams themselves.
SPLIT = """\
[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.domain", "shop.core"]
"""
TEAM_FILES = {
    "src/shop/billing/arch-team.toml": 'name = "billing"\ninterface = ["shop.billing.api"]\ncontact = "#billing-eng"\n',
    "src/shop/orders/arch-team.toml": 'name = "orders"\ndepends_on = ["billing"]\ncontact = "#orders-eng"\n',
}

DOC = '"""Doc."""\n'
BASE = {
    "src/shop/__init__.py": DOC,
    "src/shop/web/__init__.py": DOC,
    "src/shop/web/views.py": "from shop.domain import model\n",
    "src/shop/domain/__init__.py": DOC,
    "src/shop/domain/model.py": "from shop.core import util\n",
    "src/shop/core/__init__.py": DOC,
    # ARC201 at the base: core.util -> glue -> web.views (a chain up the layers); the change removes it.
    "src/shop/core/util.py": "from shop import glue\n",
    "src/shop/glue.py": "import shop.web.views\n",
    "src/shop/billing/__init__.py": DOC + "__all__: list[str] = []\n",
    "src/shop/billing/api.py": DOC
    + '__all__ = ["charge", "refund"]\n\n\ndef charge(amount: int) -> None:\n    """Charge."""\n\n\n'
    'def refund(amount: int) -> None:\n    """Refund."""\n',
    "src/shop/billing/internal.py": DOC + 'def secret() -> None:\n    """Secret."""\n',
    "src/shop/orders/__init__.py": DOC + "__all__: list[str] = []\n",
    "src/shop/orders/views.py": DOC + "from shop.billing.api import charge\n",
    # An old violation the change fixes:
    "src/shop/orders/old.py": DOC + "from shop.billing.internal import secret\n",
    # One the change leaves alone (it predates the change, in a file the change does not touch):
    "src/shop/orders/legacy.py": DOC + "from shop.billing.internal import secret\n",
}
CHANGE = {
    # fixes the ARC102 of old.py
    "src/shop/orders/old.py": DOC + "from shop.billing.api import refund\n",
    # removes `charge`, which orders.views still uses, and changes refund's signature
    "src/shop/billing/api.py": DOC
    + '__all__ = ["refund"]\n\n\ndef refund(amount: int, reason: str) -> None:\n    """Refund."""\n',
    # the one new violation
    "src/shop/orders/new.py": DOC + "from shop.billing.internal import secret\n",
    # removes the ARC201 chain at the base
    "src/shop/glue.py": DOC,
}
NEW_FINDING = re.compile(r"^src/shop/orders/new\.py:2:1: ARC102 ")


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env, timeout=60, check=True)
    return done.stdout


def write(root: Path, files: dict[str, str]) -> None:
    write_project(root, files)


def repository(root: Path, team_files: bool = False, change: bool = True) -> Path:
    root.mkdir(parents=True)
    write(root, {"pyproject.toml": SPLIT if team_files else CENTRAL, **BASE, **(TEAM_FILES if team_files else {})})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    if change:
        write(root, CHANGE)
        git(root, "add", "src/shop/billing/api.py")  # one change staged, the rest not: the index must stay so
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the working tree (the cache folder aside) and git's index, byte for byte."""
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".git/", ".arch_rules_cache/")):
            files[rel] = path.read_bytes()
    files[".git/index"] = (root / ".git" / "index").read_bytes()
    files[".git/HEAD"] = (root / ".git" / "HEAD").read_bytes()
    return files


def run(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def section(md: str, title: str) -> str:
    """The text of one ``### title`` section of the Markdown report."""
    return md.split(f"\n### {title}\n", 1)[1].split("\n### ", 1)[0]


def finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: ARC\d+ ", line)]


@pytest.mark.parametrize("team_files", [False, True], ids=["central-teams", "team-files"])
def test_since_reports_exactly_what_the_change_introduced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], team_files: bool
) -> None:
    root = repository(tmp_path / "repo", team_files=team_files)
    before = snapshot(root)
    review = tmp_path / "review.md"
    formats = ("--format", "text", "--format", f"markdown:{review}")
    code, out, err = run(root, monkeypatch, capsys, "--since", "HEAD", *formats)
    assert err == ""
    assert code == 1
    lines = finding_lines(out)
    assert len(lines) == 1 and NEW_FINDING.match(lines[0]), out
    assert snapshot(root) == before  # nothing in the working tree or the index changed

    md = review.read_text(encoding="utf-8")
    # the new finding, under the team whose boundary it crosses, with that team's contact and the fix
    assert "#### Team billing · contact: \\#billing-eng" in md
    new_section = section(md, "New findings")
    assert "`src/shop/orders/new.py:2`" in new_section and "ARC102 private-team-module" in new_section
    assert "Fix: " in new_section
    assert "old.py" not in new_section and "legacy.py" not in new_section
    # the removed interface name, and the other team's module still using it
    assert "**removed** `charge` from `shop.billing.api`: still used by `shop.orders.views` (team orders," in md
    assert "**signature changed**: `refund` in `shop.billing.api`, `(amount: int) -> None` → " in md
    # the debt paid: old.py's ARC102 and the ARC201 chain of the base are gone
    debt = section(md, "Debt paid")
    assert "`src/shop/orders/old.py` **ARC102" in debt
    assert "**ARC201 indirect-layer-violation**" in debt
    assert "legacy.py" not in debt


def test_team_files_give_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    central = repository(tmp_path / "central")
    split = repository(tmp_path / "split", team_files=True)
    for args in ((), ("--since", "HEAD")):
        code_a, out_a, _ = run(central, monkeypatch, capsys, "--no-cache", *args)
        code_b, out_b, _ = run(split, monkeypatch, capsys, "--no-cache", *args)
        assert code_a == code_b == 1
        assert finding_lines(out_a) == finding_lines(out_b)
        assert len(finding_lines(out_a)) >= 1


def test_the_base_costs_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The facts cache is keyed by content: after a run of the working tree, the base needs the facts of
    the files the change touched only (their base versions), every other file is a cache hit."""
    root = repository(tmp_path / "repo")
    assert run(root, monkeypatch, capsys)[0] == 1  # warm the cache on the working tree
    parsed: list[bytes] = []
    real = store.extract_many

    def counting(contents: list[bytes], jobs: int | None):  # type: ignore[no-untyped-def]
        parsed.extend(contents)
        return real(contents, jobs)

    monkeypatch.setattr(store, "extract_many", counting)
    code, out, _ = run(root, monkeypatch, capsys, "--since", "HEAD")
    assert code == 1 and len(finding_lines(out)) == 1
    # content-addressed: a base version identical to some file of the working tree is a hit too
    now = {**BASE, **CHANGE}
    expected = {BASE[rel] for rel in CHANGE if rel in BASE} - set(now.values())
    assert expected and sorted(parsed) == sorted(text.encode() for text in expected)
    parsed.clear()
    code, out_again, _ = run(root, monkeypatch, capsys, "--since", "HEAD")  # both results cached now
    assert (code, out_again) == (1, out) and parsed == []


def test_no_new_finding_exits_0_and_github_puts_the_change_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path / "repo")
    (root / "src/shop/orders/new.py").unlink()
    code, out, _ = run(root, monkeypatch, capsys, "--since", "HEAD", "--format", "github")
    assert code == 0
    assert not re.search(r"^::(error|warning) ", out, re.MULTILINE)
    write(root, {"src/shop/orders/new.py": CHANGE["src/shop/orders/new.py"]})
    write(root, {"src/shop/orders/old.py": BASE["src/shop/orders/old.py"] + "\n# touched\n"})
    code, out, _ = run(root, monkeypatch, capsys, "--since", "HEAD", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("::error file=src/shop/orders/new.py,line=2,")
    # the earlier finding in a file the change touches: a notice; the untouched legacy.py: summarised
    assert any(line.startswith("::notice file=src/shop/orders/old.py,") for line in lines)
    assert not any("legacy.py" in line for line in lines)
    assert any("in 1 file this change does not touch predate it" in line for line in lines)


def test_new_dependencies_and_declaration_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path / "repo", change=False)
    config = CENTRAL + '\n[tool.arch_rules.teams.shipping]\nowns = ["shop.shipping"]\ncontact = "#ship"\n'
    config = config.replace('depends_on = ["billing"]', 'depends_on = ["billing", "shipping"]')
    write(
        root,
        {
            "pyproject.toml": config,
            "src/shop/shipping/__init__.py": DOC + '__all__ = ["send"]\n\n\ndef send() -> None:\n    """Send."""\n',
            "src/shop/billing/tax.py": DOC + "from shop.shipping import send\n",
        },
    )
    review = tmp_path / "review.md"
    code, _, err = run(root, monkeypatch, capsys, "--since", "main", "--format", f"markdown:{review}")
    assert err == ""
    md = review.read_text(encoding="utf-8")
    deps = section(md, "New cross-team dependencies")
    assert "| billing | shipping | any team allowed | `shop.billing.tax` → `shop.shipping` at " in deps
    declaration = section(md, "Declaration changes")
    assert '`tool.arch_rules.teams.orders.depends_on`: added `"shipping"`' in declaration
    assert "`tool.arch_rules.teams.shipping`: added" in declaration
    assert "**added** `send` to `shop.shipping`" in md
    assert code == 0  # a new team and an agreed-to-be-open dependency break nothing


def test_whole_tree_markdown_has_the_dependency_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path / "repo", change=False)
    code, out, _ = run(root, monkeypatch, capsys, "--format", "markdown")
    assert code == 1
    assert "## arch-rules: the architecture of the whole tree" in out
    assert "### Findings by team" in out and "#### Team billing · contact: \\#billing-eng" in out
    assert "| imports from → | billing | orders |" in out
    assert "| **orders** | ✓ 3 | — |" in out  # views, old, legacy: agreed in depends_on
    assert "| **billing** | — |  |" in out


@pytest.mark.parametrize(
    ("setup", "ref", "expected"),
    [
        ("none", "HEAD", "is not inside a git repository"),
        ("repo", "no-such-branch", "no commit 'no-such-branch' in this repository; fetch it first"),
        (
            "shallow",
            "HEAD~1",
            "no commit 'HEAD~1' in this shallow clone; fetch it first (GitHub Actions: "
            "actions/checkout with `fetch-depth: 0`",
        ),
        ("empty", "HEAD", "HEAD has no commit yet"),
        ("repo", "--all", "expected a git revision"),
    ],
)
def test_since_errors_say_what_to_fetch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    ref: str,
    expected: str,
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    if setup == "none":
        root.mkdir()
        write(root, {"pyproject.toml": CENTRAL, **BASE})
    elif setup == "empty":
        root.mkdir()
        write(root, {"pyproject.toml": CENTRAL, **BASE})
        git(root, "init", "-q", "-b", "main")
    else:
        repository(root, change=False)
        if setup == "shallow":
            write(root, {"src/shop/orders/more.py": DOC})
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "second")
            clone = tmp_path / "clone"
            git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(clone))
            root = clone
    code, out, err = run(root, monkeypatch, capsys, "--no-cache", f"--since={ref}")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_discovery_from_a_path_list_matches_the_disk(tmp_path: Path) -> None:
    """The base's modules are found by the rules the disk walk applies: regular and namespace packages,
    folders without __init__.py inside a package, names that are not identifiers, exclude, .gitignore."""
    files = {
        "pyproject.toml": '[tool.arch_rules]\nsource_roots = ["src", "lib"]\nexclude = ["**/gen_*.py"]\n',
        "src/.gitignore": "scratch/\n",
        "src/app/__init__.py": "",
        "src/app/a.py": "",
        "src/app/gen_x.py": "",
        "src/app/data/loose.py": "",  # no __init__.py inside a regular package: not a module
        "src/app/sub/__init__.py": "",
        "src/app/sub/b.py": "",
        "src/app/scratch/__init__.py": "",
        "src/app/not-valid/__init__.py": "",
        "src/app/.hidden.py": "",
        "src/notapackage/x.py": "",
        "lib/other/__init__.py": "",
        "lib/other/c.py": "",
    }
    write(tmp_path, files)
    config = load(tmp_path / "pyproject.toml")
    on_disk = discover(config)
    listed = discover_paths(config, set(files), lambda rel: files[rel].encode() if rel in files else None)
    assert sorted((m.name, m.relpath, m.is_package) for m in listed.modules.values()) == sorted(
        (m.name, m.relpath, m.is_package) for m in on_disk.modules.values()
    )
    assert listed.namespaces == on_disk.namespaces
    assert "app.a" in listed.modules and "app.gen_x" not in listed.modules and "app.scratch" not in listed.modules


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "kept-graph-read-only"])
def test_the_base_graph_reads_files_exactly_as_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    """grimp reads the base's bytes from memory; a file with leading blank lines and indented blocks must
    give the same chain, at the same lines, as the same file read from the disk. With the cache, the
    working tree's kept graph serves the unchanged files, and the changed one is scanned at its base
    version; the working tree's kept graph is not rewritten by the base (which keeps its own)."""
    from arch_rules.engine.review import check_since
    from arch_rules.engine.run import Options, run_full

    root = tmp_path / "repo"
    root.mkdir()
    config = '[tool.arch_rules]\nsource_roots = ["."]\n\n[[tool.arch_rules.layers]]\norder = ["app.web", "app.core"]\n'
    files = {
        "pyproject.toml": config,
        "app/__init__.py": "",
        "app/web/__init__.py": "",
        "app/web/views.py": "\n\nclass View:\n    '''Doc.'''\n\n    x = 1\n",
        "app/core/__init__.py": "",
        "app/core/util.py": "\n\n\nclass A:\n    '''Doc.'''\n\n\nfrom app import glue\n",
        "app/glue.py": "\n\nimport app.web.views\n",
    }
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    options = Options(start=root, cache=cache)
    then = [f for f in run_full(options).report.findings if f.code == "ARC201"]
    assert len(then) == 1 and "(l.8)" in then[0].message and "(l.3)" in then[0].message, then
    write(root, {"app/glue.py": "\n\nX = 1\n"})  # the chain is gone: the base's graph is built anew
    run = check_since(options, "HEAD")
    assert run.report.findings == []
    assert run.report.review is not None
    assert [f for f in run.report.review.fixed if f.code == "ARC201"] == then
    if cache:
        folder = root / ".arch_rules_cache"
        kept = {p.name: p.read_bytes() for p in folder.glob("graph-v*")}  # the working tree's kept graph
        assert kept
        assert check_since(options, "HEAD").report.review.fixed == run.report.review.fixed  # type: ignore[union-attr]
        # (and the recent whole-project parts, which hold the base's graph findings from the run above)
        for entry in [*folder.glob("result-base-*"), *folder.glob("graph-base-*"), *folder.glob("shared-*")]:
            entry.unlink()
        from grimp.application import scanning

        from arch_rules.graph.resolve import Resolver

        scanned: list[str] = []
        real, resolve = scanning.scan_imports, Resolver.imports

        def scan(module_files, **kwargs):  # type: ignore[no-untyped-def]
            scanned.extend(sorted(f.module.name for f in module_files))
            return real(module_files, **kwargs)

        def resolving(self, name, *args):  # type: ignore[no-untyped-def]
            scanned.append(name)
            return resolve(self, name, *args)

        monkeypatch.setattr(scanning, "scan_imports", scan)
        monkeypatch.setattr(Resolver, "imports", resolving)
        assert check_since(options, "HEAD").report.review.fixed == run.report.review.fixed  # type: ignore[union-attr]
        # only the file whose base version the working tree's graph does not hold (from the base's facts)
        assert scanned == ["app.glue"]
        assert {p.name: p.read_bytes() for p in folder.glob("graph-v*")} == kept


def test_markdown_lists_are_cut_to_fit_a_comment() -> None:
    from arch_rules.adapters.formats import FormatContext, render
    from arch_rules.adapters.formats.markdown import LIST_LIMIT, MARKER
    from arch_rules.model.findings import Finding, Report
    from arch_rules.model.summary import Review, TeamCard
    from arch_rules.rules import all_rules

    findings = [Finding("ARC102", f"m{i} imports x | y", f"src/m{i}.py", line=i + 1, team="billing") for i in range(60)]
    review = Review(teams=(TeamCard("billing", "#billing"),), base="main (0123456789)")
    text = render("markdown", Report(findings=findings, review=review), FormatContext("0", all_rules()))
    assert text.startswith(MARKER + "\n## arch-rules: what this change does to the architecture\n")
    assert text.count("\n- `src/m") == LIST_LIMIT
    assert f"- …and {60 - LIST_LIMIT} more findings (see the log or SARIF)" in text
    assert "x \\| y" in text  # a pipe cannot break out of the text


def test_a_change_to_a_team_file_is_named_by_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path / "repo", team_files=True, change=False)
    write(root, {"src/shop/orders/arch-team.toml": 'name = "orders"\ndepends_on = []\ncontact = "#orders-eng"\n'})
    review = tmp_path / "review.md"
    formats = ("--format", "text", "--format", f"markdown:{review}")
    code, out, _ = run(root, monkeypatch, capsys, "--since", "HEAD", *formats)
    # orders no longer agrees to depend on billing: its imports of billing are new ARC103 findings
    assert code == 1 and {line.split()[1] for line in finding_lines(out)} == {"ARC103"}
    declaration = section(review.read_text(encoding="utf-8"), "Declaration changes")
    assert '- `src/shop/orders/arch-team.toml: depends_on`: removed `"billing"`' in declaration


def test_a_base_without_a_declaration_counts_every_finding_as_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write(root, BASE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "code, no declaration yet")
    write(root, {"pyproject.toml": CENTRAL})  # the change adopts arch-rules
    code, out, err = run(root, monkeypatch, capsys, "--since", "HEAD")
    _, whole, _ = run(root, monkeypatch, capsys)
    assert code == 1 and err == ""
    assert finding_lines(out) == finding_lines(whole) != []
    assert "pyproject.toml at HEAD" in out and "every finding counts as new" in out


def test_the_base_reads_its_own_codeowners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change that moves a module to another team in CODEOWNERS makes its imports of the old team's
    private modules new findings: the base must be judged by the CODEOWNERS it had, not the working tree's."""
    root = tmp_path / "repo"
    root.mkdir()
    declaration = '[tool.arch_rules]\nsource_roots = ["src"]\nroot_packages = ["shop"]\ncodeowners = "CODEOWNERS"\n'
    files = {
        "pyproject.toml": declaration,
        "CODEOWNERS": "/src/shop/billing/ @acme/billing\n",
        "src/shop/__init__.py": DOC,
        "src/shop/billing/__init__.py": DOC + "__all__: list[str] = []\n",
        "src/shop/billing/internal.py": DOC + 'def secret() -> None:\n    """Secret."""\n',
        "src/shop/billing/report.py": DOC + "from shop.billing.internal import secret\n\n__all__: list[str] = []\n",
    }
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "billing owns its report")
    # The change: the report goes to team finance; its import of billing's private module now crosses teams.
    write(root, {"CODEOWNERS": "/src/shop/billing/ @acme/billing\n/src/shop/billing/report.py @acme/finance\n"})
    code, out, err = run(root, monkeypatch, capsys, "--since", "HEAD")
    assert err == ""
    assert code == 1, out
    lines = finding_lines(out)
    assert [line.split()[1] for line in lines] == ["ARC102"], out
    assert lines[0].startswith("src/shop/billing/report.py:2:1: ARC102 ")
