"""HTTP benchmarks: in-process latency, /sms throughput under gunicorn against bare Flask, memory.

Run through `make bench` (python -m bench.run); each function returns rows for the table.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from twilio.request_validator import RequestValidator

from bench.load import MESSAGES, TOKEN, Gunicorn, drive_sms, memory, sms_form

TARGET_RATIO, TARGET_MB = 0.5, 150


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _settings(folder: str) -> dict[str, str]:
    return {
        "DATABASE": os.path.join(folder, "bot.db"),
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "bench-secret-key-0123456789",
        "PHONE_HASH_KEY": "bench-hash-key-0123456789",
    }


def in_process_latency(requests: int = 400) -> list[dict]:
    """p50/p99 of /api/chat and signed /sms through Flask's test client (no network)."""
    from app import create_app

    with tempfile.TemporaryDirectory() as folder:
        client = create_app({"TESTING": True, **_settings(folder)}).test_client()
        validator = RequestValidator(TOKEN)
        timings: dict[str, list[float]] = {"/api/chat": [], "/sms": []}
        for n in range(requests):
            body = {"session_id": f"bench-{n}", "message": MESSAGES[n % len(MESSAGES)]}
            started = time.perf_counter()
            response = client.post("/api/chat", json=body)
            timings["/api/chat"].append(time.perf_counter() - started)
            assert response.status_code == 200, response.data
            form = sms_form(n)
            headers = {
                "X-Twilio-Signature": validator.compute_signature("http://localhost/sms", form)
            }
            started = time.perf_counter()
            response = client.post("/sms", data=form, headers=headers)
            timings["/sms"].append(time.perf_counter() - started)
            assert response.status_code == 200, response.data
    return [
        {
            "endpoint": endpoint,
            "requests": len(values),
            "p50 ms": round(statistics.median(values) * 1000, 2),
            "p99 ms": round(_percentile(values, 0.99) * 1000, 2),
        }
        for endpoint, values in timings.items()
    ]


def throughput_and_memory(seconds: float = 6, rounds: int = 2) -> tuple[list[dict], list[dict]]:
    """/sms throughput of the bot and of bare Flask (alternating, same settings); worker memory."""
    per_round = 60_000  # more than any round can send, each with its own MessageSid
    with tempfile.TemporaryDirectory() as folder:
        servers = {
            "bot (app:app)": Gunicorn("app:app", _settings(folder)),
            "bare Flask": Gunicorn("bench.load:bare_app()", {}),
        }
        try:
            runs: dict[str, list[dict]] = {name: [] for name in servers}
            for r in range(rounds):
                for i, (name, server) in enumerate(servers.items()):
                    offset = (r * len(servers) + i) * per_round
                    runs[name].append(drive_sms(server.port, seconds, per_round, offset))
            mem = {
                name: (server.workers(), memory(server.workers()))
                for name, server in servers.items()
            }
        finally:
            for server in servers.values():
                server.stop()
    speed = []
    for name, results in runs.items():
        speed.append(
            {
                "server": name,
                "req/s": round(statistics.median(r["rps"] for r in results), 1),
                "requests": sum(r["requests"] for r in results),
                "errors": sum(r["errors"] for r in results),
            }
        )
    memory_rows = [
        {"server": name, "worker": n + 1, **row}
        for name, (_pids, rows) in mem.items()
        for n, row in enumerate(rows)
    ]
    return speed, memory_rows


def verdicts(latency: list[dict], speed: list[dict], memory_rows: list[dict]) -> list[str]:
    """Plain sentences comparing the figures with the targets, and why where one is missed."""
    bot, bare = speed[0]["req/s"], speed[1]["req/s"]
    ratio = bot / bare if bare else 0.0
    notes = [
        f"/sms throughput ratio bot / bare Flask: {ratio:.2f} (target at least {TARGET_RATIO})."
    ]
    if ratio < TARGET_RATIO:
        sms_p50 = next(r["p50 ms"] for r in latency if r["endpoint"] == "/sms")
        notes.append(
            f"Missed by {TARGET_RATIO - ratio:.2f} ({(1 - ratio / TARGET_RATIO) * 100:.0f} % "
            f"below the target): each bot reply costs about {sms_p50} ms of CPU in process "
            "(signature check, matching, SQLite reads and writes of state and delivery), while "
            "bare Flask only returns a constant; on 2 cores shared with the load generator the "
            "bot is CPU-bound."
        )
    worst = max(
        (r for r in memory_rows if r["server"].startswith("bot")), key=lambda r: r["rss MB"]
    )
    notes.append(
        f"Largest bot worker: {worst['rss MB']} MB resident, {worst['pss MB']} MB proportional "
        f"(target under {TARGET_MB} MB)."
    )
    if worst["rss MB"] >= TARGET_MB:
        notes.append(f"Missed by {worst['rss MB'] - TARGET_MB:.1f} MB resident.")
    errors = sum(r["errors"] for r in speed)
    if errors:
        notes.append(f"{errors} requests failed or did not get a 200 during the load test.")
    return notes


def section() -> dict:
    """Every HTTP table and its notes, for bench/run.py."""
    latency = in_process_latency()
    speed, memory_rows = throughput_and_memory()
    return {
        "title": "HTTP",
        "tables": [
            ("In-process latency (Flask test client)", latency),
            (
                "/sms throughput under gunicorn (gunicorn.conf.py), loopback, 2 load processes",
                speed,
            ),
            ("Memory per gunicorn worker after the load test", memory_rows),
        ],
        "notes": verdicts(latency, speed, memory_rows),
    }
