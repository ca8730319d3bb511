"""What `/users/track` stores, read back through `/users/export/ids` as Braze exports it."""

from __future__ import annotations

import requests

from rokt_braze.fakes.braze.app import running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey
from rokt_braze.fakes.core import ManualClock

from .conftest import KEY, Client

NOW = "2024-05-01T10:00:00Z"


def test_success_answer_counts_each_section_sent(braze: Client, uid: str) -> None:
    response = braze.track({
        "attributes": [{"external_id": uid, "first_name": "A"}],
        "events": [{"external_id": uid, "name": "e", "time": NOW}],
    })
    assert response.status_code == 201
    assert response.json() == {"message": "success", "attributes_processed": 1,
                               "events_processed": 1}
    assert {name.lower() for name in response.headers} >= {
        "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}
    assert response.headers["X-RateLimit-Reset"].isdigit()  # epoch seconds


def test_export_shape_of_a_new_user(braze: Client, uid: str) -> None:
    braze.track({"attributes": [{"external_id": uid, "first_name": "Avery", "email":
                                 "Avery@Example.com", "rokt:tags": ["a/1", "a/1", "b/1"],
                                 "since": "2024-03-02", "score": {"inc": 2}}]})
    user = braze.user(uid)
    assert user["external_id"] == uid
    assert len(user["braze_id"]) == 24 and int(user["braze_id"], 16) >= 0
    assert user["created_at"].endswith(" UTC")
    assert 0 <= user["random_bucket"] < 10_000
    assert user["first_name"] == "Avery"
    assert user["custom_attributes"] == {
        "rokt:tags": ["a/1", "b/1"],  # arrays are sets
        "since": "2024-03-02T00:00:00.000Z",  # a date string is stored as a time
        "score": 2,
    }
    assert "custom_events" not in user  # empty fields are left out, as Braze does


def test_arrays_replace_add_remove_and_cap(braze: Client, uid: str) -> None:
    def tags(value: object) -> list[str]:
        braze.track({"attributes": [{"external_id": uid, "tags": value}]})
        return list(braze.user(uid)["custom_attributes"]["tags"])

    assert tags(["a", "b", "c"]) == ["a", "b", "c"]
    assert tags({"add": ["a", "d"]}) == ["b", "c", "a", "d"]  # present values move to the end
    assert tags({"remove": ["b", "zzz"]}) == ["c", "a", "d"]
    assert tags({"add": ["e", "f", "g"]}) == ["a", "d", "e", "f", "g"]  # cap 5: oldest go
    assert tags(["1", "2", "3", "4", "5", "6", "7"]) == ["1", "2", "3", "4", "5"]
    assert tags({"add": ["x"], "remove": ["1"]}) == ["2", "3", "4", "5", "x"]


def test_nested_objects_replace_or_merge_and_null_unsets(braze: Client, uid: str) -> None:
    def car(entry: dict[str, object]) -> object:
        braze.track({"attributes": [{"external_id": uid, **entry}]})
        return braze.user(uid).get("custom_attributes", {}).get("car")

    assert car({"car": {"make": "Volvo", "year": 2020}}) == {"make": "Volvo", "year": 2020}
    assert car({"car": {"color": "red"}}) == {"color": "red"}
    assert car({"car": {"make": "Saab"}, "_merge_objects": True}) == {"color": "red",
                                                                       "make": "Saab"}
    assert car({"car": None}) is None


def test_update_existing_only_and_identifiers(braze: Client, uid: str) -> None:
    alias = {"alias_name": uid, "alias_label": "crm"}
    answer = braze.track({"attributes": [
        {"external_id": f"{uid}-new", "_update_existing_only": True, "a": 1},
        {"user_alias": alias, "a": 2},  # alias: update-only unless told otherwise
        {"braze_id": "0" * 24, "a": 3},  # Braze assigns braze_ids: never created
    ]}).json()
    assert answer == {"message": "success", "attributes_processed": 3}  # queued, dropped later
    none = braze.post("/users/export/ids", {"external_ids": [f"{uid}-new"],
                                            "user_aliases": [alias]}).json()
    assert none["users"] == [] and len(none["invalid_user_ids"]) == 2

    braze.track({"attributes": [{"user_alias": alias, "_update_existing_only": False, "a": 4}]})
    [made] = braze.post("/users/export/ids", {"user_aliases": [alias]}).json()["users"]
    assert made["user_aliases"] == [alias] and made["custom_attributes"] == {"a": 4}
    assert "external_id" not in made

    braze.track({"attributes": [{"braze_id": made["braze_id"], "a": 5}]})
    again = braze.post("/users/export/ids", {"braze_id": made["braze_id"]}).json()["users"]
    assert again[0]["custom_attributes"] == {"a": 5}


def test_email_matches_the_profile_with_an_external_id(braze: Client, uid: str) -> None:
    email = f"{uid}@example.com"
    braze.track({"attributes": [{"email": email, "a": "email-only"}]})  # creates email-only
    braze.track({"attributes": [{"external_id": uid, "email": email}]})
    braze.track({"attributes": [{"email": email.upper(), "a": "matched"}]})
    assert braze.user(uid)["custom_attributes"] == {"a": "matched"}


def test_events_and_purchases_are_summarised(braze: Client, uid: str) -> None:
    future = "2999-01-01T00:00:00Z"
    braze.track({
        "events": [
            {"external_id": uid, "name": "subscribe", "time": "2024-03-02T14:05:11Z",
             "properties": {"calendar": "c1"}},
            {"external_id": uid, "name": "subscribe", "time": "2024-05-19T09:41:27.5+02:00"},
            {"external_id": uid, "name": "later", "time": future},
        ],
        "purchases": [{"external_id": uid, "product_id": "ticket", "currency": "USD",
                       "price": 10, "quantity": 2, "time": NOW}],
    })
    user = braze.user(uid)
    subscribe, later = user["custom_events"]
    assert subscribe == {"name": "subscribe", "first": "2024-03-02T14:05:11.000Z",
                         "last": "2024-05-19T07:41:27.500Z", "count": 2}
    assert later["first"] < "2999"  # a future time becomes now
    assert user["purchases"] == [{"name": "ticket", "first": "2024-05-01T10:00:00.000Z",
                                  "last": "2024-05-01T10:00:00.000Z", "count": 2}]
    assert "event_properties" not in user  # Braze keeps no event properties on a profile


def test_export_ids_limits_and_fields(braze: Client, uid: str) -> None:
    braze.track({"attributes": [{"external_id": uid, "first_name": "A", "x": 1}]})
    answer = braze.post("/users/export/ids", {"external_ids": [uid],
                                              "fields_to_export": ["external_id", "x"]})
    assert answer.status_code == 400 and "unknown field" in answer.json()["message"]
    answer = braze.post("/users/export/ids", {"external_ids": [uid],
                                              "fields_to_export": ["first_name"]})
    assert answer.status_code == 201 and answer.json()["users"] == [{"first_name": "A"}]
    too_many = braze.post("/users/export/ids", {"external_ids": [str(n) for n in range(51)]})
    assert too_many.status_code == 400
    assert too_many.json()["message"] == ("The max number of external_ids and aliases per "
                                          "request was exceeded")
    two = braze.post("/users/export/ids", {"email_address": "a@b.co", "phone": "+15555550100"})
    assert two.status_code == 400


def test_rate_limit_answers_429_with_the_reset_time() -> None:
    clock = ManualClock()
    with running_fake_braze(keys=[ApiKey(KEY)], rate_limit=(2, 60), clock=clock) as server:
        def post() -> requests.Response:
            return requests.post(server.base_url + "/users/track",
                                 json={"attributes": [{"external_id": "r"}]},
                                 headers={"Authorization": f"Bearer {KEY}"}, timeout=10)

        first, second, third = post(), post(), post()
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 429)
    assert third.json()["message"] == "Rate Limit Exceeded"
    assert third.headers["X-RateLimit-Limit"] == "2"
    assert third.headers["X-RateLimit-Remaining"] == "0"
    assert int(third.headers["X-RateLimit-Reset"]) == clock() + 60  # the window's end
