"""axe-core, inside Chromium, finds no WCAG 2.2 AA violation in the widget's states."""

import pytest
from axe_playwright_python.sync_playwright import Axe

WIDGET = "[data-resource-line-widget]"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}}


def scan(page):
    """axe's full results for the page, the widget's shadow root included."""
    options = {**OPTIONS, "resultTypes": ["violations", "passes"]}
    return Axe().run(page, options=options).response


def widget_targets(results, kind):
    """The rule ids whose checked nodes lie inside the widget's shadow root."""
    return {
        rule["id"]
        for rule in results[kind]
        for node in rule["nodes"]
        if isinstance(node["target"][0], list)
        and "data-resource-line-widget" in node["target"][0][0]
    }


def describe(results):
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]


def open_panel(page, url):
    page.goto(url + "/demo")
    page.locator(f"{WIDGET} .launcher").click()
    return page.get_by_role("dialog")


def answer(panel, text="i need a lawyer"):
    panel.get_by_label("Your message").fill(text)
    panel.get_by_role("button", name="Send").click()
    panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
        timeout=10_000
    )


def test_the_closed_widget_has_no_violations(live_server, page):
    page.goto(live_server.url + "/demo")
    page.locator(f"{WIDGET} .launcher").wait_for()
    results = scan(page)
    assert describe(results) == []
    assert {"button-name", "color-contrast"} <= widget_targets(results, "passes")


def test_the_open_widget_has_no_violations(live_server, page):
    open_panel(page, live_server.url)
    results = scan(page)
    assert describe(results) == []
    assert {"label", "color-contrast", "target-size"} <= widget_targets(results, "passes")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_answered_widget_has_no_violations(live_server, page, lang):
    panel = open_panel(page, live_server.url)
    if lang == "es":
        panel.get_by_role("button", name="Español").click()
        panel.get_by_label("Su mensaje").fill("necesito un abogado")
        panel.get_by_role("button", name="Enviar").click()
        panel.get_by_role("log").get_by_text("Connecticut Legal Services").first.wait_for(
            timeout=10_000
        )
    else:
        answer(panel)
    results = scan(page)
    assert describe(results) == []
    assert "color-contrast" in widget_targets(results, "passes")


def test_the_full_screen_widget_at_320_pixels_has_no_violations(live_server, page):
    page.set_viewport_size({"width": 320, "height": 568})
    answer(open_panel(page, live_server.url))
    assert describe(scan(page)) == []


def test_axe_reports_a_violation_planted_inside_the_widget(live_server, page):
    open_panel(page, live_server.url)
    page.evaluate(
        """sel => { const root = document.querySelector(sel).shadowRoot;
            const field = document.createElement("input");
            field.className = "planted";
            root.querySelector("form").append(field); }""",
        WIDGET,
    )
    results = scan(page)
    assert "label" in widget_targets(results, "violations")


def test_a_partner_colour_too_light_for_white_text_is_replaced(live_server, page, partner_row):
    partner_row("demo", colors={"accent": "#ffd700"})
    open_panel(page, live_server.url)
    launcher = page.locator(f"{WIDGET} .launcher")
    assert launcher.evaluate("n => getComputedStyle(n).backgroundColor") == "rgb(29, 79, 145)"
    assert describe(scan(page)) == []


def test_focus_is_visible_on_every_control(live_server, page):
    panel = open_panel(page, live_server.url)
    for name in ("Quick exit", "Español", "Close chat", "Send"):
        button = panel.get_by_role("button", name=name)
        button.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        outline = button.evaluate(
            "n => getComputedStyle(n).outlineStyle + ' ' + getComputedStyle(n).outlineWidth"
        )
        assert outline == "solid 3px", name


def test_every_control_is_at_least_24_pixels(live_server, page):
    panel = open_panel(page, live_server.url)
    controls = panel.get_by_role("button").all() + [panel.get_by_label("Your message")]
    controls.append(page.locator(f"{WIDGET} .launcher"))
    for control in controls:
        box = control.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, control
