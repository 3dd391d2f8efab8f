"""Opening the SQLite file: WAL, a busy timeout, schema migrations, first-start seeding."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from knowledge import schema, seed

BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another's short transaction


class DatabaseError(RuntimeError):
    """The database file cannot be used (corrupt, not SQLite, unreadable)."""


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin."""

    read_only = False

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction (a savepoint when nested); BEGIN IMMEDIATE on a writable connection.

        In WAL mode a transaction that reads and then writes fails at once with "database is
        locked" if another writer committed in between: the busy timeout cannot help it.
        Taking the write lock first makes it wait its turn instead.
        """
        if self.conn.in_transaction or self.read_only:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


@contextlib.contextmanager
def reading(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One consistent read of several tables, without the write lock (WAL: a snapshot).

    A read transaction sees the database as of its first read, whatever commits meanwhile,
    and neither waits for a writer nor makes one wait. (BEGIN IMMEDIATE would take the write
    lock: every message's save would queue behind a long read, and the read behind an import.)
    """
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.rollback()  # nothing was written: ending the read is all


def connect(path: str | Path, read_only: bool = False, create: bool = False) -> Database:
    """A connection with the settings every request uses; never creates the file unless asked."""
    mode = "rwc" if create else "rw"
    uri = f"file:{quote(str(Path(path).absolute()))}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.read_only = read_only
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    # WAL with NORMAL never corrupts; a power cut may lose the last commits, and each commit
    # no longer waits for the disk to sync.
    db.execute("PRAGMA synchronous = NORMAL")
    if read_only:
        # Maintenance or a read-only disk: answers are read, every write fails at once.
        db.execute("PRAGMA query_only = ON")
    return db


def prepare(path: str | Path, read_only: bool = False) -> None:
    """Create the file if needed, bring its schema up to date, load curated data if empty."""
    path = Path(path)
    if read_only and not path.is_file():
        raise DatabaseError(
            f"The database file {path} does not exist, and READ_ONLY is set so it cannot be "
            "created."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"The folder for the database file {path} cannot be created: {exc.strerror}."
        ) from exc
    try:
        db = connect(path, read_only=read_only, create=not read_only)
        try:
            _check(db, path, read_only)
        finally:
            db.conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"The database file {path} cannot be used ({exc}). Restore it from a backup, or "
            "move it away to start again from the curated knowledge base."
        ) from exc


def _check(db: sqlite_utils.Database, path: Path, read_only: bool) -> None:
    """Refuse a damaged file; migrate and seed it unless read-only."""
    problem = db.execute("PRAGMA quick_check").fetchone()[0]
    if problem != "ok":
        raise sqlite3.DatabaseError(f"it is damaged: {problem}")
    latest = max(number for number, _ in schema.MIGRATIONS)
    if read_only:
        if schema.version(db) < latest:
            raise DatabaseError(
                f"The database file {path} is at schema version {schema.version(db)}, this "
                f"code needs {latest}, and READ_ONLY is set: start once without it to migrate."
            )
        return
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    schema.migrate(db)
    if not db["service"].count:
        seed.load_all(db)


def read_only(config) -> bool:
    """True when the READ_ONLY setting asks for a database opened read-only."""
    return str(config.get("READ_ONLY") or "").strip().lower() in {"1", "true", "yes", "on"}


def get_db() -> Database:
    """This thread's connection to the app's database, opened on first use and kept open.

    One per worker thread, opened after any fork (a connection must never cross one), so
    a message pays for no connect, PRAGMAs or schema read: only for its own statements.
    """
    from flask import current_app

    return thread_connection(current_app)


def thread_connection(app) -> Database:
    """The connection this thread and process keep for app (see get_db)."""
    local = app.extensions.get("db_local")
    if local is None:
        local = app.extensions.setdefault("db_local", threading.local())
    db = getattr(local, "db", None)
    if db is None or local.pid != os.getpid():
        db = connect(app.config["DATABASE"], read_only(app.config))
        local.db, local.pid = db, os.getpid()
    return db


def end_request(_exc: BaseException | None = None) -> None:
    """Roll back whatever a request left uncommitted, so no lock outlives it."""
    from flask import current_app

    local = current_app.extensions.get("db_local")
    db = getattr(local, "db", None)
    if db is not None and local.pid == os.getpid() and db.conn.in_transaction:
        db.conn.rollback()


def init_app(app) -> None:
    """Give the app its per-thread connections."""
    app.teardown_appcontext(end_request)
