"""Cross-origin access for partner websites: granted only to a partner's registered origins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, jsonify, request

from knowledge import partners
from knowledge.db import get_db

MAX_AGE = "600"  # seconds a browser may reuse a preflight answer


@dataclass(frozen=True)
class Access:
    """Whether this request may go on, and the Origin to grant CORS to (None: same site)."""

    partner: partners.Partner | None
    origin: str | None
    refused: str | None = None
    status: int = 403


def _host(origin: str) -> str | None:
    normal = partners.normalize_origin(origin)
    return normal.split("://", 1)[1] if normal else None


def foreign_origin() -> str | None:
    """The request's Origin when it is another website; None when absent or the bot's own."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    own = {_host(request.host_url), _host(current_app.config.get("PUBLIC_URL") or "")}
    # Hosts, not schemes, are compared: a proxy may end TLS and show the app plain http.
    return None if _host(origin) in own - {None} else origin


def check(key: str | None, unknown_status: int = 403) -> Access:
    """Decide a request for partner key (or for any partner when key is None) from its Origin."""
    origin = foreign_origin()
    db = get_db()
    if key is None:
        if origin is None:
            return Access(None, None)
        found = partners.enabled_for_origin(db, origin)
        if found:
            return Access(found[0], origin)
        return Access(
            None,
            origin,
            f"The website {origin} is not registered for any partner; "
            "ask the hotline staff to add it.",
        )
    partner = partners.get(db, key)
    refused = partners.refusal(partner, key, origin)
    status = unknown_status if partner is None else 403
    return Access(partner, origin, refused, status)


def refuse(access: Access):
    """The plain-sentence JSON refusal, without any CORS grant."""
    response = jsonify({"error": access.refused})
    response.status_code = access.status
    response.vary.add("Origin")
    return response


def grant(response, access: Access, methods: str = "GET"):
    """Add the CORS headers for an allowed foreign origin (nothing for the bot's own pages)."""
    response.vary.add("Origin")
    if access.origin and not access.refused:
        response.headers["Access-Control-Allow-Origin"] = access.origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = methods
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response
