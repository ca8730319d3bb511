"""Windows time-zone id -> IANA zone, from the CLDR table shipped in `rokt_braze/data`.

Rokt events name their zone by Windows id (`Eastern Standard Time`); calendar clients
need an IANA zone (`America/New_York`) for the TZID and its VTIMEZONE.
"""

from __future__ import annotations

import functools
from importlib import resources
from zoneinfo import ZoneInfo


@functools.cache
def _table() -> dict[str, str]:
    """Keyed by the lower-cased Windows id: the validator only warns on a case mismatch,
    so the fake accepts such an event and must still find its zone."""
    text = resources.files("rokt_braze").joinpath("data/windows-to-iana.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip():
            windows_id, iana = line.split("\t")
            table[windows_id.strip().lower()] = iana.strip()
    return table


def iana_zone(windows_id: str) -> ZoneInfo | None:
    """The IANA zone for a Windows id, or None when the id is not in the table."""
    iana = _table().get(windows_id.strip().lower())
    return ZoneInfo(iana) if iana else None
