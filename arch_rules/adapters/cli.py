"""The command line: argument parsing and commands only; the engine does the work (README.md, commands)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from arch_rules.defaults import VERSION as __version__
from arch_rules.errors import ArchRulesError, ConfigError, UsageError
from arch_rules.textsafe import visible_line

__all__ = ["main"]

FORMATS = ("text", "json", "github", "sarif", "gitlab", "junit", "markdown", "rdjson")
#: Formats read by CI services, whose paths are relative to the repository root rather than the cwd.
REPOSITORY_FORMATS = ("github", "sarif", "gitlab", "junit", "markdown")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arch-rules",
        description="Check that a Python project keeps the architecture declared in [tool.arch_rules].",
    )
    parser.add_argument("--version", action="version", version=f"arch-rules {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--config", metavar="FILE", help="pyproject.toml to use (default: found from the cwd upwards)")
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    check = commands.add_parser("check", help="report findings for the project")
    common(check)
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="limit which files are reported (the analysis is whole)"
    )
    check.add_argument(
        "--format",
        "--output-format",
        dest="format",
        action="append",
        metavar="FORMAT[:FILE]",
        help=f"output format ({'|'.join(FORMATS)}); repeatable; no FILE means stdout (at most one)",
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only: no summary, notes or fix notes"
    )
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to report")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes not to report")
    check.add_argument("--no-graph", action="store_true", help="skip the import-graph contracts (ARC2xx)")
    check.add_argument("--jobs", type=int, metavar="N", help="worker processes for reading files (default: CPUs)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (ARC102 imports onto the interface)")
    check.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff; change nothing (with --fix: show what was written)",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="count findings per code")
    check.add_argument("--git-only", action="store_true", help="only files git tracks (implied under pre-commit)")
    check.add_argument(
        "--since",
        metavar="REF",
        help="report only the findings the change since the merge base of REF and HEAD introduced",
    )
    check.add_argument(
        "--disable-noqa", action="store_true", help="report what noqa comments suppress (as flake8's option does)"
    )

    baseline = commands.add_parser("baseline", help="write the current findings as the accepted baseline")
    common(baseline)
    baseline.add_argument("--output", metavar="FILE", help="where to write (default: rules.baseline)")
    baseline.add_argument("--no-graph", action="store_true", help="leave graph findings out")

    init = commands.add_parser("init", help="propose a [tool.arch_rules] table from the code")
    init.add_argument("--write", action="store_true", help="add it to pyproject.toml (and a baseline)")
    init.add_argument(
        "--from-import-linter",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="translate the import-linter contracts (.importlinter, setup.cfg or pyproject.toml, or FILE)",
    )
    init.add_argument(
        "--split-teams",
        action="store_true",
        help="move the central table's teams into arch-team.toml files in their packages (with --write)",
    )
    init.add_argument("--config", metavar="FILE", help="with --split-teams: the pyproject.toml to split")
    init.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    explain = commands.add_parser("explain", help="a rule's rationale, examples and fix")
    explain.add_argument("code", metavar="CODE")
    explain.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    rules = commands.add_parser("rules", help="the rule table")
    rules.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    graph = commands.add_parser("graph", help="the dependency picture, violations marked")
    common(graph)
    graph.add_argument("--level", choices=("teams", "layers", "modules"), default="teams")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument(
        "--focus", metavar="PACKAGE", help="only the imports into or out of this package (or team, by name)"
    )

    contracts = commands.add_parser("contracts", help="the generated import-linter contracts, as TOML")
    common(contracts)

    lsp = commands.add_parser("lsp", help="the language server for editors, on stdin/stdout (docs/editors.md)")
    lsp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for sub in commands.choices.values():  # `arch-rules check --version` works too, and its help shows it
        sub.add_argument("--version", action="version", version=f"arch-rules {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``arch-rules`` command: parse ``argv``, run the command, return its exit code (0, 1, 2 or 3)."""
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        return _dispatch(args)
    except ConfigError as exc:
        # One line per problem, whatever a key or value held (a newline, an escape sequence).
        for line in exc.problems:
            print(f"arch-rules: {visible_line(line)}", file=sys.stderr)
        return exc.exit_code
    except ArchRulesError as exc:
        tail = " (please report it: https://github.com/arch-rules/arch-rules/issues)" if exc.exit_code == 3 else ""
        print(f"arch-rules: {visible_line(str(exc))}{tail}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`arch-rules rules | head`): not an error of ours. Keep Python quiet on exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected error becomes exit 3
        if getattr(args, "debug", False):
            raise
        print(
            f"arch-rules: internal error: {type(exc).__name__}: {visible_line(str(exc))} "
            "(run with --debug for the traceback; please report it)",
            file=sys.stderr,
        )
        return 3


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args)
    if args.command == "baseline":
        return _baseline(args)
    if args.command == "explain":
        return _explain(args.code)
    if args.command == "rules":
        return _rules()
    if args.command == "contracts":
        return _contracts(args)
    if args.command == "graph":
        return _graph(args)
    if args.command == "init":
        return _init(args)
    if args.command == "lsp":
        return _lsp()
    raise UsageError(f"unknown command {args.command}")


