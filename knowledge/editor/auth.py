"""Signing staff in and out, and `login_required(role=...)` for any view that needs a role.

Other blueprints (reports, ...) protect their views the same way:

    from knowledge.editor.auth import login_required

    @bp.get("/admin/reports")
    @login_required(role="viewer")
    def reports(): ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from knowledge import users
from knowledge.db import get_db
from knowledge.editor.blueprint import bp
from knowledge.editor.forms import PasswordForm, SignInForm

ROLE_RIGHTS = {
    "viewer": "look at everything",
    "editor": "change services, rules, answers and templates",
    "admin": "change everything, including partners and staff accounts",
}


def current_user() -> users.User | None:
    """The signed-in member of staff for this request, read fresh from the database."""
    if "user" not in g:
        user_id = session.get("user_id")
        g.user = users.get(get_db(), user_id) if isinstance(user_id, int) else None
    return g.user


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


def _safe_next(target: str | None) -> str:
    """Only ever go back to a page of this site's editor after signing in."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("editor.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form."""
    form = SignInForm()
    problem = ""
    status = 200
    if form.validate_on_submit():
        outcome = users.authenticate(get_db(), form.username.data, form.password.data)
        if outcome.user is not None:
            session.clear()  # a fresh session, so one set before signing in is not reused
            session["user_id"] = outcome.user.id
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        problem, status = outcome.problem, 401
    elif request.method == "POST":
        problem, status = "Enter your username and password.", 400
    return render_template("admin/login.html", form=form, problem=problem), status


@bp.post("/logout")
def logout():
    """Sign out (a POST, so another site cannot sign staff out with a link)."""
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
            flash("Your password is changed.")
            return redirect(url_for("editor.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/account.html", form=form, problem=problem), status
