"""Work out what a message asks for: intent, safety overlays, topic, service categories."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from bot import faq as faq_index
from bot import index, training
from bot.cues import about_other, minor_age, who
from bot.language import detect
from bot.match import Hit, compile_phrase
from bot.message import Message
from bot.model import INTENTS as MODEL_INTENTS
from bot.model import Model, Verdict, model_text, order
from bot.types import RULE_CUES, Knowledge, Rule

# Labels in the rules table that are cues rather than intents.
SITUATION, MINOR, GREETING, THANKS, NOT_LITERAL = RULE_CUES
# situation: a trafficking situation, about the writer or someone else; minor: words that
# say a child is involved; greeting and thanks: small talk. not_literal: laughter ("lol",
# "jajaja", "😂"). Where one matches word for word (or a pictograph phrase is in the
# message), an emergency phrase is a score the learned reading weighs (as APART), not a rule
# emergency: "my mom is gonna kill me lol" is read by the safety layers, which still answer
# danger they find with 911. Before a model is trained, every emergency phrase decides.
# An emergency phrase matched with other words between its words ("locked my keys in" for
# "locked in"): a score the learned reading weighs, not a rule emergency. On grouped folds,
# reading these as rule emergencies sent 911 first to 10 more calm examples and caught one
# person in danger fewer (recall 0.9768 against 0.9771 with the learned reading deciding).
APART = "emergency, words apart"
THRESHOLD = 0.75
# Below this fused probability the learned reading is unsure, and an intent a rule phrase
# matched exactly decides: a rule staff wrote is exact and explainable.
UNSURE = 0.5
DESCRIBED = 0.9  # a bare "trafficking" names the topic; it does not describe a situation
# How sure the learned language head must be to decide a reply's language. Below it (towns,
# gibberish, one word) the word lists decide, or else the conversation's language. On grouped
# folds, 0.7 left 14 of 8,210 messages of three words or more to them, at the accuracy of 0.5.
LANGUAGE_SURE = 0.7
PRIORITY = ("get_help", "report_tip", "find_services", "info", "unknown")
TELLING = {"emergency", "get_help", "report_tip"}  # a last turn that says more is coming
SELF_WORDS = {"i", "me", "my", "myself", "am", "yo", "estoy", "soy", "mi", "mis", "us", "we"}
GENERIC_TERMS = {"hotline", "crisis", "report"}  # categories that do not name a service need
QUESTION_STARTS = {
    "what",
    "how",
    "can",
    "is",
    "are",
    "does",
    "do",
    "why",
    "who",
    "when",
    "where",
    "which",
    "define",
    "explain",
    "tell",
    "que",
    "como",
    "cuantos",
    "cuantas",
    "cual",
    "puede",
    "pueden",
    "es",
    "por",
    "quien",
    "donde",
    "cuando",
}


@dataclass
class Reading:
    """What the classifier read in one message."""

    intent: str
    lang: str | None
    score: float = 0.0
    rule: str = ""
    minor: bool = False
    faq: str = ""
    named: list[str] = field(default_factory=list)  # services the message names
    own_words: list[str] | None = None  # the words outside the names, when a name was found
    terms: list[str] = field(default_factory=list)
    situation: bool = False  # signs of trafficking were described
    small_talk: str = ""  # "greeting" or "thanks" when that is all the message is
    message: Message | None = None  # the message as read once (words, numbers, place)
    scores: dict[str, float] = field(default_factory=dict)  # every label's score, for preview
    rule_intent: str = "unknown"  # what the rules alone decided
    exact: bool = False  # the rules' intent came from a phrase or a service name matched exactly
    layer: str = "rules"  # which layer decided: rules | model | safety
    danger: bool = False  # 911 comes first: an emergency, or danger now possible
    learned: Verdict | None = None  # the learned reading, when a model was trained


def _strength(rule: Rule, hit: Hit) -> float:
    """How much a rule hit counts: its weight, how well it matched and how specific it is."""
    length = len(compile_phrase(rule.phrase).words)
    return rule.weight * hit.similarity * min(1.6, 1 + 0.15 * (length - 1))


def _subject(words: list[str], hit: Hit, phrase: str) -> str:
    """'self' or 'other' when the phrase itself says who ("sells me", "took her passport")."""
    own = compile_phrase(phrase).words
    after = words[hit.end : hit.end + 1]
    span = words[hit.start : hit.end]  # what matched, including words skipped inside it
    if about_other(span) or any(w in ("her", "him", "them") for w in span):
        return "other"
    if any(w in SELF_WORDS for w in own) or after in (["me"], ["us"]):
        return "self"
    if about_other(own) or after in (["her"], ["him"], ["them"]):
        return "other"
    return ""


def _named(match: index.MatchIndex, words: list[str]) -> tuple[list[str], set[int]]:
    """Services the message names outright ("love146 phone", "kids in crisis"), and the
    positions of the words that name them."""
    found: list[str] = []
    covered: set[int] = set()
    count = len(words)
    words = [*words, *(a + b for a, b in zip(words, words[1:], strict=False))]  # "love 146"
    for i, hit in match.names.hits(words, match.lexicon.positions(words)):
        service_id = match.service_of[i]
        if hit.similarity < 0.9:
            continue
        if not found or found[-1] != service_id:
            found.append(service_id)  # a service's names are side by side in the index
        for at in range(hit.start, hit.end):
            covered.update((at,) if at < count else (at - count, at - count + 1))
    return found, covered


def _terms(
    match: index.MatchIndex, words: list[str], near: index.Positions
) -> list[tuple[str, float]]:
    """Service categories named in the message, strongest first."""
    found: dict[str, float] = {}  # in the knowledge base's order, for ties
    for i, hit in match.terms.hits(words, near):
        if not hit.negated:
            term = match.term_of[i].id
            found[term] = max(found.get(term, 0.0), hit.similarity)
    return sorted(found.items(), key=lambda t: -t[1])


def is_question(words: list[str], text: str) -> bool:
    """True for a general question ("what is ...", "can a minor ...", "...?")."""
    return bool(words) and (words[0] in QUESTION_STARTS or text.rstrip().endswith("?"))


def _rule_scores(
    kb: Knowledge, match: index.MatchIndex, message: Message, near: index.Positions, weighed: bool
):
    """Each label's best rule strength and phrase, and situation strength by subject.

    weighed is True when a learned reading will weigh the scores: only then does a
    not_literal cue make an emergency phrase a score rather than a rule emergency.
    """
    words = message.words
    scores: dict[str, float] = {}
    best_rule: dict[str, str] = {}
    exact: set[str] = set()  # labels a phrase matched word for word, with no typo
    situation = {"self": 0.0, "other": 0.0, "": 0.0}
    hits = [(kb.rules[i], hit) for i, hit in match.rules.hits(words, near)]
    playful = weighed and (
        any(  # a typo never makes a joke: staff's "zorblax" is not "zorblox"
            rule.intent == NOT_LITERAL and hit.similarity == 1.0 and not hit.negated
            for rule, hit in hits
        )
        or not match.laughs.isdisjoint(message.pictographs)
    )
    for rule, hit in hits:
        if hit.negated or (rule.intent == "emergency" and not hit.complete):
            # "i need legal help" ends inside "need help now": the words that make it
            # danger are missing. The learned reading carries danger worded partly.
            continue
        if (
            rule.intent == "emergency"
            and hit.similarity < 1
            and match.mistaken(words, hit, rule.phrase)
        ):
            continue  # a near word, not a typo: the learned reading reads the sentence
        strength = _strength(rule, hit)
        label = rule.intent
        if label == "emergency" and (hit.gaps or playful):
            label = APART
        if label == SITUATION:
            subject = _subject(words, hit, rule.phrase)
            situation[subject] = max(situation[subject], strength)
        if hit.similarity == 1.0:
            exact.add(label)
        if strength > scores.get(label, 0.0):
            scores[label] = strength
            best_rule[label] = rule.phrase
    return scores, best_rule, situation, exact


def _place_situation(
    situation: dict, words: list[str], numbered: str, previous: str, question: bool
) -> None:
    """Decide whose situation the unplaced signs describe, in place."""
    own, other = who(words, numbered)
    unplaced = situation.pop("")
    if unplaced:
        if other > own or previous == "report_tip":
            situation["other"] = max(situation["other"], unplaced)
        else:
            situation["self"] = max(situation["self"], unplaced)
    if previous == "report_tip" and situation["self"] and not situation["other"]:
        situation["other"], situation["self"] = situation["self"], 0.0
    if question and own == 0 and "my" not in words and "mi" not in words:
        # "what are signs someone is being trafficked": a question about situations
        for key in situation:
            situation[key] *= 0.5


def classify(
    text: str | Message, kb: Knowledge, previous: str = "", learned: bool = True
) -> Reading:
    """Read one message with the rules and the learned reading, and fuse the two.

    Safety is a one-way ratchet: danger now and a minor are each the union of both layers.
    previous is the intent of the conversation's last turn (see read_rules).
    """
    message = text if isinstance(text, Message) else Message.of(text)
    model = training.current(kb) if learned else None
    reading = read_rules(message, kb, previous, weighed=model is not None)
    if model is None:
        return reading
    verdict = model.read(message.text, rule_features(reading), message.learned)
    known = not reading.exact or model.knows(reading.rule)
    reading = fuse(reading, verdict, known, told=previous in TELLING)
    reading.lang = language(reading, model, message.words)
    return reading


def language(reading: Reading, model: Model, words: list[str]) -> str | None:
    """The learned language head's verdict where it is sure, else the word lists'.

    On grouped folds over the examples, the head read the language of messages of three
    words or more right 0.995 of the time, the word lists 0.978 (undecided 138 times).
    A message without a single word ("911", "?") has no language: the head is not asked.
    """
    own = words if reading.own_words is None else reading.own_words
    if not any(w.isalpha() for w in own):
        return reading.lang
    if reading.own_words is None:
        spanish = reading.learned.spanish
    else:  # read without the service's name, as the word lists were
        spanish = model.spanish_probability(model_text(" ".join(own)))
    if spanish >= LANGUAGE_SURE:
        return "es"
    if spanish <= 1 - LANGUAGE_SURE:
        return "en"
    return reading.lang


def fuse(reading: Reading, verdict: Verdict, known: bool = True, told: bool = False) -> Reading:
    """The rules' reading with the learned one laid over it; safety only ever goes up.

    known is False when the rule phrase that decided has a word no example has (a phrase
    staff just added, "zorblax"): the model cannot judge it. told is True when the last
    turn said the writer has something to tell ("i want to report something").
    """
    reading.learned = verdict
    reading.minor = reading.minor or verdict.minor_involved
    if reading.intent == "emergency":
        reading.danger = True
        return reading  # a rule found danger now: nothing clears it
    intent, probability = verdict.top
    if verdict.danger_now or intent == "emergency":
        reading.danger = True
        if intent == "emergency" or verdict.likely_danger:
            reading.intent, reading.layer, reading.score = "emergency", "safety", verdict.danger
            reading.rule = "learned reading"
            return reading
    if intent == "unknown" and told and reading.situation:
        # The model reads each message alone; signs described right after "i want to report
        # something" are what the writer came to tell, however calm the words around them.
        return reading
    unknowable = bool(reading.named) or not known
    if reading.exact and (probability < UNSURE or intent == "unknown" and unknowable):
        # The model is unsure and a phrase staff wrote matched word for word: the explicit
        # rule decides. So does a service's name (the model trains without the directory)
        # or a phrase with words no example has, even where the model recognised nothing.
        # A phrase of words it learned beside (the phrase's score is one of the fusion's
        # inputs) does not: "can you help me move house" is not about trafficking.
        return reading
    if intent != reading.intent:
        reading.intent, reading.layer, reading.score = intent, "model", probability
        reading.rule = "learned reading"
        reading.small_talk = ""
    else:
        reading.layer = "rules and model"
    return reading


# Examples read at start-up, after training: about 60 ms, and the first message after
# start costs about what the second does (bench/replies.py: 5.9 ms before, 2.6 ms after).
# A rebuild after an import gains nothing measurable from it, so it does not read them.
WARM_UP = 50


def prepare(kb: Knowledge, read: bool = True) -> Model | None:
    """Train the learned reading for this snapshot now, unless it is trained (for start-up);
    then, unless read is False, read some of its examples (warm_up)."""
    model = training.ensure(kb)
    if read:
        warm_up(kb)
    return model


def warm_up(kb: Knowledge, count: int = WARM_UP) -> None:
    """Read a spread of the snapshot's own examples, so a person's first message does not
    pay for what the readers remember after their first use (word lookups in the match
    index, compiled patterns, the learned reading's first arrays): with training in its
    own process, nothing else reads before the first message."""
    examples = sorted(kb.examples, key=order)
    for example in examples[:: max(1, len(examples) // count)][:count]:
        classify(example.text, kb)


def model_for(kb: Knowledge) -> Model | None:
    """The model to read this snapshot with now (training it in the background if needed)."""
    return training.current(kb)


def training_features(kb: Knowledge):
    """The rule layer's scores of a text, as the fusion model is trained on them.

    Without the directory's service names, so that training depends only on the examples
    and the rules (a directory edit or import never retrains the model).
    """
    return lambda text: rule_features(read_rules(Message.of(text), kb, names=False))


def rule_features(reading: Reading) -> list[float]:
    """The rule layer's verdict as numbers for the fusion model: scores, then its choice."""
    labels = ("emergency", APART, *PRIORITY[:-1], GREETING, THANKS, NOT_LITERAL)
    scores = [reading.scores.get(label, 0.0) for label in labels]
    scores.append(float(reading.minor))  # at model.RULE_MINOR
    chosen = reading.rule_intent
    return scores + [float(chosen == label) for label in MODEL_INTENTS]


def read_rules(
    message: Message, kb: Knowledge, previous: str = "", names: bool = True, weighed: bool = True
) -> Reading:
    """Read one message against the knowledge base's rules, FAQ and categories.

    previous is the intent of the conversation's last turn: a situation described right
    after "I want to report something" is a tip. weighed is False when no learned reading
    will weigh the rules' scores (none is trained yet): every emergency phrase then decides.
    """
    words, numbered = message.words, message.numbered
    match = index.of(kb)
    near = match.lexicon.positions(words)  # where each phrase word could match
    scores, best_rule, situation, exact = _rule_scores(kb, match, message, near, weighed)
    reading = Reading("unknown", message.lang, scores=scores, message=message)
    reading.minor = minor_age(numbered) or scores.get(MINOR, 0) >= THRESHOLD
    if scores.get("emergency", 0) >= THRESHOLD:
        reading.intent, reading.score = "emergency", scores["emergency"]
        reading.rule, reading.rule_intent = best_rule["emergency"], "emergency"
        reading.danger = True
        return reading

    question = is_question(words, message.text)
    _place_situation(situation, words, numbered, previous, question)
    reading.situation = max(situation.values()) >= DESCRIBED
    if situation["self"] > scores.get("get_help", 0):
        scores["get_help"], best_rule["get_help"] = situation["self"], best_rule[SITUATION]
    if situation["other"] >= THRESHOLD and situation["self"] < THRESHOLD:
        # Someone else's situation is a tip, even when the writer also asks for help.
        top = max(situation["other"], scores.get("get_help", 0)) + 0.05
        if top > scores.get("report_tip", 0):
            scores["report_tip"], best_rule["report_tip"] = top, best_rule[SITUATION]

    reading.named, covered = _named(match, words) if names else ([], set())
    if reading.named:
        # A name is not a language: "telefono de Kids in Crisis" is written in Spanish.
        reading.own_words = [w for at, w in enumerate(words) if at not in covered]
        reading.lang = detect(reading.own_words)
        scores["find_services"] = max(scores.get("find_services", 0), 1.0)
        best_rule.setdefault("find_services", reading.named[0])
    place = cache(lambda: (found := message.place()) is not None and not found.guessed)
    terms = _terms(match, words, near)
    reading.terms = [t for t, _ in terms]
    specific = [(t, s) for t, s in terms if t not in GENERIC_TERMS]
    if terms:
        term_strength = specific[0][1] + 0.1 * (len(specific) - 1) if specific else 0.7
        asked = (
            scores.get("find_services")
            or scores.get("get_help", 0) >= THRESHOLD
            or question
            or len(words) <= 3
            or place()
        )
        if reading.situation and not scores.get("find_services"):
            term_strength = 0.0  # "her boss took her passport": a situation, not a request
        elif specific and asked:
            term_strength += 0.15  # "ayuda legal": the category is the need
        elif not asked:
            term_strength -= 0.15  # "a girl at the motel ...": a word, not a request
        old = scores.get("find_services", 0)
        scores["find_services"] = max(old, term_strength) + (0.2 if old and specific else 0)
        best_rule.setdefault("find_services", terms[0][0])
    request = max(scores.get("get_help", 0), scores.get("find_services", 0))
    if not reading.situation and request >= THRESHOLD and place():
        # "any help in hartford county": help somewhere is a search for services there
        scores["find_services"] = request + 0.1
        best_rule.setdefault("find_services", "place")

    faq_id, faq_strength, faq_why = faq_index.index(kb).best(words, question)
    if faq_id and faq_strength >= 0.5:
        bonus = 0.3 if question or scores.get("info", 0) >= THRESHOLD else 0.0
        scores["info"], best_rule["info"] = faq_strength + bonus, faq_why
        reading.faq = faq_id
    else:
        scores["info"] = 0.0  # "what time is it": a question, but not one we answer
    if situation["self"] >= THRESHOLD and not question:
        scores["info"] = 0.0  # what is happening to the writer outranks a general topic

    candidates = [(scores.get(label, 0.0), -PRIORITY.index(label), label) for label in PRIORITY]
    score, _, intent = max(candidates)
    if score < THRESHOLD:
        small = {GREETING: scores.get(GREETING, 0), THANKS: scores.get(THANKS, 0)}
        if max(small.values()) >= THRESHOLD:
            reading.small_talk = max(small, key=small.get)
            reading.rule = best_rule[reading.small_talk]
        return reading
    reading.intent, reading.score, reading.rule = intent, score, best_rule.get(intent, "")
    reading.rule_intent = intent
    # A phrase staff wrote, matched exactly (or a service named outright) is explicit.
    reading.exact = intent in exact or (intent == "find_services" and bool(reading.named))
    return reading
