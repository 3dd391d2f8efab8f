"""The TwiML /sms writes is byte for byte what twilio's MessagingResponse writes."""

import pytest
from twilio.twiml.messaging_response import MessagingResponse

from webhooks.sms import twiml

TEXTS = [
    "Call 1-888-373-7888 or text 233733.",
    "a & b <c> \"quoted\" 'single' > end",
    "line one\nline two\r\n\ttabbed",
    "Llame al 911. ¿Está en peligro? ñ é ü €",
    "]]> <![CDATA[ &amp; already escaped",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_reply_is_written_as_the_library_writes_it(app, text, monkeypatch):
    action = 'https://bot.example.org/sms/status?a=1&b="2"\n'
    monkeypatch.setattr("webhooks.sms.status_url", lambda: action)
    with app.test_request_context("/sms", method="POST"):
        ours = twiml(text).get_data(as_text=True)
    expected = MessagingResponse()
    expected.message(text, action=action, method="POST")
    assert ours == str(expected)


def test_no_reply_is_an_empty_response_as_the_library_writes_it(app):
    with app.test_request_context("/sms", method="POST"):
        assert twiml("").get_data(as_text=True) == str(MessagingResponse())
        assert twiml("").mimetype == "application/xml"
