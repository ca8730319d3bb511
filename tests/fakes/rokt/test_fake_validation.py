"""Bodies the Rokt API refuses get 400 with Rokt's Error Model; the Braze body is fine.

The fake uses the project's validator (rokt_braze.targets); `Code` is the rule id.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from rokt_braze.fakes.rokt import FakeRokt

from .helpers import ACCOUNT, STOCK_CREATE_BODY, SUB_A, create_body, feed, post_event


def with_ids(ids: Any) -> dict[str, Any]:
    body = create_body()
    body["subscriptionIds"] = ids
    return body


BAD_CREATE_BODIES: list[tuple[str, dict[str, Any] | str, str]] = [
    ("missing-eventId", create_body(eventId=None), "rokt-required-field"),
    ("empty-eventId", create_body(eventId=""), "rokt-required-field"),
    ("missing-title", create_body(title=None), "rokt-required-field"),
    ("missing-start", create_body(start=None), "rokt-required-field"),
    ("missing-timezone", create_body(timezone=None), "rokt-required-field"),
    ("iana-timezone", create_body(timezone="America/New_York"), "rokt-timezone"),
    ("abbreviation-timezone", create_body(timezone="EST"), "rokt-timezone"),
    ("slashed-date", create_body(start="2019/02/21 15:00"), "rokt-datetime"),
    ("impossible-date", create_body(start="2019-02-30T15:00:00"), "rokt-datetime"),
    ("impossible-date-only", create_body(start="2030-13-01"), "rokt-datetime"),
    ("end-before-start", create_body(end="2030-06-01T00:00:00"), "rokt-event-order"),
    ("word-notify-before", create_body(notifyBefore="soon"), "rokt-notify-before"),
    ("negative-notify-before", create_body(notifyBefore=-5), "rokt-notify-before"),
    ("number-description", create_body(description=5), "rokt-field-type"),
    ("string-all-day", create_body(allDayEvent="yes"), "rokt-field-type"),
    ("non-guid-subscription", with_ids(["not-a-guid"]), "rokt-subscription-ids"),
    ("empty-string-subscription", with_ids([""]), "rokt-subscription-ids"),
    ("no-subscriptions", with_ids([]), "rokt-subscription-ids"),
    ("missing-subscriptions", {"event": create_body()["event"]}, "rokt-required-field"),
    ("not-json", '{"event": {"eventId": "x",', "body-json-invalid"),
    ("not-an-object", "[1, 2]", "body-json-invalid"),
]


@pytest.mark.parametrize(
    ("body", "code"),
    [(body, code) for _, body, code in BAD_CREATE_BODIES],
    ids=[name for name, _, _ in BAD_CREATE_BODIES],
)
def test_bad_create_body_is_400_with_code_and_reason(
    fake: FakeRokt, token: str, body: dict[str, Any] | str, code: str
) -> None:
    reply = post_event(fake, token, body)
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    error = reply.json()
    assert set(error) == {"Code", "Reason"}
    assert error["Code"] == code
    assert error["Reason"]
    assert fake.events(ACCOUNT) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"event": create_body(title=None)["event"]}, "rokt-required-field"),
        (create_body(timezone="Eastern")["event"], "rokt-timezone"),  # flat legacy shape
        ("not json at all", "body-json-invalid"),
    ],
    ids=["wrapped-missing-title", "flat-bad-timezone", "not-json"],
)
def test_bad_update_body_is_400(fake: FakeRokt, token: str, body: Any, code: str) -> None:
    assert post_event(fake, token, create_body()).status_code == 202
    reply = post_event(fake, token, body, update=True)
    assert reply.status_code == 400, reply.text
    assert reply.json()["Code"] == code
    assert fake.events(ACCOUNT)[0].title == "Summer Sale"  # unchanged


def test_stock_braze_template_body_is_accepted(fake: FakeRokt, token: str) -> None:
    """Nine leading newlines and notifyBefore as the string "15" are fine for Rokt."""
    reply = post_event(fake, token, STOCK_CREATE_BODY)
    assert reply.status_code == 202, reply.text
    [event] = fake.events(ACCOUNT)
    assert event.event_id == "Event_0001_user-1"
    assert event.notify_before == 15
    assert "TRIGGER:-PT15M" in feed(fake, SUB_A).text


def test_braze_only_fields_are_not_required_by_rokt(fake: FakeRokt, token: str) -> None:
    """end and notifyBefore are Braze-template requirements (rokt-template-field), not Rokt's."""
    reply = post_event(fake, token, create_body(end=None, notifyBefore=None))
    assert reply.status_code == 202, reply.text
    [event] = fake.events(ACCOUNT)
    assert event.end is None
    assert event.notify_before is None


def test_stock_update_body_is_accepted(fake: FakeRokt, token: str) -> None:
    assert post_event(fake, token, STOCK_CREATE_BODY).status_code == 202
    update = json.loads(STOCK_CREATE_BODY)
    del update["subscriptionIds"]
    update["event"]["title"] = "New Title"
    body = "\n" * 9 + json.dumps(update, indent=2)
    assert post_event(fake, token, body, update=True).status_code == 202
    assert fake.events(ACCOUNT)[0].title == "New Title"


def test_empty_braze_captures_are_stored_as_absent(fake: FakeRokt, token: str) -> None:
    """An empty end/notifyBefore is a Braze-template problem, not a Rokt error."""
    reply = post_event(fake, token, create_body(end="", notifyBefore=""))
    assert reply.status_code == 202, reply.text
    [event] = fake.events(ACCOUNT)
    assert event.end is None
    assert event.notify_before is None


def test_warnings_do_not_reject(fake: FakeRokt, token: str) -> None:
    """A case-only timezone mismatch and a `Z` on start are warnings for the validator."""
    body = create_body(timezone="eastern standard time", start="2030-07-01T09:30:00Z")
    assert post_event(fake, token, body).status_code == 202
    text = feed(fake, SUB_A).text
    assert "DTSTART;TZID=America/New_York:20300701T093000" in text  # wall clock, Z ignored
