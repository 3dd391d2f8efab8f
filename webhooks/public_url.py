"""The bot's own public address: PUBLIC_URL when it is set, else the request's.

Addresses the bot hands out (the quick-exit page, the widget snippet, Twilio's status
callback) are built from here, so with PUBLIC_URL set a forged Host header cannot move them.
"""

from __future__ import annotations

from flask import current_app, request


def base() -> str:
    """The bot's base address without a trailing slash: PUBLIC_URL, or this request's host."""
    public = (current_app.config.get("PUBLIC_URL") or "").strip()
    if public:
        return public.rstrip("/")
    return request.host_url.rstrip("/")


def external(path: str) -> str:
    """A path on the bot ("/demo/elsewhere") as a full address; other addresses unchanged."""
    if path.startswith("/") and not path.startswith("//"):
        return base() + path
    return path