def _codes(text: str | None, option: str = "--select") -> tuple[str, ...] | None:
    if text is None:
        return None
    from arch_rules.model.config import code_checker
    from arch_rules.rules import codes as known_codes

    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    if not codes:
        # `--select ""` would report "All checks passed" on any project: an empty selection is a mistake.
        raise UsageError(f"{option}: no rule code given (e.g. {option} ARC1,ARC201)")
    # Plugin codes: checked by the engine once the plugins are loaded.
    check = code_checker(known_codes(), custom=True)
    for code in codes:
        why = check(code)
        if why:
            raise UsageError(why)
    return codes


def _outputs(specs: list[str] | None) -> list[tuple[str, str | None]]:
    outputs: list[tuple[str, str | None]] = []
    for spec in specs or ["text"]:
        name, colon, target = spec.partition(":")
        if colon and not target:
            raise UsageError(f"--format {spec}: a file name must follow the colon (or leave out the colon for stdout)")
        if name not in FORMATS:
            from arch_rules.model.config import did_you_mean

            raise UsageError(f"--format {spec}: unknown format {name!r}{did_you_mean(name, FORMATS)}")
        if target in ("-", "/dev/stdout"):
            target = ""  # the stream itself, as users expect (and it counts as the one stdout output)
        outputs.append((name, target or None))
    targets = [target for _, target in outputs if target is not None]
    if len(targets) != len(set(targets)):
        raise UsageError("--format: two formats would write the same file")
    if sum(1 for _, target in outputs if target is None) > 1:
        raise UsageError("--format: at most one format may go to stdout; give the others a file (FORMAT:FILE)")
    return outputs


def _options(args: argparse.Namespace, **extra: object):  # type: ignore[no-untyped-def]
    from arch_rules.engine.run import Options

    return Options(
        start=Path.cwd(),
        config=Path(args.config) if getattr(args, "config", None) else None,
        **extra,  # type: ignore[arg-type]
    )


