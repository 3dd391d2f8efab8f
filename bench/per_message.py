"""What one message costs in process: SQL statements and commits, and CPU time by part.

    python -m bench.per_message        # both tables

Requests go through Flask's test client on one thread, so the statements traced on the
thread's connection (sqlite3's set_trace_callback) and the thread's CPU time are the
request's own. Every /sms has its own MessageSid and sender, every chat its own session.
"""

from __future__ import annotations

import cProfile
import functools
import os
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import Callable

from twilio.request_validator import RequestValidator

from bench.load import MESSAGES, TOKEN, bare_app, sms_form

REQUESTS = 400
TARGET_CPU_MS = 1.5
KINDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "ROLLBACK")


def _app(folder: str):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "DATABASE": os.path.join(folder, "bot.db"),
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SECRET_KEY": "bench-secret-key-0123456789",
            "PHONE_HASH_KEY": "bench-hash-key-0123456789",
        }
    )


def _sms_requests(count: int, offset: int = 0) -> list[tuple[dict, dict]]:
    """Signed /sms forms, signatures computed before any clock starts."""
    validator = RequestValidator(TOKEN)
    out = []
    for n in range(offset, offset + count):
        form = sms_form(n)
        signature = validator.compute_signature("http://localhost/sms", form)
        out.append((form, {"X-Twilio-Signature": signature}))
    return out


def _senders(client, count: int, offset: int = 0) -> dict[str, Callable[[int], None]]:
    """Callables that send the n-th request of each kind (asserting a 200)."""
    sms = _sms_requests(count, offset)
    chats = [
        {"session_id": f"bench-{offset + n}", "message": MESSAGES[n % len(MESSAGES)]}
        for n in range(count)
    ]

    def send_sms(n: int) -> None:
        form, headers = sms[n]
        assert client.post("/sms", data=form, headers=headers).status_code == 200

    def send_retry(n: int) -> None:  # Twilio retrying the first message: the same MessageSid
        form, headers = sms[0]
        assert client.post("/sms", data=form, headers=headers).status_code == 200

    def send_chat(n: int) -> None:
        assert client.post("/api/chat", json=chats[n]).status_code == 200

    return {"/sms": send_sms, "/sms retried": send_retry, "/api/chat": send_chat}


def _kind(statement: str) -> str:
    word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    return word if word in KINDS else "other"


def _count(seen: Counter, statement: str) -> None:
    seen[_kind(statement)] += 1


def sql_rows(count: int = 200) -> list[dict]:
    """Statements and commits per message, traced on the request thread's connection."""
    from knowledge import db

    with tempfile.TemporaryDirectory() as folder:
        app = _app(folder)
        client = app.test_client()
        senders = _senders(client, count + 1)
        for send in senders.values():
            send(count)  # the first request of each kind opens the thread's connection
        with app.app_context():
            conn = db.thread_connection(app).conn
        rows = []
        for name, send in senders.items():
            seen: Counter = Counter()
            conn.set_trace_callback(functools.partial(_count, seen))
            try:
                for n in range(count):
                    send(n)
            finally:
                conn.set_trace_callback(None)
            total = sum(seen.values())
            rows.append(
                {
                    "request": name,
                    "messages": count,
                    "statements per message": round(total / count, 2),
                    **{
                        kind.lower(): round(seen[kind] / count, 2)
                        for kind in (*KINDS, "other")
                        if kind in ("SELECT", "INSERT", "UPDATE", "BEGIN", "COMMIT") or seen[kind]
                    },
                }
            )
    return rows


def _cpu_per_request(send: Callable[[int], None], count: int) -> tuple[float, float]:
    """Thread and process CPU milliseconds per request, after a warm-up."""
    for n in range(min(20, count)):
        send(n)
    thread, process = time.thread_time(), time.process_time()
    for n in range(count):
        send(n)
    return (
        (time.thread_time() - thread) * 1000 / count,
        (time.process_time() - process) * 1000 / count,
    )


