"""Two versions of arch-rules side by side on one corpus, runs interleaved (A, B, A, B, ...), so both see the
same machine load: on a shared machine a ratio taken this way means something, two separate sessions' seconds
do not.

    python benchmarks/compare.py CORPUS_ROOT --a /path/to/old/tree --b /path/to/new/tree [--runs 3]
        [--scenarios cold,warm,comment,import] [--changed REL_PATH --bad-import MODULE ...] [--floor FOLDER]

``--a``/``--b`` are folders holding an ``arch_rules/`` package (a worktree, or ``git archive`` of a
commit). Scenarios: ``cold`` (cache folder deleted first), ``warm`` (nothing changed), ``comment`` (a
comment appended to ``--changed``), ``import`` (a different ``--bad-import`` appended to it each run).
``--floor FOLDER`` adds the bare ``ast.parse`` floor (benchmarks/floors.py) of the files under FOLDER.
Prints medians (wall, CPU, peak MiB) per version and scenario, then B / A. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402 - benchmarks/ is not a package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", type=Path)
    parser.add_argument("--a", type=Path, required=True, help="folder holding the old arch_rules/")
    parser.add_argument("--b", type=Path, required=True, help="folder holding the new arch_rules/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scenarios", default="cold,warm,comment,import")
    parser.add_argument("--changed", help="file (relative to ROOT) the comment and import scenarios edit")
    parser.add_argument("--bad-import", action="append", default=[], help="module the import scenario adds")
    parser.add_argument("--floor", type=Path, help="also time a bare ast.parse of the .py files under this folder")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    cache = root / ".arch_rules_cache"
    versions = {"A": args.a.resolve(), "B": args.b.resolve()}
    envs = {k: dict(os.environ, PYTHONPATH=str(v), PYTHONDONTWRITEBYTECODE="1") for k, v in versions.items()}
    arch = [sys.executable, "-m", "arch_rules", "check", "--jobs", str(args.jobs)]
    changed = root / args.changed if args.changed else None
    original = changed.read_bytes() if changed else b""
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}

    def record(version: str, scenario: str, cmd: list[str]) -> None:
        results.setdefault((version, scenario), []).append(measure(cmd, root, envs[version]))

    scenarios = args.scenarios.split(",")
    saved = {version: root / f".arch_rules_cache-{version}" for version in versions}
    try:
        if "cold" in scenarios:
            for _ in range(args.runs):
                for version in versions:
                    shutil.rmtree(cache, ignore_errors=True)
                    record(version, "cold", arch)
            if args.floor:
                floor = [sys.executable, str(HERE / "floors.py"), "ast", str(args.floor), "--jobs", str(args.jobs)]
                for _ in range(args.runs):
                    results.setdefault(("floor", "ast.parse"), []).append(measure(floor, root, envs["A"]))
        warm_scenarios = [s for s in scenarios if s != "cold"]
        if warm_scenarios:
            # each version's cache, settled on the unchanged corpus (the stat shortcut too), kept aside
            for version in versions:
                shutil.rmtree(cache, ignore_errors=True)
                measure(arch, root, envs[version])
                time.sleep(2.1)
                measure(arch, root, envs[version])
                shutil.rmtree(saved[version], ignore_errors=True)
                cache.rename(saved[version])
        for scenario in warm_scenarios:
            for i in range(args.runs):
                for version in versions:
                    # the run before left the cache at the previous edit: each run is one more edit of the
                    # same kind (a different comment, a different import) against the state it cached
                    if changed and scenario == "comment":
                        changed.write_bytes(original + f"\n# benchmark edit {time.time_ns()}\n".encode())
                    elif changed and scenario == "import":
                        bad = args.bad_import[i % len(args.bad_import)]
                        changed.write_bytes(original + f"\nimport {bad}  # benchmark edit {i}\n".encode())
                    saved[version].rename(cache)
                    try:
                        record(version, scenario, arch)
                    finally:
                        cache.rename(saved[version])
    finally:
        if changed:
            changed.write_bytes(original)
        shutil.rmtree(cache, ignore_errors=True)
        for folder in saved.values():
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'version':<8} {'scenario':<10} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}  runs")
    medians: dict[tuple[str, str], tuple[float, float, float]] = {}
    for (version, scenario), values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        peak = max(v[2] for v in values) / 1024
        medians[(version, scenario)] = (wall, cpu, peak)
        print(f"{version:<8} {scenario:<10} {wall:8.2f} {cpu:8.2f} {peak:9.0f}  {len(values)}")
    print()
    for scenario in args.scenarios.split(","):
        a, b = medians.get(("A", scenario)), medians.get(("B", scenario))
        if a and b:
            print(f"B/A {scenario:<10} wall {b[0] / a[0]:.2f}  CPU {b[1] / a[1]:.2f}")
    floor = medians.get(("floor", "ast.parse"))
    for version in versions:
        for scenario in ("cold",):
            if floor and (version, scenario) in medians:
                mine = medians[(version, scenario)]
                ratio = f"wall {mine[0] / floor[0]:.2f}  CPU {mine[1] / floor[1]:.2f}"
                print(f"{version} {scenario} / ast.parse floor: {ratio}")
        for scenario in ("comment", "import"):
            if (version, scenario) in medians and (version, "warm") in medians:
                mine, warm = medians[(version, scenario)], medians[(version, "warm")]
                print(f"{version} {scenario} / warm: wall {mine[0] / warm[0]:.2f}  CPU {mine[1] / warm[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
