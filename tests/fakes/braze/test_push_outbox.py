"""The fake Rokt's push into Braze: batched (≤ 75 objects per section), rate limits
honoured, and nothing lost or doubled when Braze goes away mid-push."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from polling import eventually

from rokt_braze.fakes.braze.app import running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey
from rokt_braze.fakes.rokt.server import FakeRokt
from rokt_braze.fakes.rokt.subscribers import Calendar, SubscribersConfig

KEY = "push-test-key-0001"
ROOT = Path(__file__).resolve().parents[3]


@contextmanager
def fake_rokt(braze_url: str, db: Path | None = None) -> Iterator[FakeRokt]:
    rokt = FakeRokt(db=db, subscribers=SubscribersConfig(
        [Calendar("cal", "acme", "Acme Games")], braze_url, KEY, backoff=0.05,
        max_backoff=0.4,
    ))
    rokt.start()
    try:
        yield rokt
    finally:
        rokt.stop()


def subscribe(rokt: FakeRokt, external_id: str) -> str:
    answer = requests.post(f"{rokt.base_url}/v1/subscribe/cal", timeout=10,
                           json={"externalId": external_id, "email": f"{external_id}@ex.com"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["subscriptionId"])


def outbox_states(rokt: FakeRokt) -> dict[str, int]:
    assert rokt.subscribers is not None
    return rokt.subscribers.outbox.counts()


def test_a_429_is_waited_out_not_hammered() -> None:
    lines: list[str] = []
    with running_fake_braze(keys=[ApiKey(KEY)], rate_limit=(1, 1.0), log=lines.append) as braze, \
            fake_rokt(braze.base_url) as rokt:
        subscribe(rokt, "first")
        eventually(lambda: outbox_states(rokt) == {"sent": 2}, "the first push")
        for n in range(5):  # these queue up behind the rate limit
            subscribe(rokt, f"later-{n}")
        eventually(lambda: outbox_states(rokt) == {"sent": 12}, "the push after the reset")
        rows = rokt.subscribers.outbox.rows() if rokt.subscribers else []
    assert any(row.attempts == 2 for row in rows)  # tried, rate-limited, sent after the reset
    assert not [line for line in lines if line.startswith("error")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def braze_process(port: int, db: Path, *extra: str) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.cli", "fake-braze", "--port", str(port), "--db",
         str(db), "--api-key", KEY, *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the banner says when it listens
            if line.startswith("fake Braze REST API on"):
                break
        else:
            raise AssertionError(f"fake-braze did not start (exit {process.wait()})")
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _export(braze_url: str, ids: list[str]) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = []
    for start in range(0, len(ids), 50):
        answer = requests.post(braze_url + "/users/export/ids", timeout=10,
                               headers={"Authorization": f"Bearer {KEY}"},
                               json={"external_ids": ids[start:start + 50]})
        users += answer.json()["users"]
    return users


def _rows(rokt: FakeRokt) -> list[Any]:
    assert rokt.subscribers is not None
    return rokt.subscribers.outbox.rows()


def test_killing_braze_mid_push_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    """80 subscribers are queued while Braze is down; Braze starts with a rate limit of one
    request per 2 s, takes the first batch (75 attributes + 75 events) and refuses the
    second (429); while the push waits for the reset, Braze is killed (SIGKILL), then
    started again on the same database. Every subscription arrives exactly once."""
    port = _free_port()
    braze_url = f"http://127.0.0.1:{port}"
    db = tmp_path / "braze.sqlite3"
    ids = [f"user-{n:03d}" for n in range(80)]
    with fake_rokt(braze_url, tmp_path / "rokt.sqlite3") as rokt:
        subscriptions = {external_id: subscribe(rokt, external_id) for external_id in ids}
        assert outbox_states(rokt) == {"pending": 160}  # Braze is not there: all kept
        with braze_process(port, db, "--rate-limit", "1/2") as braze:
            eventually(lambda: any(r.detail.startswith("429") for r in _rows(rokt)),
                       "the rate-limited second batch")
            braze.send_signal(signal.SIGKILL)  # the push is waiting for X-RateLimit-Reset
            braze.wait()
        assert outbox_states(rokt) == {"sent": 150, "pending": 10}
        with braze_process(port, db):
            eventually(lambda: outbox_states(rokt) == {"sent": 160}, "delivery after restart")
            users = _export(braze_url, ids)
    assert sorted(u["external_id"] for u in users) == ids
    for user in users:
        custom = user["custom_attributes"]
        assert custom["rokt:subscription_id"] == [subscriptions[user["external_id"]]]
        assert len(custom["rokt:calendar_code"]) == 1
        assert [(e["name"], e["count"]) for e in user["custom_events"]] == [("subscribe", 1)]


def test_push_waits_for_a_braze_that_is_not_there_yet() -> None:
    port = _free_port()
    with fake_rokt(f"http://127.0.0.1:{port}") as rokt:
        subscribe(rokt, "early")
        eventually(lambda: any(r.attempts for r in _rows(rokt)), "a failed attempt")
        assert outbox_states(rokt) == {"pending": 2}
        with running_fake_braze(keys=[ApiKey(KEY)], port=port) as braze:
            eventually(lambda: outbox_states(rokt) == {"sent": 2}, "delivery", attempts=800)
            answer = requests.post(braze.base_url + "/users/export/ids", timeout=10,
                                   headers={"Authorization": f"Bearer {KEY}"},
                                   json={"external_ids": ["early"]}).json()
    assert answer["users"][0]["external_id"] == "early"
