"""The Content-Security-Policy in Chromium: the editor, the chat page and the widget run under
it without a single violation, and the widget still works on a partner site with its own."""

import pytest
from admin_support import add_staff
from chat_helpers import WIDGET, open_chat, send
from test_admin_editor import WAIT, sign_in

# Records every violation the page reports, from the first script on.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
}, true);
"""
# An older browser: no constructable stylesheets, so the widget falls back to <style>.
NO_ADOPTED_SHEETS = """
delete ShadowRoot.prototype.adoptedStyleSheets;
delete Document.prototype.adoptedStyleSheets;
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and the browser's "Refused to ..." console errors."""
    refused = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if "Refused to" in m.text or "Content Security Policy" in m.text
            else None
        ),
    )

    def violations():
        seen = page.evaluate("window.__violations || []")
        return seen + refused

    page.violations = violations
    return page


def visit(page, url):
    """Load url; asserts it was sent with a Content-Security-Policy."""
    response = page.goto(url)
    assert "content-security-policy" in response.headers, url
    return response


def test_the_editor_runs_under_its_policy_without_violations(live_app, live_server, watched):
    add_staff(live_app)
    visit(watched, live_server.url + "/admin/login")
    sign_in(watched, live_server.url, "admin")
    for path in (
        "/admin/",
        "/admin/service/",
        "/admin/service/ct-legal-services",
        "/admin/reply_template/",
        "/admin/preview",
        "/admin/reports",
        "/admin/transfer",
        "/admin/users",
        "/admin/history",
    ):
        visit(watched, live_server.url + path)
    # A template's page measures its SMS budget with a fetch from editor.js.
    watched.goto(live_server.url + "/admin/reply_template/")
    watched.locator("main table a").first.click()
    box = watched.locator("textarea[data-budget]").first
    box.fill("Call {hotline_call} now.")
    watched.locator(".budget").first.get_by_text("SMS segment").wait_for(timeout=WAIT)
    assert watched.violations() == []


@pytest.mark.parametrize("path", ["/demo", "/"])
def test_the_chat_page_and_the_demo_widget_run_without_violations(live_server, watched, path):
    visit(watched, live_server.url + path)
    panel = open_chat(watched, live_server.url, path)
    send(panel, "i need a lawyer")
    assert watched.violations() == []


@pytest.mark.parametrize("path", ["/demo", "/"])
def test_the_widgets_inline_style_fallback_is_allowed_by_nonce(live_server, watched, path):
    watched.add_init_script(NO_ADOPTED_SHEETS)
    panel = open_chat(watched, live_server.url, path)
    send(panel, "i need a lawyer")
    assert watched.violations() == []
    # the panel is styled (the fallback <style> applied), not bare
    position = panel.evaluate("n => getComputedStyle(n).display")
    assert position != "inline"


PARTNER_PAGE = """<!doctype html><html lang="en"><head><title>Partner site</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {bot};
 connect-src {bot}; style-src 'self'; object-src 'none'">
</head><body><h1>Partner site</h1>
<script src="{bot}/widget.js" data-partner="demo" async></script></body></html>"""


def test_the_widget_works_on_a_partner_site_with_a_strict_policy_of_its_own(
    live_server, watched, other_site, partner_row
):
    partner_row("demo", origins=[other_site.url])
    watched.goto(other_site.serve("/strict", PARTNER_PAGE.format(bot=live_server.url)))
    watched.locator(f"{WIDGET} .launcher").click()
    panel = watched.get_by_role("dialog")
    panel.get_by_label("Your message").fill("i need a lawyer")
    panel.get_by_role("button", name="Send").click()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(timeout=WAIT)
    assert watched.violations() == []
