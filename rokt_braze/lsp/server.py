"""The language server: pygls wiring, scheduling and nothing else.

Checks run in one worker thread, never on the event loop, so a keystroke is read while
a check runs. A change waits `debounce` seconds for the next one; a newer change cancels
a check that has not started, and the result of one that was overtaken is dropped, so
only the latest text's diagnostics are published. Hover, completion and code actions run
in the same worker (the pipeline's caches are not shared between threads). Anything a
check raises becomes a diagnostic and a log line: a broken file never stops the server.
Every check reads the open documents' text (`sources`), so a change to a profile or
fixture file re-checks, after the same debounce, the open webhooks that read it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from rokt_braze import __version__
from rokt_braze.lsp.actions import FIX_ALL, code_actions
from rokt_braze.lsp.checking import Checked, Problem, Sources, TransportFor, check_text
from rokt_braze.lsp.completion import complete, to_lsp
from rokt_braze.lsp.diagnostics import to_diagnostics
from rokt_braze.lsp.hover import hover_markdown
from rokt_braze.lsp.text import Text

__all__ = ["Options", "RoktBrazeServer", "build_server"]

log = logging.getLogger(__name__)
T = TypeVar("T")
CONFIG_NAMES = ("pyproject.toml", ".rokt-braze.toml")


@dataclass
class Options:
    #: seconds a change waits for the next before it is checked
    debounce: float = 0.3
    #: the connected_content transport per config (None: offline fixtures)
    transport_for: TransportFor | None = None
    #: profiles a hover shows, at most
    hover_profiles: int = 3


class RoktBrazeServer(LanguageServer):
    def __init__(self, options: Options) -> None:
        super().__init__("rokt-braze", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.options = options
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="rokt-braze-check")
        #: uri -> the check in flight or waiting for its debounce
        self.pending: dict[str, asyncio.Task[None]] = {}
        #: uri -> the latest check published (hover, actions and re-checks read it)
        self.checked: dict[str, Checked] = {}

    # -- running work off the event loop ---------------------------------------------------

    async def in_worker(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds, replacing any check of it not yet done."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check(uri, delay))

    async def _check(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            document = self.workspace.get_text_document(uri)
            text, version = document.source, document.version
            path = path_of(uri)
            try:
                checked = await self.in_worker(check_text, path, text, self.sources())
            except Exception as err:  # a bug: say so where the user looks, keep serving
                log.error("checking %s failed:\n%s", path, traceback.format_exc())
                checked = Checked(path, problems=[Problem(
                    f"rokt-braze could not check this file: internal error: "
                    f"{type(err).__name__}: {err} (please report it)")])
            if self.workspace.get_text_document(uri).version != version:
                return  # overtaken by a newer change, whose check publishes
            checked.version = version
            self.checked[uri] = checked
            codec = document.position_codec
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version,
                diagnostics=to_diagnostics(checked, Text(text, codec))))
        except asyncio.CancelledError:
            raise
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def sources(self) -> Sources:
        """The check's inputs as the editor holds them now: every open document's text
        (a profile or fixture file edited and not saved is read from here)."""
        unsaved = {os.path.abspath(path_of(uri)): document.source
                   for uri, document in self.workspace.text_documents.items()}
        return Sources(self.options.transport_for, unsaved)

    def recheck_users_of(self, path: str, delay: float = 0, *, saved: bool = True) -> None:
        """Re-check the open webhooks that read `path` (a profile, fixture or config
        file); when it was saved, every open webhook if it is a config file none has read
        yet (the config is read from disk, so an unsaved one changes nothing)."""
        path = os.path.abspath(path)
        config = saved and os.path.basename(path) in CONFIG_NAMES
        for uri, checked in list(self.checked.items()):
            if uri in self.workspace.text_documents and (
                    path in checked.depends_on or config):
                self.schedule(uri, delay)


def path_of(uri: str) -> str:
    return to_fs_path(uri) or uri


def build_server(options: Options) -> RoktBrazeServer:
    server = RoktBrazeServer(options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RoktBrazeServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RoktBrazeServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.schedule(uri, ls.options.debounce)
        ls.recheck_users_of(path_of(uri), ls.options.debounce, saved=False)  # a profile

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: RoktBrazeServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.checked or uri in ls.pending:
            ls.schedule(uri, 0)
        ls.recheck_users_of(path_of(uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RoktBrazeServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.checked.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.recheck_users_of(path_of(uri), saved=False)  # edits not saved are dropped

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    async def code_action(ls: RoktBrazeServer, params: types.CodeActionParams,
                          ) -> list[types.CodeAction]:  # fmt: skip
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        checked = ls.checked.get(uri)
        if checked is None or checked.version != document.version:
            return []  # the findings' places are of another text: wait for its check
        text = Text(document.source, document.position_codec)
        first = text.line_column(text.offset(params.range.start))[0]
        last = text.line_column(text.offset(params.range.end))[0]
        return await ls.in_worker(code_actions, checked, text, uri, first, last,
                                  params.context.only)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: RoktBrazeServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        text = Text(document.source, document.position_codec)
        markdown = await ls.in_worker(hover_markdown, path_of(document.uri), document.source,
                                      text.offset(params.position),
                                      ls.options.hover_profiles, ls.sources())
        if markdown is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=markdown))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(
        trigger_characters=["{", "|", " ", '"', "."]))
    async def completion(ls: RoktBrazeServer, params: types.CompletionParams,
                         ) -> list[types.CompletionItem]:  # fmt: skip
        document = ls.workspace.get_text_document(params.text_document.uri)
        text = Text(document.source, document.position_codec)
        offset = text.offset(params.position)
        items = await ls.in_worker(complete, path_of(document.uri), document.source, offset,
                                   ls.sources())
        return to_lsp(items, text, offset)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: RoktBrazeServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.recheck_users_of(path_of(change.uri))

    return server
