"""POST /oauth2/token: client credentials, RFC 6749 errors, expiry on the injected clock."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from rokt_braze.fakes.rokt import FakeRokt, ManualClock, running_fake_rokt

from .helpers import ACCOUNT, CLIENT_ID, SECRET, create_body, get_token, post_event


def token_request(fake: FakeRokt, **kwargs: Any) -> requests.Response:
    return requests.post(f"{fake.base_url}/oauth2/token", timeout=5, **kwargs)


def test_basic_auth_gives_a_bearer_token(fake: FakeRokt) -> None:
    reply = token_request(fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"})
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    body = reply.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert body["access_token"] and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]


def test_braze_style_request_with_explicit_headers(fake: FakeRokt) -> None:
    """What Braze's connected_content sends: a Basic header built from the credential."""
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    reply = token_request(
        fake,
        data="grant_type=client_credentials",
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    assert reply.status_code == 200


def test_form_fields_give_a_token(fake: FakeRokt) -> None:
    reply = token_request(
        fake,
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    assert reply.status_code == 200
    assert reply.json()["token_type"] == "bearer"


def test_each_token_is_new(fake: FakeRokt) -> None:
    assert get_token(fake) != get_token(fake)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"auth": (CLIENT_ID, "wrong"), "data": {"grant_type": "client_credentials"}},
        {"auth": ("nobody", SECRET), "data": {"grant_type": "client_credentials"}},
        {
            "data": {
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": "wrong",
            }
        },
        {"data": {"grant_type": "client_credentials"}},  # no credentials at all
        {
            "data": {"grant_type": "client_credentials"},
            "headers": {"Authorization": "Basic not-base64!"},
        },
    ],
    ids=["wrong-secret", "unknown-client", "wrong-form-secret", "none", "malformed-basic"],
)
def test_bad_client_credentials_are_401_invalid_client(
    fake: FakeRokt, kwargs: dict[str, Any]
) -> None:
    reply = token_request(fake, **kwargs)
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"
    assert reply.headers["WWW-Authenticate"].startswith("Basic")


def test_unsupported_grant_is_400(fake: FakeRokt) -> None:
    reply = token_request(fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "password"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "unsupported_grant_type"


def test_missing_grant_is_400_invalid_request(fake: FakeRokt) -> None:
    reply = token_request(fake, auth=(CLIENT_ID, SECRET), data={})
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"


def test_two_authentication_methods_are_400_invalid_request(fake: FakeRokt) -> None:
    reply = token_request(
        fake,
        auth=(CLIENT_ID, SECRET),
        data={"grant_type": "client_credentials", "client_secret": SECRET},
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"


def test_token_expires_after_expires_in(fake: FakeRokt, clock: ManualClock) -> None:
    token = get_token(fake)
    clock.advance(299)
    assert post_event(fake, token, create_body(eventId="before")).status_code == 202
    clock.advance(1)
    reply = post_event(fake, token, create_body(eventId="after"))
    assert reply.status_code == 401
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]
    assert [e.event_id for e in fake.events(ACCOUNT)] == ["before"]


def test_expires_in_is_configurable() -> None:
    clock = ManualClock()
    with running_fake_rokt(clients={CLIENT_ID: SECRET}, expires_in=60, clock=clock) as fake:
        reply = token_request(
            fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"}
        )
        assert reply.json()["expires_in"] == 60
        token = reply.json()["access_token"]
        clock.advance(60)
        assert post_event(fake, token, create_body()).status_code == 401


def test_refresh_token_gives_a_new_access_token_once(fake: FakeRokt, clock: ManualClock) -> None:
    first = token_request(
        fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"}
    ).json()
    clock.advance(400)  # the access token is dead, the refresh token (60 min) is not
    assert post_event(fake, first["access_token"], create_body()).status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = token_request(fake, auth=(CLIENT_ID, SECRET), data=refresh)
    assert second.status_code == 200
    assert post_event(fake, second.json()["access_token"], create_body()).status_code == 202
    again = token_request(fake, auth=(CLIENT_ID, SECRET), data=refresh)  # rotated: used up
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_refresh_token_expires_after_an_hour(fake: FakeRokt, clock: ManualClock) -> None:
    first = token_request(
        fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"}
    ).json()
    clock.advance(3600)
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    reply = token_request(fake, auth=(CLIENT_ID, SECRET), data=refresh)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_grant"


def test_access_token_is_not_a_refresh_token(fake: FakeRokt) -> None:
    first = token_request(
        fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"}
    ).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["access_token"]}
    assert token_request(fake, auth=(CLIENT_ID, SECRET), data=refresh).status_code == 400


def test_refresh_token_is_not_a_bearer_token(fake: FakeRokt) -> None:
    first = token_request(
        fake, auth=(CLIENT_ID, SECRET), data={"grant_type": "client_credentials"}
    ).json()
    assert post_event(fake, first["refresh_token"], create_body()).status_code == 401
