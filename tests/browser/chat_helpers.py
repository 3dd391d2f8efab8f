"""Helpers shared by the browser tests of the widget and the chat page (same client script)."""

WIDGET = "[data-resource-line-widget]"
PANEL = f"{WIDGET} .panel"
# The demo partner page embeds the widget; / is the bot's own chat page, the same script.
PAGES = ["/demo", "/"]


def open_chat(page, url, path="/demo"):
    """Load a page with the chat and open it; the panel (the widget's dialog, or the page's)."""
    page.goto(url + path)
    if path == "/demo":
        page.locator(f"{WIDGET} .launcher").click()
    panel = page.locator(PANEL)
    panel.locator("input").wait_for()
    return panel


def send(panel, text, wait_for="Connecticut Legal Services"):
    """Type a message, send it with Enter and wait until the answer holds wait_for."""
    panel.locator("input").fill(text)
    panel.locator("input").press("Enter")
    if wait_for:
        panel.get_by_role("log").get_by_text(wait_for).last.wait_for(timeout=15_000)


def fully_on_screen(page, locator):
    """The element lies wholly inside the window, and nothing covers its centre."""
    box = locator.bounding_box()
    size = page.viewport_size
    inside = (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )
    uncovered = locator.evaluate(
        """n => { const b = n.getBoundingClientRect();
                  const x = b.x + b.width / 2, y = b.y + b.height / 2;
                  const hit = n.getRootNode().elementFromPoint(x, y);
                  return hit === n || n.contains(hit); }"""
    )
    return inside and uncovered


def active_in_panel(page):
    """What has focus: 'panel' when it is inside the chat panel, else the element's tag."""
    return page.evaluate(
        """sel => { const host = document.querySelector(sel);
                    const active = document.activeElement;
                    if (active !== host) return active ? active.tagName.toLowerCase() : 'none';
                    const inner = host.shadowRoot.activeElement;
                    return inner && host.shadowRoot.querySelector('.panel').contains(inner)
                        ? 'panel' : (inner ? inner.className || inner.tagName : 'none'); }""",
        WIDGET,
    )
