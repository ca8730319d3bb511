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


BLOCKS = """\
url: https://example.com/hook
body: |
  {% if ${first_name} == 'Ada' %}A{% elsif ${first_name} %}B{% else %}C{% endif %}
  {% for i in (1..custom_attribute.${n}) %}{% if i > 1 %}x{% endif %}{% else %}-{% endfor %}
  {% case ${first_name} %}{% when 'Ada' %}a{% when 'Bo' %}b{% endcase %}
  {% if false %}{% for j in (1..2) %}{% endfor %}{% endif %}
"""
PEOPLE = ("- {external_id: u1, first_name: Ada, custom_attributes: {n: 3}}\n"
          "- {external_id: u2, first_name: Bo, custom_attributes: {n: 0}}\n"
          "- {external_id: u3}\n")


async def test_a_block_tag_shows_the_branch_each_profile_took(session: Session) -> None:
    session.write("pyproject.toml", '[tool.rokt-braze]\nprofiles = ["people.yaml"]\n')
    session.write("people.yaml", PEOPLE)
    name = "blocks.webhook.yaml"
    await session.open(name, BLOCKS)

    async def shown(needle: str) -> list[str]:
        value = await hover(session, name, BLOCKS, needle)
        return [line for line in value.split("\n") if line]

    branches = ["`{% if ${first_name} == 'Ada' %}` for each profile:",
                "**u1**", "took `{% if ${first_name} == 'Ada' %}`",
                "**u2**", "took `{% elsif ${first_name} %}`",
                "**u3**", "took `{% else %}`"]
    assert await shown("{% if ${first_name}") == branches
    assert await shown("{% else %}C") == branches  # any tag of the block
    assert await shown("{% endif %}\n  {% for i") == branches
    assert await shown("{% for i") == [
        "`{% for i in (1..custom_attribute.${n}) %}` for each profile:",
        "**u1**", "ran its body 3 times",
        "**u2**", "did not run its body; the `else` ran once (nothing to loop over)",
        "**u3**", "did not run its body; the `else` ran once (nothing to loop over)"]
    assert (await shown("{% if i > 1"))[1:] == [
        "**u1**", "took `{% if i > 1 %}` 2 times; took no branch once",
        "**u2**", "not reached (a branch not taken)",
        "**u3**", "not reached (a branch not taken)"]
    assert (await shown("{% endcase"))[1:] == [
        "**u1**", "took `{% when 'Ada' %}`", "**u2**", "took `{% when 'Bo' %}`",
        "**u3**", "took no branch"]
    assert (await shown("{% for j"))[2] == "not reached (a branch not taken)"


async def test_endcapture_shows_the_captured_value(session: Session) -> None:
    text = ("url: https://example.com/hook\nbody: |\n"
            "  {% capture c %}{% for i in (1..3) %}{{ i }}{% endfor %}{% endcapture %}{{ c }}\n")
    await session.open("cap.webhook.yaml", text)
    value = await hover(session, "cap.webhook.yaml", text, "{% endcapture")
    assert value.startswith("`{% capture c %}` sets c to:")
    assert "```text\n123\n```" in value
