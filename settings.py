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
        "CHAT_PAGE_EXIT_URL",
        "/demo/elsewhere",
        "Where Quick exit on the bot's own chat page (/) sends the person: a neutral page, "
        "as an http(s) URL or a /path on the bot's host. Partners set their own in the editor.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The bot's public base URL (e.g. https://bot.example.org): Twilio signatures are "
        "checked against it, and addresses the bot hands out (quick exit, widget snippet, "
        "status callback) are built from it. Empty: in production /sms is refused (the Host "
        "header can be forged); in development the request's own URL and Host are used.",
    ),
    Setting(
        "ENVIRONMENT",
        "production",
        "production (the default) refuses to start without real SECRET_KEY and PHONE_HASH_KEY "
        "values; development allows the built-in development values. The checkout's "
        ".flaskenv sets development for `flask` commands run in it (gunicorn never reads it).",
    ),
    Setting(
        "SMS_RATE_LIMIT",
        "20/minute",
        "Most messages one sender may send before the bot sends one polite notice and then "
        "stays silent until the window clears (e.g. 20/minute; shared by every worker).",
    ),
    Setting(
        "CHAT_RATE_LIMIT",
        "60/minute",
        "Most /api/chat messages one address may send in a window (e.g. 60/minute); more get "
        "a 429 with a sentence and count in no report. Shared by every worker (kept in the "
        "database).",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "How many proxies in front of the app add X-Forwarded-For; the chat limit counts "
        "the address they report. 0 (no proxy) counts the connecting address.",
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
        "process). Empty: train in the background, and answer with the rules until it is done. "
        "`flask` commands (kb, users, retention) leave it empty unless it is set in the "
        "environment: they never read a message; `make run` sets it.",
        kind="flag",
    ),
    Setting(
        "RETRAIN_ON_CHANGE",
        "1",
        "Retrain the learned reading in the background after each change to the examples or "
        "rules (about 40 s at 20,900 examples; replies meanwhile use the model they had). "
        "Empty keeps the model trained at start: the test suite's setting, where hundreds "
        "of edits would each retrain.",
        kind="flag",
    ),
    Setting(
        "WARM_UP",
        "1",
        "With TRAIN_AT_START, read 50 of the examples once the model is trained, so a "
        "person's first message does not pay for what the readers remember after first use "
        "(about 0.15 s at start). Empty skips it: the test suite's setting, where every test "
        "starts an app.",
        kind="flag",
    ),
    Setting(
        "REBUILD_IN_BACKGROUND",
        "1",
        "After an edit or an import, build the new knowledge snapshot (its rows, match "
        "index and directory lookups) on a thread while messages keep being answered from "
        "the previous one, so no message waits for a build. Empty: the first message after "
        "a change builds it and waits (the test suite's setting, where a test edits and "
        "expects the very next reply to read the edit).",
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
        "HSDS_API",
        "",
        "Set to 1 to serve the directory read-only as the Open Referral HSDS 3.0 API under "
        "/hsds (for 211s and coalitions). Empty: /hsds answers 404.",
        kind="flag",
    ),
    Setting(
        "HSDS_RATE_LIMIT",
        "60/minute",
        "Most /hsds requests one client address may make (Flask-Limiter notation); more get "
        "a 429. Behind a proxy every client shares the proxy's address.",
    ),
    Setting(
        "HSDS_CORS_ORIGINS",
        "",
        "Websites (comma-separated origins such as https://211.example.org, or *) whose "
        "pages may read /hsds from the browser. Empty: no cross-origin reading.",
    ),
    Setting("HSDS_PER_PAGE", "20", "Items in one /hsds page when per_page is not given."),
    Setting(
        "HSDS_MAX_PER_PAGE",
        "100",
        "Most items one /hsds page holds, whatever per_page asks, so no request builds the "
        "whole directory at once.",
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        "INFO logs one JSON line per request on standard error; WARNING keeps only warnings "
        "and errors (what `make score` and `make bench` use, so their figures stay readable).",
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
        "SIGNIN_RATE_LIMIT",
        "4 per 15 minutes",
        "Most staff sign-in attempts one address may make (Flask-Limiter notation); a "
        "successful sign-in starts the count again. Kept below the 5 failures that lock an "
        "account, so a stranger at one address cannot lock anyone out.",
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


def count(config: dict, name: str) -> int:
    """A setting that holds a whole number of zero or more; anything else stops the start."""
    value = str(config.get(name) or "0").strip()
    if not value.isdigit():
        raise StartupError(f"{name} must be a whole number such as 0 or 1, not {value!r}.")
    return int(value)
