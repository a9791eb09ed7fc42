"""The graph part of an arch-rules run, timed inside the process: what the ARC2xx contracts add to a run.

    python benchmarks/graph_part.py PROJECT_ROOT [--jobs N]

"``--no-cache`` minus ``--no-cache --no-graph``" is the difference of two whole runs of several seconds
each; on a shared 2-core machine their noise is larger than the difference (it came out negative once).
This runs the per-file part without the graph first (``--no-cache --no-graph``), then times exactly what
the graph adds to a run without a cache: importing the graph side (grimp, import-linter: loaded lazily,
so a run without the graph never pays for them), building the import graph from the files and checking
every contract. It prints one JSON line: ``{"wall": s, "cpu": s, "findings": n}``. CPU seconds are this
process's own (the graph build uses no workers).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from arch_rules.engine.run import Options, run_full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args(argv)
    project = run_full(Options(start=args.root, graph=False, cache=False, jobs=args.jobs)).project
    wall, cpu = time.perf_counter(), time.process_time()
    from arch_rules.rules import check_graph  # inside the timing: a run with the graph pays for this import

    findings = check_graph(project, cache=False, notes=[])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "findings": len(findings)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
