"""Partner websites and the bot over HTTP: /widget.js, partner settings, CORS on /api/chat."""

import json
import re
import time

import pytest

from knowledge import events

PARTNER_SITE = "https://partner.example.org"
STRANGER = "https://stranger.example.net"
CHAT = {"session_id": "cors-1", "message": "i need a lawyer"}


@pytest.fixture
def partner(database):
    """A second enabled partner whose only website is PARTNER_SITE; returns its updater."""
    row = {
        "key": "riverside",
        "name": "Riverside",
        "origins": json.dumps([PARTNER_SITE]),
        "greeting": json.dumps({"en": "Hello from Riverside."}),
        "default_lang": "es",
        "colors": json.dumps({"accent": "#0f5c4d"}),
        "exit_url": "https://weather.example.com/",
        "enabled": 1,
    }
    database["partner"].insert(row)

    def update(**fields):
        database["partner"].update("riverside", fields)

    return update


def preflight(client, origin, url="/api/chat?partner=riverside"):
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def assert_refused(response, status, *words):
    """A refusal: the status, one plain sentence naming what is wrong, and no CORS grant."""
    assert response.status_code == status
    assert "Access-Control-Allow-Origin" not in response.headers
    error = response.get_json()["error"]
    assert error[0].isupper() and error.endswith(".")
    for word in words:
        assert word in error


# --- /widget.js ----------------------------------------------------------------------------


