"""SQLite storage of the fake Braze: users (export-shaped JSON), aliases, events, deliveries.

On the server core's `Database` (one locked connection; a file database acknowledges only
writes that are on disk). A `/users/track` request is applied in one transaction
(`transaction()`), its campaign deliveries queued in the same one, so a failure half-way
leaves nothing half-written and a restart loses no delivery.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from rokt_braze.fakes.core import Database

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    braze_id TEXT NOT NULL UNIQUE,
    external_id TEXT UNIQUE,
    email TEXT,
    phone TEXT,
    updated REAL NOT NULL,
    data TEXT NOT NULL             -- the user in /users/export shape (JSON)
);
CREATE INDEX IF NOT EXISTS users_email ON users(email);
CREATE INDEX IF NOT EXISTS users_phone ON users(phone);
CREATE TABLE IF NOT EXISTS aliases (
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (label, name)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    time TEXT NOT NULL,
    properties TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_user ON events(user_id, name);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    campaign TEXT NOT NULL,        -- the trigger event name
    webhook TEXT NOT NULL,         -- the webhook file
    user TEXT NOT NULL,            -- how reports name the user
    state TEXT NOT NULL,           -- pending, sent, failed, aborted, error
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    status INTEGER,                -- the receiver's HTTP status, last attempt
    detail TEXT NOT NULL DEFAULT '',
    request TEXT,                  -- the rendered request, secrets redacted (JSON)
    findings TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL,
    updated REAL NOT NULL,
    UNIQUE (event_id, webhook)
);
"""


@dataclass(frozen=True)
class StoredUser:
    row_id: int
    data: dict[str, Any]


class Store:
    """All persistent state of one fake Braze."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._db = Database(path, schema=_SCHEMA, version=SCHEMA_VERSION)
        self.transaction = self._db.transaction

    def close(self) -> None:
        self._db.close()

    # users

    def find(self, db: sqlite3.Connection, field: str, value: str) -> StoredUser | None:
        """The user an identifier names. Email and phone may match several profiles: the most
        recently updated one with an external_id wins, then the most recently updated."""
        if field == "user_alias":
            label, _, name = value.partition("\x00")
            row = db.execute(
                "SELECT u.id, u.data FROM users u JOIN aliases a ON a.user_id = u.id "
                "WHERE a.label = ? AND a.name = ?", (label, name),
            ).fetchone()
        elif field in ("external_id", "braze_id"):
            row = db.execute(f"SELECT id, data FROM users WHERE {field} = ?", (value,)).fetchone()
        elif field in ("email", "phone"):
            row = db.execute(
                f"SELECT id, data FROM users WHERE {field} = ? "
                "ORDER BY external_id IS NULL, updated DESC, id DESC LIMIT 1", (value,),
            ).fetchone()
        else:
            raise ValueError(f"unknown identifier field {field!r}")
        return None if row is None else StoredUser(int(row[0]), json.loads(row[1]))

    def create(self, db: sqlite3.Connection, data: dict[str, Any], now: float) -> StoredUser:
        """A new user: Braze assigns the braze_id, created_at and random bucket."""
        data.setdefault("braze_id", secrets.token_hex(12))
        data.setdefault("created_at", _export_created(now))
        data.setdefault("random_bucket", secrets.randbelow(10_000))
        cursor = db.execute(
            "INSERT INTO users (braze_id, updated, data) VALUES (?, ?, '{}')",
            (data["braze_id"], now),
        )
        user = StoredUser(int(cursor.lastrowid or 0), data)
        self.save(db, user, now)
        return user

    def save(self, db: sqlite3.Connection, user: StoredUser, now: float) -> None:
        data = user.data
        data.pop("event_properties", None)  # Braze does not keep event properties on a profile
        db.execute(
            "UPDATE users SET external_id = ?, email = ?, phone = ?, updated = ?, data = ? "
            "WHERE id = ?",
            (_text(data.get("external_id")), _text(data.get("email")), _text(data.get("phone")),
             now, json.dumps(data, ensure_ascii=False), user.row_id),
        )
        for alias in data.get("user_aliases") or []:
            db.execute(
                "INSERT OR IGNORE INTO aliases VALUES (?, ?, ?)",
                (alias.get("alias_label"), alias.get("alias_name"), user.row_id),
            )

    def add_event(self, db: sqlite3.Connection, user: StoredUser, name: str, time: str,
                  properties: dict[str, Any]) -> int:
        cursor = db.execute(
            "INSERT INTO events (user_id, name, time, properties) VALUES (?, ?, ?, ?)",
            (user.row_id, name, time, json.dumps(properties, ensure_ascii=False)),
        )
        return int(cursor.lastrowid or 0)

    def users(self) -> list[dict[str, Any]]:
        """Every user, oldest first."""
        with self.transaction() as db:
            rows = db.execute("SELECT data FROM users ORDER BY id").fetchall()
        return [json.loads(r[0]) for r in rows]

    def user_events(self) -> dict[str, set[str]]:
        """braze_id -> names of the events the user performed."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT DISTINCT u.braze_id, e.name FROM events e JOIN users u ON u.id = e.user_id"
            ).fetchall()
        out: dict[str, set[str]] = {}
        for braze_id, name in rows:
            out.setdefault(str(braze_id), set()).add(str(name))
        return out

    def event(self, event_id: int) -> tuple[dict[str, Any], str, dict[str, Any]] | None:
        """(user data, event name, event properties) of one recorded event."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT u.data, e.name, e.properties FROM events e JOIN users u "
                "ON u.id = e.user_id WHERE e.id = ?", (event_id,),
            ).fetchone()
        if row is None:
            return None
        return json.loads(row[0]), str(row[1]), json.loads(row[2])


def _text(value: object) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _export_created(now: float) -> str:
    """`created_at` as Braze's export sample writes it: `2020-07-10 15:00:00.000 UTC`."""
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(now, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"
