"""The standing adversarial suite (issue 10, "Done means"): bad input of every kind, generated.

What every case asserts, whatever the input:

- the exit code is 0, 1 or 2: never 3 (an internal error), never a signal, never a hang (subprocesses
  run with a timeout; in-process runs are bounded by hypothesis' deadline-free, small example counts);
- a configuration problem is reported as lines that each start with ``arch-rules:`` and hold no control
  character (one line per problem: a newline in a key cannot forge a second line);
- nothing outside the project is written, and inside it nothing but the cache folder and the reports
  asked for;
- results equal those of ``--no-cache`` (cache damage, concurrent runs, generated sources).

Budget: about a minute on two shared cores. Example counts are small and fixed (``derandomize``), so
a CI run is repeatable; raise ``ARCH_RULES_ADVERSARIAL_EXAMPLES`` locally for a longer hunt.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import random
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arch_rules.adapters.cli import main
from tests.reliability import CONFIG, FILES, SOURCE, make_project, run_cli, snapshot

EXAMPLES = int(os.environ.get("ARCH_RULES_ADVERSARIAL_EXAMPLES", "0")) or None
SETTINGS = settings(
    max_examples=EXAMPLES or 60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
CONTROL = {chr(c) for c in [*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0)]} | {"\u202e", "\u2028"}


@contextlib.contextmanager
def scratch() -> Iterator[tuple[Path, Path]]:
    """(a folder holding the project and a sibling with a file that must never change, the project)."""
    with tempfile.TemporaryDirectory(prefix="arch-rules-adversarial-") as folder:
        base = Path(folder)
        (base / "outside").mkdir()
        (base / "outside" / "keep.txt").write_text("keep")
        yield base, base / "p"


def run_main(*args: str) -> tuple[int, str, str]:
    """The command line in this process (fast): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def assert_sane(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), (code, stderr)
    for line in stderr.splitlines():
        assert line.startswith(("arch-rules:", "usage:", "note:")) or line.startswith(" "), repr(line)
        assert not CONTROL & set(line), repr(line)
    assert "Traceback" not in stderr


def outside_unchanged(base: Path, before: dict[str, object]) -> None:
    after = {k: v for k, v in snapshot(base).items() if not k.startswith("p/") and k != "p"}
    assert after == before


def outside(base: Path) -> dict[str, object]:
    return {k: v for k, v in snapshot(base).items() if not k.startswith("p/") and k != "p"}


# -- generated configurations -----------------------------------------------------------------------------

HOSTILE = st.lists(
    st.sampled_from([*"ab._-*/\\|:()[]{}\"' \n\r\t\x1b\x00\u202e\u2028é>", "ARC1", "shop", "..", "->"]),
    max_size=8,
).map("".join)
SCALARS = st.one_of(
    HOSTILE,
    st.integers(min_value=-(2**40), max_value=2**40),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE, inner, max_size=3), max_leaves=6
)
KEYS = (
    st.sampled_from(
        [
            "source_roots",
            "root_packages",
            "exclude",
            "require_owner",
            "type_checking_imports",
            "acyclic",
            "codeowners",
            "cache_dir",
            "max_file_size",
            "layers",
            "teams",
            "forbid",
            "independent",
            "rules",
        ]
    )
    | HOSTILE
)


def toml_string(text: str) -> str:
    """A TOML basic string: every control character and anything outside the BMP's plain range escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}" if not 0xD800 <= code <= 0xDFFF else "?")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: object) -> str:
    """A TOML rendering of what hypothesis drew (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return value.isoformat()  # type: ignore[attr-defined]


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=4))
def test_generated_configurations(table: dict[str, object]) -> None:
    with scratch() as (base, root):
        make_project(root)
        lines = ["[tool.arch_rules]"]
        if "root_packages" not in table:
            lines.append('root_packages = ["shop"]')
        lines += [f"{toml_string(key)} = {toml_value(value)}" for key, value in table.items()]
        (root / "pyproject.toml").write_text("\n".join(lines) + "\n")
        before = outside(base)
        code, _, err = run_main("check", "--config", str(root / "pyproject.toml"))
        assert_sane(code, err)
        outside_unchanged(base, before)


# -- generated sources: the cache never changes a result ----------------------------------------------------


@settings(SETTINGS, max_examples=EXAMPLES or 4)
@given(st.data())
def test_generated_sources_cached_equals_uncached(data: st.DataObject) -> None:
    import hypothesmith

    source = data.draw(hypothesmith.from_grammar(auto_target=False).filter(lambda s: len(s) < 2000))
    with scratch() as (base, root):
        make_project(root, files={**FILES, "shop/generated.py": source})
        config = str(root / "pyproject.toml")
        plain = run_main("check", "--config", config, "--no-cache", "--format", "json")
        assert_sane(plain[0], plain[2])
        for _ in range(2):  # cold, then warm
            cached = run_main("check", "--config", config, "--format", "json")
            assert (cached[0], json.loads(cached[1])["findings"]) == (plain[0], json.loads(plain[1])["findings"])


# -- cache damage and concurrent runs --------------------------------------------------------------------------


