"""Structured logs: one JSON line per request, never a phone number, message or session id."""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, g, request

logger = logging.getLogger("resource_line")
BOT_ROUTES = ("/sms", "/api/chat")


def event(name: str, **fields: object) -> None:
    """Log one event as a JSON line; callers pass only fields free of personal data."""
    logger.info(json.dumps({"event": name, **fields}, sort_keys=True))


def note_intent(intent: str) -> None:
    """Remember the intent of this request's reply for its log line."""
    g.log_intent = intent


def note_degraded(reason: str) -> None:
    """Remember that this request was answered without saving state (e.g. a read-only disk)."""
    g.log_degraded = reason


def _start() -> None:
    g.log_started = time.perf_counter()


def _finish(response):
    started = g.get("log_started")
    # The route pattern, not the raw path: an unknown path could carry anything.
    rule = request.url_rule.rule if request.url_rule is not None else None
    fields: dict[str, object] = {
        "method": request.method,
        "path": rule,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
    }
    if rule in BOT_ROUTES:
        fields["intent"] = g.get("log_intent")
    if g.get("log_degraded"):
        fields["degraded"] = g.log_degraded
    event("request", **fields)
    return response


def init_app(app: Flask) -> None:
    """Log every request of app as one JSON line on standard error."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
