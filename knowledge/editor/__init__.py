"""The staff editor at /admin: sign-in, editing, preview, history; CSRF and cookie settings."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError, CSRFProtect

import settings
from knowledge import archive
from knowledge.editor import (  # noqa: F401 (each module adds its routes)
    auth,
    history,
    people,
    preview,
    records,
    throttle,
    transfer_views,
)
from knowledge.editor.auth import FixedLifetimeSessions, current_user, refuse
from knowledge.editor.blueprint import bp

csrf = CSRFProtect()


def secure_cookies(app: Flask) -> bool:
    """Whether session cookies are sent over HTTPS only (SECURE_COOKIES: auto, 1 or 0)."""
    value = app.config.get("SECURE_COOKIES", "auto")
    if value != "auto":
        return settings.flag("SECURE_COOKIES", value)
    development = app.config.get("ENVIRONMENT") == "development"
    return not (app.debug or app.testing or development)


@bp.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    """A form sent without its security token (or with an old one) is refused, plainly."""
    return refuse(
        "This form was refused because its security token is missing or out of date. "
        "Go back, reload the page and try again.",
        400,
        "Form refused",
    )


@bp.errorhandler(404)
def not_found(_error):
    """Unknown editor pages."""
    return refuse("There is no such page in the editor.", 404, "Not found")


@bp.errorhandler(405)
def wrong_method(_error):
    """A GET where only a form POST makes sense, or the other way round."""
    return refuse("That page only takes a form sent from the editor.", 405, "Not allowed")


def init_app(app: Flask, exempt: tuple[Blueprint, ...] = ()) -> None:
    """Mount the editor; turn on CSRF for every form except the exempt (non-browser) blueprints."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies(app),
        # A fixed lifetime from signing in: the cookie is not renewed by each request, and
        # current_user checks the sign-in time itself (a copied cookie ages too).
        PERMANENT_SESSION_LIFETIME=timedelta(
            hours=settings.positive_number(app.config, "STAFF_SESSION_HOURS")
        ),
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.session_interface = FixedLifetimeSessions()
    throttle.init_app(app)
    app.before_request(transfer_views.limit_body)  # before CSRF or sign-in read the body
    archive.configure(
        settings.integer(app.config, "IMPORT_MAX_MEMBERS"),
        settings.integer(app.config, "IMPORT_MAX_UNCOMPRESSED"),
    )
    csrf.init_app(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)
    app.register_blueprint(bp)
    app.jinja_env.globals["staff_user"] = current_user
