"""The local chat page at / runs the widget's own script, so it has everything the widget has."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.chat_helpers import WIDGET, open_chat, send

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chat_page(page, url):
    return open_chat(page, url, "/")


def test_the_page_runs_the_widget_script_and_no_script_of_its_own(shared_server, page):
    chat_page(page, shared_server.url)
    scripts = page.eval_on_selector_all("script", "all => all.map(s => s.getAttribute('src'))")
    assert scripts == ["/widget.js"]
    assert page.locator("link[rel=stylesheet]").count() == 0
    assert page.request.get(shared_server.url + "/static/chat/chat.js").status == 404


def test_the_page_answers_with_tap_to_call_numbers_that_do_not_wrap(shared_server, page):
    page.set_viewport_size({"width": 320, "height": 568})
    panel = chat_page(page, shared_server.url)
    send(panel, "i need a lawyer")
    link = panel.get_by_role("log").get_by_role("link", name="203-388-1720")
    assert link.get_attribute("href") == "tel:+12033881720"
    assert link.evaluate("n => getComputedStyle(n).whiteSpace") == "nowrap"
    assert link.evaluate("n => n.getClientRects().length") == 1  # one line, not broken


def test_the_page_greets_and_its_quick_exit_leaves_no_trace(shared_server, page):
    panel = chat_page(page, shared_server.url)
    assert "automated helper" in panel.get_by_role("log").inner_text()
    send(panel, "i need a lawyer")
    assert page.evaluate("sessionStorage.length") == 1
    panel.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(shared_server.url + "/demo/elsewhere")
    assert page.evaluate("sessionStorage.length") == 0


def test_the_page_shows_that_it_is_waiting_for_the_answer(shared_server, page):
    held = []
    page.route("**/api/chat", lambda route: held.append(route))  # answered when the test says
    panel = chat_page(page, shared_server.url)
    panel.locator("input").fill("i need a lawyer")
    panel.locator("input").press("Enter")
    waiting = panel.get_by_role("log").get_by_text("One moment...")
    waiting.wait_for()
    assert panel.get_by_role("log").get_attribute("aria-busy") == "true"
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for()
    assert waiting.count() == 0


def test_the_spanish_switch_changes_the_page_and_its_language(shared_server, page):
    panel = chat_page(page, shared_server.url)
    assert page.locator("html").get_attribute("lang") == "en"
    panel.get_by_role("button", name="Español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert panel.get_by_label("Su mensaje").is_visible()
    assert "Hola" in panel.get_by_role("log").inner_text()


def test_a_reload_keeps_the_visible_conversation(shared_server, page):
    panel = chat_page(page, shared_server.url)
    send(panel, "i need a lawyer")
    page.reload()
    log = page.locator(WIDGET).get_by_role("log")
    log.get_by_text("Connecticut Legal Services").first.wait_for()
    assert "i need a lawyer" in log.inner_text()


def test_a_spanish_reply_is_marked_as_spanish(shared_server, page):
    panel = chat_page(page, shared_server.url)
    send(panel, "necesito un abogado")
    replies = panel.locator(".msg.bot:not(.greeting)")
    assert replies.last.get_attribute("lang") == "es"
    assert panel.locator(".msg.me").last.get_attribute("lang") == "es"
    assert panel.locator(".msg.greeting").get_attribute("lang") == "en"


@pytest.mark.parametrize("size", [(1280, 720), (320, 568)], ids=["wide", "phone"])
def test_axe_finds_no_violation_on_the_answered_page(shared_server, page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    panel = chat_page(page, shared_server.url)
    send(panel, "i need a lawyer")
    send(panel, "find services", "town or ZIP")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}}).response
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == []
