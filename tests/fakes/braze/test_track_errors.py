"""Bad `/users/track` requests get Braze's answers: a fatal 4xx with `{"message", "errors"}`
for a body Braze cannot read, or 201 with the bad object listed in `errors` (by section and
index) while the good ones are applied. Never a 500, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import EXPORT_ONLY, Client, named

OK = {"external_id": "u-ok", "first_name": "Ok"}
NOW = "2024-05-01T10:00:00Z"

# (id, raw body, status, message) - the body as bytes, or a JSON value
FATAL: list[tuple[str, Any, int, str]] = [
    ("not-json", b"{attributes: [}", 400, "Bad Request"),
    ("empty-body", b"", 400, "Bad Request"),
    ("not-utf8", b'{"attributes": ["\xff"]}', 400, "Bad Request"),
    ("top-level-array", [OK], 400, "Bad Request"),
    ("top-level-string", "attributes", 400, "Bad Request"),
    ("no-sections", {"users": [OK]}, 400, "Bad Request"),
    ("section-not-array", {"attributes": OK}, 400, "Bad Request"),
    ("76-attributes", {"attributes": [dict(OK, external_id=f"u{n}") for n in range(76)]},
     400, "Max Input Length Exceeded"),
    ("76-events", {"events": [{"external_id": "u", "name": "e", "time": NOW}] * 76},
     400, "Max Input Length Exceeded"),
    ("76-purchases", {"purchases": [{"external_id": "u", "product_id": "p", "currency": "USD",
                                     "price": 1, "time": NOW}] * 76},
     400, "Max Input Length Exceeded"),
    ("deeply-nested", b'{"attributes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     400, "Bad Request"),
    ("huge-body", b'{"attributes": [' + b" " * 600_000 + b"]}", 413,
     "Request Entity Too Large"),
]

# (id, one bad object in the given section, words the error type must contain)
MINOR: list[tuple[str, str, Any, str]] = [
    ("missing-identifier", "attributes", {"first_name": "Nobody"}, "external_id"),
    ("identifier-not-string", "attributes", {"external_id": {"id": 1}}, "external_id"),
    ("empty-identifier", "attributes", {"external_id": ""}, "external_id"),
    ("object-not-object", "attributes", "u-1", "JSON object"),
    ("bad-alias", "attributes", {"user_alias": {"alias_name": "a"}}, "alias_label"),
    ("bad-email", "attributes", {"email": "not-an-email", "first_name": "x"}, "email"),
    ("bad-phone", "attributes", {"phone": "call me", "first_name": "x"}, "phone"),
    ("update-only-not-bool", "attributes", {"external_id": "u", "_update_existing_only": "yes"},
     "_update_existing_only"),
    ("wrong-array-op", "attributes", {"external_id": "u", "tags": {"add": ["a"], "pop": 1}},
     "'add' and 'remove'"),
    ("array-op-not-list", "attributes", {"external_id": "u", "tags": {"add": "a"}}, "array"),
    ("two-dimensional-array", "attributes", {"external_id": "u", "tags": [["a"]]},
     "one-dimensional"),
    ("string-too-long", "attributes", {"external_id": "u", "bio2": "x" * 256}, "255"),
    ("bad-inc", "attributes", {"external_id": "u", "n": {"inc": "1"}}, "inc"),
    ("nested-key-with-dot", "attributes", {"external_id": "u", "car": {"a.b": 1}}, "'.'"),
    ("nested-bad-time", "attributes", {"external_id": "u", "car": {"at": {"$time": "soon"}}},
     "$time"),
    ("bad-subscribe-state", "attributes", {"external_id": "u", "email_subscribe": "yes"},
     "email_subscribe"),
    ("bad-dob", "attributes", {"external_id": "u", "dob": "17/04/1990"}, "dob"),
    ("event-without-name", "events", {"external_id": "u", "time": NOW}, "'name'"),
    ("event-without-time", "events", {"external_id": "u", "name": "subscribe"}, "'time'"),
    ("event-bad-time", "events", {"external_id": "u", "name": "e", "time": "yesterday"},
     "ISO 8601"),
    ("event-time-not-string", "events", {"external_id": "u", "name": "e", "time": 1714557600},
     "'time'"),
    ("event-properties-not-object", "events",
     {"external_id": "u", "name": "e", "time": NOW, "properties": [1]}, "properties"),
    ("event-reserved-property", "events",
     {"external_id": "u", "name": "e", "time": NOW, "properties": {"time": "x"}},
     "Invalid 'properties' field"),
    ("event-dollar-property", "events",
     {"external_id": "u", "name": "e", "time": NOW, "properties": {"$p": 1}}, "properties"),
    ("purchase-no-currency", "purchases",
     {"external_id": "u", "product_id": "p", "price": 1, "time": NOW}, "currency"),
    ("purchase-bad-quantity", "purchases",
     {"external_id": "u", "product_id": "p", "currency": "USD", "price": 1, "time": NOW,
      "quantity": 101}, "quantity"),
    ("purchase-price-not-number", "purchases",
     {"external_id": "u", "product_id": "p", "currency": "USD", "price": "1", "time": NOW},
     "price"),
]


@pytest.mark.parametrize(("raw", "status", "message"), [c[1:] for c in FATAL],
                         ids=[c[0] for c in FATAL])
def test_fatal_errors_use_brazes_envelope(braze: Client, raw: Any, status: int,
                                          message: str, uid: str) -> None:
    data = raw if isinstance(raw, bytes) else json.dumps(named(raw, uid)).encode()
    response = braze.post("/users/track", data=data,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"] == message
    assert isinstance(body["errors"], list) and body["errors"]
    assert all(isinstance(e, str) and "Traceback" not in e for e in body["errors"])
    # nothing was applied
    wanted = ["u0", f"{uid}-ok", uid]
    assert braze.post("/users/export/ids", {"external_ids": wanted}).json()["users"] == []


@pytest.mark.parametrize(("section", "bad", "words"), [c[1:] for c in MINOR],
                         ids=[c[0] for c in MINOR])
def test_a_bad_object_is_reported_by_index_and_the_rest_applied(
    braze: Client, section: str, bad: Any, words: str, uid: str
) -> None:
    good = {
        "attributes": OK,
        "events": {"external_id": "u-ok", "name": "opened", "time": NOW},
        "purchases": {"external_id": "u-ok", "product_id": "p", "currency": "USD",
                      "price": 2.5, "time": NOW},
    }[section]
    response = braze.track(named({section: [good, bad, good]}, uid))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "success"
    assert body[f"{section}_processed"] == 2
    [error] = body["errors"]
    assert error["input_array"] == section and error["index"] == 1
    assert words in error["type"]
    user = braze.user(f"{uid}-ok")
    if section == "events":
        assert user["custom_events"] == [
            {"name": "opened", "first": "2024-05-01T10:00:00.000Z",
             "last": "2024-05-01T10:00:00.000Z", "count": 2}
        ]
    # the bad object changed nobody
    assert braze.post("/users/export/ids", {"external_ids": [uid]}).json()["users"] == []


def test_kinds_of_bad_bodies_are_at_least_twenty() -> None:
    assert len(FATAL) + len(MINOR) >= 20


@pytest.mark.parametrize(("header", "status", "message"), [
    (None, 401, "missing Authorization"),
    ("Basic dXNlcjpwYXNz", 401, "Bearer"),
    ("Bearer not-a-key-9999", 401, "Invalid API key: ****9999"),
    ('Bearer "test-rest-key-0001"', 401, "quotes"),
    (f"Bearer {EXPORT_ONLY}", 403, "Access Denied"),
])
def test_keys(braze: Client, header: str | None, status: int, message: str) -> None:
    import requests

    headers = {} if header is None else {"Authorization": header}
    response = requests.post(braze.url + "/users/track", json={"attributes": [OK]},
                             headers=headers, timeout=10)
    assert response.status_code == status
    assert message in response.text
    assert "test-rest-key-0001" not in response.text  # a key is never echoed whole


def test_unknown_route_and_method(braze: Client) -> None:
    import requests

    assert braze.post("/users/trak", {"attributes": [OK]}).status_code == 404
    response = requests.get(braze.url + "/users/track", timeout=10)
    assert response.status_code == 405
    assert response.json()["message"] == "Method Not Allowed"
