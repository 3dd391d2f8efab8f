"""Structured logs: one JSON line per request, with no personal data in any of them."""

import json
import logging
import threading
import urllib.request

import pytest

from knowledge import state
from webhooks.logs import logger

PHONE = "+12035550188"
MESSAGES = [
    "my boss took my passport and wont pay me",
    "he has a gun and wont let me leave",
    "im 15 and a guy makes me do stuff for money",
    "find services in hartford",
]


class Lines(logging.Handler):
    """Keeps every formatted log line."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines():
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def _requests(lines):
    records = [json.loads(line) for line in lines]
    return [r for r in records if r["event"] == "request"]


def test_every_request_is_one_json_line_with_method_path_status_and_duration(
    client, chat, log_lines
):
    chat("hello", session_id="s-1")
    client.get("/healthz")
    requests = _requests(log_lines)
    assert [(r["method"], r["path"], r["status"]) for r in requests] == [
        ("POST", "/api/chat", 200),
        ("GET", "/healthz", 200),
    ]
    assert all(r["duration_ms"] >= 0 for r in requests)


def test_bot_routes_log_the_intent_of_the_reply(sms, chat, log_lines):
    sms("he has a gun and wont let me leave", sender=PHONE)
    chat("i need a lawyer", session_id="s-2")
    assert [r["intent"] for r in _requests(log_lines)] == ["emergency", "find_services"]


def test_an_unknown_path_is_logged_without_the_path_itself(client, log_lines):
    client.get("/" + PHONE)
    (request,) = _requests(log_lines)
    assert request["path"] == "(no route)"
    assert request["status"] == 404


def test_logs_after_sms_and_chat_traffic_hold_no_phone_number_message_or_session_id(
    app, sms, chat, log_lines
):
    for message in MESSAGES:
        sms(message, sender=PHONE)
        chat(message, session_id="chat-session-4242")
    sms("STOP", sender=PHONE)
    sms("START", sender=PHONE)
    text = "\n".join(log_lines)
    assert len(_requests(log_lines)) == 2 * len(MESSAGES) + 2
    secret = app.config["PHONE_HASH_KEY"]
    forbidden = [
        PHONE,
        PHONE[2:],  # national digits
        "203-555-0188",
        "5550188",
        "chat-session-4242",
        state.keyed_hash(secret, "sms", PHONE),
        state.keyed_hash(secret, "chat", "chat-session-4242"),
        *MESSAGES,
        "passport",
        "hartford",
    ]
    assert [f for f in forbidden if f.lower() in text.lower()] == []


def test_a_redirect_logs_the_route_it_goes_to_and_an_unknown_path_no_path(client, log_lines):
    assert client.get("/admin").status_code == 308
    assert client.get("/no/such/page/+12035550188").status_code == 404
    paths = [r["path"] for r in _requests(log_lines)]
    assert paths == ["/admin/", "(no route)"]


def test_the_development_server_logs_no_client_address_or_raw_path(app, log_lines):
    from werkzeug.serving import make_server

    werkzeug_lines = Lines()
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(werkzeug_lines)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/healthz?from=+12035550188"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    finally:
        thread.join(timeout=30)
        server.server_close()
        werkzeug_log.removeHandler(werkzeug_lines)
    assert not [line for line in werkzeug_lines.lines if "127.0.0.1" in line]
    assert not any("12035550188" in line for line in werkzeug_lines.lines + log_lines)
    assert [r["path"] for r in _requests(log_lines)] == ["/healthz"]


def test_log_level_warning_keeps_request_lines_out(tmp_path, seeded, log_lines):
    import shutil

    from app import create_app
    from tests.conftest import BASE_CONFIG

    shutil.copyfile(seeded, tmp_path / "bot.db")
    quiet = create_app(
        {**BASE_CONFIG, "DATABASE": str(tmp_path / "bot.db"), "LOG_LEVEL": "warning"}
    )
    try:
        quiet.test_client().get("/healthz")
        assert _requests(log_lines) == []
    finally:
        logger.setLevel(logging.INFO)


def test_an_unknown_log_level_refuses_to_start_with_a_sentence(tmp_path, seeded):
    import shutil

    from app import create_app
    from tests.conftest import BASE_CONFIG

    shutil.copyfile(seeded, tmp_path / "bot.db")
    with pytest.raises(SystemExit, match="LOG_LEVEL must be one of"):
        create_app({**BASE_CONFIG, "DATABASE": str(tmp_path / "bot.db"), "LOG_LEVEL": "loud"})
    logger.setLevel(logging.INFO)
