"""The preview console (what the bot would answer, and why) and the live SMS budget."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for

from bot.classify import classify
from bot.compose import format_phone
from bot.engine import respond
from bot.sms import segments
from bot.types import Session
from knowledge import audit, queries, seed
from knowledge.db import get_db
from knowledge.editor import checks
from knowledge.editor.auth import current_user, login_required
from knowledge.editor.blueprint import bp
from knowledge.editor.entities import ABOUT_CHOICES, EXAMPLE_INTENTS

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
        "message": text,
        "intent": reply.intent,
        "lang": reply.lang,
        "layer": reading.layer,
        "learned": _learned(reading),
        "rule_intent": reading.rule_intent,
        "minor": reading.minor,
        "danger": reply.danger,
        "rule": reply.rule or reading.rule,
        "score": reply.score or reading.score,
        "scores": sorted(reading.scores.items(), key=lambda kv: -kv[1]),
        "resources": [
            {
                "id": s.id,
                "name": s.name,
                "phones": ", ".join(format_phone(p.number, p.extension) for p in s.phones),
            }
            for s in reply.resources
        ],
        "chat": reply.text,
        "sms": sms.text,
        "sms_segments": count,
        "sms_encoding": "GSM-7" if encoding == "gsm7" else "UCS-2",
        "sms_pages_left": len(state["sms"].get("more", [])),
    }


def _learned(reading) -> dict | None:
    """The learned reading's probabilities, for the page (None before a model is trained)."""
    verdict = reading.learned
    if verdict is None:
        return None
    model = _knowledge().derived.get("model")
    return {
        "intent": sorted(verdict.intent.items(), key=lambda kv: -kv[1]),
        "model_intent": sorted(verdict.model_intent.items(), key=lambda kv: -kv[1]),
        "about": sorted(verdict.about.items(), key=lambda kv: -kv[1]),
        "danger": verdict.danger,
        "danger_now": verdict.danger_now,
        "minor": verdict.minor,
        "minor_involved": verdict.minor_involved,
        "danger_threshold": model.danger_threshold if model else None,
        "danger_with_rules": verdict.danger_with_rules,
        "safety_threshold": model.safety.threshold if model and model.safety else None,
        "minor_threshold": model.minor_threshold if model else None,
    }


def _teach_defaults(result: dict) -> dict:
    """The Teach-the-bot form's starting labels: what the bot read."""
    learned = result.get("learned") or {}
    about = (learned.get("about") or [("general", 0)])[0][0]
    intent = result["intent"] if result["intent"] in dict(EXAMPLE_INTENTS) else "unknown"
    return {
        "intent": intent,
        "lang": result["lang"],
        "danger_now": intent == "emergency",
        "minor": bool(result.get("minor")),
        "about": about,
    }


@bp.post("/preview/teach")
@login_required(role="editor")
def teach():
    """Save the previewed message as an example with the labels staff chose (logged)."""
    form = request.form
    entry = {
        "text": form.get("message", ""),
        "lang": form.get("lang"),
        "intent": form.get("intent"),
        "about": form.get("about"),
        "danger_now": form.get("danger_now") == "1",
        "minor": form.get("minor") == "1",
        "group": (form.get("group") or "staff-taught").strip()[:80],
        "source": "staff",
        "last_verified": date.today().isoformat(),
    }
    problem = ""
    if len(entry["text"]) > MAX_MESSAGE:
        problem = f"A message can be at most {MAX_MESSAGE} characters."
    else:
        try:
            row = seed.example_row(entry, "This example")
        except seed.SeedError as exc:
            problem = str(exc).replace("This example: ", "") + "."
    if problem:
        return _page(None, problem, entry["text"], 400)
    try:
        key = audit.insert(get_db(), "example", row, current_user().username)
    except audit.AuditError as exc:
        return _page(None, str(exc), entry["text"], 400)
    flash(
        f"Saved as example {key} ({row['intent']}). The bot retrains in the background; "
        "preview again in a few seconds to see the change."
    )
    return redirect(url_for("editor.preview"))


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
    return _page(result, problem, message, status)


def _page(result: dict | None, problem: str, message: str, status: int):
    return render_template(
        "admin/preview.html",
        result=result,
        problem=problem,
        message=message,
        turns=(session.get(KEY) or {}).get("chat", {}).get("turns", 0),
        teach=_teach_defaults(result) if result else None,
        intents=EXAMPLE_INTENTS,
        abouts=ABOUT_CHOICES,
        may_teach=current_user().can("editor"),
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
