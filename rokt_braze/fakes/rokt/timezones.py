"""Windows time-zone id -> IANA zone for the fake's calendar feeds.

Rokt events name their zone by Windows id (`Eastern Standard Time`); calendar clients
need an IANA zone (`America/New_York`) for the TZID and its VTIMEZONE.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rokt_braze.windows_zones import iana_name


def iana_zone(windows_id: str) -> ZoneInfo | None:
    """The IANA zone for a Windows id, or None when the id is not in the table.

    Case is ignored: the validator only warns on a case mismatch, so the fake accepts
    such an event and must still find its zone."""
    iana = iana_name(windows_id, ignore_case=True)
    return ZoneInfo(iana) if iana else None
