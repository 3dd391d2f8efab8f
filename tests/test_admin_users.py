"""Staff accounts: the `users` CLI and the admin's users page."""

import pytest
from admin_support import PASSWORD, add_staff, post, sign_in

from knowledge import users
from knowledge.db import connect


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_cli_creates_an_admin_who_can_sign_in(app, runner, client):
    args = ["users", "create", "maria", "--role", "admin", "--password", PASSWORD]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Created maria (admin)" in result.output
    assert sign_in(client, "maria").status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_cli_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(args=["users", "create", "ana"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert users.find(connect(app.config["DATABASE"]), "ana")["role"] == "editor"


def test_cli_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "ana", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_cli_refuses_a_taken_username(app, runner):
    add_staff(app, "admin")
    result = runner.invoke(args=["users", "create", "ADMIN", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "already a user called ADMIN" in result.output


def test_cli_lists_and_unlocks_accounts(app, runner):
    add_staff(app, "editor")
    db = connect(app.config["DATABASE"])
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, "editor", "wrong password!")
    assert "editor\teditor (locked)" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "unlock", "editor"]).exit_code == 0
    assert users.authenticate(db, "editor", PASSWORD).user is not None


def test_admin_adds_a_viewer_who_can_only_look(app, client):
    add_staff(app, "admin")
    sign_in(client, "admin")
    form = {"username": "sam", "password": PASSWORD, "role": "viewer"}
    assert post(client, "/admin/users", form).status_code == 302
    client2 = app.test_client()
    sign_in(client2, "sam")
    assert client2.get("/admin/service/").status_code == 200
    assert client2.get("/admin/service/new").status_code == 403


def test_admin_page_refuses_a_short_password_with_a_sentence(app, client):
    add_staff(app, "admin")
    sign_in(client, "admin")
    response = post(client, "/admin/users", {"username": "sam", "password": "x", "role": "viewer"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_the_only_admin_cannot_be_demoted(app, client):
    add_staff(app, "admin")
    sign_in(client, "admin")
    admin_id = users.find(connect(app.config["DATABASE"]), "admin")["id"]
    response = post(client, f"/admin/users/{admin_id}/role", {"role": "viewer"})
    assert response.status_code == 400
    assert "only admin" in response.get_data(as_text=True)


def test_admin_can_change_a_role_and_it_applies_at_the_next_sign_in(app, client):
    add_staff(app, "admin", "viewer")
    other = app.test_client()
    sign_in(other, "viewer")
    assert other.get("/admin/service/new").status_code == 403
    sign_in(client, "admin")
    viewer_id = users.find(connect(app.config["DATABASE"]), "viewer")["id"]
    post(client, f"/admin/users/{viewer_id}/role", {"role": "editor"})
    assert other.get("/admin/service/new").status_code == 302  # a role change signs out
    sign_in(other, "viewer")
    assert other.get("/admin/service/new").status_code == 200
