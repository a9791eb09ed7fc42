"""``arch-rules lsp`` driven by a real LSP client (pygls's) over stdio, as an editor drives it.

The server runs as a subprocess (``python -m arch_rules lsp``); the client opens a file, types an import that
crosses a team boundary, gets the diagnostic, applies the server's code action and sees the diagnostic go;
then the other features: "suppress with a reason", hover, the whole-project findings for files not open, and
a broken configuration shown on pyproject.toml while the last good one keeps serving.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

import pytest

pytest.importorskip("pygls", reason="the language server is an optional extra: pip install 'arch-rules[lsp]'")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from arch_rules.testing import write_project  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

CONFIG = """\
[project]
name = "shop"
version = "0"

[tool.arch_rules]
source_roots = ["src"]
root_packages = ["shop"]

[[tool.arch_rules.layers]]
order = ["shop.web", "shop.orders : shop.payments", "shop.domain"]

[tool.arch_rules.teams.orders]
owns = ["shop.orders"]
contact = "#orders"

[tool.arch_rules.teams.payments]
owns = ["shop.payments"]
interface = ["shop.payments.api"]
contact = "#payments"
"""

FILES = {
    "src/shop/__init__.py": '"""Shop."""\n',
    "src/shop/web/__init__.py": '"""Web."""\n',
    "src/shop/domain/__init__.py": '"""Domain."""\n',
    # ARC101, in a file the editor never opens: it comes from the whole-project run.
    "src/shop/domain/model.py": '"""Model."""\n\nfrom shop.web import X\n',
    "src/shop/web/views.py": '"""Views."""\n\nX = 1\n',
    "src/shop/orders/__init__.py": '"""Orders."""\n\n__all__: list[str] = []\n',
    "src/shop/orders/checkout.py": '"""Checkout."""\n\nimport os\n',
    "src/shop/orders/wide.py": '"""Characters outside the Basic Multilingual Plane."""\n',
    "src/shop/payments/__init__.py": '"""Payments."""\n',
    "src/shop/payments/api.py": (
        '"""What other teams may use."""\n\nfrom shop.payments.internal import Charge\n\n__all__ = ["Charge"]\n'
    ),
    "src/shop/payments/internal.py": '"""Internals."""\n\n\nclass Charge:\n    """A charge."""\n',
}

TYPED = '"""Checkout."""\n\nimport os\nfrom shop.payments.internal import Charge\n'


def make_project(root: Path) -> Path:
    return write_project(root, FILES, CONFIG)


class Editor:
    """A client that keeps what the server publishes and applies edits to its own copy of a buffer."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("test-editor", "1")
        # lsprotocol reads any code action that has a "command" as a Command (its `"command" in object_`
        # test); the specification tells them apart by the type of "command", as editors do.
        converter = self.client.protocol._converter

        def action_or_command(value: Any, _: type) -> types.Command | types.CodeAction:
            kind = types.Command if isinstance(value.get("command"), str) else types.CodeAction
            return converter.structure(value, kind)

        converter.register_structure_hook(Union[types.Command, types.CodeAction], action_or_command)  # noqa: UP007
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.shown: list[types.ShowDocumentParams] = []
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics

        @self.client.feature(types.WINDOW_SHOW_DOCUMENT)
        def show(params: types.ShowDocumentParams) -> types.ShowDocumentResult:
            self.shown.append(params)
            return types.ShowDocumentResult(success=True)

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    async def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        await self.client.start_io(sys.executable, "-m", "arch_rules", "lsp", cwd=str(self.root), env=env)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    window=types.WindowClientCapabilities(show_document=types.ShowDocumentClientCapabilities(True))
                ),
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="shop")],
            )
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def open(self, rel: str, text: str) -> None:
        self.versions[rel] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=self.uri(rel), language_id="python", version=1, text=text)
            )
        )

    def type(self, rel: str, text: str) -> None:
        """Replace the whole buffer (as a full-text change), unsaved."""
        self.versions[rel] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=self.versions[rel]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def save(self, rel: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=self.uri(rel)))
        )

    def codes(self, rel: str) -> list[str]:
        return sorted(str(d.code) for d in self.diagnostics.get(self.uri(rel), []))

    async def until(self, what: Callable[[], Any], why: str, limit: float = 120.0) -> Any:
        """Wait for the server to publish what ``what`` looks for (a deadline, not a timing assertion)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while loop.time() < deadline:
            found = what()
            if found:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"gave up waiting: {why}; diagnostics now: {self.diagnostics}")


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (non-overlapping) to ``text``, last first."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(keepends=True)
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None, action
    return list(action.edit.changes[uri])


async def code_actions(editor: Editor, rel: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(rel)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def pick(actions: list[types.CodeAction], title: str) -> types.CodeAction:
    found = [a for a in actions if a.title.startswith(title)]
    assert found, f"no action {title!r} among {[a.title for a in actions]}"
    return found[0]


@pytest.mark.slow
def test_type_a_boundary_crossing_get_the_diagnostic_apply_the_fix(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    rel = "src/shop/orders/checkout.py"

    async def scenario() -> None:
        editor = Editor(root)
        await editor.start()
        try:
            # Start-up publishes the whole project's findings, for files not open too.
            await editor.until(lambda: "ARC101" in editor.codes("src/shop/domain/model.py"), "ARC101 of model.py")
            arc101 = editor.diagnostics[editor.uri("src/shop/domain/model.py")][0]
            assert arc101.code_description is not None and "#arc101-" in arc101.code_description.href

            editor.open(rel, FILES[rel])
            await editor.until(lambda: editor.uri(rel) in editor.diagnostics, "diagnostics of the opened file")
            assert editor.codes(rel) == []

            # Typing an import of another team's internals: ARC102 from the unsaved buffer.
            editor.type(rel, TYPED)
            await editor.until(lambda: editor.codes(rel) == ["ARC102"], "ARC102 while typing")
            diagnostic = editor.diagnostics[editor.uri(rel)][0]
            assert diagnostic.range.start.line == 3
            assert diagnostic.severity == types.DiagnosticSeverity.Error
            assert diagnostic.source == "arch-rules"
            assert "shop.payments.api" in diagnostic.message

            # Hover on the import: team, contact, interface, the rule's summary.
            hover = await editor.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=editor.uri(rel)),
                    position=types.Position(line=3, character=8),
                )
            )
            assert hover is not None and isinstance(hover.contents, types.MarkupContent)
            text = hover.contents.value
            assert "team: payments (#payments)" in text
            assert "shop.payments.api" in text and "layer: shop.payments" in text
            assert "ARC102" in text and "interface" in text

            actions = await code_actions(editor, rel, diagnostic)
            titles = [a.title for a in actions]
            fix = pick(actions, "Use the team's interface")
            assert fix.disabled is None, fix.disabled
            assert any(t.startswith("Fix all ARC102") for t in titles), titles
            suppress = pick(actions, "Suppress ARC102")

            # "Suppress with a reason": the comment goes in, and the cursor is put after it.
            suppressed = apply_edits(TYPED, edits_of(suppress, editor.uri(rel)))
            assert suppressed.splitlines()[3] == "from shop.payments.internal import Charge  # noqa: ARC102 -- "
            assert suppress.command is not None
            await editor.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=suppress.command.command, arguments=suppress.command.arguments)
            )
            await editor.until(lambda: editor.shown, "window/showDocument for the cursor")
            selection = editor.shown[-1].selection
            assert selection is not None
            assert (selection.start.line, selection.start.character) == (3, len(suppressed.splitlines()[3]))

            # Apply the fix: the import moves onto the interface and the diagnostic goes.
            fixed = apply_edits(TYPED, edits_of(fix, editor.uri(rel)))
            assert fixed == '"""Checkout."""\n\nimport os\nfrom shop.payments.api import Charge\n'
            editor.type(rel, fixed)
            await editor.until(lambda: editor.codes(rel) == [], "the diagnostic cleared after the fix")

            # A suppression without a reason is ARC403 (as in `check`), one with a reason is quiet.
            editor.type(rel, TYPED.replace("Charge\n", "Charge  # noqa: ARC102\n"))
            await editor.until(lambda: editor.codes(rel) == ["ARC403"], "ARC403 for a reasonless noqa")
            editor.type(rel, TYPED.replace("Charge\n", "Charge  # noqa: ARC102 -- moving in Q3\n"))
            await editor.until(lambda: editor.codes(rel) == [], "a reasoned noqa suppresses")

            # A broken configuration: a diagnostic at the offending key; the last good one keeps serving.
            config = root / "pyproject.toml"
            config.write_text(CONFIG.replace('contact = "#orders"', 'contcat = "#orders"'))
            editor.save("pyproject.toml")
            await editor.until(lambda: "ARC000" in editor.codes("pyproject.toml"), "the configuration error")
            problem = editor.diagnostics[editor.uri("pyproject.toml")][0]
            assert "tool.arch_rules.teams.orders.contcat: unknown key" in problem.message
            assert config.read_text().splitlines()[problem.range.start.line] == 'contcat = "#orders"'
            editor.type(rel, TYPED)
            await editor.until(lambda: editor.codes(rel) == ["ARC102"], "per-file rules on the last good config")

            # Fixed again: the configuration diagnostic goes.
            config.write_text(CONFIG)
            editor.save("pyproject.toml")
            await editor.until(lambda: "ARC000" not in editor.codes("pyproject.toml"), "the error cleared")

            # Positions are in the editor's units (UTF-16 here): the emoji counts twice.
            wide = "src/shop/orders/wide.py"
            line = 'X = "\U0001f642"; from shop.payments.internal import Charge'
            editor.open(wide, f"{line}\n")
            await editor.until(lambda: editor.codes(wide) == ["ARC102"], "ARC102 on a line with an emoji")
            (found,) = editor.diagnostics[editor.uri(wide)]
            assert (found.range.start.character, found.range.end.character) == (10, len(line) + 1)
            suppress = pick(await code_actions(editor, wide, found), "Suppress ARC102")
            (insert,) = edits_of(suppress, editor.uri(wide))
            assert insert.range.start.character == len(line) + 1
        finally:
            await editor.stop()

    asyncio.run(scenario())


def test_without_pygls_the_command_says_what_to_install(tmp_path: Path) -> None:
    """A clear line and exit 2, not a traceback, when the optional dependency is missing."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pygls.py").write_text("raise ImportError('pygls is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(REPO)])}
    done = subprocess.run(
        [sys.executable, "-m", "arch_rules", "lsp"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "arch-rules: the language server needs pygls, an optional dependency: pip install 'arch-rules[lsp]'"
    )


def test_diagnostic_fields() -> None:
    """What each diagnostic carries, in-process: chain links as related information, severity, tags, docs."""
    from arch_rules.adapters.lsp import ArchRulesServer
    from arch_rules.model.findings import ChainLink, Finding

    server = ArchRulesServer()
    chain = (
        ChainLink("shop.domain.orders", "shop.util", "src/shop/domain/orders.py", 3),
        ChainLink("shop.util", "shop.web.views", "src/shop/util.py", 1),
    )
    finding = Finding("ARC201", "a chain", "src/shop/domain/orders.py", line=3, chain=chain, severity="warning")
    diagnostic = server.diagnostic(finding)
    assert diagnostic.code == "ARC201" and diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("#arc201-indirect-layer-violation")
    related = diagnostic.related_information or []
    assert [(r.location.uri.rsplit("/", 1)[-1], r.location.range.start.line, r.message) for r in related] == [
        ("orders.py", 2, "shop.domain.orders imports shop.util"),
        ("util.py", 0, "shop.util imports shop.web.views"),
    ]
    unused = server.diagnostic(Finding("ARC004", "an exception no import needs", "pyproject.toml", line=9))
    assert unused.tags == [types.DiagnosticTag.Unnecessary]
    assert unused.range.start.line == 8
