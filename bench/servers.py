"""Load and durability of the fake Rokt (`rokt-braze fake-rokt`, the fakes' server core).

Run: python bench/servers.py [--concurrency N] [--rounds R] [--writes W]

Two measurements against a real server process (its own interpreter, so the load
generator does not share its GIL), on loopback:

* load: N clients (default 500) fire one request each at the same instant, each on its
  own connection, R times (default 2). The mix is what a Braze send and its
  subscribers make: OAuth token requests, event creates and updates, calendar feeds,
  health checks, and refused requests (a wrong secret, a bad body). An error is a request
  that got no HTTP answer (reset, refused, timeout) or a 5xx; 4xx answers to the bad
  requests are expected. Latency percentiles cover every request.
* durability: writers post creates to a file database; after W acknowledged writes
  (default 400) the server is killed with SIGKILL mid-stream; it is restarted on the same
  file and every event that was answered 202 must be there.

The numbers depend on what else the machine is doing: the load average is printed with
them. Keep runs short on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

CLIENT, SECRET = "bench-client", "bench-secret-1"
ACCOUNT = "bench"
SUB = "06423672-b6ba-4536-aa36-70788a7a0a36"


def start_server(db: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, "-m", "rokt_braze.fakes.rokt", "--port", "0",
            "--client", f"{CLIENT}:{SECRET}"]
    if db is not None:
        args += ["--db", str(db)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stderr is not None
    base = ""
    for line in process.stderr:
        if line.startswith("fake Rokt Calendar API on "):
            base = line.split(" on ", 1)[1].strip()
        if line.startswith("Press Ctrl-C"):
            break
    if not base:
        raise SystemExit("the fake did not start")
    # drain the request log so the server never blocks on a full pipe
    threading.Thread(target=lambda: [None for _ in process.stderr or ()], daemon=True).start()
    return process, base


def token(base: str) -> str:
    reply = requests.post(f"{base}/oauth2/token", auth=(CLIENT, SECRET), timeout=30,
                          data={"grant_type": "client_credentials"})
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def event(event_id: str) -> dict[str, object]:
    return {"event": {"eventId": event_id, "title": "Bench", "start": "2030-07-01T09:30:00",
                      "end": "2030-07-01T10:30:00", "timezone": "Eastern Standard Time",
                      "notifyBefore": "15"}, "subscriptionIds": [SUB]}


def post_event(base: str, bearer: str, body: object, update: bool = False,
               timeout: float = 30) -> requests.Response:
    url = f"{base}/v1/subscriptionevent/{ACCOUNT}" + ("/update" if update else "")
    return requests.post(url, data=json.dumps(body), timeout=timeout, headers={
        "Authorization": f"Bearer {bearer}", "Content-Type": "application/json"})


def mixed(base: str, bearer: str, n: int) -> Callable[[], requests.Response]:
    """The n-th request of the mix, as a function to call at the starting gun."""
    kind = n % 8
    if kind == 0:
        return lambda: requests.post(f"{base}/oauth2/token", auth=(CLIENT, SECRET), timeout=30,
                                     data={"grant_type": "client_credentials"})
    if kind in (1, 2):
        return lambda: post_event(base, bearer, event(f"e{n}"))
    if kind == 3:
        return lambda: post_event(base, bearer, event("seed"), update=True)
    if kind == 4:
        return lambda: requests.get(f"{base}/calendars/{SUB}.ics", timeout=30)
    if kind == 5:
        return lambda: requests.get(f"{base}/health", timeout=30)
    if kind == 6:  # refused: a body that is not JSON (400)
        return lambda: post_event(base, bearer, "not json")
    return lambda: requests.post(f"{base}/oauth2/token", timeout=30,  # refused: 401 / 429
                                 auth=(CLIENT, f"wrong-{n}"),
                                 data={"grant_type": "client_credentials"})


def load(
    base: str, bearer: str, concurrency: int
) -> tuple[list[float], list[str], dict[int, int]]:
    calls = [mixed(base, bearer, n) for n in range(concurrency)]
    random.Random(1).shuffle(calls)
    gun = threading.Barrier(concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(call: Callable[[], requests.Response]) -> None:
        gun.wait()
        started = time.perf_counter()
        try:
            status = call().status_code
        except requests.RequestException as err:
            with lock:
                errors.append(type(err).__name__)
                latencies.append(time.perf_counter() - started)
            return
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500:
                errors.append(f"HTTP {status}")

    threads = [threading.Thread(target=client, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, statuses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def durability(writes: int) -> tuple[int, int, int]:
    """(acknowledged, stored of those, lost)."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "state.sqlite"
        process, base = start_server(db)
        bearer = token(base)
        acknowledged: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(w: int) -> None:
            for i in range(100_000):
                if stop.is_set():
                    return
                event_id = f"w{w}-{i}"
                try:
                    reply = post_event(base, bearer, event(event_id), timeout=10)
                except requests.RequestException:
                    return
                if reply.status_code == 202:
                    with lock:
                        acknowledged.append(event_id)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        while True:
            with lock:
                if len(acknowledged) >= writes:
                    break
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)  # writes are in flight on the other threads
        process.wait()
        stop.set()
        for thread in threads:
            thread.join()
        process, base = start_server(db)
        try:
            bearer = token(base)
            stored = set()
            for event_id in acknowledged:  # each acknowledged event must still exist
                reply = post_event(base, bearer, event(event_id), update=True)
                if reply.status_code == 202:
                    stored.add(event_id)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(10)
        return len(acknowledged), len(stored), len(acknowledged) - len(stored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writes", type=int, default=400)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (shared with other work)")
    process, base = start_server()
    try:
        # one token for every round: the wrong secrets in the mix soon make the failed-
        # authentication limit answer this address 429, good secret or not
        bearer = token(base)
        post_event(base, bearer, event("seed")).raise_for_status()
        for round_ in range(1, args.rounds + 1):
            started = time.perf_counter()
            latencies, errors, statuses = load(base, bearer, args.concurrency)
            wall = time.perf_counter() - started
            print(f"load round {round_}: {len(latencies)} concurrent mixed requests in "
                  f"{wall:.2f} s; errors {len(errors)} {sorted(set(errors)) or ''}; "
                  f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
                  f"p90 {percentile(latencies, 0.9) * 1000:.0f} ms, "
                  f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
                  f"max {max(latencies) * 1000:.0f} ms, "
                  f"mean {statistics.mean(latencies) * 1000:.0f} ms; statuses "
                  f"{dict(sorted(statuses.items()))}")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    acknowledged, stored, lost = durability(args.writes)
    print(f"kill -9 during writes: {acknowledged} acknowledged, {stored} found after restart, "
          f"{lost} lost")


if __name__ == "__main__":
    main()
