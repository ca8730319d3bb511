"""SQLite storage for the fake: accounts, subscriptions, events, their links, and tokens.

One connection guarded by a lock serves every request thread: the fake's load is tiny,
and a single connection is what makes the default `:memory:` database shared at all.
A file database survives a restart with nothing lost (tokens included); tokens are
stored as SHA-256 hashes so the file holds no usable credential.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from rokt_braze.errors import InputError
from rokt_braze.fake_rokt.models import EventDetails, StoredEvent

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    code TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,          -- lower-cased GUID
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    account TEXT NOT NULL REFERENCES accounts(code),
    event_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    location TEXT,
    start TEXT NOT NULL,
    "end" TEXT,
    timezone TEXT NOT NULL,
    notify_before INTEGER,
    all_day INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (account, event_id)
);
CREATE TABLE IF NOT EXISTS event_subscriptions (
    account TEXT NOT NULL,
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    PRIMARY KEY (account, event_id, subscription_id),
    FOREIGN KEY (account, event_id) REFERENCES events(account, event_id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,           -- 'access' or 'refresh'
    client_id TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

_EVENT_COLUMNS = (
    'event_id, title, description, location, start, "end", timezone, notify_before, '
    "all_day, account, sequence, updated"
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """All persistent state of one fake server."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        target = os.fspath(path) if path is not None else ":memory:"
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(target, check_same_thread=False)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the database: {exc}", path=target) from None
        try:
            self._init_schema()
        except (sqlite3.Error, InputError) as exc:
            self._conn.close()
            reason = (
                exc.reason
                if isinstance(exc, InputError)
                else f"not a usable SQLite database: {exc}"
            )
            raise InputError(reason, path=target) from None

    def _init_schema(self) -> None:
        self._conn.execute("PRAGMA foreign_keys = ON")
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise InputError(f"database schema version {version}, this fake knows {SCHEMA_VERSION}")
        with self._conn:
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """Serialise access and commit (or roll back) as one transaction."""
        with self._lock, self._conn:
            yield self._conn

    # accounts and subscriptions

    def add_accounts(self, codes: Iterable[str]) -> None:
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO accounts VALUES (?)", [(c,) for c in codes])

    def subscription_exists(self, subscription_id: str) -> bool:
        with self._tx() as db:
            row = db.execute(
                "SELECT 1 FROM subscriptions WHERE id = ?", (subscription_id.lower(),)
            ).fetchone()
        return row is not None

    # events

    def put_event(
        self, account: str, details: EventDetails, subscription_ids: Iterable[str], now: float
    ) -> None:
        """Create the event, or replace its fields if the id exists (sequence + 1), and
        link it to the subscriptions, creating those on first mention."""
        subs = sorted({s.lower() for s in subscription_ids})
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO accounts VALUES (?)", (account,))
            row = db.execute(
                "SELECT sequence FROM events WHERE account = ? AND event_id = ?",
                (account, details.event_id),
            ).fetchone()
            sequence = 0 if row is None else row[0] + 1
            # an upsert, not INSERT OR REPLACE: a replace deletes the row and so its links
            db.execute(
                f"INSERT INTO events ({_EVENT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, event_id) DO UPDATE SET title = excluded.title, "
                "description = excluded.description, location = excluded.location, "
                'start = excluded.start, "end" = excluded."end", timezone = excluded.timezone, '
                "notify_before = excluded.notify_before, all_day = excluded.all_day, "
                "sequence = excluded.sequence, updated = excluded.updated",
                (*_detail_values(details), account, sequence, now),
            )
            db.executemany(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?)", [(s, now) for s in subs]
            )
            db.executemany(
                "INSERT OR IGNORE INTO event_subscriptions VALUES (?, ?, ?)",
                [(account, details.event_id, s) for s in subs],
            )

    def update_event(self, account: str, details: EventDetails, now: float) -> bool:
        """Replace an existing event's fields, keeping its subscriptions; False if unknown."""
        values = _detail_values(details)
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE events SET title = ?, description = ?, location = ?, start = ?, "
                '"end" = ?, timezone = ?, notify_before = ?, all_day = ?, '
                "sequence = sequence + 1, updated = ? WHERE account = ? AND event_id = ?",
                (*values[1:], now, account, details.event_id),
            )
        return cursor.rowcount > 0

    def delete_event(self, account: str, event_id: str) -> bool:
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM events WHERE account = ? AND event_id = ?", (account, event_id)
            )
        return cursor.rowcount > 0

    def events(self, account: str) -> list[StoredEvent]:
        with self._tx() as db:
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE account = ? ORDER BY event_id",
                (account,),
            ).fetchall()
            return [self._event(db, row) for row in rows]

    def subscription_events(self, subscription_id: str) -> list[StoredEvent]:
        cols = ", ".join(f"e.{c.strip()}" for c in _EVENT_COLUMNS.split(","))
        with self._tx() as db:
            rows = db.execute(
                f"SELECT {cols} FROM events e JOIN event_subscriptions l "
                "ON l.account = e.account AND l.event_id = e.event_id "
                "WHERE l.subscription_id = ? ORDER BY e.start, e.account, e.event_id",
                (subscription_id.lower(),),
            ).fetchall()
            return [self._event(db, row) for row in rows]

    @staticmethod
    def _event(db: sqlite3.Connection, row: tuple[object, ...]) -> StoredEvent:
        (event_id, title, description, location, start, end, timezone, notify_before,
         all_day, account, sequence, updated) = row  # fmt: skip
        links = db.execute(
            "SELECT subscription_id FROM event_subscriptions "
            "WHERE account = ? AND event_id = ? ORDER BY subscription_id",
            (account, event_id),
        ).fetchall()
        return StoredEvent(
            event_id=str(event_id),
            title=str(title),
            description=None if description is None else str(description),
            location=None if location is None else str(location),
            start=str(start),
            end=None if end is None else str(end),
            timezone=str(timezone),
            notify_before=None if notify_before is None else int(str(notify_before)),
            all_day=bool(all_day),
            account=str(account),
            subscription_ids=tuple(str(link[0]) for link in links),
            sequence=int(str(sequence)),
            updated=float(str(updated)),
        )

    # tokens

    def add_token(self, kind: str, token: str, client_id: str, now: float, lifetime: float) -> None:
        """Store a new token and forget the expired ones."""
        with self._tx() as db:
            db.execute("DELETE FROM tokens WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?)",
                (token_hash(token), kind, client_id, now + lifetime),
            )

    def token_client(self, kind: str, token: str, now: float) -> str | None:
        """The client a live token of this kind was issued to, or None."""
        with self._tx() as db:
            row = db.execute(
                "SELECT client_id FROM tokens WHERE token_hash = ? AND kind = ? AND expires_at > ?",
                (token_hash(token), kind, now),
            ).fetchone()
        return None if row is None else str(row[0])

    def delete_token(self, token: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM tokens WHERE token_hash = ?", (token_hash(token),))


def _detail_values(details: EventDetails) -> tuple[object, ...]:
    """The event columns in `_EVENT_COLUMNS` order (up to `all_day`)."""
    d = asdict(details)
    return (
        d["event_id"], d["title"], d["description"], d["location"], d["start"], d["end"],
        d["timezone"], d["notify_before"], int(d["all_day"]),
    )  # fmt: skip
