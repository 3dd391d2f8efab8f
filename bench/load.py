"""The load side of the HTTP benchmark: gunicorn, a bare Flask baseline, signed /sms load."""

from __future__ import annotations

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
    """A gunicorn started with the repository's gunicorn.conf.py on a free loopback port."""

    def __init__(self, target: str, env: dict[str, str]):
        self.port = _free_port()
        # PUBLIC_URL: in production /sms is refused unless the address Twilio signs is known.
        public = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PUBLIC_URL": public, **env, "BIND": f"127.0.0.1:{self.port}"}
        binary = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [binary, "-c", "gunicorn.conf.py", "--log-level", "warning", target],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    def _wait(self, limit: float = 60) -> None:
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
        raise RuntimeError("gunicorn did not start within a minute")

    def workers(self) -> list[int]:
        """Process ids of the workers (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load_worker(port: int, requests: list[tuple[bytes, dict]], seconds: float, queue) -> None:
    """One load process: keep-alive connections on threads, until the time or requests run out."""
    import threading

    done, errors, lock = [0], [0], threading.Lock()
    started = time.monotonic()  # timed here, so starting the process is not counted
    deadline = started + seconds
    shares = [requests[i::4] for i in range(4)]

    def drive(share):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body, headers in share:
            if time.monotonic() > deadline:
                break
            try:
                conn.request("POST", "/sms", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                done[0] += 1
                errors[0] += not ok
        conn.close()

    threads = [threading.Thread(target=drive, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((done[0], errors[0], time.monotonic() - started))


def drive_sms(port: int, seconds: float, total: int, offset: int, processes: int = 2) -> dict:
    """Signed /sms requests from separate processes over loopback; requests per second."""
    url = f"http://127.0.0.1:{port}/sms"
    validator = RequestValidator(TOKEN)
    prepared = []
    for n in range(offset, offset + total):  # signatures computed before the clock starts
        form = sms_form(n)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(url, form),
        }
        prepared.append((urlencode(form).encode(), headers))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_load_worker, args=(port, prepared[i::processes], seconds, queue))
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=seconds + 120) for _ in workers]
    elapsed = max(r[2] for r in results)
    for w in workers:
        w.join()
    done = sum(r[0] for r in results)
    return {"requests": done, "errors": sum(r[1] for r in results), "rps": done / elapsed}


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
