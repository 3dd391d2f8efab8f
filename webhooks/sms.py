"""POST /sms: Twilio's messaging webhook, with signature checks and STOP/START/HELP."""

from __future__ import annotations

import time

from flask import Blueprint, Response, abort, current_app, request, url_for
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.keywords import keyword, literal
from bot.sms import to_gsm7
from knowledge import state
from knowledge.db import get_db
from webhooks import ratelimit
from webhooks.conversation import say, session_key, soft_write, turn

bp = Blueprint("sms", __name__)
# Keywords a carrier requires to work at any time, so the rate limit never holds them back.
ALWAYS_ANSWERED = {"opt_out", "opt_in", "help", "delete"}
FAILED = {"failed", "undelivered"}
UNSUBSCRIBED = "21610"  # Twilio: the recipient has replied STOP to this sender


def signed_url() -> str:
    """The URL Twilio signed: PUBLIC_URL plus the path when behind a proxy, else this one."""
    public = current_app.config.get("PUBLIC_URL") or ""
    if public:
        query = request.query_string.decode("latin-1")
        return public.rstrip("/") + request.path + (f"?{query}" if query else "")
    return request.url


def signature_ok() -> bool:
    """True when X-Twilio-Signature matches this request and the configured token."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN") or ""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(signed_url(), request.form.to_dict(), signature)


def status_url() -> str:
    """Where Twilio reports what happened to a reply (the status callback)."""
    public = current_app.config.get("PUBLIC_URL") or ""
    if public:
        return public.rstrip("/") + url_for("sms.status")
    return url_for("sms.status", _external=True)


def twiml(text: str) -> Response:
    """A TwiML reply with one message, or an empty <Response/> for no reply."""
    response = MessagingResponse()
    if text:
        response.message(text, action=status_url(), method="POST")
    return Response(str(response), mimetype="application/xml")


@bp.post("/sms")
def incoming():
    """Answer one text message."""
    if not signature_ok():
        abort(403)
    sender = request.form.get("From", "").strip()
    body = request.form.get("Body", "")
    if not sender:
        # Not something Twilio sends; answer safely without storing anything.
        return twiml(to_gsm7(say("fallback")))
    db = get_db()
    key = session_key("sms", sender)
    now = time.time()
    sid = request.form.get("MessageSid", "")
    if sid:
        earlier = state.seen_reply(db, sid, now)
        if earlier is not None:
            return Response(earlier, mimetype="application/xml")  # a retry: same answer
    response = _answer(db, key, body, now)
    if sid and keyword(body) != "delete":  # after DELETE nothing tied to the sender stays
        soft_write(state.remember_reply, db, sid, key, response.get_data(as_text=True), now)
    return response


def _answer(db, key: str, body: str, now: float) -> Response:
    """The TwiML for one new message from the sender stored under key."""
    word = keyword(body)
    if word not in ALWAYS_ANSWERED:
        verdict = ratelimit.check(key)
        if verdict != ratelimit.ALLOW:
            if verdict == ratelimit.SILENT or state.opted_out(db, key):
                return twiml("")
            return twiml(to_gsm7(say("rate_limited")))
    if word == "delete":
        state.forget_sender(db, key)
        lang = "es" if literal(body) == "borrar" else "en"
        return twiml(to_gsm7(say("deleted", lang, neutral=True)))
    if state.opted_out(db, key):
        if word != "opt_in":
            return twiml("")  # nothing is sent until START
        state.set_opted_out(db, key, False, now)
    elif word == "opt_out":
        state.set_opted_out(db, key, True, now)
    if not body.strip() and _media_count() > 0:
        return twiml(to_gsm7(say("media_only")))
    reply = turn("sms", key, body)
    return twiml(reply.text)


@bp.post("/sms/status")
def status():
    """Twilio's status callback: keep failed deliveries; error 21610 means opted out."""
    if not signature_ok():
        abort(403)
    sid = request.form.get("MessageSid", "").strip()
    if not sid:
        return Response("MessageSid is required.", status=400, mimetype="text/plain")
    message_status = request.form.get("MessageStatus", "").strip().lower()
    error_code = request.form.get("ErrorCode", "").strip()
    db = get_db()
    now = time.time()
    if message_status in FAILED or error_code:
        state.record_failure(db, sid, message_status, error_code, now)
    recipient = request.form.get("To", "").strip()
    if error_code == UNSUBSCRIBED and recipient:
        state.set_opted_out(db, session_key("sms", recipient), True, now)
    return Response(status=204)


def _media_count() -> int:
    try:
        return int(request.form.get("NumMedia", "0") or 0)
    except ValueError:
        return 0
