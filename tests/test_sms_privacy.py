"""After real conversations, neither the SQLite file nor the logs hold numbers or texts."""

import glob
import json
import logging
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, TEST_PHONE

OTHER_PHONE = "+18605550188"
# Each message carries a word that appears nowhere in the knowledge base, so finding it
# anywhere in storage or logs can only mean the message text was kept.
CONVERSATION = [
    "hi my name is Quillberta and i need help",
    "my boss Zandrovik took my passport",
    "im 15 and Marlowe Xiptus makes me sell stuff",
    "find services",
    "hartford",
    "MORE",
    "que es la trata, pregunta Ofelindra",
    "STOP",
    "START",
]
SECRET_WORDS = ["Quillberta", "Zandrovik", "Marlowe Xiptus", "Ofelindra"]


def phone_forms(number):
    """The ways a US number could be written down: E.164, digits, national."""
    digits = number[2:]
    return [
        number,
        digits,
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
    ]


def stored_bytes(path):
    """The database file with its WAL and shared-memory files, as bytes."""
    return b"".join(Path(name).read_bytes() for name in sorted(glob.glob(path + "*")))


@pytest.fixture
def traffic(app, client, sms, chat, caplog):
    """A conversation over SMS from two numbers, one over chat, and a status callback."""
    caplog.set_level(logging.DEBUG)
    for body in CONVERSATION:
        sms(body)
        sms(body, sender=OTHER_PHONE)
        chat(body, session_id=f"chat-{TEST_PHONE}")
    params = {
        "MessageSid": "SM" + "f" * 32,
        "MessageStatus": "failed",
        "ErrorCode": "21610",
        "To": OTHER_PHONE,
        "From": "+18885550100",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/sms/status", params
    )
    client.post("/sms/status", data=params, headers={"X-Twilio-Signature": signature})
    return caplog.records[:], caplog.text  # what was logged while the traffic ran


def test_the_database_file_holds_no_phone_number_and_no_message_text(app, traffic):
    data = stored_bytes(app.config["DATABASE"])
    assert len(data) > 100_000  # the file really is the knowledge base, not an empty path
    for number in (TEST_PHONE, OTHER_PHONE):
        for form in phone_forms(number):
            assert form.encode() not in data, form
    for word in SECRET_WORDS:
        assert word.encode() not in data, word
        assert word.lower().encode() not in data, word
    for body in CONVERSATION[:3]:
        assert body.encode() not in data


def test_the_logs_hold_no_phone_number_and_no_message_text(traffic):
    records, text = traffic
    assert records, "the app logs nothing at all, so this test would prove nothing"
    text = text.lower()
    for number in (TEST_PHONE, OTHER_PHONE):
        for form in phone_forms(number):
            assert form not in text, form
    for word in SECRET_WORDS:
        assert word.lower() not in text, word


def test_the_conversation_really_happened(app, database, traffic):
    assert database["conversation"].count >= 3
    assert database["subscriber"].count == 1  # the carrier's opt-out; START left no row
    assert database["delivery"].count == 2 * len(CONVERSATION)


def test_no_sender_row_holds_a_report_event_id(database, traffic):
    states = [json.loads(row["state"]) for row in database["conversation"].rows]
    assert states and all("event_id" not in state for state in states)
    columns = {
        table: [c.name for c in database[table].columns]
        for table in ("conversation", "subscriber", "delivery")
    }
    assert columns == {
        "conversation": ["key", "state", "updated_at"],
        "subscriber": ["key", "opted_out", "updated_at"],
        "delivery": ["key", "reply", "created_at"],
    }


def test_remembered_replies_hold_no_text_no_message_sid_and_no_sender(database, traffic):
    rows = list(database["delivery"].rows)
    everything = b"".join(bytes(row["reply"]) + row["key"].encode() for row in rows)
    for word in (b"1-888-373-7888", b"Hotline", b"STOP", b"SM0000"):
        assert word not in everything
    assert max(len(row["reply"]) for row in rows) < 320  # compressed: under two SMS segments


def test_start_leaves_no_opt_out_row(sms, database):
    sms("STOP")
    assert database["subscriber"].count == 1
    sms("START")
    assert database["subscriber"].count == 0
