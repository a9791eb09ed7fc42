"""Benchmark arch-rules side by side with the tools it is measured against (issue 5, docs/performance.md).

    python benchmarks/run.py            # Django 5.2 + synthetic monorepos of 1,000 and 10,000 modules
    python benchmarks/run.py --quick    # Django + 1,000 modules, 2 runs each: a fast look

Corpora and scratch copies live outside the repository, in ``$ARCH_RULES_BENCH_CACHE`` (default
``~/.cache/arch-rules-bench``): the Django wheel is fetched once with ``pip download`` and unzipped; the
synthetic monorepos are regenerated (deterministically) every session. arch-rules runs from a snapshot of
the working tree's ``arch_rules/`` copied there (and byte-compiled once, as an installed package is), so
edits made while the benchmark runs change nothing. lint-imports, tach and flake8 are the ones installed
beside this Python, not whatever comes first on PATH.

Every command is a whole process (start-up included), run ``--runs`` times; the table shows medians of
wall and CPU seconds (user + system of the process and its workers, from ``wait4``/``RUSAGE_CHILDREN``)
and the peak resident memory of the largest process. The ratios of the issue's targets follow, with
PASS/MISS. Nothing here is a test: machines differ, ratios measured in one session are what to compare.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402 - benchmarks/ is not a package

DJANGO = "django==5.2"
PY = sys.executable


def tool(name: str) -> str | None:
    """The console script installed beside this Python (not a pyenv shim or another environment's)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


@dataclass
class Corpus:
    name: str
    root: Path  # the project root (pyproject.toml, tach.toml)
    package: Path  # the folder of .py files the floors and flake8 read
    pythonpath: Path  # what lint-imports needs on sys.path
    changed: Path  # the file the "one file changed" scenarios edit
    #: first-party modules ``changed`` must not import (a forbidden or upward import): the "import added"
    #: scenario adds one per run, a different one each time, and checks that arch-rules reports it
    bad_imports: tuple[str, ...] = ()
    files: int = 0
    lines: int = 0


@dataclass
class Row:
    corpus: str
    what: str
    files: int
    lines: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def wall_s(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def cpu_s(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def peak_mib(self) -> float:
        return max(self.peak_kib) / 1024 if self.peak_kib else float("nan")


# ----------------------------------------------------------------------------------------------------
# corpora


def django_corpus(cache: Path) -> Corpus:
    wheels = cache / "wheels"
    wheel = next(iter(sorted(wheels.glob("Django-5.2-*.whl")) + sorted(wheels.glob("django-5.2-*.whl"))), None)
    if wheel is None:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [PY, "-m", "pip", "download", DJANGO, "--no-deps", "--only-binary", ":all:", "-d", str(wheels), "-q"],
            check=True,
        )
        wheel = next(iter(sorted(wheels.glob("*jango-5.2-*.whl"))))
    root = cache / "work" / "django-5.2"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root, [n for n in archive.namelist() if n.startswith("django/")])
    (root / "pyproject.toml").write_text(DJANGO_ARCHITECTURE, encoding="utf-8")
    (root / "tach.toml").write_text(DJANGO_TACH, encoding="utf-8")
    # django.utils is the bottom layer and may not import django.db: each of these is ARC101 + ARC103 + ARC201.
    bad = ("django.db.models.query", "django.db.backends.base.base", "django.db.migrations.state")
    corpus = Corpus("django 5.2", root, root / "django", root, root / "django" / "utils" / "text.py", bad)
    _count(corpus)
    return corpus


def synthetic_corpus(cache: Path, modules: int, teams: int) -> Corpus:
    root = cache / "work" / f"synthetic-{modules}"
    synthetic.generate(root, modules=modules, teams=teams, seed=1)
    changed = root / "src" / "mono" / "team03" / "domain" / "m_0001.py"
    # domain sits below services in the team layers: an upward import (ARC101 and the graph's layers contract).
    services = sorted(p.stem for p in (root / "src" / "mono" / "team03" / "services").glob("m_*.py"))[:3]
    bad = tuple(f"mono.team03.services.{name}" for name in services)
    corpus = Corpus(f"synthetic {modules:,}", root, root / "src" / "mono", root / "src", changed, bad)
    _count(corpus)
    return corpus


def _count(corpus: Corpus) -> None:
    for path in corpus.package.rglob("*.py"):
        corpus.files += 1
        with open(path, "rb") as handle:
            corpus.lines += sum(1 for _ in handle)


#: Django's own package structure read as an architecture: contrib apps on top of the web layer, which
#: sits on templates and forms, on the ORM, on core services, on utilities.
DJANGO_ARCHITECTURE = """\
[tool.arch_rules]
root_packages = ["django"]

[[tool.arch_rules.layers]]
name = "django layers"
order = [
    "django.contrib",
    "django.test : django.views : django.middleware : django.shortcuts",
    "django.forms : django.template : django.templatetags",
    "django.db",
    "django.http : django.urls",
    "django.core",
    "django.utils",
]
because = "Apps use the framework; the framework's lower layers never reach back up."

[tool.arch_rules.teams.web]
owns = ["django.views", "django.middleware", "django.http", "django.urls", "django.shortcuts"]
contact = "#web"

[tool.arch_rules.teams.orm]
owns = ["django.db"]
interface = ["django.db", "django.db.models", "django.db.transaction"]
contact = "#orm"

[tool.arch_rules.teams.templates]
owns = ["django.template", "django.templatetags", "django.forms"]
contact = "#templates"

[tool.arch_rules.teams.apps]
owns = ["django.contrib"]
contact = "#apps"

[tool.arch_rules.teams.core]
owns = ["django.core", "django.utils", "django.conf", "django.apps", "django.dispatch", "django.test"]
contact = "#core"

[[tool.arch_rules.forbid]]
from = ["django.utils"]
import = ["django.db", "django.contrib", "requests"]
because = "Utilities stay independent of the ORM and of the apps."

[[tool.arch_rules.independent]]
modules = ["django.contrib.sessions", "django.contrib.messages", "django.contrib.redirects"]
because = "Each contrib app stands alone."
"""

#: The nearest tach equivalent: one module per layer entry, tach's own layers in the same order.
DJANGO_TACH = """\
source_roots = ["."]
exact = false
layers = ["contrib", "web", "templating", "orm", "http", "core", "utils"]

[[modules]]
path = "django.contrib"
layer = "contrib"

[[modules]]
path = "django.test"
layer = "web"

[[modules]]
path = "django.views"
layer = "web"

[[modules]]
path = "django.middleware"
layer = "web"

[[modules]]
path = "django.shortcuts"
layer = "web"

[[modules]]
path = "django.forms"
layer = "templating"

[[modules]]
path = "django.template"
layer = "templating"

[[modules]]
path = "django.templatetags"
layer = "templating"

[[modules]]
path = "django.db"
layer = "orm"

[[modules]]
path = "django.http"
layer = "http"

[[modules]]
path = "django.urls"
layer = "http"

[[modules]]
path = "django.core"
layer = "core"

[[modules]]
path = "django.utils"
layer = "utils"
"""


# ----------------------------------------------------------------------------------------------------
# measuring


def measure(cmd: list[str], cwd: Path, env: dict[str, str], stdout: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (process and descendants) and peak RSS (KiB) of one whole command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{' '.join(cmd)} exited {process.returncode}: {' | '.join(tail)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, usage.ru_maxrss


class Bench:
    def __init__(self, runs: int, jobs: int, snapshot: Path, slow_runs: int | None = None) -> None:
        self.runs = runs
        self.slow_runs = slow_runs  # runs of the minute-long rows at 10,000 modules (None: ``runs``)
        self.jobs = jobs
        self.rows: list[Row] = []
        self.env = dict(os.environ, PYTHONPATH=str(snapshot), PYTHONDONTWRITEBYTECODE="1")

    def row(
        self,
        corpus: Corpus,
        what: str,
        cmd: list[str],
        before: Callable[[int], None] | None = None,
        pythonpath: Path | None = None,
        runs: int | None = None,
    ) -> Row:
        row = Row(corpus.name, what, corpus.files, corpus.lines)
        env = dict(self.env)
        if pythonpath is not None:
            env["PYTHONPATH"] = f"{pythonpath}{os.pathsep}{env['PYTHONPATH']}"
        try:
            for i in range(runs or self.runs):
                if before is not None:
                    before(i)
                wall, cpu, peak = measure(cmd, corpus.root, env)
                row.wall.append(wall)
                row.cpu.append(cpu)
                row.peak_kib.append(peak)
        except (RuntimeError, OSError) as exc:
            row.note = f"failed: {exc}"[:200]
        return self._done(row)

    def inner(self, corpus: Corpus, what: str, cmd: list[str], runs: int | None = None) -> Row:
        """A row whose wall and CPU seconds are the ones the command prints as JSON (a part of a run, timed
        inside the process); peak memory is still the whole process's."""
        row = Row(corpus.name, what, corpus.files, corpus.lines)
        out = corpus.root / "benchmark-inner.json"
        try:
            for _ in range(runs or self.runs):
                _, _, peak = measure(cmd, corpus.root, self.env, stdout=out)
                timed = json.loads(out.read_text(encoding="utf-8").strip().splitlines()[-1])
                row.wall.append(float(timed["wall"]))
                row.cpu.append(float(timed["cpu"]))
                row.peak_kib.append(peak)
        except (RuntimeError, OSError, ValueError, KeyError, IndexError) as exc:
            row.note = f"failed: {type(exc).__name__}: {exc}"[:200]
        finally:
            out.unlink(missing_ok=True)
        return self._done(row)

    def _done(self, row: Row) -> Row:
        self.rows.append(row)
        status = row.note or f"wall {row.wall_s:.2f} s, cpu {row.cpu_s:.2f} s, peak {row.peak_mib:.0f} MiB"
        print(f"  {row.corpus:<16} {row.what:<34} {status}", flush=True)
        return row


def _git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost")
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=600)


def bench_since(bench: Bench, corpus: Corpus, arch: list[str], rows: dict[str, Row]) -> None:
    """``check --since HEAD`` after a one-file change, against a warm run: the corpus becomes a git
    repository (one commit), the working tree's cache is warm, and before each run the base's whole-result
    entry is deleted (facts and the working tree's result stay), as in CI with a restored cache: the base
    is analysed, its unchanged files served by the facts cache. A second row keeps the base's result too
    (running --since again on the same base)."""
    if not (corpus.root / ".git").is_dir():
        (corpus.root / ".gitignore").write_text(".arch_rules_cache/\n.import_linter_cache/\n", encoding="utf-8")
        _git(corpus.root, "init", "-q", "-b", "main")
        _git(corpus.root, "add", "-A")
        _git(corpus.root, "-c", "gc.auto=0", "commit", "-q", "-m", "benchmark base")
        _git(corpus.root, "repack", "-a", "-d", "-q")  # packed, as a clone is: loose objects read slower
    cache = corpus.root / ".arch_rules_cache"
    original = corpus.changed.read_bytes()
    since = [*arch, "--since", "HEAD"]

    def forget_base() -> None:
        for entry in cache.glob("result-base-*"):
            entry.unlink()

    def comment(i: int) -> None:
        corpus.changed.write_bytes(original + f"\n# benchmark edit {time.time_ns()} {'#' * (i + 1)}\n".encode())
        forget_base()

    def add_import(i: int) -> None:
        corpus.changed.write_bytes(original + _new_import(corpus, i))
        forget_base()

    try:
        measure(since, corpus.root, bench.env)  # the base's facts into the cache once, as any earlier run would
        rows["since"] = bench.row(corpus, "arch-rules --since HEAD, one file changed (comment)", since, before=comment)
        if corpus.bad_imports:
            rows["since_import"] = bench.row(
                corpus, "arch-rules --since HEAD, one file changed (import added)", since, before=add_import
            )
        rows["since_again"] = bench.row(corpus, "arch-rules --since HEAD again (base result cached)", since)
    finally:
        corpus.changed.write_bytes(original)


def bench_corpus(
    bench: Bench, corpus: Corpus, flake8: bool, slow: bool = False, since_only: bool = False
) -> dict[str, Row]:
    """Every row for one corpus. ``slow``: the minute-long rows (cold, --no-cache, the libcst floor) run
    ``bench.slow_runs`` times instead of ``bench.runs``. ``since_only``: the warm and --since rows only."""
    jobs = str(bench.jobs)
    cache = corpus.root / ".arch_rules_cache"
    arch = [PY, "-m", "arch_rules", "check", "--jobs", jobs]
    rows: dict[str, Row] = {}
    long = bench.slow_runs if slow else None
    if since_only:
        measure(arch, corpus.root, bench.env)
        time.sleep(2.1)
        measure(arch, corpus.root, bench.env)
        rows["warm"] = bench.row(corpus, "arch-rules warm (nothing changed)", arch)
        bench_since(bench, corpus, arch, rows)
        return rows

    def fresh(_: int) -> None:
        # everything arch-rules keeps lives in its cache folder (facts shards, stat index, result, the kept
        # import graph), so deleting the folder is a first run
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(corpus.root / ".import_linter_cache", ignore_errors=True)

    rows["cold"] = bench.row(corpus, "arch-rules cold (empty cache)", arch, before=fresh, runs=long)
    rows["nocache"] = bench.row(corpus, "arch-rules --no-cache", [*arch, "--no-cache"], runs=long)
    rows["nograph"] = bench.row(
        corpus, "arch-rules --no-cache --no-graph", [*arch, "--no-cache", "--no-graph"], runs=long
    )
    rows["graph"] = bench.inner(
        corpus, "graph part, timed in-process (no cache)", [PY, str(HERE / "graph_part.py"), ".", "--jobs", jobs]
    )
    measure(arch, corpus.root, bench.env)  # fill the cache
    # The engine does not read a file whose size, mtime, ctime and inode match the last run unless it was
    # modified in the last 2 s; wait that out so every file of the warm runs takes the stat shortcut.
    time.sleep(2.1)
    measure(arch, corpus.root, bench.env)  # and record every file's stat as settled
    rows["warm"] = bench.row(corpus, "arch-rules warm (nothing changed)", arch)
    original = corpus.changed.read_bytes()

    def comment(i: int) -> None:
        # A comment at the end: the file's size, mtime and content change every run (so the engine reads
        # and re-hashes it), its imports and their line numbers do not (so the graph is not redone).
        corpus.changed.write_bytes(original + f"\n# benchmark edit {time.time_ns()} {'#' * (i + 1)}\n".encode())

    def add_import(i: int) -> None:
        # A new, forbidden import at the end, a different one every run: the file's findings and the
        # import graph change, so per-file rules, configuration findings and the graph contracts are redone.
        corpus.changed.write_bytes(original + _new_import(corpus, i))

    try:
        rows["changed"] = bench.row(corpus, "arch-rules one file changed (comment)", arch, before=comment)
        if corpus.bad_imports:
            rows["changed_import"] = bench.row(
                corpus, "arch-rules one file changed (import added)", arch, before=add_import
            )
            _check_seen(bench, corpus, arch)
    finally:
        corpus.changed.write_bytes(original)
    bench_since(bench, corpus, arch, rows)
    floors = str(HERE / "floors.py")
    rows["ast"] = bench.row(
        corpus, "ast.parse every file (floor)", [PY, floors, "ast", str(corpus.package), "--jobs", jobs]
    )
    rows["libcst"] = bench.row(
        corpus,
        "libcst.parse_module every file (floor)",
        [PY, floors, "libcst", str(corpus.package), "--jobs", jobs],
        runs=long,
    )
    if flake8:
        package = str(corpus.package.relative_to(corpus.root))
        alone = [PY, str(HERE / "flake8_alone.py"), "--isolated", "--jobs", jobs, package]
        rows["flake8"] = bench.row(corpus, "flake8 (defaults)", alone)
        if _plugin_available():
            plugged = [PY, "-m", "flake8", "--isolated", "--jobs", jobs, package]
            rows["flake8_arc"] = bench.row(corpus, "flake8 + ARC plugin (defaults)", plugged)
            rows["flake8_select"] = bench.row(corpus, "flake8 --select ARC", [*plugged, "--select", "ARC"])
        else:
            print("  (flake8 plugin not available: skipped)")
    contracts = corpus.root / "contracts.toml"
    try:
        measure([PY, "-m", "arch_rules", "contracts"], corpus.root, bench.env, stdout=contracts)
        text = contracts.read_text(encoding="utf-8")
    except (RuntimeError, OSError) as exc:
        text = ""
        print(f"  (arch-rules contracts failed: {exc})")
    lint_imports = tool("lint-imports")
    if "[[tool.importlinter.contracts]]" in text and lint_imports:
        rows["lint_imports"] = bench.row(
            corpus,
            "lint-imports --no-cache (same contracts)",
            [lint_imports, "--no-cache", "--no-logo", str(contracts)],
            pythonpath=corpus.pythonpath,
        )
    else:
        print("  (no contracts from arch-rules, or lint-imports not installed: lint-imports skipped)")
    tach = tool("tach")
    if tach:
        rows["tach"] = bench.row(corpus, "tach check (equivalent tach.toml)", [tach, "check"])
    return rows


def _new_import(corpus: Corpus, i: int) -> bytes:
    """A forbidden import no earlier run has seen: the engine keeps the whole-project findings of recent
    import states (an edit undone costs no graph), so an import a run before added, at the same line, would
    measure that shortcut instead of an import edit. The alias makes each one new."""
    target = corpus.bad_imports[i % len(corpus.bad_imports)]
    return f"\nimport {target} as _benchmark_{time.time_ns()}  # benchmark edit {i}\n".encode()


def _check_seen(bench: Bench, corpus: Corpus, arch: list[str]) -> None:
    """The "import added" runs are only a measurement if arch-rules saw the edit: the last run's file must
    be reported at the added line (its last line). A stale result would be a benchmark of nothing."""
    out = corpus.root / "benchmark-check.json"
    try:
        measure([*arch, "--format", "json"], corpus.root, bench.env, stdout=out)
        findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    finally:
        out.unlink(missing_ok=True)
    relpath = corpus.changed.relative_to(corpus.root).as_posix()
    last = len(corpus.changed.read_bytes().splitlines())
    codes = sorted({f["code"] for f in findings if f["path"] == relpath and f["line"] == last})
    if not codes:
        raise RuntimeError(f"arch-rules did not report the import added to {relpath}:{last}: stale result?")
    print(f"  {corpus.name:<16} (the added import was reported: {', '.join(codes)})", flush=True)


def _plugin_available() -> bool:
    try:
        from importlib.metadata import entry_points

        return any(ep.name == "ARC" for ep in entry_points(group="flake8.extension")) and bool(
            __import__("importlib.util").util.find_spec("arch_rules.adapters.flake8_plugin")
        )
    except ImportError:
        return False


# ----------------------------------------------------------------------------------------------------
# the table and the targets


@dataclass
class Target:
    corpus: str
    what: str
    value: float  # from wall seconds
    cpu: float  # the same ratio from CPU seconds (nan where it has no meaning)
    target: str
    ok: bool | None  # judged on wall seconds, as the issue states its targets


NAN = float("nan")


def targets(results: dict[str, dict[str, Row]], django: str, big: str | None) -> list[Target]:
    """The issue's targets, each as a wall ratio (the verdict) with the CPU ratio beside it: on a shared
    2-core machine the CPU column is the steadier one."""
    out: list[Target] = []

    def usable(rows: dict[str, Row], *keys: str) -> bool:
        return all(k in rows and not rows[k].note for k in keys)

    def ratio(corpus: str, name: str, a: str, b: str, limit: float) -> None:
        rows = results.get(corpus, {})
        if not usable(rows, a, b):
            out.append(Target(corpus, name, NAN, NAN, f"<= {limit}x", None))
            return
        value = rows[a].wall_s / rows[b].wall_s
        out.append(Target(corpus, name, value, rows[a].cpu_s / rows[b].cpu_s, f"<= {limit}x", value <= limit))

    for corpus in results:
        ratio(corpus, "cold / libcst parse floor", "cold", "libcst", 1.3)
        ratio(corpus, "cold / flake8 defaults", "cold", "flake8", 0.7)
        ratio(corpus, "warm / tach check", "warm", "tach", 1.0)
        ratio(corpus, "one file changed (comment) / warm", "changed", "warm", 1.5)
        ratio(corpus, "one file changed (import added) / warm", "changed_import", "warm", 1.5)
        ratio(corpus, "--since HEAD, one file changed (comment) / warm", "since", "warm", 2.0)
        ratio(corpus, "--since HEAD, one file changed (import added) / warm", "since_import", "warm", 2.0)
        rows = results[corpus]
        if usable(rows, "graph", "lint_imports"):
            ratio(corpus, "graph part (timed in-process) / lint-imports", "graph", "lint_imports", 1.2)
        if usable(rows, "nocache", "nograph", "lint_imports"):
            graph = rows["nocache"].wall_s - rows["nograph"].wall_s
            graph_cpu = rows["nocache"].cpu_s - rows["nograph"].cpu_s
            value = graph / rows["lint_imports"].wall_s
            out.append(
                Target(
                    corpus,
                    f"graph part as --no-cache minus --no-graph ({graph:.2f} s wall, {graph_cpu:.2f} s CPU)"
                    " / lint-imports",
                    value,
                    graph_cpu / rows["lint_imports"].cpu_s,
                    "<= 1.2x",
                    value <= 1.2,
                )
            )
        elif "graph" not in rows:
            out.append(Target(corpus, "graph part / lint-imports", NAN, NAN, "<= 1.2x", None))
        ratio(corpus, "flake8 + ARC / flake8 alone", "flake8_arc", "flake8", 1.6)
    if big and big in results and django in results:
        a, b = results[big].get("cold"), results[django].get("cold")
        if a and b and not a.note and not b.note:
            value = (a.files / a.wall_s) / (b.files / b.wall_s)
            cpu = (a.files / a.cpu_s) / (b.files / b.cpu_s)
            out.append(Target(big, "cold files/s vs Django's", value, cpu, ">= 0.8x", value >= 0.8))
        warm = results[big].get("warm")
        if warm and not warm.note:
            out.append(Target(big, "warm run, seconds", warm.wall_s, warm.cpu_s, "<= 1.5 s", warm.wall_s <= 1.5))
        peak = max(
            (
                r.peak_mib
                for k, r in results[big].items()
                if k in ("cold", "nocache", "nograph", "warm", "changed", "changed_import") and not r.note
            ),
            default=NAN,
        )
        out.append(Target(big, "peak memory of arch-rules, MiB", peak, NAN, "<= 1024 MiB", peak <= 1024))
    return out


def table(rows: list[Row]) -> str:
    lines = [
        "| corpus | command | files | lines | wall s | CPU s | files/s (wall) | peak MiB | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.note:
            lines.append(f"| {r.corpus} | {r.what} | {r.files:,} | {r.lines:,} | — | — | — | — | {r.note} |")
            continue
        lines.append(
            f"| {r.corpus} | {r.what} | {r.files:,} | {r.lines:,} | {r.wall_s:.2f} | {r.cpu_s:.2f} | "
            f"{r.files / r.wall_s:,.0f} | {r.peak_mib:,.0f} | {len(r.wall)} |"
        )
    return "\n".join(lines)


def target_table(items: list[Target]) -> str:
    lines = ["| corpus | ratio | measured (wall) | measured (CPU) | target | |", "|---|---|---:|---:|---|---|"]
    for t in items:
        verdict = "—" if t.ok is None else ("PASS" if t.ok else "MISS")
        value = "n/a" if t.value != t.value else f"{t.value:.2f}"
        cpu = "—" if t.cpu != t.cpu else f"{t.cpu:.2f}"
        lines.append(f"| {t.corpus} | {t.what} | {value} | {cpu} | {t.target} | {verdict} |")
    return "\n".join(lines)


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("arch-rules", "libcst", "flake8", "import-linter", "grimp", "tach"):
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()} on {platform.system()} "
        f"{platform.release()}; {', '.join(versions)}; load average at the end {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="arch-rules benchmark (docs/performance.md)")
    parser.add_argument("--quick", action="store_true", help="Django and 1,000 modules only, 2 runs each")
    parser.add_argument("--runs", type=int, help="runs per command (default 3; --quick: 2)")
    parser.add_argument(
        "--slow-runs",
        type=int,
        help="runs of the minute-long rows at 10,000 modules: cold, --no-cache, --no-graph, libcst (default: --runs)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for every tool (default: CPUs)")
    parser.add_argument("--only", choices=("django", "1000", "10000"), action="append", help="limit the corpora")
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ARCH_RULES_BENCH_CACHE", "~/.cache/arch-rules-bench"))
    )
    parser.add_argument("--json", type=Path, help="also write the rows and targets as JSON here")
    parser.add_argument("--since-only", action="store_true", help="only the warm and `check --since` rows")
    args = parser.parse_args(argv)
    cache = args.cache.expanduser().resolve()
    runs = args.runs or (2 if args.quick else 3)
    which = args.only or (["django", "1000"] if args.quick else ["django", "1000", "10000"])

    snapshot = cache / "work" / "snapshot"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(REPO / "arch_rules", snapshot / "arch_rules", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(snapshot, quiet=1)  # as an installed package: no run pays for compiling arch-rules
    bench = Bench(runs, args.jobs, snapshot, args.slow_runs)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"arch-rules benchmark: {runs} runs per command, --jobs {args.jobs}, corpora in {cache}", flush=True)
    print(f"load average at the start {load}", flush=True)

    results: dict[str, dict[str, Row]] = {}
    django_name = big_name = None
    if "django" in which:
        corpus = django_corpus(cache)
        django_name = corpus.name
        print(f"{corpus.name}: {corpus.files} files, {corpus.lines:,} lines", flush=True)
        results[corpus.name] = bench_corpus(bench, corpus, flake8=True, since_only=args.since_only)
    for size, teams in ((1000, 10), (10000, 40)):
        if str(size) in which:
            corpus = synthetic_corpus(cache, size, teams)
            print(f"{corpus.name}: {corpus.files} files, {corpus.lines:,} lines, {teams} teams", flush=True)
            # flake8 at 10,000 modules takes minutes per run and no target asks for it.
            results[corpus.name] = bench_corpus(
                bench, corpus, flake8=size < 10000, slow=size >= 10000, since_only=args.since_only
            )
            if size == 10000:
                big_name = corpus.name

    items = targets(results, django_name or "", big_name)
    print()
    print(f"Machine: {machine()}")
    print()
    print(table(bench.rows))
    print()
    print(target_table(items))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "rows": [asdict(r) for r in bench.rows],
                    "targets": [asdict(t) for t in items],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
