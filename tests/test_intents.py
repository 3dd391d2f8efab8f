"""What the engine reads in a message: every intent, the safety overlays, negation, language.

These call the engine directly with a snapshot of a real SQLite knowledge base.
"""

import re

import pytest

from bot.classify import APART, THRESHOLD, Reading, classify, read_rules
from bot.engine import respond
from bot.message import Message
from bot.types import Session
from knowledge import db, queries

HOTLINE = "8883737888"
CARELINE = "8008422288"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    path = tmp_path_factory.mktemp("kb") / "bot.db"
    db.prepare(path)
    return queries.load(db.connect(path))


def answer(kb, text, channel="chat"):
    return respond(text, Session(), kb, channel=channel)


def digits(text):
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize(
    "message",
    [
        "he has a knife and says hes gonna kill me",
        "HELP IM LOCKED IN A ROOM",
        "they locked me in the basement rn",
        "my pimp is outside the door and he has a gun",
        "im scared for my life, hes coming back tonight",
        "theyre beating me",
        "i'm being held against my will",
        "me tiene encerrada y tengo miedo",
        "mi jefe tiene una pistola y me amenaza",
        "me van a matar ayuda",
        "estoy atrapada en un cuarto",
    ],
)
def test_immediate_danger_starts_with_911(kb, message):
    reply = answer(kb, message)
    assert reply.intent == "emergency"
    assert reply.text.lstrip().lower().startswith(("if you are in danger now, call 911", "si está"))
    assert "911" in reply.text.split(".")[0]
    assert HOTLINE in digits(reply.text)


@pytest.mark.parametrize(
    "message",
    [
        "i ned help my boss took my passport",
        "my employer took my papers and says i owe him money",
        "i work 7 days and they dont pay me",
        "my bf makes me sleep with guys for money",
        "i want to get out of the life",
        "they threaten to call immigration if i quit",
        "how do i get away from my pimp",
        "plz help me",
        "no me pagan y el patron se quedo con mi pasaporte",
        "me obligan a trabajar sin pago",
        "necesito ayuda por favor",
        "quiero salir de esto, tengo miedo",
    ],
)
def test_own_situation_gets_the_hotline(kb, message):
    reply = answer(kb, message)
    assert reply.intent == "get_help"
    assert HOTLINE in digits(reply.text) and "233733" in reply.text


@pytest.mark.parametrize(
    "message, intent",
    [
        ("im 15 and a guy makes me do stuff for money", "get_help"),
        ("im fifteen and my bf sells me to his friends", "get_help"),
        ("i am 16 and they make me have sex with men", "get_help"),
        ("tengo 14 años y me obligan a estar con hombres por dinero", "get_help"),
        ("my neighbor is 13 and her mom sells her", "report_tip"),
        ("a 16 year old girl at school is being sold online", "report_tip"),
        ("im 17 and he has a gun and wont let me leave", "emergency"),
        # A service asked for a young person: no sign of harm is named, the Careline still is.
        (
            "need a counselor in hartford for my 15 year old, she was exploited online last year",
            "find_services",
        ),
        ("hay algun albergue en new haven? tengo 16 y no puedo volver a mi casa", "find_services"),
    ],
)
def test_a_minor_being_exploited_gets_the_careline(kb, message, intent):
    reply = answer(kb, message)
    assert reply.intent == intent
    assert CARELINE in digits(reply.text)
    assert HOTLINE in digits(reply.text)
    if intent == "emergency":
        assert reply.text.index("911") < reply.text.index("1-800-842-2288")
    else:
        assert reply.text.index("1-800-842-2288") < reply.text.index("1-888-373-7888")


def test_an_adult_gets_no_careline(kb):
    reply = answer(kb, "im 25 and my boss keeps my passport")
    assert reply.intent == "get_help"
    assert CARELINE not in digits(reply.text)


@pytest.mark.parametrize(
    "message",
    [
        "i want to report a massage place that seems off",
        "theres girls living in the back of the nail salon, they never leave",
        "my friend's boyfriend is selling her",
        "i think my neighbors are forced to work for no pay",
        "can i report something anonymously",
        "quiero denunciar a un restaurante, los trabajadores viven ahi y no les pagan",
        "I don't need help, I want to report something",
    ],
)
def test_someone_elses_situation_is_a_tip(kb, message):
    reply = answer(kb, message)
    assert reply.intent == "report_tip"
    assert HOTLINE in digits(reply.text)


