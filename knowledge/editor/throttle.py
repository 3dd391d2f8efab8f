"""A per-address throttle on sign-in attempts (Flask-Limiter), so a stranger cannot lock staff out.

Each POST to /admin/login from an address counts before its password is checked; a
successful sign-in forgets that address's count. With SIGNIN_RATE_LIMIT below the five
failures that lock an account, one address cannot lock anyone out by itself.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

import settings

SCOPE = "signin"


def init_app(app: Flask) -> None:
    """Give the app its sign-in limiter (on RATELIMIT_STORAGE_URI, shared across workers)."""
    limit = settings.rate(app.config, "SIGNIN_RATE_LIMIT")
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        strategy="moving-window",
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
    )
    app.extensions["signin_throttle"] = (limiter, limit)


def attempt() -> bool:
    """Count a sign-in attempt from this address; False when it has had too many."""
    limiter, limit = current_app.extensions["signin_throttle"]
    return limiter.limiter.hit(limit, SCOPE, get_remote_address())


def forget() -> None:
    """A right password: this address's earlier attempts no longer count."""
    limiter, limit = current_app.extensions["signin_throttle"]
    limiter.limiter.clear(limit, SCOPE, get_remote_address())


def wait_sentence() -> str:
    """What a throttled address is told."""
    _limiter, limit = current_app.extensions["signin_throttle"]
    return (
        "Too many sign-in attempts from this address. Wait a while and try again "
        f"(at most {limit.amount} tries every {_window(limit)}), or ask an admin."
    )


def _window(limit) -> str:
    """A rate's window in words: '15 minutes'."""
    seconds = limit.get_expiry()
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} seconds"
