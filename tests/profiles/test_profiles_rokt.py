"""The one generator of what Rokt writes into Braze (`profiles.rokt`): its objects, applied
the way Braze applies them, give the attributes the sample profile and the fuzzer use."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from rokt_braze.profiles.rokt import (
    ALIAS_LABEL,
    ROKT_ATTRIBUTES,
    AccountSettings,
    Subscription,
    custom_attributes,
    subscribe_objects,
    unsubscribe_object,
)
from rokt_braze.profiles.sample import SUBSCRIPTIONS, sample_data
from rokt_braze.profiles.track import users_from_track

WHEN = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
FIRST = SUBSCRIPTIONS[0]
OTHER_ACCOUNT = replace(
    SUBSCRIPTIONS[1], account_code="zenith", account_name="Zenith Live", key="",
    subscription_id="7d3f1c2a-9b8e-4f6d-a5c4-3b2a1f0e9d8c",
)


def _pushed(objects: list[tuple[dict[str, object], dict[str, object]]]) -> dict[str, object]:
    body = {"attributes": [a for a, _ in objects], "events": [e for _, e in objects]}
    [user] = users_from_track(body)
    return user


def test_two_pushes_leave_what_custom_attributes_says() -> None:
    user = _pushed([subscribe_objects("u1", FIRST, WHEN),
                    subscribe_objects("u1", OTHER_ACCOUNT, WHEN)])
    assert user["custom_attributes"] == custom_attributes([FIRST, OTHER_ACCOUNT])
    assert set(user["custom_attributes"]) == set(ROKT_ATTRIBUTES)
    assert user["custom_attributes"]["rokt:account_code"] == [
        "brazetest/f5733866ade2", f"zenith/{OTHER_ACCOUNT.suffix}"]
    assert user["custom_events"][0] == {"name": "subscribe", "first": "2024-05-01T10:00:00.000Z",
                                        "last": "2024-05-01T10:00:00.000Z", "count": 2}
    assert user["event_properties"]["account_code"] == "zenith"


def test_the_sample_subscriber_is_what_two_pushes_make() -> None:
    user = _pushed([subscribe_objects("user-1001", s, WHEN) for s in SUBSCRIPTIONS])
    assert user["custom_attributes"] == sample_data()["custom_attributes"]


def test_merge_off_replaces_the_arrays() -> None:
    settings = AccountSettings(merge=False)
    user = _pushed([subscribe_objects("u1", FIRST, WHEN, settings),
                    subscribe_objects("u1", OTHER_ACCOUNT, WHEN, settings)])
    assert user["custom_attributes"] == custom_attributes([OTHER_ACCOUNT])


def test_subscriber_id_fallback_uses_an_alias() -> None:
    with pytest.raises(ValueError, match="external id is required"):
        subscribe_objects(None, FIRST, WHEN)
    attributes, event = subscribe_objects(None, FIRST, WHEN,
                                          AccountSettings(subscriber_id_fallback=True))
    alias = {"alias_label": ALIAS_LABEL, "alias_name": FIRST.subscription_id}
    assert attributes["user_alias"] == event["user_alias"] == alias
    assert attributes["_update_existing_only"] is False and "external_id" not in attributes


def test_email_capture_off_leaves_the_email_out() -> None:
    attributes, _ = subscribe_objects("u1", FIRST, WHEN, AccountSettings(email_capture=False))
    assert "rokt:subscriber_email" not in attributes
    assert "rokt:tags" in attributes


def test_unsubscribe_removes_one_subscriptions_entries() -> None:
    body = {"attributes": [subscribe_objects("u1", FIRST, WHEN)[0],
                           subscribe_objects("u1", OTHER_ACCOUNT, WHEN)[0],
                           unsubscribe_object("u1", FIRST)]}
    [user] = users_from_track(body)
    assert user["custom_attributes"] == custom_attributes([OTHER_ACCOUNT])


def test_suffix_is_the_subscriptions_own_and_stable() -> None:
    fresh = Subscription(subscription_id="A1B2C3D4-0000-4000-8000-000000000000",
                         account_code="a", account_id="x", account_name="A",
                         calendar_code="c", calendar_id="y", calendar_title="C")
    assert fresh.suffix == replace(fresh, subscription_id=fresh.subscription_id.lower()).suffix
    assert len(fresh.suffix) == 12 and int(fresh.suffix, 16) >= 0
    values = fresh.values()
    assert values["rokt:subscription_id"] == [fresh.subscription_id]
    assert all(v.endswith("/" + fresh.suffix) for k, vs in values.items()
               if k != "rokt:subscription_id" for v in vs)
    assert values["rokt:tags"] == [f"C/All Teams/{fresh.suffix}"]


def test_the_fuzzer_draws_users_whose_subscriptions_span_accounts() -> None:
    pytest.importorskip("hypothesis")
    from rokt_braze.fuzz.search import draw_profiles
    from rokt_braze.profiles.strategies import profiles

    reads = [("custom_attribute", "rokt:account_code"),
             ("custom_attribute", "rokt:subscription_id")]
    spans = 0
    for data in draw_profiles(profiles(reads), 300, seed=2):
        codes = data.get("custom_attributes", {}).get("rokt:account_code")
        if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
            spans += len({c.rsplit("/", 1)[0] for c in codes}) > 1
    assert spans > 0
