"""Opening the SQLite file: WAL, a busy timeout, schema migrations, first-start seeding."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from knowledge import schema, seed


class DatabaseError(RuntimeError):
    """The database file cannot be used (corrupt, not SQLite, unreadable)."""


def connect(path: str | Path) -> sqlite_utils.Database:
    """A connection with the settings every request uses."""
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def prepare(path: str | Path) -> None:
    """Create the file if needed, bring its schema up to date, load curated data if empty."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        db = connect(path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        schema.migrate(db)
        if not db["service"].count:
            seed.load_all(db)
        db.conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"The database file {path} cannot be used: {exc}") from exc


def get_db() -> sqlite_utils.Database:
    """This request's connection, opened on first use and closed at teardown."""
    from flask import current_app, g

    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close this request's connection, if one was opened."""
    from flask import g

    conn = g.pop("db", None)
    if conn is not None:
        conn.conn.close()


def init_app(app) -> None:
    """Register the per-request connection with the app."""
    app.teardown_appcontext(close_db)
