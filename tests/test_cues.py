"""Who a situation is about, read from the words alone (bot.cues)."""

import pytest

from bot.cues import first_person_spanish, who
from bot.message import Message


@pytest.mark.parametrize(
    "word, said",
    [
        ("debemos", True),
        ("trabajamos", True),
        ("vivimos", True),
        ("nos", True),
        ("nuestros", True),
        ("debo", True),
        ("primos", False),  # cousins, not "we"
        ("mismos", False),
        ("deben", False),
        ("trabajan", False),
    ],
)
def test_spanish_says_we_in_the_verb(word, said):
    assert first_person_spanish(word) is said


@pytest.mark.parametrize(
    "text, own",
    [
        ("el capataz dice que le debemos el pasaje", True),
        ("nos cobran la renta y la comida del cheque", True),
        ("el capataz dice que le deben el pasaje", False),
        ("a los trabajadores les cobran la renta", False),
    ],
)
def test_a_situation_told_with_we_is_the_writers_own(text, own):
    message = Message.of(text)
    mine, others = who(message.words, message.numbered)
    assert (mine > 0) is own
