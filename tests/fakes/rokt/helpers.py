"""Shared values and small HTTP helpers for the fake Rokt server tests."""

from __future__ import annotations

import copy
import json
from typing import Any, Protocol

import requests
from stock_bodies import create_body


class Server(Protocol):
    """A `FakeRokt`, or the CLI tests' handle on a server process."""

    @property
    def base_url(self) -> str: ...

    def calendar_url(self, subscription_id: str) -> str: ...


CLIENT_ID = "client-1"
SECRET = "s3cr3t-Value-9f2c"
ACCOUNT = "acme"
SUB_A = "06423672-b6ba-4536-aa36-70788a7a0a36"
SUB_B = "f5733866-ade2-4b1c-9a0e-ff10919f1078"

#: The stock Braze "new event" body (Braze's Rokt Calendar page) as rendered for user-1:
#: nine newlines left by the captures, notifyBefore as a string.
STOCK_CREATE_BODY = create_body("user-1", SUB_A)

GOOD_CREATE: dict[str, Any] = {
    "event": {
        "eventId": "launch-1",
        "title": "Summer Sale",
        "description": "Everything must go",
        "location": "https://example.com/sale",
        "start": "2030-07-01T09:30:00",
        "end": "2030-07-01T10:45:00",
        "timezone": "Eastern Standard Time",
        "notifyBefore": 30,
    },
    "subscriptionIds": [SUB_A],
}


def create_body(**event_changes: Any) -> dict[str, Any]:
    """GOOD_CREATE with event fields changed (a value of None removes the key)."""
    body = copy.deepcopy(GOOD_CREATE)
    for key, value in event_changes.items():
        if value is None:
            body["event"].pop(key, None)
        else:
            body["event"][key] = value
    return body


def get_token(fake: Server, client_id: str = CLIENT_ID, secret: str = SECRET) -> str:
    reply = requests.post(
        f"{fake.base_url}/oauth2/token",
        auth=(client_id, secret),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert reply.status_code == 200, reply.text
    token = reply.json()["access_token"]
    assert isinstance(token, str)
    return token


def post_event(
    fake: Server,
    token: str,
    body: dict[str, Any] | str,
    *,
    update: bool = False,
    account: str = ACCOUNT,
) -> requests.Response:
    data = body if isinstance(body, str) else json.dumps(body)
    url = f"{fake.base_url}/v1/subscriptionevent/{account}" + ("/update" if update else "")
    return requests.post(
        url,
        data=data.encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=5,
    )


def feed(fake: Server, subscription_id: str = SUB_A) -> requests.Response:
    return requests.get(fake.calendar_url(subscription_id), timeout=5)
