"""The preview console (what the bot would answer, and why) and the live SMS budget."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, session

from bot.classify import classify
from bot.compose import format_phone
from bot.engine import respond
from bot.sms import segments
from bot.types import Session
from knowledge import queries
from knowledge.db import get_db
from knowledge.editor import checks
from knowledge.editor.auth import login_required
from knowledge.editor.blueprint import bp

MAX_MESSAGE = 2000
KEY = "preview"  # the Flask-session key holding the console's two conversations


def _knowledge():
    return queries.snapshot(get_db(), current_app.config["DATABASE"])


def run(text: str, lang: str | None, state: dict) -> dict:
    """Answer text over chat and over SMS, continuing the conversations held in state."""
    kb = _knowledge()
    program = current_app.config.get("PROGRAM_NAME", "")
    out = {}
    for channel in ("chat", "sms"):
        convo = Session.from_dict(state.get(channel) or {})
        reading = classify(text, kb, previous=convo.last_intent)
        reply = respond(text, convo, kb, channel=channel, lang_hint=lang, program=program)
        state[channel] = convo.to_dict()
        out[channel] = {"reply": reply, "reading": reading}
    reply, reading = out["chat"]["reply"], out["chat"]["reading"]
    sms = out["sms"]["reply"]
    count, encoding = segments(sms.text)
    return {
        "intent": reply.intent,
        "lang": reply.lang,
        "rule": reply.rule or reading.rule,
        "score": reply.score or reading.score,
        "scores": sorted(reading.scores.items(), key=lambda kv: -kv[1]),
        "resources": [
            {
                "id": s.id,
                "name": s.name,
                "phones": ", ".join(format_phone(p.number) for p in s.phones),
            }
            for s in reply.resources
        ],
        "chat": reply.text,
        "sms": sms.text,
        "sms_segments": count,
        "sms_encoding": "GSM-7" if encoding == "gsm7" else "UCS-2",
        "sms_pages_left": len(state["sms"].get("more", [])),
    }


@bp.route("/preview", methods=["GET", "POST"])
@login_required
def preview():
    """Type a message and see what the bot reads in it and what it answers."""
    result, problem, status = None, "", 200
    message = ""
    if request.method == "POST":
        if request.form.get("action") == "reset":
            session.pop(KEY, None)
        else:
            message = request.form.get("message", "")
            lang = request.form.get("lang") or None
            if not message.strip():
                problem, status = "Type a message to preview.", 400
            elif len(message) > MAX_MESSAGE:
                problem, status = f"A message can be at most {MAX_MESSAGE} characters.", 400
            elif lang not in (None, "en", "es"):
                problem, status = "The language must be English, Spanish or automatic.", 400
            else:
                state = session.get(KEY) or {}
                result = run(message, lang, state)
                session[KEY] = state
    turns = (session.get(KEY) or {}).get("chat", {}).get("turns", 0)
    return render_template(
        "admin/preview.html", result=result, problem=problem, message=message, turns=turns
    ), status


@bp.post("/budget")
@login_required
def budget():
    """What a template or answer costs over SMS (for the live counter under each text box)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return jsonify({"error": "Send a JSON object with the text to measure."}), 400
    kind = data.get("kind") if data.get("kind") in ("template", "answer") else "answer"
    lang = data.get("lang") if data.get("lang") in ("en", "es") else "en"
    if len(data["text"]) > 5000:
        return jsonify({"error": "The text is too long to measure."}), 400
    program = current_app.config.get("PROGRAM_NAME", "")
    return jsonify(checks.budget(data["text"], _knowledge(), lang, kind, program))
