"""The load side of the HTTP benchmark: gunicorn, a bare Flask baseline, signed /sms load."""

from __future__ import annotations

import contextlib
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
MESSAGES = [
    "i ned help my boss took my passport",
    "find services in hartford",
    "im 15 and a guy makes me do stuff for money",
    "i need a lawyer",
    "my friend works at a nail salon and they never get paid",
    "qué es la trata de personas",
    "he has a gun and wont let me leave",
    "hello",
]
CONSTANT_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


def sms_form(n: int) -> dict[str, str]:
    """The n-th Twilio form: its own MessageSid and sender, so no retry or rate limit applies."""
    return {
        "From": f"+1203{n % 10_000_000:07d}",
        "To": "+18885550100",
        "Body": MESSAGES[n % len(MESSAGES)],
        "MessageSid": f"SM{n:032x}",
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def bare_app():
    """The baseline: Flask answering /sms with a constant TwiML reply, nothing else."""
    from flask import Flask, Response

    app = Flask("bare")

    @app.post("/sms")
    def sms():
        return Response(CONSTANT_TWIML, mimetype="application/xml")

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn started with the repository's gunicorn.conf.py on a free loopback port.

    args override the file's settings (gunicorn's command line wins over its config file),
    e.g. ["--worker-class", "sync"].
    """

    def __init__(self, target: str, env: dict[str, str], args: tuple[str, ...] = ()):
        self.port = _free_port()
        self.served = 0  # requests sent to it by the benchmark
        # PUBLIC_URL: in production /sms is refused unless the address Twilio signs is known.
        public = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PUBLIC_URL": public, **env, "BIND": f"127.0.0.1:{self.port}"}
        binary = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [binary, "-c", "gunicorn.conf.py", "--log-level", "warning", *args, target],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    def _wait(self, limit: float = 1800) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("POST", "/sms", body=b"", headers={"Content-Length": "0"})
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start within {limit:.0f} s")

    def workers(self) -> list[int]:
        """Process ids of the workers (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time the server has used: the master, its live workers and those it recycled."""
        tick = os.sysconf("SC_CLK_TCK")

        def times(pid: int, fields: slice) -> int:
            # /proc/PID/stat: utime, stime, cutime, cstime are fields 14 to 17 (after the name)
            after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(x) for x in after_name[fields])

        total = times(self.process.pid, slice(11, 15))  # its own, and its waited children's
        for pid in self.workers():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # just recycled
                total += times(pid, slice(11, 13))
        return total / tick

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load_worker(
    port: int,
    requests: list[tuple[bytes, dict]],
    seconds: float,
    queue,
    connections: int,
    interval: float,
    barrier,
) -> None:
    """One load process: keep-alive connections on threads, until the time or requests run out.

    interval 0 sends as fast as answers come back (closed loop). Otherwise request k of
    this process is due at k * interval after the start, whether or not earlier ones
    were answered (open loop), and its latency counts from when it was due, so a
    stalled server's queue shows in the figures.
    """
    import itertools
    import threading

    done, errors, latencies, lock = [0], [0], [], threading.Lock()
    # Every load process starts sending at once, when all have started: one still
    # importing or unpacking its requests would take CPU from the server and show up
    # as a stall at the start of the others' run (about 0.5 s at 80 % of the rate).
    barrier.wait()
    started = time.monotonic()  # timed here, so starting the process is not counted
    cpu = time.process_time()
    deadline = started + seconds
    order = itertools.count()

    def drive():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                k = next(order)
            if k >= len(requests):
                break
            due = started + k * interval if interval else time.monotonic()
            if due > deadline or time.monotonic() > deadline:
                break
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            body, headers = requests[k]
            try:
                conn.request("POST", "/sms", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            took = time.monotonic() - due
            with lock:
                done[0] += 1
                errors[0] += not ok
                latencies.append(took)
        conn.close()

    threads = [threading.Thread(target=drive) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = time.process_time() - cpu
    queue.put((done[0], errors[0], time.monotonic() - started, latencies, cpu))


def prepared_sms(port: int, total: int, offset: int) -> list[tuple[bytes, dict]]:
    """Signed /sms bodies, each with its own MessageSid and sender (signed before timing)."""
    url = f"http://127.0.0.1:{port}/sms"
    validator = RequestValidator(TOKEN)
    prepared = []
    for n in range(offset, offset + total):
        form = sms_form(n)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(url, form),
        }
        prepared.append((urlencode(form).encode(), headers))
    return prepared


def drive_sms(
    port: int,
    seconds: float,
    total: int,
    offset: int,
    processes: int = 2,
    connections: int = 4,
    rate: float = 0.0,
) -> dict:
    """Signed /sms requests from separate processes over loopback.

    rate 0: each connection sends its next request when the last is answered (closed
    loop, processes x connections in flight). rate > 0: requests are due at that many
    per second in all (open loop). Returns requests per second, errors, latencies and the
    load processes' own CPU seconds while sending.
    """
    prepared = prepared_sms(port, total, offset)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    interval = processes / rate if rate else 0.0
    barrier = context.Barrier(processes)
    workers = [
        context.Process(
            target=_load_worker,
            args=(port, prepared[i::processes], seconds, queue, connections, interval, barrier),
        )
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=seconds + 300) for _ in workers]
    elapsed = max(r[2] for r in results)
    for w in workers:
        w.join()
    done = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[3])
    return {
        "requests": done,
        "errors": sum(r[1] for r in results),
        "rps": done / elapsed,
        "latencies": latencies,
        "driver cpu": sum(r[4] for r in results),  # the load processes' own CPU seconds
    }


def memory(pids: list[int]) -> list[dict]:
    """Resident (RSS) and proportional (PSS: shared pages split) memory of each process, in MB."""
    rows = []
    for pid in pids:
        fields = {}
        for name in ("status", "smaps_rollup"):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        rows.append(
            {
                "rss MB": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                "pss MB": round(int(fields["Pss"].split()[0]) / 1024, 1),
            }
        )
    return rows
