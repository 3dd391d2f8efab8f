"""Structured logs: one JSON line per request, never a phone number, message or session id."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect, RoutingException

from settings import StartupError

logger = logging.getLogger("resource_line")
BOT_ROUTES = ("/sms", "/api/chat")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
UNMATCHED = "(no route)"  # a 404 or a request to a path the app does not serve
# Werkzeug's access line: '127.0.0.1 - - [03/Dec/2026 05:00:00] "GET /path HTTP/1.1" 200 -'
ACCESS_LINE = re.compile(r'\S+ - - \[[^\]]*\] "')


def event(name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one event as a JSON line; callers pass only fields free of personal data."""
    if logger.isEnabledFor(level):  # no JSON written for a line the level leaves out
        logger.log(level, json.dumps({"event": name, **fields}, sort_keys=True))


def note_intent(intent: str) -> None:
    """Remember the intent of this request's reply for its log line."""
    g.log_intent = intent


def note_degraded(reason: str) -> None:
    """Remember that this request was answered without saving state (e.g. a read-only disk)."""
    g.log_degraded = reason


def _start() -> None:
    g.log_started = time.perf_counter()


def _route() -> str:
    """The route pattern of this request, never its raw path (which could carry anything)."""
    if request.url_rule is not None:
        return request.url_rule.rule
    redirect = request.routing_exception
    if isinstance(redirect, RequestRedirect):  # /admin -> /admin/: log the route it goes to
        adapter = current_app.url_map.bind("localhost")
        try:
            rule, _ = adapter.match(urlsplit(redirect.new_url).path, return_rule=True)
        except (HTTPException, RoutingException):  # a redirect outside the app's routes
            return UNMATCHED
        return rule.rule
    return UNMATCHED


class _NoAccessLines(logging.Filter):
    """Drops the development server's access line: it holds the client's IP and raw path."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not ACCESS_LINE.match(str(record.msg))


def _finish(response):
    if not logger.isEnabledFor(logging.INFO):  # the request line is at INFO
        return response
    started = g.get("log_started")
    rule = _route()
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


def log_level(name: str | None) -> int:
    """The logging level named by LOG_LEVEL (INFO when empty); ValueError names the choices."""
    name = (name or "INFO").strip().upper()
    if name not in LEVELS:
        raise ValueError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not {name!r}.")
    return logging.getLevelName(name)


def init_app(app: Flask) -> None:
    """Log every request of app as one JSON line on standard error."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        logger.setLevel(log_level(app.config.get("LOG_LEVEL")))
    except ValueError as exc:
        raise StartupError(f"Refusing to start: {exc}") from None
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoAccessLines) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(_NoAccessLines())
    app.before_request(_start)
    app.after_request(_finish)
