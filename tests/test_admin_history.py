"""Every change is logged in `metadata`, can be reverted, and entries can be marked verified."""

from datetime import date

import pytest
from admin_support import add_staff, post, sign_in

from knowledge import audit, freshness
from knowledge.db import connect

PHONE_ID = "ct-legal-services-phone-0"


@pytest.fixture
def editor(app, client):
    add_staff(app, "admin", "editor", "viewer")
    sign_in(client, "editor")
    return client


@pytest.fixture
def db(app):
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


def change_phone(client, number):
    form = {"service_id": "ct-legal-services", "number": number, "type": "voice"}
    return post(client, f"/admin/phone/{PHONE_ID}", form)


def test_a_save_logs_who_changed_which_field_from_what_to_what(editor, db):
    change_phone(editor, "860-555-0142")
    (entry,) = [e for e in audit.history(db, "phone", PHONE_ID) if e["field_name"] == "number"]
    assert entry["resource_type"] == "phone"
    assert entry["last_action_type"] == "update"
    assert entry["previous_value"] == "+12033881720"
    assert entry["replacement_value"] == "+18605550142"
    assert entry["updated_by"] == "editor"
    assert entry["last_action_date"].endswith("+00:00")


def test_only_fields_that_changed_are_logged(editor, db):
    form = {"service_id": "ct-legal-services", "type": "voice", "description": "main line"}
    post(editor, f"/admin/phone/{PHONE_ID}", {**form, "number": "203-388-1720"})  # same number
    assert [e["field_name"] for e in audit.history(db, "phone", PHONE_ID)] == ["description"]


def test_the_change_shows_in_the_history_page(editor):
    change_phone(editor, "860-555-0142")
    html = editor.get(f"/admin/history?table=phone&id={PHONE_ID}").get_data(as_text=True)
    assert "+18605550142" in html
    assert "+12033881720" in html


def test_revert_puts_the_old_value_back_and_the_bot_says_it(editor, db, chat):
    change_phone(editor, "860-555-0142")
    entry = audit.history(db, "phone", PHONE_ID)[-1]
    assert entry["field_name"] == "number"
    response = post(editor, f"/admin/history/{entry['id']}/revert")
    assert response.status_code == 302
    assert db["phone"].get(PHONE_ID)["number"] == "+12033881720"
    assert "203-388-1720" in chat("i need a lawyer")["reply"]
    assert audit.history(db, "phone", PHONE_ID)[0]["last_action_type"] == "revert"


def test_revert_refuses_when_the_field_changed_again_since(editor, db):
    change_phone(editor, "860-555-0142")
    first = [e for e in audit.history(db, "phone", PHONE_ID) if e["field_name"] == "number"][0]
    change_phone(editor, "860-555-0199")
    response = post(editor, f"/admin/history/{first['id']}/revert")
    assert response.status_code == 409
    assert "has changed again since" in response.get_data(as_text=True)
    assert db["phone"].get(PHONE_ID)["number"] == "+18605550199"


def test_a_revert_can_itself_be_reverted(editor, db):
    change_phone(editor, "860-555-0142")
    number_change = [e for e in audit.history(db, "phone", PHONE_ID) if e["field_name"] == "number"]
    post(editor, f"/admin/history/{number_change[0]['id']}/revert")
    undo = audit.history(db, "phone", PHONE_ID)[0]
    post(editor, f"/admin/history/{undo['id']}/revert")
    assert db["phone"].get(PHONE_ID)["number"] == "+18605550142"


def test_a_deleted_phone_can_be_restored(editor, db):
    assert post(editor, f"/admin/phone/{PHONE_ID}/delete").status_code == 302
    assert db["phone"].count_where("id = ?", [PHONE_ID]) == 0
    deletion = audit.history(db, "phone", PHONE_ID)[0]
    assert deletion["last_action_type"] == "delete"
    assert post(editor, f"/admin/history/{deletion['id']}/revert").status_code == 302
    assert db["phone"].get(PHONE_ID)["number"] == "+12033881720"


def test_reverting_an_addition_removes_it(editor, db):
    form = {"intent": "get_help", "lang": "en", "phrase": "zorblax", "weight": "1"}
    post(editor, "/admin/rule/new", form)
    added = audit.history(db, "rule")[0]
    assert added["last_action_type"] == "create"
    post(editor, f"/admin/history/{added['id']}/revert")
    assert db["rule"].count_where("phrase = 'zorblax'") == 0


def test_viewer_cannot_revert(app, editor, db, client):
    change_phone(editor, "860-555-0142")
    entry = audit.history(db, "phone", PHONE_ID)[-1]
    sign_in(client, "viewer")
    assert post(client, f"/admin/history/{entry['id']}/revert").status_code == 403
    assert db["phone"].get(PHONE_ID)["number"] == "+18605550142"


def test_revert_of_an_unknown_change_is_a_404(editor):
    assert post(editor, "/admin/history/99999/revert").status_code == 404


def test_verified_stamps_todays_date_and_logs_it(editor, db):
    db["service"].update("love146", {"last_verified": "2020-01-01"})
    assert post(editor, "/admin/service/love146/verify").status_code == 302
    assert db["service"].get("love146")["last_verified"] == date.today().isoformat()
    assert audit.history(db, "service", "love146")[0]["last_action_type"] == "verify"


def test_entries_not_verified_in_180_days_are_listed_oldest_first(db):
    db["service"].update("love146", {"last_verified": "2026-01-01"})
    db["faq"].update("hotline", {"last_verified": "2025-12-01"})
    found = freshness.stale(db, today=date(2026, 11, 23))
    oldest = [(r["table"], r["id"]) for r in found[:2]]
    assert oldest == [("faq", "hotline"), ("service", "love146")]
    assert all(r["last_verified"] < "2026-05-27" for r in found)


def test_an_entry_verified_179_days_ago_is_not_stale(db):
    db["service"].update("love146", {"last_verified": "2026-05-28"})
    found = freshness.stale(db, today=date(2026, 11, 23))
    assert ("service", "love146") not in [(r["table"], r["id"]) for r in found]


def test_stale_page_lists_an_old_entry_until_it_is_verified(editor, db):
    db["service"].update("love146", {"last_verified": "2000-01-01"})
    assert "2000-01-01" in editor.get("/admin/stale").get_data(as_text=True)
    post(editor, "/admin/service/love146/verify", {"back": "/admin/stale"})
    assert "2000-01-01" not in editor.get("/admin/stale").get_data(as_text=True)


def test_the_stale_page_shows_thousands_of_entries_a_page_at_a_time(editor, db):
    db.execute("UPDATE rule SET last_verified = NULL")
    total = len(freshness.stale(db))
    assert total > 200
    first = editor.get("/admin/stale").get_data(as_text=True)
    pages = -(-total // 100)
    assert f"Page 1 of {pages}." in first and f"{total:,} entries" in first
    assert first.count("Verified today</button>") == 100
    last = editor.get(f"/admin/stale?page={pages}").get_data(as_text=True)
    assert last.count("Verified today</button>") == total - 100 * (pages - 1)
    assert 'name="back" value="/admin/stale?page=' in last
