"""respond() per message as the directory grows, and the first message after start and import.

    python -m bench.replies            # both tables
    python -m bench.replies first      # the first-message table alone, as JSON (a new process)

Conversations are the project's own challenge and held-out sets (tests/data), played
turn by turn over SMS with their sessions, so locations asked for are answered.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.knowledge_base import MIAMI, curated, generated, grown, store, with_miami
from bench.matching import percentile
from bot import classify, derived
from bot.engine import respond
from bot.services import scan
from bot.types import Knowledge, Session

ROOT = Path(__file__).resolve().parents[1]
SETS = (ROOT / "tests/data/challenge.jsonl", ROOT / "tests/data/heldout.jsonl")
TARGET_MS = 5.0


def conversations() -> list[list[str]]:
    """The turns of every conversation in the project's own sets."""
    return [
        json.loads(line)["turns"]
        for path in SETS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def time_respond(kb: Knowledge, talks: list[list[str]], repeat: int) -> tuple[list, list]:
    """Wall-clock and CPU milliseconds per respond() call (sorted), after a warm-up pass."""
    wall, cpu = [], []
    for n in range(repeat + 1):
        for turns in talks:
            session = Session()
            for text in turns:
                start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                respond(text, session, kb, channel="sms", now=1e9)
                if n:  # the first pass warms the caches every later message finds warm
                    cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
                    wall.append((time.perf_counter_ns() - start) / 1e6)
    return sorted(wall), sorted(cpu)


def _row(label: str, kb: Knowledge, choice: str, samples: tuple[list, list], build: str) -> dict:
    wall, cpu = samples
    return {
        "knowledge base": label,
        "services": f"{len(kb.services):,}",
        "choose()": choice,
        "messages": len(wall),
        "wall-clock p50 ms": round(statistics.median(wall), 2),
        "wall-clock p99 ms": round(percentile(wall, 0.99), 2),
        "CPU p50 ms": round(statistics.median(cpu), 2),
        "CPU p99 ms": round(percentile(cpu, 0.99), 2),
        "snapshot build s": build,
    }


def measure_respond(size: int = 10_000, repeat: int = 3) -> list[dict]:
    """respond() latency with the curated, Miami 211 and grown directories, model included."""
    talks = conversations()
    base = curated()
    miami = with_miami()
    bases = [("curated", base)]
    if miami is not None:
        bases += [("Miami 211", miami), ("Miami 211 + generated", grown(miami, size))]
    else:
        bases.append(("generated", grown(base, size)))
    rows = []
    for label, kb in bases:
        started = time.perf_counter()
        derived.build(kb)
        build = f"{time.perf_counter() - started:.2f}"
        classify.prepare(kb)  # the learned reading is part of every reply
        rows.append(_row(label, kb, "index", time_respond(kb, talks, repeat), build))
    label, kb = bases[-1]
    import bot.engine as engine

    indexed = engine.choose
    engine.choose = lambda kb_, terms, place, limit=3: scan(kb_.services, terms, place, limit)
    try:  # the full scan every reply made before the directory index, for comparison
        rows.append(_row(label, kb, "full scan", time_respond(kb, talks, 1), ""))
    finally:
        engine.choose = indexed
    return rows


# --- the first message after start and after an import (in a new process) ----------------


def _settings(folder: str, **extra: str) -> dict:
    return {
        "DATABASE": os.path.join(folder, "bot.db"),
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key-0123456789",
        "PHONE_HASH_KEY": "bench-hash-key-0123456789",
        "REBUILD_IN_BACKGROUND": "1",
        **extra,
    }


def _directory(folder: str, size: int) -> int:
    """A database with the curated knowledge base, Miami 211 and generated services to size."""
    from knowledge import db, queries

    path = os.path.join(folder, "bot.db")
    db.prepare(path)
    conn = db.connect(path)
    try:
        if MIAMI.exists():
            from knowledge.hsds_import import import_hsds

            import_hsds(conn, MIAMI)
        have = len(queries.load(conn).services)
        terms = [row[0] for row in conn.execute("SELECT id FROM taxonomy_term")]
        store(conn, generated(max(0, size - have), terms))
        return len(queries.load(conn).services)
    finally:
        conn.conn.close()


class _Timed:
    """Wraps the engine's respond() where the app calls it, timing each call."""

    def __init__(self) -> None:
        import webhooks.conversation as conversation

        self.module, self.real, self.last = conversation, conversation.respond, (0.0, 0.0)
        conversation.respond = self

    def __call__(self, *args, **kwargs):
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        try:
            return self.real(*args, **kwargs)
        finally:
            cpu = (time.thread_time_ns() - start_cpu) / 1e6
            self.last = ((time.perf_counter_ns() - start) / 1e6, cpu)


def _message(client, timed: _Timed, n: int) -> tuple[float, float, float]:
    """One /api/chat message: the request's wall-clock ms, respond()'s wall-clock and CPU ms."""
    started = time.perf_counter()
    body = {"session_id": f"first-{n}", "message": "i need a lawyer in hartford"}
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200, response.data
    return ((time.perf_counter() - started) * 1000, *timed.last)


def _first_row(case: str, services: int, timings: tuple, note: str = "") -> dict:
    request, wall, cpu = timings
    return {
        "case": case,
        "services": f"{services:,}",
        "wall-clock ms, request": round(request, 1),
        "wall-clock ms, respond()": round(wall, 2),
        "CPU ms, respond()": round(cpu, 2),
        "note": note,
    }


def _change(writer) -> None:
    """An import from another connection (Miami 211 again, replacing its rows), or an edit."""
    if MIAMI.exists():
        from knowledge.hsds_import import import_hsds

        import_hsds(writer, MIAMI)
        return
    with writer.conn:
        writer.execute("UPDATE service SET description = description || ' ' WHERE rowid = 1")


def first_messages(size: int = 10_000) -> list[dict]:
    """The first message after start (with and without building at start) and after imports."""
    from app import create_app
    from knowledge import db, queries

    timed = _Timed()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        services = _directory(folder, size)
        started = time.perf_counter()
        app = create_app(_settings(folder, TRAIN_AT_START="1"))
        start_s = time.perf_counter() - started
        client, path = app.test_client(), app.config["DATABASE"]
        rows.append(
            _first_row(
                "first message after start",
                services,
                _message(client, timed, 0),
                f"start-up built the snapshot, indexes and model in {start_s:.1f} s",
            )
        )
        rows.append(_first_row("second message", services, _message(client, timed, 1)))
        writer = db.connect(path)
        try:
            _change(writer)
            started = time.perf_counter()
            first = _message(client, timed, 2)
            queries.wait_for_rebuild(path)
            rebuilt = time.perf_counter() - started
            rows.append(
                _first_row(
                    "first message after an import",
                    services,
                    first,
                    f"answered from the previous snapshot; the new one was built on a "
                    f"thread in {rebuilt:.1f} s",
                )
            )
            rows.append(
                _first_row(
                    "first message on the new snapshot", services, _message(client, timed, 3)
                )
            )
            app.config["REBUILD_IN_BACKGROUND"] = False
            _change(writer)
            rows.append(
                _first_row(
                    "first message after an import, REBUILD_IN_BACKGROUND empty",
                    services,
                    _message(client, timed, 4),
                    "the message builds the new snapshot and waits (the old behaviour)",
                )
            )
        finally:
            writer.conn.close()
    return rows


def first_message_rows(size: int = 10_000) -> list[dict]:
    """first_messages() in a new process, so nothing is warm that a new worker would lack."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.replies", "first", str(size)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def target_rows(respond_rows: list[dict], first_rows: list[dict]) -> list[dict]:
    """The 5 ms targets: p99 at the largest directory, and each first message."""
    largest = next(r for r in reversed(respond_rows) if r["choose()"] == "index")
    rows = [
        {
            "target": f"respond() p99 under {TARGET_MS:g} ms at {largest['services']} services",
            "measured": f"CPU {largest['CPU p99 ms']} ms, "
            f"wall-clock {largest['wall-clock p99 ms']} ms",
            "met": "yes" if largest["CPU p99 ms"] < TARGET_MS else "no",
        }
    ]
    for row in first_rows:
        if row["case"] in ("first message after start", "first message after an import"):
            rows.append(
                {
                    "target": f"{row['case']}: respond() under {TARGET_MS:g} ms",
                    "measured": f"CPU {row['CPU ms, respond()']} ms, wall-clock "
                    f"{row['wall-clock ms, respond()']} ms "
                    f"(request {row['wall-clock ms, request']} ms)",
                    "met": "yes" if row["CPU ms, respond()"] < TARGET_MS else "no",
                }
            )
    return rows


@functools.cache
def respond_rows() -> list[dict]:
    """respond() per message at each directory size (bench/run.py; measured once a run)."""
    return measure_respond()


@functools.cache
def first_rows() -> list[dict]:
    """The first message after start and after an import (bench/run.py; measured once)."""
    return first_message_rows()


def targets() -> list[dict]:
    """The 5 ms targets against this run's figures (bench/run.py)."""
    return target_rows(respond_rows(), first_rows())


def main() -> None:
    if sys.argv[1:2] == ["first"]:
        size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
        print(json.dumps(first_messages(size)))
        return
    for row in measure_respond() + first_message_rows():
        print(row)


if __name__ == "__main__":
    main()
