"""Every setting the app reads, with its default and what it is for.

Each can be set in the environment under the same name, or passed to create_app().
Secrets have no usable default outside development and testing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    secret: bool = False


SETTINGS = [
    Setting(
        "DATABASE",
        "instance/bot.db",
        "Path of the SQLite file; created and filled with the curated knowledge base if "
        "missing or empty.",
    ),
    Setting("SECRET_KEY", "dev-only-secret-key", "Flask's signing key.", secret=True),
    Setting(
        "TWILIO_AUTH_TOKEN", "", "Twilio auth token, used to check X-Twilio-Signature.", secret=True
    ),
    Setting(
        "PHONE_HASH_KEY",
        "dev-only-phone-hash-key",
        "Key for the HMAC-SHA256 that replaces phone numbers and chat ids in storage.",
        secret=True,
    ),
    Setting(
        "PROGRAM_NAME",
        "Resource Line",
        "The neutral program name used in STOP, START and HELP replies.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The public base URL Twilio calls (e.g. https://bot.example.org); used to check "
        "signatures behind a proxy. Empty: use the URL of the request.",
    ),
    Setting(
        "ENVIRONMENT",
        "production",
        "production (the default) refuses to start without real SECRET_KEY and PHONE_HASH_KEY "
        "values; development (set by `make run`) allows the built-in development values.",
    ),
    Setting(
        "SMS_RATE_LIMIT",
        "20/minute",
        "Most messages one sender may send before the bot sends one polite notice and then "
        "stays silent until the window clears (Flask-Limiter notation, e.g. 20/minute).",
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "memory://",
        "Where Flask-Limiter keeps its counters; memory:// counts per worker process.",
    ),
    Setting(
        "SECURE_COOKIES",
        "auto",
        "Send the staff editor's session cookie over HTTPS only: 1, 0, or auto (on unless "
        "ENVIRONMENT is development or the app runs in debug or testing mode).",
    ),
    Setting(
        "READ_ONLY",
        "",
        "Set to 1 to open the database read-only (maintenance, a read-only disk): the bot "
        "still answers but remembers nothing, and staff edits get a 503.",
    ),
    Setting(
        "TRAIN_AT_START",
        "1",
        "Train the learned reading from the knowledge base's examples before serving, so the "
        "first message is read by both layers (a few seconds; trained once per content in a "
        "process). Empty: train in the background, and answer with the rules until it is done.",
    ),
    Setting(
        "RETRAIN_ON_CHANGE",
        "1",
        "Retrain the learned reading in the background after each change to the examples or "
        "rules (about 7 s; replies meanwhile use the model they had). Empty keeps the model "
        "trained at start: the test suite's setting, where hundreds of edits would each "
        "retrain.",
    ),
    Setting(
        "RESTORE_CONFIRM_PERCENT",
        "50",
        "An import (a kb-json or kb-csv restore, or an HSDS file replacing its source) that "
        "would delete at least this percentage of any knowledge-base table says so in its dry "
        "run and is refused until an admin confirms the deletions (the editor's checkbox, "
        "`kb import --confirm-deletions`). A careless restore of a near-empty file once "
        "emptied the bot.",
    ),
    Setting(
        "IMPORT_MAX_UPLOAD",
        str(50 * 1024 * 1024),
        "Largest file (bytes) an admin may upload to import; a bigger body gets a 413 before "
        "sign-in or the CSRF check reads it. The Miami 211 datapackage is about 1 MB.",
    ),
    Setting(
        "IMPORT_MAX_UNCOMPRESSED",
        str(200 * 1024 * 1024),
        "Most bytes an import zip may unpack to, all members together (Miami 211: 8 MB); "
        "checked before anything is decompressed, so a zip bomb is refused at once.",
    ),
    Setting("IMPORT_MAX_MEMBERS", "200", "Most files an import zip may hold."),
    Setting(
        "IMPORT_WAITING_SECONDS",
        "86400",
        "An uploaded file that had its dry run but was neither imported nor forgotten is "
        "deleted after this many seconds.",
    ),
    Setting("TESTING", "", "Set by tests."),
]

MIN_SECRET_LENGTH = 16


class StartupError(SystemExit):
    """The app cannot start as configured; the message says what to set."""


def weak_secrets(config: dict) -> list[str]:
    """Names of secrets that still hold a development value, are empty or too short."""
    dev_values = {s.name: s.default for s in SETTINGS if s.secret}
    weak = []
    for name in ("SECRET_KEY", "PHONE_HASH_KEY"):
        value = config.get(name) or ""
        if value == dev_values[name] or len(value) < MIN_SECRET_LENGTH:
            weak.append(name)
    return weak


def check_startup(config: dict) -> None:
    """Refuse to start outside development and testing without real secrets."""
    if config.get("TESTING") or config.get("ENVIRONMENT") == "development":
        return
    weak = weak_secrets(config)
    if weak:
        names = " and ".join(weak)
        raise StartupError(
            f"Refusing to start: set {names} in the environment to a long random value "
            f"(at least {MIN_SECRET_LENGTH} characters), or set ENVIRONMENT=development "
            "on a development machine."
        )


def integer(config: dict, name: str) -> int:
    """A whole-number setting from config, or its default when it is not a number."""
    try:
        return int(str(config.get(name)).strip())
    except (TypeError, ValueError):
        return int(next(s.default for s in SETTINGS if s.name == name) or 0)


def from_environment() -> dict[str, str]:
    """The settings that are set in the environment."""
    return {s.name: os.environ[s.name] for s in SETTINGS if s.name in os.environ}


def defaults() -> dict[str, str | None]:
    """Every setting's default."""
    return {s.name: s.default for s in SETTINGS}
