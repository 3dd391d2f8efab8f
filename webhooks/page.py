"""The bot's own chat page: the webchat client (/widget.js) filling the whole page."""

from __future__ import annotations

import phonenumbers
from flask import Blueprint, current_app, render_template

from bot.compose import numbers
from webhooks.conversation import knowledge

bp = Blueprint("page", __name__, template_folder="templates")


def tel_href(number: str) -> str:
    """A tel: link for a US number as people write it (1-888-373-7888 -> tel:+18883737888)."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return "tel:" + "".join(ch for ch in number if ch.isdigit())
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@bp.get("/")
def index():
    """The chat page; without JavaScript it still names the hotline and 911."""
    found = numbers(knowledge())
    return render_template(
        "chat.html",
        program=current_app.config["PROGRAM_NAME"],
        call=found["hotline_call"],
        call_href=tel_href(found["hotline_call"]),
        text=found["hotline_text"],
    )
