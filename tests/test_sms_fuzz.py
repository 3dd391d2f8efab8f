"""Any body Twilio could send gets valid TwiML within the SMS budget, never a 5xx."""

import itertools
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sms import MAX_SEGMENTS, is_gsm7, segments

CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\u200b\u202e")
BODIES = st.one_of(
    st.just(""),
    st.text(max_size=300),  # any Unicode outside surrogates: emoji, scripts, accents
    st.text(CONTROL, max_size=40),
    st.text(min_size=1_500, max_size=1_600),  # Twilio's longest inbound body
    st.lists(
        st.sampled_from(
            ["help", "STOP", "MORE", "911", "15", "hartford", "ayuda", "😀", "\n", "  "]
        ),
        max_size=12,
    ).map(" ".join),
)
SENDERS = itertools.count(2035550000)


@settings(
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES, num_media=st.integers(0, 3))
def test_any_body_gets_valid_twiml_within_the_budget(sms_post, body, num_media):
    # A new number each time: the per-sender rate limit is tested on its own elsewhere.
    response = sms_post(body, sender=f"+1{next(SENDERS)}", num_media=num_media)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    messages = [m.text or "" for m in root.iter("Message")]
    assert len(messages) <= 1
    for text in messages:
        assert text.strip()
        assert len(text) <= 1_600
        assert is_gsm7(text), text
        assert segments(text)[0] <= MAX_SEGMENTS, text
