"""Rate limits every worker shares: per SMS sender, and per address on /api/chat.

Counters live in the app's SQLite file (knowledge.rate_limits, a `limits` storage), hit
through the request thread's connection inside the message's own write transaction, so a
limit costs one UPSERT and no extra commit, and no timer thread or per-request hook.
"""

from __future__ import annotations

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter

from knowledge.db import get_db
from knowledge.rate_limits import SQLiteStorage
from settings import StartupError

ALLOW, NOTICE, SILENT = "allow", "notice", "silent"


def _rate(app: Flask, name: str) -> RateLimitItem:
    try:
        return parse(app.config[name])  # a bad setting fails at start
    except ValueError as error:
        raise StartupError(
            f"{name} is not a rate such as 20/minute: {app.config[name]!r}"
        ) from error


def init_app(app: Flask) -> None:
    """Parse the limits (a bad one stops the app with a sentence) and give the app its storage."""
    storage = SQLiteStorage(connection=get_db)
    app.extensions["rate_limits"] = {
        "sms": _rate(app, "SMS_RATE_LIMIT"),
        "chat": _rate(app, "CHAT_RATE_LIMIT"),
        "storage": storage,
        "limiter": FixedWindowRateLimiter(storage),
    }


def _parts():
    limits = current_app.extensions["rate_limits"]
    return limits, limits["storage"]


def sms_over(sender_key: str) -> bool:
    """True when the sender has used up the limit already (read only; nothing counted)."""
    limits, storage = _parts()
    return storage.get(limits["sms"].key_for("sms", sender_key)) >= limits["sms"].amount


def sms_hit(sender_key: str) -> str:
    """Count this message: ALLOW, or NOTICE once when the limit trips, then SILENT."""
    limits, storage = _parts()
    item = limits["sms"]
    hits = storage.incr(item.key_for("sms", sender_key), item.get_expiry())
    if hits <= item.amount:
        return ALLOW
    return NOTICE if hits == item.amount + 1 else SILENT


def chat_over(address_key: str) -> bool:
    """True when this address has used up the chat limit (read only; nothing counted)."""
    limits, _ = _parts()
    return not limits["limiter"].test(limits["chat"], "chat", address_key)


def chat_hit(address_key: str) -> bool:
    """Count one chat message from this address; False when it is over the limit."""
    limits, _ = _parts()
    return limits["limiter"].hit(limits["chat"], "chat", address_key)