@pytest.mark.parametrize(
    "message, phone",
    [
        ("i need a lawyer", "2033881720"),
        ("immigration attorney", "2033881720"),
        ("necesito un abogado", "2033881720"),
        ("love146 number", "2037724420"),
        ("programs for teens who were trafficked", "2037724420"),
    ],
)
def test_service_requests_name_the_service(kb, message, phone):
    reply = answer(kb, message)
    assert reply.intent == "find_services"
    assert phone in digits(reply.text)
    assert HOTLINE in digits(reply.text)


@pytest.mark.parametrize("message", ["resources", "find services near me", "busco servicios"])
def test_a_general_service_request_asks_where_the_person_is(kb, message):
    session = Session()
    reply = respond(message, session, kb)
    assert reply.intent == "find_services"
    assert "ZIP" in reply.text or "código postal" in reply.text
    assert session.awaiting == "location"
    assert HOTLINE in digits(reply.text)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("what is human trafficking", r"forc|fraud|coerc"),
        ("whats the difference between sex and labor trafficking", r"labor|labour"),
        ("wat is dmst", r"under 18|minor"),
        ("what is HART", r"(?i)response team"),
        ("is it confidential", r"(?i)confidential"),
        ("what languages", r"200"),
        ("how many people contacted the hotline from CT in 2021", r"170"),
        ("wisconsin statistics", r"390"),
        ("que es la trata de personas", r"fuerza|fraude|coerc"),
        ("what are the connecticut laws on trafficking", r"53a-192a"),
    ],
)
def test_general_questions_get_an_answer(kb, message, expected):
    reply = answer(kb, message)
    assert reply.intent == "info"
    assert re.search(expected, reply.text), reply.text


@pytest.mark.parametrize("message", ["hello", "hola", "thanks!", "asdfgh", "what time is it", "😂"])
def test_small_talk_and_noise_still_name_the_hotline(kb, message):
    reply = answer(kb, message)
    assert reply.intent == "unknown"
    assert HOTLINE in digits(reply.text)


@pytest.mark.parametrize(
    "message, lang",
    [
        ("necesito ayuda", "es"),
        ("qué es la trata de personas", "es"),
        ("mi jefe no me paga", "es"),
        ("i need help", "en"),
        ("what is trafficking", "en"),
    ],
)
def test_the_reply_is_in_the_language_of_the_message(kb, message, lang):
    assert answer(kb, message).lang == lang


@pytest.mark.parametrize(
    "message, lang",
    [
        ("numero de Kids in Crisis", "es"),
        ("donde queda Connecticut Legal Services", "es"),
        ("Kids in Crisis phone number", "en"),
    ],
)
def test_a_service_name_does_not_count_as_words_of_a_language(kb, message, lang):
    # The English words of a name ("in", "legal services") outweighed the Spanish around them.
    assert answer(kb, message).lang == lang


@pytest.mark.parametrize(
    "message",
    ["please make it stop", "stop hurting me", "how do i make him stop", "i want it to stop"],
)
def test_stop_inside_a_sentence_is_not_an_opt_out(kb, message):
    reply = answer(kb, message, channel="sms")
    assert reply.intent != "opt_out"
    assert HOTLINE in digits(reply.text) or "911" in reply.text


def test_negated_danger_is_not_an_emergency_but_still_gets_help(kb):
    reply = answer(kb, "im not in danger right now but my boss keeps my passport")
    assert reply.intent == "get_help"
    assert "911" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "i am not joking, he locked me in the garage",
        "no lie locked in his trunk",
        "no es broma, me tienen encerrada",
    ],
)
def test_a_denied_jest_vouches_for_the_danger_after_it(kb, message):
    # "not joking" denies a joke, not what follows it; "he did not lock me in" stays denied.
    assert read_rules(Message.of(message), kb).rule_intent == "emergency"


