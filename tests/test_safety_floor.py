"""The safety floor: an empty or damaged knowledge base still names the hotline and 911."""

import xml.etree.ElementTree as ET

import pytest

from bot import floor
from knowledge import kb_io
from knowledge.db import connect

HOTLINE = "1-888-373-7888"
DANGER = "he has a gun and wont let me leave"
MINOR = "im 15 and a guy makes me do stuff for money"
MESSAGES = [DANGER, MINOR, "hello", "i need a lawyer in hartford", "what is trafficking", "?"]


def _empty(app):
    """What importing {"service": []} as kb-json did: every content table emptied."""
    kb_io.import_kb(connect(app.config["DATABASE"]), {"service": []}, confirmed=True)


def _broken_templates(app):
    db = connect(app.config["DATABASE"])
    with db.atomic():
        db.execute("UPDATE reply_template SET text_en = 'call {hotline_call', text_es = '{0}'")


def _unreadable_rows(app):
    db = connect(app.config["DATABASE"])
    with db.atomic():  # rows the snapshot cannot read: the whole reply comes from the floor
        db.execute("UPDATE faq SET phrases_en = 'not json'")


def _wrong_hotline(app):
    db = connect(app.config["DATABASE"])
    with db.atomic():
        db.execute("UPDATE phone SET number = '+12035550199' WHERE service_id = 'nhth'")
        db.execute("UPDATE reply_template SET text_en = '' WHERE key != 'opt_out'")


DAMAGE = [_empty, _broken_templates, _unreadable_rows, _wrong_hotline]


def _texts(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("message", MESSAGES)
def test_every_chat_reply_names_the_hotline_whatever_the_knowledge_base_holds(
    app, client, damage, message
):
    damage(app)
    response = client.post("/api/chat", json={"session_id": "s", "message": message})
    assert response.status_code == 200
    reply = response.get_json()["reply"]
    assert HOTLINE in reply and "233733" in reply
    assert "911" in reply
    if message == DANGER:
        assert reply.index("911") < reply.index(HOTLINE)  # 911 comes first in danger


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_a_minor_gets_the_careline_whatever_the_knowledge_base_holds(app, client, damage):
    damage(app)
    reply = client.post("/api/chat", json={"session_id": "s", "message": MINOR}).get_json()
    assert "1-800-842-2288" in reply["reply"]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("message", [DANGER, MINOR, "hello", "HELP"])
def test_every_text_names_the_hotline_whatever_the_knowledge_base_holds(
    app, sms_post, damage, message
):
    damage(app)
    [text] = _texts(sms_post(message))
    assert HOTLINE in text and "233733" in text and "911" in text


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_stop_and_start_still_confirm_on_an_empty_knowledge_base(app, sms_post, damage):
    damage(app)
    [stop] = _texts(sms_post("STOP"))
    assert "START" in stop and "Trafficking" not in stop
    assert _texts(sms_post("hello")) == []
    [start] = _texts(sms_post("START"))
    assert "STOP" in start


def test_help_on_an_empty_knowledge_base_names_no_trafficking_word(app, sms_post):
    _empty(app)
    [text] = _texts(sms_post("HELP"))
    assert HOTLINE in text and "911" in text and "trafficking" not in text.lower()


def test_the_chat_api_lists_the_built_in_hotline_when_the_directory_is_empty(app, client):
    _empty(app)
    reply = client.post("/api/chat", json={"session_id": "s", "message": DANGER}).get_json()
    ids = [r["id"] for r in reply["resources"]]
    assert ids == ["emergency-911", "nhth"]


@pytest.mark.parametrize("damage", [_empty, _unreadable_rows], ids=["empty", "unreadable"])
def test_healthz_says_degraded_not_503_when_the_floor_answers(app, client, damage):
    damage(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert "safety floor" in body["problem"]


def test_the_floor_keeps_a_complete_reply_as_it_is():
    text = "If you are in danger now, call 911. Hotline: call 1-888-373-7888 or text 233733."
    assert floor.complete(text, "en", "emergency") == text


def test_the_floor_puts_911_first_and_adds_the_careline_and_hotline():
    text = floor.complete("", "es", "emergency", minor=True)
    assert text.startswith("Si está en peligro ahora, llame al 911.")
    assert "1-800-842-2288" in text and HOTLINE in text


def test_the_floor_puts_911_first_when_danger_is_possible_whatever_the_intent():
    text = floor.complete("Here is help near you.", "en", "find_services", danger=True)
    assert text.splitlines()[0] == "If you are in danger now, call 911."
    # 911 further down (a service's note, the hotline line) is not 911 first
    services = "Services:\n- Shelter: call 911 after hours"
    later = floor.complete(services, "en", "get_help", danger=True)
    assert later.startswith("If you are in danger now, call 911.")
    assert not floor.complete("Here is help.", "en", "get_help").startswith("If you are")
