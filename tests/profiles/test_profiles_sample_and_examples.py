"""The bundled sample subscriber and the files in examples/profiles/."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from pathlib import Path

from rokt_braze.profiles import load_profiles, sample_subscriber
from rokt_braze.profiles.sample import sample_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "profiles"

# The 16 attributes Rokt writes (Braze's Rokt Calendar page).
ROKT_ATTRIBUTES = {
    "rokt:account_code", "rokt:account_id", "rokt:account_name", "rokt:calendar_code",
    "rokt:calendar_id", "rokt:calendar_title", "rokt:country_code", "rokt:device_name",
    "rokt:geo_country", "rokt:optIn1", "rokt:optIn2", "rokt:source", "rokt:subscriber_email",
    "rokt:subscription_id", "rokt:subscription_method", "rokt:tags",
}
SUFFIXED = re.compile(r"(?P<value>.+)/(?P<suffix>[0-9a-f]{12})")


def test_sample_subscriber_shape() -> None:
    profile = sample_subscriber()
    assert profile.name == "sample-subscriber"
    assert profile.data["external_id"] == "user-1001"
    assert profile.data["time_zone"] == "America/New_York"
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", profile.data["email"])
    assert profile.data["first_name"]
    assert re.fullmatch(r"[A-Z]{2}", profile.data["country"])
    assert re.fullmatch(r"[a-z]{2}", profile.data["language"])
    assert profile.fixtures == []

    custom = profile.data["custom_attributes"]
    assert set(custom) == ROKT_ATTRIBUTES
    assert all(isinstance(v, list) and len(v) == 2 for v in custom.values())
    assert custom["rokt:account_code"] == ["brazetest/f5733866ade2", "brazetest/ff10919f1078"]
    for guid in custom["rokt:subscription_id"]:
        assert str(uuid.UUID(guid)) == guid  # canonical lowercase 8-4-4-4-12 form
    assert len(set(custom["rokt:subscription_id"])) == 2
    for name in ROKT_ATTRIBUTES - {"rokt:subscription_id"}:
        matches = [SUFFIXED.fullmatch(value) for value in custom[name]]
        assert all(matches), name
        # element i belongs to subscription i: one suffix per subscription, in order
        assert [m["suffix"] for m in matches if m] == ["f5733866ade2", "ff10919f1078"], name
    assert custom["rokt:subscriber_email"][0].rsplit("/", 1)[0] == profile.data["email"]


def test_sample_namespaces_as_the_stock_template_reads_them() -> None:
    globals_ = sample_subscriber().namespaces()
    assert globals_["user_id"] == "user-1001"
    custom = globals_["custom_attribute"]
    assert isinstance(custom, Mapping)
    assert custom["rokt:account_code"][0].split("/")[0] == "brazetest"
    assert '","'.join(custom["rokt:subscription_id"]) == (
        '06423672-b6ba-4536-aa36-70788a7a0a36","b3e1f7a2-5c4d-4e8f-9a6b-2d1c0e9f8a7b'
    )


def test_sample_subscriber_is_a_fresh_object_each_time() -> None:
    first = sample_subscriber()
    first.data["custom_attributes"]["rokt:account_code"].clear()
    assert sample_subscriber().data["custom_attributes"]["rokt:account_code"]


def test_example_subscriber_is_the_sample() -> None:
    [profile] = load_profiles(EXAMPLES / "subscriber.yaml")
    assert profile.name == "user-1001"
    assert profile.data == sample_data()


def test_example_without_subscriptions() -> None:
    [profile] = load_profiles(EXAMPLES / "no-subscriptions.yaml")
    expected = sample_data()
    del expected["custom_attributes"]["rokt:subscription_id"]
    del expected["custom_attributes"]["rokt:account_code"]
    assert profile.data == expected
    assert "rokt:account_code" not in profile.namespaces()["custom_attribute"]  # type: ignore[operator]


def test_example_audience() -> None:
    profiles = load_profiles(EXAMPLES / "audience.jsonl")
    assert [p.name for p in profiles] == [
        "user-1101", "user-1102", "user-1103", "user-1104", "5fbd99bac125ca40511f2cb1",
    ]
    by_name = {p.name: p.data for p in profiles}
    assert by_name["user-1102"]["first_name"] == 'Dana "DJ"'
    plain = by_name["user-1103"]["custom_attributes"]["rokt:subscription_id"]
    assert plain == "e2b4c6d8-0a1c-4e3f-9a5b-7c9d1e3f5a7b"
    assert by_name["user-1104"]["custom_attributes"]["rokt:subscription_id"] == []
    assert len(by_name["user-1101"]["custom_attributes"]["rokt:subscription_id"]) == 2
    kenji = profiles[4].namespaces()
    assert "user_id" not in kenji
    assert str(kenji["custom_attribute"]["renewal_date"]) == "2025-09-01 00:00:00 UTC"  # type: ignore[index]


def test_example_users_track() -> None:
    first, second = load_profiles(EXAMPLES / "users-track.json")
    assert (first.name, second.name) == ("user-2001", "user-2002")
    assert first.data["custom_attributes"] == {
        "rokt:account_code": ["brazetest/f5733866ade2", "brazetest/ff10919f1078"],
        "rokt:subscription_id": [
            "06423672-b6ba-4536-aa36-70788a7a0a36", "b3e1f7a2-5c4d-4e8f-9a6b-2d1c0e9f8a7b",
        ],
    }
    assert second.data["custom_attributes"] == {
        "rokt:account_code": ["brazetest/dd44ee55ff66"],
        "rokt:subscription_id": ["9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"],
    }
    assert first.data["first_name"] == "Priya"
    assert first.data["time_zone"] == "America/Los_Angeles"
    assert second.data["custom_events"] == [
        {"name": "subscribe", "first": "2024-06-02T06:00:00.000Z",
         "last": "2024-06-02T06:00:00.000Z", "count": 1},
    ]
    assert first.namespaces()["event_properties"] == {
        "calendar": "Test Calendar 2", "method": "Google",
    }
