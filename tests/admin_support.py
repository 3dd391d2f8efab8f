"""Helpers for the editor's tests: staff accounts, signing in, and the forms' CSRF token."""

import re

from knowledge import users
from knowledge.db import connect

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def add_staff(app, *roles: str) -> None:
    """One account per role, named after it (admin, editor, viewer), all with PASSWORD."""
    db = connect(app.config["DATABASE"])
    for role in roles or users.ROLES:
        users.create(db, role, PASSWORD, role)
    db.conn.close()


def csrf_token(html: str) -> str:
    """The CSRF token in a page's form."""
    found = _TOKEN.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def token_for(client, url: str = "/admin/login") -> str:
    """A CSRF token for this client's session, read from a page with a form."""
    return csrf_token(client.get(url).get_data(as_text=True))


def sign_in(client, username: str, password: str = PASSWORD):
    """Post the sign-in form as a browser would; the response."""
    token = token_for(client)
    return client.post(
        "/admin/login", data={"username": username, "password": password, "csrf_token": token}
    )


def post(client, url: str, data: dict | None = None, **kwargs):
    """Post a form with this session's CSRF token (taken from the editor's home page)."""
    token = token_for(client, "/admin/preview")
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
