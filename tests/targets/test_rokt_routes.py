"""The Rokt route table: each endpoint's method and body, detection by path and method,
the delete routes' URLs, a wrong method for a route, and a body where none is taken."""

from __future__ import annotations

import pytest
from rokt_samples import GUID_1, HEADERS, STOCK_CREATE, request

from rokt_braze.findings import RULES, Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import detect_target, event_id_policy, validate
from rokt_braze.targets.registry import endpoints
from rokt_braze.targets.rokt.routes import CREATE, DELETE, REMOVE, ROUTES, UPDATE, route

HOST = "https://api.roktcalendar.com"
V1 = f"{HOST}/v1/subscriptionevent"
V2 = f"{HOST}/v2/subscription"
AUTH = {"Authorization": HEADERS["Authorization"]}


def delete(url: str, body: str = "", method: str = "DELETE") -> RenderedRequest:
    return RenderedRequest(method, url, dict(AUTH), body)


def test_every_route_is_a_registered_endpoint_with_its_method_and_body() -> None:
    assert [r.endpoint for r in ROUTES] == [CREATE, UPDATE, DELETE, REMOVE]
    for r in ROUTES:
        assert endpoints()[r.endpoint] is endpoints()[CREATE]  # one target holds them all
        contract = r.contract
        assert contract.methods == (r.method,)
        assert contract.bearer_token
        assert contract.takes_body == contract.json_body == (r.method == "POST")
    assert (route(DELETE).schema, route(REMOVE).schema) == (None, None)


@pytest.mark.parametrize(
    ("url", "method", "endpoint"),
    [
        (f"{V1}/brazetest/Event_1", "DELETE", DELETE),
        (f"{V1}/brazetest/Event_1", "POST", DELETE),  # the path names the route
        (f"{V1}/brazetest", "DELETE", CREATE),  # ... and the method is then wrong
        (f"{V1}/brazetest/f5733866ade2", "POST", CREATE),  # a suffixed account code
        (f"{V1}/brazetest/f5733866ade2", "DELETE", DELETE),  # or an event id: the method says
        (f"{V1}/brazetest/update", "POST", UPDATE),
        (f"{V1}/brazetest/update", "DELETE", DELETE),  # the event "update"
        (f"{V1}/brazetest/f5733866ade2/Event_1", "DELETE", DELETE),
        (f"{V1}/brazetest/", "POST", CREATE),  # a trailing slash is not a delete
        (f"{V1}/brazetest/", "DELETE", DELETE),
        (f"{V2}/brazetest/{GUID_1}/subscriptionevent/Event_1", "DELETE", REMOVE),
        (f"{V2}/brazetest/{GUID_1}/subscriptionevent/Event_1", "POST", REMOVE),
        (f"{HOST}/v2/subscriptionevents/x", "DELETE", REMOVE),  # unknown v2 path
        (f"{HOST}/v1/subscriptionevents/x", "DELETE", DELETE),  # unknown path, a DELETE
        (f"{HOST}/oauth2/token", "DELETE", None),
    ],
)
def test_detection_by_path_then_method(url: str, method: str, endpoint: str | None) -> None:
    assert detect_target(url, method) == endpoint


@pytest.mark.parametrize(
    "url",
    [
        f"{V1}/brazetest/Event_0001_user-42",
        f"{V1}/my-account-2/launch%201",
        f"{HOST}:443/v1/subscriptionevent/brazetest/Event_1",
    ],
)
def test_a_good_v1_delete_is_quiet(url: str) -> None:
    assert validate(delete(url), DELETE) == []


def test_a_good_v2_remove_is_quiet() -> None:
    url = f"{V2}/brazetest/{GUID_1}/subscriptionevent/Event_0001_user-42"
    assert validate(delete(url), REMOVE) == []


