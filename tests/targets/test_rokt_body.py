"""Rokt body rules: schema structure and value rules, one problem per defect, offsets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rokt_samples import (
    GUID_1,
    GUID_2,
    STOCK_CREATE,
    STOCK_UPDATE,
    UPDATE_URL,
    body,
    notify_string_warning,
    request,
    stock_event,
)

from rokt_braze.findings import RULES, Severity
from rokt_braze.targets import Problem, validate
from rokt_braze.targets.rokt import CREATE, UPDATE
from rokt_braze.targets.rokt.schema import load

W = Severity.WARNING


def create(text: str) -> list[Problem]:
    return validate(request(text), CREATE)


def update(text: str) -> list[Problem]:
    return validate(request(text, url=UPDATE_URL), UPDATE)


def with_event(**changes: Any) -> str:
    """The stock create body with event fields changed (a value of `...` removes it)."""
    event = stock_event()
    for key, value in changes.items():
        if value is ...:
            del event[key]
        else:
            event[key] = value
    return body(event)


def at(text: str, problem: Problem) -> str:
    """What the problem's offset points at."""
    assert problem.field == "body" and problem.offset >= 0, problem
    return text[problem.offset :]


def one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# -- the stock template -------------------------------------------------------------------


def placed(problems: list[Problem]) -> list[tuple[str, int, Severity | None]]:
    """(rule, offset, severity) of each problem, the rule's default severity spelt out."""
    return [(p.rule, p.offset, p.severity or RULES[p.rule].severity) for p in problems]


def test_stock_create_body_has_only_the_notify_before_string_warning() -> None:
    assert STOCK_CREATE.startswith("\n" * 9 + "{")
    assert '"notifyBefore": "15"' in STOCK_CREATE
    problems = create(STOCK_CREATE)
    assert placed(problems) == [notify_string_warning(STOCK_CREATE)]
    message = problems[0].message
    assert "the Rokt reference types notifyBefore as a number" in message
    assert "send 15 without quotes" in message
    # the facts only: what the reference says and what the stock template sends
    assert message.endswith("(the stock Rokt template sends a string)")
    assert "likely" not in message


def test_stock_update_body_has_only_the_notify_before_string_warning() -> None:
    assert placed(update(STOCK_UPDATE)) == [notify_string_warning(STOCK_UPDATE)]


def test_stock_create_body_for_a_user_without_subscriptions() -> None:
    text = STOCK_CREATE.replace(f'["{GUID_1}","{GUID_2}"]', '[""]')
    notify, problem = create(text)
    assert placed([notify]) == [notify_string_warning(text)]
    assert (problem.rule, problem.severity) == ("rokt-subscription-ids", None)
    assert at(text, problem).startswith('""]')
    assert "rokt:subscription_id" in problem.message


def test_update_body_sent_to_create_misses_subscription_ids() -> None:
    problem, notify = create(STOCK_UPDATE)
    assert placed([notify]) == [notify_string_warning(STOCK_UPDATE)]
    assert problem.rule == "rokt-required-field"
    assert "subscriptionIds" in problem.message
    assert at(STOCK_UPDATE, problem).startswith("{")  # the root object: no key to point at


# -- rokt-required-field / rokt-template-field (missing) -----------------------------------


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("eventId", "rokt-required-field"),
        ("title", "rokt-required-field"),
        ("start", "rokt-required-field"),
        ("timezone", "rokt-required-field"),
        ("end", "rokt-template-field"),
        ("notifyBefore", "rokt-template-field"),
    ],
)
def test_missing_event_field(field: str, rule: str) -> None:
    text = with_event(**{field: ...})
    problem = one(create(text))
    assert problem.rule == rule
    assert f"event.{field} is missing" in problem.message
    assert at(text, problem).startswith('"event": {')  # the enclosing object's key


@pytest.mark.parametrize("field", ["description", "location"])
def test_optional_fields_may_be_missing(field: str) -> None:
    assert create(with_event(**{field: ...})) == []


