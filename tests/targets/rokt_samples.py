"""Sample requests for the target tests: the stock Rokt bodies as Braze renders them.

As on Braze's Rokt Calendar page: eight capture lines and a blank line leave nine newlines before
the JSON; notifyBefore is the string "15" (a rokt-notify-before warning: the Rokt reference
types it as a number); subscriptionIds is the joined attribute array.
"""

from __future__ import annotations

import json
from typing import Any

from stock_bodies import create_body, update_body

from rokt_braze.findings import Severity
from rokt_braze.request import RenderedRequest

CREATE_URL = "https://api.roktcalendar.com/v1/subscriptionevent/brazetest"
UPDATE_URL = CREATE_URL + "/update"
HEADERS = {
    "Authorization": "Bearer offline-token-from-rokt-braze",
    "Content-Type": "application/json",
}
GUID_1 = "06423672-b6ba-4536-aa36-70788a7a0a36"
GUID_2 = "9d2c7f4e-1b3a-4c5d-8e6f-ff10919f1078"

STOCK_CREATE = create_body("user-42", f'{GUID_1}","{GUID_2}') + "\n"
STOCK_UPDATE = update_body("user-42") + "\n"


def stock_event() -> dict[str, Any]:
    """The stock event object with `notifyBefore` a number, as the Rokt reference types it
    (the stock template's string "15" is a rokt-notify-before warning of its own), to be
    changed by a test and rendered with `body`."""
    event: dict[str, Any] = json.loads(STOCK_CREATE)["event"]
    event["notifyBefore"] = int(event["notifyBefore"])
    return event


def body(event: object = None, *, ids: object = (GUID_1, GUID_2), **top: object) -> str:
    """A create body (pass ids=None to leave subscriptionIds out), rendered like Braze's."""
    root: dict[str, object] = {"event": stock_event() if event is None else event}
    if ids is not None:
        root["subscriptionIds"] = list(ids) if isinstance(ids, tuple) else ids
    root.update(top)
    return "\n" * 9 + json.dumps(root, indent=2, ensure_ascii=False) + "\n"


def notify_string_warning(text: str) -> tuple[str, int, Severity]:
    """(rule, offset, severity) of the warning the stock `"notifyBefore": "15"` gets in `text`:
    at the key, on the line that quotes the value."""
    return "rokt-notify-before", text.index('"notifyBefore"'), Severity.WARNING


def request(
    text: str, url: str = CREATE_URL, method: str = "POST", headers: dict[str, str] | None = None
) -> RenderedRequest:
    return RenderedRequest(method, url, dict(HEADERS if headers is None else headers), text)
