"""Twilio retries and erasure: a replayed MessageSid changes nothing; DELETE erases the sender."""

import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator

from knowledge.state import keyed_hash
from tests.conftest import AUTH_TOKEN, SMS_URL, TEST_PHONE


def post(client, body, sid, sender=TEST_PHONE):
    params = {
        "From": sender,
        "To": "+18885550100",
        "Body": body,
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(SMS_URL, params)
    response = client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]


def sender_rows(database, sender=TEST_PHONE):
    """Rows holding the sender's key, per table ("elsewhere": in any other text column).

    The rate-limit counter is left out: it lasts one window, and DELETE must not reset it.
    """
    key = keyed_hash("test-hash-key", "sms", sender)
    elsewhere = 0
    for table in database.tables:
        if table.name in ("conversation", "subscriber", "rate_count"):
            continue
        for column in table.columns:
            if column.type == "TEXT":
                elsewhere += table.count_where(f"instr([{column.name}], ?) > 0", [key])
    return {
        "conversation": database["conversation"].count_where("key = ?", [key]),
        "subscriber": database["subscriber"].count_where("key = ?", [key]),
        "elsewhere": elsewhere,
    }


def test_a_replayed_message_sid_gets_the_same_reply_and_changes_nothing(client, database):
    first = post(client, "find services", "SM" + "a" * 32)
    state_after_first = list(database["conversation"].rows)
    replayed = post(client, "find services", "SM" + "a" * 32)
    assert replayed == first
    assert list(database["conversation"].rows) == state_after_first


def test_a_replayed_stop_is_confirmed_once_and_start_still_works(client):
    stop = post(client, "STOP", "SM" + "b" * 32)
    assert "START" in stop[0]
    assert post(client, "STOP", "SM" + "b" * 32) == stop  # Twilio's retry, same answer
    assert post(client, "help me", "SM" + "c" * 32) == []
    assert "STOP" in post(client, "START", "SM" + "d" * 32)[0]


def test_a_new_message_sid_advances_the_conversation(client):
    post(client, "find services", "SM" + "e" * 32)
    reply = post(client, "hartford", "SM" + "f" * 32)
    assert "Hartford" in reply[0]


def test_delete_erases_every_row_tied_to_the_sender(client, database):
    post(client, "find services", "SM" + "1" * 32)
    post(client, "STOP", "SM" + "2" * 32)
    post(client, "START", "SM" + "3" * 32)
    assert any(sender_rows(database).values())
    reply = post(client, "DELETE", "SM" + "4" * 32)
    assert "erased" in reply[0]
    assert sender_rows(database) == {"conversation": 0, "subscriber": 0, "elsewhere": 0}


def test_borrar_erases_and_confirms_in_spanish(client, database):
    post(client, "necesito ayuda", "SM" + "5" * 32)
    reply = post(client, "Borrar", "SM" + "6" * 32)
    assert "borramos" in reply[0].lower()
    assert sender_rows(database) == {"conversation": 0, "subscriber": 0, "elsewhere": 0}


def test_delete_leaves_other_senders_alone(client, database):
    other = "+18605550199"
    post(client, "find services", "SM" + "7" * 32, sender=other)
    post(client, "DELETE", "SM" + "8" * 32)
    assert sender_rows(database, other)["conversation"] == 1


def test_delete_inside_a_sentence_is_an_ordinary_message(client, database):
    reply = post(client, "how do i delete my messages", "SM" + "9" * 32)
    assert "erased" not in reply[0]
    assert sender_rows(database)["conversation"] == 1