def test_missing_event_object() -> None:
    text = body(None).replace('"event"', '"evnt"')
    problems = create(text)
    assert [(p.rule, p.severity) for p in problems] == [
        ("rokt-required-field", None),
        ("rokt-unknown-field", None),
    ]
    assert "event is missing" in problems[0].message
    assert at(text, problems[1]).startswith('"evnt"')
    assert "did you mean 'event'?" in problems[1].message


@pytest.mark.parametrize(
    ("field", "value", "rule", "words"),
    [
        ("eventId", "", "rokt-required-field", "is empty"),
        ("title", "   ", "rokt-required-field", "is empty"),
        ("start", "", "rokt-required-field", "is empty"),
        ("timezone", "", "rokt-required-field", "is empty"),
        ("eventId", "Event_0001_", "rokt-required-field", "user id part rendered empty"),
        ("end", "", "rokt-template-field", "is empty"),
        ("notifyBefore", "", "rokt-template-field", "is empty"),
    ],
)
def test_empty_values(field: str, value: object, rule: str, words: str) -> None:
    text = with_event(**{field: value})
    problem = one(create(text))
    assert (problem.rule, problem.severity) == (rule, None)
    assert words in problem.message
    assert at(text, problem).startswith(json.dumps(value))


@pytest.mark.parametrize("field", ["end", "notifyBefore"])
def test_null_template_fields_are_warnings(field: str) -> None:
    """Optional in the Rokt reference, whose own sample sends `notifyBefore: null`."""
    text = with_event(**{field: None})
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-template-field", W)
    assert "is null" in problem.message
    assert at(text, problem).startswith("null")


@pytest.mark.parametrize("field", ["end", "notifyBefore"])
def test_missing_template_fields_are_warnings(field: str) -> None:
    problem = one(create(with_event(**{field: ...})))
    assert (problem.rule, problem.severity) == ("rokt-template-field", W)



# -- rokt-field-type and rokt-unknown-field ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", 5, "must be a string, not a number"),
        ("start", 20190221, "must be a string, not a number"),
        ("timezone", None, "must be a string, not null"),
        ("allDayEvent", "true", "must be a boolean or null, not a string"),
        ("notifyBefore", {}, "must be a number, a string or null, not an object"),
        ("notifyBefore", True, "not a boolean"),
        ("notifyBefore", [15], "not an array"),
        ("description", {"text": "x"}, "must be a string or null, not an object"),
    ],
)
def test_wrong_type_is_one_field_type_problem(field: str, value: object, words: str) -> None:
    text = with_event(**{field: value})
    problem = one(create(text))
    assert problem.rule == "rokt-field-type"
    assert words in problem.message
    assert json.JSONDecoder().raw_decode(text, problem.offset)[0] == value


def test_wrong_types_at_the_top_level() -> None:
    text = body("not an object", ids="06423672-b6ba-4536-aa36-70788a7a0a36")
    problems = create(text)
    assert [p.rule for p in problems] == ["rokt-field-type", "rokt-field-type"]
    assert at(text, problems[0]).startswith('"not an object"')
    assert at(text, problems[1]).startswith('"06423672')
    text = body(ids=[GUID_1, 7])
    problem = one(create(text))
    assert (problem.rule, problem.message) == (
        "rokt-field-type",
        "subscriptionIds[1] must be a string, not a number",
    )
    assert at(text, problem).startswith("7")


def test_unknown_keys_are_warnings_at_the_key() -> None:
    event = stock_event()
    event["titre"] = event.pop("title")  # the machine-translated French page
    text = body(event, source="braze")
    problems = create(text)
    assert [(p.rule, p.severity) for p in problems] == [
        ("rokt-required-field", None),
        ("rokt-unknown-field", None),
        ("rokt-unknown-field", None),
    ]
    assert RULES["rokt-unknown-field"].severity == W
    assert at(text, problems[1]).startswith('"titre"')
    assert "did you mean 'title'?" in problems[1].message
    assert at(text, problems[2]).startswith('"source"')


def test_documented_optional_fields_are_accepted() -> None:
    text = with_event(
        allDayEvent=False,
        timezoneIanaId="America/New_York",
        actionType="x",
        visibleFromDateTimeUtc="2019-02-20T00:00:00Z",
        description=None,
    )
    assert create(text) == []
    assert create(body(actionType="x")) == []


