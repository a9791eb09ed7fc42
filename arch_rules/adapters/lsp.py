"""``arch-rules lsp``: a language server over stdio, so an import that crosses a boundary is flagged while it
is typed, with the fix one keystroke away (docs/editors.md).

It is a thin shell over the engine, like the CLI and the flake8 plugin:

- On start-up, and after every save, the whole project is checked in a worker thread with the same engine,
  cache and baseline as ``arch-rules check`` (graph contracts included); its findings are published for
  every file, open or not, so the editor's problems list shows the project's boundary state. Typing is
  never blocked by it: the editor keeps getting per-file diagnostics meanwhile, and the new results replace
  the old ones when they are ready.
- While a file is typed, its per-file rules run on the unsaved text (``arch_rules.engine.live``: the same
  selection, ``# noqa``, severity and baseline as ``check``); the graph findings located in it are the
  last whole-project run's, refreshed on save.
- Code actions: the ARC102 fix (``arch_rules.adapters.fixes``, the fixer ``check --fix`` uses, run on the
  buffer), the same for every ARC102 of the file ("fix all", offered where one is), and "suppress with a
  reason" (``# noqa: ARCnnn -- `` with the cursor after it).
- Hover on an import: the imported module's team, contact, interface, layer, and the findings there.
- A configuration that cannot be used is shown as diagnostics on ``pyproject.toml`` at the offending key,
  while the server keeps serving the last configuration that worked.

pygls is an optional dependency (``pip install 'arch-rules[lsp]'``); ``arch-rules lsp`` says so when it is
missing, and nothing else imports this module.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from arch_rules.adapters import fixes
from arch_rules.adapters.formats.sarif import help_uri
from arch_rules.defaults import CONFIG_FILE, VERSION
from arch_rules.engine.live import Live
from arch_rules.engine.run import Options, Run, run_full
from arch_rules.errors import ArchRulesError, ConfigError
from arch_rules.facts import FileFacts, extract
from arch_rules.model.config import find_config
from arch_rules.model.declaration import locate_key
from arch_rules.model.findings import Finding, Report
from arch_rules.model.project import Module
from arch_rules.rules import all_rules

__all__ = ["ArchRulesServer", "build", "serve"]

log = logging.getLogger(__name__)

SOURCE = "arch-rules"
#: The command a "suppress with a reason" action runs after its edit: put the cursor where the reason goes.
SHOW_POSITION = "arch-rules.showPosition"
#: The code of a diagnostic about a configuration that cannot be used (as in the flake8 plugin).
CONFIG_ERROR_CODE = "ARC000"
#: What the quick fix of a rule is called in the editor's menu (others: "Fix ARCnnn").
FIX_TITLES = {"ARC102": "Use the team's interface"}
#: Codes whose findings are about something no longer needed: shown faded (``Unnecessary``).
UNNECESSARY = frozenset({"ARC004"})


@dataclass
class Workspace:
    """What the server knows: the last good whole-project run and the open buffers' facts."""

    start: Path
    run: Run | None = None
    live: Live | None = None
    #: The configuration file and the problems that stop it now (empty: it is fine).
    config_path: Path | None = None
    config_problems: list[str] = field(default_factory=list)
    #: URIs that have diagnostics published, so that emptied ones are cleared.
    published: set[str] = field(default_factory=set)


class ArchRulesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, VERSION, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.state: Workspace | None = None
        self._running: asyncio.Task[None] | None = None
        self._again = False
        self._rules = all_rules()

    # -- the whole project, in a worker thread -------------------------------------------------------

    def start(self, start: Path) -> None:
        if self.state is None:
            self.state = Workspace(start=start, config_path=find_config(start))
        self.refresh()

    def refresh(self) -> None:
        """Check the whole project again without blocking the editor; runs coalesce (at most one waits)."""
        if self._running is not None and not self._running.done():
            self._again = True
            return
        self._running = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        state = self.state
        assert state is not None
        while True:
            self._again = False
            options = Options(start=state.start, config=state.config_path)
            try:
                run, live = await asyncio.get_running_loop().run_in_executor(self.thread_pool, _whole_run, options)
            except ConfigError as exc:
                state.config_problems = list(exc.problems)
            except ArchRulesError as exc:
                state.config_problems = [str(exc)]
            except Exception as exc:  # noqa: BLE001 - an editor's server must survive its own bugs
                log.exception("arch-rules: the whole-project check failed")
                self.window_log_message(
                    types.LogMessageParams(types.MessageType.Error, f"arch-rules: internal error: {exc!r}")
                )
            else:
                state.config_problems = []
                state.config_path = run.config.path
                state.run, state.live = run, live
                for document in list(self.workspace.text_documents.values()):
                    self._take_buffer(document.uri)
            self.publish_all()
            if not self._again:
                return

    # -- diagnostics ---------------------------------------------------------------------------------

    def publish_all(self) -> None:
        state = self.state
        if state is None:
            return
        by_uri: dict[str, list[types.Diagnostic]] = {}
        if state.run is not None:
            root = state.run.config.root
            # An open file's findings go to the URI the editor opened it by (which may spell the path
            # differently: a symlink, percent-encoding), or the editor would show them twice.
            open_uris = {self._relpath(uri) or self._config_relpath(uri): uri for uri in self.workspace.text_documents}
            for finding in state.run.report.findings:
                opened = open_uris.get(finding.path)
                if opened is not None and not self._graph(finding):
                    continue  # the buffer's own findings are added below
                uri = opened or _uri(root, finding.path)
                by_uri.setdefault(uri, []).append(self.diagnostic(finding, uri))
            for uri in self.workspace.text_documents:
                if self._relpath(uri) is not None:
                    by_uri.setdefault(uri, []).extend(self.diagnostic(f, uri) for f in self._buffer_findings(uri))
        if state.config_problems and state.config_path is not None:
            uri = next(
                (u for u in self.workspace.text_documents if self._is_config(u)),
                from_fs_path(str(state.config_path)) or state.config_path.as_uri(),
            )
            by_uri.setdefault(uri, []).extend(self._config_diagnostics(state.config_path, state.config_problems))
        for uri in state.published - set(by_uri):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diagnostics in by_uri.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        state.published = set(by_uri)

    def publish(self, uri: str) -> None:
        """The diagnostics of one open file: its buffer's per-file findings and the last run's graph ones."""
        state = self.state
        relpath = self._relpath(uri)
        if state is None or state.run is None or relpath is None:
            return
        found = [self.diagnostic(f, uri) for f in self._buffer_findings(uri)]
        found += [self.diagnostic(f, uri) for f in state.run.report.findings if f.path == relpath and self._graph(f)]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=found))
        state.published.add(uri)

    def _graph(self, finding: Finding) -> bool:
        """Findings the per-file rules do not make (graph, configuration): they come from the last run."""
        rule = self._rules.get(finding.code)
        return rule is None or rule.engine != "per-file"

    def _client_range(self, uri: str | None, server: types.Range) -> types.Range:
        """Findings count characters (code points); the editor counts in its position encoding (UTF-16 by
        default). An open file's text converts one into the other; a closed file's is not read for it, so
        its columns are off only on lines with characters outside the Basic Multilingual Plane."""
        if uri is None or uri not in self.workspace.text_documents:
            return server
        lines = self.workspace.get_text_document(uri).lines
        return self.workspace.position_codec.range_to_client_units(lines, server)

    def diagnostic(self, finding: Finding, uri: str | None = None) -> types.Diagnostic:
        rule = self._rules.get(finding.code)
        state = self.state
        root = state.run.config.root if state is not None and state.run is not None else Path.cwd()
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=_uri(root, link.path), range=_line_range((link.line or 1) - 1)),
                message=f"{link.importer} imports {link.imported}",
            )
            for link in finding.chain
            if link.path
        ]
        tags = []
        if finding.code in UNNECESSARY:
            tags.append(types.DiagnosticTag.Unnecessary)
        if rule is not None and "deprecat" in rule.name:
            tags.append(types.DiagnosticTag.Deprecated)
        return types.Diagnostic(
            range=self._client_range(uri, _finding_range(finding)),
            message=finding.message,
            severity=types.DiagnosticSeverity.Warning
            if finding.severity == "warning"
            else types.DiagnosticSeverity.Error,
            code=finding.code,
            code_description=types.CodeDescription(href=help_uri(rule)) if rule is not None else None,
            source=SOURCE,
            related_information=related or None,
            tags=tags or None,
            data={"fingerprint": finding.fingerprint},
        )

    def _config_diagnostics(self, path: Path, problems: list[str]) -> list[types.Diagnostic]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        out = []
        for problem in problems:
            line = _problem_line(text, problem)
            kept = " (arch-rules keeps the last configuration that worked)" if self._has_run() else ""
            out.append(
                types.Diagnostic(
                    range=_line_range(line - 1),
                    message=problem + kept,
                    severity=types.DiagnosticSeverity.Error,
                    code=CONFIG_ERROR_CODE,
                    source=SOURCE,
                )
            )
        return out

    def _is_config(self, uri: str) -> bool:
        state, path = self.state, to_fs_path(uri)
        if state is None or state.config_path is None or not path:
            return False
        try:
            return Path(path).resolve() == state.config_path.resolve()
        except OSError:
            return False

    def _config_relpath(self, uri: str) -> str | None:
        """The configuration file's project-relative path (as its findings name it), when ``uri`` is it."""
        state = self.state
        if state is None or state.run is None or not self._is_config(uri):
            return None
        config = state.run.config
        try:
            return config.path.relative_to(config.root).as_posix()
        except ValueError:
            return config.path.name

    def _has_run(self) -> bool:
        return self.state is not None and self.state.run is not None

    # -- open buffers --------------------------------------------------------------------------------

    def _relpath(self, uri: str) -> str | None:
        """The project-relative path of a module of the project (None: not one)."""
        module = self._module(uri)
        return module.relpath if module is not None else None

    def _module(self, uri: str) -> Module | None:
        state = self.state
        if state is None or state.live is None:
            return None
        path = to_fs_path(uri)
        return state.live.module_at(Path(path)) if path else None

    def _take_buffer(self, uri: str) -> FileFacts | None:
        """Read the open buffer's facts into the project model (other files' checks see them too)."""
        state, module = self.state, self._module(uri)
        if state is None or state.live is None or module is None:
            return None
        facts = extract(self.workspace.get_text_document(uri).source.encode("utf-8"))
        state.live.facts.edited[module.name] = facts
        return facts

    def _buffer_findings(self, uri: str) -> list[Finding]:
        state, module = self.state, self._module(uri)
        if state is None or state.live is None or module is None:
            return []
        facts = state.live.facts.edited.get(module.name) or self._take_buffer(uri)
        assert facts is not None
        return state.live.report(module, facts)

    def forget_buffer(self, uri: str) -> None:
        state, module = self.state, self._module(uri)
        if state is not None and state.live is not None and module is not None:
            state.live.facts.edited.pop(module.name, None)

    # -- code actions --------------------------------------------------------------------------------

    def code_actions(self, uri: str, wanted: types.Range) -> list[types.CodeAction]:
        state, module = self.state, self._module(uri)
        if state is None or state.live is None or state.run is None or module is None:
            return []
        document = self.workspace.get_text_document(uri)
        findings = self._buffer_findings(uri)
        first, last = wanted.start.line + 1, wanted.end.line + 1
        here = [f for f in findings if f.line <= last and (f.end_line or f.line) >= first]
        graph_here = [
            f
            for f in state.run.report.findings
            if f.path == module.relpath and self._graph(f) and f.line <= last and (f.end_line or f.line) >= first
        ]
        actions: list[types.CodeAction] = []
        for finding in here:
            if self._fixable(finding):
                title = FIX_TITLES.get(finding.code, f"Fix {finding.code}")
                actions.append(self._fix_action(uri, document.source, [finding], title))
        for finding in [*here, *graph_here]:
            if finding.code != "ARC403":
                actions.append(self._suppress_action(uri, document.lines, finding))
        for code in sorted({f.code for f in here if self._fixable(f)}):
            every = [f for f in findings if f.code == code]
            actions.append(
                self._fix_action(
                    uri, document.source, every, f"Fix all {code} in this file", types.CodeActionKind.SourceFixAll
                )
            )
        return actions

    def _fixable(self, finding: Finding) -> bool:
        rule = self._rules.get(finding.code)
        return rule is not None and rule.fixable and finding.imported is not None

    def _fix_action(
        self,
        uri: str,
        source: str,
        findings: list[Finding],
        title: str,
        kind: str = types.CodeActionKind.QuickFix,
    ) -> types.CodeAction:
        state = self.state
        assert state is not None and state.run is not None
        relpath = findings[0].path
        before = source.encode("utf-8")
        fake = Run(state.run.config, state.run.project, Report(findings=findings), {relpath: before})
        try:
            result = fixes.apply(fake, write=False)
        except Exception as exc:  # noqa: BLE001 - the editor keeps working; the user learns why
            result = fixes.FixResult(notes=[f"the fix failed ({type(exc).__name__}: {exc})"])
        done = result.files.get(relpath)
        label = title if len(findings) > 1 else f"{title}: {findings[0].imported}"
        if done is None:
            why = "; ".join(note.split(": ", 1)[-1] for note in result.notes) or "no safe fix for this import"
            return types.CodeAction(title=label, kind=kind, disabled=types.CodeActionDisabled(reason=why))
        after = done[1].decode("utf-8")
        edit = _minimal_edit(source, after)
        return types.CodeAction(
            title=label,
            kind=kind,
            diagnostics=[self.diagnostic(f, uri) for f in findings] if len(findings) == 1 else None,
            is_preferred=len(findings) == 1,
            edit=types.WorkspaceEdit(changes={uri: [edit]}),
        )

    def _suppress_action(self, uri: str, lines: Sequence[str], finding: Finding) -> types.CodeAction:
        index = finding.line - 1
        text = lines[index].rstrip("\r\n") if index < len(lines) else ""
        existing = re.search(r"# noqa:\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", text)
        if existing:
            # Another code on the same comment: add ours to its list, keep what is written after it.
            before = text[: existing.end("codes")]
            insert = f", {finding.code}"
        else:
            before = text
            insert = f"  # noqa: {finding.code} -- "
        # Positions in the editor's units (UTF-16 by default), not in characters.
        units = self.workspace.position_codec.client_num_units
        position = types.Position(line=index, character=units(before))
        cursor = units(before + insert)
        edit = types.TextEdit(range=types.Range(start=position, end=position), new_text=insert)
        return types.CodeAction(
            title=f"Suppress {finding.code} on this line, with a reason",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self.diagnostic(finding, uri)],
            edit=types.WorkspaceEdit(changes={uri: [edit]}),
            command=types.Command(title="Write the reason", command=SHOW_POSITION, arguments=[uri, index, cursor]),
        )

    # -- hover ---------------------------------------------------------------------------------------

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        state, module = self.state, self._module(uri)
        if state is None or state.live is None or module is None:
            return None
        facts = state.live.facts.edited.get(module.name) or self._take_buffer(uri)
        if facts is None:
            return None
        line = position.line + 1
        statements = [fact for fact in facts.imports if fact.line <= line <= (fact.end_line or fact.line)]
        if not statements:
            return None
        project = state.live.project
        parts: list[str] = []
        seen: set[str] = set()
        for fact in statements:
            for target in project.targets(module.name, fact):
                if target.module in seen:
                    continue
                seen.add(target.module)
                parts.append(self._describe(target.module, target.first_party))
        findings = [f for f in self._buffer_findings(uri) if f.line <= line <= (f.end_line or f.line)] + [
            f
            for f in (state.run.report.findings if state.run else ())
            if f.path == module.relpath and self._graph(f) and f.line <= line <= (f.end_line or f.line)
        ]
        for code in sorted({f.code for f in findings}):
            rule = self._rules.get(code)
            if rule is not None:
                parts.append(f"**{code}** {rule.name}: {rule.summary} ([docs]({help_uri(rule)}))")
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)))

    def _describe(self, name: str, first_party: bool) -> str:
        state = self.state
        assert state is not None and state.live is not None
        project, config = state.live.project, state.live.config
        if not first_party:
            return f"`{name}`: not a module of this project"
        lines = [f"`{name}`"]
        team = project.team_of(name)
        if team is None:
            lines.append("- team: none (no team owns it)")
        else:
            lines.append(f"- team: {team.name}" + (f" ({team.contact})" if team.contact else ""))
            interface = project.interface_modules(team)
            if project.is_interface(name):
                lines.append("- part of the team's interface")
            elif interface:
                lines.append(f"- not on the team's interface; use {', '.join(interface)}")
        for stack in config.layers:
            place = project.layer_of(name, stack)
            if place is not None:
                lines.append(f"- layer: {place.entry} (level {place.level + 1} of {stack.label})")
        return "\n".join(lines)


