"""`flask --app app users ...`: create the first admin and manage staff accounts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from knowledge import users
from knowledge.db import connect

group = AppGroup("users", help="Manage staff accounts for the editor at /admin.")


def _db():
    return connect(current_app.config["DATABASE"])


@group.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(users.ROLES), default="editor", show_default=True, help="Rights."
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="For scripts; asked for (hidden) when left out.",
)
def create_command(username: str, role: str, password: str) -> None:
    """Add a staff account.

    Example: flask --app app users create maria --role admin
    """
    try:
        user = users.create(_db(), username, password, role)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.username} ({user.role}). Sign in at /admin.")


@group.command("list")
def list_command() -> None:
    """List staff accounts and their roles.

    Example: flask --app app users list
    """
    for row in users.all_users(_db()):
        locked = " (locked)" if row["locked_until"] else ""
        click.echo(f"{row['username']}\t{row['role']}{locked}")


@group.command("unlock")
@click.argument("username")
def unlock_command(username: str) -> None:
    """Lift a lockout after too many failed sign-ins.

    Example: flask --app app users unlock maria
    """
    db = _db()
    row = users.find(db, username)
    if row is None:
        raise click.ClickException(f"There is no user called {username}.")
    users.unlock(db, row["id"])
    click.echo(f"{row['username']} can sign in again.")


@group.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def password_command(username: str, password: str) -> None:
    """Give an account a new password (and lift any lockout).

    Example: flask --app app users set-password maria
    """
    db = _db()
    row = users.find(db, username)
    if row is None:
        raise click.ClickException(f"There is no user called {username}.")
    try:
        users.set_password(db, row["id"], password)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{row['username']}'s password is changed.")


def init_app(app) -> None:
    """Register the users command group."""
    app.cli.add_command(group)
