"""Completion: attributes from the profiles in use, filters, tags, Rokt body fields and
Windows time-zone ids."""

from __future__ import annotations

import pytest
from conftest import Session
from lsprotocol import types

from rokt_braze.targets.rokt.timezones import timezone_ids
from rokt_braze.windows_zones import iana_name

pytestmark = pytest.mark.asyncio(loop_scope="session")

ROKT = """\
url: https://api.roktcalendar.com/v1/subscriptionevent/{{custom_attribute.${rokt:account_code}}}
profiles: [people.yaml]
headers:
  Content-Type: application/json
body: |
  {"event": {"title": "{{custom_attribute.${tie} | json_escape}}", "timezone": "Eastern",
   "start": "{{ 'now' | date: '%Y' }}"}, "subscriptionIds": []}
"""
PEOPLE = """\
- external_id: u1
  custom_attributes: {favourite_team: Hawks, rokt:account_code: [acme/f5733866ade2]}
- external_id: u2
  custom_attributes: {season_ticket: true}
"""


async def complete(session: Session, name: str, text: str, after: str,
                   ) -> list[types.CompletionItem]:  # fmt: skip
    """Completions with the cursor just after the first `after` in `text`."""
    before = text[: text.index(after) + len(after)]
    result = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri(name)),
        position=types.Position(line=before.count("\n"),
                                character=len(before) - before.rfind("\n") - 1)))
    assert isinstance(result, list)
    return result


async def test_custom_attributes_of_the_profiles_in_use(session: Session) -> None:
    session.write("people.yaml", PEOPLE)
    await session.open("rokt.webhook.yaml", ROKT)
    items = await complete(session, "rokt.webhook.yaml", ROKT, "custom_attribute.${t")
    by_label = {i.label: i for i in items}
    assert set(by_label) == {"favourite_team", "rokt:account_code", "season_ticket"}
    assert by_label["favourite_team"].detail == "u1: 'Hawks'"
    assert by_label["season_ticket"].detail == "u2: True"
    edit = by_label["season_ticket"].text_edit
    assert isinstance(edit, types.TextEdit) and edit.new_text == "season_ticket"
    column = ROKT.splitlines()[5].index("${tie}") + 2  # the whole name is replaced
    assert (edit.range.start.character, edit.range.end.character) == (column, column + 3)
    text = ROKT.replace("custom_attribute.${tie}", "${fir")
    await session.change("rokt.webhook.yaml", text)
    standard = await complete(session, "rokt.webhook.yaml", text, "${fir")
    assert "first_name" in {i.label for i in standard}


async def test_filters_with_their_parameters_and_tags(session: Session) -> None:
    session.write("people.yaml", PEOPLE)
    await session.open("rokt.webhook.yaml", ROKT)
    filters = {i.label: i.detail for i in
               await complete(session, "rokt.webhook.yaml", ROKT, "'now' | ")}
    assert filters["json_escape"] == "json_escape"
    assert filters["replace"] == "replace: target, replacement?"
    assert "lstrip" not in filters  # Braze does not support it
    text = ROKT.replace("{{ 'now'", "{% con")
    await session.change("rokt.webhook.yaml", text)
    tags = {i.label: i.detail for i in await complete(session, "rokt.webhook.yaml", text,
                                                      "{% con")}
    assert tags["connected_content"] == "Braze tag" and tags["assign"] == "Liquid tag"
    assert "render" not in tags


async def test_rokt_body_fields_and_windows_time_zones(session: Session) -> None:
    session.write("people.yaml", PEOPLE)
    await session.open("rokt.webhook.yaml", ROKT)
    text = ROKT.replace('"start"', '"st')
    await session.change("rokt.webhook.yaml", text)
    fields = {i.label: i.detail for i in await complete(session, "rokt.webhook.yaml", text,
                                                        '"st')}
    assert fields["notifyBefore"] == "required, in event"
    assert fields["subscriptionIds"] == "required, top level"
    await session.change("rokt.webhook.yaml", ROKT)
    zones = await complete(session, "rokt.webhook.yaml", ROKT, '"timezone": "Eastern')
    assert [i.label for i in zones] == list(timezone_ids())
    eastern = next(i for i in zones if i.label == "Eastern Standard Time")
    assert eastern.detail == iana_name("Eastern Standard Time") == "America/New_York"
    assert isinstance(eastern.text_edit, types.TextEdit)
    assert eastern.text_edit.range.end.character - eastern.text_edit.range.start.character \
        == len("Eastern")


async def test_a_generic_webhook_gets_no_rokt_fields(session: Session) -> None:
    text = 'url: https://example.com/hook\nbody: |\n  {"ti'
    await session.open("plain.webhook.yaml", text)
    assert await complete(session, "plain.webhook.yaml", text, '{"ti') == []
