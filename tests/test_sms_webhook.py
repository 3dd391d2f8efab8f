"""POST /sms: Twilio signatures, STOP/START/HELP as on any short code, and the SMS budget."""

import re
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from app import create_app
from bot.sms import MAX_SEGMENTS, is_gsm7, paginate, segments

HOTLINE_DIGITS = "8883737888"
REVEALING = ("traffick", "sex", "abuse", "trata", "sexo", "abuso", "explota")


def digits(text):
    return re.sub(r"\D", "", text)


def names_a_lifeline(text):
    """True when the text gives the hotline's number or 911."""
    return HOTLINE_DIGITS in digits(text) or "911" in text


def assert_neutral(text):
    """Nothing in the text tells someone reading over a shoulder what it is about."""
    lowered = text.lower()
    assert not [word for word in REVEALING if word in lowered], text


def only(replies):
    """The single message in a TwiML reply."""
    assert len(replies) == 1, replies
    return replies[0]


# --- signatures ---------------------------------------------------------------------------


def test_a_signed_request_gets_twiml(sms_post):
    response = sms_post("hello")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    assert [m.text for m in root.iter("Message")]


@pytest.mark.parametrize(
    "options",
    [
        {"signature": "bm90IGEgc2lnbmF0dXJl"},
        {"signature": ""},
        {"url": "https://evil.example.org/sms"},
        {"url": "http://localhost/sms?x=1"},
        {"token": "some-other-token"},
        {"tamper": {"Body": "STOP"}},
        {"tamper": {"From": "+12035550999"}},
    ],
    ids=[
        "forged",
        "missing",
        "other-url",
        "other-query",
        "other-token",
        "body-changed",
        "sender-changed",
    ],
)
def test_a_request_without_a_valid_signature_is_forbidden(sms_post, options):
    assert sms_post("hello", **options).status_code == 403


def test_a_forbidden_request_changes_nothing(database, sms_post, sms):
    assert sms_post("STOP", signature="forged").status_code == 403
    assert only(sms("help me"))
    assert database["subscriber"].count == 0


def test_without_a_configured_token_every_request_is_forbidden(app, sms_post):
    app.config["TWILIO_AUTH_TOKEN"] = ""
    assert sms_post("hello", token="").status_code == 403


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url(app, sms_post):
    app.config["PUBLIC_URL"] = "https://bot.example.org/"
    assert sms_post("hello", url="https://bot.example.org/sms").status_code == 200
    assert sms_post("hello").status_code == 403


# --- STOP, START, HELP ------------------------------------------------------------------


def test_stop_confirms_once_then_nothing_is_sent_until_start(sms):
    confirmation = only(sms("STOP"))
    assert "START" in confirmation
    assert "no more messages" in confirmation
    assert sms("help me") == []
    assert sms("HELP") == []
    assert sms("I am in danger") == []
    assert sms("", num_media=1) == []
    assert sms("STOP") == []
    started = only(sms("START"))
    assert "STOP" in started
    assert names_a_lifeline(only(sms("help me")))


def test_opting_out_is_per_phone_number(sms):
    only(sms("STOP", sender="+12035550101"))
    assert sms("help me", sender="+12035550101") == []
    assert names_a_lifeline(only(sms("help me", sender="+12035550102")))


def test_start_without_a_stop_confirms_and_says_how_to_stop(sms):
    assert "STOP" in only(sms("START"))


@pytest.mark.parametrize(
    "body",
    [
        "please make it stop",
        "stop it",
        "I want to stop him",
        "don't stop",
        "stop hitting me",
        "how do I make him stop",
        "cancel my appointment",
        "I want to quit my job but he has my passport",
        "the end",
        "STOP!!! he is hurting me",
    ],
)
def test_stop_inside_a_sentence_is_not_an_opt_out(sms, body):
    reply = only(sms(body))
    assert names_a_lifeline(reply), reply
    assert "START" not in reply
    assert only(sms("help me"))  # still subscribed


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "Stop",
        "STOP ",
        "stop.",
        " Unsubscribe",
        "QUIT!",
        "opt out",
        "Opt-Out",
        "OptOut",
        "revoke",
        "cancel",
        "end",
        "stopall",
        "STOPALL",
        "\nstop\n",
    ],
)
def test_a_literal_opt_out_keyword_opts_out(sms, body):
    confirmation = only(sms(body))
    assert "START" in confirmation
    assert sms("help me") == []


@pytest.mark.parametrize("body", ["START", "start", "Start.", "UNSTOP"])
def test_a_literal_opt_in_keyword_opts_back_in(sms, body):
    only(sms("STOP"))
    assert "STOP" in only(sms(body))
    assert only(sms("help me"))


@pytest.mark.parametrize("body", ["HELP", "help", "INFO", "Info?"])
def test_help_gives_program_hotline_911_and_how_to_opt_out(app, sms, body):
    reply = only(sms(body))
    assert app.config["PROGRAM_NAME"] in reply
    assert HOTLINE_DIGITS in digits(reply)
    assert "911" in reply
    assert "STOP" in reply
    assert_neutral(reply)


def test_help_uses_the_configured_program_name(app, sms):
    app.config["PROGRAM_NAME"] = "Harbor Line"
    assert "Harbor Line" in only(sms("HELP"))
    assert "Harbor Line" in only(sms("STOP"))
    assert "Harbor Line" in only(sms("START"))


