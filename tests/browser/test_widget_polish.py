"""Widget details: text and call links, the length counter, each message's language,
forced-colours outlines, the privacy line and the webchat's own safety line."""

import pytest

from tests.browser.chat_helpers import PAGES, open_chat, send


@pytest.mark.parametrize("path", PAGES)
def test_the_hotline_text_number_is_an_sms_link_and_911_a_call_link(shared_server, page, path):
    panel = open_chat(page, shared_server.url, path)
    send(panel, "i need help", "233733")
    for place in (panel.locator(".hotline"), panel.locator(".msg.bot").last):
        assert place.get_by_role("link", name="233733").get_attribute("href") == "sms:233733"
        assert place.get_by_role("link", name="911").get_attribute("href") == "tel:911"
        call = place.get_by_role("link", name="1-888-373-7888")
        assert call.get_attribute("href") == "tel:+18883737888"


def test_the_counter_shows_the_limit_and_a_long_message_is_not_cut(shared_server, page):
    panel = open_chat(page, shared_server.url)
    box = panel.get_by_label("Your message")
    count = panel.locator(".count")
    assert count.inner_text() == "0 of 2,000 characters"
    box.fill("a" * 2000)
    assert count.inner_text() == "2,000 of 2,000 characters"
    assert box.get_attribute("aria-invalid") is None
    sent = []
    page.on("request", lambda r: sent.append(r) if "/api/chat" in r.url else None)
    box.fill("a" * 2001)
    assert len(box.input_value()) == 2001  # nothing cut silently
    assert "Too long: 2,001 of 2,000" in count.inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    assert "Too long" in panel.get_by_role("status").inner_text()  # said once, aloud
    box.press("Enter")
    assert sent == [] and panel.locator(".msg.me").count() == 0
    box.press("Backspace")
    assert count.inner_text() == "2,000 of 2,000 characters"
    assert panel.get_by_role("status").inner_text() == ""


def test_the_counter_speaks_spanish_after_the_switch(shared_server, page):
    panel = open_chat(page, shared_server.url)
    panel.get_by_role("button", name="Español").click()
    panel.get_by_label("Su mensaje").fill("hola")
    assert panel.locator(".count").inner_text() == "4 de 2000 caracteres"


def test_earlier_messages_keep_their_language_after_a_switch(shared_server, page):
    panel = open_chat(page, shared_server.url)
    send(panel, "i need a lawyer")
    panel.get_by_role("button", name="Español").click()
    assert panel.locator(".msg.greeting").get_attribute("lang") == "es"
    reply = panel.locator(".msg.bot:not(.greeting)").last
    assert reply.get_attribute("lang") == "en"
    assert reply.locator(".sr").inner_text() == "Helper:"
    assert panel.locator(".msg.me").last.get_attribute("lang") == "en"
    page.reload()  # the languages are remembered with the conversation
    assert page.locator(".msg.bot:not(.greeting)").last.get_attribute("lang") == "en"


def test_message_bubbles_have_outlines_in_forced_colours(shared_server, page):
    page.emulate_media(forced_colors="active")
    panel = open_chat(page, shared_server.url)
    send(panel, "i need a lawyer")
    for bubble in (panel.locator(".msg.me").last, panel.locator(".msg.bot").last):
        style = bubble.evaluate(
            "n => { const s = getComputedStyle(n);"
            " return [s.borderTopStyle, parseFloat(s.borderTopWidth)]; }"
        )
        assert style[0] == "solid" and style[1] >= 1


@pytest.mark.parametrize(
    "lang, words", [("en", ["never stored", "30 minutes"]), ("es", ["nunca", "30 minutos"])]
)
def test_a_privacy_line_says_what_is_kept_and_for_how_long(shared_server, page, lang, words):
    panel = open_chat(page, shared_server.url)
    if lang == "es":
        panel.get_by_role("button", name="Español").click()
    line = panel.locator(".privacy")
    assert line.get_attribute("lang") is None  # it speaks the panel's language
    text = line.inner_text()
    assert all(word in text for word in words), text


def test_the_first_webchat_reply_says_to_close_the_tab(shared_server, page):
    panel = open_chat(page, shared_server.url)
    send(panel, "i need help", "close this tab")
    assert "delete this thread" not in panel.get_by_role("log").inner_text()
