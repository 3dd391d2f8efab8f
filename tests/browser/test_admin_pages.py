"""Editor pages name things for people, and History fits a phone's screen (in Chromium)."""

import json

from test_admin_editor import WAIT, sign_in

from knowledge.db import connect


def test_a_service_page_names_its_organisation_areas_and_languages(staff_server, page):
    sign_in(page, staff_server.url, "viewer")
    page.goto(staff_server.url + "/admin/service/ct-legal-services")
    main = page.locator("main")
    assert main.locator(".ref-name").inner_text() == "Connecticut Legal Services, Inc."
    links = main.locator("section li a").all_inner_texts()
    assert {"Statewide: CT", "English", "Legal help"} <= set(links)
    assert "state" not in links and "en" not in links
    assert not any(link.startswith(("org-", "ct-legal")) for link in links)


def test_a_phone_page_heading_shows_the_number_nationally(staff_server, page):
    sign_in(page, staff_server.url, "viewer")
    page.goto(staff_server.url + "/admin/phone/ct-legal-services-phone-0")
    assert page.get_by_role("heading", level=1).inner_text() == "Phone: (203) 388-1720"


def test_the_services_list_shows_status_town_and_phone(staff_server, page):
    sign_in(page, staff_server.url, "viewer")
    page.goto(staff_server.url + "/admin/service/?q=legal")
    headers = page.locator("thead th").all_inner_texts()
    assert {"Status", "Town", "Phone"} <= set(headers)
    row = page.get_by_role("row").filter(has_text="Connecticut Legal Services")
    assert "(203) 388-1708" in row.inner_text() and "active" in row.inner_text()


def test_the_partner_accent_colour_is_a_plain_colour(staff_server, live_app, page):
    sign_in(page, staff_server.url, "admin")
    page.goto(staff_server.url + "/admin/partner/demo")
    field = page.get_by_label("Accent colour")
    assert field.input_value().startswith("#") and "{" not in field.input_value()
    field.fill("#1D4F91")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").wait_for(timeout=WAIT)
    db = connect(live_app.config["DATABASE"])
    try:
        assert json.loads(db["partner"].get("demo")["colors"]) == {"accent": "#1d4f91"}
    finally:
        db.conn.close()
    field = page.get_by_label("Accent colour")
    field.fill("blue-ish")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("is not a colour").first.wait_for(timeout=WAIT)


def test_history_fits_a_375_px_screen(staff_server, page):
    sign_in(page, staff_server.url, "editor")
    page.goto(staff_server.url + "/admin/phone/ct-legal-services-phone-0")
    page.get_by_label("Number").fill("(860) 555-0142")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").wait_for(timeout=WAIT)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(staff_server.url + "/admin/history")
    page.locator("table.changes").wait_for(timeout=WAIT)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
