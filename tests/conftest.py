"""Fixtures: the app on a real SQLite file; helpers that post as Twilio and the widget do."""

import gc
import itertools
import shutil
import sqlite3
import sys
import xml.etree.ElementTree as ET
from contextlib import closing

import pytest
import sqlite_utils
from twilio.request_validator import RequestValidator

from app import create_app

AUTH_TOKEN = "test-token"
SMS_URL = "http://localhost/sms"
TEST_PHONE = "+12035550123"


@pytest.fixture
def app_config():
    """Settings a test module adds to the app's (override this fixture to change them)."""
    return {}


BASE_CONFIG = {
    "TESTING": True,
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "SECRET_KEY": "test",
    "PHONE_HASH_KEY": "test-hash-key",
    # One model per process, trained once: hundreds of edits would each retrain it.
    "RETRAIN_ON_CHANGE": "",
    # Tests edit the knowledge base and expect the very next reply to read the edit.
    "REBUILD_IN_BACKGROUND": "",
    # Reading 50 examples at each app's start would cost most of many modules' time.
    "WARM_UP": "",
}


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """A database file filled with the curated knowledge base once, copied for each test."""
    folder = tmp_path_factory.mktemp("seeded")
    create_app({**BASE_CONFIG, "DATABASE": str(folder / "build.db")})
    template = folder / "template.db"
    with closing(sqlite3.connect(folder / "build.db")) as conn:
        conn.execute(f"VACUUM INTO '{template}'")  # one self-contained file, no WAL beside it
    return template


@pytest.fixture
def app(tmp_path, app_config, seeded):
    """The app on a fresh database file, filled with the curated knowledge base."""
    path = tmp_path / "bot.db"
    if "DATABASE" not in app_config:
        shutil.copyfile(seeded, path)
    return create_app({**BASE_CONFIG, "DATABASE": str(path), **app_config})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def database(app):
    """A sqlite-utils connection to the app's database file, for looking and editing behind it."""
    conn = sqlite_utils.Database(app.config["DATABASE"])
    yield conn
    conn.close()


@pytest.fixture
def sms_post(client):
    """Post Twilio's form fields for one text to /sms, signed for url with token; the response.

    signature replaces the computed one ("" sends no header); tamper changes fields after signing.
    """
    sids = itertools.count(1)

    def post(
        body,
        sender=TEST_PHONE,
        num_media=0,
        url=SMS_URL,
        token=AUTH_TOKEN,
        signature=None,
        tamper=None,
    ):
        params = {
            "To": "+18885550100",
            "Body": body,
            "MessageSid": f"SM{next(sids):032x}",
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": str(num_media),
        }
        if sender is not None:
            params["From"] = sender
        if signature is None:
            signature = RequestValidator(token).compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return client.post("/sms", data={**params, **(tamper or {})}, headers=headers)

    return post


@pytest.fixture
def sms(sms_post):
    """Send a signed text to /sms; the texts of the reply's <Message> elements ([]: no reply)."""

    def send(body, sender=TEST_PHONE, num_media=0):
        response = sms_post(body, sender, num_media)
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/xml"
        root = ET.fromstring(response.data)
        assert root.tag == "Response"
        return [message.text or "" for message in root.iter("Message")]

    return send


@pytest.fixture
def chat(client):
    """Post one message to /api/chat; returns the JSON reply (asserting a 200)."""

    def send(message, session_id="test-session", lang=None):
        body = {"session_id": session_id, "message": message}
        if lang is not None:
            body["lang"] = lang
        response = client.post("/api/chat", json=body)
        assert response.status_code == 200, response.data
        return response.get_json()

    return send


@pytest.fixture
def release_spooled_uploads():
    """Collect the temporary files Werkzeug's test client spools large uploads to.

    The test client never closes them; left to the garbage collector, their
    ResourceWarning lands in whichever test happens to run a collection next.
    """
    yield
    hook, sys.unraisablehook = sys.unraisablehook, lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def pytest_collection_modifyitems(items):
    """Browser tests are slow: `pytest -m "not slow"` runs the quick ones alone."""
    for item in items:
        if "/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