# Parts of a /sms, by the functions that do them; none calls another on this list, except
# respond(), whose classification is counted on its own line.
CLASSIFY = ("bot/classify.py", "classify")
PARTS = (
    ("signature check and form parsing", [("webhooks/sms.py", "signature_ok")]),
    ("classification: rules and learned reading", [CLASSIFY]),
    ("rest of the reply: compose, services, SMS pages", [("bot/engine.py", "respond")]),
    (
        "keyed hashes, session JSON, sealing the reply, report counts",
        [
            ("knowledge/state.py", "keyed_hash"),
            ("knowledge/state.py", "seal"),
            ("knowledge/state.py", "session_of"),
            ("knowledge/events.py", "fold"),
        ],
    ),
    ("TwiML", [("webhooks/sms.py", "twiml")]),
    ("request log line", [("webhooks/logs.py", "_start"), ("webhooks/logs.py", "_finish")]),
)
SQLITE = "SQLite: statements and commits (C code)"


def _profile_shares(send: Callable[[int], None], count: int) -> dict[str, float]:
    """Each part's share of the requests' profiled time."""
    profile = cProfile.Profile(time.thread_time)  # CPU, not time waiting for one
    profile.enable()
    for n in range(count):
        send(n)
    profile.disable()
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, ...)
    total = sum(entry[2] for entry in stats.values())

    def cumulative(path: str, name: str) -> float:
        return sum(
            entry[3]
            for (file, _line, func), entry in stats.items()
            if func == name and file.replace(os.sep, "/").endswith(path)
        )

    shares = {label: sum(cumulative(*f) for f in funcs) for label, funcs in PARTS}
    shares["rest of the reply: compose, services, SMS pages"] -= cumulative(*CLASSIFY)
    shares[SQLITE] = sum(entry[2] for (_f, _l, func), entry in stats.items() if "sqlite3." in func)
    return {label: value / total for label, value in shares.items()}


def cpu_rows(count: int = REQUESTS) -> list[dict]:
    """CPU per /sms by part (profile shares of the unprofiled total), and bare Flask's."""
    with tempfile.TemporaryDirectory() as folder:
        app = _app(folder)
        client = app.test_client()
        senders = _senders(client, count)
        thread_ms, process_ms = _cpu_per_request(senders["/sms"], count)
        fresh = _senders(client, count, offset=10 * count)
        shares = _profile_shares(fresh["/sms"], count)
        chat_thread, _ = _cpu_per_request(_senders(client, count, 20 * count)["/api/chat"], count)
    bare = bare_app().test_client()
    forms = _sms_requests(count)

    def send_bare(n: int) -> None:
        form, headers = forms[n]
        assert bare.post("/sms", data=form, headers=headers).status_code == 200

    bare_ms, _ = _cpu_per_request(send_bare, count)
    rows = [
        {"part": label, "CPU ms per /sms": round(share * thread_ms, 3)}
        for label, share in sorted(shares.items(), key=lambda item: -item[1])
    ]
    named = sum(shares.values())
    rows.append(
        {
            "part": "everything else: Flask, Werkzeug, routing, the test client",
            "CPU ms per /sms": round((1 - named) * thread_ms, 3),
        }
    )
    rows.append(
        {"part": "**/sms, request thread (total)**", "CPU ms per /sms": round(thread_ms, 3)}
    )
    rows.append(
        {
            "part": "/sms, whole process (background threads too)",
            "CPU ms per /sms": round(process_ms, 3),
        }
    )
    rows.append({"part": "bare Flask /sms, same test client", "CPU ms per /sms": round(bare_ms, 3)})
    rows.append(
        {
            "part": "/sms less bare Flask: the app's own",
            "CPU ms per /sms": round(thread_ms - bare_ms, 3),
        }
    )
    rows.append(
        {"part": "/api/chat, request thread (total)", "CPU ms per /sms": round(chat_thread, 3)}
    )
    return rows


@functools.cache
def cpu_table() -> list[dict]:
    """CPU per /sms by part (bench/run.py; measured once a run)."""
    return cpu_rows()


def target_rows() -> list[dict]:
    """The app's own CPU per /sms against its target."""
    rows = {row["part"]: row["CPU ms per /sms"] for row in cpu_table()}
    own = rows["/sms less bare Flask: the app's own"]
    return [
        {
            "target": f"app CPU per /sms under {TARGET_CPU_MS} ms in process",
            "measured": f"{own} ms ({rows['**/sms, request thread (total)**']} ms with Flask "
            f"and the test client, bare Flask {rows['bare Flask /sms, same test client']} ms)",
            "met": "yes" if own < TARGET_CPU_MS else "no",
        }
    ]


if __name__ == "__main__":
    for row in sql_rows() + cpu_rows():
        print(row)
