"""Faults: crashes mid-write, a read-only or full disk, a missing or damaged database file."""

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from app import create_app
from knowledge import db as kdb
from knowledge import schema
from knowledge.db import get_db
from tests.conftest import AUTH_TOKEN
from webhooks.errors import storage_problem

ROOT = Path(__file__).resolve().parent.parent
HOTLINE, EMERGENCY = "1-888-373-7888", "911"
# Runs a write in a child process that kills itself (SIGKILL: no cleanup, no rollback)
# once it is inside the transaction and has changed some rows.
CRASH = """
import os, signal, sys
from knowledge.db import connect
db = connect(sys.argv[1])
def crash():
    if db.conn.in_transaction and db.conn.total_changes > 20:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0
db.conn.set_progress_handler(crash, 50)
{work}
print("finished without crashing")
"""


def config(tmp_path, **extra):
    return {
        "TESTING": True,
        "DATABASE": str(tmp_path / "bot.db"),
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SECRET_KEY": "test",
        "PHONE_HASH_KEY": "test-hash-key",
        **extra,
    }


def content(database) -> dict:
    """Every row of every content table."""
    return {t: list(database[t].rows) for t in schema.CONTENT_TABLES}


def crash_while(path, work: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CRASH.format(work=work), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def signed_sms(client, body, sender="+12035550142"):
    params = {"From": sender, "To": "+18885550100", "Body": body, "MessageSid": uuid.uuid4().hex}
    signature = RequestValidator(AUTH_TOKEN).compute_signature("http://localhost/sms", params)
    return client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})


def texts(response) -> str:
    return " ".join(m.text or "" for m in ET.fromstring(response.data).iter("Message"))


# Crashes in the middle of a write


def test_a_crash_in_the_middle_of_an_edit_leaves_the_knowledge_base_as_it_was(app, database):
    before = content(database)
    work = (
        "with db.atomic():\n"
        "    for n in range(500):\n"
        "        db.execute(\"UPDATE service SET description = 'half-saved ' || ?\", [n])\n"
    )
    result = crash_while(app.config["DATABASE"], work)
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    assert content(database) == before
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_crash_in_the_middle_of_a_reload_keeps_the_staff_edits(app, database):
    database.execute("UPDATE service SET description = 'edited by staff'")
    database.conn.commit()
    before = content(database)
    work = "from knowledge import seed\nseed.load_all(db)\n"
    result = crash_while(app.config["DATABASE"], work)
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    assert content(database) == before
    create_app(config(Path(app.config["DATABASE"]).parent))  # starts again on the same file


def test_a_crash_in_the_middle_of_an_hsds_import_leaves_the_knowledge_base_as_it_was(app, database):
    pytest.importorskip("knowledge.hsds_import")
    source = ROOT.parent / "shared" / "hsds" / "miami-211" / "datapackage.zip"
    if not source.exists():
        pytest.skip("the shared HSDS sample is not beside the project")
    before = content(database)
    work = f"from knowledge import hsds_import\nhsds_import.import_hsds(db, {str(source)!r})\n"
    result = crash_while(app.config["DATABASE"], work)
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    assert content(database) == before


# A read-only disk (READ_ONLY opens every connection with PRAGMA query_only)


@pytest.fixture
def read_only_client(app):
    """The same database file, served by an app that cannot write to it."""
    folder = Path(app.config["DATABASE"]).parent
    return create_app(config(folder, READ_ONLY="1")).test_client()


def test_a_read_only_disk_still_answers_chat_with_the_hotline_and_saves_nothing(
    read_only_client, database
):
    response = read_only_client.post(
        "/api/chat", json={"session_id": "ro-1", "message": "my boss took my passport"}
    )
    assert response.status_code == 200
    assert HOTLINE in response.get_json()["reply"]
    assert database.execute("SELECT count(*) FROM conversation").fetchone()[0] == 0


def test_a_read_only_disk_still_answers_a_text(read_only_client, database):
    response = signed_sms(read_only_client, "he has a gun and wont let me leave")
    assert response.status_code == 200
    assert texts(response).startswith("If you are in danger now, call 911")
    assert database.execute("SELECT count(*) FROM delivery").fetchone()[0] == 0


def test_stop_on_a_read_only_disk_gets_the_numbers_not_a_false_confirmation(read_only_client):
    response = signed_sms(read_only_client, "STOP")
    assert response.status_code == 200
    reply = texts(response)
    assert HOTLINE in reply and EMERGENCY in reply
    assert "try again later" in reply


