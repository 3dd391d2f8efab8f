"""Every setting the app reads, with its default and what it is for.

Each can be set in the environment under the same name, or passed to create_app().
Secrets have no usable default outside development and testing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from limits import parse


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    secret: bool = False
    # How the value is read: "text" as it is; "flag" strictly as a yes or no (see flag());
    # "flag or auto" as a flag or the word auto.
    kind: str = "text"


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
        kind="flag or auto",
    ),
    Setting(
        "READ_ONLY",
        "",
        "Set to 1 to open the database read-only (maintenance, a read-only disk): the bot "
        "still answers but remembers nothing, and staff edits get a 503.",
        kind="flag",
    ),
    Setting(
        "TRAIN_AT_START",
        "1",
        "Train the learned reading from the knowledge base's examples before serving, so the "
        "first message is read by both layers (a few seconds; trained once per content in a "
        "process). Empty: train in the background, and answer with the rules until it is done.",
        kind="flag",
    ),
    Setting(
        "RETRAIN_ON_CHANGE",
        "1",
        "Retrain the learned reading in the background after each change to the examples or "
        "rules (about 7 s; replies meanwhile use the model they had). Empty keeps the model "
        "trained at start: the test suite's setting, where hundreds of edits would each "
        "retrain.",
        kind="flag",
    ),
    Setting(
        "STAFF_SESSION_HOURS",
        "8",
        "How long a staff sign-in lasts, in hours, counted from signing in (using the editor "
        "does not extend it). Signing out, a password or role change, or removing the "
        "account ends every session of that account at once.",
    ),
    Setting(
        "SIGNIN_RATE_LIMIT",
        "4 per 15 minutes",
        "Most staff sign-in attempts one address may make (Flask-Limiter notation); a "
        "successful sign-in starts the count again. Kept below the 5 failures that lock an "
        "account, so a stranger at one address cannot lock anyone out.",
    ),
    Setting("TESTING", "", "Set by tests (1 or 0).", kind="flag"),
]

MIN_SECRET_LENGTH = 16
ENVIRONMENTS = ("production", "development")


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


TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")  # empty: not set


def flag(name: str, value: object) -> bool:
    """A yes-or-no setting read strictly; StartupError with a sentence for anything else.

    Read loosely, "0" or "false" would be a non-empty string and so true: TESTING=0 would
    turn testing on and skip the production secret check.
    """
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    raise StartupError(
        f"Refusing to start: {name} must be 1 or 0 (or true/false, yes/no, on/off), not {value!r}."
    )


def read(config: dict) -> dict:
    """The flag settings in config as True or False ("auto", or empty, stays "auto")."""
    values = {}
    for setting in SETTINGS:
        if setting.name not in config or setting.kind == "text":
            continue
        value = config[setting.name]
        if setting.kind == "flag or auto" and str(value).strip().lower() in ("auto", ""):
            values[setting.name] = "auto"
        else:
            values[setting.name] = flag(setting.name, value)
    return values


def positive_number(config: dict, name: str) -> float:
    """A setting that must be a number above zero; StartupError with a sentence otherwise."""
    value = config.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise StartupError(f"Refusing to start: {name} must be a number above zero, not {value!r}.")
    return number


def rate(config: dict, name: str):
    """A setting in Flask-Limiter's notation (4 per 15 minutes); StartupError otherwise."""
    value = config.get(name)
    try:
        return parse(value)
    except (TypeError, ValueError) as error:
        raise StartupError(
            f"Refusing to start: {name} is not a rate such as 4 per 15 minutes: {value!r}."
        ) from error


def check_startup(config: dict) -> None:
    """Refuse to start with a setting that cannot be read, or without real secrets in production."""
    positive_number(config, "STAFF_SESSION_HOURS")
    rate(config, "SIGNIN_RATE_LIMIT")
    if config.get("ENVIRONMENT") not in ENVIRONMENTS:
        raise StartupError(
            f"Refusing to start: ENVIRONMENT must be {' or '.join(ENVIRONMENTS)}, "
            f"not {config.get('ENVIRONMENT')!r}."
        )
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


def from_environment() -> dict[str, str]:
    """The settings that are set in the environment."""
    return {s.name: os.environ[s.name] for s in SETTINGS if s.name in os.environ}


def defaults() -> dict[str, str | None]:
    """Every setting's default."""
    return {s.name: s.default for s in SETTINGS}
