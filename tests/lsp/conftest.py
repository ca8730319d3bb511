"""A real LSP client (pytest-lsp) talking to `rokt-braze lsp` over stdio.

One server process serves the whole run (starting one costs more than most tests);
each test works in a folder of its own under the workspace, so its config and profiles
are its own (the server finds a file's config from the file's folder up), and closes
what it opened. `Session` wraps the client with the steps every test repeats (open,
change, wait for diagnostics).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest


def _needed(module: str) -> Any:
    """Skip without the dev extra's LSP packages locally; under CI=true (where .ci/run
    installs them) their absence fails the run instead of hiding the tests."""
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is required in CI (pip install -e '.[dev]')", pytrace=False)
        pytest.skip(f"{module} is not installed: pip install -e '.[dev]'",
                    allow_module_level=True)


_needed("pygls")
pytest_lsp = _needed("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
#: seconds a test waits for diagnostics at most (a check takes milliseconds)
WAIT = 20
SERVER = [sys.executable, "-m", "rokt_braze.cli", "lsp", "--debounce", "0.05"]


def make_client() -> LanguageClient:
    """pytest-lsp's client, keeping every diagnostics notification in a queue per
    document: waiting for a notification that came while nobody listened never hangs."""
    client = LanguageClient(converter_factory=default_converter)
    queues: dict[str, asyncio.Queue[types.PublishDiagnosticsParams]] = defaultdict(asyncio.Queue)

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        queues[params.uri].put_nowait(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish})
    client.published = queues  # type: ignore[attr-defined]
    return client


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client),
                    scope="session")
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
    ))
    yield
    await lsp_client.shutdown_session()


class Session:
    """Documents of one workspace folder, driven through the client."""

    def __init__(self, client: LanguageClient, folder: Path) -> None:
        self.client = client
        self.folder = folder
        self.versions: dict[str, int] = {}

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return path

    async def open(self, name: str, text: str | None = None) -> list[types.Diagnostic]:
        """Write the file (when text is given), open it, and wait for its diagnostics."""
        path = self.write(name, text) if text is not None else self.folder / name
        text = path.read_text(encoding="utf-8") if text is None else text
        uri = path.as_uri()
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=
            types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        return await self.diagnostics(uri, 1)

    async def change(self, name: str, text: str) -> list[types.Diagnostic]:
        """Replace the whole (unsaved) text and wait for the new diagnostics."""
        uri = self.uri(name)
        self.versions[uri] += 1
        version = self.versions[uri]
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return await self.diagnostics(uri, version)

    async def diagnostics(self, uri: str, version: int | None = None) -> list[types.Diagnostic]:
        """Wait for the diagnostics of `uri` (of `version`, when given); a test that
        waits in vain fails after WAIT seconds instead of hanging."""
        queue = self.client.published[uri]  # type: ignore[attr-defined]

        async def wait() -> list[types.Diagnostic]:
            while True:
                params = await queue.get()
                if version is None or params.version == version:
                    return list(params.diagnostics)

        return await asyncio.wait_for(wait(), WAIT)

    def close(self, name: str) -> None:
        """Close the document (unsaved edits are dropped, as an editor drops them)."""
        uri = self.uri(name)
        del self.versions[uri]
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    def uri(self, name: str) -> str:
        return (self.folder / name).as_uri()


@pytest.fixture()
def session(client: LanguageClient, workspace: Path,
            request: pytest.FixtureRequest) -> Iterator[Session]:
    folder = workspace / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir()
    session = Session(client, folder)
    yield session
    for uri in session.versions:
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))


def check_json(path: Path) -> list[dict[str, Any]]:
    """What `rokt-braze check --format json` reports for `path`, run in its folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROKT_BRAZE_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "rokt_braze.cli", "check", "--format", "json",
                           "--fail-on", "never", path.name], cwd=path.parent, env=env,
                          capture_output=True, text=True, check=True)
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings
