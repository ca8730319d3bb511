"""Braze's `date` and `time_zone` filters and how Braze times print.

Braze renders on servers whose clock is UTC, so (unlike python-liquid, which uses the local
zone of the machine running the tests):

* `'now'` / `'today'` (any case) is the current time in UTC;
* a Unix timestamp (an integer, or a string of digits such as the output of `date: '%s'`) is
  a UTC time, which is what makes `{{ 'now' | date: '%s' | plus: 259200 | date: '%F' }}` work;
* a date/time string without a zone is read as UTC; one with an offset keeps it;
* a `datetime` from a profile is used as is (a naive one is taken as UTC).

Input `date` cannot read (a float, an array, unparseable text) comes back unchanged, and an
empty format returns the input, both as Ruby Liquid does. Formats follow Ruby's strftime
(`strftime.ruby_strftime`).

`time_zone` returns a `BrazeTime`: an aware `datetime` that prints like Ruby's `Time#to_s`
(`2021-06-03 17:13:41 UTC`, `2021-06-03 10:13:41 -0700`) when output without `date`.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# python-dateutil comes with python-liquid; it ships no type stubs.
from dateutil import parser as date_parser  # type: ignore[import-untyped, unused-ignore]
from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil, to_text
from rokt_braze.braze.filters.strftime import CYCLE_SECONDS, CYCLE_YEARS, ruby_strftime
from rokt_braze.iso8601 import parse_iso

UTC = dt.timezone.utc

Clock = Callable[[], dt.datetime]

_DIGITS = re.compile(r"[0-9]+")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})\b")
_OFFSET = re.compile(r"([+-])([0-9]{1,2})(?::?([0-9]{2}))?")
#: ActiveSupport reads a numeric zone argument up to this size as hours, above it as seconds.
_MAX_HOURS_ARGUMENT = 13


def utc_now() -> dt.datetime:
    """The current time in UTC: Braze's `'now'`."""
    return dt.datetime.now(UTC)


class BrazeTime(dt.datetime):
    """An aware datetime that prints the way Braze prints a time value."""

    def __str__(self) -> str:
        return ruby_time_string(self)

    @classmethod
    def of(cls, moment: dt.datetime) -> BrazeTime:
        """Return `moment` as a `BrazeTime` (naive times are taken as UTC)."""
        return cls(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.microsecond,
            tzinfo=moment.tzinfo or UTC,
            fold=moment.fold,
        )


def ruby_time_string(moment: dt.datetime) -> str:
    """Ruby's `Time#to_s`: `2021-06-03 17:13:41 UTC`, or with `-0700` outside UTC.

    This is how a Braze date attribute appears when output bare; an output stage that receives
    plain `datetime` values from a profile can use it too.
    """
    stamp = ruby_strftime(moment, "%Y-%m-%d %H:%M:%S")
    if moment.tzinfo is None or moment.tzname() in ("UTC", "UCT"):
        return f"{stamp} UTC"
    return f"{stamp} {ruby_strftime(moment, '%z')}"


def to_time(value: object, clock: Clock = utc_now) -> dt.datetime | None:
    """Read a Liquid value as an aware datetime, or None when Ruby Liquid could not."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _from_timestamp(value)
    if isinstance(value, str):
        return _parse_time_text(value, clock)
    return None


def _from_timestamp(seconds: int) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _far_timestamp(value: object) -> tuple[dt.datetime, int] | None:
    """A Unix timestamp beyond Python's years 1-9999 (such as milliseconds read as
    seconds, as Ruby does): the same moment whole 400-year cycles nearer, and how many."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    cycles = value // CYCLE_SECONDS - (2000 - 1970) // CYCLE_YEARS
    moment = _from_timestamp(value - cycles * CYCLE_SECONDS)
    return None if moment is None else (moment, cycles)


