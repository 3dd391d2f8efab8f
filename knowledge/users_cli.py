"""`flask --app app users ...`: create the first admin and manage staff accounts."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from knowledge import users
from knowledge.db import connect

group = AppGroup("users", help="Manage staff accounts for the editor at /admin.")


def _db():
    return connect(current_app.config["DATABASE"])


def _password(given: str | None) -> str:
    """The --password value, else asked for twice (hidden), or read from piped input.

    getpass warns and may echo when standard input is not a terminal, so piped input
    (`printf 'pw\\npw\\n' | flask ...`) is read as lines: the password, and optionally
    the same again as its confirmation.
    """
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        lines = [line.rstrip("\r\n") for line in (sys.stdin or [])][:2]
        if not lines or not lines[0]:
            raise click.ClickException("No password was given on standard input.")
        if len(lines) == 2 and lines[1] != lines[0]:
            raise click.ClickException("The two passwords given do not match.")
        return lines[0]
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


PASSWORD_HELP = (
    "The password (at least 10 characters). Left out, it is asked for twice, hidden, or "
    "read from piped input; prefer that: an option stays in the shell history."
)


@group.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(users.ROLES), default="editor", show_default=True, help="Rights."
)
@click.option("--password", default=None, help=PASSWORD_HELP)
def create_command(username: str, role: str, password: str | None) -> None:
    """Add a staff account.

    Example: flask --app app users create maria --role admin
    """
    try:
        user = users.create(_db(), username, _password(password), role)
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
@click.option("--password", default=None, help=PASSWORD_HELP)
def password_command(username: str, password: str | None) -> None:
    """Give an account a new password (and lift any lockout).

    Example: flask --app app users set-password maria
    """
    db = _db()
    row = users.find(db, username)
    if row is None:
        raise click.ClickException(f"There is no user called {username}.")
    try:
        users.set_password(db, row["id"], _password(password))
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{row['username']}'s password is changed.")


def init_app(app) -> None:
    """Register the users command group."""
    app.cli.add_command(group)
