"""The one connected_content fixture schema: the same verdict wherever fixtures come from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from rokt_braze.cli import main
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

CREATE = Path(__file__).resolve().parents[2] / "templates" / "rokt-create-event.webhook.yaml"
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


FILE_CASES = [
    # (fixture file text, path:line:col: message it gives)
    ("- url: https://x/a\n  status: 'two hundred'\n",
     ":2:3: connected_content entry 1: 'status' must be an HTTP status code, got 'two hundred'"),
    ("connected_content:\n  - url: https://x/a\n  - url: https://x/b\n    method: PUT\n",
     ":4:5: connected_content entry 2: 'method' must be GET or POST (Braze allows no other), "
     "got 'PUT'"),
    ("connected_content:\n  - {url: '', status: 200}\n",
     ":2:6: connected_content entry 1: 'url' must be a non-empty string"),
    ("connected_content:\n  - status: 200\n",  # no url at all: the entry's own place
     ":2:5: connected_content entry 1: 'url' must be a non-empty string"),
    ('[{"url": "https://x/a"},\n {"url": "https://x/b", "text": 5}]\n',
     ":2:25: connected_content entry 2: 'text' must be a string"),
    ("content_blocks: {a: b}\ncatalogs: 3\n", ":2:1: 'catalogs' must be a mapping"),
    ("catalogs: {}\nbogus: 1\n", ":2:1: unknown fixture key(s) bogus"),
    ("content_blocks: nowhere\n", ":1:1: content_blocks folder 'nowhere' does not exist"),
    ("3\n", ":1:1: fixtures must be a list or a mapping"),
]


@pytest.mark.parametrize(("text", "expected"), FILE_CASES)
def test_a_fixture_file_problem_names_its_place(tmp_path: Path, text: str,
                                                 expected: str) -> None:
    """As a profile file's problems do: `path:line:col: message`, at the offending key."""
    path = tmp_path / "fixtures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        build_resources((str(path), yaml.safe_load(text)))
    assert str(raised.value) == f"{path}{expected}"
    assert main(["render", str(CREATE), "--fixtures", str(path)]) == 2


def test_a_webhook_files_own_fixtures_are_placed_in_it(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    webhook = tmp_path / "w.webhook.yaml"
    stock = CREATE.read_text(encoding="utf-8")
    webhook.write_text(stock + "connected_content:\n  - url: https://x/a\n    status: 9\n",
                       encoding="utf-8")
    line = stock.count("\n") + 3
    assert main(["check", str(webhook)]) == 2
    err = capsys.readouterr().err
    assert err == (f"rokt-braze: {webhook}:{line}:5: connected_content entry 1: 'status' must "
                   "be an HTTP status code, got 9\n")
