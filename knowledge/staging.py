"""Bulk writes (imports, restores) built beside the database, then swapped in at once.

Writing tens of thousands of rows row by row takes seconds, and a write transaction holds
SQLite's one write lock for all of it: every text that arrives meanwhile waits to save its
conversation, past Twilio's 15 s on a loaded machine. So the rows are first written into a
scratch file beside the database, which locks nothing the bot uses (the slow part); then one
short transaction removes the rows being replaced and copies the new ones in with
`INSERT ... SELECT`, in C, all at once.

Readers see the knowledge base before or after, never half of it. A row that breaks a
constraint (in the scratch file, or when copied in) rolls everything back: nothing changed.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

PREFIX = ".staged-import-"
LEFTOVER_SECONDS = 86_400  # a scratch file this old was left by a crash: removed
_TABLE_NAME = re.compile(r'^CREATE TABLE\s+("[^"]+"|\[[^\]]+\]|\S+)', re.I)


class _Rollback(Exception):
    """Raised inside the swap's transaction to undo it (a dry run)."""


def _folder(db: sqlite_utils.Database) -> Path:
    """The database file's folder (the system's temporary folder for an in-memory one)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return Path(tempfile.gettempdir())


def _remove_leftovers(folder: Path, now: float) -> None:
    for path in folder.glob(PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > LEFTOVER_SECONDS:
                path.unlink()


@contextlib.contextmanager
def _scratch(
    db: sqlite_utils.Database, tables: list[str]
) -> Iterator[tuple[Path, sqlite_utils.Database]]:
    """A scratch database holding empty copies of tables (constraints and all); removed after."""
    folder = _folder(db)
    _remove_leftovers(folder, time.time())
    handle, name = tempfile.mkstemp(prefix=PREFIX, suffix=".db", dir=folder)
    os.close(handle)
    path = Path(name)
    scratch = sqlite_utils.Database(sqlite3.connect(path))
    try:
        # Only a step on the way: if the machine stops, the import is simply not done.
        scratch.execute("PRAGMA journal_mode = OFF")
        scratch.execute("PRAGMA synchronous = OFF")
        for table in tables:
            sql = db.execute(
                "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", [table]
            ).fetchone()[0]
            scratch.execute(_TABLE_NAME.sub(f"CREATE TABLE [{table}]", sql, count=1))
        yield path, scratch
    finally:
        scratch.conn.close()
        with contextlib.suppress(OSError):
            path.unlink()


def _columns(db: sqlite_utils.Database, table: str) -> str:
    return ", ".join(f"[{c}]" for c in db[table].columns_dict)


def replace_rows(
    db: sqlite_utils.Database,
    rows: dict[str, list[dict]],
    order: list[str] | tuple[str, ...],
    clear: Callable[[sqlite_utils.Database], None],
    *,
    dry_run: bool = False,
) -> None:
    """Put rows (by table, copied in order: parents first) into db in place of what clear
    deletes, in one short transaction; a dry run does it all and rolls it back.

    Raises sqlite3.Error, with nothing changed, when a row breaks a constraint.
    """
    tables = [table for table in order if rows.get(table)]
    with _scratch(db, tables) as (path, scratch):
        with scratch.conn:
            for table in tables:
                scratch[table].insert_all(rows[table], batch_size=500)
        if db.conn.in_transaction:  # ATTACH cannot run inside one, and this must not nest
            raise RuntimeError("replace_rows needs a connection with no open transaction")
        db.execute("ATTACH DATABASE ? AS staged", [str(path)])
        try:
            with db.atomic():
                clear(db)
                for table in tables:
                    columns = _columns(db, table)
                    db.execute(
                        f"INSERT INTO main.[{table}] ({columns}) "
                        f"SELECT {columns} FROM staged.[{table}]"
                    )
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        finally:
            db.execute("DETACH DATABASE staged")
