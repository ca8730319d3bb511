"""SQLite storage for the fakes: one connection, one lock, one transaction per write.

One connection guarded by a lock serves every handler thread: a fake's load is small,
and a single connection is what makes the default `:memory:` database shared at all.
A file database runs in WAL mode with `synchronous=FULL`, and a write is committed
before the handler returns, so the server only acknowledges a write that is on disk: a
`kill -9` (or a power cut) loses no acknowledged write. The schema carries a version
(`PRAGMA user_version`); older versions are upgraded with the given migrations, newer
ones are refused rather than misread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from rokt_braze.errors import InputError


class Database:
    """`schema` creates the current version (`IF NOT EXISTS` statements);
    `migrations[n]` upgrades a version-n file to n + 1."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        schema: str,
        version: int,
        migrations: Mapping[int, str] | None = None,
    ) -> None:
        target = os.fspath(path) if path is not None else ":memory:"
        self.path = target
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(target, check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the database: {exc}", path=target) from None
        try:
            self._prepare(schema, version, dict(migrations or {}), file=target != ":memory:")
        except (sqlite3.Error, InputError) as exc:
            self._conn.close()
            if isinstance(exc, InputError):
                raise InputError(exc.reason, path=target) from None
            raise InputError(f"not a usable SQLite database: {exc}", path=target) from None

    def _prepare(self, schema: str, version: int, migrations: dict[int, str], file: bool) -> None:
        db = self._conn
        db.execute("PRAGMA foreign_keys = ON")
        if file:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
        found = int(db.execute("PRAGMA user_version").fetchone()[0])
        if found > version:
            raise InputError(f"database schema version {found}, this fake knows {version}")
        empty = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        with db:
            if not empty and found < version:
                for step in range(found, version):
                    if step not in migrations:
                        raise InputError(f"database schema version {found} cannot be upgraded")
                    db.executescript(migrations[step])
            db.executescript(schema)
            db.execute(f"PRAGMA user_version = {int(version)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Serialise access; commit on success, roll back on an exception."""
        with self._lock, self._conn:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()
