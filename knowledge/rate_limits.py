"""Rate-limit counters in the app's SQLite file, as a `limits` storage every worker shares.

A fixed window per key, started by its first hit: one row per key, counted by one atomic
UPSERT. Keys hold only keyed hashes (never a number or an address); rows past their
window are deleted by the retention command.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable

from limits.storage import Storage

import knowledge.db as kdb

_HIT = (
    "INSERT INTO rate_count (key, hits, expires_at) VALUES (?1, ?2, ?3 + ?4) "
    "ON CONFLICT(key) DO UPDATE SET "
    "hits = CASE WHEN expires_at <= ?3 THEN excluded.hits ELSE hits + excluded.hits END, "
    "expires_at = CASE WHEN expires_at <= ?3 THEN excluded.expires_at ELSE expires_at END "
    "RETURNING hits"
)


class SQLiteStorage(Storage):
    """`limits` storage on a table of the app's database, through the caller's connection.

    connection() returns the connection to use (the request thread's own), so a hit made
    inside a message's write transaction commits with it: one commit per message.
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(
        self,
        uri: str = "sqlite://",
        wrap_exceptions: bool = False,
        connection: Callable[[], kdb.Database] | None = None,
        **options: object,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if connection is None:
            path = uri.split("://", 1)[1]
            connection = _own_connection(path)
        self.connection = connection

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _write(self, sql: str, args: list) -> sqlite3.Cursor:
        db = self.connection()
        if db.conn.in_transaction:  # part of the caller's transaction: it commits
            return db.execute(sql, args)
        with db.atomic():
            return db.execute(sql, args)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count amount more hits on key (a new window of expiry seconds if none is open)."""
        db = self.connection()
        args = [key, amount, time.time(), expiry]
        if db.conn.in_transaction:
            return db.execute(_HIT, args).fetchone()[0]
        with db.atomic():
            return db.execute(_HIT, args).fetchone()[0]

    def get(self, key: str) -> int:
        """Hits on key in its open window (0 when none is open)."""
        row = (
            self.connection()
            .execute(
                "SELECT hits FROM rate_count WHERE key = ? AND expires_at > ?", [key, time.time()]
            )
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When key's open window ends (now when none is open)."""
        now = time.time()
        row = (
            self.connection()
            .execute(
                "SELECT expires_at FROM rate_count WHERE key = ? AND expires_at > ?", [key, now]
            )
            .fetchone()
        )
        return row[0] if row else now

    def check(self) -> bool:
        """True when the table can be read."""
        try:
            self.connection().execute("SELECT 1 FROM rate_count LIMIT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; how many there were."""
        return self._write("DELETE FROM rate_count", []).rowcount

    def clear(self, key: str) -> None:
        """Forget key's counter."""
        self._write("DELETE FROM rate_count WHERE key = ?", [key])


def _own_connection(path: str) -> Callable[[], kdb.Database]:
    """A connection factory for a storage built from a URI alone (one connection per thread)."""
    local = threading.local()

    def connection() -> kdb.Database:
        if getattr(local, "pid", None) != os.getpid():  # never a connection from before a fork
            local.db, local.pid = kdb.connect(path), os.getpid()
        return local.db

    return connection