# -- rokt-timezone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone",
    [
        "Eastern Standard Time",
        "UTC",
        "UTC-11",
        "UTC+12",
        "UTC+13",
        "AUS Eastern Standard Time",
        "Yukon Standard Time",
    ],
)
def test_valid_timezones(zone: str) -> None:
    assert create(with_event(timezone=zone)) == []


@pytest.mark.parametrize(
    ("zone", "severity", "words"),
    [
        ("eastern standard time", W, "only in case; write 'Eastern Standard Time'"),
        ("Aus Eastern Standard Time", W, "'AUS Eastern Standard Time'"),
        ("America/New_York", None, "IANA name; the Windows id is 'Eastern Standard Time'"),
        ("Asia/Kolkata", None, "'India Standard Time'"),
        ("EST", None, "use 'Eastern Standard Time'"),
        ("Eastern Time", None, "use 'Eastern Standard Time'"),
        ("UTC-5", None, "UTC offset is not an id"),
        ("GMT-05:00", None, "UTC offset is not an id"),
        ("UTC-9", None, "'UTC-09'"),
        ("Eastern Standart Time", None, "did you mean 'Eastern Standard Time'?"),
        ("British Columbia Standard Time", None, "not a Windows time-zone id"),
    ],
)
def test_invalid_timezones(zone: str, severity: Severity | None, words: str) -> None:
    text = with_event(timezone=zone)
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-timezone", severity)
    assert words in problem.message
    assert at(text, problem).startswith(json.dumps(zone))


def test_timezone_iana_id_must_be_an_iana_name() -> None:
    text = with_event(timezoneIanaId="Eastern Standard Time")
    problem = one(create(text))
    assert problem.rule == "rokt-timezone" and "not an IANA" in problem.message
    assert at(text, problem).startswith('"Eastern Standard Time"')


@pytest.mark.parametrize("iana", ["America/New_York", "America/Detroit"])
def test_timezone_and_iana_id_that_agree(iana: str) -> None:
    assert create(with_event(timezone="Eastern Standard Time", timezoneIanaId=iana)) == []


def test_timezone_and_iana_id_must_agree() -> None:
    text = with_event(timezone="Eastern Standard Time", timezoneIanaId="Europe/London")
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-timezone", None)
    assert "is not the zone of timezone 'Eastern Standard Time'" in problem.message
    assert at(text, problem).startswith('"Europe/London"')


# -- rokt-datetime, rokt-event-order, rokt-dst ---------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2019-02-21T15:00",
        "2019-02-21T15:00:00",
        "2019-02-21T15:00:00.123",
        "2019-02-21T15:00:00.1234567",
        "2020-02-29T00:00:00",
        "2019-02-21",  # a date alone: an all-day event
        "2019-02-21T15:00:00.000Z",  # the format of Rokt's own samples
        "2019-02-21T15:00:00Z",
    ],
)
def test_valid_local_datetimes(value: str) -> None:
    assert create(with_event(start=value, end=value)) == []


@pytest.mark.parametrize(
    ("value", "severity", "words"),
    [
        ("2019-02-30T15:00:00", None, "not a real date"),
        ("2019-02-21T24:00:00", None, "not a real date"),
        ("2019/02/21 15:00", None, "not an ISO 8601 date-time"),
        ("2019-02-21 15:00:00", None, "not an ISO 8601 date-time"),
        ("2019-02-30", None, "not a real date"),
        ("21/02/2019", None, "not an ISO 8601 date-time"),
        ("2019-02-21T15:00:00+01:00", W, "offset '+01:00'"),
        ("2019-02-21T15:00:00.000-05:00", W, "offset '-05:00'"),
    ],
)
def test_bad_datetimes(value: str, severity: Severity | None, words: str) -> None:
    text = with_event(start=value)
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-datetime", severity)
    assert words in problem.message
    assert at(text, problem).startswith(f'"{value}"')


