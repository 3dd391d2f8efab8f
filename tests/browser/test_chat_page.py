"""The local chat page at / works in a real browser."""


def test_local_chat_page_answers_in_the_log(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_label("Message").fill("i need a lawyer")
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    log.get_by_text("Connecticut Legal Services").first.wait_for(timeout=10_000)