def test_other_writes_on_a_read_only_disk_get_a_clear_503(read_only_client):
    params = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", "ErrorCode": "30003"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/sms/status", params
    )
    response = read_only_client.post(
        "/sms/status", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 503
    assert "read-only" in response.get_data(as_text=True)


def test_a_read_only_app_reports_ready_and_read_only(read_only_client):
    report = read_only_client.get("/healthz").get_json()
    assert report["status"] == "ready"
    assert report["read_only"] is True


# A full disk (the database capped at its current size with PRAGMA max_page_count)


def fill(db, table: str, key_length: int, columns: dict) -> None:
    """Insert rows, then smaller ones, until not one more row with such a key fits."""
    for size in (4000, 1000, 200, 40, 0):
        while True:
            row = {**columns, table_key(table): uuid.uuid4().hex.ljust(key_length, "0")}
            row[next(iter(columns))] = "x" * size
            try:
                with db.atomic():
                    db[table].insert(row)
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break


def table_key(table: str) -> str:
    return "key"


@pytest.fixture
def full_disk_client(app):
    """The app with every connection capped at the file's size and the state tables full."""
    path = app.config["DATABASE"]
    plain = kdb.connect(path)
    plain.execute("VACUUM")
    pages = plain.execute("PRAGMA page_count").fetchone()[0]
    plain.execute(f"PRAGMA max_page_count = {pages}")
    fill(plain, "conversation", 64, {"state": "", "updated_at": 0.0})
    fill(plain, "delivery", 32, {"reply": "", "created_at": 9e12})
    plain.conn.close()

    @app.before_request
    def disk_is_full():
        get_db().execute(f"PRAGMA max_page_count = {pages}")

    return app.test_client()


def test_a_full_disk_still_answers_chat_and_text(full_disk_client, database):
    rows = database.execute("SELECT count(*) FROM conversation").fetchone()[0]
    chat = full_disk_client.post(
        "/api/chat", json={"session_id": "full-1", "message": "im 15 and a guy makes me do stuff"}
    )
    text = signed_sms(full_disk_client, "my boss took my passport")
    assert chat.status_code == text.status_code == 200
    assert HOTLINE in chat.get_json()["reply"]
    assert HOTLINE in texts(text)
    assert database.execute("SELECT count(*) FROM conversation").fetchone()[0] == rows


# A missing or damaged database file at start


def test_a_file_that_is_not_a_database_is_refused_with_a_sentence(tmp_path):
    (tmp_path / "bot.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(kdb.DatabaseError, match="cannot be used.*Restore it from a backup"):
        create_app(config(tmp_path))


def test_a_database_with_damaged_pages_is_refused(app):
    path = Path(app.config["DATABASE"])
    kdb.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 8] = b"\xff" * (page * 5)
    path.write_bytes(bytes(data))
    with pytest.raises(kdb.DatabaseError, match="cannot be used"):
        kdb.prepare(path)


def test_read_only_with_a_missing_file_says_it_cannot_create_it(tmp_path):
    with pytest.raises(kdb.DatabaseError, match="does not exist, and READ_ONLY is set"):
        create_app(config(tmp_path, READ_ONLY="1"))


def start(command: list[str], tmp_path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE": str(tmp_path / "bot.db"),
        "SECRET_KEY": "s" * 32,
        "PHONE_HASH_KEY": "h" * 32,
        "BIND": "127.0.0.1:0",
    }
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        ["flask", "--app", "app", "kb", "init"],
        ["flask", "--app", "app", "run", "--port", "0"],
        ["gunicorn", "-c", "gunicorn.conf.py", "app:app"],
    ],
    ids=["kb-init", "flask-run", "gunicorn"],
)
def test_starting_on_a_damaged_file_prints_one_sentence_not_a_traceback(command, tmp_path):
    (tmp_path / "bot.db").write_bytes(b"\x00garbage" * 512)
    binary = str(Path(sys.executable).parent / command[0])
    result = start([binary, *command[1:]], tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Cannot start: The database file" in result.stderr
    assert "Restore it from a backup" in result.stderr


@pytest.mark.parametrize(
    "message, kind",
    [
        ("attempt to write a readonly database", "readonly"),
        ("database or disk is full", "full"),
        ("database is locked", "locked"),
        ("no such table: service", "unavailable"),
    ],
)
def test_storage_errors_are_named_by_what_went_wrong(message, kind):
    assert storage_problem(sqlite3.OperationalError(message)) == kind