def test_the_program_name_can_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PROGRAM_NAME", "Harbor Line")
    app = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "env.db"), "TWILIO_AUTH_TOKEN": "env-token"}
    )
    params = {"From": "+12035550142", "To": "+18885550100", "Body": "HELP", "NumMedia": "0"}
    signature = RequestValidator("env-token").compute_signature("http://localhost/sms", params)
    response = app.test_client().post(
        "/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert "Harbor Line" in response.get_data(as_text=True)


def test_help_in_a_spanish_conversation_is_spanish_and_neutral(sms):
    sms("necesito ayuda por favor")
    reply = only(sms("HELP"))
    assert "STOP" in reply
    assert HOTLINE_DIGITS in digits(reply) and "911" in reply
    assert "llame" in reply.lower()
    assert_neutral(reply)


@pytest.mark.parametrize("first", [None, "necesito ayuda por favor"], ids=["en", "es"])
def test_stop_and_start_confirmations_are_neutral(sms, first):
    if first:
        sms(first)
    assert_neutral(only(sms("STOP")))
    assert_neutral(only(sms("START")))


# --- odd requests -------------------------------------------------------------------------


def test_a_picture_without_words_gets_a_short_text_reply(sms):
    reply = only(sms("", num_media=1))
    assert segments(reply)[0] <= 2
    assert names_a_lifeline(reply)


def test_a_picture_with_words_is_answered_from_the_words(sms):
    reply = only(sms("I need help", num_media=1))
    assert names_a_lifeline(reply)
    assert "only read text" not in reply


def test_a_signed_request_without_a_sender_gets_a_safe_reply(database, sms_post):
    response = sms_post("I need help", sender=None)
    assert response.status_code == 200
    reply = only([m.text for m in ET.fromstring(response.data).iter("Message")])
    assert names_a_lifeline(reply)
    assert database["conversation"].count == 0


# --- the SMS budget -----------------------------------------------------------------------

MESSAGES = [
    "HELP",
    "hello",
    "I need help",
    "he has a gun and says he will kill me",
    "I am 15 and he makes me sell myself",
    "my neighbor makes his workers sleep in the van and took their passports",
    "find services",
    "I need a lawyer in new haven",
    "shelter near 06103",
    "kids in crisis",
    "what is trafficking",
    "what is the difference between sex and labor trafficking",
    "what are the connecticut laws",
    "necesito ayuda",
    "mi patron tiene mi pasaporte y no me paga",
    "que es la trata de personas",
    "necesito un abogado en hartford",
    "🙏🙏 please help “now”",
    "asdf qwer zxcv",
    "help " * 300,
]


@pytest.mark.parametrize("body", MESSAGES)
def test_every_sms_reply_is_gsm7_and_at_most_three_segments(sms, body):
    reply = only(sms(body))
    assert is_gsm7(reply), reply
    assert segments(reply) <= (MAX_SEGMENTS, "gsm7"), reply


def test_every_reply_in_a_conversation_fits_the_budget(sms):
    for body in ["hello", "find services", "hartford", "what is trafficking", "MORE", "thanks"]:
        reply = only(sms(body))
        assert is_gsm7(reply) and segments(reply)[0] <= MAX_SEGMENTS, (body, reply)


LONG_ANSWER = " ".join(
    f"Sentence number {n} of a long answer that staff wrote, with plain words." for n in range(20)
)


def test_a_long_reply_is_paged_and_more_sends_the_rest(database, sms):
    database["faq"].update("amp-model", {"answer_en": LONG_ANSWER})
    pages = [only(sms("what is the amp model"))]
    while pages[-1].endswith("Reply MORE for the rest."):
        assert len(pages) < 10, pages
        pages.append(only(sms("MORE")))
    assert len(pages) > 1
    for page in pages:
        assert is_gsm7(page) and segments(page)[0] <= MAX_SEGMENTS, page
    sent = " ".join(p.removesuffix("Reply MORE for the rest.") for p in pages)
    assert [n for n in range(20) if f"Sentence number {n} " not in sent] == []
    assert "Need help?" in pages[-1]  # the info footer comes last
    assert "That is everything" in only(sms("MORE"))


def test_more_with_nothing_left_says_so(sms):
    sms("hello")
    reply = only(sms("MORE"))
    assert "everything" in reply
    assert names_a_lifeline(reply)


MORE = "Reply MORE for the rest."
LONG_TEXTS = {
    "prose": LONG_ANSWER,
    "lines": "\n".join(
        f"- Service number {n}: 203-555-{n:04d} or 203-555-{n + 1:04d}" for n in range(40)
    ),
    "one-long-sentence": " ".join(["word"] * 300) + ".",
    "no-punctuation": " ".join(f"word{n}" for n in range(200)),
    "spanish": "¿Necesita ayuda? " * 60,
    "extension-characters": "{braces} [brackets] ~tilde~ |pipe| €uro. " * 30,
    "ucs2": "Gracias 🙏, estás a salvo aquí. " * 30,
    "ucs2-no-punctuation": " ".join(["“palabra”"] * 120),
}


@pytest.mark.parametrize("text", LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_paginate_makes_pages_that_fit_and_lose_no_words(text):
    pages = paginate(text, MORE)
    for page in pages:
        assert segments(page)[0] <= MAX_SEGMENTS, f"{segments(page)} for a page of {len(page)}"
    assert len(pages) > 1
    for page in pages[:-1]:
        assert page.endswith("\n" + MORE)
    assert not pages[-1].endswith(MORE)
    assert " ".join(p.removesuffix(MORE) for p in pages).split() == text.split()


def test_paginate_leaves_a_short_text_alone():
    assert paginate("Call 911.", MORE) == ["Call 911."]


def test_an_extension_is_in_the_text_reply_within_the_sms_budget(sms, database):
    database["phone"].update("ct-legal-services-phone-0", {"extension": "12"})
    replies = sms("i need a lawyer")
    assert "203-388-1720 ext. 12" in " ".join(replies)
    assert all(segments(r)[0] <= MAX_SEGMENTS and is_gsm7(r) for r in replies)
