"""Benchmark the standards rules (issue 12, docs/performance.md): Django 5.2 with one ``ban`` standard over all
of ``django/`` and one plugin rule, against a bare libcst parse of the same files with the same metadata.

    python benchmarks/standards.py [--runs 3] [--jobs N] [--cache DIR]

Rows (whole processes, medians, as benchmarks/run.py measures them): the libcst floor (parse +
``ScopeProvider`` + ``QualifiedNameProvider`` for every file, serial and with a fork pool of ``--jobs``),
then ``arch-rules check --no-graph`` on the same corpus without and with the standards: cold (no cache),
warm (nothing changed) and one file changed. The targets of the issue: cold with standards ≤ 1.5× the
floor; warm with standards ≈ warm without; one file changed ≤ 1.5× warm. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 - benchmarks/ is not a package

PLUGINS = 'plugins = ["tools/bench_rules.py"]\n'

STANDARDS = """
[[tool.arch_rules.standards]]
name = "no-clock-no-env"
in = ["django"]
ban = ["datetime.datetime.now", "time.time", "os.environ", "os.getenv", "print"]
because = "Benchmark: a ban over the whole package."
"""

PLUGIN = """\
import libcst as cst

from arch_rules import LintRule


class NoRawExecute(LintRule):
    code = "BENCH001"
    name = "raw-execute"
    message = "a call of .execute()"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "execute":
            self.report(node)
"""

#: The floor: what any libcst rule needs before it can look at a file.
FLOOR = """
import os, sys
from pathlib import Path
import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

files = sorted(Path(sys.argv[1]).rglob("*.py"))
jobs = int(sys.argv[2])

def one(path):
    wrapper = MetadataWrapper(cst.parse_module(path.read_bytes()), unsafe_skip_copy=True)
    wrapper.resolve(ScopeProvider)
    wrapper.resolve(QualifiedNameProvider)
    return 0

if jobs <= 1:
    for path in files:
        one(path)
else:
    import multiprocessing
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(one, files, chunksize=8)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-serial", action="store_true", help="leave out the serial floor (the slowest row)")
    parser.add_argument("--only-standards", action="store_true", help="only the arch-rules rows with standards")
    default_cache = os.environ.get("ARCH_RULES_BENCH_CACHE", "~/.cache/arch-rules-bench")
    parser.add_argument("--cache", type=Path, default=Path(default_cache))
    args = parser.parse_args(argv)
    cache = args.cache.expanduser().resolve()
    snapshot = cache / "work" / "snapshot-standards"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(bench.REPO / "arch_rules", snapshot / "arch_rules", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(snapshot, quiet=1)
    runner = bench.Bench(args.runs, args.jobs, snapshot)
    corpus = bench.django_corpus(cache)
    print(f"{corpus.name}: {corpus.files} files, {corpus.lines:,} lines, --jobs {args.jobs}", flush=True)
    plain = (corpus.root / "pyproject.toml").read_text(encoding="utf-8")
    tools = corpus.root / "tools"
    tools.mkdir(exist_ok=True)
    (tools / "bench_rules.py").write_text(PLUGIN, encoding="utf-8")
    cache_dir = corpus.root / ".arch_rules_cache"
    check = [bench.PY, "-m", "arch_rules", "check", "--no-graph", "--jobs", str(args.jobs), "--exit-zero"]

    floor = [bench.PY, "-c", FLOOR, str(corpus.package)]
    if not args.only_standards:
        if not args.skip_serial:
            runner.row(corpus, "libcst floor, serial", [*floor, "1"])
        runner.row(corpus, f"libcst floor, {args.jobs} workers", [*floor, str(args.jobs)])

    original = corpus.changed.read_text(encoding="utf-8")
    with_standards = plain.replace("[tool.arch_rules]\n", "[tool.arch_rules]\n" + PLUGINS, 1) + STANDARDS
    configs = [("without standards", plain), ("with standards", with_standards)]
    for label, config in configs[1:] if args.only_standards else configs:
        (corpus.root / "pyproject.toml").write_text(config, encoding="utf-8")

        def cold(_: int) -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        def changed(i: int, label: str = label) -> None:
            corpus.changed.write_text(original + f"\n# edit {label} {i}\n", encoding="utf-8")

        runner.row(corpus, f"cold, {label}", check, before=cold)
        runner.row(corpus, f"warm, {label}", check)
        runner.row(corpus, f"one file changed, {label}", check, before=changed)
        corpus.changed.write_text(original, encoding="utf-8")
    print()
    print(bench.table(runner.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
