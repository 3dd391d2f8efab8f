"""A per-sender SMS rate limit on Flask-Limiter's storage: one notice when it trips, then quiet."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from limits import parse

from settings import StartupError

ALLOW, NOTICE, SILENT = "allow", "notice", "silent"


def init_app(app: Flask) -> None:
    """Give the app its own limiter (storage from RATELIMIT_STORAGE_URI) and its limits."""
    try:
        limit = parse(app.config["SMS_RATE_LIMIT"])  # a bad setting fails at start
    except ValueError as error:
        raise StartupError(
            f"SMS_RATE_LIMIT is not a rate such as 20/minute: {app.config['SMS_RATE_LIMIT']!r}"
        ) from error
    notice = type(limit)(1, limit.multiples)  # one notice per window of the same length
    app.extensions["sms_limits"] = (limit, notice)
    app.extensions["sms_limiter"] = Limiter(
        key_func=lambda: "",
        app=app,
        strategy="moving-window",
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
    )


def check(sender_key: str) -> str:
    """ALLOW and count this message, or NOTICE once when the limit trips, then SILENT."""
    strategy = current_app.extensions["sms_limiter"].limiter
    limit, notice = current_app.extensions["sms_limits"]
    if strategy.hit(limit, "sms", sender_key):
        strategy.clear(notice, "sms-notice", sender_key)  # the next trip gets its own notice
        return ALLOW
    return NOTICE if strategy.hit(notice, "sms-notice", sender_key) else SILENT
