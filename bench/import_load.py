"""/sms while the Miami 211 export is imported: does an import hold texts past Twilio's 15 s?

gunicorn serves the bot (gunicorn.conf.py); client threads send signed /sms at a steady pace,
each text from its own number, and note when each was sent and how long the answer took;
meanwhile `flask kb import` loads the Miami 211 datapackage into the same database file from
another process, as an admin would. Requests are grouped by when they were sent: before the
import, while it ran, and in the seconds after (when each worker reads the grown knowledge
base). Afterwards the database is asked how many of the answered texts saved their
conversation.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.http import _percentile, _settings
from bench.load import ROOT, TOKEN, Gunicorn, sms_form

MIAMI = ROOT.parent / "shared" / "hsds" / "miami-211" / "datapackage.zip"
CLIENTS = 4  # texts in flight at once (Twilio sends in parallel)
PACE = 0.2  # seconds each client waits between its texts: about 20 texts a second in all
WARM = 5.0  # seconds of load first, not counted (each worker's first texts build its indexes)
QUIET = 5.0  # seconds of counted load before the import starts
AFTER = 20.0  # seconds of load after it ends
TWILIO_GIVES_UP = 15.0


class Load:
    """Client threads sending signed /sms to port until stopped; (sent at, seconds, status)."""

    def __init__(self, port: int):
        self.port, self.url = port, f"http://127.0.0.1:{port}/sms"
        self.validator = RequestValidator(TOKEN)
        self.records: list[tuple[float, float, int]] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.counter = iter(range(1, 10**9))
        self.threads = [threading.Thread(target=self.drive) for _ in range(CLIENTS)]

    def next_request(self) -> tuple[bytes, dict]:
        with self.lock:
            n = next(self.counter)
        form = sms_form(500_000 + n)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": self.validator.compute_signature(self.url, form),
        }
        return urlencode(form).encode(), headers

    def drive(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stopping.is_set():
            body, headers = self.next_request()
            sent = time.monotonic()
            try:
                conn.request("POST", "/sms", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status = 0
            with self.lock:
                self.records.append((sent, time.monotonic() - sent, status))
            self.stopping.wait(PACE)
        conn.close()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def _conversations(database: str) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM conversation").fetchone()[0]


def _row(phase: str, records: list[tuple[float, float, int]], import_s: float) -> dict:
    seconds = [s for _sent, s, _status in records]
    return {
        "texts sent": phase,
        "requests": len(records),
        "not 200": sum(status != 200 for *_rest, status in records),
        "wall-clock p50 ms": round(_percentile(seconds, 0.5) * 1000) if seconds else "",
        "wall-clock p99 ms": round(_percentile(seconds, 0.99) * 1000) if seconds else "",
        "wall-clock max ms": round(max(seconds) * 1000) if seconds else "",
        f"over {TWILIO_GIVES_UP:.0f} s": sum(s > TWILIO_GIVES_UP for s in seconds),
        "import s": round(import_s, 1),
    }


def import_under_load() -> list[dict]:
    """p50, p99 and max of /sms before, during and after a Miami import in another process."""
    if not MIAMI.exists():
        return [{"texts sent": f"skipped: {MIAMI} is not here"}]
    with tempfile.TemporaryDirectory() as folder:
        settings = {**_settings(folder), "TRAIN_AT_START": ""}
        server = Gunicorn("app:app", settings)
        try:
            load = Load(server.port)
            load.start()
            time.sleep(WARM)
            counted = time.monotonic()
            time.sleep(QUIET)
            started = time.monotonic()
            env = {**os.environ, **settings, "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING"}
            flask = str(Path(sys.executable).parent / "flask")
            done = subprocess.run(
                [flask, "--app", "app", "kb", "import", str(MIAMI)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            ended = time.monotonic()
            time.sleep(AFTER)
            load.stop()
        finally:
            server.stop()
        if done.returncode != 0:
            raise RuntimeError(f"the import failed: {done.stderr[-2000:]}")
        records = sorted(load.records)
        answered = [r for r in records if r[2] == 200]
        saved = _conversations(settings["DATABASE"])
    import_s = ended - started
    phases = [
        ("before the import", [r for r in records if counted <= r[0] < started]),
        ("while it ran", [r for r in records if started <= r[0] < ended]),
        (f"in the {AFTER:.0f} s after", [r for r in records if r[0] >= ended]),
    ]
    rows = [_row(name, chosen, import_s) for name, chosen in phases]
    rows.append(
        {
            "texts sent": "conversations saved, of texts answered",
            "requests": f"{saved} of {len(answered)}",
        }
    )
    return rows


if __name__ == "__main__":
    from bench.run import table

    print(table(import_under_load()))
