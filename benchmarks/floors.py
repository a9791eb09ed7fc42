"""The floors a cold run is compared with: read and parse every ``.py`` file under a folder, nothing else.

``python benchmarks/floors.py {ast,libcst} FOLDER [--jobs N]`` parses with the same kind of pool the
engine uses (fork, chunked, serial below 64 files), so "arch-rules cold / libcst floor" compares like
with like. Prints the number of files parsed and of files that did not parse.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SKIP = {"__pycache__", ".git", ".arch_rules_cache", ".import_linter_cache", ".tach"}


def _files(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        found += [Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py")]
    return found


def _parse_ast(path: Path) -> bool:
    import ast

    try:
        ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    return True


def _parse_libcst(path: Path) -> bool:
    import libcst

    try:
        libcst.parse_module(path.read_bytes())
    except (libcst.ParserSyntaxError, ValueError):
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("parser", choices=("ast", "libcst"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    files = _files(args.folder)
    parse = _parse_ast if args.parser == "ast" else _parse_libcst
    if args.jobs <= 1 or len(files) < 64:
        results = [parse(f) for f in files]
    else:
        import multiprocessing

        chunk = max(8, len(files) // (args.jobs * 4))
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(parse, files, chunksize=chunk))
    print(f"{args.parser}: {len(files)} files, {results.count(False)} not parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
