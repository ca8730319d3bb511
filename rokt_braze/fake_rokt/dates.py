"""Reading Rokt's `start`/`end`: ISO 8601 local wall-clock time in the event's zone."""

from __future__ import annotations

import re
from datetime import datetime

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_local(text: str) -> datetime | None:
    """A naive wall-clock datetime, or None when `text` is not an ISO 8601 date(-time).

    Rokt defines `start`/`end` as local time in `timezone`, so a trailing `Z` or offset
    (seen only in generated doc samples; the validator warns on it) is dropped, not
    applied: the fake's choice, since Rokt's handling of it is unknown.
    """
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, _offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day),
            int(hour or 0), int(minute or 0), int(second or 0), micro,
        )  # fmt: skip
    except ValueError:  # 2019-02-30, 25:00, ...
        return None
