"""POST /sms: Twilio's messaging webhook, with signature checks and STOP/START/HELP."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, request, url_for
from twilio.request_validator import RequestValidator

from bot.keywords import keyword, literal
from bot.sms import to_gsm7
from knowledge import state
from knowledge.db import get_db
from webhooks import public_url, ratelimit
from webhooks.conversation import Turn, answer, save, say, session_key, settle

bp = Blueprint("sms", __name__)
# Keywords a carrier requires to work at any time, so the rate limit never holds them back.
ALWAYS_ANSWERED = {"opt_out", "opt_in", "help", "delete"}
MUST_SAVE = {"opt_out", "opt_in", "delete"}  # only true once saved: a failed save says so
FAILED = {"failed", "undelivered"}
STATUS_URLS_KEPT = 16
UNSUBSCRIBED = "21610"  # Twilio: the recipient has replied STOP to this sender


def signature_ok() -> bool:
    """True when X-Twilio-Signature matches the exact URL called and the configured token.

    In production without PUBLIC_URL the URL cannot be known (the Host header is the
    client's word), so every request is refused rather than trusting a forged Host.
    """
    token = current_app.config.get("TWILIO_AUTH_TOKEN") or ""
    signature = request.headers.get("X-Twilio-Signature", "")
    url = public_url.called_url()
    if not token or not signature or url is None:
        return False
    params, validator = request.form.to_dict(), RequestValidator(token)
    # The URL as Twilio requested it matches with one HMAC; the library's validate() tries
    # the URL with and without its port (two more) and checks a JSON body's bodySHA256.
    expected = validator.compute_signature(url, params)
    if "bodySHA256" not in url and hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return validator.validate(url, params, signature)


def status_url() -> str:
    """Where Twilio reports what happened to a reply (the status callback).

    The same for every request to the same address, so it is built once per PUBLIC_URL,
    scheme, Host and mount point (a few at most; the cache is emptied if a client's Host
    headers would grow it).
    """
    public = (current_app.config.get("PUBLIC_URL") or "").strip()
    env = request.environ
    key = (public, env.get("SCRIPT_NAME", ""), None if public else (request.scheme, request.host))
    cache = current_app.extensions.setdefault("sms_status_urls", {})
    url = cache.get(key)
    if url is None:
        if len(cache) >= STATUS_URLS_KEPT:
            cache.clear()
        url = cache[key] = public_url.external(url_for("sms.status"))
    return url


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
ATTRIBUTE_ESCAPES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def twiml(text: str) -> Response:
    """A TwiML reply with one message, or an empty <Response/> for no reply.

    Written directly, byte for byte what twilio's MessagingResponse writes (tests/
    test_twiml.py compares them), without building an element tree for one element.
    """
    if not text:
        return Response(XML_DECLARATION + "<Response />", mimetype="application/xml")
    action = escape(status_url(), ATTRIBUTE_ESCAPES)
    body = f'<Response><Message action="{action}" method="POST">{escape(text)}</Message></Response>'
    return Response(XML_DECLARATION + body, mimetype="application/xml")


class Claimed(Exception):
    """Another request with the same MessageSid stored its reply first."""


@dataclass
class Plan:
    """What the bot will answer to one new message, and what that answer changes."""

    text: str
    word: str | None
    opted_out: bool
    turn: Turn | None = None
    subscribe: bool | None = None  # True: opt out; False: opt back in
    forget: bool = False


@bp.post("/sms")
def incoming():
    """Answer one text message: at most one reply per MessageSid, however often it comes."""
    if not signature_ok():
        abort(403)
    sender = request.form.get("From", "").strip()
    body = request.form.get("Body", "")
    if not sender:
        # Not something Twilio sends; answer safely without storing anything.
        return twiml(to_gsm7(say("fallback")))
    db = get_db()
    secret = current_app.config["PHONE_HASH_KEY"]
    key = session_key("sms", sender)
    sid = request.form.get("MessageSid", "")
    claim = state.claim_key(secret, sid) if sid else ""
    earlier = _earlier(db, secret, sid, claim)
    if earlier is not None:
        return twiml(earlier)  # a retry: the same answer, and the conversation stays put
    word = keyword(body)

    def write(db, plan: Plan, check: bool) -> str:
        text = plan.text
        if word not in ALWAYS_ANSWERED:
            verdict = ratelimit.sms_hit(key)
            if verdict != ratelimit.ALLOW:
                text = "" if verdict == ratelimit.SILENT or plan.opted_out else _notice()
                plan = Plan(text, word, plan.opted_out)  # a limited message changes nothing
        if plan.forget:
            state.forget_sender(db, key)
        if plan.subscribe is not None:
            state.set_opted_out(db, key, plan.subscribe, time.time())
        if plan.turn is not None:
            save(db, plan.turn, check)
        if claim and not state.claim(db, claim, state.seal(secret, sid, text), time.time()):
            raise Claimed
        return text

    try:
        text, plan = settle(lambda: _plan(db, key, body, word), write, word in MUST_SAVE)
    except Claimed:  # a copy of this message answered first: send what it sent
        return twiml(_earlier(db, secret, sid, claim) or "")
    return twiml(plan.text if text is None else text)  # None: not saved, answered all the same


def _earlier(db, secret: str, sid: str, claim: str) -> str | None:
    """The reply already sent for this MessageSid, if it was seen before."""
    sealed = state.sealed_reply(db, claim, time.time()) if claim else None
    return state.unseal(secret, sid, sealed) if sealed is not None else None


def _notice() -> str:
    return to_gsm7(say("rate_limited"))


def _plan(db, key: str, body: str, word: str | None) -> Plan:
    """The answer to one new message from the sender stored under key (nothing written)."""
    opted = state.opted_out(db, key)
    if word not in ALWAYS_ANSWERED and ratelimit.sms_over(key):
        return Plan("", word, opted)  # limited already: the write decides notice or silence
    if word == "delete":
        lang = "es" if literal(body) == "borrar" else "en"
        text = to_gsm7(say("deleted", lang, neutral=True))
        return Plan(text, word, opted, forget=True)
    if opted and word != "opt_in":
        return Plan("", word, opted)  # nothing is sent until START
    subscribe = False if opted else (True if word == "opt_out" else None)
    if not body.strip() and _media_count() > 0:
        text = to_gsm7(say("media_only"))
        return Plan(text, word, opted, subscribe=subscribe)
    turn = answer("sms", key, body)
    return Plan(turn.reply.text, word, opted, turn=turn, subscribe=subscribe)


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
