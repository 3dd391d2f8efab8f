"""Phones in the editor, in Chromium: N11 codes refused, extensions kept and shown."""

import pytest
from admin_support import add_staff
from test_admin_editor import PHONE_PAGE, WAIT, bot_reply, sign_in, stored_number


@pytest.fixture
def staff_server(live_app, live_server):
    add_staff(live_app)
    return live_server


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