def test_widget_script_is_javascript_with_its_stylesheet_inlined(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert "__WIDGET_CSS__" not in body
    assert ":host" in body and "attachShadow" in body


def test_widget_script_loads_nothing_from_other_hosts(client):
    body = client.get("/widget.js").get_data(as_text=True)
    assert "@import" not in body and "url(" not in body
    assert "http" not in body.replace("https://BOT-HOST/widget.js", "")


def test_widget_script_answers_304_to_a_matching_etag(client):
    etag = client.get("/widget.js").headers["ETag"]
    assert client.get("/widget.js", headers={"If-None-Match": etag}).status_code == 304


# --- partner settings ----------------------------------------------------------------------


def test_partner_settings_are_granted_to_a_registered_website(client, partner):
    response = client.get("/widget/config/riverside", headers={"Origin": PARTNER_SITE})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER_SITE
    assert "Origin" in response.headers["Vary"]
    body = response.get_json()
    assert body["lang"] == "es"
    assert body["greeting"]["en"] == "Hello from Riverside."
    assert "233733" in body["greeting"]["es"]  # no Spanish greeting: the bot's own
    assert body["accent"] == "#0f5c4d"
    assert body["exit_url"] == "https://weather.example.com/"
    assert body["hotline"] == {"call": "1-888-373-7888", "text": "233733"}


def test_partner_settings_are_refused_to_a_website_not_registered(client, partner):
    response = client.get("/widget/config/riverside", headers={"Origin": STRANGER})
    assert_refused(response, 403, STRANGER, "not registered")


def test_an_unknown_partner_gets_a_404_naming_the_key(client):
    response = client.get("/widget/config/nobody", headers={"Origin": PARTNER_SITE})
    assert_refused(response, 404, "nobody")


def test_a_disabled_partner_is_refused_even_on_its_own_website(client, partner):
    partner(enabled=0)
    response = client.get("/widget/config/riverside", headers={"Origin": PARTNER_SITE})
    assert_refused(response, 403, "turned off")


def test_the_demo_partners_exit_path_becomes_a_url_on_the_bot(client):
    body = client.get("/widget/config/demo").get_json()
    assert body["exit_url"] == "http://localhost/demo/elsewhere"


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "https://bot.example.org/"}])
@pytest.mark.parametrize("url", ["/widget/config/demo", "/widget/config"])
def test_with_a_public_url_a_forged_host_cannot_move_the_quick_exit(client, url):
    body = client.get(url, headers={"Host": "evil.example"}).get_json()
    assert body["exit_url"] == "https://bot.example.org/demo/elsewhere"


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "https://bot.example.org/base"}])
def test_the_demo_snippet_names_the_public_address(client):
    page = client.get("/demo", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://bot.example.org/base/widget.js" in page
    assert "evil.example" not in page


def test_an_origin_is_matched_without_case_or_default_port(client, partner):
    origin = "HTTPS://Partner.Example.org:443"
    response = client.get("/widget/config/riverside", headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin


# --- /api/chat from partner websites --------------------------------------------------------


def test_a_preflight_from_a_registered_website_is_granted(client, partner):
    response = preflight(client, PARTNER_SITE)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER_SITE
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    "origin, url, words",
    [
        (STRANGER, "/api/chat?partner=riverside", ["not registered"]),
        (STRANGER, "/api/chat", ["not registered for any partner"]),
        (PARTNER_SITE, "/api/chat?partner=nobody", ["nobody"]),
        ("null", "/api/chat?partner=riverside", ["not registered"]),
    ],
)
def test_a_preflight_from_anywhere_else_is_refused(client, partner, origin, url, words):
    assert_refused(preflight(client, origin, url), 403, *words)


def test_a_chat_from_a_registered_website_is_answered_with_cors(client, partner):
    response = client.post(
        "/api/chat?partner=riverside", json=CHAT, headers={"Origin": PARTNER_SITE}
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER_SITE
    assert "Connecticut Legal Services" in response.get_json()["reply"]


def test_the_partner_key_may_come_in_the_body(client, partner):
    body = {**CHAT, "partner": "riverside"}
    response = client.post("/api/chat", json=body, headers={"Origin": PARTNER_SITE})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER_SITE


def test_a_chat_from_a_website_not_registered_is_refused(client, partner):
    response = client.post("/api/chat?partner=riverside", json=CHAT, headers={"Origin": STRANGER})
    assert_refused(response, 403, STRANGER)


def test_a_chat_for_a_disabled_partner_is_refused(client, partner):
    partner(enabled=0)
    body = {**CHAT, "partner": "riverside"}
    response = client.post("/api/chat", json=body, headers={"Origin": PARTNER_SITE})
    assert_refused(response, 403, "turned off")


def test_a_chat_for_an_unknown_partner_is_refused_even_without_an_origin(client):
    response = client.post("/api/chat", json={**CHAT, "partner": "nobody"})
    assert_refused(response, 403, "nobody")


def test_a_bad_body_from_a_registered_website_gets_a_readable_400(client, partner):
    response = client.post(
        "/api/chat?partner=riverside", json={"session_id": "x"}, headers={"Origin": PARTNER_SITE}
    )
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER_SITE


def test_a_partner_field_that_is_not_text_is_a_400(client):
    response = client.post("/api/chat", json={**CHAT, "partner": 7})
    assert response.status_code == 400
    assert response.get_json()["error"] == "partner must be a string when given."


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://localhost"}])
def test_the_bots_own_pages_and_plain_clients_need_no_partner(client, headers):
    response = client.post("/api/chat", json=CHAT, headers=headers)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_behind_a_proxy_the_public_url_counts_as_the_bots_own(app, client):
    app.config["PUBLIC_URL"] = "https://bot.example.org"
    response = client.post("/api/chat", json=CHAT, headers={"Origin": "https://bot.example.org"})
    assert response.status_code == 200


# --- the demo partner page ------------------------------------------------------------------


def test_the_demo_page_embeds_the_widget_with_one_script_tag(client):
    page = client.get("/demo").get_data(as_text=True)
    tag = re.search(
        r'<script src="/widget.js" nonce="[^"]+" data-partner="demo" async></script>', page
    )
    assert tag and page.count("<script") == 1
    assert "not in this database" not in page


def test_the_demo_page_says_how_to_add_a_missing_demo_partner(client, database):
    database["partner"].delete("demo")
    page = client.get("/demo").get_data(as_text=True)
    assert "kb reload" in page


def test_the_demo_exit_page_is_neutral(client):
    page = client.get("/demo/elsewhere").get_data(as_text=True).lower()
    for word in ("traffick", "help", "chat", "widget", "resource"):
        assert word not in page


def test_a_partner_chat_is_counted_for_that_partner(client, partner, database):
    client.post("/api/chat?partner=riverside", json=CHAT, headers={"Origin": PARTNER_SITE})
    client.post("/api/chat", json={**CHAT, "session_id": "own-page"})
    today = events.day_of(time.time())
    partners_seen = sorted(e["partner"] for e in events.in_progress(database, today, today))
    assert partners_seen == ["", "riverside"]


def test_the_chat_pages_own_settings_are_for_the_bots_own_pages(client):
    own = client.get("/widget/config", headers={"Origin": "http://localhost"})
    assert own.status_code == 200
    body = own.get_json()
    assert body["partner"] == "" and body["exit_url"] == "http://localhost/demo/elsewhere"
    assert body["max_message"] == 2000 and body["forget_minutes"] == 30
    assert "Access-Control-Allow-Origin" not in own.headers
    foreign = client.get("/widget/config", headers={"Origin": STRANGER})
    assert foreign.status_code == 403
    assert foreign.get_json()["error"].endswith(".")


@pytest.mark.parametrize("app_config", [{"CHAT_PAGE_EXIT_URL": "https://news.example.com/"}])
def test_the_chat_pages_quick_exit_address_is_a_setting(client):
    body = client.get("/widget/config").get_json()
    assert body["exit_url"] == "https://news.example.com/"
