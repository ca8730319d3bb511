"""The one connected_content fixture schema: the same verdict wherever fixtures come from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rokt_braze.connected import (
    CallFailed,
    CallRequest,
    FixtureError,
    FixtureTransport,
    check_fixtures,
    parse_fixtures,
)
from rokt_braze.errors import InputError
from rokt_braze.pipeline import build_resources
from rokt_braze.profiles import load_profiles

BAD = [
    ({"url": ""}, "'url' must be a non-empty string"),
    ({"url": "  "}, "'url' must be a non-empty string"),
    ({"url": "https://x", "method": "PUT"}, "'method' must be GET or POST"),
    ({"url": "https://x", "status": True}, "'status' must be an HTTP status code"),
    ({"url": "https://x", "status": 700}, "'status' must be an HTTP status code"),
    ({"url": "https://x", "json": {}, "text": ""}, "give 'json' or 'text', not both"),
    ({"url": "https://x", "text": 5}, "'text' must be a string"),
    ({"url": "https://x", "headers": {"a": [1]}}, "'headers' must map header names"),
    ({"url": "https://x", "body": "x"}, "unknown key(s) body"),
    ("https://x", "expected a mapping"),
]


@pytest.mark.parametrize(("entry", "message"), BAD)
def test_bad_entry_same_message_everywhere(entry: object, message: str, tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match=re.escape(message)):
        check_fixtures([entry])
    with pytest.raises(FixtureError, match="entry 1"):
        parse_fixtures([entry])
    with pytest.raises(InputError, match=r"config\.yaml entry 1"):
        build_resources(("config.yaml", [entry]))
    profile = tmp_path / "p.yaml"
    profile.write_text(f"external_id: u1\nconnected_content: [{_flow(entry)}]\n")
    with pytest.raises(InputError, match="connected_content entry 1"):
        load_profiles(profile)


def _flow(entry: object) -> str:
    return json.dumps(entry)


def test_not_a_list() -> None:
    with pytest.raises(FixtureError, match="must be a list of fixtures, got dict"):
        check_fixtures({"url": "https://x"})
    assert check_fixtures(None) == []


def test_transport_answers_first_match_and_never_the_network() -> None:
    transport = FixtureTransport(parse_fixtures([
        {"url": "https://x/a", "json": {"n": 1}, "headers": {"X-N": 1}},
        {"url": "https://x/a", "text": "second"},
        {"url": "https://x/a", "method": "post", "status": 500, "text": "down"},
    ]))
    answer = transport.send(CallRequest("GET", "https://x/a"))
    assert (answer.status, answer.text, answer.headers) == (200, '{"n": 1}', {"X-N": "1"})
    posted = transport.send(CallRequest("POST", "https://x/a"))
    assert (posted.status, posted.ok) == (500, False)
    with pytest.raises(CallFailed) as failed:
        transport.send(CallRequest("GET", "https://x/a?q=1"))  # the query string must match
    assert failed.value.kind == "unmatched" and not failed.value.retryable
