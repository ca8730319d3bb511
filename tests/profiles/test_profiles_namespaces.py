"""The export shape -> Liquid globals mapping (Braze's personalization tags)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import pytest

from rokt_braze.profiles import BrazeTime, Profile, to_profile
from rokt_braze.profiles.namespaces import NAMESPACE_KEYS
from rokt_braze.profiles.times import export_time, parse_time

UTC = timezone.utc
NAMESPACES = {
    "custom_attribute", "event_properties", "canvas_entry_properties", "context",
    "api_trigger_properties", "campaign", "canvas", "card", "app", "subscribed_state",
    "most_recently_used_device", "targeted_device", "sms", "whats_app",
}

FULL_EXPORT = {
    "external_id": "A8i3mkd99",
    "braze_id": "5fbd99bac125ca40511f2cb1",
    "random_bucket": 2365,
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "example@braze.com",
    "dob": "1980-12-21",
    "home_city": "Chicago",
    "country": "US",
    "phone": "+442071838750",
    "language": "en",
    "time_zone": "Eastern Time (US & Canada)",
    "gender": "F",
    "most_recent_locale": "en_US",
    "most_recent_location": "41.84, -87.83",
    "apps": [
        {"name": "MovieCannon", "platform": "Android", "version": "3.29.0",
         "last_used": "2021-11-11T00:25:19.201Z"},
        {"name": "Old", "platform": "iOS", "version": "1.0", "last_used": "2020-01-01T00:00:00Z"},
    ],
}


def ns(data: Mapping[str, object]) -> dict[str, object]:
    return to_profile(data).namespaces()


def test_standard_attributes_from_an_export() -> None:
    got = ns(FULL_EXPORT)
    standard = {key: value for key, value in got.items() if key not in NAMESPACES}
    assert standard == {
        "user_id": "A8i3mkd99",
        "braze_id": "5fbd99bac125ca40511f2cb1",
        "first_name": "Jane",
        "last_name": "Doe",
        "email_address": "example@braze.com",
        "phone_number": "+442071838750",
        "date_of_birth": datetime(1980, 12, 21, tzinfo=UTC),
        "city": "Chicago",
        "country": "US",
        "language": "en",
        "gender": "F",
        "time_zone": "Eastern Time (US & Canada)",
        "most_recent_locale": "en_US",
        "most_recent_location": "41.84, -87.83",
        "last_used_app_date": datetime(2021, 11, 11, 0, 25, 19, 201000, tzinfo=UTC),
        "most_recent_app_version": "3.29.0",
        "random_bucket_number": 2365,
    }
    assert isinstance(got["date_of_birth"], BrazeTime)


def test_missing_and_null_standard_attributes_are_absent() -> None:
    got = ns({"external_id": "u1", "first_name": None, "email": None})
    assert "first_name" not in got
    assert "email_address" not in got
    assert "last_name" not in got
    assert got["user_id"] == "u1"


def test_every_namespace_is_present_and_empty_by_default() -> None:
    got = ns({})
    assert set(got) == NAMESPACES
    assert all(got[name] == {} for name in NAMESPACES)


def test_liquid_names_override_export_names() -> None:
    got = ns({"external_id": "export", "user_id": "liquid", "random_bucket_number": 7,
              "random_bucket": 1, "last_used_app_date": "2024-01-02T03:04:05Z"})
    assert got["user_id"] == "liquid"
    assert got["random_bucket_number"] == 7
    assert got["last_used_app_date"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_custom_attribute_values() -> None:
    got = ns({"custom_attributes": {
        "tags": ["a", "b"], "count": 3, "ratio": 0.5, "vip": True, "unset": None,
        "obj": {"k": [1, {"when": {"$time": "2020-05-28"}}]},
        "iso": "2021-06-03T17:13:41.000Z", "ruby": "2021-06-03 17:13:41 UTC",
        "day": "2021-06-03", "odd": "2021-06-31T00:00:00Z", "text": "hello",
    }})["custom_attribute"]
    assert got == {
        "tags": ["a", "b"], "count": 3, "ratio": 0.5, "vip": True,
        "obj": {"k": [1, {"when": datetime(2020, 5, 28, tzinfo=UTC)}]},
        "iso": datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC),
        "ruby": datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC),
        "day": "2021-06-03", "odd": "2021-06-31T00:00:00Z", "text": "hello",
    }
    assert isinstance(got["iso"], BrazeTime)


def test_event_properties_times_only_at_top_level() -> None:
    properties = {"at": "2024-06-01T10:00:00-04:00", "list": ["2024-06-01T10:00:00Z"], "n": 1}
    got = ns({"event_properties": properties})["event_properties"]
    assert got == {"at": datetime(2024, 6, 1, 14, tzinfo=UTC), "list": ["2024-06-01T10:00:00Z"],
                   "n": 1}


@pytest.mark.parametrize(
    ("data", "entry", "context"),
    [
        ({"context": {"a": 1}}, {"a": 1}, {"a": 1}),
        ({"canvas_entry_properties": {"b": 2}}, {"b": 2}, {"b": 2}),
        ({"context": {"a": 1}, "canvas_entry_properties": {"b": 2}}, {"b": 2}, {"a": 1}),
    ],
)
def test_canvas_entry_properties_and_context(
    data: dict[str, object], entry: dict[str, int], context: dict[str, int]
) -> None:
    got = ns(data)
    assert (got["canvas_entry_properties"], got["context"]) == (entry, context)


def test_direct_namespaces_pass_through() -> None:
    given = {
        "api_trigger_properties": {"promo": "X1"},
        "campaign": {"name": "Spring", "dispatch_id": "d1"},
        "canvas": {"name": "Journey"},
        "card": {"api_id": "c1"},
        "app": {"api_id": "a1", "name": "App"},
        "targeted_device": {"platform": "ios"},
    }
    got = ns(given)
    for key, value in given.items():
        assert got[key] == value


def test_subscribed_state_and_device_derived_from_export() -> None:
    got = ns({
        "email_subscribe": "opted_in",
        "subscription_groups": [
            {"subscription_group_id": "g-1", "subscription_state": "unsubscribed"},
        ],
        "devices": [
            {"model": "Pixel XL", "os": "Android (Q)", "carrier": None,
             "device_id": "312ef2c1", "ad_tracking_enabled": True},
            {"model": "older"},
        ],
    })
    assert got["subscribed_state"] == {"email_global": "opted_in", "g-1": "unsubscribed"}
    assert got["most_recently_used_device"] == {
        "model": "Pixel XL", "os": "Android (Q)", "id": "312ef2c1", "ad_tracking_enabled": True,
    }
    direct = ns({"subscribed_state": {"email_global": "subscribed"}, "email_subscribe": "x",
                 "most_recently_used_device": {"platform": "web"}, "devices": [{"model": "m"}]})
    assert direct["subscribed_state"] == {"email_global": "subscribed"}
    assert direct["most_recently_used_device"] == {"platform": "web"}


def test_namespaces_are_read_only_computed_once_and_lazy() -> None:
    profile = Profile(name="p", data={"external_id": "u1", "custom_attributes": {"a": 1}})
    first = profile.namespaces()
    with pytest.raises(TypeError):
        first["assigned"] = "by a render"  # type: ignore[index]
    second = profile.namespaces()
    assert first["custom_attribute"] is second["custom_attribute"]
    assert "first_name" not in first and dict(first)["user_id"] == "u1"
    assert sorted(first) == sorted(["user_id", *NAMESPACE_KEYS])


def test_braze_time_prints_like_ruby_time_to_s() -> None:
    value = parse_time("2021-06-03T17:13:41Z")
    assert value is not None
    assert str(value) == "2021-06-03 17:13:41 UTC"
    shifted = value.astimezone(timezone(timedelta(hours=-4)))
    assert str(BrazeTime.of(shifted)) == "2021-06-03 17:13:41 UTC"
    local = BrazeTime(2021, 6, 3, 13, 13, 41, tzinfo=timezone(timedelta(hours=-4)))
    assert str(local) == "2021-06-03 13:13:41 -0400"


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("2021-06-03T17:13:41Z", {}, datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC)),
        ("2021-06-03T17:13:41", {}, datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC)),
        ("2021-06-03 17:13:41.5+0530", {}, datetime(2021, 6, 3, 11, 43, 41, 500000, tzinfo=UTC)),
        ("2021-06-03T17:13:41:250Z", {}, datetime(2021, 6, 3, 17, 13, 41, 250000, tzinfo=UTC)),
        ("2021-06-03T17:13Z", {}, datetime(2021, 6, 3, 17, 13, tzinfo=UTC)),
        ("2021-06-03", {}, None),
        ("2021-06-03", {"date_only": True}, datetime(2021, 6, 3, tzinfo=UTC)),
        ("06/03/2021", {}, None),
        ("06/03/2021", {"us_date": True}, datetime(2021, 6, 3, tzinfo=UTC)),
        ("2021-13-03T00:00:00Z", {}, None),
        ("Test Calendar 1/f5733866ade2", {"date_only": True}, None),
    ],
)
def test_parse_time(text: str, kwargs: dict[str, bool], expected: datetime | None) -> None:
    assert parse_time(text, **kwargs) == expected


def test_export_time_format() -> None:
    assert export_time(datetime(2021, 6, 28, 17, 2, 43, 32000, tzinfo=UTC)) == (
        "2021-06-28T17:02:43.032Z"
    )
