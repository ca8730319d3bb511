"""Reading Rokt's `start`/`end`: ISO 8601 local wall-clock time in the event's zone."""

from __future__ import annotations

from datetime import datetime

from rokt_braze.iso8601 import parse_iso


def parse_local(text: str) -> datetime | None:
    """A naive wall-clock datetime, or None when `text` is not an ISO 8601 date(-time).

    Rokt defines `start`/`end` as local time in `timezone`, so a trailing `Z` or offset
    (seen only in generated doc samples; the validator warns on it) is dropped, not
    applied: the fake's choice, since Rokt's handling of it is unknown. The fake is lax
    (a bare date, a space for `T`) where the validator is strict.
    """
    try:
        return parse_iso(text, strict=False, date_only=True).local
    except ValueError:  # not ISO 8601, or 2019-02-30, 25:00, ...
        return None
