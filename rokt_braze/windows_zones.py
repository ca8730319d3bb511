"""Windows time-zone ids and their IANA zones: the one table every layer reads.

The table (`data/windows-to-iana.tsv`) is CLDR's `windowsZones` 001 mapping, the same
as icalendar's `WINDOWS_TO_OLSON`: one golden IANA zone per Windows id. Read once, on
first use.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["iana_name", "windows_to_iana"]


@cache
def windows_to_iana() -> dict[str, str]:
    """Windows id -> IANA zone name, in the data file's order."""
    table: dict[str, str] = {}
    text = (files("rokt_braze") / "data" / "windows-to-iana.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip():
            windows_id, zone = line.split("\t")
            table[windows_id.strip()] = zone.strip()
    return table


@cache
def _by_casefold() -> dict[str, str]:
    return {k.casefold(): v for k, v in windows_to_iana().items()}


def iana_name(windows_id: str, *, ignore_case: bool = False) -> str | None:
    """The IANA zone name of a Windows id; None when the table has no such id.

    `ignore_case` also finds an id written in another case (Windows itself looks ids up
    case-insensitively).
    """
    if ignore_case:
        return _by_casefold().get(windows_id.strip().casefold())
    return windows_to_iana().get(windows_id)
