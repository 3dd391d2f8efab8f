"""The match index finds exactly what trying every phrase finds, only faster.

Each test compares the indexed path with the exhaustive one (every rule, category word,
FAQ phrase and service name tried against every message), on the development and
challenge sets, on generated typos and shuffles, and on a directory of thousands of
services.
"""

import json
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.knowledge_base import generated
from bot import index
from bot.classify import classify
from bot.index import Lexicon, PhraseIndex
from bot.match import find, word_similarity
from bot.normalize import tokens
from bot.types import Rule
from knowledge import db, queries

HERE = Path(__file__).parent
SETS = [HERE / "data/challenge.jsonl", HERE.parent.parent / "shared/eval/dev.jsonl"]
TEXTS = [
    text
    for path in SETS
    if path.exists()
    for line in path.read_text().splitlines()
    for text in json.loads(line)["turns"]
]
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    path = tmp_path_factory.mktemp("kb") / "bot.db"
    db.prepare(path)
    return queries.load(db.connect(path))


@pytest.fixture(scope="module")
def baseline(kb):
    return index.exhaustive(kb)


@pytest.fixture(scope="module")
def directory(kb):
    """The curated knowledge base grown by 2,000 generated services."""
    services = kb.services + generated(2000, [t.id for t in kb.terms])
    grown = replace(kb, services=services, derived={})
    return grown, index.exhaustive(grown)


def same_reading(text, kb, baseline, previous=""):
    assert asdict(classify(text, kb, previous)) == asdict(classify(text, baseline, previous))


def typo(text, data):
    """The text with a letter dropped, doubled, swapped or changed where hypothesis chooses."""
    if len(text) < 3:
        return text
    i = data.draw(st.integers(0, len(text) - 2))
    edit = data.draw(st.sampled_from(["drop", "double", "swap", "change"]))
    letter = data.draw(st.sampled_from("aeiourstnlhx"))
    return {
        "drop": text[:i] + text[i + 1 :],
        "double": text[: i + 1] + text[i:],
        "swap": text[:i] + text[i + 1] + text[i] + text[i + 2 :],
        "change": text[:i] + letter + text[i + 1 :],
    }[edit]


def test_the_sets_are_there_to_compare_on():
    assert len(TEXTS) > 250


@pytest.mark.parametrize("text", TEXTS)
def test_every_evaluation_message_reads_the_same_with_and_without_the_index(text, kb, baseline):
    same_reading(text, kb, baseline)


@pytest.mark.parametrize("text", TEXTS[::7])
def test_a_message_after_a_tip_reads_the_same_with_the_index(text, kb, baseline):
    same_reading(text, kb, baseline, previous="report_tip")


@EXAMPLES
@given(data=st.data())
def test_messages_with_typos_read_the_same_with_the_index(data, kb, baseline):
    text = data.draw(st.sampled_from(TEXTS))
    for _ in range(data.draw(st.integers(1, 4))):
        text = typo(text, data)
    same_reading(text, kb, baseline)


@EXAMPLES
@given(data=st.data())
def test_shuffled_and_joined_messages_read_the_same_with_the_index(data, kb, baseline):
    words = data.draw(st.sampled_from(TEXTS)).split() + data.draw(st.sampled_from(TEXTS)).split()
    text = " ".join(data.draw(st.permutations(words))[: data.draw(st.integers(1, 14))])
    same_reading(text, kb, baseline)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_services_named_in_a_large_directory_are_found_the_same_way(data, directory):
    grown, baseline = directory
    service = data.draw(st.sampled_from(grown.services))
    name = typo(data.draw(st.sampled_from([service.name, service.organization])), data)
    text = f"{name.lower()} phone {data.draw(st.sampled_from(TEXTS))}"
    same_reading(text, grown, baseline)


def test_a_service_named_with_a_typo_is_found_in_a_large_directory(directory):
    grown, _ = directory
    assert "love146" in classify("whats the number for love 146", grown).named
    assert "ct-legal-services" in classify("conecticut legal services phone", grown).named


WORD = st.text(alphabet="abcdeh1*", min_size=1, max_size=11)


@settings(max_examples=2000, deadline=None)
@given(phrase_word=WORD, word=st.text(alphabet="abcdeh1", min_size=1, max_size=11))
def test_the_lexicon_finds_exactly_the_words_word_similarity_accepts(phrase_word, word):
    near = Lexicon([phrase_word, "unrelated"]).near(word)
    assert (phrase_word in near) == (word_similarity(phrase_word, word) > 0)


@settings(max_examples=500, deadline=None)
@given(
    phrases=st.lists(st.lists(WORD, min_size=1, max_size=5).map(" ".join), min_size=1, max_size=8),
    message=st.lists(st.text(alphabet="abcdeh1", min_size=1, max_size=9), max_size=12),
)
def test_every_phrase_that_matches_is_a_candidate(phrases, message):
    phrase_index = PhraseIndex(phrases)
    near = Lexicon(phrase_index.words).positions(message)
    candidates = set(phrase_index.candidates(near))
    for i, pattern in enumerate(phrase_index.patterns):
        if find(pattern, message):
            assert i in candidates


def test_a_phrase_cut_off_by_the_end_of_the_message_is_still_a_candidate(kb):
    words = tokens("my cousin went to work there and now they wont let her call us")
    match = index.of(kb)
    position = next(i for i, r in enumerate(kb.rules) if r.phrase == "not let us go")
    assert find(match.rules.patterns[position], words)
    assert position in match.rules.candidates(match.lexicon.positions(words))


def test_a_new_snapshot_gets_its_own_index_so_edits_are_seen_at_once(kb):
    text = "my landlord keeps my deposit"
    before = classify(text, kb, learned=False)  # the rule layer, which the index serves
    edited = replace(kb, rules=[*kb.rules, Rule("get_help", "en", "landlord keeps my deposit")])
    edited.derived = {}
    assert classify(text, edited, learned=False).intent == "get_help" != before.intent
    assert index.of(edited) is not index.of(kb)
