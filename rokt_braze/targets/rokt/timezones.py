"""Rokt's Windows time-zone ids (its Timezones list) and what to suggest for a wrong one.

Rokt's list ships next to this module (the Windows -> IANA table is
`rokt_braze.windows_zones`); both are read once, on first use. Exact match is required; a
case-only difference is a warning (.NET looks ids up case-insensitively on Windows). For
anything else the message suggests the id the user most likely meant.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rokt_braze.windows_zones import windows_to_iana

# CLDR keeps these legacy IANA names as the golden zones; users write the modern ones.
_MODERN_NAMES = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "Europe/Kiev": "Europe/Kyiv",
}
# Abbreviations and colloquial names people type instead of an id.
_COLLOQUIAL = {
    **dict.fromkeys(("est", "edt", "et", "eastern time", "us/eastern"), "Eastern Standard Time"),
    **dict.fromkeys(("cst", "cdt", "ct", "central time", "us/central"), "Central Standard Time"),
    **dict.fromkeys(("mst", "mdt", "mt", "mountain time", "us/mountain"), "Mountain Standard Time"),
    **dict.fromkeys(("pst", "pdt", "pt", "pacific time", "us/pacific"), "Pacific Standard Time"),
    **dict.fromkeys(("akst", "akdt", "alaska time"), "Alaskan Standard Time"),
    **dict.fromkeys(("hst", "hawaii time"), "Hawaiian Standard Time"),
    **dict.fromkeys(("gmt", "z", "zulu", "utc+0", "utc+00:00", "gmt+0"), "UTC"),
    **dict.fromkeys(("bst", "uk time"), "GMT Standard Time"),
    **dict.fromkeys(("cet", "cest"), "W. Europe Standard Time"),
    **dict.fromkeys(("aest", "aedt"), "AUS Eastern Standard Time"),
}
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)


@dataclass(frozen=True)
class Verdict:
    """`zone_id`: the id the value stands for (None if unknown); `message`: what is wrong;
    `replacement`: the id to write instead, when there is one to suggest."""

    zone_id: str | None
    message: str | None = None
    case_only: bool = False
    #: the id to write instead, when there is one to suggest
    replacement: str | None = None


@dataclass(frozen=True)
class _Data:
    ids: tuple[str, ...]  # file order (grouped by offset)
    by_casefold: dict[str, str]
    iana: dict[str, str]  # Windows id -> CLDR golden IANA zone
    windows: dict[str, str]  # IANA zone (golden or modern name) -> Windows id


@cache
def _data() -> _Data:
    text = (files(__package__) / "rokt-timezones.txt").read_text(encoding="utf-8")
    ids = tuple(line.strip() for line in text.splitlines() if line.strip())
    iana = windows_to_iana()
    windows: dict[str, str] = {}
    for windows_id in ids:
        zone = iana[windows_id]
        windows.setdefault(zone, windows_id)
        windows.setdefault(_MODERN_NAMES.get(zone, zone), windows_id)
    return _Data(ids, {i.casefold(): i for i in ids}, iana, windows)


def timezone_ids() -> tuple[str, ...]:
    """Every accepted Windows id, in the data file's order."""
    return _data().ids


@cache
def zone_for(windows_id: str) -> ZoneInfo:
    """The IANA zone a (valid) Windows id stands for, per CLDR's 001 mapping."""
    return ZoneInfo(_data().iana[windows_id])


@lru_cache(maxsize=1024)
def check(value: str) -> Verdict:
    """Is `value` a Rokt time-zone id? If not, say what it should be."""
    data = _data()
    if value in data.iana:
        return Verdict(value)
    folded = data.by_casefold.get(value.casefold())
    if folded:
        return Verdict(
            folded,
            f"{value!r} differs from {folded!r} only in case; write {folded!r}",
            case_only=True,
            replacement=folded,
        )
    advice, replacement = _suggest(value.strip())
    return Verdict(None, f"{value!r} is not a Windows time-zone id on Rokt's list; {advice}",
                   replacement=replacement)


def _suggest(value: str) -> tuple[str, str | None]:
    """What to say about a value that is not an id, and the id to write instead (if one)."""
    data = _data()
    folded = data.by_casefold.get(" ".join(value.split()).casefold())
    if folded:
        return f"use {folded!r} (extra whitespace)", folded
    colloquial = _COLLOQUIAL.get(value.casefold())
    if colloquial:
        return f"use {colloquial!r}", colloquial
    offset = _OFFSET.fullmatch(value)
    if offset:
        return _suggest_for_offset(offset), None
    zone = iana_zone(value)
    if zone is not None:
        if value in data.windows:
            windows = data.windows[value]
            return f"{value!r} is an IANA name; the Windows id is {windows!r}", windows
        same = _same_offsets(zone)
        if same:
            return f"{value!r} is an IANA name; use {same!r} (same UTC offsets)", same
    close = difflib.get_close_matches(value, data.ids, n=1, cutoff=0.8)
    if close:
        return f"did you mean {close[0]!r}?", close[0]
    return "use an id such as 'Eastern Standard Time' (see Rokt's Timezones list)", None


def _suggest_for_offset(match: re.Match[str]) -> str:
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    offset = delta if sign == "+" else -delta
    fixed = [i for i in _data().ids if _fingerprint(zone_for(i)) == (offset,) * len(_SAMPLES)]
    advice = "a UTC offset is not an id: name the zone of the place (its DST rules matter)"
    return f"{advice}, or for a fixed offset use {fixed[0]!r}" if fixed else advice


def iana_zone(name: str) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when the tz database has no such name."""
    if not name or name.startswith(("/", ".")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


# Noon UTC on the 1st and 15th of every month over three years: enough to tell zones with
# different offsets or DST dates apart, for a suggestion (never for a verdict).
_SAMPLES = tuple(
    datetime(year, month, day, 12, tzinfo=timezone.utc)
    for year in (2024, 2025, 2026)
    for month in range(1, 13)
    for day in (1, 15)
)


@cache
def _fingerprint(zone: ZoneInfo) -> tuple[timedelta | None, ...]:
    return tuple(instant.astimezone(zone).utcoffset() for instant in _SAMPLES)


def _same_offsets(zone: ZoneInfo) -> str | None:
    """The first Windows id (file order) whose zone keeps the same UTC offsets as `zone`."""
    wanted = _fingerprint(zone)
    return next((i for i in _data().ids if _fingerprint(zone_for(i)) == wanted), None)


def agree(windows_id: str, iana_name: str) -> bool:
    """Whether `timezoneIanaId` names the zone of `timezone` (or one that keeps the same
    UTC offsets and DST dates: Rokt cannot tell those apart in an event)."""
    zone = iana_zone(iana_name)
    if zone is None:
        return False
    own = zone_for(windows_id)
    return zone.key == own.key or _fingerprint(zone) == _fingerprint(own)
