"""The stock Rokt Calendar webhooks render as Braze renders them.

Expected bytes are built from Braze's Rokt Calendar page, not from the renderer: its URL
templates with `accountCode` = the part of the first `rokt:account_code` before `/` (empty when
the attribute is missing, or a plain string, since `'string'[0]` is nil in Ruby Liquid);
the header `Bearer <access_token>`; its bodies, whose eight capture lines and the
blank line after them leave nine newlines before `{`; `eventId` = `Event_0001_<user id>`;
`subscriptionIds` = the ids joined by `","` inside `["..."]` (`[""]` when missing, the
string itself when it is a plain string: `join` on a string returns it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from stock_bodies import create_body, update_body

import rokt_braze
from rokt_braze.braze import MessageState, Resources, parse_template
from rokt_braze.profiles import to_profile

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CREATE = TEMPLATES / "rokt-create-event.webhook.yaml"
UPDATE = TEMPLATES / "rokt-update-event.webhook.yaml"

TOKEN_URL = "https://api.roktcalendar.com/oauth2/token"
TOKEN = "tok-7f3a9c"
FIXTURES = [{"url": TOKEN_URL, "method": "POST", "status": 200,
             "json": {"access_token": TOKEN, "token_type": "bearer", "expires_in": 300}}]

ID1 = "06423672-b6ba-4536-aa36-70788a7a0a36"
ID2 = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
TWO = {
    "external_id": "user-42",
    "custom_attributes": {
        "rokt:account_code": ["brazetest/f5733866ade2", "brazetest/ff10919f1078"],
        "rokt:subscription_id": [ID1, ID2],
    },
}
NONE = {"external_id": "user-43"}
PLAIN = {
    "external_id": "user-44",
    "custom_attributes": {
        "rokt:account_code": "brazetest/f5733866ade2",
        "rokt:subscription_id": ID1,
    },
}

BASE = "https://api.roktcalendar.com/v1/subscriptionevent/"
CASES = {  # profile, account code segment, joined subscription ids
    "two subscriptions": (TWO, "brazetest", f'{ID1}","{ID2}'),
    "no subscriptions": (NONE, "", ""),
    "plain strings": (PLAIN, "", ID1),
}


def fields(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case", CASES)
def test_create_webhook(case: str) -> None:
    profile, code, ids = CASES[case]
    user = str(profile["external_id"])
    request = rokt_braze.render_webhook(CREATE, profile, FIXTURES)
    assert request.method == "POST"
    assert request.url == BASE + code
    assert request.headers == {"Authorization": f"Bearer {TOKEN}",
                               "Content-Type": "application/json"}
    assert request.body == create_body(user, ids)


@pytest.mark.parametrize("case", CASES)
def test_update_webhook(case: str) -> None:
    profile, code, _ = CASES[case]
    request = rokt_braze.render_webhook(UPDATE, profile, FIXTURES)
    assert request.url == BASE + code + "/update"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.body == update_body(str(profile["external_id"]))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", [CREATE, UPDATE], ids=["create", "update"])
def test_fields_through_render_liquid(case: str, path: Path) -> None:
    """Each field's text alone renders the same bytes (URL: the assign outputs nothing)."""
    profile, code, ids = CASES[case]
    user = str(profile["external_id"])
    webhook = fields(path)
    suffix = "/update" if path == UPDATE else ""
    body = update_body(user) if path == UPDATE else create_body(user, ids)
    assert rokt_braze.render_liquid(webhook["url"], profile, FIXTURES) == BASE + code + suffix
    header = webhook["headers"]["Authorization"]
    assert rokt_braze.render_liquid(header, profile, FIXTURES) == f"Bearer {TOKEN}"
    assert rokt_braze.render_liquid(webhook["body"], profile, FIXTURES) == body


def test_two_subscription_body_is_json_with_both_ids() -> None:
    body = rokt_braze.render_webhook(CREATE, TWO, FIXTURES).body
    assert body.startswith("\n" * 9 + "{") and not body.startswith("\n" * 10)
    data = json.loads(body)
    assert data["subscriptionIds"] == [ID1, ID2]
    assert data["event"]["eventId"] == "Event_0001_user-42"
    assert data["event"]["notifyBefore"] == "15"  # a JSON string, as the page writes it


def test_missing_ids_give_one_empty_string() -> None:
    assert json.loads(rokt_braze.render_webhook(CREATE, NONE, FIXTURES).body)[
        "subscriptionIds"] == [""]


def test_authorization_field_makes_the_token_call_braze_makes(
    recorder: Any,
) -> None:
    """POST grant_type=client_credentials, form-encoded, Basic auth by credential name."""
    transport = recorder(FIXTURES)
    header = fields(CREATE)["headers"]["Authorization"]
    state = MessageState(Resources(transport=transport))
    out = parse_template(header).render(to_profile(TWO).namespaces(), state)
    assert out.text == f"Bearer {TOKEN}"
    [request] = transport.requests
    assert (request.method, request.url) == ("POST", TOKEN_URL)
    assert request.body == "grant_type=client_credentials"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.basic_auth == "Rokt-Calendar-API"


def test_token_is_fetched_for_every_message(recorder: Any) -> None:
    """A POST is not cached (Braze caches GET calls only): two messages, two token calls."""
    transport = recorder(FIXTURES)
    header = parse_template(fields(CREATE)["headers"]["Authorization"])
    namespaces = to_profile(TWO).namespaces()
    for _ in range(2):
        header.render(namespaces, MessageState(Resources(transport=transport)))
    assert len(transport.requests) == 2


def test_token_call_failing_five_retries_aborts_the_message() -> None:
    failing = [{**FIXTURES[0], "status": 500, "json": {"error": "down"}}]
    with pytest.raises(rokt_braze.MessageAborted) as info:
        rokt_braze.render_webhook(CREATE, TWO, failing)
    assert "retr" in info.value.reason
    assert info.value.field == "header:Authorization"
