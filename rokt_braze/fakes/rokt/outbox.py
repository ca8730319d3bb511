"""The fake Rokt's outbox: `/users/track` objects waiting for Braze, sent in batches.

Every object Rokt owes Braze (a subscription's attributes object, its `subscribe` event, an
unsubscribe's `remove`) is written to the outbox table in the same transaction as the
subscription itself, then a sender thread pushes the oldest pending ones: at most 75
attributes and 75 events per request, Braze's limit. So a Braze that is down, slow or
rate-limiting loses nothing; delivery resumes when it answers, in order.

* 201: the batch is delivered; objects Braze lists in `errors` are marked `rejected` with
  Braze's `type` (retrying cannot fix them), the rest `sent`.
* 429: wait until `X-RateLimit-Reset` (UTC epoch seconds), then retry the same batch.
* 5xx, a timeout or no connection: retry with exponential backoff (capped).
* 400: the batch itself is malformed; its objects are marked `rejected`, never retried.
* 401/403: the key is wrong; everything stays pending (fix the key, restart: nothing lost).

An object is marked sent only after Braze's 201, so a push is at least once; an object is
never sent again after its 201 was read.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rokt_braze.fakes.core import Database
from rokt_braze.fakes.worker import Worker

__all__ = ["BATCH", "Outbox", "OutboxRow", "Pusher"]

BATCH = 75
MAX_BACKOFF = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS braze_outbox (
    id INTEGER PRIMARY KEY,
    section TEXT NOT NULL,          -- attributes or events
    object TEXT NOT NULL,           -- the /users/track object (JSON)
    subscription_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, rejected
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    sent REAL
);
CREATE INDEX IF NOT EXISTS braze_outbox_pending ON braze_outbox(state, id);
"""


@dataclass(frozen=True)
class OutboxRow:
    id: int
    section: str
    object: dict[str, Any]
    subscription_id: str
    state: str
    attempts: int
    detail: str