def _whole_run(options: Options) -> tuple[Run, Live]:
    """The whole project as ``check`` sees it (the same engine and cache), and a model for the buffers."""
    run = run_full(options)
    return run, Live.of(run.config, run.project, underlying=run.project.facts)


def _uri(root: Path, relpath: str | None) -> str:
    path = root / (relpath or "")
    return from_fs_path(str(path)) or path.as_uri()


def _line_range(index: int) -> types.Range:
    index = max(index, 0)
    return types.Range(start=types.Position(line=index, character=0), end=types.Position(line=index + 1, character=0))


def _finding_range(finding: Finding) -> types.Range:
    start = types.Position(line=max(finding.line - 1, 0), character=max(finding.column - 1, 0))
    if finding.end_line is not None and finding.end_column is not None:
        # Our end column is 1-based and inclusive: as a 0-based exclusive position it is the same number.
        end = types.Position(line=finding.end_line - 1, character=finding.end_column)
    else:
        end = types.Position(line=start.line + 1, character=0)
    return types.Range(start=start, end=end)


_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")


def _problem_line(text: str, problem: str) -> int:
    """The line of ``pyproject.toml`` a configuration problem is about: ``file: key: message``."""
    at = _TOML_AT.search(problem)
    if at:
        return int(at.group(1))
    parts = problem.split(": ", 2)
    if len(parts) == 3 and parts[1].startswith("tool.arch_rules"):
        return locate_key(text, parts[1])
    return locate_key(text, "tool.arch_rules") if "tool.arch_rules" in text else 1


