"""Security headers on every response: a Content-Security-Policy, nosniff, Referrer-Policy."""

import re

import pytest

from tests.admin_support import add_staff, sign_in

PAGES = [
    "/",
    "/demo",
    "/demo/elsewhere",
    "/admin/login",
    "/admin/",
    "/widget.js",
    "/widget/config",
    "/widget/config/demo",
    "/healthz",
    "/openapi.json",
    "/no-such-page",
]
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    header = response.headers.get("Content-Security-Policy", "")
    assert header, "no Content-Security-Policy"
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    rules = policy(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert rules["default-src"] == "'self'"
    assert rules["object-src"] == "'none'" and rules["base-uri"] == "'none'"
    assert rules["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_a_chat_api_answer_and_an_error_carry_them_too(client):
    for response in (
        client.post("/api/chat", json={"session_id": "s", "message": "hello"}),
        client.post("/api/chat", data="not json"),
        client.post("/sms"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert policy(response)["frame-ancestors"] == "'none'"


def test_the_signed_in_editor_cannot_be_framed(app, client):
    add_staff(app, "viewer")
    sign_in(client, "viewer")
    for url in ("/admin/", "/admin/service/", "/admin/reports", "/admin/preview"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["frame-ancestors"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/demo", "/demo/elsewhere"])
def test_inline_styles_carry_this_responses_nonce(client, url):
    first, second = client.get(url), client.get(url)
    html = first.get_data(as_text=True)
    nonce = NONCE.search(policy(first)["style-src"]).group(1)
    assert html.count("<style") == html.count(f'<style nonce="{nonce}"') >= 1
    assert NONCE.search(policy(second)["style-src"]).group(1) != nonce


def test_pages_without_inline_styles_get_no_nonce(client):
    assert "nonce" not in client.get("/admin/login").headers["Content-Security-Policy"]
