"""Small and short windows (WCAG 1.4.10 reflow): Quick exit stays on screen whenever the chat
is open, and the message box and Send can always be reached, down to 320 by 256 pixels."""

import os

import pytest

from tests.browser.chat_helpers import PAGES, fully_on_screen, open_chat, send

# A phone with the keyboard open, a phone, a laptop at 200% zoom, a wide but short window.
SIZES = [(320, 256), (320, 568), (640, 360), (1280, 400)]
LINE_PX = 16 * 1.45


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def sized_page(request, page):
    width, height = request.param
    page.set_viewport_size({"width": width, "height": height})
    return page


@pytest.mark.parametrize("path", PAGES)
def test_quick_exit_input_and_send_stay_reachable_through_a_conversation(
    shared_server, sized_page, path, artefacts
):
    page = sized_page
    panel = open_chat(page, shared_server.url, path)
    exit_button = panel.locator(".exit")
    assert fully_on_screen(page, exit_button)
    for text, answer in [
        ("i need a lawyer", "Connecticut Legal Services"),
        ("find services", "town or ZIP"),
        ("hartford", "Hartford"),
    ]:
        panel.locator("input").focus()
        assert fully_on_screen(page, panel.locator("input"))
        assert fully_on_screen(page, panel.locator("button[type=submit]"))
        assert fully_on_screen(page, exit_button)  # focusing the box scrolls nothing away
        send(panel, text, answer)
        assert fully_on_screen(page, exit_button)
    size = page.viewport_size
    name = f"reflow{path.replace('/', '-') or '-page'}-{size['width']}x{size['height']}.png"
    page.screenshot(path=os.path.join(artefacts, name))
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    body = panel.locator(".body")
    assert body.evaluate("n => n.scrollWidth <= n.clientWidth")  # no sideways scrolling


@pytest.mark.parametrize("path", PAGES)
def test_the_conversation_shows_at_least_three_lines(shared_server, sized_page, path):
    panel = open_chat(sized_page, shared_server.url, path)
    log = panel.get_by_role("log")
    assert log.evaluate("n => n.clientHeight") >= 3 * LINE_PX
    panel.locator("input").focus()
    visible = log.evaluate(
        """n => { const b = n.getBoundingClientRect();
                  return Math.min(b.bottom, innerHeight) - Math.max(b.top, 0); }"""
    )
    assert visible >= 3 * LINE_PX  # beside the focused box, not scrolled out of sight


def test_the_panel_fills_a_short_window_from_top_to_bottom(shared_server, page):
    page.set_viewport_size({"width": 1280, "height": 400})
    panel = open_chat(page, shared_server.url)
    box = panel.bounding_box()
    assert box["y"] == 0 and box["height"] == 400
    assert box["width"] < 640  # beside the page, not over all of it
