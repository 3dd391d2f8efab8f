"""The widget on the demo partner page, in headless Chromium: open, chat, close, languages."""

import os

WIDGET = "[data-resource-line-widget]"


def open_widget(page, url):
    """Load the demo partner page and open the widget; the panel."""
    page.goto(url + "/demo")
    page.locator(f"{WIDGET} .launcher").click()
    return page.get_by_role("dialog")


def send(panel, text):
    panel.get_by_label("Your message").fill(text)
    panel.get_by_role("button", name="Send").click()


def test_demo_page_widget_answers_a_lawyer_question_with_connecticut_legal_services(
    live_server, page, artefacts
):
    panel = open_widget(page, live_server.url)
    page.screenshot(path=os.path.join(artefacts, "widget-open.png"))
    send(panel, "i need a lawyer")
    log = panel.get_by_role("log")
    log.get_by_text("Connecticut Legal Services").first.wait_for(timeout=10_000)
    page.screenshot(path=os.path.join(artefacts, "widget-answered.png"))


def test_the_widget_greets_with_the_partners_greeting(live_server, page):
    panel = open_widget(page, live_server.url)
    assert "Riverside Community Services" in panel.get_by_role("log").inner_text()


def test_opening_focuses_the_message_box_and_escape_returns_focus_to_the_launcher(
    live_server, page
):
    page.goto(live_server.url + "/demo")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog")
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.id") == "message"
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "launcher"


def test_the_close_button_hides_the_panel_and_returns_focus_to_the_launcher(live_server, page):
    panel = open_widget(page, live_server.url)
    panel.get_by_role("button", name="Close chat").click()
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "launcher"


def test_the_whole_chat_works_from_the_keyboard(live_server, page):
    page.goto(live_server.url + "/demo")
    page.get_by_role("button", name="Chat with us").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("i need a lawyer")
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    log.get_by_text("Connecticut Legal Services").first.wait_for(timeout=10_000)


def test_the_language_button_switches_the_panel_and_the_requests_to_spanish(live_server, page):
    panel = open_widget(page, live_server.url)
    panel.get_by_role("button", name="Español").click()
    assert page.locator(f"{WIDGET} .widget").get_attribute("lang") == "es"
    assert panel.get_by_role("button", name="English").get_attribute("lang") == "en"
    panel.get_by_label("Su mensaje").fill("necesito un abogado")
    with page.expect_request("**/api/chat*") as sent:
        panel.get_by_role("button", name="Enviar").click()
    assert sent.value.post_data_json["lang"] == "es"
    assert sent.value.post_data_json["partner"] == "demo"
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )


def test_a_partner_whose_default_is_spanish_opens_in_spanish(live_server, page, partner_row):
    partner_row("demo", default_lang="es")
    page.goto(live_server.url + "/demo")
    launcher = page.get_by_role("button", name="Escríbanos")
    launcher.wait_for(timeout=10_000)  # the widget reads its partner's settings first
    assert launcher.is_visible()


def test_the_conversation_survives_a_reload_in_the_same_tab(live_server, page):
    panel = open_widget(page, live_server.url)
    send(panel, "i need a lawyer")
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )
    page.reload()
    panel = page.get_by_role("dialog")
    assert "i need a lawyer" in panel.get_by_role("log").inner_text()
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0


def test_below_640_pixels_the_panel_fills_the_screen_and_fits_at_320(live_server, page, artefacts):
    page.set_viewport_size({"width": 320, "height": 568})
    panel = open_widget(page, live_server.url)
    page.screenshot(path=os.path.join(artefacts, "widget-320.png"))
    box = panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 320, "height": 568}
    for name in ("Quick exit", "Español", "Close chat", "Send"):
        button = panel.get_by_role("button", name=name).bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= 320, name
    field = panel.get_by_label("Your message").bounding_box()
    assert field["width"] >= 120
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_phone_numbers_in_replies_are_tap_to_call_links(live_server, page):
    panel = open_widget(page, live_server.url)
    send(panel, "i need a lawyer")
    link = panel.get_by_role("link", name="203-388-1720")
    link.wait_for(timeout=10_000)
    assert link.get_attribute("href") == "tel:+12033881720"
    hotline = panel.get_by_role("log").get_by_role("link", name="1-888-373-7888").first
    assert hotline.get_attribute("href") == "tel:+18883737888"


def test_the_hotline_line_under_the_log_can_be_called_with_one_tap(live_server, page):
    panel = open_widget(page, live_server.url)
    line = panel.locator(".hotline")
    assert line.get_by_role("link", name="1-888-373-7888").get_attribute("href") == (
        "tel:+18883737888"
    )


def embed(live_server, host_page, attributes):
    """A page of the bot's own origin (served by the test) with the tag and extra attributes."""
    html = (
        '<!doctype html><html lang="en"><head><title>Options</title></head><body>'
        f'<script src="{live_server.url}/widget.js" data-partner="demo" {attributes} async>'
        "</script></body></html>"
    )
    return host_page(live_server.url + "/options-page", html)


def test_data_lang_opens_the_widget_in_that_language(live_server, host_page):
    page = embed(live_server, host_page, 'data-lang="es"')
    page.get_by_role("button", name="Escríbanos").wait_for()


def test_data_position_left_puts_the_button_in_the_bottom_left_corner(live_server, host_page):
    page = embed(live_server, host_page, 'data-position="left"')
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.wait_for()
    assert launcher.bounding_box()["x"] <= 40
    launcher.click()
    assert page.get_by_role("dialog").bounding_box()["x"] <= 40
