"""`/users/track` bodies become profiles the way the Braze API docs say Braze stores them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rokt_braze.profiles import ProfileError, load_profiles, to_profile

Writer = Callable[..., Path]


def custom(*attribute_objects: dict[str, Any]) -> dict[str, Any]:
    """The custom attributes of user u1 after applying the attribute objects in order."""
    body = {"attributes": [{"external_id": "u1", **obj} for obj in attribute_objects]}
    result: dict[str, Any] = to_profile(body).data["custom_attributes"]
    return result


# -- arrays of scalars ------------------------------------------------------------------------


def test_set_array_keeps_unique_values() -> None:
    # Braze's own example: ['hotdog','hotdog','hotdog','pizza'] shows as ['hotdog', 'pizza'].
    assert custom({"food": ["hotdog", "hotdog", "hotdog", "pizza"]}) == {
        "food": ["hotdog", "pizza"]
    }


def test_add_appends_and_moves_present_values_to_the_end() -> None:
    assert custom({"a": ["x", "y", "z"]}, {"a": {"add": ["w", "x"]}}) == {"a": ["y", "z", "w", "x"]}


def test_remove_drops_values_and_ignores_absent_ones() -> None:
    assert custom({"a": ["x", "y", "z"]}, {"a": {"remove": ["y", "nope"]}}) == {"a": ["x", "z"]}


def test_add_and_remove_in_one_object_apply_in_written_order() -> None:
    # Braze's example object: {"add": ["calvinharris-summer"], "remove": ["nickiminaj-anaconda"]}
    got = custom(
        {"videos": ["nickiminaj-anaconda", "other"]},
        {"videos": {"add": ["calvinharris-summer"], "remove": ["nickiminaj-anaconda"]}},
    )
    assert got == {"videos": ["other", "calvinharris-summer"]}
    assert custom({"a": {"remove": ["x"], "add": ["x"]}}) == {"a": ["x"]}
    assert custom({"a": {"add": ["x"], "remove": ["x"]}}) == {"a": []}


def test_add_to_a_missing_attribute_creates_the_array() -> None:
    assert custom({"a": {"add": ["x"]}}) == {"a": ["x"]}


def test_null_removes_an_attribute() -> None:
    assert custom({"a": ["x"], "b": 1}, {"a": None}) == {"b": 1}


def test_inc() -> None:
    assert custom({"n": 5}, {"n": {"inc": 3}}, {"n": {"inc": -10}}) == {"n": -2}
    assert custom({"m": {"inc": 2}}) == {"m": 2}


# -- nested objects and arrays of objects ----------------------------------------------------

PETS = [{"id": 1, "type": "dog", "name": "Gus"}, {"id": 2, "type": "cat", "name": "Gerald"}]


def test_dollar_add_remove_update() -> None:
    got = custom(
        {"pets": PETS},
        {"pets": {"$add": [{"id": 3, "type": "dog", "name": "Doug"}]}},
        {"pets": {"$remove": [{"$identifier_key": "type", "$identifier_value": "dog"}]}},
    )
    assert got == {"pets": [{"id": 2, "type": "cat", "name": "Gerald"}]}


def test_dollar_update_merges_only_with_merge_objects() -> None:
    update = {"$update": [{"$identifier_key": "id", "$identifier_value": 2,
                           "$new_object": {"breed": "calico"}}]}
    merged = custom({"pets": PETS}, {"_merge_objects": True, "pets": update})
    assert merged["pets"][1] == {"id": 2, "type": "cat", "name": "Gerald", "breed": "calico"}
    replaced = custom({"pets": PETS}, {"pets": update})
    assert replaced["pets"] == [PETS[0], {"breed": "calico"}]


def test_nested_object_replaced_or_deep_merged() -> None:
    song = {"song_name": "Solea", "play_analytics": {"count": 1000, "top_10_listeners": True}}
    merged = custom(
        {"song": song},
        {"_merge_objects": True, "song": {"year_released": 1960, "play_analytics": {"count": 5}}},
    )
    assert merged == {"song": {"song_name": "Solea", "year_released": 1960,
                               "play_analytics": {"count": 5, "top_10_listeners": True}}}
    assert custom({"song": song}, {"song": {"year_released": 1960}}) == {
        "song": {"year_released": 1960}
    }


def test_time_objects_are_kept() -> None:
    assert custom({"dates": {"birthday": {"$time": "1980-01-01"}}}) == {
        "dates": {"birthday": {"$time": "1980-01-01"}}
    }


def test_date_strings_are_stored_as_times() -> None:
    got = custom({
        "a": "2024-06-01", "b": "2024-06-01T12:30:00+02:00", "c": "06/30/2024",
        "d": "2024-06-01T10:20:30:123Z", "e": "brazetest/f5733866ade2", "f": "2024-02-30",
    })
    assert got == {
        "a": "2024-06-01T00:00:00.000Z", "b": "2024-06-01T10:30:00.000Z",
        "c": "2024-06-30T00:00:00.000Z", "d": "2024-06-01T10:20:30.123Z",
        "e": "brazetest/f5733866ade2", "f": "2024-02-30",
    }


# -- profile fields, identity ----------------------------------------------------------------


GROUPS = [{"subscription_group_id": "g1", "subscription_state": "subscribed"}]


def test_profile_fields_are_not_custom_attributes() -> None:
    body = {"attributes": [{
        "external_id": "u1", "first_name": "Jon", "dob": "1988-02-14", "email": "j@x.io",
        "home_city": "Chicago", "_update_existing_only": False, "has_profile_picture": True,
        "current_location": {"longitude": -73.99, "latitude": 40.75},
        "subscription_groups": GROUPS,
    }]}
    data = to_profile(body).data
    assert data == {
        "external_id": "u1", "first_name": "Jon", "dob": "1988-02-14", "email": "j@x.io",
        "home_city": "Chicago", "last_coordinates": [-73.99, 40.75],
        "subscription_groups": GROUPS,
        "custom_attributes": {"has_profile_picture": True},
    }
    assert to_profile(body).namespaces()["subscribed_state"] == {"g1": "subscribed"}


def test_users_are_keyed_by_identifier_in_first_appearance_order(write: Writer) -> None:
    body = {
        "attributes": [
            {"external_id": "b", "x": 1},
            {"user_alias": {"alias_name": "dev1", "alias_label": "device"}, "x": 2},
            {"external_id": "a", "x": 3},
            {"external_id": "b", "y": 4},
        ],
        "events": [{"braze_id": "br-9", "name": "open", "time": "2024-01-01T00:00:00Z"}],
    }
    profiles = load_profiles(write("track.json", json.dumps(body)))
    assert [p.name for p in profiles] == ["b", "track#2", "a", "br-9"]
    assert profiles[0].data["custom_attributes"] == {"x": 1, "y": 4}
    assert profiles[1].data["user_aliases"] == [{"alias_name": "dev1", "alias_label": "device"}]


# -- events and purchases ---------------------------------------------------------------------


def test_events_summarised_and_last_event_gives_event_properties() -> None:
    body = {"events": [
        {"external_id": "u1", "name": "subscribe", "time": "2024-06-02T08:00:00+02:00",
         "properties": {"calendar": "A"}},
        {"external_id": "u1", "name": "subscribe", "time": "2024-05-01T00:00:00Z"},
        {"external_id": "u1", "name": "opened", "time": "2024-06-03T00:00:00Z",
         "properties": {"where": "email"}},
    ]}
    profile = to_profile(body)
    assert profile.data["custom_events"] == [
        {"name": "subscribe", "first": "2024-05-01T00:00:00.000Z",
         "last": "2024-06-02T06:00:00.000Z", "count": 2},
        {"name": "opened", "first": "2024-06-03T00:00:00.000Z",
         "last": "2024-06-03T00:00:00.000Z", "count": 1},
    ]
    assert profile.namespaces()["event_properties"] == {"where": "email"}


def test_purchases_summarised() -> None:
    body = {"purchases": [
        {"external_id": "u1", "product_id": "sku-1", "time": "2024-01-01T00:00:00Z",
         "price": 9.5, "currency": "USD"},
    ]}
    assert to_profile(body).data["purchases"] == [
        {"name": "sku-1", "first": "2024-01-01T00:00:00.000Z",
         "last": "2024-01-01T00:00:00.000Z", "count": 1},
    ]


def test_body_level_fixtures_apply_to_every_user(write: Writer) -> None:
    body = {
        "attributes": [{"external_id": "a"}, {"external_id": "b"}],
        "connected_content": [{"url": "https://x.test/", "json": {}}],
    }
    profiles = load_profiles(write("t.json", json.dumps(body)))
    assert [p.fixtures for p in profiles] == [[{"url": "https://x.test/", "json": {}}]] * 2


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"attributes": {"external_id": "u1"}}, "'attributes' must be a list"),
        ({"attributes": ["u1"]}, "attributes[0] must be a mapping"),
        ({"attributes": [{"first_name": "x"}]}, "attributes[0] names no user"),
        ({"attributes": []}, "names no users"),
        ({"attributes": [{"external_id": "u", "a": {"add": "x"}}]}, "'add' must be a list"),
        ({"attributes": [{"external_id": "u", "a": {"inc": "1"}}]}, "'inc' must be a number"),
        ({"attributes": [{"external_id": "u", "a": {"$remove": [{"id": 1}]}}]},
         "needs $identifier_key"),
        ({"events": [{"external_id": "u", "name": "e"}]}, "events[0]: 'time'"),
        ({"events": [{"external_id": "u", "time": "2024-01-01"}]}, "'name' must be"),
        ({"events": [{"external_id": "u", "name": "e", "time": "2024-01-01T00:00:00Z",
                      "properties": [1]}]}, "'properties' must be a mapping"),
        ({"purchases": [{"external_id": "u", "time": "2024-01-01"}]}, "'product_id' must be"),
    ],
)
def test_bad_track_bodies(write: Writer, body: dict[str, Any], fragment: str) -> None:
    path = write("track.json", json.dumps(body))
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert fragment in str(caught.value)
    assert caught.value.path == str(path)