class Outbox:
    """The outbox table, in the fake Rokt's database: one transaction with the
    subscription that fills it."""

    def __init__(self, database: Database) -> None:
        self._tx = database.transaction
        with self._tx() as db:
            db.executescript(_SCHEMA)

    @staticmethod
    def put(db: sqlite3.Connection, section: str, obj: dict[str, Any], subscription_id: str,
            now: float) -> None:
        """Queue one object (inside the caller's transaction)."""
        db.execute(
            "INSERT INTO braze_outbox (section, object, subscription_id, created) "
            "VALUES (?, ?, ?, ?)",
            (section, json.dumps(obj, ensure_ascii=False), subscription_id, now),
        )

    def pending_batch(self) -> list[OutboxRow]:
        """The oldest pending objects that fit one request (≤75 per section)."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, section, object, subscription_id, state, attempts, detail "
                "FROM braze_outbox WHERE state = 'pending' ORDER BY id LIMIT ?", (BATCH * 2,),
            ).fetchall()
        batch: list[OutboxRow] = []
        counts: dict[str, int] = {}
        for row in rows:
            section = str(row[1])
            if counts.get(section, 0) >= BATCH:
                break  # keep order: nothing after an object that did not fit
            counts[section] = counts.get(section, 0) + 1
            batch.append(OutboxRow(int(row[0]), section, json.loads(row[2]), str(row[3]),
                                   str(row[4]), int(row[5]), str(row[6])))
        return batch

    def mark(self, results: dict[int, tuple[str, str]], now: float) -> None:
        """Set (state, detail) per row id; attempts + 1."""
        with self._tx() as db:
            db.executemany(
                "UPDATE braze_outbox SET state = ?, detail = ?, attempts = attempts + 1, "
                "sent = CASE WHEN ? = 'sent' THEN ? ELSE sent END WHERE id = ?",
                [(state, detail, state, now, row_id)
                 for row_id, (state, detail) in results.items()],
            )

    def note_attempt(self, ids: list[int], detail: str) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE braze_outbox SET attempts = attempts + 1, detail = ? WHERE id = ?",
                [(detail, i) for i in ids],
            )

    def rows(self) -> list[OutboxRow]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, section, object, subscription_id, state, attempts, detail "
                "FROM braze_outbox ORDER BY id"
            ).fetchall()
        return [OutboxRow(int(r[0]), str(r[1]), json.loads(r[2]), str(r[3]), str(r[4]),
                          int(r[5]), str(r[6])) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._tx() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM braze_outbox GROUP BY state")
            return {str(state): int(n) for state, n in rows.fetchall()}


class Pusher:
    """Sends the outbox to Braze's `/users/track` from a background thread."""

    def __init__(
        self,
        outbox: Outbox,
        braze_url: str,
        api_key: str,
        *,
        backoff: float = 0.5,
        max_backoff: float = MAX_BACKOFF,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.url = braze_url.rstrip("/") + "/users/track"
        self._api_key = api_key
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.clock = clock
        self._log = log
        self._failures = 0
        self._worker = Worker("rokt-braze-push", self.push_once, join_timeout=timeout + 5)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def notify(self) -> None:
        self._worker.notify()

    def push_once(self) -> float | None:
        """Send one batch. None: the outbox is empty; else seconds to wait before the next
        (a rate-limit reset or a backoff, which new subscriptions do not cut short)."""
        batch = self.outbox.pending_batch()
        if not batch:
            return None
        body: dict[str, list[dict[str, Any]]] = {}
        for row in batch:
            body.setdefault(row.section, []).append(row.object)
        status, payload, headers, problem = self._post(body)
        ids = [row.id for row in batch]
        if status == 201 or (status is not None and 200 <= status < 300):
            self._failures = 0
            errors = _errors_by_position(payload)
            results: dict[int, tuple[str, str]] = {}
            positions: dict[str, int] = {}
            for row in batch:
                index = positions.get(row.section, 0)
                positions[row.section] = index + 1
                error = errors.get((row.section, index))
                results[row.id] = ("rejected", error) if error else ("sent", "")
            self.outbox.mark(results, self.clock())
            self.log_line(f"pushed {len(batch)} objects to Braze ({status})")
            return 0.0
        if status == 429:
            reset = _number(headers.get("x-ratelimit-reset"))
            self.outbox.note_attempt(ids, "429 rate limited")
            wait = reset - self.clock() if reset else self._next_backoff()
            self.log_line(f"Braze rate-limited the push; retrying in {max(wait, 0):.1f} s")
            return max(wait, 0.05)
        if status == 400:
            message = str(payload.get("message", "")) if isinstance(payload, dict) else ""
            self.outbox.mark({i: ("rejected", f"400 {message}") for i in ids}, self.clock())
            self.log_line(f"Braze refused a batch as malformed: {message}")
            return 0.0
        detail = problem or f"HTTP {status}"
        self.outbox.note_attempt(ids, detail)
        wait = self._next_backoff()
        self.log_line(f"push to Braze failed ({detail}); retrying in {wait:.1f} s")
        return wait

    def _next_backoff(self) -> float:
        self._failures += 1
        return float(min(self.backoff * 2 ** (self._failures - 1), self.max_backoff))

    def _post(self, body: dict[str, Any]) -> tuple[int | None, Any, dict[str, str], str]:
        import requests

        try:
            response = requests.post(
                self.url, json=body, timeout=self.timeout,
                headers={"Authorization": f"Bearer {self._api_key}"},
            )
        except requests.RequestException as err:
            return None, None, {}, f"cannot reach Braze: {type(err).__name__}"
        try:
            payload = response.json()
        except ValueError:
            payload = None
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status_code, payload, headers, ""

    def log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(line)


def _errors_by_position(payload: Any) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    if isinstance(payload, dict):
        for error in payload.get("errors") or []:
            if isinstance(error, dict) and isinstance(error.get("index"), int):
                out[(str(error.get("input_array")), error["index"])] = str(error.get("type"))
    return out


def _number(text: str | None) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0
