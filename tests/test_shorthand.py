"""Texting shorthand is expanded in the language the message is written in (bot.normalize)."""

import pytest

from bot.message import Message
from bot.normalize import normalize


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plz hlp me rn", "please help me right now"),  # shorthand of either language
        ("xfa ayudame", "por favor ayudame"),
        ("ya know what i mean", "you know what i mean"),  # English: "ya" is "you"
        ("ayuda ya", "ayuda ya"),  # Spanish: "ya" is "now", not "you"
        ("ya no aguanto mas", "ya no aguanto mas"),
        ("toy en la casa", "estoy en la casa"),  # Spanish: "toy" is "estoy"
        ("my little sister lost her toy", "my little sister lost her toy"),  # English: a toy
        ("q pasa", "que pasa"),
        ("my pal took my id", "my pal took my id"),
    ],
)
def test_shorthand_follows_the_message_language(text, expected):
    assert normalize(text) == expected


def test_a_short_spanish_message_with_ya_reads_as_spanish():
    # "ya" once counted as the English "you", which tipped short Spanish messages to English.
    assert Message.of("ya no aguanto").lang == "es"
    assert Message.of("ya know").lang != "es"
