"""Abuse and delivery: the per-sender rate limit, and Twilio's status callback."""

import time
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from app import create_app
from knowledge.state import keyed_hash
from tests.conftest import AUTH_TOKEN, TEST_PHONE

STATUS_URL = "http://localhost/sms/status"
OTHER_PHONE = "+12035550199"


@pytest.fixture
def app_config():
    """A small, short rate limit, so a test can trip it and watch it clear."""
    return {"SMS_RATE_LIMIT": "3 per 2 seconds"}


def test_the_rate_limit_sends_one_notice_then_silence(sms):
    for _ in range(3):
        assert len(sms("i need help")) == 1
    notice = sms("i need help")
    assert len(notice) == 1
    assert "911" in notice[0] and "1-888-373-7888" in notice[0]
    assert "pause" in notice[0]
    assert sms("i need help") == []
    assert sms("hello?") == []


def test_the_rate_limit_clears_and_a_new_trip_gets_a_new_notice(sms):
    for _ in range(3):
        sms("hello")
    assert "pause" in sms("hello")[0]
    assert sms("hello") == []
    time.sleep(2.2)  # the window is two seconds long
    reply = sms("i need a lawyer")
    assert len(reply) == 1 and "Connecticut Legal Services" in reply[0]
    sms("hello")
    sms("hello")
    assert "pause" in sms("hello")[0]


def test_the_rate_limit_is_per_sender(sms):
    for _ in range(5):
        sms("hello")
    assert len(sms("hello", sender=OTHER_PHONE)) == 1


@pytest.mark.parametrize("word", ["STOP", "HELP", "DELETE"])
def test_carrier_keywords_are_answered_even_when_limited(sms, word):
    for _ in range(5):
        sms("hello")
    assert len(sms(word)) == 1


def test_a_limited_sender_who_opted_out_gets_no_notice(sms):
    assert len(sms("STOP")) == 1
    for _ in range(6):
        assert sms("hello") == []


def test_a_bad_rate_limit_setting_stops_the_app_at_start(tmp_path):
    with pytest.raises(SystemExit, match="SMS_RATE_LIMIT"):
        create_app(
            {"TESTING": True, "DATABASE": str(tmp_path / "bot.db"), "SMS_RATE_LIMIT": "lots"}
        )


def post_status(client, fields, token=AUTH_TOKEN, url=STATUS_URL):
    params = {"AccountSid": "AC" + "0" * 32, "From": "+18885550100", **fields}
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post("/sms/status", data=params, headers={"X-Twilio-Signature": signature})


def test_replies_ask_twilio_to_report_their_status(sms_post):
    response = sms_post("hello")
    message = ET.fromstring(response.data).find("Message")
    assert message.get("action") == STATUS_URL
    assert message.get("method") == "POST"


def test_behind_a_proxy_the_status_callback_uses_the_public_url(app, client):
    app.config["PUBLIC_URL"] = "https://bot.example.org"
    params = {"From": TEST_PHONE, "To": "+18885550100", "Body": "hi", "MessageSid": "SM1"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://bot.example.org/sms", params
    )
    response = client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})
    action = ET.fromstring(response.data).find("Message").get("action")
    assert action == "https://bot.example.org/sms/status"


def test_a_failed_delivery_is_recorded_without_the_number(client, database):
    fields = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    response = post_status(client, {**fields, "To": TEST_PHONE})
    assert response.status_code == 204
    rows = list(database["delivery_failure"].rows)
    assert rows == [
        {
            "message_sid": fields["MessageSid"],
            "status": "undelivered",
            "error_code": "30003",
            "created_at": rows[0]["created_at"],
        }
    ]


def test_a_delivered_reply_is_not_recorded(client, database):
    fields = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "delivered", "To": TEST_PHONE}
    assert post_status(client, fields).status_code == 204
    assert database["delivery_failure"].count == 0


def test_error_21610_marks_the_recipient_opted_out(client, database, sms):
    fields = {
        "MessageSid": "SM" + "c" * 32,
        "MessageStatus": "failed",
        "ErrorCode": "21610",
        "To": TEST_PHONE,
    }
    assert post_status(client, fields).status_code == 204
    key = keyed_hash("test-hash-key", "sms", TEST_PHONE)
    assert database["subscriber"].get(key)["opted_out"] == 1
    assert sms("help me please") == []
    assert len(sms("START")) == 1
    assert len(sms("help me please")) == 1
    assert len(sms("hello", sender=OTHER_PHONE)) == 1


@pytest.mark.parametrize(
    "options",
    [{"token": "wrong-token"}, {"url": "http://localhost/elsewhere"}],
    ids=["forged", "wrong-url"],
)
def test_a_status_callback_without_a_valid_signature_is_forbidden(client, database, options):
    fields = {
        "MessageSid": "SM1",
        "MessageStatus": "failed",
        "ErrorCode": "21610",
        "To": TEST_PHONE,
    }
    assert post_status(client, fields, **options).status_code == 403
    assert database["subscriber"].count == 0
    assert database["delivery_failure"].count == 0


def test_an_unsigned_status_callback_is_forbidden(client):
    assert client.post("/sms/status", data={"MessageSid": "SM1"}).status_code == 403


def test_a_status_callback_without_a_message_sid_is_a_clear_400(client):
    response = post_status(client, {"MessageStatus": "failed"})
    assert response.status_code == 400
    assert b"MessageSid" in response.data
