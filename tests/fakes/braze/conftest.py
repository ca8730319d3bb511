from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from rokt_braze.fakes.braze.app import FakeBraze, running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey, parse_key_spec
from rokt_braze.fakes.braze.export import parse_segment
from rokt_braze.fakes.core import Limits

KEY = "test-rest-key-0001"
EXPORT_ONLY = "export-only-key-0002"


class Client:
    """requests against one fake Braze, with the test key."""

    def __init__(self, server: FakeBraze) -> None:
        self.server = server
        self.url = server.base_url

    def post(self, path: str, body: Any = None, *, key: str = KEY, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> requests.Response:
        sent = {"Authorization": f"Bearer {key}", **(headers or {})}
        if data is None:
            return requests.post(self.url + path, json=body, headers=sent, timeout=10)
        return requests.post(self.url + path, data=data, headers=sent, timeout=10)

    def track(self, body: Any) -> requests.Response:
        return self.post("/users/track", body)

    def user(self, external_id: str) -> dict[str, Any]:
        answer = self.post("/users/export/ids", {"external_ids": [external_id]}).json()
        assert len(answer["users"]) == 1, answer
        return answer["users"][0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def braze(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A fake Braze (array cap 5) with a full key and an export-only key, shared by a test
    module: tests name their users with `uid` so they do not meet."""
    with running_fake_braze(
        keys=[ApiKey(KEY), parse_key_spec(f"{EXPORT_ONLY}=users.export.ids")],
        max_array=5, export_dir=tmp_path_factory.mktemp("exports"),
        # a body cap the kernel's loopback buffers hold whole: the client finishes sending
        # before the early 413 closes the connection, so it always reads the answer
        limits=Limits(max_body=500_000),
        segments=[parse_segment("subscribers=performed subscribe"), parse_segment("all=all"),
                  parse_segment("cal-1=rokt:calendar_code matches ^cal-1/")],
    ) as server:
        yield Client(server)


@pytest.fixture
def uid(request: pytest.FixtureRequest) -> str:
    """A user id prefix of this test's own."""
    return "t" + str(abs(hash(request.node.nodeid)))[:10]


def named(value: Any, uid: str) -> Any:
    """`value` with the user ids "u" and "u-ok" made this test's own."""
    text = json.dumps(value).replace('"u-ok"', f'"{uid}-ok"').replace('"u"', f'"{uid}"')
    return json.loads(text)
