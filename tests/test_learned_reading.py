"""The learned reading: training, its fast path, fusion with the rules, and the safety ratchet."""

import numpy as np
import pytest

from bot import model as learned
from bot import training
from bot.classify import Reading, fuse, language, read_rules
from bot.message import Message
from bot.model import Verdict
from bot.types import Example
from knowledge import queries, seed
from knowledge.db import connect


def _examples(rows):
    return [queries.example_of(r) for r in rows]


@pytest.fixture(scope="module")
def sample():
    """Every fourth curated example: enough to learn from, quick to train on."""
    return _examples(seed.example_rows()[::4])


@pytest.fixture(scope="module")
def small_model(sample):
    return learned.train(sample)


def _verdict(intent="unknown", p=0.9, danger=0.0, minor=0.0, danger_now=False, minor_now=False):
    probs = {label: (p if label == intent else (1 - p) / 5) for label in learned.INTENTS}
    about = {"self": 0.4, "other": 0.3, "general": 0.3}
    return Verdict(probs, probs, danger, minor, about, 0.5, danger_now, minor_now)


def test_the_fast_reading_gives_scikit_learns_probabilities(small_model):
    for text in ("my boss took my passport", "hola", "she is 15 and he sells her", "🙂"):
        verdict = small_model.read(text)
        x = small_model.vectorizer.transform([learned.model_text(text)])
        expected = dict(
            zip(small_model.intent.classes_, small_model.intent.predict_proba(x)[0], strict=True)
        )
        for label, p in expected.items():
            assert verdict.model_intent[label] == pytest.approx(p, abs=1e-5)
        danger = small_model.danger.predict_proba(x)[0][1]
        assert verdict.danger == pytest.approx(danger, abs=1e-5)


@pytest.mark.slow
def test_training_is_deterministic_whatever_the_order(sample):
    first = learned.train(sample)
    second = learned.train(list(reversed(sample)))
    assert first.danger_threshold == second.danger_threshold
    assert first.minor_threshold == second.minor_threshold
    for a, b in zip(first.intent.estimators_, second.intent.estimators_, strict=True):
        assert np.array_equal(a.coef_, b.coef_)
    text = "the crew boss keeps our ids"
    assert first.read(text) == second.read(text)


def test_training_needs_two_intents():
    with pytest.raises(ValueError, match="two intents"):
        learned.train([Example("hola", "es", "unknown"), Example("hi", "en", "unknown")])


def test_the_recall_threshold_keeps_the_chosen_share_of_true_cases():
    truth = np.array([True] * 100 + [False] * 100)
    scores = np.concatenate([np.linspace(0.01, 1, 100), np.linspace(0, 0.5, 100)])
    threshold = learned.recall_threshold(truth, scores, 0.95)
    assert (scores[truth] >= threshold).mean() >= 0.95


def test_the_model_cannot_clear_an_emergency_a_rule_found():
    reading = Reading("emergency", "en", rule_intent="emergency")
    fused = fuse(reading, _verdict("unknown", p=0.99))
    assert fused.intent == "emergency"


def test_danger_the_model_reads_makes_an_emergency_the_rules_missed():
    reading = Reading("get_help", "en", rule_intent="get_help")
    fused = fuse(reading, _verdict("get_help", danger=0.9, danger_now=True))
    assert fused.intent == "emergency"
    assert fused.layer == "safety"


@pytest.mark.parametrize("rule_minor, model_minor", [(True, False), (False, True), (True, True)])
def test_a_minor_is_the_union_of_both_layers(rule_minor, model_minor):
    reading = Reading("report_tip", "en", minor=rule_minor, rule_intent="report_tip")
    assert fuse(reading, _verdict("report_tip", minor_now=model_minor)).minor


def test_an_exact_rule_decides_where_the_model_is_unsure():
    reading = Reading("find_services", "en", rule_intent="find_services", exact=True)
    assert fuse(reading, _verdict("info", p=0.4)).intent == "find_services"


def test_a_named_service_decides_where_the_model_recognises_nothing():
    reading = Reading("find_services", "en", rule_intent="find_services", exact=True)
    reading.named = ["kids-in-crisis"]
    assert fuse(reading, _verdict("unknown", p=0.95)).intent == "find_services"


def test_a_phrase_the_model_never_saw_decides_where_it_recognises_nothing():
    # A phrase staff just added: no example has its word, so the model cannot judge it.
    reading = Reading("get_help", "en", rule_intent="get_help", exact=True)
    assert fuse(reading, _verdict("unknown", p=0.95), known=False).intent == "get_help"


def test_the_model_knows_the_words_of_its_examples(small_model):
    assert small_model.knows("help me")
    assert not small_model.knows("zorblax")


def test_a_phrase_does_not_overrule_a_model_sure_it_is_off_topic():
    # "help me" matched exactly in "can you help me fix my laptop"; the fusion saw that
    # score and still reads the message as off-topic.
    reading = Reading("get_help", "en", rule_intent="get_help", exact=True)
    assert fuse(reading, _verdict("unknown", p=0.95)).intent == "unknown"


def test_a_typo_match_does_not_overrule_a_sure_model():
    reading = Reading("find_services", "en", rule_intent="find_services", exact=False)
    assert fuse(reading, _verdict("unknown", p=0.95)).intent == "unknown"


def test_a_sure_model_decides_over_the_rules():
    reading = Reading("find_services", "en", rule_intent="find_services")
    fused = fuse(reading, _verdict("report_tip", p=0.9))
    assert fused.intent == "report_tip"
    assert fused.layer == "model"


@pytest.mark.parametrize(
    "text",
    [
        "tiene 15 años y la ponen a trabajar",
        "my cousin is in 8th grade and a man pays her",
        "una nina de 14 trabaja en la cantina",
        "ella va en la secundaria y un señor le da dinero",
        "im a sophomore and he makes me see men",
    ],
)
def test_ages_and_grades_mark_a_minor_in_the_rules(app, text):
    kb = queries.snapshot(connect(app.config["DATABASE"]), app.config["DATABASE"])
    assert read_rules(Message.of(text), kb).minor


def test_the_app_reads_with_the_trained_model(app, client):
    kb = queries.snapshot(connect(app.config["DATABASE"]), app.config["DATABASE"])
    assert training.trained(kb) is not None
    message = "i belong to him, he keeps all the money i make"
    body = client.post("/api/chat", json={"session_id": "m1", "message": message}).get_json()
    assert body["intent"] == "get_help"
    assert "1-888-373-7888" in body["reply"]


@pytest.mark.parametrize(
    "text, lang",
    [
        # Spanish that the word lists miss or read as English ("escape", "me").
        ("me escapé y necesito apoyo", "es"),
        ("me rompió el brazo y sigue gritando", "es"),
        ("my boss keeps my passport", "en"),
    ],
)
def test_the_learned_head_reads_the_language(small_model, text, lang):
    message = Message.of(text)
    reading = Reading("unknown", message.lang, learned=small_model.read(text))
    assert language(reading, small_model, message.words) == lang


@pytest.mark.parametrize("text", ["911", "?", "06320"])
def test_a_message_without_words_has_no_language_of_its_own(small_model, text):
    # The head leans English on anything; the conversation's language (or a hint) decides.
    message = Message.of(text)
    reading = Reading("unknown", None, learned=small_model.read(text))
    assert language(reading, small_model, message.words) is None
