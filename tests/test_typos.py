"""Which misspellings a rule phrase forgives (bot.match.word_similarity)."""

import pytest

from bot.match import word_similarity


@pytest.mark.parametrize(
    "phrase_word, typed",
    [
        ("stabbing", "stabing"),
        ("stabbing", "stabbnig"),
        ("trafficking", "trafficing"),
        ("help", "hlep"),
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
    ],
)
def test_a_different_word_does_not(phrase_word, typed):
    assert word_similarity(phrase_word, typed) == 0
