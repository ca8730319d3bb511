"""Files that break the pipeline's inputs in every way we know of never stop the server,
and a profile, fixture or config edit re-checks the webhooks that use it."""

from __future__ import annotations

import os

import pytest
from conftest import Session
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="session")

GOOD = """\
url: https://example.com/hook
profiles: [profiles/*.yaml]
headers:
  Content-Type: application/json
body: |
  {"hi": "{{${first_name} | json_escape}}"}
"""

HOSTILE = {
    "nul.webhook.yaml": "url: x\x00\n",
    "surrogate.webhook.yaml": "url: https://x.example\nbody: \"\ud800 {{ 'a\ud800' }}\"\n",
    "deep-yaml.webhook.yaml": "url: https://x\nbody: " + "[" * 5000 + "]" * 5000,
    "deep-liquid.webhook.yaml": "url: https://x.example\nbody: |\n  "
                                + "{% if true %}" * 3000 + "{% endif %}" * 3000 + "\n",
    "loop.webhook.yaml": "url: https://x.example\nbody: |\n"
                         "  {% for i in (1..100000000) %}x{% endfor %}\n",
    "list.webhook.yaml": "- 1\n",
    "empty.webhook.yaml": "",
    "broken.liquid": "{% if %}{{ | }}{% endfor",
}


async def test_hostile_files_do_not_stop_the_server(session: Session) -> None:
    session.write("profiles/user.yaml", "external_id: u1\nfirst_name: Ada\n")
    for name, text in HOSTILE.items():
        diagnostics = await session.open(name, text)
        assert diagnostics, name  # each is reported, none silently passes
    # a profile list naming a FIFO would block the check (and every later one) for good
    os.mkfifo(session.folder / "pipe.yaml")
    diagnostics = await session.open(
        "fifo.webhook.yaml", "url: https://x.example\nprofiles: [pipe.yaml]\nbody: hi\n")
    assert [d.message for d in diagnostics] == [
        f"{session.folder / 'pipe.yaml'}: not a regular file; the language server reads "
        "profiles and fixtures from files only"]
    # still serving: a good file is checked, and requests are answered
    assert await session.open("good.webhook.yaml", GOOD) == []
    hover = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri("good.webhook.yaml")),
        position=types.Position(line=5, character=12)))
    assert hover is not None and "Ada" in str(hover.contents)
    for name in HOSTILE:  # and hover over hostile text is answered too (with nothing)
        await session.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=session.uri(name)),
            position=types.Position(line=1, character=3)))


async def test_a_profile_edit_rechecks_the_webhooks_that_use_it(session: Session) -> None:
    session.write("profiles/user.yaml", "external_id: u1\nfirst_name: Ada\n")
    assert await session.open("good.webhook.yaml", GOOD) == []
    # the profile loses first_name in the editor: the webhook is checked against the
    # unsaved text, again when it is saved, and against the disk once it is closed
    webhook = session.uri("good.webhook.yaml")
    missing = [("missing-attribute",
                "${first_name} is not set for this profile: it renders blank [u1]")]
    await session.open("profiles/user.yaml")
    await session.change("profiles/user.yaml", "external_id: u1\n")
    assert [(d.code, d.message) for d in await session.diagnostics(webhook)] == missing
    session.write("profiles/user.yaml", "external_id: u1\n")
    session.client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri("profiles/user.yaml"))))
    assert [(d.code, d.message) for d in await session.diagnostics(webhook)] == missing
    session.close("profiles/user.yaml")
    assert [(d.code, d.message) for d in await session.diagnostics(webhook)] == missing
    # changed outside the editor (the client's file watcher): checked again too
    session.write("profiles/user.yaml", "external_id: u1\nfirst_name: Grace\n")
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=session.uri("profiles/user.yaml"),
                                 type=types.FileChangeType.Changed)]))
    assert await session.diagnostics(session.uri("good.webhook.yaml")) == []


async def test_a_config_edit_rechecks_open_webhooks(session: Session) -> None:
    session.write("profiles/user.yaml", "external_id: u1\n")
    diagnostics = await session.open("good.webhook.yaml", GOOD)
    assert [d.code for d in diagnostics] == ["missing-attribute"]
    session.write("pyproject.toml", '[tool.rokt-braze]\nignore = ["missing-attribute"]\n')
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=session.uri("pyproject.toml"),
                                 type=types.FileChangeType.Created)]))
    assert await session.diagnostics(session.uri("good.webhook.yaml")) == []
