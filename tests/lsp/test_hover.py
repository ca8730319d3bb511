"""Hover: rendered values per profile, the connected_content call, a rule's docs."""

from __future__ import annotations

import pytest
from conftest import ROOT, Session
from lsprotocol import types

from rokt_braze.profiles import sample_subscriber

pytestmark = pytest.mark.asyncio(loop_scope="session")

GREETING = """\
url: https://example.com/hook
body: |
  {"greeting": "Hello {{${first_name}}}"}
"""


async def hover(session: Session, name: str, text: str, needle: str, shift: int = 3) -> str:
    """The hover's markdown at `shift` characters into the first `needle` of `text`."""
    before = text[: text.index(needle) + shift]
    position = types.Position(line=before.count("\n"),
                              character=len(before) - before.rfind("\n") - 1)
    result = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri(name)), position=position))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_first_name_shows_the_sample_profiles_value(session: Session) -> None:
    await session.open("greet.webhook.yaml", GREETING)
    value = await hover(session, "greet.webhook.yaml", GREETING, "{{${first_name}}}")
    expected = sample_subscriber().data["first_name"]
    assert f"**sample-subscriber**\n```text\n{expected}\n```" in value


async def test_each_configured_profile_up_to_the_limit(session: Session) -> None:
    session.write("pyproject.toml", '[tool.rokt-braze]\nprofiles = ["people/*.yaml"]\n')
    for n, name in enumerate(["Ada", "Grace", "Edsger", "Barbara"]):
        session.write(f"people/{n}.yaml", f"external_id: user-{n}\nfirst_name: {name}\n")
    session.write("people/4.yaml", "external_id: user-4\n")
    await session.open("greet.webhook.yaml", GREETING)
    value = await hover(session, "greet.webhook.yaml", GREETING, "{{${first_name}}}")
    assert "**user-0**\n```text\nAda\n```" in value
    assert "**user-2**\n```text\nEdsger\n```" in value
    assert "user-3" not in value  # the first 3 profiles (--hover-limit)


async def test_a_loop_shows_each_value_and_an_error_is_shown(session: Session) -> None:
    text = ("url: https://example.com/hook\nbody: |\n"
            "  {% for i in (1..3) %}{{ i | times: 10 }},{% endfor %}\n")
    await session.open("loop.webhook.yaml", text)
    value = await hover(session, "loop.webhook.yaml", text, "{{ i |")
    assert "```text\n10\n```\n```text\n20\n```\n```text\n30\n```" in value
    text = text.replace(",{% endfor %}", ",{% endfor %}{{ 1 | divided_by: 0 }}")
    await session.change("loop.webhook.yaml", text)
    error = await hover(session, "loop.webhook.yaml", text, "{{ i |")
    assert "error: render-error divided_by: divided by 0 (line 3, column 65)" in error


async def test_connected_content_shows_the_call_with_credentials_redacted(
        session: Session) -> None:
    stock = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    await session.open("create.webhook.yaml", stock)
    value = await hover(session, "create.webhook.yaml", stock, "connected_content")
    assert "POST https://api.roktcalendar.com/oauth2/token" in value
    assert "answered by: fixture built-in fixtures" in value
    assert "Authorization: Basic ********" in value
    assert '"access_token": "********"' in value


async def test_a_rule_id_shows_its_docs_entry(session: Session) -> None:
    text = GREETING.replace("{{${first_name}}}",
                            "{{${first_name}}}{% # rokt-braze: disable=json-unescaped %}")
    await session.open("greet.webhook.yaml", text)
    value = await hover(session, "greet.webhook.yaml", text, "json-unescaped", shift=5)
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    entry = docs.split("## json-unescaped\n", 1)[1].split("\n## ", 1)[0].strip()
    assert value.startswith("**json-unescaped** (warning by default)")
    assert entry.splitlines()[0] in value


async def test_plain_text_has_no_hover(session: Session) -> None:
    await session.open("greet.webhook.yaml", GREETING)
    result = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri("greet.webhook.yaml")),
        position=types.Position(line=2, character=4)))
    assert result is None
