"""Cross-account subscription ids: a create (or v2 remove) whose subscription ids belong to
another account than the URL's, judged from the user's rokt:* attributes."""

from __future__ import annotations

from typing import Any

import pytest
from rokt_samples import GUID_1, GUID_2, HEADERS, body, request

from rokt_braze.request import RenderedRequest
from rokt_braze.targets import Origin, validate
from rokt_braze.targets.rokt import CREATE, DELETE, REMOVE, UPDATE
from rokt_braze.targets.rokt.accounts import account

HOST = "https://api.roktcalendar.com"
CREATE_URL = f"{HOST}/v1/subscriptionevent/brazetest"
#: a user subscribed to a calendar of brazetest and one of other-account, in Rokt's order
TWO_ACCOUNTS: dict[str, Any] = {
    "rokt:subscription_id": [GUID_1, GUID_2],
    "rokt:account_code": ["brazetest/f5733866ade2", "other-account/ff10919f1078"],
}


def cross(req: RenderedRequest, endpoint: str, attributes: dict[str, Any]) -> list[Any]:
    return [p for p in validate(req, endpoint, Origin(attributes=attributes))
            if p.rule == "rokt-subscription-ids"]


def test_an_id_of_another_account_is_an_error_at_that_id() -> None:
    text = body()
    [problem] = cross(request(text), CREATE, TWO_ACCOUNTS)
    assert (problem.field, problem.severity) == ("body", None)
    assert text[problem.offset :].startswith(f'"{GUID_2}"')
    assert problem.message.startswith(
        f"subscriptionIds[1] '{GUID_2}' is a subscription of account 'other-account' "
        "(rokt:account_code[1]), not of 'brazetest' in the URL")


@pytest.mark.parametrize(
    ("url", "ids", "attributes"),
    [
        (CREATE_URL, (GUID_1,), TWO_ACCOUNTS),  # only the URL account's id
        (f"{HOST}/v1/subscriptionevent/BrazeTest", (GUID_1,), TWO_ACCOUNTS),  # case
        (CREATE_URL, (GUID_1.upper(),), TWO_ACCOUNTS),  # GUIDs in any case
        # an id the user does not hold: not this rule's to judge
        (CREATE_URL, ("11111111-2222-4333-8444-555555555555",), TWO_ACCOUNTS),
        (CREATE_URL, (GUID_1, GUID_2), {"rokt:subscription_id": [GUID_1, GUID_2],
                                        "rokt:account_code": ["brazetest/f5733866ade2",
                                                              "brazetest/ff10919f1078"]}),
        (CREATE_URL, (GUID_1, GUID_2), {}),  # no attributes
        (CREATE_URL, (GUID_1, GUID_2), {"rokt:subscription_id": GUID_1,  # not arrays
                                        "rokt:account_code": "other-account/ff10919f1078"}),
        # one more id than account codes: that id's account is unknown
        (CREATE_URL, (GUID_1, GUID_2), {"rokt:subscription_id": [GUID_1, GUID_2],
                                        "rokt:account_code": ["brazetest/f5733866ade2"]}),
    ],
)
def test_ids_of_the_urls_account_or_unknown_ones_pass(
    url: str, ids: tuple[str, ...], attributes: dict[str, Any]
) -> None:
    assert cross(request(body(ids=ids), url=url), CREATE, attributes) == []


def test_an_account_code_with_its_suffix_in_the_url_is_compared_bare() -> None:
    url = f"{CREATE_URL}/f5733866ade2"  # rokt-url's error; the account is still brazetest
    [problem] = cross(request(body(), url=url), CREATE, TWO_ACCOUNTS)
    assert "subscriptionIds[1]" in problem.message


def test_without_an_origin_nothing_is_judged() -> None:
    assert [p for p in validate(request(body()), CREATE)
            if p.rule == "rokt-subscription-ids"] == []


def test_the_v2_remove_route_checks_its_path_subscription() -> None:
    url = f"{HOST}/v2/subscription/brazetest/{GUID_2}/subscriptionevent/Event_1"
    req = RenderedRequest("DELETE", url, {"Authorization": HEADERS["Authorization"]}, "")
    [problem] = cross(req, REMOVE, TWO_ACCOUNTS)
    assert (problem.field, problem.offset) == ("url", url.index(GUID_2))
    assert "the event is not removed from it" in problem.message
    ok = url.replace(GUID_2, GUID_1)
    assert cross(RenderedRequest("DELETE", ok, req.headers, ""), REMOVE, TWO_ACCOUNTS) == []


@pytest.mark.parametrize("endpoint", [UPDATE, DELETE])
def test_routes_that_name_no_subscription_are_not_judged(endpoint: str) -> None:
    url = f"{CREATE_URL}/update" if endpoint == UPDATE else f"{CREATE_URL}/Event_1"
    method = "POST" if endpoint == UPDATE else "DELETE"
    text = body(ids=None) if endpoint == UPDATE else ""
    req = request(text, url=url, method=method)
    assert cross(req, endpoint, TWO_ACCOUNTS) == []


@pytest.mark.parametrize(
    ("entry", "value"),
    [
        ("brazetest/f5733866ade2", "brazetest"),
        ("brazetest", "brazetest"),  # no key
        ("", ""),
    ],
)
def test_an_entrys_account_is_the_part_before_its_key(entry: str, value: str) -> None:
    assert account(entry) == value
