"""Signing staff in and out, and `login_required(role=...)` for any view that needs a role.

Other blueprints (reports, ...) protect their views the same way:

    from knowledge.editor.auth import login_required

    @bp.get("/admin/reports")
    @login_required(role="viewer")
    def reports(): ...
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface

from knowledge import users
from knowledge.db import get_db
from knowledge.editor import throttle
from knowledge.editor.blueprint import bp
from knowledge.editor.forms import PasswordForm, SignInForm

ROLE_RIGHTS = {
    "viewer": "look at everything",
    "editor": "change services, rules, answers and templates",
    "admin": "change everything, including partners and staff accounts",
}


def current_user() -> users.User | None:
    """The signed-in member of staff for this request, read fresh from the database.

    The session must name the account, carry its current session secret, and have been
    signed in less than STAFF_SESSION_HOURS ago; otherwise it is emptied.
    """
    if "user" not in g:
        g.user = _session_user()
        if g.user is None and "user_id" in session:
            session.clear()
    return g.user


class FixedLifetimeSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose cookie expires a fixed time after signing in.

    Flask would set the expiry from now each time it rewrites the cookie (a flash, a new
    CSRF token), extending a session that is used; the server also checks the time itself.
    """

    def get_expiration_time(self, app, session) -> datetime | None:
        since = session.get("signed_in_at")
        if not isinstance(since, (int, float)):
            return super().get_expiration_time(app, session)
        return datetime.fromtimestamp(since, UTC) + app.permanent_session_lifetime

    def open_session(self, app, request):
        """Flask's, without building a signing serializer for a request that sends no cookie.

        Twilio and the chat widget's API calls send none: their session is a new, empty one,
        as Flask's own open_session() returns when the session cookie is missing.
        """
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)


def _session_user() -> users.User | None:
    user_id, secret = session.get("user_id"), session.get("session_secret")
    since = session.get("signed_in_at")
    if not (isinstance(user_id, int) and isinstance(secret, str)):
        return None
    if not isinstance(since, (int, float)):
        return None
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if not 0 <= time.time() - since < lifetime:
        return None
    return users.signed_in(get_db(), user_id, secret)


def _start_session(user: users.User) -> None:
    """Bind this browser's session to the account as it is now."""
    session.clear()  # a fresh session, so one set before signing in is not reused
    session["user_id"] = user.id
    session["session_secret"] = user.session_secret
    session["signed_in_at"] = time.time()
    session.permanent = True


def refuse(sentence: str, status: int = 403, title: str = "Not allowed"):
    """A page with one plain sentence, and its status code."""
    return render_template("admin/message.html", title=title, sentence=sentence), status


def login_required(role: str | Callable = "viewer"):
    """Decorator: the view needs a signed-in user whose role includes `role`.

    Usable bare (`@login_required`) or with a role (`@login_required(role="editor")`).
    Anonymous visitors are sent to the sign-in page; a role too low gets a 403 sentence.
    """
    if callable(role):
        return login_required("viewer")(role)
    if role not in users.ROLES:
        raise ValueError(f"Unknown role {role!r}; use one of {users.ROLES}.")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
            if not user.can(role):
                return refuse(
                    f"Your role ({user.role}) can {ROLE_RIGHTS[user.role]}, but this needs "
                    f"the {role} role. Ask an admin if you need it."
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator


_NEXT_CHARACTERS = re.compile(r"[!#-\[\]-~]+")  # printable ASCII, no space, quote or backslash


def _safe_next(target: str | None) -> str:
    """Only ever go back to a page of this site's editor after signing in.

    Anything else, including an address with control characters (a newline would split
    the Location header) or a backslash (which browsers read as a slash), goes home.
    """
    if not target or not _NEXT_CHARACTERS.fullmatch(target):
        return url_for("editor.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not re.match(r"/admin(/|$)", parts.path):
        return url_for("editor.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form."""
    form = SignInForm()
    problem = ""
    status = 200
    if form.validate_on_submit():
        if not throttle.attempt():
            problem = throttle.wait_sentence()
            return render_template("admin/login.html", form=form, problem=problem), 429
        outcome = users.authenticate(get_db(), form.username.data, form.password.data)
        if outcome.user is not None:
            throttle.forget()
            _start_session(outcome.user)
            return redirect(_safe_next(request.args.get("next")))
        problem, status = outcome.problem, 401
    elif request.method == "POST":
        problem, status = "Enter your username and password.", 400
    return render_template("admin/login.html", form=form, problem=problem), status


@bp.post("/logout")
def logout():
    """Sign out everywhere (a POST, so another site cannot sign staff out with a link)."""
    user = current_user()
    if user is not None:
        users.end_sessions(get_db(), user.id)  # copies of this cookie stop working too
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("editor.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Change one's own password."""
    form = PasswordForm()
    problem = ""
    if form.validate_on_submit():
        try:
            users.set_password(get_db(), current_user().id, form.password.data)
        except users.UserError as exc:
            problem = str(exc)
        else:
            # Every other session ends; this one carries on (its lifetime unchanged).
            session["session_secret"] = users.get(get_db(), current_user().id).session_secret
            flash("Your password is changed.")
            return redirect(url_for("editor.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/account.html", form=form, problem=problem), status
