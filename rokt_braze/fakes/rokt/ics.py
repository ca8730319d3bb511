"""A subscription's events as an iCalendar feed, which is what Rokt's subscribers get.

Each event becomes a VEVENT whose UID is the client's eventId, with DTSTART/DTEND in the
event's zone (Windows id mapped to IANA; TZID parameter plus a VTIMEZONE component) and a
VALARM when notifyBefore is given. Text from clients is stripped of the control
characters RFC 5545 forbids in TEXT values (all but tab and line breaks, which
`icalendar` escapes). `icalendar` is imported here only, so the rest of the package
works without the optional `fake` extra until a feed is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from rokt_braze.fakes.rokt.dates import parse_local
from rokt_braze.fakes.rokt.models import StoredEvent
from rokt_braze.fakes.rokt.timezones import iana_zone

PRODID = "-//rokt-braze//fake Rokt Calendar API//EN"
#: VTIMEZONE rules are written for this margin around the feed's events.
_TZ_MARGIN = timedelta(days=366)
#: Control characters RFC 5545 forbids in TEXT (CONTROL minus HTAB; line breaks are
#: escaped as \n by icalendar), plus the C1 range.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def ics_text(value: str) -> str:
    """A client's text as an iCalendar TEXT value may hold it."""
    return _FORBIDDEN.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def require_icalendar() -> None:
    """Fail early, with the fix, when the optional dependency is missing."""
    try:
        import icalendar  # noqa: F401
    except ImportError:
        raise ImportError(
            "the fake Rokt server needs the 'icalendar' package: pip install 'rokt-braze[fake]'"
        ) from None


def build_feed(subscription_id: str, events: Sequence[StoredEvent]) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", ics_text(f"Rokt subscription {subscription_id}"))
    days: list[date] = []
    for stored in events:
        vevent, start = _vevent(icalendar, stored)
        calendar.add_component(vevent)
        days.append(start.date() if isinstance(start, datetime) else start)
    if days:
        calendar.add_missing_timezones(
            first_date=min(days) - _TZ_MARGIN, last_date=max(days) + _TZ_MARGIN
        )
    data: bytes = calendar.to_ical()
    return data


def _vevent(icalendar: Any, stored: StoredEvent) -> tuple[Any, date]:
    """The VEVENT and its start (a date for all-day events)."""
    zone = iana_zone(stored.timezone)
    start = parse_local(stored.start)
    end = parse_local(stored.end) if stored.end else None
    if zone is None or start is None:  # not reachable for bodies the validator passed
        raise ValueError(f"event {stored.event_id!r} has no usable start or timezone")

    vevent = icalendar.Event()
    vevent.add("uid", ics_text(stored.event_id))
    vevent.add("dtstamp", datetime.fromtimestamp(stored.updated, tz=timezone.utc))
    vevent.add("sequence", stored.sequence)
    vevent.add("summary", ics_text(stored.title))
    if stored.description:
        vevent.add("description", ics_text(stored.description))
    if stored.location:
        vevent.add("location", ics_text(stored.location))

    first: date
    if stored.all_day:
        first = start.date()
        last = (end or start).date()
        vevent.add("dtstart", first)
        vevent.add("dtend", max(last, first) + timedelta(days=1))  # DTEND is exclusive
    else:
        first = start.replace(tzinfo=zone)
        vevent.add("dtstart", first)
        # RFC 5545 wants DTEND after DTSTART; without it the event ends at its start,
        # which is what the Braze sample (end == start) means.
        if end is not None and end > start:
            vevent.add("dtend", end.replace(tzinfo=zone))

    if stored.notify_before is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", ics_text(stored.title))
        alarm.add("trigger", timedelta(minutes=-stored.notify_before))
        vevent.add_component(alarm)
    return vevent, first
