"""The pattern language and the project model: names, ownership, layers, interfaces."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arch_rules.model.config import load
from arch_rules.model.patterns import Pattern, pattern_problem
from arch_rules.model.project import Project, discover


@pytest.mark.parametrize(
    ("pattern", "module", "matches", "covers"),
    [
        ("a.b", "a.b", True, True),
        ("a.b", "a.b.c", False, True),
        ("a.b", "a", False, False),
        ("a.*", "a.b", True, True),
        ("a.*", "a", False, False),
        ("a.*", "a.b.c", False, True),
        ("a.**", "a", True, True),
        ("a.**", "a.b.c.d", True, True),
        ("**.api", "x.y.api", True, True),
        ("**.api", "x.api.v1", False, True),
        ("a.*.c", "a.b.c", True, True),
        ("a.*.c", "a.c", False, False),
        ("a.**.c", "a.c", True, True),
        ("a.**.c", "a.x.y.c", True, True),
        ("a", "ab", False, False),
    ],
)
def test_pattern_matching(pattern: str, module: str, matches: bool, covers: bool) -> None:
    assert Pattern(pattern).matches(module) is matches
    assert Pattern(pattern).covers(module) is covers


@pytest.mark.parametrize("text", ["", "a..b", "a.b*", "a.*b", "a-b", ".a", "a.", " a"])
def test_malformed_patterns(text: str) -> None:
    assert pattern_problem(text) is not None


def test_specificity_prefers_literal_segments() -> None:
    assert Pattern("a.b.*").specificity > Pattern("a.*.*").specificity
    assert Pattern("a.b.c").specificity > Pattern("a.b").specificity


def project(tmp_path: Path, table: str, files: list[str]) -> Project:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(table))
    for rel in files:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return discover(load(start=tmp_path))


def test_module_names_src_layout_and_namespaces(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        """\
        [tool.arch_rules]
        source_roots = ["src", "libs"]
        root_packages = ["shop", "ns"]
        exclude = ["**/migrations/**"]
        """,
        [
            "src/shop/__init__.py",
            "src/shop/a.py",
            "src/shop/sub/__init__.py",
            "src/shop/sub/b.py",
            "src/shop/nopkg/c.py",  # no __init__ inside a regular package: not part of the project
            "src/shop/migrations/__init__.py",
            "src/shop/migrations/m1.py",
            "src/other/__init__.py",  # not a root package
            "src/ns/one/__init__.py",  # namespace package spread over two roots
            "libs/ns/two/__init__.py",
            "libs/ns/two/x.py",
        ],
    )
    assert sorted(p.modules) == ["ns.one", "ns.two", "ns.two.x", "shop", "shop.a", "shop.sub", "shop.sub.b"]
    assert "ns" in p.namespaces
    assert p.modules["shop.sub"].relpath == "src/shop/sub/__init__.py"
    assert p.is_first_party("shop.anything") and not p.is_first_party("other")


def test_ownership_by_most_specific_pattern(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        """\
        [tool.arch_rules]
        [tool.arch_rules.teams.a]
        owns = ["shop"]
        [tool.arch_rules.teams.b]
        owns = ["shop.*.api"]
        [tool.arch_rules.teams.c]
        owns = ["shop.pay"]
        """,
        ["shop/__init__.py", "shop/pay/__init__.py", "shop/pay/api.py", "shop/pay/core.py", "shop/web.py"],
    )
    owner = {name: p.team_of(name).name for name in p.modules}  # type: ignore[union-attr]
    # shop.pay.api: "shop.pay" (2 literal segments, covers) vs "shop.*.api" (2 literal, 3 segments) -> b.
    assert owner == {"shop": "a", "shop.web": "a", "shop.pay": "c", "shop.pay.core": "c", "shop.pay.api": "b"}
    # default interface: the packages an owns pattern matches exactly
    assert p.is_interface("shop.pay") and not p.is_interface("shop.pay.core")


def test_layers_with_containers(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        """\
        [tool.arch_rules]
        [[tool.arch_rules.layers]]
        containers = ["shop.*"]
        order = ["web", "domain | reports", "(infra)"]
        """,
        ["shop/__init__.py", "shop/a/web.py", "shop/a/domain/x.py", "shop/a/reports.py", "shop/b/web.py"],
    )
    for pkg in ("shop/a", "shop/b", "shop/a/domain"):
        (tmp_path / pkg / "__init__.py").write_text("")
    p = discover(load(start=tmp_path))
    stack = p.config.layers[0]
    web = p.layer_of("shop.a.web", stack)
    domain = p.layer_of("shop.a.domain.x", stack)
    assert web is not None and domain is not None
    assert (web.container, web.level) == ("shop.a", 0)
    assert (domain.container, domain.level, domain.entry, domain.independent) == ("shop.a", 1, "shop.a.domain", True)
    assert p.layer_of("shop", stack) is None
    assert p.layer_of("shop.b.web", stack).container == "shop.b"  # type: ignore[union-attr]


def test_version_matches_pyproject() -> None:
    import sys

    import arch_rules

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == arch_rules.__version__


def test_gitignored_files_are_not_part_of_the_project(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("generated.py\n")
    (tmp_path / "shop" / "gen").mkdir(parents=True)
    (tmp_path / "shop" / "gen" / ".gitignore").write_text("*.py\n!__init__.py\n")
    p = project(
        tmp_path,
        "[tool.arch_rules]\n",
        ["shop/__init__.py", "shop/generated.py", "shop/real.py", "shop/gen/__init__.py", "shop/gen/x.py"],
    )
    assert sorted(p.modules) == ["shop", "shop.gen", "shop.real"]


@pytest.mark.parametrize(
    ("roots", "files", "message"),
    [
        (["src", "src/shop"], ["src/shop/__init__.py"], "'src/shop' and 'src' overlap"),
        (["a", "b"], ["a/shop/__init__.py", "b/shop/__init__.py"], "package 'shop' is in both 'a' and 'b'"),
    ],
)
def test_source_roots_that_would_name_a_file_twice(
    tmp_path: Path, roots: list[str], files: list[str], message: str
) -> None:
    from arch_rules.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        project(tmp_path, f"[tool.arch_rules]\nsource_roots = {roots!r}\n".replace("'", '"'), files)
    assert message in raised.value.problems[0]
