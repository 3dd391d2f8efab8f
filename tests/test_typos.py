"""Which misspellings a rule phrase forgives (bot.match.word_similarity)."""

import pytest

from bot.classify import read_rules
from bot.index import OTHER_WORD_USES, inflection, not_typos
from bot.match import word_similarity
from bot.message import Message
from bot.types import Example
from knowledge import db, queries


@pytest.mark.parametrize(
    "phrase_word, typed",
    [
        ("stabbing", "stabing"),
        ("stabbing", "stabbnig"),
        ("trafficking", "trafficing"),
        ("help", "hlep"),
        ("hospital", "ospital"),  # a silent h
        ("cuota", "quota"),  # a first letter that sounds the same
        ("violada", "biolada"),
    ],
)
def test_a_typo_still_matches(phrase_word, typed):
    assert word_similarity(phrase_word, typed) > 0


@pytest.mark.parametrize(
    "phrase_word, typed",
    [
        ("stabbing", "staying"),  # two edits in eight letters: another word, not a typo
        ("shooting", "shopping"),
        ("drowning", "crowding"),
        ("told", "sold"),
        ("hitting", "sitting"),  # a misspelling keeps the first letter
        ("deport", "report"),
        ("menor", "senor"),
    ],
)
def test_a_different_word_does_not(phrase_word, typed):
    assert word_similarity(phrase_word, typed) == 0


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("matar", "mata", True),  # forms of one word differ only at the end
        ("golpea", "golpeo", True),
        ("atrapado", "atrapada", True),
        ("encerrado", "encargado", False),  # the boss, not locked in
        ("shoot", "short", False),
        ("right", "night", False),
        ("here", "her", False),  # too short to tell a form from another word
    ],
)
def test_inflection_is_a_change_at_the_end_of_a_word(a, b, same):
    assert inflection(a, b) is same


def _examples(text, count, danger):
    return [
        Example(f"{text} {i}", "es", "emergency" if danger else "get_help", danger_now=danger)
        for i in range(count)
    ]


def test_a_near_word_the_examples_use_calmly_is_not_a_typo_of_a_danger_word():
    calm = _examples("el encargado no me paga", OTHER_WORD_USES, danger=False)
    assert not_typos(calm, {"encerrado"}) == {"encargado": frozenset({"encerrado"})}
    # fewer uses, or as many with danger as without: the examples do not show another word
    assert not_typos(calm[:-1], {"encerrado"}) == {}
    both = calm + _examples("el encargado trae un arma", OTHER_WORD_USES, danger=True)
    assert not_typos(both, {"encerrado"}) == {}
    # a form of the same word stays a match, however calm its examples
    assert not_typos(_examples("mi mama me mata", 9, danger=False), {"matar"}) == {}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    path = tmp_path_factory.mktemp("kb") / "bot.db"
    db.prepare(path)
    return queries.load(db.connect(path))


@pytest.mark.parametrize(
    "text, emergency",
    [
        ("el encargado me debe tres semanas de pago", False),  # not "encerrado"
        ("im short on rent again this month", False),  # not "shoot*"
        ("estoy encerrada en el cuarto", True),
        ("me tienen encerrda", True),  # a typo the examples never use still matches
        ("he is gonna shoot me", True),
        ("my sister is sitting next to me and wants to leave the salon", False),  # "hitting me"
        ("he keeps hiting me", True),
    ],
)
def test_the_rules_read_danger_words_and_not_their_neighbours(kb, text, emergency):
    reading = read_rules(Message.of(text), kb, names=False)
    assert (reading.rule_intent == "emergency") is emergency
