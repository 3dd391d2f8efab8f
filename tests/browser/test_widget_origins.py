"""The widget on another website: shown only where the partner registered that website."""

WIDGET = "[data-resource-line-widget]"
PAGE = """<!doctype html><html lang="en"><head><title>Partner site</title></head>
<body><h1>Partner site</h1>
<script src="{bot}/widget.js" data-partner="{key}" async></script></body></html>"""


def load_partner_page(page, other_site, live_server, key="demo"):
    """Open a page of the other website that embeds the widget for partner key."""
    page.goto(other_site.serve("/partner-page", PAGE.format(bot=live_server.url, key=key)))


def test_a_registered_partner_website_gets_a_working_widget(
    live_server, page, other_site, partner_row
):
    partner_row("demo", origins=[other_site.url])
    load_partner_page(page, other_site, live_server)
    page.locator(f"{WIDGET} .launcher").click()
    panel = page.get_by_role("dialog")
    panel.get_by_label("Your message").fill("i need a lawyer")
    panel.get_by_role("button", name="Send").click()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )


def test_a_website_that_is_not_registered_gets_no_widget_and_a_console_warning(
    live_server, page, other_site
):
    with page.expect_console_message(lambda m: "Resource Line widget" in m.text) as message:
        load_partner_page(page, other_site, live_server)
    assert "not shown" in message.value.text
    assert page.locator(WIDGET).count() == 0


def test_a_disabled_partner_gets_no_widget(live_server, page, other_site, partner_row):
    partner_row("demo", origins=[other_site.url], enabled=0)
    with page.expect_console_message(lambda m: "Resource Line widget" in m.text):
        load_partner_page(page, other_site, live_server)
    assert page.locator(WIDGET).count() == 0


def test_an_unknown_partner_key_is_named_in_the_console_warning(live_server, page):
    with page.expect_console_message(lambda m: "Resource Line widget" in m.text) as message:
        page.goto(live_server.url + "/demo")
        page.evaluate(
            """bot => { const s = document.createElement("script");
                s.src = bot + "/widget.js"; s.dataset.partner = "no-such-partner";
                document.querySelectorAll("[data-resource-line-started]").forEach(
                    n => n.removeAttribute("data-resource-line-started"));
                document.querySelector("[data-resource-line-widget]")?.remove();
                document.body.append(s); }""",
            live_server.url,
        )
    assert "no-such-partner" in message.value.text


def test_the_browser_refuses_a_chat_request_from_a_website_not_registered(
    live_server, page, other_site
):
    load_partner_page(page, other_site, live_server)
    outcome = page.evaluate(
        """url => fetch(url + "/api/chat?partner=demo", {method: "POST",
              headers: {"Content-Type": "application/json"},
              body: JSON.stringify({session_id: "s", message: "i need a lawyer"})})
            .then(r => "answered " + r.status, e => "refused: " + e.name)""",
        live_server.url,
    )
    assert outcome == "refused: TypeError"


def test_the_browser_allows_a_chat_request_from_a_registered_website(
    live_server, page, other_site, partner_row
):
    partner_row("demo", origins=[other_site.url])
    load_partner_page(page, other_site, live_server)
    outcome = page.evaluate(
        """url => fetch(url + "/api/chat?partner=demo", {method: "POST",
              headers: {"Content-Type": "application/json"},
              body: JSON.stringify({session_id: "s", message: "i need a lawyer"})})
            .then(r => r.json()).then(b => b.reply, e => "refused: " + e.name)""",
        live_server.url,
    )
    assert "Connecticut Legal Services" in outcome
