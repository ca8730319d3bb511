"""Braze time values: parsing the formats Braze accepts, and printing them as Braze does.

Braze stores custom attributes, event properties and `dob` as *time* values when they are sent
as date strings. The accepted formats (user attributes object and event object pages of the
Braze API docs) are ISO 8601 and `yyyy-MM-ddTHH:mm:ss:SSSZ`, `yyyy-MM-ddTHH:mm:ss`,
`yyyy-MM-dd HH:mm:ss`, `yyyy-MM-dd`, `MM/dd/yyyy`; a time without a zone is UTC ("Time
attributes without a time zone default to Midnight UTC"). Exports print times as ISO 8601
(`2021-06-28T17:02:43.032Z`) or `2020-07-10 15:00:00.000 UTC` (`created_at` in the sample).

In Liquid Braze prints a time attribute like `2021-06-03 17:13:41 UTC` (filters page), which is
Ruby's `Time#to_s`; `BrazeTime` reproduces that so a template that outputs a time unfiltered
renders what Braze would, while still being a `datetime` for the `date` filter.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from rokt_braze.iso8601 import parse_iso

__all__ = ["BrazeTime", "export_time", "parse_time"]


class BrazeTime(datetime):
    """An aware `datetime` whose `str()` is Ruby's `Time#to_s` (`2021-06-03 17:13:41 UTC`)."""

    def __str__(self) -> str:
        offset = self.utcoffset()
        if offset is None or offset == timedelta(0):
            return self.strftime("%Y-%m-%d %H:%M:%S UTC")
        return self.strftime("%Y-%m-%d %H:%M:%S %z")

    @classmethod
    def of(cls, value: datetime) -> BrazeTime:
        """`value` in UTC as a `BrazeTime` (a naive value is taken to be UTC, as Braze does)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return cls(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, tzinfo=timezone.utc,
        )


_US_DATE = re.compile(r"(?P<mo>\d{2})/(?P<d>\d{2})/(?P<y>\d{4})")


def parse_time(text: str, *, date_only: bool = False, us_date: bool = False) -> BrazeTime | None:
    """Parse a Braze date string to a UTC `BrazeTime`; None when it is not one.

    A date-time always qualifies (ISO 8601, also with a space for `T`, `:` before the
    milliseconds and ` UTC` as the zone; no zone means UTC). `date_only` also accepts
    `YYYY-MM-DD` (midnight UTC) and `us_date` accepts `MM/dd/yyyy`; callers enable them only
    where Braze would read a bare date as a time, because in an export a time attribute
    always carries a time of day.
    """
    text = text.strip()
    try:
        stamp = parse_iso(text, strict=False, date_only=date_only)
    except ValueError:  # not ISO, or 2021-02-30 and the like: it stays a string
        stamp = None
    if stamp is not None:
        return BrazeTime.of(stamp.local.replace(tzinfo=stamp.offset() or timezone.utc))
    match = _US_DATE.fullmatch(text) if us_date else None
    if match is None:
        return None
    try:
        return BrazeTime(int(match["y"]), int(match["mo"]), int(match["d"]), tzinfo=timezone.utc)
    except ValueError:
        return None


def export_time(value: datetime) -> str:
    """The way a `/users/export` file writes a time: `2021-06-28T17:02:43.032Z`."""
    utc = BrazeTime.of(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
