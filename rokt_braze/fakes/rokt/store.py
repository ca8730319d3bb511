"""SQLite storage for the fake Rokt: accounts, subscriptions, events, links, and tokens.

Built on the core's `Database` (one locked connection; a file database is WAL with
`synchronous=FULL`, so a write the server acknowledged survives kill -9). A file
database survives a restart with nothing lost (tokens included); tokens are stored as
SHA-256 hashes so the file holds no usable credential. An account belongs to the client
named for it, or else to the first client that uses it (version 2 added the owner).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict

from rokt_braze.fakes.core import Database
from rokt_braze.fakes.rokt.models import EventDetails, StoredEvent

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    code TEXT PRIMARY KEY,
    owner TEXT                    -- client id; NULL until configured or first used
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

#: version n -> n + 1
_MIGRATIONS = {1: "ALTER TABLE accounts ADD COLUMN owner TEXT;"}

_EVENT_COLUMNS = (
    'event_id, title, description, location, start, "end", timezone, notify_before, '
    "all_day, account, sequence, updated"
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """All persistent state of one fake server."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._db = Database(path, schema=_SCHEMA, version=SCHEMA_VERSION, migrations=_MIGRATIONS)
        #: shared with the subscribers' tables (`fakes.rokt.subscribers`), one transaction
        self.database = self._db
        self._tx = self._db.transaction

    def close(self) -> None:
        self._db.close()

    # accounts and subscriptions

    def add_accounts(self, owners: dict[str, str | None]) -> None:
        """Known accounts, each with its owning client (None: the first client to use it)."""
        with self._tx() as db:
            for code, owner in owners.items():
                db.execute("INSERT OR IGNORE INTO accounts (code) VALUES (?)", (code,))
                if owner is not None:
                    db.execute("UPDATE accounts SET owner = ? WHERE code = ?", (owner, code))

    def claim_account(self, code: str, client_id: str) -> str:
        """The account's owner, making `client_id` the owner of an unowned account."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO accounts (code) VALUES (?)", (code,))
            db.execute(
                "UPDATE accounts SET owner = ? WHERE code = ? AND owner IS NULL",
                (client_id, code),
            )
            return str(db.execute("SELECT owner FROM accounts WHERE code = ?", (code,))
                       .fetchone()[0])

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
            db.execute("INSERT OR IGNORE INTO accounts (code) VALUES (?)", (account,))
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

    def remove_event(self, account: str, subscription_id: str, event_id: str) -> bool:
        """Take the event off one subscription; the event stays on the others."""
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM event_subscriptions"
                " WHERE account = ? AND event_id = ? AND subscription_id = ?",
                (account, event_id, subscription_id.lower()),
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
