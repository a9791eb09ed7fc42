"""Whether arch-rules' graph imports equal grimp's scan, module by module, on a whole project.

    python benchmarks/scan_parity.py PROJECT_ROOT [--external] [--show N]

arch-rules resolves each module's graph imports from the facts it has read (arch_rules/graph/resolve.py)
instead of letting grimp's scanner read every file again. This runs both on every module of the project
(grimp's Rust scan, with the project's package finders; and the resolver, on the facts) and prints one
JSON line: modules compared, imports on each side, the modules that differ, and both timings. Exit 0 when
they are equal, 1 when not (the first ``--show`` differences are printed before the line).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from arch_rules.engine.run import Options, run_full
from arch_rules.graph.build import _project_finders
from arch_rules.graph.resolve import Resolver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", type=Path)
    parser.add_argument("--external", action="store_true", help="include external packages (squashed)")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    project = run_full(Options(start=args.root, graph=False, cache=False)).project
    keep = {name for name, facts in project.facts.items() if facts.syntax_error is None}
    from grimp.application import scanning
    from grimp.application.config import settings
    from grimp.application.usecases import _find_packages

    with _project_finders(project, keep.__contains__):
        found = _find_packages(file_system=settings.FILE_SYSTEM, package_names=list(project.root_packages))
        files = [f for package in found for f in package.module_files]
        started = time.perf_counter()
        scanned = scanning.scan_imports(
            files, found_packages=found, include_external_packages=args.external, exclude_type_checking_imports=False
        )
        grimp_seconds = time.perf_counter() - started
    theirs = {
        f.module.name: tuple(sorted((i.imported.name, i.line_number, i.line_contents, False) for i in imports))
        for f, imports in scanned.items()
    }
    started = time.perf_counter()
    resolver = Resolver.of(found, include_external=args.external)
    ours = {
        f.module.name: resolver.imports(
            f.module.name, project.modules[f.module.name].is_package, project.facts[f.module.name].imports
        )
        for f in files
    }
    ours_seconds = time.perf_counter() - started
    differ = sorted(name for name in theirs if theirs[name] != ours.get(name))
    for name in differ[: args.show]:
        print(f"{name}:", file=sys.stderr)
        print(f"  grimp only: {sorted(set(theirs[name]) - set(ours[name]))}", file=sys.stderr)
        print(f"  ours only:  {sorted(set(ours[name]) - set(theirs[name]))}", file=sys.stderr)
    print(
        json.dumps(
            {
                "modules": len(theirs),
                "imports_grimp": sum(map(len, theirs.values())),
                "imports_ours": sum(map(len, ours.values())),
                "modules_differing": len(differ),
                "grimp_scan_s": round(grimp_seconds, 3),
                "resolve_s": round(ours_seconds, 3),
            }
        )
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
