"""Create / update / delete over HTTP: auth, routing, storage and persistence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from rokt_braze.fakes.rokt import FakeRokt, ManualClock, running_fake_rokt
from rokt_braze.secrets import REDACTED

from .helpers import (
    ACCOUNT,
    CLIENT_ID,
    SECRET,
    SUB_A,
    SUB_B,
    create_body,
    feed,
    get_token,
    post_event,
)


def delete_event(
    fake: FakeRokt, token: str, event_id: str, account: str = ACCOUNT
) -> requests.Response:
    return requests.delete(
        f"{fake.base_url}/v1/subscriptionevent/{account}/{event_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def test_health(fake: FakeRokt) -> None:
    reply = requests.get(f"{fake.base_url}/health", timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_create_is_202_with_empty_body_and_stores_the_event(fake: FakeRokt, token: str) -> None:
    reply = post_event(fake, token, create_body())
    assert reply.status_code == 202
    assert reply.content == b""
    [event] = fake.events(ACCOUNT)
    assert event.event_id == "launch-1"
    assert event.title == "Summer Sale"
    assert event.description == "Everything must go"
    assert event.start == "2030-07-01T09:30:00"
    assert event.end == "2030-07-01T10:45:00"
    assert event.timezone == "Eastern Standard Time"
    assert event.notify_before == 30
    assert event.subscription_ids == (SUB_A,)
    assert event.sequence == 0


def test_create_records_the_request(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body())
    recorded = [r for r in fake.requests if r.path.startswith("/v1/")]
    assert len(recorded) == 1
    assert recorded[0].method == "POST"
    assert recorded[0].path == f"/v1/subscriptionevent/{ACCOUNT}"
    assert recorded[0].status == 202
    assert recorded[0].json()["event"]["eventId"] == "launch-1"
    assert recorded[0].header("authorization") == f"Bearer {REDACTED}"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {SECRET}"}],
    ids=["missing", "unknown", "basic-instead-of-bearer"],
)
def test_event_calls_need_a_live_bearer_token(fake: FakeRokt, headers: dict[str, str]) -> None:
    base = f"{fake.base_url}/v1/subscriptionevent/{ACCOUNT}"
    body = json.dumps(create_body())
    for reply in (
        requests.post(base, data=body, headers=headers, timeout=5),
        requests.post(f"{base}/update", data=body, headers=headers, timeout=5),
        requests.delete(f"{base}/launch-1", headers=headers, timeout=5),
    ):
        assert reply.status_code == 401
        assert reply.json()["Code"] == "Unauthorized"
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert fake.events(ACCOUNT) == []


def test_unknown_account_is_404_json(fake: FakeRokt, token: str) -> None:
    for reply in (
        post_event(fake, token, create_body(), account="other"),
        post_event(fake, token, create_body(), account="other", update=True),
        delete_event(fake, token, "launch-1", account="other"),
    ):
        assert reply.status_code == 404
        assert reply.json()["Code"] == "NotFound"
        assert "other" in reply.json()["Reason"]


def test_any_account_is_accepted_when_none_are_configured() -> None:
    with running_fake_rokt(clients={CLIENT_ID: SECRET}) as fake:
        token = get_token(fake)
        assert post_event(fake, token, create_body(), account="whoever").status_code == 202
        assert [e.event_id for e in fake.events("whoever")] == ["launch-1"]


def test_empty_account_segment_is_404(fake: FakeRokt, token: str) -> None:
    """What the stock template renders when rokt:account_code is missing."""
    reply = requests.post(
        f"{fake.base_url}/v1/subscriptionevent/",
        data=json.dumps(create_body()),
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert reply.status_code == 404
    assert set(reply.json()) == {"Code", "Reason"}


def test_wrong_method_is_405_with_allow(fake: FakeRokt, token: str) -> None:
    reply = requests.get(f"{fake.base_url}/v1/subscriptionevent/{ACCOUNT}", timeout=5)
    assert reply.status_code == 405
    assert reply.headers["Allow"] == "POST"


def test_update_replaces_the_fields_and_keeps_subscriptions(fake: FakeRokt, token: str) -> None:
    assert post_event(fake, token, create_body()).status_code == 202
    update = {"event": create_body(title="Winter Sale", notifyBefore=None, location=None)["event"]}
    assert post_event(fake, token, update, update=True).status_code == 202
    [event] = fake.events(ACCOUNT)
    assert event.title == "Winter Sale"
    assert event.notify_before is None
    assert event.location is None
    assert event.subscription_ids == (SUB_A,)
    assert event.sequence == 1
    assert "SUMMARY:Winter Sale" in feed(fake).text


def test_update_accepts_the_flat_legacy_body(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body())
    flat = create_body(title="Flat Title")["event"]
    assert post_event(fake, token, flat, update=True).status_code == 202
    assert fake.events(ACCOUNT)[0].title == "Flat Title"


def test_update_of_unknown_event_is_404(fake: FakeRokt, token: str) -> None:
    reply = post_event(fake, token, {"event": create_body()["event"]}, update=True)
    assert reply.status_code == 404
    assert reply.json()["Code"] == "NotFound"
    assert fake.events(ACCOUNT) == []


def test_create_again_with_the_same_id_adds_subscriptions(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body())
    second = create_body(title="Renamed")
    second["subscriptionIds"] = [SUB_B.upper()]
    assert post_event(fake, token, second).status_code == 202
    [event] = fake.events(ACCOUNT)
    assert event.title == "Renamed"
    assert event.subscription_ids == (SUB_A, SUB_B)  # stored lower-case, sorted
    assert "SUMMARY:Renamed" in feed(fake, SUB_B).text


def test_delete_removes_the_event(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body())
    post_event(fake, token, create_body(eventId="keep-me"))
    reply = delete_event(fake, token, "launch-1")
    assert reply.status_code == 202
    assert reply.content == b""
    assert [e.event_id for e in fake.events(ACCOUNT)] == ["keep-me"]
    text = feed(fake).text
    assert "UID:launch-1" not in text
    assert "UID:keep-me" in text


def test_delete_of_unknown_event_is_404(fake: FakeRokt, token: str) -> None:
    reply = delete_event(fake, token, "never-created")
    assert reply.status_code == 404
    assert reply.json()["Code"] == "NotFound"


def remove_event(
    fake: FakeRokt, token: str, subscription_id: str, event_id: str, account: str = ACCOUNT
) -> requests.Response:
    return requests.delete(
        f"{fake.base_url}/v2/subscription/{account}/{subscription_id}/subscriptionevent/"
        f"{event_id}", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_the_v2_delete_takes_the_event_off_one_subscription(fake: FakeRokt, token: str) -> None:
    body = create_body()
    body["subscriptionIds"] = [SUB_A, SUB_B]
    assert post_event(fake, token, body).status_code == 202
    reply = remove_event(fake, token, SUB_B.upper(), "launch-1")  # GUIDs in any case
    assert (reply.status_code, reply.content) == (202, b"")
    [event] = fake.events(ACCOUNT)
    assert event.subscription_ids == (SUB_A,)
    assert "UID:launch-1" in feed(fake, SUB_A).text
    assert "UID:launch-1" not in feed(fake, SUB_B).text
    again = remove_event(fake, token, SUB_B, "launch-1")  # no longer held there
    assert again.status_code == 404 and again.json()["Code"] == "NotFound"


def test_the_v2_delete_needs_the_token(fake: FakeRokt) -> None:
    assert remove_event(fake, "not-a-token", SUB_A, "launch-1").status_code == 401


def test_event_id_with_reserved_characters_round_trips(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(eventId="Event 1/x"))
    assert delete_event(fake, token, "Event%201%2Fx").status_code == 202
    assert fake.events(ACCOUNT) == []


def test_state_survives_a_restart_on_the_same_db_file(tmp_path: Path) -> None:
    db = tmp_path / "rokt.sqlite"
    clock = ManualClock()
    config = {"clients": {CLIENT_ID: SECRET}, "accounts": [ACCOUNT], "clock": clock, "db": db}
    with running_fake_rokt(**config) as first:
        token = get_token(first)
        assert post_event(first, token, create_body()).status_code == 202
    with running_fake_rokt(**config) as second:
        [event] = second.events(ACCOUNT)
        assert event.title == "Summer Sale"
        assert event.subscription_ids == (SUB_A,)
        assert "UID:launch-1" in feed(second).text
        # tokens are kept too (hashed), so a client mid-flight is not logged out
        assert delete_event(second, token, "launch-1").status_code == 202
    with running_fake_rokt(**config) as third:
        assert third.events(ACCOUNT) == []


def test_in_memory_state_is_per_server() -> None:
    with running_fake_rokt(clients={CLIENT_ID: SECRET}) as first:
        post_event(first, get_token(first), create_body(), account=ACCOUNT)
        assert len(first.events(ACCOUNT)) == 1
    with running_fake_rokt(clients={CLIENT_ID: SECRET}) as second:
        assert second.events(ACCOUNT) == []


def test_a_file_that_is_not_a_database_is_an_input_error(tmp_path: Path) -> None:
    from rokt_braze.errors import InputError

    bad = tmp_path / "not-a-db.sqlite"
    bad.write_text("hello, this is text and not SQLite\n" * 10)
    with pytest.raises(InputError) as caught:
        FakeRokt(db=bad)
    assert caught.value.path == str(bad)


def test_stop_is_idempotent_and_frees_the_port() -> None:
    fake = FakeRokt(clients={CLIENT_ID: SECRET}).start()
    url = fake.base_url
    fake.stop()
    fake.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/health", timeout=5)
