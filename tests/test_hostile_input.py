"""Hostile input: a schema-driven fuzz run from the served OpenAPI description, and bad bytes.

Every request here must get a 4xx with a plain sentence (or a normal answer), never a 5xx.
"""

import json
import random
import string

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from twilio.request_validator import RequestValidator

from bot import index
from bot.index import Lexicon
from bot.match import LONGEST_WORD, word_similarity
from tests.conftest import AUTH_TOKEN, SMS_URL
from webhooks.openapi import DOCUMENT

FUZZED = [
    ("/api/chat", "POST", GenerationMode.POSITIVE),
    ("/api/chat", "POST", GenerationMode.NEGATIVE),
    ("/sms", "POST", GenerationMode.POSITIVE),
    ("/sms", "POST", GenerationMode.NEGATIVE),
    ("/healthz", "GET", GenerationMode.POSITIVE),
]
TOO_BIG = 65 * 1024


def sign(case) -> None:
    """Sign a generated /sms form as Twilio would, so the fuzzing reaches the bot itself."""
    form = case.body if isinstance(case.body, dict) else {}
    fields = {str(k): str(v) for k, v in form.items()}
    case.headers = {**(case.headers or {}), "X-Twilio-Signature": ""}
    case.headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(
        SMS_URL, fields
    )