def _minimal_edit(before: str, after: str) -> types.TextEdit:
    """One edit replacing only the lines that differ (editors keep folds and the cursor elsewhere)."""
    old_keep = before.splitlines(keepends=True)
    new_keep = after.splitlines(keepends=True)
    head = 0
    while head < min(len(old_keep), len(new_keep)) and old_keep[head] == new_keep[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_keep), len(new_keep)) - head
        and old_keep[len(old_keep) - 1 - tail] == new_keep[len(new_keep) - 1 - tail]
    ):
        tail += 1
    replaced = "".join(new_keep[head : len(new_keep) - tail])
    return types.TextEdit(
        range=types.Range(
            start=types.Position(line=head, character=0),
            end=types.Position(line=len(old_keep) - tail, character=0),
        ),
        new_text=replaced,
    )


def _start_folder(server: ArchRulesServer) -> Path:
    root = server.workspace.root_path
    return Path(root) if root else Path.cwd()


def build() -> ArchRulesServer:
    """The server with its features registered (one per process; the tests start it as a subprocess)."""
    server = ArchRulesServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: ArchRulesServer, params: types.InitializedParams) -> None:
        ls.start(_start_folder(ls))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ArchRulesServer, params: types.DidOpenTextDocumentParams) -> None:
        if ls.state is None:
            path = to_fs_path(params.text_document.uri)
            if path and find_config(Path(path).parent) is not None:
                ls.start(Path(path).parent)
            return
        ls._take_buffer(params.text_document.uri)
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ArchRulesServer, params: types.DidChangeTextDocumentParams) -> None:
        ls._take_buffer(params.text_document.uri)
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ArchRulesServer, params: types.DidSaveTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri) or ""
        if ls.state is not None and (path.endswith(".py") or Path(path).name == CONFIG_FILE):
            ls.refresh()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ArchRulesServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget_buffer(params.text_document.uri)
        ls.publish_all()  # what is on disk again, from the last run

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]),
    )
    def code_action(ls: ArchRulesServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params.text_document.uri, params.range)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ArchRulesServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    @server.command(SHOW_POSITION)
    def show_position(ls: ArchRulesServer, *args: Any) -> None:
        uri, line, character = args[0], int(args[1]), int(args[2])
        position = types.Position(line=line, character=character)
        ls.window_show_document(
            types.ShowDocumentParams(uri=uri, take_focus=True, selection=types.Range(start=position, end=position))
        )

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the editor says exit."""
    build().start_io()
