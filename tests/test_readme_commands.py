"""Every command the README shows works as written, on a fresh copy of the checkout.

The copy holds the tracked files (as they are in the working tree), a `.venv` that points
at this one's programs, and `../shared/hsds` beside it, as a clone next to shared/ has.
Commands run in README order with no settings from this environment: a newcomer's shell.
Production examples get their `...` placeholders and /srv, /var/lib and /etc paths filled
in with temporary ones; commands that cannot run inside a test say why in SKIPPED.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
HSDS = ROOT.parent / "shared" / "hsds"

# Commands not run here, and why (each must still appear in the README).
SKIPPED = {
    "make test": "it runs this test suite, this test included",
    "make score": "it reads the evaluation sets, which tests never read",
    "make bench": "a long benchmark; tests/test_bench_readme.py checks where it writes",
    "make bench-publish": "copies the benchmark's figures into the tracked results",
    "sudo ": "changes the machine (a system user and a folder under /var/lib)",
}
# Settings a developer's shell may hold that a newcomer's does not.
UNSET = (
    "ENVIRONMENT",
    "SECRET_KEY",
    "PHONE_HASH_KEY",
    "TWILIO_AUTH_TOKEN",
    "DATABASE",
    "TRAIN_AT_START",
    "LOG_LEVEL",
    "READ_ONLY",
    "PUBLIC_URL",
    "FLASK_APP",
    "FLASK_RUN_FROM_CLI",
    "BIND",
    "PORT",
)


def readme_commands(text: str) -> list[str]:
    """The shell commands in the README's code blocks (sh and bare), continuations joined."""
    commands = []
    for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
        if lang not in ("sh", ""):
            continue
        joined = re.sub(r"\\\n\s*", " ", body)
        for line in joined.splitlines():
            line = line.strip()
            if not line.startswith((".venv/", "make ", "DATABASE=", "*/", "sudo ", "printf ")):
                continue  # a conversation, a table of output
            commands.append(re.sub(r"\s+#\s.*$", "", line).strip())
    return commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen) -> dict:
    """Poll url until it answers (or the server exits); its JSON."""
    deadline = time.monotonic() + 900  # a generous bound for a loaded machine, not a limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} never answered")


class Checkout:
    """A fresh copy of this checkout, with shared/hsds beside it."""

    def __init__(self, base: Path):
        self.root = base / "resource-line"
        self.var = base / "var-lib-resource-line"
        self.etc = base / "etc-resource-line"
        files = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, files.split("\0")):
            source = ROOT / name
            if source.is_file():
                (self.root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.root / name)
        venv = self.root / ".venv"
        venv.mkdir()
        (venv / "bin").symlink_to((ROOT / ".venv" / "bin").resolve())
        for stamp in (".runtime", ".dev"):  # make's "already installed" marks, newer than all
            (venv / stamp).touch()
        (base / "shared").mkdir()
        if HSDS.exists():
            (base / "shared" / "hsds").symlink_to(HSDS)
        self.var.mkdir()
        self.etc.mkdir()
        self.secrets = {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "PHONE_HASH_KEY": secrets.token_urlsafe(32),
            "TWILIO_AUTH_TOKEN": "a-twilio-token",
        }
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET}
        self.env["PASSWORD"] = "a-long-password-2"  # what a script would have

    def production(self, command: str) -> str:
        """The command with its placeholders and system paths filled in."""
        command = command.replace("/srv/resource-line", str(self.root))
        command = command.replace("/var/lib/resource-line", str(self.var))
        command = command.replace("/etc/resource-line", str(self.etc))
        for name, value in self.secrets.items():
            command = command.replace(f"{name}=...", f"{name}={value}")
        return command

    def run(self, command: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.root,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def serve(self, command: str, port: int, env: dict | None = None) -> dict:
        """Start a server command, wait for /healthz on port, stop it; the health report."""
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=self.root,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            return wait_for(f"http://127.0.0.1:{port}/healthz", process)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            output = process.communicate(timeout=60)[0]
            assert "Traceback" not in output, output


def test_the_readme_shows_the_commands_this_test_knows():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert "make run" in commands and ".venv/bin/flask --app app kb init" in commands
    assert any("retention run" in c for c in commands)
    for prefix in SKIPPED:
        assert any(c.startswith(prefix) for c in commands), f"SKIPPED names {prefix!r}"


@pytest.mark.slow
def test_every_readme_command_works_as_written_on_a_fresh_checkout(tmp_path):
    checkout = Checkout(tmp_path)
    failures = []
    ran = 0
    for command in readme_commands(README.read_text(encoding="utf-8")):
        if any(command.startswith(prefix) for prefix in SKIPPED):
            continue
        if "/shared/hsds/" in command and not HSDS.exists():
            continue
        ran += 1
        if command == "make run":
            port = free_port()
            report = checkout.serve(f"make run PORT={port}", port)
            if report.get("status") != "ready":
                failures.append((command, json.dumps(report)))
            continue
        if "gunicorn" in command:
            port = free_port()
            served = checkout.production(command).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            # the model is not what this checks: answer with the rules while it trains
            report = checkout.serve(
                served, port, {"BIND": f"127.0.0.1:{port}", "TRAIN_AT_START": ""}
            )
            if report.get("status") != "ready":
                failures.append((command, json.dumps(report)))
            continue
        if command.startswith("*/"):  # a crontab line: drop the schedule
            (checkout.etc / "env").write_text(
                "ENVIRONMENT=production\n"
                f"DATABASE={checkout.var}/bot.db\n"
                + "".join(f"{k}={v}\n" for k, v in checkout.secrets.items()),
                encoding="utf-8",
            )
            shutil.copyfile(checkout.root / "instance" / "bot.db", checkout.var / "bot.db")
            command = checkout.production(command.split(None, 5)[5])
        stdin = "a-long-password-1\na-long-password-1\n" if "users " in command else None
        done = checkout.run(checkout.production(command), stdin)
        if done.returncode != 0 or "Traceback" in done.stderr or "Warning" in done.stderr:
            failures.append((command, done.stdout[-500:] + done.stderr[-2000:]))
    assert ran >= 15
    assert not failures, "\n\n".join(f"$ {c}\n{out}" for c, out in failures)
    exported = json.loads((checkout.root / "kb.json").read_text(encoding="utf-8"))
    assert exported["service"]
    users = checkout.run(".venv/bin/flask --app app users list").stdout
    assert "maria\tadmin" in users and "sam\teditor" in users


@pytest.mark.slow
def test_a_production_cron_job_without_its_secrets_is_refused(tmp_path):
    checkout = Checkout(tmp_path)
    done = checkout.run(
        f"ENVIRONMENT=production DATABASE={checkout.var}/bot.db "
        ".venv/bin/flask --app app retention run"
    )
    assert done.returncode != 0
    assert "Refusing to start: set SECRET_KEY and PHONE_HASH_KEY" in done.stderr
