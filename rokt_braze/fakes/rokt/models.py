"""The fake's records: an event as the client described it, and as the fake stored it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class EventDetails:
    """The event fields the fake keeps, already narrowed to Python types.

    `start`/`end` keep the client's text (local wall-clock time in `timezone`);
    `notify_before` is in minutes (`"15"` from the Braze template becomes 15).
    """

    event_id: str
    title: str
    start: str
    timezone: str
    description: str | None = None
    location: str | None = None
    end: str | None = None
    notify_before: int | None = None
    all_day: bool = False


@dataclass(frozen=True, kw_only=True)
class StoredEvent(EventDetails):
    """An event in one account, with the subscriptions it was added to.

    `sequence` counts the changes since creation (the VEVENT's SEQUENCE); `updated` is
    the fake clock's time of the last change.
    """

    account: str
    subscription_ids: tuple[str, ...] = ()
    sequence: int = 0
    updated: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake answered, credentials already redacted (`rokt_braze.secrets`)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str
    status: int

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    def json(self) -> Any:
        """The body parsed as JSON (raises `ValueError` when it is not JSON)."""
        return json.loads(self.body)
