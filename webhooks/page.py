"""A plain local page where a person can chat with the bot."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint(
    "page",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/chat",
)


@bp.get("/")
def index():
    """The chat page."""
    return render_template("chat.html")
