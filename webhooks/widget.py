"""The embeddable webchat widget: /widget.js, each partner's settings, and a demo partner page."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from bot.compose import numbers, render
from bot.engine import SESSION_TTL
from bot.types import LANGS
from knowledge import partners
from knowledge.db import get_db
from webhooks import cors, public_url
from webhooks.chat import MAX_MESSAGE
from webhooks.conversation import knowledge

bp = Blueprint("widget", __name__, template_folder="templates")
STATIC = Path(__file__).parent / "static"
DEMO_PARTNER = "demo"


def widget_source() -> str:
    """The widget's script with its stylesheet and words inlined (so nothing else is fetched)."""
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    strings = json.loads((STATIC / "widget_strings.json").read_text(encoding="utf-8"))
    script = script.replace("__WIDGET_CSS__", json.dumps(css), 1)
    return script.replace("__WIDGET_STRINGS__", json.dumps(strings, ensure_ascii=False), 1)


@bp.get("/widget.js")
def script():
    """The script partners embed with <script src=".../widget.js" data-partner="KEY" async>."""
    response = Response(widget_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)


def partner_config(partner: partners.Partner) -> dict:
    """What the widget needs to draw itself for this partner (nothing secret)."""
    kb = knowledge()
    program = current_app.config["PROGRAM_NAME"]
    greeting = {
        lang: partner.greeting.get(lang) or render(kb, "greeting", lang, program) for lang in LANGS
    }
    found = numbers(kb)
    return {
        "partner": partner.key,
        "name": partner.name,
        "lang": partner.default_lang,
        "greeting": greeting,
        "accent": partner.accent,
        "exit_url": public_url.external(partner.exit_url),
        "hotline": {"call": found["hotline_call"], "text": found["hotline_text"]},
        "max_message": MAX_MESSAGE,
        "forget_minutes": SESSION_TTL // 60,
    }


def page_partner() -> partners.Partner:
    """The bot's own chat page, drawn by the same script as a partner with the default look."""
    exit_url = current_app.config.get("CHAT_PAGE_EXIT_URL") or ""
    return partners.Partner(
        key="",
        name=current_app.config["PROGRAM_NAME"],
        exit_url=exit_url if partners.valid_exit_url(exit_url) else partners.BLANK_EXIT,
    )


@bp.get("/widget/config/<key>")
def config(key: str):
    """One partner's widget settings, for the partner's registered websites only."""
    access = cors.check(key, unknown_status=404)
    if access.refused:
        return cors.refuse(access)
    response = jsonify(partner_config(access.partner))
    response.headers["Cache-Control"] = "no-cache"
    return cors.grant(response, access)


@bp.get("/widget/config")
def page_config():
    """The settings of the bot's own chat page (/); for the bot's own pages only."""
    if cors.foreign_origin():
        return jsonify({"error": "These settings are for the bot's own chat page."}), 403
    response = jsonify(partner_config(page_partner()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/demo")
def demo():
    """A sample partner page with the widget on it, as a partner would embed it."""
    partner = partners.get(get_db(), DEMO_PARTNER)
    snippet = (
        f'<script src="{public_url.external("/widget.js")}" data-partner="{DEMO_PARTNER}" '
        "async></script>"
    )
    return render_template("demo_partner.html", partner=partner, key=DEMO_PARTNER, snippet=snippet)


@bp.get("/demo/elsewhere")
def elsewhere():
    """A neutral page, where the demo partner's quick exit lands."""
    return render_template("demo_partner_elsewhere.html")