@pytest.mark.parametrize(
    ("url", "endpoint", "at", "words"),
    [
        (f"{V1}/brazetest", DELETE, len(V1) + 10, "ends in /{eventId}"),
        (f"{V1}/brazetest/", DELETE, len(V1) + 11, "eventId is empty"),
        (f"{V1}/brazetest/Event_0001_", DELETE, len(V1) + 21, "user id part rendered empty"),
        (f"{V1}//Event_1", DELETE, len(V1) + 1, "account code is empty"),
        (f"{V1}/brazetest/f5733866ade2/Event_1", DELETE, len(V1) + 10, "attribute suffix"),
        (f"{V2}/brazetest/not-a-guid/subscriptionevent/E1", REMOVE, len(V2) + 11, "not a GUID"),
        (f"{V2}/brazetest/{GUID_1},{GUID_1}/subscriptionevent/E1", REMOVE, len(V2) + 11,
         "not a GUID"),
        (f"{V2}/brazetest//subscriptionevent/E1", REMOVE, len(V2) + 11,
         "subscriptionId is empty"),
        (f"{V2}/brazetest/{GUID_1}/subscriptionevent/", REMOVE, len(V2) + 66, "eventId is empty"),
        (f"{V2}/brazetest/{GUID_1}/subscriptionevents/E1", REMOVE, len(HOST), "is not /v2/"),
        (f"{V1}/brazetest/E1", REMOVE, len(HOST), "nearest: DELETE /v1/subscriptionevent/"),
    ],
)
def test_delete_url_problems(url: str, endpoint: str, at: int, words: str) -> None:
    problems = [p for p in validate(delete(url), endpoint) if p.rule == "rokt-url"]
    assert len(problems) == 1, problems
    assert problems[0].offset == at, problems
    assert words in problems[0].message


@pytest.mark.parametrize(
    ("url", "method", "endpoint", "named"),
    [
        (f"{V1}/brazetest", "DELETE", CREATE, ["DELETE /v1/", "DELETE /v2/"]),
        (f"{V1}/brazetest/Event_1", "POST", DELETE, ["POST /v1/subscriptionevent/{accountCode}",
                                                      "/update"]),
        (f"{V1}/brazetest/Event_1", "PUT", DELETE, []),  # no Rokt route takes PUT
    ],
)
def test_a_wrong_method_names_the_route_and_the_routes_that_take_it(
    url: str, method: str, endpoint: str, named: list[str]
) -> None:
    req = request(STOCK_CREATE, url=url, method=method)
    assert detect_target(url, method) == endpoint
    methods = [p for p in validate(req, endpoint) if p.field == "method"]
    assert len(methods) == 1, methods  # the route's message replaces the generic one
    message = methods[0].message
    assert methods[0].rule == "method-invalid"
    assert f"not the method of Rokt's {route(endpoint).shown}" in message
    assert all(words in message for words in named), message
    assert ("; " in message.partition("use ")[2]) == bool(named)


def test_a_body_on_a_delete_is_a_warning_and_nothing_else_is_checked_in_it() -> None:
    body = '\n  {"subscriptionIds": ["not a guid"]}'
    problems = validate(delete(f"{V1}/brazetest/Event_1", body), DELETE)
    assert [(p.rule, p.field, p.offset, p.severity) for p in problems] == [
        ("body-unexpected", "body", 3, None)]
    assert RULES["body-unexpected"].severity == Severity.WARNING
    assert "it is ignored" in problems[0].message


def test_a_delete_needs_no_content_type_and_has_no_event_id_policy() -> None:
    assert validate(delete(f"{V1}/brazetest/Event_1", "  \n"), DELETE) == []
    assert event_id_policy(DELETE) is None and event_id_policy(REMOVE) is None
    assert event_id_policy(CREATE) is not None


def test_a_delete_still_needs_the_bearer_token() -> None:
    req = RenderedRequest("DELETE", f"{V1}/brazetest/Event_1", {}, "")
    assert [(p.rule, p.field) for p in validate(req, DELETE)] == [
        ("header-invalid", "header:Authorization")]