def test_a_plain_negation_still_denies_the_phrase_after_it(kb):
    assert (
        read_rules(
            Message.of("he did not lock me in, i just want to know my rights"), kb
        ).rule_intent
        != "emergency"
    )


def test_rules_are_read_from_the_knowledge_base(kb):
    reading = classify("i ned hlp", kb)
    assert reading.intent == "get_help"
    assert reading.rule  # the rule that decided, for the staff preview


@pytest.mark.parametrize("message", ["i need legal help", "i need immigration help"])
def test_a_danger_phrase_cut_short_by_the_message_end_is_not_an_emergency(kb, message):
    # "need [legal] help" ended inside the emergency phrase "need help now".
    reply = answer(kb, message)
    assert reply.intent != "emergency"
    assert not digits(reply.text).startswith("911")


@pytest.mark.parametrize("message", ["si sos menor te pueden acusar?", "vos sos de hartford?"])
def test_spanish_sos_you_are_is_no_danger_phrase(kb, message):
    # Voseo "sos" (you are) is everyday Central American and Argentine Spanish; a lone
    # "SOS" is left to the learned reading (tests/test_learned_reading.py).
    reading = read_rules(Message.of(message), kb)
    assert reading.rule_intent != "emergency"


def test_an_emergency_phrase_decides_only_with_its_words_side_by_side(kb):
    # "locked in" matched across "my keys" is a score the learned reading weighs, not a
    # rule emergency; the same words side by side still decide alone.
    apart = read_rules(Message.of("locked my keys in the car at the mall lol"), kb)
    assert apart.rule_intent != "emergency" and not apart.danger
    assert apart.scores[APART] >= THRESHOLD
    together = read_rules(Message.of("im locked in the back room"), kb)
    assert together.rule_intent == "emergency" and together.danger


@pytest.mark.parametrize(
    "joke, plain",
    [
        ("my sister is going to kill me lol", "my sister is going to kill me"),
        ("mi mamá me va a matar jajaja", "mi mamá me va a matar"),
        ("my brother locked me in the bathroom 😂", "my brother locked me in the bathroom"),
        ("LMAOOO they locked me in the gym", "they locked me in the gym"),
    ],
)
def test_laughter_makes_an_emergency_phrase_a_score_the_learned_reading_weighs(kb, joke, plain):
    said = read_rules(Message.of(joke), kb)
    assert said.rule_intent != "emergency" and not said.danger
    assert said.scores[APART] >= THRESHOLD
    assert read_rules(Message.of(plain), kb).rule_intent == "emergency"


@pytest.mark.parametrize(
    "message",
    [
        "my sister is going to kill me lol",
        "mi mamá me va a matar jajaja",
        "my brother locked me in the bathroom 😂",
    ],
)
def test_before_a_model_is_trained_laughter_leaves_the_rule_emergency(kb, message):
    # Nothing would weigh the phrase: the rules answer alone, so danger words decide.
    assert read_rules(Message.of(message), kb, weighed=False).rule_intent == "emergency"
    reading = classify(message, kb, learned=False)
    assert reading.intent == "emergency" and reading.danger


@pytest.mark.parametrize(
    "message",
    [
        "he said he was just kidding but he locked me in",  # an abuser's joke is no cue
        "lo dijo de broma pero me tienen encerrada",
        "a guy i met on roblox locked me in his car",  # children are groomed on games
        "i tried to escape room 12 he locked me in",
    ],
)
def test_only_laughter_is_a_cue(kb, message):
    assert read_rules(Message.of(message), kb).rule_intent == "emergency"


def test_possible_danger_gets_911_first_and_the_reply_to_what_was_asked(kb, monkeypatch):
    # What classify returns when danger now is possible but not likely (see fuse)
    def possible(message, kb, previous=""):
        return Reading("get_help", "en", rule_intent="get_help", message=message, danger=True)

    monkeypatch.setattr("bot.engine.classify", possible)
    reply = answer(kb, "they keep my pay and i cant leave the farm")
    assert reply.intent == "get_help"
    assert reply.danger
    assert reply.text.splitlines()[0] == "If you are in danger now, call 911."
    assert HOTLINE in digits(reply.text)
    assert "emergency-911" in [s.id for s in reply.resources]
