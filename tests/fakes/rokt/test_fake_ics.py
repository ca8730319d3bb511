"""GET /calendars/{subscriptionId}.ics: the subscriber's iCalendar feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import requests

from rokt_braze.fakes.rokt import FakeRokt

from .helpers import SUB_A, SUB_B, create_body, feed, post_event


def parse(reply: requests.Response) -> icalendar.Calendar:
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(reply.content)


def test_feed_holds_the_event_with_zone_and_alarm(fake: FakeRokt, token: str) -> None:
    assert post_event(fake, token, create_body()).status_code == 202
    reply = feed(fake)
    calendar = parse(reply)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "launch-1"
    assert str(event["SUMMARY"]) == "Summer Sale"
    assert str(event["DESCRIPTION"]) == "Everything must go"
    assert str(event["LOCATION"]) == "https://example.com/sale"
    # Eastern Standard Time is America/New_York (CLDR); July is daylight time, UTC-4
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2030, 7, 1, 9, 30)
    assert start.utcoffset() == timedelta(hours=-4)
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2030, 7, 1, 10, 45)
    assert "DTSTART;TZID=America/New_York:20300701T093000" in reply.text
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert "TRIGGER:-PT30M" in reply.text
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_winter_event_uses_standard_time(fake: FakeRokt, token: str) -> None:
    """The stock template's sample date: 21 Feb 2019 15:00 in New York is 20:00 UTC."""
    post_event(fake, token, create_body(start="2019-02-21T15:00:00", end="2019-02-21T16:00:00"))
    [event] = parse(feed(fake)).walk("VEVENT")
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-5)


def test_other_zones_map_through_cldr(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(eventId="syd", timezone="AUS Eastern Standard Time"))
    post_event(fake, token, create_body(eventId="ind", timezone="India Standard Time"))
    calendar = parse(feed(fake))
    zones = {str(e["UID"]): e["DTSTART"].params["TZID"] for e in calendar.walk("VEVENT")}
    assert zones == {"syd": "Australia/Sydney", "ind": "Asia/Calcutta"}
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == set(zones.values())
    offsets = {str(e["UID"]): e.decoded("DTSTART").utcoffset() for e in calendar.walk("VEVENT")}
    assert offsets["ind"] == timedelta(hours=5, minutes=30)
    assert offsets["syd"] == timedelta(hours=10)  # July: Sydney standard time


def test_notify_before_as_string_counts(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(notifyBefore="15"))
    [event] = parse(feed(fake)).walk("VEVENT")
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)


def test_no_notify_before_means_no_alarm(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(notifyBefore=None))
    [event] = parse(feed(fake)).walk("VEVENT")
    assert event.walk("VALARM") == []


def test_end_equal_to_start_leaves_dtend_out(fake: FakeRokt, token: str) -> None:
    """RFC 5545 wants DTEND after DTSTART; the Braze sample sends end == start."""
    post_event(fake, token, create_body(end="2030-07-01T09:30:00"))
    [event] = parse(feed(fake)).walk("VEVENT")
    assert "DTEND" not in event


def test_all_day_event_uses_dates(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(allDayEvent=True, end="2030-07-02T00:00:00"))
    [event] = parse(feed(fake)).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2030, 7, 1)
    assert event.decoded("DTEND") == date(2030, 7, 3)  # exclusive


def test_feed_lists_only_that_subscription(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body(eventId="a-only"))
    both = create_body(eventId="both")
    both["subscriptionIds"] = [SUB_A, SUB_B]
    post_event(fake, token, both)
    uids_a = {str(e["UID"]) for e in parse(feed(fake, SUB_A)).walk("VEVENT")}
    uids_b = {str(e["UID"]) for e in parse(feed(fake, SUB_B.upper())).walk("VEVENT")}
    assert uids_a == {"a-only", "both"}
    assert uids_b == {"both"}


def test_unknown_subscription_is_404(fake: FakeRokt) -> None:
    reply = feed(fake, "00000000-0000-0000-0000-000000000000")
    assert reply.status_code == 404
    assert reply.json()["Code"] == "NotFound"


def test_feed_of_emptied_subscription_is_an_empty_calendar(fake: FakeRokt, token: str) -> None:
    post_event(fake, token, create_body())
    requests.delete(
        f"{fake.base_url}/v1/subscriptionevent/acme/launch-1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    calendar = parse(feed(fake))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"
