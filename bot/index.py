"""Which phrases could match a message, so matching tries those instead of every phrase.

word_similarity only scores above zero for the same word, a starred stem's endings, or
words within an edit distance of 1 (up to 7 letters) or 2 (longer). Two words that close
always share a string left after deleting at most that many letters from each, so filing
every phrase word under its deletions finds all the words a message word could match, and
word_similarity itself confirms each one: the candidates are never fewer than the matches.
A phrase is then tried only if the words find needs are all near the message's words, and
only from the positions where its first word could match.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from operator import itemgetter

from bot import training
from bot.match import (
    LONGEST_WORD,
    Hit,
    Pattern,
    compile_phrase,
    find,
    matched_prefix,
    word_similarity,
)
from bot.normalize import pictographs, tokens
from bot.types import NOT_LITERAL, Example, Knowledge

REFERRAL_KINDS = ("directory", "program")  # services a message can name
MAX_NAME_WORDS = 5  # longer names are never taken as named in a message
CACHE_SIZE = 20_000  # message words whose neighbours a lexicon remembers
# Where in a message each phrase word could match: word -> positions, in order (None: anywhere).
Positions = dict[str, list[int]] | None


def deletions(word: str, depth: int) -> set[str]:
    """The word and every string left after deleting up to depth of its letters."""
    found = level = {word}
    for _ in range(depth):
        level = {w[:i] + w[i + 1 :] for w in level for i in range(len(w))}
        found = found | level
    return found


def _typo_depth(length: int) -> int:
    """Deletions covering the typos word_similarity forgives in a word this long."""
    return 1 if length <= 7 else 2


class Lexicon:
    """The words of a set of phrases, looked up by the message words they could match."""

    def __init__(self, words: Iterable[str], exhaustive: bool = False) -> None:
        self.words = frozenset(words)
        self.exhaustive = exhaustive  # every word is a candidate: the baseline to compare with
        stars = [w for w in self.words if w.endswith("*")]
        self._stems = {w[:-1] for w in stars}
        self._longest_stem = max(map(len, self._stems), default=0)
        self._typo_stems = [w for w in stars if len(w) > 5]  # stems of 5+ letters forgive typos
        by_deletion: dict[str, list[str]] = defaultdict(list)
        for word in self.words:
            if self._forgives_typos(word):
                for key in deletions(word, _typo_depth(len(word))):
                    by_deletion[key].append(word)
        self._by_deletion = dict(by_deletion)
        # word_similarity forgives at most 2 letters more than a word has, so a message word
        # longer than that can match no word by a typo and is not looked up by deletions at
        # all (a 2,000-letter word would otherwise make millions of them).
        typo_words = [w for w in self.words if self._forgives_typos(w)]
        self.longest_typo = max(map(len, typo_words), default=0) + 2
        self._near: dict[str, frozenset[str]] = {}

    @staticmethod
    def _forgives_typos(word: str) -> bool:
        """True for a phrase word word_similarity matches with typos (see LONGEST_WORD)."""
        return 4 <= len(word) <= LONGEST_WORD and not word.endswith("*") and not word.isdigit()

    def near(self, word: str) -> AbstractSet[str]:
        """The words that word_similarity scores above zero against this message word."""
        if self.exhaustive:
            return self.words
        found = self._near.get(word)
        if found is None:
            if len(self._near) >= CACHE_SIZE:
                self._near.clear()
            found = self._near[word] = frozenset(self._find(word))
        return found

    def positions(self, words: Sequence[str]) -> Positions:
        """The message positions each word of the lexicon could match; None for anywhere."""
        if self.exhaustive:
            return None
        found: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            for near in self.near(word):
                found.setdefault(near, []).append(i)
        return found

    def _find(self, word: str) -> set[str]:
        found = {word} & self.words
        reach = min(len(word), self._longest_stem)
        found.update(word[:i] + "*" for i in range(reach + 1) if word[:i] in self._stems)
        found.update(stem for stem in self._typo_stems if word_similarity(stem, word))
        if not word.isdigit() and len(word) <= self.longest_typo:
            for key in deletions(word, 1 if len(word) <= 5 else 2):
                for candidate in self._by_deletion.get(key, ()):
                    if word_similarity(candidate, word):
                        found.add(candidate)
        return found


class PhraseIndex:
    """Phrases filed under a rare word; a message tries those whose leading words are all near.

    The leading words are those find needs to match (matched_prefix): a message may end
    inside a phrase. A phrase listed many times ("Legal Aid" in a directory) is tried once.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.patterns: list[Pattern] = [compile_phrase(p) for p in phrases]
        self.words = {w for p in self.patterns for w in p.words}  # every word the phrases use
        indexes: dict[Pattern, list[int]] = defaultdict(list)
        for i, pattern in enumerate(self.patterns):
            indexes[pattern].append(i)
        self._distinct = list(indexes.items())
        self._needs = [frozenset(p.words[: matched_prefix(len(p.words))]) for p in indexes]
        counts = Counter(w for needs in self._needs for w in needs)
        by_word: dict[str, list[int]] = defaultdict(list)
        for d, needs in enumerate(self._needs):
            if needs:
                by_word[min(sorted(needs), key=counts.__getitem__)].append(d)
        self._by_word = dict(by_word)

    def _tried(self, near: Positions) -> Iterable[int]:
        """The distinct phrases that could match (all when near is None)."""
        if near is None:
            return range(len(self._distinct))
        by_word, needs, words = self._by_word, self._needs, near.keys()
        return [d for w in words if w in by_word for d in by_word[w] if needs[d] <= words]

    def candidates(self, near: Positions) -> list[int]:
        """Indexes, in order, of the phrases that could match (all when near is None)."""
        return sorted(i for d in self._tried(near) for i in self._distinct[d][1])

    def hits(self, words: Sequence[str], near: Positions) -> list[tuple[int, Hit]]:
        """Indexes, in order, of the phrases found in words, and where."""
        found = []
        for d in self._tried(near):
            pattern, indexes = self._distinct[d]
            starts = None if near is None else near[pattern.words[0]]
            hit = find(pattern, words, starts)
            if hit:
                found.extend((i, hit) for i in indexes)
        found.sort(key=itemgetter(0))
        return found


