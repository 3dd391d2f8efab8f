"""Fuzzy phrase matching of rules against a message, word by word, with negation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from bot.normalize import tokens

NEGATORS = {"not", "no", "never", "nunca", "nothing", "nada", "ni", "without", "sin"}
# Words that end the reach of a negation ("I don't need help, but ...").
CLAUSE_BREAKS = {"but", "pero", "and", "y", "so", "because", "porque", "i", "yo", "sino"}
NEGATION_REACH = 3
# Words whose negation vouches for what follows rather than denying it: "not joking, he
# locked me in", "no cap", "no es broma, me tienen encerrada", "no miento".
JEST = {
    "joke", "joking", "kidding", "lie", "lying", "cap", "capping", "playing", "exaggerating",
    "broma", "bromeando", "bromeo", "chiste", "miento", "mintiendo", "mentira", "jugando",
    "exagero", "exagerando",
}  # fmt: skip
MAX_GAP = 2  # extra words allowed between the words of a phrase
# Typos are forgiven only in words up to this long: longer than any real English or Spanish
# word a person texts ("electroencefalografista" is 23), so a longer one is a name, a link
# or noise, and matches only exactly. It also bounds the typo lookup (bot/index.py), whose
# work grows with the cube of a word's length.
LONGEST_WORD = 30


@dataclass(frozen=True)
class Pattern:
    """A rule phrase in matching form."""

    words: tuple[str, ...]
    negative: bool  # the phrase itself contains a negation ("will not let me leave")


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched a message, and how well."""

    start: int
    end: int  # index after the last matched word
    similarity: float  # 0..1, mean over the pattern's words
    negated: bool
    complete: bool = True  # False when the message ended before the phrase's last words
    gaps: int = 0  # message words skipped between the phrase's words


@lru_cache(maxsize=50_000)
def compile_phrase(phrase: str) -> Pattern:
    """The matching form of a rule phrase (normalised like a message)."""
    raw = phrase.strip().lower().split()
    words: list[str] = []
    for word in raw:
        star = word.endswith("*")
        expanded = tokens(word.rstrip("*")) or [word.rstrip("*")]
        if star:
            expanded[-1] += "*"
        words.extend(expanded)
    return Pattern(tuple(words), any(w in NEGATORS for w in words))


def word_similarity(pattern_word: str, word: str) -> float:
    """How alike two words are, 0 when they should not count as the same word."""
    if pattern_word.endswith("*"):
        stem = pattern_word[:-1]
        if word.startswith(stem):
            return 1.0
        if len(stem) >= 5 and len(word) >= len(stem):
            return word_similarity(stem, word[: len(stem)])
        return 0.0
    if pattern_word == word:
        return 1.0
    n = len(pattern_word)
    if n <= 3 or n > LONGEST_WORD or abs(len(word) - n) > 2:
        return 0.0
    if word.isdigit() or pattern_word.isdigit():
        return 0.0
    return _typo_similarity(pattern_word, word)


# Only pairs within two letters of length are remembered, so a hostile message's long
# words never fill the cache.
@lru_cache(maxsize=200_000)
def _typo_similarity(pattern_word: str, word: str) -> float:
    """word_similarity for two different words of close length (four letters or more)."""
    if not _same_start(pattern_word, word):
        return 0.0
    n = len(pattern_word)
    if n == 4:
        # Short words: a dropped, doubled or swapped letter, never a different letter
        # ("hlep" is help, "told" is not "sold").
        if Indel.distance(pattern_word, word) <= 1 or (
            sorted(pattern_word) == sorted(word) and OSA.distance(pattern_word, word) == 1
        ):
            return 0.8
        return 0.0
    # Two edits in eight letters make another word, not a typo: "staying" is not "stabbing",
    # "shopping" is not "shooting" (both read as danger now before).
    allowed = 1 if n <= 8 else 2
    distance = OSA.distance(pattern_word, word)
    if distance > allowed:
        return 0.0
    return 1.0 - distance / (n + 1)


# First letters a writer may put for one another: they sound alike ("biolada" for
# "violada", "quota" for "cuota").
SOUND_ALIKE = ("bv", "csz", "ckq", "gj", "hj", "iy")


def _same_start(pattern_word: str, word: str) -> bool:
    """False when word differs from pattern_word in its first letter alone, the next
    one aligned: a misspelling keeps the first letter, so that makes another word
    ("sitting" is not "hitting", "report" not "deport", "señor" not "menor"), unless the
    two letters sound alike. Letters added or dropped at the start stay typos
    ("ospital" for "hospital", "cerrada" for "encerrada").
    """
    p, w = pattern_word[0], word[0]
    if p == w or pattern_word[1:2] != word[1:2]:
        return True
    return any(p in group and w in group for group in SOUND_ALIKE)


def _negated(words: Sequence[str], start: int) -> bool:
    """True when a negator sits just before position start, in the same clause, and denies
    it rather than a jest ("not kidding")."""
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        word = words[i]
        if word in CLAUSE_BREAKS or word in JEST:
            return False
        if word in NEGATORS:
            following = words[i + 1] if i + 1 < len(words) else ""
            return following not in {"one", "body", "matter", "puedo"} or word != "no"
    return False


def find(pattern: Pattern, words: Sequence[str], starts: Iterable[int] | None = None) -> Hit | None:
    """The best place pattern matches in words (in order, small gaps allowed), or None.

    A message may end inside a phrase after gaps: the words past its end score 0, so "they
    wont let her call us" still partly matches "not let us go". starts, if given, are the
    positions (ascending) where the phrase's first word may match; others are not tried.
    """
    best: Hit | None = None
    pw = pattern.words
    if not pw or len(words) < len(pw):
        return None
    last = len(words) - len(pw)
    for start in range(last + 1) if starts is None else starts:
        if start > last:
            break
        first = word_similarity(pw[0], words[start])
        if not first:
            continue
        total, pos, gaps, skipped_negation, complete = first, start + 1, 0, False, True
        for p in pw[1:]:
            if pos >= len(words):
                complete = False
                continue  # the message ended inside the phrase
            for step in range(min(MAX_GAP + 1, len(words) - pos)):
                sim = word_similarity(p, words[pos + step])
                if sim:
                    total += sim
                    gaps += step
                    # "i [do not] need help": a negation inside the phrase negates it
                    skipped_negation |= any(w in NEGATORS for w in words[pos : pos + step])
                    pos += step + 1
                    break
            else:
                break
        else:
            similarity = total / len(pw) - 0.04 * gaps
            if best is None or similarity > best.similarity:
                negated = not pattern.negative and (skipped_negation or _negated(words, start))
                best = Hit(start, pos, similarity, negated, complete, gaps)
    return best


def matched_prefix(length: int) -> int:
    """How many leading words of a phrase this long must match for find to return a hit.

    Each word after the first may skip MAX_GAP message words, and only skipped words can
    push the message's end inside the phrase.
    """
    return -(-(length + MAX_GAP) // (MAX_GAP + 1))  # length + MAX_GAP <= matched * (MAX_GAP + 1)
