"""Staff accounts, for admins: add, change role, unlock, set a password, remove."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from knowledge import users
from knowledge.db import get_db
from knowledge.editor.auth import current_user, login_required, refuse
from knowledge.editor.blueprint import bp
from knowledge.editor.forms import NewUserForm, PasswordForm


def _page(form: NewUserForm, problem: str = "", status: int = 200):
    return render_template(
        "admin/users.html",
        form=form,
        accounts=users.all_users(get_db()),
        roles=users.ROLES,
        problem=problem,
        password_form=PasswordForm(),
        me=current_user(),
    ), status


@bp.get("/users")
@login_required(role="admin")
def people():
    """Every staff account."""
    return _page(NewUserForm())


@bp.post("/users")
@login_required(role="admin")
def add_person():
    """Add a staff account."""
    form = NewUserForm()
    if not form.validate_on_submit():
        return _page(form, "Enter a username, a password and a role.", 400)
    try:
        users.create(get_db(), form.username.data, form.password.data, form.role.data)
    except users.UserError as exc:
        return _page(form, str(exc), 400)
    flash(f"Added {form.username.data.strip()} as {form.role.data}.")
    return redirect(url_for("editor.people"))


@bp.post("/users/<int:user_id>/<action>")
@login_required(role="admin")
def change_person(user_id: int, action: str):
    """Change one account: role, unlock, password or delete."""
    db = get_db()
    person = users.get(db, user_id)
    if person is None:
        return refuse("That account no longer exists.", 404, "Not found")
    try:
        if action == "role":
            users.set_role(db, user_id, request.form.get("role", ""))
            done = f"{person.username} is now {request.form.get('role')}."
        elif action == "unlock":
            users.unlock(db, user_id)
            done = f"{person.username} can sign in again."
        elif action == "password":
            form = PasswordForm()
            if not form.validate_on_submit():
                raise users.UserError("Enter the new password.")
            users.set_password(db, user_id, form.password.data)
            done = f"{person.username}'s password is changed."
        elif action == "delete":
            users.delete(db, user_id)
            done = f"Removed {person.username}."
        else:
            return refuse("That is not something the editor can do to an account.", 404)
    except users.UserError as exc:
        return refuse(str(exc), 400, "Not changed")
    flash(done)
    return redirect(url_for("editor.people"))
