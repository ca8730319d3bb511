"""`RuleCounter` (an audience's counting path) gives `validate`'s (rule, severity) pairs.

The counter reuses the pairs of every rule that does not read a per-user value (the
eventId, the subscription ids, the user's accounts) for every request with the same
URL, method, headers and rest of the body. The danger is a reused verdict that does not
hold: so each drawn run sends many requests through one counter, drawn from small pools
of values that repeat (the memo is hit often, across bodies that differ only where the
key says they may), and compares every answer with `validate`'s.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rokt_samples import CREATE_URL, GUID_1, GUID_2, HEADERS, STOCK_CREATE, STOCK_UPDATE

from rokt_braze.findings import RULES, Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import Origin, RuleCounter, jsonpos, validate
from rokt_braze.targets.jsonpos import frozen
from rokt_braze.targets.rokt import CREATE, DELETE, REMOVE, UPDATE

STOCK_SOURCES = {
    "url": "https://api.roktcalendar.com/v1/subscriptionevent/{{accountCode}}",
    "header:Authorization": "Bearer {% connected_content https://api.roktcalendar.com/oauth2/"
                            "token :method post :save token %}{{token.access_token}}",
    "header:Content-Type": "application/json",
    "body": "{}",
}
#: a pasted token: every request gets a rokt-token error from the header's source
LITERAL_TOKEN = {**STOCK_SOURCES, "header:Authorization": "Bearer eyJhbGc.eyJzdWI.c2ln"}

GUID_3 = "b3e1f7a2-5c4d-4e8f-9a6b-2d1c0e9f8a7b"
EVENT_IDS = ["Event_0001_u1", "Event_0001_u2", "Event_0001_", "", "  ", 7, None, ["x"]]
IDS = [GUID_1, GUID_2, GUID_1.upper(), GUID_3, "", f"{GUID_1},{GUID_2}", "not-a-guid", 3, None]
VALUES = [
    "", " ", "Event Title", "2019-02-21T15:00:00", "2019-02-21T16:00:00", "2019-02-21",
    "2019-03-10T02:30:00", "2019-02-21T15:00:00+02:00", "2019-02-21T15:00:00Z",
    "2019-02-30T15:00:00", "Eastern Standard Time", "eastern standard time",
    "America/New_York", "Europe/Paris", "15", "-5", "1.5", "abc", 15, 15.0, 0.0, -0.0, -1,
    1.5, 1, True, False, None, [], {}, {"a": 1}, [1, "x"],
]  # fmt: skip
EVENT_KEYS = ["title", "description", "location", "start", "end", "timezone", "notifyBefore",
              "timezoneIanaId", "visibleFromDateTimeUtc", "tittle"]
URLS = [CREATE_URL, CREATE_URL + "/update", CREATE_URL.replace("brazetest", "other"),
        CREATE_URL.replace("brazetest", "a_b"), CREATE_URL.replace("https", "http"),
        CREATE_URL.replace("brazetest", "") , CREATE_URL + "/Event_0001_u1",
        CREATE_URL + "/update?x=1", "https://example.com/hook",
        f"https://api.roktcalendar.com/v2/subscription/brazetest/{GUID_1}"
        "/subscriptionevent/Event_0001_u1"]  # fmt: skip
HEADER_SETS = [
    HEADERS,
    {"Authorization": HEADERS["Authorization"]},
    {**HEADERS, "Content-Type": "text/plain"},
    {**HEADERS, "Authorization": "Bearer "},
    {**HEADERS, "Authorization": "Portador abc"},
]
ACCOUNTS = [["brazetest/980fa1310378"], ["brazetest/980fa1310378", "other/e0a50507df40"],
            ["other/e0a50507df40"], [], "brazetest", [3]]  # fmt: skip
SUBSCRIPTIONS = [[GUID_1], [GUID_1, GUID_3], [GUID_3, GUID_1], [], None]

event_ids = st.sampled_from(EVENT_IDS)
scalars = st.sampled_from(VALUES)


@st.composite
def events(draw: st.DrawFn) -> dict[str, object]:
    event: dict[str, object] = {}
    if draw(st.booleans()):
        event["eventId"] = draw(event_ids)
    for key in draw(st.lists(st.sampled_from(EVENT_KEYS), unique=True, max_size=8)):
        event[key] = draw(scalars)
    if draw(st.integers(0, 3)) == 0:  # eventId not first
        event["eventId"] = draw(event_ids)
    return event


def stock_like() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(STOCK_CREATE)
    return value


@st.composite
def roots(draw: st.DrawFn, flat: bool = False) -> object:
    kinds = ["stock", "stock", "wrapped", "flat", "other"] + ["flat"] * 3 * flat
    kind = draw(st.sampled_from(kinds))
    if kind == "other":
        return draw(st.sampled_from([[], "x", 1, None, [GUID_1]]))
    root: dict[str, object]
    if kind == "stock":
        root = stock_like()
        root["event"]["eventId"] = draw(event_ids)  # type: ignore[index]
        if draw(st.booleans()):
            root["event"]["notifyBefore"] = draw(scalars)  # type: ignore[index]
    elif kind == "wrapped":
        root = {"event": draw(events() | scalars)}
    else:  # the legacy flat update shape (or a create missing its event)
        root = draw(events())
    if draw(st.integers(0, 4)):
        root["subscriptionIds"] = draw(st.lists(st.sampled_from(IDS), max_size=4)
                                       | st.sampled_from(IDS))
    if draw(st.integers(0, 6)) == 0:
        root[draw(st.sampled_from(["actionType", "extra", "eventId"]))] = draw(scalars)
    return root


@st.composite
def texts(draw: st.DrawFn, root: object) -> str:
    if draw(st.integers(0, 15)) == 0:  # not a JSON object, or not JSON at all
        return draw(st.sampled_from(["", "  \n", "{", "[1, 2]", '{"event": NaN}', "null",
                                     STOCK_UPDATE, '{"a": 1, "a": {"eventId": ""}}']))
    indent = draw(st.sampled_from([None, 2]))
    return "\n" * draw(st.integers(0, 2)) + json.dumps(root, indent=indent)


@st.composite
def variant(draw: st.DrawFn, base: object) -> object:
    """`base` with a value or two changed, as users of one audience differ."""
    if not isinstance(base, dict) or draw(st.integers(0, 9)) == 0:
        return draw(roots())
    root = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, 2))):
        event = root.get("event")
        where = event if isinstance(event, dict) and draw(st.integers(0, 3)) else root
        key = draw(st.sampled_from(["eventId", "eventId", "subscriptionIds", "subscriptionIds",
                                    *EVENT_KEYS]))
        if key == "subscriptionIds":
            where = root
        if draw(st.integers(0, 5)) == 0:
            where.pop(key, None)
        elif key == "eventId":
            where[key] = draw(event_ids)
        elif key == "subscriptionIds":
            where[key] = draw(st.lists(st.sampled_from(IDS), max_size=4))
        else:
            where[key] = draw(scalars)
    return root


Head = tuple[str | None, str, str, dict[str, str]]


@st.composite
def heads(draw: st.DrawFn) -> Head:
    return (draw(st.sampled_from([CREATE, CREATE, UPDATE, UPDATE, DELETE, REMOVE, None])),
            draw(st.sampled_from(["POST", "POST", "post", "DELETE"])),
            draw(st.sampled_from(URLS)), dict(draw(st.sampled_from(HEADER_SETS))))


@st.composite
def audiences(
    draw: st.DrawFn,
) -> list[tuple[RenderedRequest, str | None, dict[str, object]]]:
    """Requests with one or two heads, their bodies variants of one body."""
    pool = draw(st.lists(heads(), min_size=1, max_size=2))
    base = draw(roots(flat=any(target == UPDATE for target, *_ in pool)))
    out = []
    for _ in range(draw(st.integers(1, 30))):
        target, method, url, headers = draw(st.sampled_from(pool))
        text = draw(texts(draw(variant(base))))
        attributes: dict[str, object] = {}
        if draw(st.integers(0, 3)):
            attributes["rokt:account_code"] = draw(st.sampled_from(ACCOUNTS))
            attributes["rokt:subscription_id"] = draw(st.sampled_from(SUBSCRIPTIONS))
        out.append((RenderedRequest(method, url, dict(headers), text), target, attributes))
    return out


def reference(
    request: RenderedRequest, target: str | None, origin: Origin
) -> set[tuple[str, Severity]]:
    return {(p.rule, p.severity or RULES[p.rule].severity)
            for p in validate(request, target, origin)}


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from([STOCK_SOURCES, LITERAL_TOKEN]), audiences())
def test_the_counter_agrees_with_validate(
    sources: dict[str, str],
    drawn: list[tuple[RenderedRequest, str | None, dict[str, object]]],
) -> None:
    counter = RuleCounter(sources)
    for request, target, attributes in drawn:
        want = reference(request, target, Origin(sources, attributes))
        assert set(counter.rules(request, target, attributes)) == want, (request, target)


def test_the_memo_is_used_across_users_and_per_user_rules_still_run() -> None:
    """Two users of the stock body share the verdict of everything but their own values:
    the second user's empty eventId and the third's cross-account id are still found."""
    counter = RuleCounter(STOCK_SOURCES)
    codes = ["brazetest/980fa1310378", "other/e0a50507df40"]

    def user(event_id: str, ids: list[str], accounts: list[str]) -> set[tuple[str, Severity]]:
        root = stock_like()
        root["event"]["eventId"] = event_id
        root["subscriptionIds"] = ids
        request = RenderedRequest("POST", CREATE_URL, dict(HEADERS), json.dumps(root))
        attributes = {"rokt:account_code": accounts, "rokt:subscription_id": ids}
        found = set(counter.rules(request, CREATE, attributes))
        assert found == reference(request, CREATE, Origin(STOCK_SOURCES, attributes))
        return found

    notify = ("rokt-notify-before", Severity.WARNING)
    assert user("Event_0001_u1", [GUID_1], codes[:1]) == {notify}
    assert user("Event_0001_", [GUID_1], codes[:1]) == {
        notify, ("rokt-required-field", Severity.ERROR)}
    assert user("Event_0001_u3", [GUID_1, GUID_3], codes) == {
        notify, ("rokt-subscription-ids", Severity.ERROR)}
    assert user("Event_0001_u4", [GUID_1, GUID_1.upper()], codes[:1] * 2) == {
        notify, ("rokt-subscription-ids", Severity.WARNING)}
    assert len(counter._memo) == 1  # one shared verdict for all four


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3) | st.floats(allow_nan=False)
    | st.sampled_from([2**70, "\ud800", "null"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=2), inner, max_size=3), max_leaves=8)


@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "tuples"])
def test_frozen_keeps_apart_exactly_the_different_json_values(
    orjson: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not orjson:
        monkeypatch.setattr(jsonpos, "_dumps", None)

    @given(JSON, JSON)
    @settings(max_examples=300, deadline=None, database=None)
    def check(a: object, b: object) -> None:
        same = json.dumps(a) == json.dumps(b)  # (an infinity is Infinity, not null)
        assert (frozen(a) == frozen(b)) == same
        if same:
            assert hash(frozen(a)) == hash(frozen(b))

    check()