def _check(args: argparse.Namespace) -> int:
    from arch_rules.engine.run import run_full

    outputs = _outputs(args.format)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = _options(
        args,
        paths=tuple(args.paths),
        select=_codes(args.select),
        ignore=_codes(args.ignore, "--ignore") or (),
        graph=not args.no_graph,
        jobs=args.jobs,
        cache=not args.no_cache,
        baseline=args.baseline,
        # Under pre-commit ($PRE_COMMIT is set) untracked files are not part of the project.
        git_only=args.git_only or bool(os.environ.get("PRE_COMMIT")),
        disable_noqa=args.disable_noqa,
    )
    markdown = any(name == "markdown" for name, _ in outputs)
    if args.since is not None:
        if args.fix or args.diff:
            raise UsageError("--since reports what a change introduced; run --fix or --diff without it")
        from arch_rules.engine.review import check_since

        run = check_since(options, args.since, detailed=markdown)
    else:
        run = run_full(options)
    if args.fix or args.diff:
        from arch_rules.adapters import fixes

        result = fixes.apply(run, write=args.fix)
        for line in result.notes if not args.quiet else ():
            print(visible_line(line), file=sys.stderr)
        if args.diff and not args.fix:
            sys.stdout.write(result.diff)
            return 0 if args.exit_zero or not result.diff else 1
        if args.diff:  # --fix --diff: what was written (as ruff), then the findings left
            sys.stdout.write(result.written_diff)
        if result.changed:
            run = run_full(options)
    report = run.report
    if markdown and report.review is None:
        from arch_rules.engine.review import whole_tree

        report.review = whole_tree(run)
    _emit(
        report,
        outputs,
        run.config.root,
        statistics=args.statistics,
        quiet=args.quiet,
        extra_rules=run.plugin_rules,
    )
    if args.exit_zero:
        return 0
    return report.exit_code


def _emit(  # type: ignore[no-untyped-def]
    report,
    outputs: list[tuple[str, str | None]],
    root: Path,
    statistics: bool = False,
    quiet: bool = False,
    extra_rules=None,
) -> None:
    from arch_rules.adapters.formats import FormatContext, render, write_github_step_summary
    from arch_rules.rules import all_rules

    local = FormatContext(
        version=__version__,
        rules={**all_rules(), **(extra_rules or {})},
        path_prefix=_prefix(root, Path.cwd()),
        inside=_inside(root, Path.cwd()),
        statistics=statistics,
        quiet=quiet,
    )
    if statistics and not any(name == "text" and target is None for name, target in outputs):
        # The counts are text; a machine-readable stdout (json, sarif...) must stay parseable.
        from arch_rules.adapters.formats.text import statistics_lines

        for line in statistics_lines(report, local):
            print(line, file=sys.stderr)
    for name, target in outputs:
        context = local
        if name == "text" and target is None and use_color(sys.stdout, os.environ):
            context = replace(context, color=True)
        if name in REPOSITORY_FORMATS:
            # CI services resolve paths against the repository root, wherever the command ran.
            base = _repository_root(root)
            context = replace(local, path_prefix=_prefix(root, base), inside=_inside(root, base))
        text = render(name, report, context)
        if target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _write_text(Path(target), text)
        if name == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            try:
                if any(other == "markdown" for other, _ in outputs):
                    # The change summary is the better job summary; one summary per run, not two.
                    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8", newline="\n") as handle:
                        handle.write(render("markdown", report, context))
                else:
                    write_github_step_summary(report, context, os.environ["GITHUB_STEP_SUMMARY"])
            except OSError as exc:
                print(f"arch-rules: cannot write the step summary: {exc}", file=sys.stderr)


def use_color(stream: object, environ: Mapping[str, str]) -> bool:
    """Colour for a terminal, as the no-color.org and force-color.org conventions say: ``NO_COLOR`` (any
    non-empty value) turns it off, ``FORCE_COLOR`` (non-empty) turns it on even when not a terminal."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("TERM") != "dumb"


def _prefix(root: Path, base: Path) -> str:
    prefix = os.path.relpath(root, base)
    return "" if prefix == "." else prefix.replace(os.sep, "/") + "/"


def _inside(root: Path, base: Path) -> str:
    """``base`` relative to the project root when it is a folder below it, else ""."""
    try:
        rel = base.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def _repository_root(root: Path) -> Path:
    """$GITHUB_WORKSPACE, else git's top level, else the cwd: what CI paths are relative to."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and Path(workspace).is_dir():
        return Path(workspace).resolve()
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else Path.cwd()


def _write_text(path: Path, text: str) -> None:
    from arch_rules.engine import atomic

    try:
        if atomic.stream_fd(path) is None:
            atomic.make_folders(path.parent)
        atomic.write_text(path, text)
    except OSError as exc:
        raise UsageError(f"{_shown(path)}: cannot write ({exc.strerror or exc})") from None


