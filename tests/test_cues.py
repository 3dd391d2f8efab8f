"""Who a situation is about, read from the words alone (bot.cues)."""

import pytest

from bot.cues import first_person_spanish, minor_age, who
from bot.message import Message
from bot.model import model_text
from bot.normalize import MAX_EMOJI, normalize


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


@pytest.mark.parametrize(
    "text, minor",
    [
        ("tengo 15 años y no puedo salir", True),
        ("mi hija de 14 años trabaja ahí", True),
        ("when i was 16 he sold me, that was 2 years ago", True),
        ("una niña de 12 años, la traen hace 2 años", True),
        # Years that count time are no one's age.
        ("hace 5 años me escapé de un novio que me pegaba", False),
        ("llevo 10 años en este país", False),
        ("hace como 3 años que no veo a mi familia", False),
        ("he made me work for 3 years without pay", False),
        ("that was 6 years ago, im fine now", False),
        ("5 años atrás trabajé en una granja", False),
    ],
)
def test_years_that_count_time_are_not_an_age(text, minor):
    assert minor_age(normalize(text)) is minor


@pytest.mark.parametrize(
    "text, minor",
    [
        ("tengo diesisiete y no me dejan salir", True),  # c written as s
        ("mi prima tiene quinse", True),
        ("im sixten and he keeps my money", True),
        ("she is fourten", True),
        ("my cousin from quincy is 30", False),  # a town, not "quince"
        ("tengo treinta y no me pagan", False),
    ],
)
def test_a_teenagers_age_misspelled_is_still_an_age(text, minor):
    assert minor_age(Message.of(text).numbered) is minor


def test_emoji_are_words_for_the_learned_reading_only():
    message = Message.of("my sister is 15 😭🚨")
    assert message.numbered == "my sister is 15"  # what rules and ages read
    assert message.learned == (
        "my sister is 15 emoji_loudly_crying_face emoji_police_cars_revolving_light"
    )
    assert message.learned == model_text(message.text)  # as the examples are trained
    assert minor_age(message.numbered)
    assert Message.of("🆘").learned == "emoji_squared_sos"
    assert Message.of("plain words").learned == "plain words"
    assert len(Message.of("🚨" * 1600).learned.split()) == MAX_EMOJI  # bounded work


@pytest.mark.parametrize(
    "text, learned",
    [
        ("the bus comes in fifteen minutes", "the bus comes in # minutes"),
        ("14 inches of snow, 16 degrees", "# inches of snow # degrees"),
        ("llego en 15 minutos, son 13 dolares", "llego en # minutos son # dolares"),
        ("she is 16 and he took her", "she is 16 and he took her"),  # an age stays an age
        ("16 years old", "16 years old"),
        ("im 15 am i too young", "i am 15 am i too young"),  # "am" is not a unit
        ("llevo 14 meses aqui", "llevo # meses aqui"),
        ("12 girls in a house on 15 main st", "# girls in a house on # main st"),
    ],
)
def test_a_quantity_is_not_an_age_to_the_learned_reading(text, learned):
    message = Message.of(text)
    assert message.learned == learned == model_text(text)
    assert "#" not in message.numbered  # the rules and the age cues read the numbers as written
