"""Throughput of the fake Braze and of the fake Rokt's push into it.

Run: python bench/braze.py [--requests N] [--subscribers S]

* track: N `/users/track` requests (default 40), each Braze's maximum of 75 attribute
  objects and 75 `subscribe` events for new users, sent one after another to a fake Braze
  with a file database; reported as objects per second and milliseconds per request.
* push: S subscriptions (default 300) at the fake Rokt, then the time until its outbox has
  pushed them all into the fake Braze (batches of 75 attributes + 75 events).

Both servers run in this process (the fakes' core serves from a thread pool), so the
numbers include the client's work. The machine is shared: the load average is printed with
the numbers; keep runs short.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import requests

from rokt_braze.fakes.braze.app import running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey
from rokt_braze.fakes.rokt.server import FakeRokt
from rokt_braze.fakes.rokt.subscribers import Calendar, SubscribersConfig

KEY = "bench-key-000000001"


def bench_track(folder: Path, count: int) -> str:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {KEY}"
    with running_fake_braze(keys=[ApiKey(KEY)], db=folder / "track.sqlite3") as braze:
        started = time.perf_counter()
        for n in range(count):
            ids = [f"u{n}-{i}" for i in range(75)]
            body = {
                "attributes": [{"external_id": i, "rokt:calendar_code": {"add": [f"c/{i}"]},
                                "first_name": "Bench"} for i in ids],
                "events": [{"external_id": i, "name": "subscribe",
                            "time": "2024-05-01T10:00:00Z"} for i in ids],
            }
            answer = session.post(braze.base_url + "/users/track", json=body, timeout=30)
            assert answer.status_code == 201, answer.text
        took = time.perf_counter() - started
    objects = count * 150
    return (f"track: {count} requests x 150 objects in {took:.2f} s = "
            f"{objects / took:,.0f} objects/s, {1000 * took / count:.1f} ms/request")


def bench_push(folder: Path, count: int) -> str:
    with running_fake_braze(keys=[ApiKey(KEY)], db=folder / "push.sqlite3") as braze:
        rokt = FakeRokt(db=folder / "rokt.sqlite3", subscribers=SubscribersConfig(
            [Calendar("cal", "acme")], braze.base_url, KEY))
        rokt.start()
        try:
            session = requests.Session()
            started = time.perf_counter()
            for n in range(count):
                answer = session.post(f"{rokt.base_url}/v1/subscribe/cal", timeout=30,
                                      json={"externalId": f"s{n}", "email": f"s{n}@ex.com"})
                assert answer.status_code == 201
            subscribed = time.perf_counter() - started
            assert rokt.subscribers is not None
            while rokt.subscribers.outbox.counts() != {"sent": 2 * count}:
                time.sleep(0.01)
            pushed = time.perf_counter() - started
        finally:
            rokt.stop()
    return (f"push: {count} subscriptions taken in {subscribed:.2f} s "
            f"({count / subscribed:,.0f}/s); all pushed to Braze after {pushed:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--subscribers", type=int, default=300)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared machine)")
    with tempfile.TemporaryDirectory() as tmp:
        print(bench_track(Path(tmp), args.requests))
        print(bench_push(Path(tmp), args.subscribers))


if __name__ == "__main__":
    main()
