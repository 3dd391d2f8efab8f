"""Sign-in: failures counted atomically, one sentence for every refusal, a per-address throttle."""

import re
import threading

import pytest
from admin_support import PASSWORD, add_staff, token_for

from app import create_app
from knowledge import users
from knowledge.db import connect
from settings import StartupError

PROBLEM = re.compile(r'<p class="problem"[^>]*>(.*?)</p>', re.S)


@pytest.fixture
def staff(app):
    add_staff(app, "editor")
    return app


def attempt(client, username, password, address="192.0.2.1"):
    """Post the sign-in form from an address; the response."""
    environ = {"REMOTE_ADDR": address}
    token = token_for(client)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def test_concurrent_wrong_passwords_get_at_most_the_allowed_real_checks(staff, monkeypatch):
    real_hash = users.find(connect(staff.config["DATABASE"]), "editor")["password_hash"]
    checked = []
    real_check = users.check_password_hash

    def counting(stored, password):
        if stored == real_hash:
            checked.append(password)
        return real_check(stored, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    start = threading.Barrier(40)

    def guess(n):
        db = connect(staff.config["DATABASE"])
        start.wait()
        users.authenticate(db, "editor", f"wrong password {n}")
        db.conn.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= users.MAX_FAILURES
    assert users.authenticate(connect(staff.config["DATABASE"]), "editor", PASSWORD).user is None


def test_unknown_locked_and_wrong_get_the_same_answer(staff):
    db = connect(staff.config["DATABASE"])
    wrong = users.authenticate(db, "editor", "not the password")
    unknown = users.authenticate(db, "nobody-here", PASSWORD)
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, "editor", "not the password")
    locked = users.authenticate(db, "editor", PASSWORD)
    assert locked.user is None
    assert wrong.problem == unknown.problem == locked.problem == users.REFUSED


def test_the_sign_in_page_answers_alike_for_unknown_and_locked_names(staff):
    db = connect(staff.config["DATABASE"])
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, "editor", "not the password")
    answers = set()
    for n, name in enumerate(["editor", "nobody-here"]):
        response = attempt(staff.test_client(), name, PASSWORD, address=f"192.0.2.{n + 10}")
        assert response.status_code == 401
        answers.add(PROBLEM.search(response.get_data(as_text=True)).group(1).strip())
    assert len(answers) == 1


def test_one_address_is_throttled_before_it_can_lock_an_account(staff, client):
    for _ in range(4):
        assert attempt(client, "editor", "not the password").status_code == 401
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts from this address" in response.get_data(as_text=True)
    # the account itself is not locked: the person signs in from their own address
    assert attempt(staff.test_client(), "editor", PASSWORD, "198.51.100.7").status_code == 302


def test_a_successful_sign_in_starts_the_address_count_again(staff, client):
    for _ in range(3):
        attempt(client, "editor", "not the password")
    assert attempt(client, "editor", PASSWORD).status_code == 302
    for _ in range(3):
        assert attempt(client, "editor", "not the password").status_code == 401


@pytest.mark.parametrize("app_config", [{"SIGNIN_RATE_LIMIT": "2 per hour"}])
def test_the_throttle_is_a_setting(staff, client):
    for _ in range(2):
        attempt(client, "editor", "not the password")
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "at most 2 tries every 1 hour" in response.get_data(as_text=True)


def test_a_throttle_that_is_not_a_rate_refuses_to_start(tmp_path):
    with pytest.raises(StartupError, match="SIGNIN_RATE_LIMIT is not a rate"):
        create_app(
            {"TESTING": True, "DATABASE": str(tmp_path / "x.db"), "SIGNIN_RATE_LIMIT": "often"}
        )
