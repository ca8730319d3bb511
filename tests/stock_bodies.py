"""The stock Rokt bodies exactly as Braze renders them (Braze's Rokt Calendar partner page).

One test oracle for every area (engine, validator, fake API): nine leading newlines left by
the eight captures and the blank line, `notifyBefore` as a string, ids joined by `","`.
"""

from __future__ import annotations

EVENT = """  "event": {
    "eventId": "Event_0001_%s",
    "title": "Event Title",
    "description": "Event Description",
    "location": "Event Location",
    "start": "2019-02-21T15:00:00",
    "end": "2019-02-21T15:00:00",
    "timezone": "Eastern Standard Time",
    "notifyBefore": "15"
  }"""


def create_body(user: str, joined_ids: str) -> str:
    """The create body; `joined_ids` is what `join: '","'` renders (e.g. `a","b`)."""
    return "\n" * 9 + "{\n" + EVENT % user + ',\n  "subscriptionIds": ["' + joined_ids + '"]\n}'


def update_body(user: str) -> str:
    return "\n" * 9 + "{\n" + EVENT % user + "\n}"