def test_visible_from_must_be_utc() -> None:
    text = with_event(visibleFromDateTimeUtc="2019-02-20T00:00:00")
    problem = one(create(text))
    assert problem.rule == "rokt-datetime" and "has no 'Z'" in problem.message


def test_end_before_start() -> None:
    text = with_event(start="2019-02-21T15:00:00", end="2019-02-21T14:59:59")
    problem = one(create(text))
    assert problem.rule == "rokt-event-order"
    assert at(text, problem).startswith('"2019-02-21T14:59:59"')
    assert create(with_event(start="2019-02-21T15:00", end="2019-02-21T15:00:00")) == []


@pytest.mark.parametrize(
    ("zone", "start", "words"),
    [
        ("Eastern Standard Time", "2024-03-10T02:30:00", "does not exist"),
        ("Eastern Standard Time", "2024-11-03T01:30:00", "happens twice"),
        ("W. Europe Standard Time", "2024-03-31T02:15:00", "does not exist"),
        ("eastern standard time", "2024-03-10T02:30:00", "America/New_York"),  # case-only id
    ],
)
def test_dst_gap_and_overlap(zone: str, start: str, words: str) -> None:
    text = with_event(timezone=zone, start=start, end="2024-12-01T00:00:00")
    problems = [p for p in create(text) if p.rule == "rokt-dst"]
    problem = one(problems)
    assert problem.severity is None and RULES["rokt-dst"].severity == W
    assert words in problem.message
    assert at(text, problem).startswith(f'"{start}"')


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Eastern Standard Time", "2024-03-10T03:30:00"),
        ("Eastern Standard Time", "2024-11-03T02:30:00"),
        ("UTC", "2024-03-10T02:30:00"),
        ("US Mountain Standard Time", "2024-03-10T02:30:00"),
    ],
)
def test_no_dst_problem_outside_transitions(zone: str, start: str) -> None:
    assert create(with_event(timezone=zone, start=start, end="2024-12-01T00:00:00")) == []


def test_dst_skipped_when_timezone_is_unknown() -> None:
    text = with_event(
        timezone="America/New_York", start="2024-03-10T02:30:00", end="2024-12-01T00:00:00"
    )
    assert [p.rule for p in create(text)] == ["rokt-timezone"]


# -- rokt-notify-before ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [15, 0, 1440, 15.0])
def test_notify_before_accepted(value: object) -> None:
    assert create(with_event(notifyBefore=value)) == []


@pytest.mark.parametrize(("value", "minutes"), [("15", 15), ("0", 0), ("1440", 1440),
                                                ("15.0", 15)])
def test_notify_before_as_a_numeric_string_is_a_warning(value: str, minutes: int) -> None:
    text = with_event(notifyBefore=value)
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-notify-before", W)
    assert f"send {minutes} without quotes" in problem.message
    assert at(text, problem).startswith(f'"notifyBefore": {json.dumps(value)}')


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("abc", "not a number"),
        (-5, "negative"),
        ("-5", "negative"),
        (1.5, "not a whole"),
        ("1.5", "not a whole"),
        ("15 minutes", "not a number"),
        ("1e3", "not a number"),
    ],
)
def test_notify_before_rejected(value: object, words: str) -> None:
    text = with_event(notifyBefore=value)
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-notify-before", None)
    assert words in problem.message
    assert at(text, problem).startswith(json.dumps(value))


# -- rokt-subscription-ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "index", "severity", "words"),
    [
        ([], None, None, "is empty; the event would reach no subscription"),
        ([""], 0, None, "join renders"),
        ([GUID_1, "not-a-guid"], 1, None, "is not a GUID"),
        ([f"{GUID_1},{GUID_2}"], 0, None, "several ids in one string"),
        ([f" {GUID_1}"], 0, None, "is not a GUID"),
        ([GUID_1, GUID_2, GUID_1.upper()], 2, W, "repeats subscriptionIds[0]"),
    ],
)
def test_subscription_ids_rejected(
    ids: list[str], index: int | None, severity: Severity | None, words: str
) -> None:
    text = body(ids=ids)
    problem = one(create(text))
    assert (problem.rule, problem.severity) == ("rokt-subscription-ids", severity)
    assert words in problem.message
    pointed = at(text, problem)
    assert pointed.startswith("[" if index is None else json.dumps(ids[index]))


