"""The fake Rokt as a security reviewer probes it: accounts bound to clients, failed-auth
rate limits, content types, hostile bodies, control characters in feeds and logs, an
old database file, and kill -9 in the middle of acknowledged writes."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from polling import eventually

from rokt_braze.fakes.rokt import FakeRokt, ManualClock, running_fake_rokt

from ..core.rawhttp import address, read_all, status_of
from .helpers import ACCOUNT, CLIENT_ID, SECRET, SUB_A, create_body, feed, get_token, post_event

OTHER, OTHER_SECRET = "client-2", "other-Secret-77"


def delete(fake: FakeRokt, token: str, event_id: str, account: str = ACCOUNT) -> int:
    return requests.delete(f"{fake.base_url}/v1/subscriptionevent/{account}/{event_id}",
                           headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code


def test_a_token_only_reaches_its_own_clients_accounts() -> None:
    clients = {CLIENT_ID: SECRET, OTHER: OTHER_SECRET}
    with running_fake_rokt(clients=clients) as fake:
        mine, theirs = get_token(fake), get_token(fake, OTHER, OTHER_SECRET)
        assert post_event(fake, mine, create_body()).status_code == 202  # claims ACCOUNT
        assert delete(fake, theirs, "launch-1") == 403
        reply = post_event(fake, theirs, create_body(title="Hijacked"))
        assert reply.status_code == 403 and reply.json()["Code"] == "Forbidden"
        assert post_event(fake, theirs, create_body(), update=True).status_code == 403
        assert [e.title for e in fake.events(ACCOUNT)] == ["Summer Sale"]
        assert post_event(fake, theirs, create_body(), account="their-own").status_code == 202
        assert delete(fake, mine, "launch-1") == 202


def test_configured_owners_are_enforced_from_the_start() -> None:
    clients = {CLIENT_ID: SECRET, OTHER: OTHER_SECRET}
    with running_fake_rokt(clients=clients, accounts={ACCOUNT: OTHER}) as fake:
        assert post_event(fake, get_token(fake), create_body()).status_code == 403
        assert post_event(fake, get_token(fake, OTHER, OTHER_SECRET), create_body()).status_code \
            == 202
    with pytest.raises(ValueError, match="unknown clients"):
        FakeRokt(clients=clients, accounts={ACCOUNT: "nobody"})


def test_wrong_secrets_are_rate_limited_per_client_with_retry_after() -> None:
    clock = ManualClock()
    with running_fake_rokt(clients={CLIENT_ID: SECRET}, clock=clock) as fake:
        url = f"{fake.base_url}/oauth2/token"
        statuses = [
            requests.post(url, auth=(CLIENT_ID, f"guess-{n}"), timeout=5,
                          data={"grant_type": "client_credentials"}).status_code
            for n in range(25)
        ]
        assert statuses[:20] == [401] * 20
        assert statuses[20:] == [429] * 5
        limited = requests.post(url, auth=(CLIENT_ID, SECRET), timeout=5,
                                data={"grant_type": "client_credentials"})
        assert limited.status_code == 429  # even the right secret waits: no oracle
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["Code"] == "TooManyRequests"
        # bearer failures count too, and the event routes answer 429 as well
        assert post_event(fake, "nope", create_body()).status_code == 429
        clock.advance(61)
        good = get_token(fake)
        for _ in range(20):
            assert post_event(fake, "nope", create_body()).status_code == 401
        assert post_event(fake, "nope", create_body()).status_code == 429
        assert post_event(fake, good, create_body()).status_code == 202  # a live token passes


def test_event_bodies_must_be_json() -> None:
    with running_fake_rokt(clients={CLIENT_ID: SECRET}) as fake:
        token = get_token(fake)
        body = json.dumps(create_body())
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"Authorization": f"Bearer {token}"}
            if content_type:
                headers["Content-Type"] = content_type
            reply = requests.post(f"{fake.base_url}/v1/subscriptionevent/{ACCOUNT}", data=body,
                                  headers=headers, timeout=5)
            assert reply.status_code == 415, content_type
            assert set(reply.json()) == {"Code", "Reason"}
        assert fake.events(ACCOUNT) == []


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"event": {"notifyBefore": ' + "9" * 5001 + "}}",
     '{"event": {"title": "a\\ud800b"}}'],
    ids=["100k-nested", "5001-digits", "lone-surrogate"],
)
def test_bodies_json_cannot_hold_are_400_not_500(fake: FakeRokt, token: str, body: str) -> None:
    reply = post_event(fake, token, body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["Code"] == "body-json-invalid"


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE"])
def test_options_and_trace_are_json_405(fake: FakeRokt, method: str) -> None:
    reply = requests.request(method, f"{fake.base_url}/v1/subscriptionevent/{ACCOUNT}", timeout=5)
    assert reply.status_code == 405
    assert set(reply.json()) == {"Code", "Reason"}
    assert "POST" in reply.headers["Allow"]


def test_control_characters_never_reach_the_feed(fake: FakeRokt, token: str) -> None:
    nasty = "Sale\x00\x07\x1b[31m\x7f\x85 now"
    body = create_body(title=nasty, description="line1\r\nline2\x0b", location="\x1b]0;x\x07")
    assert post_event(fake, token, body).status_code == 202
    text = feed(fake, SUB_A).content.decode("utf-8")
    assert "SUMMARY:Sale[31m now" in text
    assert "DESCRIPTION:line1\\nline2" in text
    for char in "\x00\x07\x1b\x7f\x85\x0b":
        assert char not in text


def test_control_characters_in_paths_are_escaped_in_the_log(
    fake: FakeRokt, log_lines: list[str]
) -> None:
    requests.get(f"{fake.base_url}/calendars/%1b%5b2J%07.ics", timeout=5)
    raw = b"GET /calendars/\x1b[2J\x07.ics HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(address(fake.base_url), timeout=5) as sock:
        sock.sendall(raw)
        assert status_of(read_all(sock)) == 400
    assert "%1B%5B2J%07.ics" in log_lines[0]
    assert "400 malformed HTTP request" in log_lines[1]
    for line in log_lines:
        assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in line)


def test_a_version_1_database_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "v1.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript("CREATE TABLE accounts (code TEXT PRIMARY KEY);"
                           "INSERT INTO accounts VALUES ('acme'); PRAGMA user_version = 1;")
    conn.close()
    with running_fake_rokt(clients={CLIENT_ID: SECRET}, db=db) as fake:
        assert post_event(fake, get_token(fake), create_body()).status_code == 202
        assert [e.event_id for e in fake.events(ACCOUNT)] == ["launch-1"]


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """Writers post events while the server process is killed with SIGKILL; every event
    that was answered 202 is in the database when the server comes back."""
    db = tmp_path / "state.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.fakes.rokt", "--port", "0", "--db", str(db),
         "--client", f"{CLIENT_ID}:{SECRET}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        base = ""
        for line in process.stderr:
            if line.startswith("fake Rokt Calendar API on "):
                base = line.split(" on ", 1)[1].strip()
            if line.startswith("Press Ctrl-C"):
                break

        class Server:
            base_url = base

        token = get_token(Server)  # type: ignore[arg-type]
        acknowledged: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(n: int) -> None:
            for i in range(1000):
                if stop.is_set():
                    return
                event_id = f"w{n}-{i}"
                try:
                    reply = post_event(Server, token, create_body(eventId=event_id))  # type: ignore[arg-type]
                except requests.RequestException:
                    return
                if reply.status_code == 202:
                    with lock:
                        acknowledged.append(event_id)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        def sixty_acknowledged() -> bool:
            with lock:
                return len(acknowledged) >= 60

        eventually(sixty_acknowledged, "60 acknowledged writes", attempts=1200)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with running_fake_rokt(clients={CLIENT_ID: SECRET}, db=db) as again:
        stored = {e.event_id for e in again.events(ACCOUNT)}
    assert len(acknowledged) >= 60
    assert set(acknowledged) <= stored
