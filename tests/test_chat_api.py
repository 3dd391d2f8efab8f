"""POST /api/chat: the JSON contract in DESIGN.md, its 400s, and never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.types import INTENTS

REPLY_KEYS = {"session_id", "reply", "intent", "lang", "resources"}
RESOURCE_KEYS = {"id", "name", "phone", "text", "url", "summary"}


def assert_contract(body, session_id):
    """The 200 body has exactly the contract's fields, with the contract's types."""
    assert set(body) == REPLY_KEYS
    assert body["session_id"] == session_id
    assert isinstance(body["reply"], str) and body["reply"].strip()
    assert body["intent"] in INTENTS
    assert body["lang"] in ("en", "es")
    assert isinstance(body["resources"], list)
    for resource in body["resources"]:
        assert set(resource) == RESOURCE_KEYS
        assert all(isinstance(value, str) for value in resource.values())


def post_json(client, body):
    """Post body serialised as JSON, whatever it is (json=None would send no body at all)."""
    return client.post("/api/chat", data=json.dumps(body), content_type="application/json")


def assert_bad_request(response):
    """A 400 whose JSON body is one plain sentence under "error"."""
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert body["error"][0].isalpha() and body["error"].endswith(".")


@pytest.mark.parametrize(
    "message",
    ["I need help", "find services", "someone took my passport", "hola", "", "?"],
)
def test_a_message_gets_the_contract_shape(chat, message):
    assert_contract(chat(message, session_id="shape-1"), "shape-1")


def test_resources_carry_the_hotline_numbers(chat):
    body = chat("I need help")
    hotline = next(r for r in body["resources"] if r["id"] == "nhth")
    assert hotline["phone"] == "1-888-373-7888"
    assert hotline["text"] == "233733"
    assert hotline["url"].startswith("https://")
    assert hotline["summary"]


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("hello", "text/plain"),
        ("hello", "application/json"),
        ("{not json", "application/json"),
        ("", "application/json"),
        ("session_id=a&message=hi", "application/x-www-form-urlencoded"),
    ],
    ids=["plain-text", "text-labelled-json", "broken-json", "empty-body", "form"],
)
def test_a_body_that_is_not_json_is_a_400(client, data, content_type):
    assert_bad_request(client.post("/api/chat", data=data, content_type=content_type))


@pytest.mark.parametrize(
    "body",
    [
        [],
        [{"session_id": "a", "message": "hi"}],
        "hi",
        42,
        None,
        True,
        # fields
        {"message": "hi"},
        {"session_id": 7, "message": "hi"},
        {"session_id": None, "message": "hi"},
        {"session_id": ["a"], "message": "hi"},
        {"session_id": {"id": "a"}, "message": "hi"},
        {"session_id": "", "message": "hi"},
        {"session_id": "   ", "message": "hi"},
        {"session_id": "a"},
        {"session_id": "a", "message": 12},
        {"session_id": "a", "message": 1.5},
        {"session_id": "a", "message": None},
        {"session_id": "a", "message": ["hi"]},
        {"session_id": "a", "message": {"text": "hi"}},
        {"session_id": "a", "message": True},
        {"session_id": "a", "message": "x" * 2001},
        {"session_id": "a", "message": "hi", "lang": "fr"},
        {"session_id": "a", "message": "hi", "lang": "EN"},
        {"session_id": "a", "message": "hi", "lang": ""},
        {"session_id": "a", "message": "hi", "lang": 1},
        {"session_id": "a", "message": "hi", "lang": ["es"]},
    ],
    ids=[
        "empty-array",
        "array-of-object",
        "string",
        "number",
        "null",
        "true",
        "missing-session-id",
        "number-session-id",
        "null-session-id",
        "list-session-id",
        "object-session-id",
        "empty-session-id",
        "blank-session-id",
        "missing-message",
        "int-message",
        "float-message",
        "null-message",
        "list-message",
        "object-message",
        "bool-message",
        "message-2001-chars",
        "lang-fr",
        "lang-upper-case",
        "lang-empty",
        "lang-number",
        "lang-list",
    ],
)
def test_bad_input_is_a_400_with_a_sentence(client, body):
    assert_bad_request(post_json(client, body))


@pytest.mark.parametrize(
    "session_id, status", [("\x1c", 200), ("\x85", 200), ("\ufeff\u2003", 400)]
)
def test_a_session_id_is_blank_exactly_where_the_api_description_says(client, session_id, status):
    # The description's pattern "\\S" is an ECMA-262 regex: U+001C and U+0085 are not white
    # space there (Python's strip() removes them), and U+FEFF is (strip() keeps it).
    response = client.post("/api/chat", json={"session_id": session_id, "message": "hola"})
    assert response.status_code == status


def test_a_message_of_exactly_2000_characters_is_accepted(client):
    message = ("I need help " * 200)[:2000]
    response = client.post("/api/chat", json={"session_id": "long", "message": message})
    assert response.status_code == 200
    assert_contract(response.get_json(), "long")


def test_a_body_over_the_size_limit_is_a_413_with_a_json_error(client):
    response = client.post("/api/chat", json={"session_id": "a", "message": "x" * 100_000})
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert isinstance(response.get_json()["error"], str)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_lang_is_accepted_when_it_is_en_or_es(chat, lang):
    assert chat("911", lang=lang)["lang"] == lang


@pytest.mark.parametrize("message", ["911", "necesito ayuda"])
def test_a_spanish_hint_gets_a_spanish_reply(chat, message):
    body = chat(message, session_id="hint-es", lang="es")
    assert body["lang"] == "es"
    assert "llame" in body["reply"].lower()
    assert "call" not in body["reply"].lower()


def test_spanish_is_detected_without_a_hint(chat):
    body = chat("necesito ayuda")
    assert body["lang"] == "es"
    assert "llame" in body["reply"].lower()


def test_the_reply_never_echoes_the_message(chat):
    body = chat("my name is Zephyrine Quillfeather and I need help")
    assert "Zephyrine" not in body["reply"]
    assert "Quillfeather" not in json.dumps(body)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
CHAT_BODIES = JSON_VALUES | st.fixed_dictionaries(
    {},
    optional={
        "session_id": st.text(max_size=250) | JSON_VALUES,
        "message": st.text(max_size=2100) | JSON_VALUES,
        "lang": st.sampled_from(["en", "es", "fr", ""]) | JSON_VALUES,
    },
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=CHAT_BODIES)
def test_any_json_body_gets_a_200_or_a_400_never_a_500(client, body):
    response = post_json(client, body)
    assert response.status_code in (200, 400), response.data
    if response.status_code == 200:
        assert_contract(response.get_json(), body["session_id"])
    else:
        assert_bad_request(response)


def test_a_service_named_with_a_possessive_is_found(client):
    body = client.post(
        "/api/chat", json={"session_id": "possessive", "message": "what is love146's number"}
    ).get_json()
    assert body["intent"] == "find_services"
    assert "203-772-4420" in body["reply"]
