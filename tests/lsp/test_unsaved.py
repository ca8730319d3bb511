"""A profile file edited in the editor and not saved: the webhooks that read it are checked,
and hovered, against the editor's text; closing it without saving goes back to the disk."""

from __future__ import annotations

import pytest
from conftest import Session
from lsprotocol import types
from test_hover import hover

pytestmark = pytest.mark.asyncio(loop_scope="session")

WEBHOOK = """\
url: https://example.com/hook
profiles: [people.EXT]
headers:
  Content-Type: application/json
body: |
  {"hi": "{{${first_name} | json_escape}}"}
"""
#: the same users in each format: (on disk, edited in the editor)
PROFILES = {
    "yaml": ("external_id: u1\nfirst_name: Ada\n", "external_id: u1\nfirst_name: Grace\n"
             "---\nexternal_id: u2\n"),
    "json": ('{"external_id": "u1", "first_name": "Ada"}',
             '[{"external_id": "u1", "first_name": "Grace"}, {"external_id": "u2"}]'),
    "jsonl": ('{"external_id": "u1", "first_name": "Ada"}\n',
              '{"external_id": "u1", "first_name": "Grace"}\n{"external_id": "u2"}\n'),
}


@pytest.mark.parametrize("ext", list(PROFILES))
async def test_the_unsaved_profile_is_the_one_checked(session: Session, ext: str) -> None:
    disk, edited = PROFILES[ext]
    profile = f"people.{ext}"
    session.write(profile, disk)
    text = WEBHOOK.replace("EXT", ext)
    webhook = session.uri("hi.webhook.yaml")
    assert await session.open("hi.webhook.yaml", text) == []
    await session.open(profile)
    await session.change(profile, edited)
    diagnostics = await session.diagnostics(webhook)
    assert [(d.code, d.message) for d in diagnostics] == [
        ("missing-attribute", "${first_name} is not set for this profile: it renders blank "
                              "[u2]")]
    shown = await hover(session, "hi.webhook.yaml", text, "{{${first_name}")
    assert "**u1**\n```text\nGrace\n```" in shown and "Ada" not in shown
    assert (session.folder / profile).read_text(encoding="utf-8") == disk  # nothing saved
    session.close(profile)  # the edits are dropped: the disk's profile again
    assert await session.diagnostics(webhook) == []


async def test_a_broken_unsaved_profile_is_reported_at_its_place(session: Session) -> None:
    session.write("people.yaml", "external_id: u1\nfirst_name: Ada\n")
    webhook = session.uri("hi.webhook.yaml")
    assert await session.open("hi.webhook.yaml", WEBHOOK.replace("EXT", "yaml")) == []
    await session.open("people.yaml")
    await session.change("people.yaml", "external_id: u1\nfirst_name: [Ada\n")
    [problem] = await session.diagnostics(webhook)
    assert problem.severity == types.DiagnosticSeverity.Error
    assert str(session.folder / "people.yaml") + ":3:1: invalid YAML" in problem.message
    await session.change("people.yaml", "external_id: u1\nfirst_name: Ada\n")
    assert await session.diagnostics(webhook) == []


async def test_an_unsaved_fixture_file_is_the_one_used(session: Session) -> None:
    session.write("pyproject.toml", '[tool.rokt-braze]\nfixtures = ["calls.yaml"]\n')
    answered = ("connected_content:\n  - url: https://api.example.com/name\n"
                "    json: {name: Ada}\n")
    session.write("calls.yaml", answered)
    text = ("url: https://example.com/hook\nbody: |\n"
            "  {% connected_content https://api.example.com/name :save r %}{{r.name}}\n")
    webhook = session.uri("call.webhook.yaml")
    assert await session.open("call.webhook.yaml", text) == []
    await session.open("calls.yaml")
    await session.change("calls.yaml", answered.replace("/name", "/other"))
    assert [d.code for d in await session.diagnostics(webhook)] == [
        "connected-content-unmatched"]
    await session.change("calls.yaml", answered)
    assert await session.diagnostics(webhook) == []
