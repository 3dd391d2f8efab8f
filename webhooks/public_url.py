"""The bot's own public address: PUBLIC_URL when it is set, else the request's.

Addresses the bot hands out (the quick-exit page, the widget snippet, Twilio's status
callback) are built from here, so with PUBLIC_URL set a forged Host header cannot move them.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, request

# Characters a path keeps unescaped (RFC 3986 pchar and "/"), for servers that give no raw URI.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


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


def host_trusted(config) -> bool:
    """Whether the request's Host header may stand for the bot's address (no PUBLIC_URL).

    Only on a development machine or in tests: in production a client can send any Host.
    """
    return bool(config.get("TESTING")) or config.get("ENVIRONMENT") == "development"


def known(config) -> bool:
    """True when the address Twilio calls is known: PUBLIC_URL, or a trusted Host."""
    return bool((config.get("PUBLIC_URL") or "").strip()) or host_trusted(config)


def raw_target() -> str:
    """This request's path and query exactly as the client sent them, escapes and all.

    request.url and request.path are decoded (%2F becomes /, %C3%A9 becomes é), so they are
    not the URL Twilio signed. gunicorn and Werkzeug give the raw request line's target as
    RAW_URI / REQUEST_URI; without either, the path is escaped again (a best guess).
    """
    for name in ("RAW_URI", "REQUEST_URI"):
        raw = request.environ.get(name) or ""
        if raw and not raw.startswith("/"):  # an absolute-form target: keep path and query
            parts = urlsplit(raw)
            raw = parts.path + (f"?{parts.query}" if parts.query else "")
        if raw.startswith("/"):
            return raw
    query = request.query_string.decode("latin-1")
    return quote(request.path, safe=_PATH_SAFE) + (f"?{query}" if query else "")


def called_url() -> str | None:
    """The exact URL this request was sent to, for checking a signature over it.

    PUBLIC_URL plus the raw path and query; without PUBLIC_URL, the request's own scheme
    and Host where the Host is trusted, else None (the address cannot be known).
    """
    public = (current_app.config.get("PUBLIC_URL") or "").strip()
    if public:
        return public.rstrip("/") + raw_target()
    if host_trusted(current_app.config):
        return f"{request.scheme}://{request.host}{raw_target()}"
    return None
