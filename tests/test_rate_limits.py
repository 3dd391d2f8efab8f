"""Rate limits that hold across workers: counted in the database every instance shares."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from app import create_app
from knowledge import reports
from settings import StartupError
from tests.conftest import AUTH_TOKEN, BASE_CONFIG, SMS_URL, TEST_PHONE

LIMITS = {"SMS_RATE_LIMIT": "3/minute", "CHAT_RATE_LIMIT": "4/minute"}


@pytest.fixture
def app_config():
    return LIMITS


@pytest.fixture
def second_client(app):
    """A second app on the same database file: another gunicorn worker, as far as SQLite sees."""
    return create_app({**BASE_CONFIG, "DATABASE": app.config["DATABASE"], **LIMITS}).test_client()


def chat_status(client, session_id, address="192.0.2.7"):
    response = client.post(
        "/api/chat",
        json={"session_id": session_id, "message": "i need a lawyer"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, response.get_json()


def sms_texts(client, sid, body="i need a lawyer"):
    params = {
        "From": TEST_PHONE,
        "To": "+18885550100",
        "Body": body,
        "MessageSid": f"SM{sid:032x}",
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(SMS_URL, params)
    response = client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]


def test_the_chat_limit_holds_across_two_workers(client, second_client):
    statuses = [chat_status(c, f"flood-{i}")[0] for i, c in enumerate([client, second_client] * 3)]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_a_limited_chat_gets_a_sentence_with_the_hotline(client):
    for i in range(4):
        chat_status(client, f"s{i}")
    status, body = chat_status(client, "s5")
    assert status == 429
    assert "1-888-373-7888" in body["error"] and "911" in body["error"]


def test_the_chat_limit_is_per_address(client):
    for i in range(5):
        chat_status(client, f"a{i}")
    assert chat_status(client, "other", address="198.51.100.9")[0] == 200


def test_a_chat_flood_stays_out_of_the_reports(client, database):
    for i in range(30):
        chat_status(client, f"flood-{i}")
    today = dt.datetime.now(dt.UTC).date()
    signals = reports.build(database, today, today).tables[0].total
    assert database["conversation"].count == 4
    assert signals.value == 4


def test_the_sms_limit_holds_across_two_workers(client, second_client):
    replies = [sms_texts(c, i) for i, c in enumerate([client, second_client] * 3)]
    assert [len(r) for r in replies[:3]] == [1, 1, 1]
    assert "pause" in replies[3][0]  # one notice, from whichever worker tripped it
    assert replies[4:] == [[], []]


def test_a_bad_chat_limit_stops_the_start_with_a_sentence(app):
    with pytest.raises(StartupError, match="CHAT_RATE_LIMIT is not a rate"):
        create_app({**BASE_CONFIG, "DATABASE": app.config["DATABASE"], "CHAT_RATE_LIMIT": "lots"})


def test_loopback_is_not_counted_so_a_local_proxy_cannot_throttle_everyone(client):
    statuses = {chat_status(client, f"local-{i}", address="127.0.0.1")[0] for i in range(8)}
    assert statuses == {200}
    assert chat_status(client, "outside")[0] == 200  # other addresses still counted
