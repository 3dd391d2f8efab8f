"""Quick exit: the button and Shift three times leave at once, leave nothing behind, and
replace the page so Back does not return to it."""

import pytest

WIDGET = "[data-resource-line-widget]"


def chat_once(page, url):
    """Open the widget on the demo page and get one answer, so there is something to clear."""
    page.goto(url + "/demo")
    page.locator(f"{WIDGET} .launcher").click()
    panel = page.get_by_role("dialog")
    panel.get_by_label("Your message").fill("i need a lawyer")
    panel.get_by_role("button", name="Send").click()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )
    assert page.evaluate("sessionStorage.length") == 1  # what quick exit must clear
    return panel


def assert_left_no_trace(page, live_server):
    """On the exit page, of the same origin as the demo: no cookie, no storage at all."""
    page.wait_for_url(live_server.url + "/demo/elsewhere")
    assert page.context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0


def test_the_quick_exit_button_lands_on_the_exit_url_and_leaves_no_trace(live_server, page):
    panel = chat_once(page, live_server.url)
    panel.get_by_role("button", name="Quick exit").click()
    assert_left_no_trace(page, live_server)
    assert page.title() == "Weather"


def test_pressing_shift_three_times_is_a_quick_exit(live_server, page):
    chat_once(page, live_server.url)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_no_trace(page, live_server)


def test_shift_three_times_works_with_the_panel_closed(live_server, page):
    page.goto(live_server.url + "/demo")
    page.locator(f"{WIDGET} .launcher").wait_for()
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_no_trace(page, live_server)


def test_back_does_not_return_to_the_page_that_was_left(live_server, page):
    page.goto(live_server.url + "/demo/elsewhere?before")
    chat_once(page, live_server.url)
    page.get_by_role("dialog").get_by_role("button", name="Quick exit").click()
    page.wait_for_url(live_server.url + "/demo/elsewhere")
    page.go_back()
    assert page.url == live_server.url + "/demo/elsewhere?before"


def test_the_panel_says_that_quick_exit_does_not_erase_history(live_server, page):
    page.goto(live_server.url + "/demo")
    page.locator(f"{WIDGET} .launcher").click()
    note = page.get_by_role("dialog").get_by_text("does not erase your browser history")
    assert note.is_visible()


def test_quick_exit_is_visible_in_the_panel_after_a_long_conversation(live_server, page):
    panel = chat_once(page, live_server.url)
    for text in ("find services", "hartford", "what is trafficking"):
        panel.get_by_label("Your message").fill(text)
        panel.get_by_role("button", name="Send").click()
    exit_button = panel.get_by_role("button", name="Quick exit")
    assert exit_button.is_visible()
    box = exit_button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("keys", ["Shift+A", "Shift+B"])
def test_typing_capital_letters_is_not_a_quick_exit(live_server, page, keys):
    page.goto(live_server.url + "/demo")
    page.locator(f"{WIDGET} .launcher").click()
    field = page.get_by_role("dialog").get_by_label("Your message")
    for _ in range(3):
        field.press(keys)
    assert field.input_value() == keys[-1] * 3
    assert page.url == live_server.url + "/demo"
    assert page.locator(f"{WIDGET} .launcher").is_visible()