def _damage(kind: str, entry: Path, rng: random.Random) -> None:
    if not entry.is_file():
        return  # damaged already (a FIFO or a folder): reading it here would block
    data = entry.read_bytes()
    if kind == "truncate":
        entry.write_bytes(data[: rng.randrange(max(1, len(data)))])
    elif kind == "flip":
        spot = rng.randrange(max(1, len(data)))
        entry.write_bytes(data[:spot] + bytes([data[spot] ^ 0xFF]) + data[spot + 1 :] if data else b"\xff")
    elif kind == "foreign":
        entry.write_bytes(pickle.dumps({"format": 2, "key": "x", "modules": [1, 2], "notes": None}))
    elif kind == "empty":
        entry.write_bytes(b"")
    elif kind == "fifo":
        entry.unlink()
        os.mkfifo(entry)
    elif kind == "folder":
        entry.unlink()
        entry.mkdir()


@settings(SETTINGS, max_examples=EXAMPLES or 15)
@given(
    st.lists(st.sampled_from(["truncate", "flip", "foreign", "empty", "fifo", "folder"]), min_size=1, max_size=4),
    st.integers(min_value=0, max_value=2**16),
)
def test_cache_damage_is_a_miss(kinds: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with scratch() as (base, root):
        make_project(root)
        config = str(root / "pyproject.toml")
        expected = run_main("check", "--config", config, "--no-cache")
        run_main("check", "--config", config)
        entries = sorted((root / ".arch_rules_cache").glob("*.pickle"))
        for kind in kinds:
            _damage(kind, rng.choice(entries), rng)
        for _ in range(2):
            got = run_main("check", "--config", config)
            assert got[:2] == expected[:2], got[2]


@pytest.mark.slow
def test_concurrent_runs_agree_with_no_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    expected = run_cli(root, "check", "--no-cache")
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    for _round in range(3):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "arch_rules", "check"],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment,
            )
            for _ in range(2)
        ]
        (root / "shop" / "web.py").write_text(f'"""Web {_round}."""\nfrom shop import domain\n')  # an edit mid-run
        outputs = [run.communicate(timeout=120) for run in runs]
        assert all(run.returncode in (0, 1) for run in runs), outputs
    final = run_cli(root, "check")
    assert (final.returncode, final.stdout) == (expected.returncode, expected.stdout)


# -- hostile strings through every output format ----------------------------------------------------------------


@settings(SETTINGS, max_examples=EXAMPLES or 6)
@given(st.text(min_size=1, max_size=30), st.text(max_size=20))
def test_hostile_strings_through_every_format(because: str, contact: str) -> None:
    with scratch() as (base, root):
        config = CONFIG.replace(
            'order = ["shop.web", "shop.domain"]',
            f'order = ["shop.web", "shop.domain"]\nbecause = {toml_string(because)}',
        )
        interface = 'interface = ["shop.payments.api"]'
        config = config.replace(interface, f"{interface}\ncontact = {toml_string(contact)}")
        make_project(root, config)
        reports = {name: root / f"out.{name}" for name in ("json", "github", "sarif", "gitlab", "junit")}
        args = ["check", "--config", str(root / "pyproject.toml"), "--format", "text"]
        args += [f"--format={name}:{path}" for name, path in reports.items()]
        code, out, err = run_main(*args)
        assert_sane(code, err)
        assert code == 1
        assert not CONTROL & set(out), repr(out)
        assert not CONTROL & set(reports["github"].read_text()), reports["github"].read_text()
        for name in ("json", "sarif", "gitlab"):
            json.loads(reports[name].read_text(encoding="utf-8"))
        ElementTree.fromstring(reports["junit"].read_bytes())


# -- special files as every path input -----------------------------------------------------------------------------

SPECIALS = ["fifo", "dev-zero", "dir-link", "folder", "dangling"]
INPUTS = ["--config", "--baseline", "rules.baseline", "codeowners", "cache_dir", "report"]


def _make_special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dir-link":
        path.symlink_to(path.parent / "shop", target_is_directory=True)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(path.parent / "nowhere")


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("where", INPUTS)
def test_special_files_as_every_path_input(tmp_path: Path, where: str, kind: str) -> None:
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    root = make_project(tmp_path / "p")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("keep")
    special = root / "special"
    _make_special(special, kind)
    args = ["check"]
    if where == "--config":
        args += ["--config", "special"]
    elif where == "--baseline":
        args += ["--baseline", "special"]
    elif where == "report":
        args += ["--format", "json:special"]
    else:
        key = {"rules.baseline": None, "codeowners": "codeowners", "cache_dir": "cache_dir"}[where]
        if key is None:
            config = CONFIG + '\n[tool.arch_rules.rules]\nbaseline = "special"\n'
        else:
            config = CONFIG.replace('root_packages = ["shop"]', f'root_packages = ["shop"]\n{key} = "special"')
        (root / "pyproject.toml").write_text(config)
    before_outside = snapshot(tmp_path / "outside")
    before_shop = snapshot(root / "shop")
    done = run_cli(root, *args, timeout=60)
    assert_sane(done.returncode, done.stderr)
    if done.returncode == 2:
        assert done.stderr.count("\n") == 1, done.stderr
    assert snapshot(tmp_path / "outside") == before_outside
    assert snapshot(root / "shop") == before_shop
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(special).st_mode)
    elif kind in ("dev-zero", "dir-link", "dangling"):
        assert special.is_symlink()
