"""A real Braze client from PyPI against the fake: edX's `edx-braze-client` (maintained,
pinned in .ci/run; installed without its Django dependencies, which `braze.client` does not
import). It is what a user's own code would call the fake with."""

from __future__ import annotations

import os

import pytest

from rokt_braze.fakes.braze.app import running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey

from .conftest import EXPORT_ONLY, KEY, Client

INSTALL = "pip install --no-deps edx-braze-client==1.1.4 (as .ci/run does)"
try:
    import braze.client as client_module
    import braze.exceptions as exceptions
except ImportError:
    if os.environ.get("CI"):  # CI installs it: a missing client there is a failure
        raise
    pytest.skip(f"the Braze client is not installed: {INSTALL}", allow_module_level=True)


def test_track_user_and_export_with_the_edx_client(braze: Client, uid: str) -> None:
    client = client_module.BrazeClient(api_key=KEY, api_url=braze.url, app_id="app")
    attributes = [{"external_id": f"{uid}-{n}", "email": f"{uid}-{n}@example.com",
                   "rokt:calendar_code": {"add": [f"cal/{n:012x}"]}} for n in range(80)]
    events = [{"external_id": f"{uid}-{n}", "name": "subscribe",
               "time": "2024-05-01T10:00:00Z"} for n in range(80)]
    client.track_user(attributes=attributes, events=events)  # the client splits at 75
    assert client.get_braze_external_id(f"{uid}-79@example.com") == f"{uid}-79"
    user = braze.user(f"{uid}-79")
    assert user["custom_attributes"] == {"rokt:calendar_code": [f"cal/{79:012x}"]}
    assert user["custom_events"][0]["count"] == 1
    assert client.get_braze_external_id("nobody@example.com") is None


def test_the_clients_error_classes_match_the_fakes_statuses(braze: Client) -> None:
    body = [{"external_id": "x"}]
    with pytest.raises(exceptions.BrazeUnauthorizedError):
        client_module.BrazeClient("wrong-key", braze.url, "app").track_user(attributes=body)
    with pytest.raises(exceptions.BrazeForbiddenError):
        client_module.BrazeClient(EXPORT_ONLY, braze.url, "app").track_user(attributes=body)
    answer = client_module.BrazeClient(KEY, braze.url, "app")._make_request(
        {"attributes": [{"first_name": "no id"}]}, "/users/track", "post"
    )
    assert answer["errors"][0]["index"] == 0  # a minor error: success, with the object named
    with pytest.raises(exceptions.BrazeNotFoundError):
        client_module.BrazeClient(KEY, braze.url, "app")._make_request({}, "/users/trak", "post")


def test_rate_limit_reaches_the_client_with_its_reset_time() -> None:
    with running_fake_braze(keys=[ApiKey(KEY)], rate_limit=(1, 60)) as server:
        client = client_module.BrazeClient(KEY, server.base_url, "app")
        client.track_user(attributes=[{"external_id": "a"}])
        with pytest.raises(exceptions.BrazeRateLimitError) as caught:
            client.track_user(attributes=[{"external_id": "b"}])
    assert caught.value.reset_epoch_s > 0
