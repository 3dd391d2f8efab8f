"""A per-address throttle on sign-in attempts (Flask-Limiter), so a stranger cannot lock staff out.

Each POST to /admin/login from an address counts before its password is checked; a
successful sign-in forgets that address's count. With SIGNIN_RATE_LIMIT below the five
failures that lock an account, one address cannot lock anyone out by itself.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter.util import get_remote_address

import settings
from knowledge import state

SCOPE = "signin"


def init_app(app: Flask) -> None:
    """Parse SIGNIN_RATE_LIMIT (a bad value stops the app with a sentence)."""
    app.extensions["signin_throttle"] = settings.rate(app.config, "SIGNIN_RATE_LIMIT")


def _counted():
    """The limiter on the database's shared counters (every worker sees one count), the
    limit, and this address as a keyed hash (no address is stored)."""
    limiter = current_app.extensions["rate_limits"]["limiter"]
    who = state.keyed_hash(current_app.config["PHONE_HASH_KEY"], SCOPE, get_remote_address())
    return limiter, current_app.extensions["signin_throttle"], who


def attempt() -> bool:
    """Count a sign-in attempt from this address; False when it has had too many."""
    limiter, limit, who = _counted()
    return limiter.hit(limit, SCOPE, who)


def forget() -> None:
    """A right password: this address's earlier attempts no longer count."""
    limiter, limit, who = _counted()
    limiter.clear(limit, SCOPE, who)


def wait_sentence() -> str:
    """What a throttled address is told."""
    limit = current_app.extensions["signin_throttle"]
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
