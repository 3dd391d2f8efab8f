"""Pick the FAQ answer a question is about: phrase matches, then topic-word overlap."""

from __future__ import annotations

import math
from collections import Counter

from bot.index import Lexicon, PhraseIndex
from bot.match import Hit, compile_phrase, word_similarity
from bot.synonyms import fold
from bot.types import Faq, Knowledge

# Function words and generic question words: they say "a question", not which one.
STOPWORDS = set(
    """
    what is are the a an of to in on for and or do does did can could i you me my it its this
    that be how why who where when about there with from get am was were will would if any
    some tell mean meaning means define definition explain much many please know want need
    que es el la los las de del un una en por para con y o se lo como cual quien donde cuando
    mi me yo tu su hay son esta significa definicion sobre saber quiero necesito al
    help ayuda year years old yr yrs anos still
    """.split()
)


def _phrases(faq: Faq) -> list[str]:
    return [p for lang in ("en", "es") for p in faq.phrases.get(lang, ())]


def _keywords(faq: Faq) -> set[str]:
    words = set()
    for lang_phrases in faq.phrases.values():
        for phrase in lang_phrases:
            words.update(fold(w.rstrip("*")) for w in compile_phrase(phrase).words)
    return words - STOPWORDS


def coverage(
    keywords: set[str], content: list[tuple[float, dict[str, float]]], question: bool
) -> float:
    """How much of the message (0..1, weighted by rarity) these topic words explain."""
    total = explained = 0.0
    matched = 0
    for weight, sims in content:
        sim = max((s for key, s in sims.items() if key in keywords), default=0.0)
        total += weight
        explained += weight * sim
        matched += sim > 0
    if not total or (matched < 2 and not question):
        return 0.0
    # A single common word is weak evidence however much of a short message it is.
    return explained / total * min(1.0, explained / 2.5)


class FaqIndex:
    """Topic words per FAQ with inverse document frequencies, built once per snapshot."""

    def __init__(self, faqs: list[Faq], exhaustive: bool = False):
        self.faqs = faqs
        self.keywords = {f.id: _keywords(f) for f in faqs}
        df = Counter(w for words in self.keywords.values() for w in words)
        n = max(1, len(faqs))
        self.idf = {w: math.log((n + 1) / c) for w, c in df.items()}
        self.rarest = max(self.idf.values(), default=1.0)  # the weight of an unknown word
        self.topic_words = frozenset(df)
        self._faq_of = [i for i, f in enumerate(faqs) for _ in _phrases(f)]
        self._phrases = [p for f in faqs for p in _phrases(f)]
        self.phrases = PhraseIndex(self._phrases)
        vocabulary = self.phrases.words | self.topic_words
        self.lexicon = Lexicon(vocabulary, exhaustive)

    def topic_matches(self, words: list[str]) -> list[tuple[float, dict[str, float]]]:
        """Each content word's rarity weight, and how well it matches each topic word near it."""
        content = []
        for word in (fold(w) for w in words if w not in STOPWORDS):
            near = self.lexicon.near(word) & self.topic_words  # the others score 0
            sims = {key: word_similarity(key, word) for key in near}
            content.append((self.idf.get(word, self.rarest), sims))
        return content

    def best(self, words: list[str], question: bool) -> tuple[str, float, str]:
        """The best FAQ id, its strength (0 to about 1.8) and what matched.

        Topic words alone count for a question, or when they explain most of the message.
        """
        top: dict[int, tuple[int, Hit, float]] = {}  # per FAQ its strongest phrase, first on ties
        for i, hit in self.phrases.hits(words, self.lexicon.positions(words)):
            faq = self._faq_of[i]
            key = hit.similarity * len(self.phrases.patterns[i].words)
            if faq not in top or key > top[faq][2]:
                top[faq] = (i, hit, key)
        content = self.topic_matches(words)
        found = {key for _, sims in content for key, sim in sims.items() if sim}
        best = ("", 0.0, "")
        for f, faq in enumerate(self.faqs):
            strength, why = 0.0, ""
            if f in top and not top[f][1].negated:
                i, hit, _ = top[f]
                n = len(self.phrases.patterns[i].words)
                strength, why = hit.similarity * min(1.8, 0.6 + 0.3 * n), self._phrases[i]
            keywords = self.keywords[faq.id]
            covered = 0.0 if keywords.isdisjoint(found) else coverage(keywords, content, question)
            strength *= 0.7 + 0.3 * covered  # a phrase that explains little of the message
            if question or covered >= 0.6:
                by_topic = 1.5 * covered
                if by_topic > strength:
                    strength, why = by_topic, "topic words"
            if strength > best[1]:
                best = (faq.id, strength, why)
        return best


def index(kb: Knowledge) -> FaqIndex:
    """The FAQ index for a snapshot, built on first use and kept with it."""
    cached = kb.derived.get("faq_index")
    if cached is None:
        cached = kb.derived["faq_index"] = FaqIndex(kb.faqs)
    return cached
