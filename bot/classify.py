"""Work out what a message asks for: intent, safety overlays, topic, service categories."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.cues import about_other, minor_age
from bot.language import detect
from bot.match import Hit, best_hits, compile_phrase, find
from bot.normalize import tokens
from bot.types import Knowledge, Rule

# Labels in the rules table that are cues rather than intents.
SITUATION = "situation"  # a trafficking situation, about the writer or someone else
MINOR = "minor"  # words that say a child is involved
GREETING = "greeting"
THANKS = "thanks"
THRESHOLD = 0.75
PRIORITY = ("get_help", "report_tip", "find_services", "info", "unknown")
SELF_WORDS = {"i", "me", "my", "myself", "am", "yo", "estoy", "soy", "mi", "mis", "us", "we"}


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
    terms: list[str] = field(default_factory=list)
    small_talk: str = ""  # "greeting" or "thanks" when that is all the message is
    words: list[str] = field(default_factory=list)


def _strength(rule: Rule, hit: Hit) -> float:
    """How much a rule hit counts: its weight, how well it matched and how specific it is."""
    length = len(compile_phrase(rule.phrase).words)
    return rule.weight * hit.similarity * min(1.6, 1 + 0.15 * (length - 1))


def _subject(words: list[str], hit: Hit, phrase: str) -> str:
    """'self' or 'other': who a situation is about, from the phrase or the words before it."""
    own = compile_phrase(phrase).words
    if any(w in SELF_WORDS for w in own):
        return "self"
    if about_other(list(own)):
        return "other"
    after = words[hit.end : hit.end + 1]
    if after and after[0] in {"me", "us"}:
        return "self"
    if after and after[0] in {"her", "him", "them"}:
        return "other"
    for word in reversed(words[max(0, hit.start - 5) : hit.start]):
        if word in SELF_WORDS:
            return "self"
        if about_other([word]):
            return "other"
    return "self"


def _faq(kb: Knowledge, words: list[str]) -> tuple[str, float, str]:
    """The best-matching FAQ id, its strength and the phrase that matched."""
    best = ("", 0.0, "")
    for faq in kb.faqs:
        phrases = [p for lang in ("en", "es") for p in faq.phrases.get(lang, ())]
        for phrase, hit in best_hits(phrases, words)[:1]:
            if hit.negated:
                continue
            n = len(compile_phrase(phrase).words)
            strength = hit.similarity * min(1.8, 0.6 + 0.3 * n)
            if strength > best[1]:
                best = (faq.id, strength, phrase)
    return best


def _terms(kb: Knowledge, words: list[str]) -> list[tuple[str, float]]:
    """Service categories named in the message, strongest first."""
    found = []
    for term in kb.terms:
        phrases = [p for lang in ("en", "es") for p in term.words.get(lang, ())]
        hits = [h for _, h in best_hits(phrases, words) if not h.negated]
        if hits:
            found.append((term.id, max(h.similarity for h in hits)))
    return sorted(found, key=lambda t: -t[1])


def _named(kb: Knowledge, words: list[str]) -> list[str]:
    """Services the message names outright ("love146 phone", "kids in crisis")."""
    found = []
    for service in kb.services:
        if service.kind not in ("directory", "program"):
            continue
        for name in {service.organization, service.name}:
            pattern = compile_phrase(name)
            hit = find(pattern, words)
            if hit and hit.similarity >= 0.9 and len(pattern.words) <= 5:
                found.append(service.id)
                break
    return found


def classify(text: str, kb: Knowledge) -> Reading:
    """Read one message against the knowledge base's rules, FAQ and categories."""
    words = tokens(text)
    numbered = " ".join(tokens(text, numbers=True))
    lang = detect(words)
    scores: dict[str, float] = {}
    best_rule: dict[str, str] = {}
    situation = {"self": 0.0, "other": 0.0}
    for rule in kb.rules:
        hit = find(compile_phrase(rule.phrase), words)
        if not hit or hit.negated:
            continue
        strength = _strength(rule, hit)
        label = rule.intent
        if label == SITUATION:
            who = _subject(words, hit, rule.phrase)
            situation[who] = max(situation[who], strength)
            label = "get_help" if who == "self" else "report_tip"
        if strength > scores.get(label, 0.0):
            scores[label] = strength
            best_rule[label] = rule.phrase

    minor = minor_age(numbered) or scores.get(MINOR, 0) >= THRESHOLD
    reading = Reading("unknown", lang, minor=minor, words=words)

    if scores.get("emergency", 0) >= THRESHOLD:
        reading.intent, reading.score = "emergency", scores["emergency"]
        reading.rule = best_rule["emergency"]
        return reading

    faq_id, faq_strength, faq_phrase = _faq(kb, words)
    if faq_strength >= scores.get("info", 0):
        scores["info"] = max(scores.get("info", 0), faq_strength)
        best_rule["info"] = faq_phrase or best_rule.get("info", "")
    elif faq_id:
        scores["info"] = scores["info"] + 0.2 * faq_strength
    reading.faq = faq_id

    reading.named = _named(kb, words)
    if reading.named:
        scores["find_services"] = max(scores.get("find_services", 0), 1.0)
        best_rule.setdefault("find_services", reading.named[0])

    terms = _terms(kb, words)
    reading.terms = [t for t, _ in terms]
    if terms:
        term_strength = terms[0][1] + 0.1 * (len(terms) - 1)
        if term_strength > scores.get("find_services", 0):
            scores["find_services"] = max(scores.get("find_services", 0), term_strength)
        else:
            scores["find_services"] += 0.2
        best_rule.setdefault("find_services", terms[0][0])

    # Someone else's situation is a tip, even when the writer also asks for help.
    if situation["other"] >= THRESHOLD and situation["self"] < THRESHOLD:
        scores["report_tip"] = max(scores.get("report_tip", 0), scores.get("get_help", 0))
    # A description of what is happening to the writer outranks a general question.
    if situation["self"] >= THRESHOLD and scores.get("info", 0) < situation["self"] + 0.5:
        scores["info"] = 0.0

    small = {GREETING: scores.get(GREETING, 0), THANKS: scores.get(THANKS, 0)}
    candidates = [(scores.get(label, 0.0), -PRIORITY.index(label), label) for label in PRIORITY]
    score, _, intent = max(candidates)
    if score < THRESHOLD:
        if max(small.values()) >= THRESHOLD:
            reading.small_talk = max(small, key=small.get)
            reading.rule = best_rule[reading.small_talk]
        return reading
    reading.intent, reading.score, reading.rule = intent, score, best_rule.get(intent, "")
    return reading
