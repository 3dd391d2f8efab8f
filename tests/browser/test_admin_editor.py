"""The staff editor in headless Chromium: sign in, edit a phone, see it in the bot, revert."""

import os

from admin_support import PASSWORD
from axe_playwright_python.sync_playwright import Axe

from knowledge.db import connect

PHONE_PAGE = "/admin/phone/ct-legal-services-phone-0"
WAIT = 10_000


def sign_in(page, url, username):
    page.goto(url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Knowledge base editor").wait_for(timeout=WAIT)


def bot_reply(page, url, message, session_id):
    response = page.request.post(
        url + "/api/chat", data={"session_id": session_id, "message": message}
    )
    assert response.ok
    return response.json()["reply"]


def stored_number(live_app):
    db = connect(live_app.config["DATABASE"])
    try:
        return db["phone"].get("ct-legal-services-phone-0")["number"]
    finally:
        db.conn.close()


def test_editor_changes_a_phone_the_bot_uses_it_and_the_change_can_be_reverted(
    staff_server, live_app, page, artefacts
):
    url = staff_server.url
    sign_in(page, url, "editor")
    page.goto(url + PHONE_PAGE)
    page.get_by_label("Number").fill("(860) 555-0142")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").get_by_text("Saved: number").wait_for(timeout=WAIT)
    assert "860-555-0142" in bot_reply(page, url, "i need a lawyer", "after-edit")

    page.goto(url + "/admin/preview")
    page.get_by_label("Message").fill("i need a lawyer")
    page.get_by_role("button", name="Preview reply").click()
    page.locator("#preview-chat").get_by_text("860-555-0142").wait_for(timeout=WAIT)
    assert "860-555-0142" in page.locator("#preview-sms").inner_text()
    page.screenshot(path=os.path.join(artefacts, "admin-preview.png"), full_page=True)

    page.goto(url + "/admin/history?table=phone")
    change = page.get_by_role("row").filter(has_text="+18605550142")
    change.get_by_role("button", name="Revert").click()
    page.get_by_role("status").get_by_text("Reverted").wait_for(timeout=WAIT)
    page.screenshot(path=os.path.join(artefacts, "admin-history.png"), full_page=True)
    assert stored_number(live_app) == "+12033881720"
    reply = bot_reply(page, url, "i need a lawyer", "after-revert")
    assert "203-388-1720" in reply and "860-555-0142" not in reply


def test_invalid_phone_number_is_refused_with_a_clear_message(staff_server, live_app, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + PHONE_PAGE)
    page.get_by_label("Number").fill("555-0000")
    page.get_by_role("button", name="Save changes").click()
    alert = page.get_by_role("alert")
    alert.get_by_text('"555-0000" is not a valid phone number').wait_for(timeout=WAIT)
    assert "Nothing was saved" in alert.inner_text()
    assert stored_number(live_app) == "+12033881720"


def test_a_form_posted_without_its_csrf_token_is_refused(staff_server, live_app, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + PHONE_PAGE)
    page.locator("form.record input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("Number").fill("(860) 555-0142")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save changes").click()
    assert posted.value.status == 400
    page.get_by_text("security token is missing or out of date").wait_for(timeout=WAIT)
    assert stored_number(live_app) == "+12033881720"


def test_a_viewer_cannot_edit(staff_server, live_app, page):
    sign_in(page, staff_server.url, "viewer")
    page.goto(staff_server.url + PHONE_PAGE)
    assert page.get_by_label("Number").is_disabled()
    assert page.get_by_role("button", name="Save changes").count() == 0
    # Even a hand-made POST with a valid token is refused.
    status = page.evaluate(
        """async () => {
            const body = new FormData();
            body.append("csrf_token", document.querySelector("input[name=csrf_token]").value);
            body.append("service_id", "ct-legal-services");
            body.append("number", "860-555-0142");
            body.append("type", "voice");
            return (await fetch(location.href, {method: "POST", body})).status;
        }"""
    )
    assert status == 403
    assert stored_number(live_app) == "+12033881720"


def test_template_box_shows_its_sms_cost_as_staff_type(staff_server, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + "/admin/reply_template/greeting")
    box = page.get_by_label("Text (English)")
    budget = page.locator("#budget-text_en")
    box.fill("Hi.")
    budget.get_by_text("1 SMS segment of at most 3").wait_for(timeout=WAIT)
    box.fill("Too long. " * 60)
    budget.get_by_text("4 SMS segments").wait_for(timeout=WAIT)
    assert "over" in budget.get_attribute("class")


def test_editor_pages_have_no_serious_accessibility_violations(staff_server, page):
    sign_in(page, staff_server.url, "admin")
    for path in ("/admin/", PHONE_PAGE, "/admin/history", "/admin/users"):
        page.goto(staff_server.url + path)
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
        )
        serious = [
            v["id"]
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (path, serious)
