"""What the bot remembers in a conversation: location follow-ups, language, expiry, privacy."""

import re

import pytest

from bot.engine import SESSION_TTL, respond
from bot.types import Session
from knowledge import db, queries

PHONE_NUMBER = re.compile(r"\d{3}-\d{3}-\d{4}")
SAFETY_LINE = "delete this thread"  # over SMS
CHAT_SAFETY_LINE = "close this tab"  # in webchat, which has no thread to delete
T0 = 1_800_000_000.0
MINUTE = 60.0


@pytest.fixture
def kb(tmp_path):
    """A knowledge snapshot read from a freshly prepared database file."""
    path = tmp_path / "kb.db"
    db.prepare(path)
    conn = db.connect(path)
    yield queries.load(conn)
    conn.conn.close()


# --- a minor named once counts for the rest of the conversation -------------------------

CARELINE = "1-800-842-2288"


def test_an_age_said_in_an_earlier_turn_still_brings_the_careline(kb):
    session = Session()
    respond("i am 14", session, kb, now=T0)
    reply = respond("my boss takes all my pay and keeps my id", session, kb, now=T0 + MINUTE)
    assert reply.minor and CARELINE in reply.text
    assert session.minor


def test_without_an_earlier_age_the_same_turn_names_no_minor(kb):
    reply = respond("my boss takes all my pay and keeps my id", Session(), kb, now=T0)
    assert not reply.minor and CARELINE not in reply.text


def test_an_expired_session_forgets_the_minor(kb):
    session = Session()
    respond("i am 14", session, kb, now=T0)
    reply = respond("my boss takes all my pay and keeps my id", session, kb, now=T0 + 31 * MINUTE)
    assert not reply.minor


# --- expiry, with the engine and explicit clocks -----------------------------------------


def test_a_town_sent_soon_after_the_question_gets_services(kb):
    session = Session()
    asked = respond("find services", session, kb, now=T0)
    assert session.awaiting == "location"
    assert "town or ZIP" in asked.text
    reply = respond("hartford", session, kb, now=T0 + 10 * MINUTE)
    assert reply.intent == "find_services"
    assert "Hartford" in reply.text
    assert PHONE_NUMBER.search(reply.text)
    assert session.awaiting == ""


def test_a_town_sent_after_the_session_expired_is_not_a_location_answer(kb):
    session = Session()
    respond("find services", session, kb, now=T0)
    reply = respond("hartford", session, kb, now=T0 + 31 * MINUTE)
    assert reply.rule != "location"
    assert "Services for Hartford" not in reply.text
    assert session.turns == 1  # a new conversation


def test_the_session_lasts_exactly_thirty_minutes(kb):
    session = Session()
    respond("find services", session, kb, now=T0)
    assert SESSION_TTL == 30 * MINUTE
    reply = respond("hartford", session, kb, now=T0 + SESSION_TTL)
    assert reply.rule == "location"


def test_an_expired_session_forgets_its_language(kb):
    session = Session()
    assert respond("necesito ayuda", session, kb, now=T0).lang == "es"
    assert respond("911", session, kb, now=T0 + MINUTE).lang == "es"
    assert respond("911", session, kb, now=T0 + 40 * MINUTE).lang == "en"


def test_an_expired_session_gets_the_safety_line_again(kb):
    session = Session()
    assert CHAT_SAFETY_LINE in respond("I need help", session, kb, now=T0).text
    assert CHAT_SAFETY_LINE not in respond("I need help", session, kb, now=T0 + MINUTE).text
    assert CHAT_SAFETY_LINE in respond("I need help", session, kb, now=T0 + 45 * MINUTE).text


# --- through the chat API ------------------------------------------------------------------


@pytest.mark.parametrize(
    "place, town", [("06103", "Hartford"), ("new haven", "New Haven"), ("Hartford", "Hartford")]
)
def test_a_location_follow_up_gets_services_near_it(chat, place, town):
    asked = chat("find services", session_id="loc")
    assert asked["intent"] == "find_services"
    reply = chat(place, session_id="loc")
    assert reply["intent"] == "find_services"
    assert town in reply["reply"]
    assert PHONE_NUMBER.search(reply["reply"])
    assert any(r["phone"] and r["id"] != "nhth" for r in reply["resources"])


def test_a_town_without_a_question_is_not_taken_as_a_location_answer(chat):
    chat("I need help", session_id="other")
    assert "Services for" not in chat("hartford", session_id="other")["reply"]


def test_sessions_do_not_share_a_pending_question(chat):
    chat("find services", session_id="asker")
    assert "Services for" not in chat("06103", session_id="stranger")["reply"]


@pytest.mark.parametrize("follow_up", ["ok", "911", "06103", "?"])
def test_the_language_persists_through_an_ambiguous_message(chat, follow_up):
    assert chat("necesito ayuda", session_id="es-1")["lang"] == "es"
    reply = chat(follow_up, session_id="es-1")
    assert reply["lang"] == "es"


def test_espanol_and_english_switch_the_language(chat):
    switched = chat("ESPAÑOL", session_id="switch")
    assert switched["lang"] == "es"
    assert "español" in switched["reply"]
    assert chat("911", session_id="switch")["lang"] == "es"
    back = chat("ENGLISH", session_id="switch")
    assert back["lang"] == "en"
    assert "English" in back["reply"]
    reply = chat("911", session_id="switch")
    assert reply["lang"] == "en"
    assert "call 911" in reply["reply"].lower()


def test_only_the_first_reply_carries_the_safety_line(chat):
    first = chat("I need help", session_id="safety")
    assert CHAT_SAFETY_LINE in first["reply"]
    second = chat("I need help", session_id="safety")
    assert CHAT_SAFETY_LINE not in second["reply"]


def test_the_first_sms_reply_carries_the_safety_line(sms):
    assert SAFETY_LINE in sms("I need help", sender="+12035550177")[0]
    assert SAFETY_LINE not in sms("I need help", sender="+12035550177")[0]


def test_stored_state_holds_no_session_id_phone_number_or_message(database, chat, sms, tmp_path):
    session_id = "widget-session-4f1c2d9e8b7a"
    phone = "+12035550188"
    marker = "Quillfeatherzz"
    chat(f"I need help, my name is {marker}", session_id=session_id)
    chat("find services", session_id=session_id)
    sms(f"I need help, my name is {marker}", sender=phone)
    sms("STOP", sender=phone)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))
    for secret in (session_id, phone, phone[2:], marker):
        assert secret.encode() not in stored, secret
        assert secret.encode("utf-16-le") not in stored, secret
    keys = [row["key"] for table in ("conversation", "subscriber") for row in database[table].rows]
    assert len(keys) == 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
