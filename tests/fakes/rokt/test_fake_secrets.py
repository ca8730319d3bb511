"""No credential reaches recorded requests, their repr, or the request log."""

from __future__ import annotations

import base64

import requests

from rokt_braze.fakes.rokt import FakeRokt
from rokt_braze.secrets import REDACTED

from .helpers import CLIENT_ID, SECRET, create_body, post_event


def test_recorded_requests_and_log_hold_no_secret(fake: FakeRokt, log_lines: list[str]) -> None:
    basic = requests.post(
        f"{fake.base_url}/oauth2/token",
        auth=(CLIENT_ID, SECRET),
        data={"grant_type": "client_credentials"},
        timeout=5,
    ).json()
    form = requests.post(
        f"{fake.base_url}/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
        timeout=5,
    ).json()
    refreshed = requests.post(
        f"{fake.base_url}/oauth2/token",
        auth=(CLIENT_ID, SECRET),
        data={"grant_type": "refresh_token", "refresh_token": form["refresh_token"]},
        timeout=5,
    ).json()
    token = basic["access_token"]
    post_event(fake, token, create_body())
    requests.get(f"{fake.base_url}/health?access_token={token}", timeout=5)

    secrets = [
        SECRET,
        base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode(),
        token,
        basic["refresh_token"],
        form["access_token"],
        form["refresh_token"],
        refreshed["access_token"],
    ]
    seen = repr(fake.requests) + "\n".join(log_lines)
    for secret in secrets:
        assert secret not in seen
    assert len(log_lines) == 5
    assert len(fake.requests) == 5
    token_requests = [r for r in fake.requests if r.path == "/oauth2/token"]
    assert token_requests[0].header("Authorization") == f"Basic {REDACTED}"
    assert f"client_secret={REDACTED}" in token_requests[1].body
    assert f"client_id={CLIENT_ID}" in token_requests[1].body
