"""Plain-sentence errors: 4xx for bad requests, 503 when the database cannot be written."""

from __future__ import annotations

import sqlite3

from flask import Flask, Response, jsonify, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from webhooks import logs

# Said when nothing can be looked up or saved: the two numbers every reply must keep.
SAFE_REPLY = (
    "Sorry, we cannot do that right now; please try again later. In danger now? Call 911. "
    "The National Human Trafficking Hotline is there 24/7: call 1-888-373-7888 or text 233733."
)
SENTENCES = {
    400: "The request could not be understood.",
    403: "This request is not allowed.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
    415: "The request body is not in a format this address accepts.",
}
STORAGE = {
    "readonly": "The knowledge base is read-only right now, so nothing can be saved.",
    "full": "The server's disk is full, so nothing can be saved.",
    "locked": "The knowledge base is busy with another change.",
    "unavailable": "The knowledge base cannot be reached right now.",
}


def storage_problem(exc: sqlite3.OperationalError) -> str:
    """What kind of storage failure exc is: readonly, full, locked or unavailable."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return "readonly"
    if "full" in text:
        return "full"
    if "locked" in text or "busy" in text:
        return "locked"
    return "unavailable"


def _plain(sentence: str, status: int) -> Response:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/sms"):
        response = jsonify({"error": sentence})
    else:
        response = Response(sentence + "\n", mimetype="text/plain")
    response.status_code = status
    return response


def http_error(exc: HTTPException):
    """Every HTTP error as a plain sentence instead of an HTML page."""
    status = exc.code or 500
    return _plain(SENTENCES.get(status, f"{exc.name}."), status)


def storage_error(exc: sqlite3.OperationalError):
    """A write the database refused: SMS still gets the safe numbers, the rest a clear 503."""
    kind = storage_problem(exc)
    logs.event("storage_error", kind=kind, path=request.url_rule.rule if request.url_rule else None)
    logs.note_degraded(kind)
    if request.path == "/sms":
        # Twilio only delivers a 200's TwiML: answer with the numbers that always apply.
        reply = MessagingResponse()
        reply.message(SAFE_REPLY)
        return Response(str(reply), mimetype="application/xml")
    if request.path == "/api/chat":
        return _plain(SAFE_REPLY, 503)
    return _plain(f"{STORAGE[kind]} Please try again in a few minutes.", 503)


def unusable_text(_exc: UnicodeError):
    """Text that cannot be encoded (a lone surrogate in JSON) is the sender's mistake: 400."""
    return _plain("The request holds text that is not valid Unicode.", 400)


def too_deep(_exc: RecursionError):
    """JSON nested thousands deep makes the parser give up: a 400, not a crash."""
    return _plain("The request body is nested too deeply.", 400)


def init_app(app: Flask) -> None:
    """Register the handlers on app."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(UnicodeError, unusable_text)
    app.register_error_handler(RecursionError, too_deep)
    app.register_error_handler(sqlite3.OperationalError, storage_error)
