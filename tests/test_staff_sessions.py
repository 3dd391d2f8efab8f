"""Staff sessions: bound to the account's current session secret, and a fixed lifetime."""

import time

import pytest
from admin_support import PASSWORD, add_staff, post, sign_in

from app import create_app
from knowledge import users
from knowledge.db import connect
from settings import StartupError


@pytest.fixture
def db(app):
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


def copy_of(app, client):
    """A second browser holding a copy of client's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def user_id(db, name):
    return users.find(db, name)["id"]


def test_a_deleted_accounts_cookie_does_not_open_a_new_account_with_its_id(app, client, db):
    add_staff(app, "admin", "viewer")
    sign_in(client, "viewer")
    kept = copy_of(app, client)
    viewer = user_id(db, "viewer")
    users.delete(db, viewer)
    newcomer = users.create(db, "newadmin", PASSWORD, "admin")
    assert newcomer.id == viewer  # SQLite gave the id out again
    assert kept.get("/admin/users").status_code == 302  # back to sign-in, not the Users page
    assert kept.get("/admin/").status_code == 302


def test_signing_out_ends_copies_of_the_cookie(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    kept = copy_of(app, client)
    assert kept.get("/admin/").status_code == 200
    post(client, "/admin/logout")
    assert kept.get("/admin/").status_code == 302


def test_a_password_change_by_an_admin_ends_the_persons_sessions(app, client, db):
    add_staff(app, "admin", "editor")
    editor = app.test_client()
    sign_in(editor, "editor")
    sign_in(client, "admin")
    form = {"password": "a new long password", "confirm": "a new long password"}
    post(client, f"/admin/users/{user_id(db, 'editor')}/password", form)
    assert editor.get("/admin/").status_code == 302


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    kept = copy_of(app, client)
    elsewhere = app.test_client()
    sign_in(elsewhere, "editor")
    form = {"password": "a new long password", "confirm": "a new long password"}
    assert post(client, "/admin/account", form).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert kept.get("/admin/").status_code == 302


def test_a_role_change_ends_the_persons_sessions_and_applies_at_next_sign_in(app, client, db):
    add_staff(app, "admin", "viewer")
    viewer = app.test_client()
    sign_in(viewer, "viewer")
    sign_in(client, "admin")
    post(client, f"/admin/users/{user_id(db, 'viewer')}/role", {"role": "editor"})
    assert viewer.get("/admin/service/new").status_code == 302
    sign_in(viewer, "viewer")
    assert viewer.get("/admin/service/new").status_code == 200


def test_a_session_ends_a_fixed_time_after_signing_in(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 8 * 3600 + 60
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 8 * 3600 - 1
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("app_config", [{"STAFF_SESSION_HOURS": "1"}])
def test_the_lifetime_is_a_setting(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 3601
    assert client.get("/admin/").status_code == 302


def test_using_the_editor_does_not_renew_the_cookie(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    client.get("/admin/")  # the first page after signing in sets a new CSRF token
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_rewritten_cookie_still_expires_a_fixed_time_after_signing_in(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    signed_in = time.time() - 3600
    with client.session_transaction() as session:
        session["signed_in_at"] = signed_in
        session["_flashes"] = [("message", "rewrites the cookie")]
    client.get("/admin/")
    expires = client.get_cookie("session").expires.timestamp()
    assert abs(expires - (signed_in + 8 * 3600)) < 2


def test_a_session_without_its_secret_is_not_signed_in(app, client, db):
    add_staff(app, "editor")
    with client.session_transaction() as session:
        session["user_id"] = user_id(db, "editor")  # what cookies held before secrets
        session["signed_in_at"] = time.time()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("value", ["0", "-1", "eight", "", "inf"])
def test_a_session_lifetime_that_is_not_a_positive_number_refuses_to_start(tmp_path, value):
    with pytest.raises(StartupError, match="STAFF_SESSION_HOURS must be a number above zero"):
        create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "bot.db"),
                "STAFF_SESSION_HOURS": value,
                "TRAIN_AT_START": "",
            }
        )