def test_the_app_serves_its_openapi_description(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    served = response.get_json()
    assert served == json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert served["openapi"].startswith("3.")
    assert {"/api/chat", "/sms", "/healthz"} <= set(served["paths"])


def test_the_description_declares_the_partner_field_and_its_403(client):
    # Undeclared, a generated "partner": 5 was a schema-valid body the server refuses (400),
    # and an unknown partner's 403 an undocumented status.
    served = client.get("/openapi.json").get_json()
    fields = served["components"]["schemas"]["ChatRequest"]["properties"]
    assert fields["partner"]["type"] == "string"
    assert "403" in served["paths"]["/api/chat"]["post"]["responses"]
    body = {"session_id": "s", "message": "hola", "partner": "no-such-partner"}
    refused = client.post("/api/chat", json=body)
    assert refused.status_code == 403
    assert refused.get_json()["error"]


@pytest.mark.parametrize("path, method, mode", FUZZED, ids=lambda v: str(getattr(v, "value", v)))
def test_schema_driven_fuzzing_never_gets_a_server_error(app, path, method, mode):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    statuses = set()

    @given(case=schema[path][method].as_strategy(mode))
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if path == "/sms" and mode is GenerationMode.POSITIVE:
            sign(case)
        response = case.call()
        statuses.add(response.status_code)
        assert response.status_code < 500, response.text
        case.validate_response(response)  # status, content type and body match the schema

    run()
    if mode is GenerationMode.NEGATIVE:
        assert statuses and all(400 <= s < 500 for s in statuses)
    else:
        assert 200 in statuses  # signed texts and valid chats reach the bot itself


def post_endpoints(app) -> list[str]:
    """Every public POST address (the staff editor has its own sign-in and CSRF tests)."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.arguments and not rule.rule.startswith("/admin")
    )


BAD_BODIES = {
    "oversized json": (b'{"message": "' + b"a" * TOO_BIG + b'"}', "application/json"),
    "oversized form": (b"Body=" + b"a" * TOO_BIG, "application/x-www-form-urlencoded"),
    "malformed json": (b'{"session_id": "x", "message": ', "application/json"),
    "json nested too deep": (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    "non-utf-8 json": (b'{"session_id": "\xff\xfe", "message": "\xc3\x28"}', "application/json"),
    "non-utf-8 form": (b"From=%FF%FE&Body=\xff\xfe\xfd", "application/x-www-form-urlencoded"),
    "lone surrogate": (b'{"session_id": "\\ud800", "message": "\\udfff"}', "application/json"),
    "huge number": (b'{"session_id": 1' + b"0" * 5000 + b', "message": "x"}', "application/json"),
    "not json at all": (b"\x00\x01\x02 binary", "application/octet-stream"),
    "wrong type": (b'{"session_id": ["a"], "message": {"b": 1}}', "application/json"),
    "multipart garbage": (b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data"),
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_bad_bodies_on_every_post_endpoint_get_a_4xx_with_a_plain_sentence(app, client, kind):
    body, content_type = BAD_BODIES[kind]
    endpoints = post_endpoints(app)
    assert {"/api/chat", "/sms"} <= set(endpoints)
    for endpoint in endpoints:
        response = client.post(endpoint, data=body, content_type=content_type)
        assert 400 <= response.status_code < 500, (endpoint, response.status_code)
        if response.is_json:
            assert response.get_json()["error"].endswith(".")


def test_a_session_id_with_an_unpaired_surrogate_is_refused_in_a_sentence(client):
    response = client.post(
        "/api/chat",
        data=b'{"session_id": "abc\\ud83d", "message": "help me"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not valid Unicode" in response.get_json()["error"]


def test_a_message_with_an_unpaired_surrogate_is_still_answered(client):
    response = client.post(
        "/api/chat",
        data=b'{"session_id": "abc", "message": "help \\ud83d me"}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "1-888-373-7888" in response.get_json()["reply"]


def test_a_signed_text_with_bytes_that_are_not_utf_8_is_still_answered(client):
    # Werkzeug leaves percent escapes that are not UTF-8 as they were; the signature covers that.
    fields = {"From": "+12035550177", "Body": "help %FF%FE", "MessageSid": "SM" + "7" * 32}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(SMS_URL, fields)
    raw = b"From=%2B12035550177&Body=help+%FF%FE&MessageSid=SM" + b"7" * 32
    response = client.post(
        "/sms",
        data=raw,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 200
    assert b"1-888-373-7888" in response.data


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/api/chat"), ("PUT", "/sms"), ("DELETE", "/healthz"), ("POST", "/openapi.json")],
)
def test_a_wrong_method_gets_405_with_a_sentence(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert "does not accept that method" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/%FF%FE", "/api/chat/%C3%28", "/sms/" + "x" * 5000])
def test_unknown_and_garbled_paths_get_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_garbage_in_the_query_string_of_a_read_changes_nothing(client):
    response = client.get("/healthz?x=%FF%FE&y=" + "z" * 5000)
    assert response.status_code == 200


LONG_WORD = "".join(random.Random(1).choices(string.ascii_lowercase, k=2000))


@pytest.fixture
def deletions_spy(monkeypatch):
    """Fail at once if the typo lookup is asked for the deletions of a word no real word is."""
    asked = []
    real = index.deletions

    def spy(word, depth):
        assert len(word) <= LONGEST_WORD + 2, f"deletions of a {len(word)}-letter word"
        asked.append(word)
        return real(word, depth)

    monkeypatch.setattr(index, "deletions", spy)
    return asked


def test_a_2000_letter_word_is_not_expanded_by_the_typo_lookup(deletions_spy):
    lexicon = Lexicon(["help", "passport", "trafficking", "lawyer*", "x" * 2000])
    assert lexicon.near(LONG_WORD) == set()
    assert lexicon.near("x" * 2000) == {"x" * 2000}  # an exact match still counts
    assert lexicon.near("pasport") == {"passport"}  # and a real word's typo is still forgiven


def test_typos_are_forgiven_only_in_words_a_person_could_write():
    word = "a" * LONGEST_WORD
    assert word_similarity(word, word[:-1] + "b") > 0
    longer = "a" * (LONGEST_WORD + 1)
    assert word_similarity(longer, longer[:-1] + "b") == 0
    assert word_similarity(longer, longer) == 1


@pytest.mark.parametrize(
    "text",
    [
        LONG_WORD,
        "\U0001f600" * 1600,
        " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(500)),
    ],
    ids=["2000 letters", "1600 emoji", "500 one-letter words"],
)
def test_hostile_messages_are_answered_without_expanding_long_words(deletions_spy, chat, sms, text):
    assert "1-888-373-7888" in chat(text)["reply"]
    assert any("1-888-373-7888" in message for message in sms(text[:1600]))
