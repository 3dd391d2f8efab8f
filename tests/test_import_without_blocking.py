"""An import writes its rows beside the database and swaps them in at once: while it works,
the bot's own writes go ahead, readers see the knowledge base as it was, and a failure or a
dry run changes nothing and leaves no scratch file behind."""

import os
import sqlite3
import time
from pathlib import Path

import pytest
import sqlite_utils

from knowledge import kb_io, queries, staging, transfer
from knowledge.db import connect
from knowledge.import_report import ImportFailed

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "hsds" / "spec-3.0-examples"
HSDS_FILE = EXAMPLES / "service_list.json"
needs_examples = pytest.mark.skipif(not HSDS_FILE.exists(), reason="HSDS examples not here")


@pytest.fixture
def during_insert(monkeypatch):
    """Run a check (once) while the import is writing its rows; returns what it saw."""
    seen = {}
    original = sqlite_utils.db.Table.insert_all

    def insert_all(table, *args, **kwargs):
        result = original(table, *args, **kwargs)
        if "check" in seen and "result" not in seen:
            seen["result"] = seen["check"]()
        return result

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", insert_all)
    return seen


def bot_write_and_read(path):
    """As a message would: save a conversation at once (no waiting), and count services."""

    def check():
        conn = sqlite3.connect(path, timeout=0)  # a write that must wait fails at once
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO conversation (key, state, updated_at) VALUES (?, '{}', ?)",
                    ["during-import", time.time()],
                )
            return {
                "saved": True,
                "services": conn.execute("SELECT count(*) FROM service").fetchone()[0],
            }
        except sqlite3.OperationalError as exc:
            return {"saved": False, "error": str(exc)}
        finally:
            conn.close()

    return check


def scratch_files(app):
    return list(Path(app.config["DATABASE"]).parent.glob(staging.PREFIX + "*"))


@needs_examples
def test_the_bot_saves_and_reads_the_old_base_while_an_hsds_import_writes(app, during_insert):
    db = connect(app.config["DATABASE"])
    services = db["service"].count
    during_insert["check"] = bot_write_and_read(app.config["DATABASE"])
    report = transfer.import_path(db, HSDS_FILE)
    assert during_insert["result"] == {"saved": True, "services": services}
    assert db["service"].count == services + report.imported["service"] > services
    assert db["conversation"].get("during-import")
    assert scratch_files(app) == []


def test_the_bot_saves_while_a_restore_writes(app, during_insert):
    db = connect(app.config["DATABASE"])
    tables = kb_io.export_tables(db)
    services = db["service"].count
    during_insert["check"] = bot_write_and_read(app.config["DATABASE"])
    kb_io.import_kb(db, tables)
    assert during_insert["result"] == {"saved": True, "services": services}
    assert kb_io.export_tables(db) == tables
    assert scratch_files(app) == []


@needs_examples
def test_a_dry_run_and_a_refused_import_change_nothing_and_leave_no_scratch_file(app):
    db = connect(app.config["DATABASE"])
    before = kb_io.export_tables(db)
    revision = db.execute("SELECT n FROM kb_revision").fetchone()[0]
    transfer.import_path(db, HSDS_FILE, dry_run=True)
    assert kb_io.export_tables(db) == before
    db.execute(
        "CREATE TRIGGER refuse_services BEFORE INSERT ON service "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    with pytest.raises(ImportFailed, match="injected failure"):
        transfer.import_path(db, HSDS_FILE)
    assert kb_io.export_tables(db) == before
    assert db.execute("SELECT n FROM kb_revision").fetchone()[0] == revision
    assert scratch_files(app) == []


@needs_examples
def test_a_scratch_file_left_by_a_crash_is_removed_by_the_next_import(app):
    folder = Path(app.config["DATABASE"]).parent
    old = folder / f"{staging.PREFIX}crashed.db"
    recent = folder / f"{staging.PREFIX}running.db"
    old.write_bytes(b"")
    recent.write_bytes(b"")
    a_day_ago = time.time() - staging.LEFTOVER_SECONDS - 60
    os.utime(old, (a_day_ago, a_day_ago))
    transfer.import_path(connect(app.config["DATABASE"]), HSDS_FILE)
    assert not old.exists()
    assert recent.exists()  # perhaps another import's, still at work


def test_the_knowledge_base_is_read_while_another_connection_holds_the_write_lock(app):
    path = app.config["DATABASE"]
    db = connect(path)
    db.execute("PRAGMA busy_timeout = 50")  # a read that waited for the lock would fail
    queries.snapshot(db, path)
    with sqlite3.connect(path) as other:  # an edit: the cached snapshot is now stale
        other.execute("UPDATE kb_revision SET n = n + 1")
    revision = queries.revision(db)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import's swap, say, not yet committed
    writer.execute("UPDATE service SET name = 'half-written'")
    try:
        kb = queries.snapshot(db, path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert kb.revision == revision
    assert "half-written" not in {service.name for service in kb.services}
