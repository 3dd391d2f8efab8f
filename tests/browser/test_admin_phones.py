"""Phones in the editor, in Chromium: N11 codes refused, extensions kept and shown."""

import pytest
from test_admin_editor import PHONE_PAGE, WAIT, bot_reply, sign_in, stored_number

from tests.browser.chat_helpers import open_chat, send


@pytest.mark.parametrize("number", ["911", "211", "1-511"])
def test_a_dialling_code_is_refused_as_a_providers_phone(staff_server, live_app, page, number):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + PHONE_PAGE)
    page.get_by_label("Number").fill(number)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save changes").click()
    assert posted.value.status == 400
    alert = page.get_by_role("alert")
    alert.get_by_text("is the dialling code for").wait_for(timeout=WAIT)
    assert "not a provider's own number" in alert.inner_text()
    assert "Nothing was saved" in alert.inner_text()
    assert stored_number(live_app) == "+12033881720"
    reply = bot_reply(page, staff_server.url, "i need a lawyer", f"after-{number}")
    assert "Connecticut Legal Services, Inc.: 203-388-1720" in reply


def test_an_extension_is_kept_shown_in_the_editor_and_dialled_from_the_reply(
    staff_server, live_app, page
):
    url = staff_server.url
    sign_in(page, url, "editor")
    page.goto(url + PHONE_PAGE)
    page.get_by_label("Number").fill("(203) 388-1720 ext. 12")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").get_by_text("Saved: extension").wait_for(timeout=WAIT)
    assert page.get_by_label("Number").input_value() == "(203) 388-1720"
    assert page.get_by_label("Extension").input_value() == "12"
    assert page.get_by_role("heading", level=1).inner_text().endswith("(203) 388-1720 ext. 12")
    assert stored_number(live_app) == "+12033881720"

    panel = open_chat(page, url, "/")
    send(panel, "i need a lawyer")
    link = panel.get_by_role("log").get_by_role("link", name="203-388-1720 ext. 12")
    assert link.get_attribute("href") == "tel:+12033881720,12"


def test_an_extension_that_disagrees_with_the_number_is_refused(staff_server, live_app, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + PHONE_PAGE)
    page.get_by_label("Number").fill("(203) 388-1720 x12")
    page.get_by_label("Extension").fill("34")
    page.get_by_role("button", name="Save changes").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("The number ends in extension 12, but the Extension field says 34").wait_for(
        timeout=WAIT
    )
    assert "Nothing was saved" in alert.inner_text()
