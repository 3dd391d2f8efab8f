"""The editor asks before deleting, and before leaving an entry with unsaved edits."""

from test_admin_editor import WAIT, sign_in

from knowledge.db import connect

PHONE = "ct-legal-services-phone-0"


def phone_exists(live_app):
    db = connect(live_app.config["DATABASE"])
    try:
        return db["phone"].count_where("id = ?", [PHONE]) == 1
    finally:
        db.conn.close()


def test_delete_asks_first_and_cancel_keeps_the_entry(staff_server, live_app, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(f"{staff_server.url}/admin/phone/{PHONE}")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Delete this phone").click()
    page.wait_for_timeout(300)  # a dismissed confirm sends nothing; let any request land
    assert questions and questions[0].startswith("Delete this phone")
    assert phone_exists(live_app)

    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation(timeout=WAIT):
        page.get_by_role("button", name="Delete this phone").click()
    assert not phone_exists(live_app)


def test_leaving_an_edited_form_warns_and_saving_does_not(staff_server, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(f"{staff_server.url}/admin/phone/{PHONE}")
    kinds = []

    def stay(dialog):
        kinds.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    number = page.get_by_label("Number")
    number.click()
    number.press("End")
    page.keyboard.type("9")  # typed, so the page has the user activation the warning needs
    page.get_by_role("link", name="Services").first.click()
    page.wait_for_timeout(500)
    assert kinds == ["beforeunload"]
    assert f"/admin/phone/{PHONE}" in page.url  # stayed, with the edit still there

    number.fill("(860) 555-0142")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").get_by_text("Saved: number").wait_for(timeout=WAIT)
    page.get_by_role("link", name="Services").first.click()
    page.wait_for_url("**/admin/service/", timeout=WAIT)
    assert kinds == ["beforeunload"]  # nothing unsaved: no question