class MatchIndex:
    """Candidate lookup for one knowledge snapshot: rules, category words and service names."""

    def __init__(self, kb: Knowledge, exhaustive: bool = False) -> None:
        self.rules = PhraseIndex([r.phrase for r in kb.rules])
        words = [(t, p) for t in kb.terms for lang in ("en", "es") for p in t.words.get(lang, ())]
        self.term_of = [term for term, _ in words]
        self.terms = PhraseIndex([phrase for _, phrase in words])
        names = [
            (service.id, name)
            for service in kb.services
            if service.kind in REFERRAL_KINDS
            for name in sorted({service.organization, service.name})
            if len(compile_phrase(name).words) <= MAX_NAME_WORDS
        ]
        self.service_of = [service_id for service_id, _ in names]
        self.names = PhraseIndex([name for _, name in names])
        # not_literal phrases that are pictographs ("😂"): clean() drops them from the words.
        self.laughs = frozenset(
            r.phrase.strip()
            for r in kb.rules
            if r.intent == NOT_LITERAL and pictographs(r.phrase.strip()) == list(r.phrase.strip())
        )
        vocabulary = self.rules.words | self.terms.words | self.names.words
        self.lexicon = Lexicon(vocabulary, exhaustive)
        danger = {
            w for r in kb.rules if r.intent == "emergency" for w in compile_phrase(r.phrase).words
        }
        # Reading every example's words is most of a build (0.55 s of 0.7 s at 15,000
        # examples); a snapshot with the same examples and rules (training's content key)
        # reuses the map.
        key = training.key_of(kb)
        if key not in _NOT_TYPOS:
            if len(_NOT_TYPOS) >= 4:
                _NOT_TYPOS.clear()
            _NOT_TYPOS[key] = not_typos(kb.examples, danger)
        self.not_typos = _NOT_TYPOS[key]

    def mistaken(self, words: Sequence[str], hit: Hit, phrase: str) -> bool:
        """True when a danger phrase matched only through a word the examples show is
        another word, not a typo of the phrase's ("encargado" for "encerrado")."""
        pattern = compile_phrase(phrase).words
        for word in words[hit.start : hit.end]:
            near = self.not_typos.get(word)
            if near and any(p in near for p in pattern):
                return True
        return False


# A message word is another word, not a typo, for a danger phrase's word when the examples
# use it this often and mostly without danger: the test every danger phrase itself meets
# (tests/test_examples.py). "short" is not "shoot", "encargado" (the boss) not "encerrado".
OTHER_WORD_USES = 4
_NOT_TYPOS: dict[str, dict[str, frozenset[str]]] = {}  # by training.key_of


def inflection(a: str, b: str) -> bool:
    """True when two words differ only in their last letter or two, as forms of one word do
    ("mata" and "matar", "golpeo" and "golpea"): the same word, whatever the examples say."""
    shorter = min(len(a), len(b))
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return shorter >= 4 and shared >= shorter - 1


def not_typos(examples: Sequence[Example], danger_words: set[str]) -> dict[str, frozenset[str]]:
    """Message word -> the danger phrase words it is near but, by the examples, not a typo of."""
    uses: Counter[str] = Counter()
    calm: Counter[str] = Counter()
    for example in examples:
        for word in set(tokens(example.text)):
            uses[word] += 1
            calm[word] += not example.danger_now
    near_danger = Lexicon(danger_words)
    found = {}
    for word, count in calm.items():
        if count >= OTHER_WORD_USES and count > uses[word] - count:
            near = {
                p
                for p in near_danger.near(word)
                if 0 < word_similarity(p, word) < 1 and not inflection(p.rstrip("*"), word)
            }
            if near:
                found[word] = frozenset(near)
    return found


def of(kb: Knowledge) -> MatchIndex:
    """The match index for a snapshot, built on first use and kept with it."""
    cached = kb.derived.get("match_index")
    if cached is None:
        cached = kb.derived["match_index"] = MatchIndex(kb)
    return cached


def exhaustive(kb: Knowledge) -> Knowledge:
    """A copy of the snapshot that tries every phrase against every message (the baseline)."""
    from bot.faq import FaqIndex  # the FAQ index is built on this module

    return replace(
        kb,
        derived={
            "match_index": MatchIndex(kb, exhaustive=True),
            "faq_index": FaqIndex(kb.faqs, exhaustive=True),
        },
    )
