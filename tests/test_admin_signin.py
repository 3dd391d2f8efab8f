"""Signing in to /admin: roles, lockout, CSRF, cookies."""

import pytest
from admin_support import PASSWORD, add_staff, post, sign_in, token_for

from knowledge import users
from knowledge.db import connect


@pytest.fixture
def app_config():
    """Many sign-ins from one test address: the per-address throttle has its own tests."""
    return {"SIGNIN_RATE_LIMIT": "100 per minute"}


@pytest.fixture
def staff(app):
    add_staff(app)
    return app


def test_editor_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/service/")
    assert response.status_code == 302
    assert response.location.startswith("/admin/login?next=/admin/service/")


def test_right_password_signs_in_and_returns_to_the_page_asked_for(staff, client):
    token = token_for(client, "/admin/login")
    response = client.post(
        "/admin/login?next=/admin/rule/",
        data={"username": "editor", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/admin/rule/"
    assert client.get("/admin/rule/").status_code == 200


def test_sign_in_never_sends_staff_to_another_site(staff, client):
    token = token_for(client, "/admin/login")
    response = client.post(
        "/admin/login?next=//evil.example/admin",
        data={"username": "editor", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/admin/"


@pytest.mark.parametrize(
    "target",
    [
        "/admin%0d%0aX:1",
        "/admin%0aSet-Cookie:x=1",
        "/admin/%09tab",
        "/admin%00",
        "/admin\\evil.example",
        "/admin%E2%80%A8",
    ],
)
def test_a_next_address_with_control_characters_goes_home_not_to_a_500(staff, client, target):
    token = token_for(client, "/admin/login")
    response = client.post(
        f"/admin/login?next={target}",
        data={"username": "editor", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/admin/"


def test_wrong_password_is_refused_with_a_sentence(staff, client):
    response = sign_in(client, "editor", "not the password")
    assert response.status_code == 401
    assert users.REFUSED in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_user_gets_the_same_sentence_as_a_wrong_password(staff, client):
    response = sign_in(client, "nobody", PASSWORD)
    assert response.status_code == 401
    assert users.REFUSED in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(staff, client):
    for _ in range(users.MAX_FAILURES):
        sign_in(client, "editor", "wrong password!")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)


def test_lockout_ends_after_fifteen_minutes(staff):
    db = connect(staff.config["DATABASE"])
    start = 1_000_000.0
    for i in range(users.MAX_FAILURES):
        users.authenticate(db, "editor", "wrong password!", now=start + i)
    assert users.authenticate(db, "editor", PASSWORD, now=start + 60).user is None
    later = start + users.LOCKOUT_SECONDS + 10
    assert users.authenticate(db, "editor", PASSWORD, now=later).user.username == "editor"


def test_a_success_forgets_earlier_failures(staff):
    db = connect(staff.config["DATABASE"])
    for _ in range(users.MAX_FAILURES - 1):
        users.authenticate(db, "editor", "wrong password!", now=1.0)
    assert users.authenticate(db, "editor", PASSWORD, now=2.0).user is not None
    users.authenticate(db, "editor", "wrong password!", now=3.0)
    assert users.authenticate(db, "editor", PASSWORD, now=4.0).user is not None


def test_passwords_are_stored_as_scrypt_hashes(staff):
    row = users.find(connect(staff.config["DATABASE"]), "admin")
    assert row["password_hash"].startswith("scrypt:")
    assert PASSWORD not in row["password_hash"]


def test_sign_in_form_without_its_csrf_token_is_refused(staff, client):
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "editor", "password": PASSWORD})
    assert response.status_code == 400
    assert "security token is missing" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_edit_form_without_its_csrf_token_is_refused_and_changes_nothing(staff, client, database):
    sign_in(client, "editor")
    response = client.post(
        "/admin/phone/ct-legal-services-phone-0",
        data={"service_id": "ct-legal-services", "number": "860-555-0142", "type": "voice"},
    )
    assert response.status_code == 400
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "+12033881720"


def test_chat_api_and_sms_webhook_need_no_csrf_token(client, chat):
    assert chat("i need a lawyer")["intent"] == "find_services"


def test_session_cookie_is_http_only_and_same_site_lax(staff, client):
    response = sign_in(client, "viewer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_testing_and_debug(tmp_path):
    from app import create_app

    app = create_app(
        {
            "DATABASE": str(tmp_path / "bot.db"),
            "SECRET_KEY": "a-long-enough-secret-for-production",
            "PHONE_HASH_KEY": "a-long-enough-phone-hash-key",
            "TWILIO_AUTH_TOKEN": "token",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_testing_app_sends_cookies_over_http(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_development_app_sends_cookies_over_http(tmp_path):
    from app import create_app

    app = create_app({"DATABASE": str(tmp_path / "bot.db"), "ENVIRONMENT": "development"})
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        ("viewer", "/admin/service/nhth", 200),
        ("viewer", "/admin/users", 403),
        ("editor", "/admin/users", 403),
        ("admin", "/admin/users", 200),
        ("viewer", "/admin/service/new", 403),
        ("editor", "/admin/service/new", 200),
        ("editor", "/admin/partner/new", 403),
        ("admin", "/admin/partner/new", 200),
    ],
)
def test_each_role_reaches_only_its_pages(staff, client, role, page, status):
    sign_in(client, role)
    assert client.get(page).status_code == status


def test_viewer_cannot_save_a_change(staff, client, database):
    sign_in(client, "viewer")
    response = post(
        client,
        "/admin/phone/ct-legal-services-phone-0",
        {"service_id": "ct-legal-services", "number": "860-555-0142", "type": "voice"},
    )
    assert response.status_code == 403
    assert "viewer" in response.get_data(as_text=True)
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "+12033881720"


def test_viewer_sees_the_form_disabled_without_a_save_button(staff, client):
    sign_in(client, "viewer")
    html = client.get("/admin/service/nhth").get_data(as_text=True)
    assert "<fieldset disabled>" in html
    assert "Save changes" not in html


def test_signing_out_ends_the_session(staff, client):
    sign_in(client, "editor")
    response = post(client, "/admin/logout")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_deleted_account_is_signed_out_on_its_next_request(staff, client):
    sign_in(client, "editor")
    db = connect(staff.config["DATABASE"])
    users.delete(db, users.find(db, "editor")["id"])
    assert client.get("/admin/").status_code == 302
