"""Several staff editing while messages stream in: no lost edit, no 5xx, no 'database is locked'."""

import json
import logging
import threading

import pytest
from twilio.request_validator import RequestValidator

from knowledge.db import connect
from tests.conftest import AUTH_TOKEN, SMS_URL
from webhooks.logs import logger

EDITORS = 4
EDITS = 12
SENDERS = 3
MESSAGES = 8


class Events(logging.Handler):
    """Keeps every logged event (thread-safe: logging handlers take a lock)."""

    def __init__(self):
        super().__init__()
        self.events = []

    def emit(self, record):
        self.events.append(json.loads(record.getMessage()))


def edit_like_the_editor(path, service_id, value, by):
    """One staff edit as the editor makes it: read, change and log it in one transaction."""
    db = connect(path)
    try:
        with db.atomic():
            previous = db.execute(
                "SELECT description FROM service WHERE id = ?", [service_id]
            ).fetchone()[0]
            db.execute("UPDATE service SET description = ? WHERE id = ?", [value, service_id])
            db["metadata"].insert(
                {
                    "resource_id": service_id,
                    "resource_type": "service",
                    "last_action_date": "2026-11-24T00:00:00+00:00",
                    "last_action_type": "update",
                    "field_name": "description",
                    "previous_value": previous,
                    "replacement_value": value,
                    "updated_by": by,
                }
            )
    finally:
        db.conn.close()


def run_all(workers):
    """Start every worker at once and wait; the exceptions they raised."""
    errors = []
    start = threading.Barrier(len(workers))

    def wrap(work):
        try:
            start.wait()
            work()
        except BaseException as exc:  # reported to the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.fixture
def events():
    handler = Events()
    logger.addHandler(handler)
    yield handler.events
    logger.removeHandler(handler)


def test_concurrent_editors_and_messages_lose_nothing_and_never_fail(app, database, events):
    path = app.config["DATABASE"]
    services = [
        r[0] for r in database.execute("SELECT id FROM service ORDER BY id LIMIT ?", [EDITORS])
    ]
    statuses = []

    def editor(n):
        def work():
            for k in range(EDITS):
                edit_like_the_editor(path, services[n], f"edit {n}-{k}", f"staff{n}")

        return work

    def chatter(n):
        def work():
            client = app.test_client()
            for k in range(MESSAGES):
                body = {"session_id": f"load-{n}", "message": "i need a lawyer in hartford"}
                response = client.post("/api/chat", json=body)
                statuses.append(response.status_code)
                assert "1-888-373-7888" in response.get_json()["reply"] or k

        return work

    def texter(n):
        def work():
            client = app.test_client()
            for k in range(MESSAGES):
                params = {
                    "From": f"+1203555{n:04d}",
                    "Body": "my boss took my passport",
                    "MessageSid": f"SM{n:016x}{k:016x}",
                }
                signature = RequestValidator(AUTH_TOKEN).compute_signature(SMS_URL, params)
                response = client.post(
                    "/sms", data=params, headers={"X-Twilio-Signature": signature}
                )
                statuses.append(response.status_code)

        return work

    workers = [editor(n) for n in range(EDITORS)]
    workers += [chatter(n) for n in range(SENDERS)] + [texter(n) for n in range(SENDERS)]
    errors = run_all(workers)

    assert errors == []
    assert statuses == [200] * (2 * SENDERS * MESSAGES)
    problems = [e for e in events if e["event"] in ("state_not_saved", "storage_error")]
    assert problems == []
    for n, service_id in enumerate(services):
        assert (
            database.execute(
                "SELECT description FROM service WHERE id = ?", [service_id]
            ).fetchone()[0]
            == f"edit {n}-{EDITS - 1}"
        )
        logged = database.execute(
            "SELECT replacement_value FROM metadata WHERE updated_by = ? ORDER BY id", [f"staff{n}"]
        ).fetchall()
        assert [v for (v,) in logged] == [f"edit {n}-{k}" for k in range(EDITS)]
    saved = database.execute("SELECT count(*) FROM conversation").fetchone()[0]
    assert saved == 2 * SENDERS
    assert database.execute("SELECT count(*) FROM delivery").fetchone()[0] == SENDERS * MESSAGES
