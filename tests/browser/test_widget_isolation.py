"""The widget cannot be broken by the host page's CSS, and does not break the host page."""

WIDGET = "[data-resource-line-widget]"
# A hostile stylesheet: restyles every element, every div (the widget's host is one), every
# button and input, with !important.
HOSTILE_CSS = """
* { all: unset !important; display: block !important; font: 40px/1 serif !important;
    color: #ff00ff !important; background: #00ff00 !important; width: 10px !important;
    margin: 30px !important; padding: 20px !important; border: 5px dashed red !important;
    z-index: -1 !important; visibility: hidden !important; letter-spacing: 9px !important;
    --accent: #ffff00 !important; }
html, body { visibility: visible !important; }
div, button, input, section, form, p { display: none !important; }
[data-resource-line-widget] { display: none !important; position: static !important; }
"""
PAGE = """<!doctype html><html lang="en"><head><title>Hostile</title><style>{css}</style></head>
<body><h1>Partner page</h1><p>Text</p>
<script src="{bot}/widget.js" data-partner="demo" async></script></body></html>"""
PARTS = {
    "launcher": ".launcher",
    "panel": ".panel",
    "title": ".title",
    "exit": ".exit",
    "input": "input",
    "send": "button[type=submit]",
    "log": "[role=log]",
}
STYLES = ["font-size", "color", "background-color", "display", "visibility", "letter-spacing"]


def measure(page):
    """Boxes and computed styles of the widget's parts, read inside its shadow root."""
    launcher = page.locator(f"{WIDGET} .launcher")
    if launcher.get_attribute("aria-expanded") != "true":  # the tab may remember it open
        launcher.click()
    page.get_by_role("dialog").get_by_label("Your message").wait_for()
    found = {}
    for name, selector in PARTS.items():
        part = page.locator(f"{WIDGET} {selector}").first
        style = part.evaluate(
            "(node, names) => names.map(n => getComputedStyle(node).getPropertyValue(n))", STYLES
        )
        found[name] = {"box": part.bounding_box(), "style": style}
    return found


def test_a_page_that_restyles_every_element_still_shows_the_widget_intact(
    live_server, page, host_page
):
    page.goto(live_server.url + "/demo")
    clean = measure(page)
    hostile = host_page(
        live_server.url + "/hostile-page", PAGE.format(css=HOSTILE_CSS, bot=live_server.url)
    )
    assert hostile.locator("h1").evaluate("h => getComputedStyle(h).fontSize") == "40px"
    assert measure(hostile) == clean
    assert clean["launcher"]["style"][:2] == ["16px", "rgb(255, 255, 255)"]
    assert clean["input"]["style"][0] == "16px"
    panel = hostile.get_by_role("dialog")
    panel.get_by_label("Your message").fill("i need a lawyer")
    panel.get_by_role("button", name="Send").click()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )


def test_the_widget_sits_on_top_at_the_bottom_right_of_the_window(live_server, page):
    page.goto(live_server.url + "/demo")
    launcher = page.locator(f"{WIDGET} .launcher")
    box = launcher.bounding_box()
    view = page.viewport_size
    assert view["width"] - 40 <= box["x"] + box["width"] <= view["width"]
    assert view["height"] - 40 <= box["y"] + box["height"] <= view["height"]
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).outerHTML", middle)
    assert "data-resource-line-widget" in on_top


def test_the_widget_adds_no_global_names_and_no_stylesheet_to_the_host_page(
    live_server, page, host_page
):
    bare = (
        PAGE.format(css="", bot=live_server.url)
        .replace("<script", "<!--")
        .replace("</script>", "-->")
    )
    host_page(live_server.url + "/bare-page", bare)
    before = page.evaluate("Object.keys(window).sort()")
    host_page(live_server.url + "/widget-page", PAGE.format(css="", bot=live_server.url))
    page.locator(f"{WIDGET} .launcher").wait_for()
    assert page.evaluate("Object.keys(window).sort()") == before
    assert page.evaluate("document.styleSheets.length") == 1  # the page's own <style>
    assert page.evaluate("document.querySelectorAll('body > *').length") == 4


def test_loading_the_script_twice_shows_one_widget(live_server, page, host_page):
    twice = PAGE.format(css="", bot=live_server.url).replace(
        "</body>", f'<script src="{live_server.url}/widget.js" data-partner="demo"></script></body>'
    )
    host_page(live_server.url + "/twice-page", twice)
    page.locator(f"{WIDGET} .launcher").first.wait_for()
    page.get_by_role("button", name="Chat with us").click()  # strict: fails if there are two
    assert page.locator(WIDGET).count() == 1