def _parse_time_text(text: str, clock: Clock) -> dt.datetime | None:
    if text.lower() in ("now", "today"):
        return clock().astimezone(UTC)
    if _DIGITS.fullmatch(text):
        return _from_timestamp(int(text))
    if not text.strip():
        return None
    day_first = _DAY_FIRST.match(text.strip())
    if day_first:  # Ruby reads 03/06/2021 as 3 June; no such day: not a time
        day, month, year = (int(part) for part in day_first.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    # Missing parts come from today's date, as with Ruby's Time.parse.
    midnight = clock().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        with warnings.catch_warnings():
            # An unknown zone abbreviation ("PDT") leaves a naive time, read as UTC below.
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed: dt.datetime = date_parser.parse(
                text, default=midnight.replace(tzinfo=None), dayfirst=bool(day_first)
            )
    except (ValueError, OverflowError):
        return _rolled_over(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _rolled_over(text: str) -> dt.datetime | None:
    """ISO 8601 times Ruby reads by rolling over: `T24:00` is the next day's midnight
    (a Braze use case writes "end of day" so), second 60 the next minute."""
    try:
        stamp = parse_iso(text.strip(), strict=False, rollover=True)
    except ValueError:
        return None
    return stamp.local.replace(tzinfo=stamp.offset() or UTC)


def make_date_filter(clock: Clock = utc_now) -> Callable[[object, object], object]:
    """Build Braze's `date` filter; `clock` supplies `'now'` (tests and replays freeze it)."""

    def date(value: object, fmt: object) -> object:
        """Format a time with a Ruby strftime format; see the module docstring for inputs."""
        if is_nil(value):  # nil stays nil, as in Ruby Liquid (`{% if %}` on it is false)
            return None
        fmt_text = to_text(fmt)
        if not fmt_text:
            return value
        moment = to_time(value, clock)
        if moment is None:
            far = _far_timestamp(value)
            return value if far is None else ruby_strftime(far[0], fmt_text, cycles=far[1])
        return ruby_strftime(moment, fmt_text)

    date.__qualname__ = "date"  # python-liquid quotes it in argument errors
    return date


def make_time_zone_filter(clock: Clock = utc_now) -> Callable[[object, object], object]:
    """Build Braze's `time_zone` filter; `clock` supplies `'now'`."""

    def time_zone(value: object, zone: object) -> object:
        """Return the input time converted to `zone`, so `date` prints local time.

        `zone` may be:

        * an IANA name (`'America/Los_Angeles'`, `'UTC'`), e.g. the user's `${time_zone}`;
        * an offset string, `'+05:30'`, `'-0500'`, `'+05'` (`'-0005'` is minus five minutes);
        * a number, read the way ActiveSupport reads one: hours when at most 13 in size, else
          seconds. So Braze's documented `time_zone: -0005` (Liquid reads the bare literal as
          the integer -5) means UTC-05:00;
        * nil, undefined or blank (a user without a time zone): the time is returned
          unchanged, as Rails' `in_time_zone(nil)` does.

        An unknown zone name is a render error. Rails raises `ArgumentError` for one, so Braze
        cannot render such a message either; raising makes the bad template or profile value
        visible instead of silently printing UTC.

        Input that is not a time (see `date`) is returned unchanged.
        """
        moment = to_time(value, clock)
        if moment is None:
            return value
        tz = resolve_zone(zone)
        return BrazeTime.of(moment if tz is None else moment.astimezone(tz))

    time_zone.__qualname__ = "time_zone"
    return time_zone


def resolve_zone(zone: object) -> dt.tzinfo | None:
    """Turn a `time_zone` argument into a tzinfo (None: leave the time as it is)."""
    if is_nil(zone):
        return None
    if isinstance(zone, dt.tzinfo):
        return zone
    if isinstance(zone, bool):
        raise FilterArgumentError(f"time_zone: not a time zone: {to_text(zone)}", token=None)
    if isinstance(zone, (int, float, Decimal)):
        hours_or_seconds = float(zone)
        seconds = (
            hours_or_seconds * 3600
            if abs(hours_or_seconds) <= _MAX_HOURS_ARGUMENT
            else hours_or_seconds
        )
        return _fixed_offset(dt.timedelta(seconds=round(seconds)), to_text(zone))
    text = to_text(zone).strip()
    if not text:
        return None
    match = _OFFSET.fullmatch(text)
    if match:
        sign, hours, minutes = match.groups()
        if int(minutes or 0) >= 60:
            raise FilterArgumentError(f"time_zone: bad UTC offset {text!r}", token=None)
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        return _fixed_offset(-offset if sign == "-" else offset, text)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise FilterArgumentError(
            f"time_zone: unknown time zone {text!r} (expected an IANA name such as "
            "'America/New_York' or a UTC offset such as '-05:00')",
            token=None,
        ) from err


def _fixed_offset(offset: dt.timedelta, spelled: str) -> dt.tzinfo:
    if offset == dt.timedelta(0):
        return UTC
    if abs(offset) >= dt.timedelta(hours=24):
        raise FilterArgumentError(f"time_zone: UTC offset out of range: {spelled}", token=None)
    # Named like TZInfo's fixed-offset abbreviations ("-05", "+0530") for %Z.
    minutes = int(abs(offset).total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    sign = "-" if offset < dt.timedelta(0) else "+"
    name = f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    return dt.timezone(offset, name)
