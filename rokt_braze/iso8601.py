"""ISO 8601 date-times: the one parser every layer uses.

The strict form is ISO 8601's extended date-time, `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±hh[:mm]]`
(what the Rokt Calendar API reads). The lax form adds what Braze accepts in attribute
values and exports: a space for `T`, `,` or `:` before the fraction (Braze's
`HH:mm:ss:SSSZ`), ` UTC` as the zone, any letter case and, with `date_only`, a bare date.
Each caller decides what the zone means: `Stamp.local` is the wall-clock value as written.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

__all__ = ["EXAMPLE", "Stamp", "parse_iso"]

EXAMPLE = "YYYY-MM-DDTHH:MM:SS, e.g. 2019-02-21T15:00:00"

_STRICT = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.(?P<frac>\d+))?)?(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_LAX = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,:](?P<frac>\d{1,9}))?)?)?"
    r"\s*(?P<zone>Z|UTC|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


class Stamp(NamedTuple):
    """A parsed date-time: the wall-clock value, the zone suffix as written ("" when
    none), and whether a time of day was given."""

    local: datetime
    suffix: str
    has_time: bool = True

    def offset(self) -> timezone | None:
        """The fixed offset the suffix names; None when there is none."""
        zone = self.suffix.upper()
        if not zone:
            return None
        if zone in ("Z", "UTC"):
            return timezone.utc
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))


def parse_iso(
    text: str, *, strict: bool = True, date_only: bool = False, rollover: bool = False
) -> Stamp:
    """Parse `text`; ValueError says what is wrong (the format, or an impossible date).

    `strict=False` accepts the lax forms above; `date_only` (lax only) also a bare date.
    `rollover` reads times as Ruby's `Time.parse` does (what Braze's `date` filter runs):
    `24:00` (`24:00:00`) is the next day's midnight and second 60 the next minute's first.
    """
    match = (_STRICT if strict else _LAX).fullmatch(text)
    if match is None or (not strict and not date_only and match["h"] is None):
        raise ValueError(f"is not an ISO 8601 date-time; use {EXAMPLE}")
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    hour, minute, second = int(match["h"] or 0), int(match["mi"] or 0), int(match["s"] or 0)
    carry = timedelta(0)
    if rollover and hour == 24 and minute == second == micro == 0:
        hour, carry = 0, timedelta(days=1)
    elif rollover and second == 60:
        second, carry = 59, timedelta(seconds=1)
    try:
        local = datetime(
            int(match["y"]), int(match["mo"]), int(match["d"]), hour, minute, second, micro,
        ) + carry  # fmt: skip
    except ValueError as err:
        raise ValueError(f"is not a real date and time ({err})") from None
    return Stamp(local, match["zone"] or "", match["h"] is not None)
