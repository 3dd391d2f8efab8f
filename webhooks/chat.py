"""POST /api/chat: the webchat API (see DESIGN.md for the contract)."""

from __future__ import annotations

import ipaddress

from flask import Blueprint, jsonify, make_response, request

from bot.compose import format_phone
from bot.types import LANGS, Service
from webhooks import cors, ratelimit
from webhooks.conversation import answer, save, session_key, settle

bp = Blueprint("chat", __name__)
MAX_MESSAGE = 2000
MAX_SESSION_ID = 200
# The white space the API description's session_id pattern ("\\S", an ECMA-262 regex) rules
# out, so the server accepts exactly what it describes. Python's str.strip() differs: it also
# strips the separators U+001C to U+001F and U+0085, and keeps U+FEFF.
SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)


def _bad(sentence: str):
    return jsonify({"error": sentence}), 400


def _too_many():
    sentence = (
        "Too many messages from this address; please wait a minute. In danger now? Call 911. "
        "The National Human Trafficking Hotline: call 1-888-373-7888 or text 233733."
    )
    return jsonify({"error": sentence}), 429


def resource_json(service: Service, lang: str) -> dict:
    """A service as the chat API lists it."""
    voice = next((p for p in service.phones if p.type == "voice"), None)
    text = next((p for p in service.phones if p.type == "sms"), None)
    return {
        "id": service.id,
        "name": service.name,
        "phone": format_phone(voice.number, voice.extension) if voice else "",
        "text": text.number if text else "",
        "url": service.url,
        "summary": service.summary.get(lang) or service.summary.get("en", ""),
    }


def _validate(data: object) -> str | None:
    """A plain sentence saying what is wrong with the request body, or None."""
    if not isinstance(data, dict):
        return "The request body must be a JSON object."
    session_id, message = data.get("session_id"), data.get("message")
    if not isinstance(session_id, str) or not session_id.strip(SPACE):
        return "session_id is required and must be a non-empty string."
    if len(session_id) > MAX_SESSION_ID:
        return f"session_id must be at most {MAX_SESSION_ID} characters."
    if not isinstance(message, str):
        return "message is required and must be a string."
    if len(message) > MAX_MESSAGE:
        return f"message must be at most {MAX_MESSAGE} characters."
    if data.get("lang") is not None and data["lang"] not in LANGS:
        return 'lang must be "en" or "es" when given.'
    if data.get("partner") is not None and not isinstance(data["partner"], str):
        return "partner must be a string when given."
    return None


def _partner_key(data: object) -> str | None:
    """The partner key from ?partner= (what preflights see) or the body's "partner" field."""
    key = request.args.get("partner")
    if key is None and isinstance(data, dict) and isinstance(data.get("partner"), str):
        key = data["partner"]
    return key


@bp.route("/api/chat", methods=["POST", "OPTIONS"])
def api_chat():
    """Answer one chat message; partner websites get CORS for their registered origins."""
    data = request.get_json(silent=True) if request.method == "POST" else None
    access = cors.check(_partner_key(data))
    if access.refused:
        return cors.refuse(access)
    if request.method == "OPTIONS":
        return cors.grant(make_response("", 204), access, "POST, OPTIONS")
    problem = _validate(data)
    if problem:
        return cors.grant(make_response(_bad(problem)), access)
    # Loopback is the machine itself (a local proxy without TRUSTED_PROXIES, the scorer, a
    # health check): one shared count there would throttle every person at once.
    counted = not _loopback(request.remote_addr)
    address = session_key("address", request.remote_addr or "")
    if counted and ratelimit.chat_over(address):
        return cors.grant(make_response(_too_many()), access)
    key = session_key("chat", data["session_id"])
    partner = access.partner.key if access.partner else ""  # reports count chats per partner

    def write(db, turn, check: bool) -> bool:
        if counted and not ratelimit.chat_hit(address):
            return False  # only the count is kept: no session, nothing in the reports
        save(db, turn, check)
        return True

    allowed, turn = settle(
        lambda: answer("chat", key, data["message"], data.get("lang"), partner=partner), write
    )
    if allowed is False:
        return cors.grant(make_response(_too_many()), access)
    reply = turn.reply
    body = {
        "session_id": data["session_id"],
        "reply": reply.text,
        "intent": reply.intent,
        "lang": reply.lang,
        "resources": [resource_json(s, reply.lang) for s in reply.resources],
    }
    return cors.grant(jsonify(body), access)


@bp.errorhandler(413)
def too_large(_error):
    """Bodies over the size limit get a plain 413 sentence."""
    return jsonify({"error": "The request body is too large."}), 413


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False