@pytest.mark.parametrize("ids", [[GUID_1], [GUID_1.upper(), GUID_2]])
def test_subscription_ids_accepted(ids: list[str]) -> None:
    assert create(body(ids=ids)) == []


def test_subscription_ids_on_update_is_a_warning_at_the_key() -> None:
    text = body(ids=[""])
    problem = one(update(text))
    assert (problem.rule, problem.severity) == ("rokt-subscription-ids", W)
    assert at(text, problem).startswith('"subscriptionIds"')


# -- the legacy flat update body ------------------------------------------------------------


def test_flat_update_body_is_a_legacy_shape_warning() -> None:
    flat = "\n" + json.dumps(stock_event(), indent=2)
    problem = one(update(flat))
    assert (problem.rule, problem.severity) == ("rokt-required-field", W)
    assert "legacy flat update shape" in problem.message
    assert at(flat, problem).startswith("{")


def test_flat_update_body_fields_are_still_checked_where_they_are() -> None:
    event = stock_event()
    del event["title"]
    event["timezone"] = "EST"
    event["colour"] = "red"
    flat = json.dumps({**event, "subscriptionIds": [GUID_1]}, indent=2)
    problems = update(flat)
    assert [(p.rule, p.severity) for p in problems] == [
        ("rokt-required-field", W),  # the flat shape
        ("rokt-required-field", None),  # title, reported at the root object
        ("rokt-timezone", None),
        ("rokt-unknown-field", None),
        ("rokt-subscription-ids", W),
    ]
    assert "event.title" not in problems[1].message and "title is missing" in problems[1].message
    assert at(flat, problems[2]).startswith('"EST"')
    assert at(flat, problems[3]).startswith('"colour"')
    assert at(flat, problems[4]).startswith('"subscriptionIds"')


def test_update_without_any_event_fields_misses_the_event() -> None:
    problem = one(update("{}"))
    assert problem.rule == "rokt-required-field" and problem.severity is None
    assert "event is missing" in problem.message


# -- shape memo and both schemas ------------------------------------------------------------


def test_same_shape_different_values_get_their_own_offsets() -> None:
    """Schema results are memoized by shape; offsets must still come from each body."""
    short = with_event(eventId="E_1", title=..., extra=1)
    long = with_event(eventId="E_" + "x" * 50, title=..., extra=1)
    for text in (short, long):
        problems = create(text)
        assert [p.rule for p in problems] == ["rokt-required-field", "rokt-unknown-field"]
        assert at(text, problems[1]).startswith('"extra"')


def test_both_schemas_share_one_event_definition() -> None:
    assert load("create_event")["$defs"]["event"] == load("update_event")["$defs"]["event"]
    assert load("create_event")["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_problems_come_sorted_by_offset_within_the_body() -> None:
    text = with_event(timezone="EST", start="2019-02-30T00:00:00", notifyBefore=-1)
    offsets = [p.offset for p in create(text)]
    assert len(offsets) == 3 and offsets == sorted(offsets)


def test_value_rules_memoized_per_event_still_read_each_users_event_id() -> None:
    """The rules that ignore eventId run once per distinct rest of the event; the eventId
    rules, and every offset, are each body's own."""
    first = with_event(eventId="Event_0001_user-1")
    assert create(first) == []
    empty = with_event(eventId="Event_0001_")
    found = one(create(empty))
    assert (found.rule, at(empty, found)[:13]) == ("rokt-required-field", '"Event_0001_"')
    blank = with_event(eventId=" ", title="")
    assert sorted(p.rule for p in create(blank)) == ["rokt-required-field"] * 2
    # the same rest of the event at other offsets, and with values of other JSON types
    moved = with_event(eventId="a-much-longer-event-id-" * 3, title="")
    assert at(moved, one(create(moved))).startswith('""')
    for value, problems in ((15, 0), (15.0, 0), (True, 1), ("-5", 1), (-0.0, 0)):
        assert len(create(with_event(notifyBefore=value))) == problems, value
