"""While the chat panel covers the whole window, Tab and Shift+Tab stay inside it, and every
stop shows its focus ring on screen (WCAG 2.4.7, 2.4.11). Beside the page, Tab goes on."""

import pytest

from tests.browser.chat_helpers import PAGES, WIDGET, active_in_panel, fully_on_screen, open_chat

STOPS = 16  # more than the panel's controls, so Tab goes round at least once


def focused(page):
    """The focused element inside the widget's shadow root, as a locator-like handle."""
    return page.evaluate_handle(
        "sel => document.querySelector(sel).shadowRoot.activeElement", WIDGET
    ).as_element()


def ring(element):
    return element.evaluate(
        "n => getComputedStyle(n).outlineStyle + ' ' + getComputedStyle(n).outlineWidth"
    )


def on_screen(page, element):
    box = element.bounding_box()
    size = page.viewport_size
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize("size", [(320, 568), (320, 256)], ids=["320x568", "320x256"])
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_tab_stays_in_the_full_screen_panel_with_a_visible_ring(
    shared_server, page, path, size, key
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    panel = open_chat(page, shared_server.url, path)
    panel.locator("input").focus()
    seen = set()
    for _ in range(STOPS):
        page.keyboard.press(key)
        assert active_in_panel(page) == "panel"
        element = focused(page)
        assert ring(element) == "solid 3px"
        assert on_screen(page, element)
        seen.add(element.evaluate("n => n.className || n.tagName"))
    assert {"exit", "log", "plain"} <= seen  # went round the whole panel


def test_the_full_screen_panel_is_modal_and_hides_the_launcher(shared_server, page):
    page.set_viewport_size({"width": 320, "height": 568})
    panel = open_chat(page, shared_server.url)
    assert panel.get_attribute("aria-modal") == "true"
    launcher = page.locator(f"{WIDGET} .launcher")
    assert launcher.evaluate("n => getComputedStyle(n).visibility") == "hidden"
    page.get_by_role("dialog").get_by_role("button", name="Close chat").click()
    assert fully_on_screen(page, launcher)  # back once the panel is closed


def test_focus_moved_to_the_page_under_the_panel_comes_back(shared_server, page):
    page.set_viewport_size({"width": 320, "height": 568})
    open_chat(page, shared_server.url)
    page.locator("main a").first.focus()  # a page script, or Tab from the address bar
    assert active_in_panel(page) == "panel"


def test_beside_the_page_tab_moves_on_to_the_page(shared_server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    panel = open_chat(page, shared_server.url)
    assert panel.get_attribute("aria-modal") == "false"
    panel.get_by_role("button", name="Send").focus()
    page.keyboard.press("Tab")
    assert active_in_panel(page) != "panel"