def _shown(path: Path) -> str:
    """A path for a one-line message: escaped, and shortened when it is absurdly long."""
    text = repr(str(path))[1:-1]
    return text if len(text) <= 200 else f"{text[:100]}...{text[-80:]}"


def _baseline(args: argparse.Namespace) -> int:
    from arch_rules.engine import baseline
    from arch_rules.engine.run import configured_baseline, run_full

    run = run_full(_options(args, graph=not args.no_graph, baseline=""))
    # --output is the user's choice; rules.baseline is the repository's, and stays inside the project.
    target = Path(args.output) if args.output else configured_baseline(run.config)
    count = baseline.write(target, run.report.findings)
    print(f"arch-rules: wrote {count} finding{'s' if count != 1 else ''} to {target}")
    return 0


def _explain(code: str) -> int:
    from arch_rules.adapters.ruledocs import explain
    from arch_rules.model.config import did_you_mean
    from arch_rules.rules import all_rules

    rules = all_rules()
    rule = rules.get(code.upper())
    if rule is None and not code.upper().startswith("ARC"):
        rules = {**rules, **_plugin_rules()}
        rule = rules.get(code.upper())
    if rule is None:
        raise UsageError(f"unknown rule code {code!r}{did_you_mean(code.upper(), list(rules))}")
    sys.stdout.write(explain(rule))
    return 0


def _rules() -> int:
    from arch_rules.rules import all_rules

    rules = {**all_rules(), **_plugin_rules()}.values()
    width = max(len(r.name) for r in rules)
    for rule in rules:
        print(f"{rule.code}  {rule.name:<{width}}  {rule.engine:<8}  {rule.summary}")
    return 0


def _plugin_rules() -> dict:  # type: ignore[type-arg]
    """The records of the rules the project in the current directory adds with ``plugins`` (none when no
    configuration is found here: `explain` and `rules` work anywhere)."""
    from arch_rules.engine.standards import Cache, plugin_records
    from arch_rules.model.config import find_config, load

    found = find_config(Path.cwd())
    if found is None:
        return {}
    config = load(found)
    return plugin_records(config, Cache(config.root / config.cache_dir))


def _contracts(args: argparse.Namespace) -> int:
    from arch_rules.engine.run import prepare
    from arch_rules.graph import render_toml

    config, project = prepare(_options(args))
    sys.stdout.write(render_toml(project))
    return 0


def _graph(args: argparse.Namespace) -> int:
    from arch_rules.adapters.picture import render
    from arch_rules.engine.run import run_full

    run = run_full(_options(args))
    notes: list[str] = []
    try:
        text = render(
            run.project, run.report.findings, level=args.level, fmt=args.format, focus=args.focus, notes=notes
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(text)
    for note in notes:
        print(f"arch-rules: note: {note}", file=sys.stderr)
    return 0


def _lsp() -> int:
    try:
        import pygls  # noqa: F401 - only to say clearly what is missing
    except ImportError:
        raise UsageError(
            "the language server needs pygls, an optional dependency: pip install 'arch-rules[lsp]'"
        ) from None
    from arch_rules.adapters.lsp import serve

    serve()
    return 0


def _init(args: argparse.Namespace) -> int:
    if args.split_teams:
        from arch_rules.adapters.teamsplit import split

        sys.stdout.write(split(_options(args, graph=False), write=args.write))
        return 0
    if args.config:
        raise UsageError("init --config goes with --split-teams; init proposes a table for the cwd's project")
    from arch_rules.adapters.proposal import propose

    if args.from_import_linter is not None:
        from arch_rules.adapters.migrate import migrate

        text, messages = migrate(Path.cwd(), args.from_import_linter or None, write=args.write)
        for line in messages:
            print(line, file=sys.stderr)
        sys.stdout.write(text)
        return 0

    sys.stdout.write(propose(Path.cwd(), write=args.write))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
