"""The public interface of rokt_braze.targets: endpoint_ids, validate, event_id, Problem."""

from __future__ import annotations

import dataclasses

import pytest
from rokt_samples import STOCK_CREATE, STOCK_UPDATE, UPDATE_URL, request

from rokt_braze.findings import RULES
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import Problem, endpoint_ids, event_id, validate


def test_targets() -> None:
    assert endpoint_ids() == ("rokt.create_event", "rokt.update_event", "rokt.delete_event",
                              "rokt.remove_event", "http")


def test_unknown_target_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"unknown target 'rokt\.cancel_event'"):
        validate(request(STOCK_CREATE), "rokt.cancel_event")


def test_problem_is_frozen_and_defaults() -> None:
    problem = Problem("url-invalid", "m", "url")
    assert (problem.offset, problem.severity) == (-1, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.offset = 3  # type: ignore[misc]


def test_a_broken_request_reports_every_field_in_order_with_known_rule_ids() -> None:
    req = RenderedRequest(
        "GET",
        "http://api.roktcalendar.com/v1/subscriptionevent/x",
        {"Authorization": "Bearer ", "Content-Type": "text/html"},
        '{"event": {}, "subscriptionIds": [""]}',
    )
    problems = validate(req, "rokt.create_event")
    assert [p.field for p in problems][:4] == [
        "url",
        "method",
        "header:Authorization",
        "header:Content-Type",
    ]
    assert {p.field for p in problems[4:]} == {"body"}
    assert all(p.rule in RULES for p in problems)
    assert all(p.severity is None or p.severity != RULES[p.rule].severity for p in problems)


def test_an_unparseable_body_stops_at_body_json_invalid() -> None:
    problems = validate(request('{"event": {"title": "a "quoted" title"}}'), "rokt.create_event")
    assert [p.rule for p in problems] == ["body-json-invalid"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (STOCK_CREATE, "Event_0001_user-42"),
        (STOCK_UPDATE, "Event_0001_user-42"),
        ('{"eventId": "flat_1", "title": "t"}', "flat_1"),  # legacy flat update
        ('{"event": {"eventId": 7}}', None),
        ('{"event": "x"}', None),
        ("[1]", None),
        ("{not json", None),
        ("", None),
    ],
)
def test_event_id(body: str, expected: str | None) -> None:
    assert event_id(request(body, url=UPDATE_URL)) == expected


@pytest.mark.parametrize("name", ["create_event", "update_event"])
def test_bundled_schemas_are_valid_json_schema(name: str) -> None:
    from jsonschema import Draft202012Validator

    from rokt_braze.targets.rokt.schema import load

    Draft202012Validator.check_schema(load(name))
