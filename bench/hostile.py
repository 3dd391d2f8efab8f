"""Hostile input: the slowest and hungriest a single request the contract accepts can be.

Each kind of message is sent several times (fresh random text each time) to /api/chat and
to a signed /sms through Flask's test client; the worst time and the worst peak of Python
allocations (tracemalloc, measured in a second pass so it does not slow the first) are kept.
"""

from __future__ import annotations

import random
import string
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from twilio.request_validator import RequestValidator

from bench.http import _settings
from bench.load import TOKEN

SMS_URL = "http://localhost/sms"
EMOJI = [chr(c) for c in range(0x1F600, 0x1F650)]


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(2000))


def _emoji(rng: random.Random) -> str:
    return "".join(rng.choice(EMOJI) for _ in range(1600))


def _one_letter_words(rng: random.Random) -> str:
    return " ".join(rng.choice(string.ascii_lowercase) for _ in range(500))


def _ordinary(rng: random.Random) -> str:
    return rng.choice(["i ned help my boss took my passport", "find services in hartford"])


KINDS: dict[str, Callable[[random.Random], str]] = {
    "2,000 random letters, one word": _letters,
    "1,600 characters of emoji": _emoji,
    "500 one-letter words": _one_letter_words,
    "an ordinary message (for scale)": _ordinary,
}


def _senders(client) -> dict[str, Callable[[str, int], int]]:
    validator = RequestValidator(TOKEN)

    def chat(text: str, n: int) -> int:
        body = {"session_id": f"hostile-{n}", "message": text}
        return client.post("/api/chat", json=body).status_code

    def sms(text: str, n: int) -> int:
        form = {
            "From": f"+1203555{n % 10_000:04d}",
            "To": "+18885550100",
            "Body": text,
            "MessageSid": f"SM{n:032x}",
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(SMS_URL, form)}
        return client.post("/sms", data=form, headers=headers).status_code

    return {"/api/chat": chat, "/sms": sms}


def hostile_rows(repeat: int = 5) -> list[dict]:
    """Worst-case milliseconds and peak MB per request, per kind of message and endpoint."""
    from app import create_app

    rng = random.Random(12)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        client = create_app({"TESTING": True, **_settings(folder)}).test_client()
        senders = _senders(client)
        for warm, send in enumerate(senders.values()):  # the first request builds the indexes
            send(_ordinary(rng), 10_000 + warm)
        n = 0
        for kind, make in KINDS.items():
            for endpoint, send in senders.items():
                worst_ms = worst_mb = 0.0
                statuses = set()
                for _ in range(repeat):
                    n += 1
                    started = time.perf_counter()
                    statuses.add(send(make(rng), n))
                    worst_ms = max(worst_ms, (time.perf_counter() - started) * 1000)
                    n += 1
                    text = make(rng)
                    tracemalloc.start()
                    send(text, n)
                    worst_mb = max(worst_mb, tracemalloc.get_traced_memory()[1] / 2**20)
                    tracemalloc.stop()
                rows.append(
                    {
                        "message": kind,
                        "endpoint": endpoint,
                        "requests": repeat,
                        "status": "/".join(map(str, sorted(statuses))),
                        "wall-clock worst ms": round(worst_ms, 1),
                        "worst peak MB": round(worst_mb, 2),
                    }
                )
    return rows
