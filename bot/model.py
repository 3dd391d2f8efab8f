"""The learned reading: linear models on character and word n-grams, trained from examples.

Five heads share one feature space (TF-IDF over character n-grams within words and over
word unigrams and bigrams of the normalised text): the intent, danger now, a minor
involved, who the message is about, and whether it is written in Spanish. Small models
fuse the heads with the rule layer's scores: one for the intent and one for danger now
(which adds to the danger head's own reading, never clears it). They are trained on
out-of-fold predictions, so they learn how far to trust each layer on examples the heads
did not see.

This module reads with a trained model; bot/fit.py trains one (with scikit-learn, in a
child process: bot/training.py). Training is deterministic and never stored: the same
examples always give the same model.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.heads import Heads, one_vs_rest, sigmoid, softmax
from bot.normalize import emoji_words, quantities, tokens
from bot.types import Example

INTENTS = ("emergency", "get_help", "report_tip", "find_services", "info", "unknown")
ABOUT = ("self", "other", "general")


def model_text(text: str) -> str:
    """The form of a message the models read: normalised words, numbers as digits, emoji."""
    return " ".join(quantities(tokens(text, numbers=True)) + emoji_words(text))


# A danger reading over its threshold (chosen for recall) but under this probability, in a
# message whose most likely intent is not an emergency, is answered as read with 911 first.
LIKELY = 0.5


@dataclass(frozen=True)
class Verdict:
    """What the learned reading makes of one message."""

    intent: dict[str, float]  # the fused probability of each intent
    model_intent: dict[str, float]  # the intent head's own probabilities, before fusion
    danger: float
    minor: float
    about: dict[str, float]
    spanish: float  # how likely the message is written in Spanish (0.5 when untrained)
    danger_now: bool  # either danger reading reached the threshold chosen for it
    minor_involved: bool
    danger_with_rules: float | None = None  # the safety model's, when read beside the rules

    @property
    def likely_danger(self) -> bool:
        """True when either danger reading finds danger now more likely than not."""
        return max(self.danger, self.danger_with_rules or 0.0) >= LIKELY

    @property
    def top(self) -> tuple[str, float]:
        """The most probable intent after fusion, and its probability."""
        label = max(self.intent, key=self.intent.get)
        return label, self.intent[label]


@dataclass(frozen=True)
class Safety:
    """Danger now read again from every head and the rule scores together.

    A linear model over the fusion row and the danger and minor heads' log-odds, trained
    on out-of-fold predictions; its threshold is chosen for recall on its own held-out folds.
    """

    coef: np.ndarray
    intercept: float
    threshold: float


@dataclass
class Model:
    """The trained heads, the fusion model and the thresholds chosen on held-out folds."""

    heads: Heads  # the weights as plain arrays
    fuser: tuple[np.ndarray, np.ndarray] | None  # coefficients and intercepts, by fuser_labels
    trained: frozenset[str]  # the binary heads the examples could train: danger, minor, spanish
    danger_threshold: float
    minor_threshold: float
    examples: int
    key: str = ""
    safety: Safety | None = None  # danger read with the rules; None without rule scores

    def knows(self, phrase: str) -> bool:
        """True when every word of phrase was seen in the examples the model learned from."""
        return all(self.heads.knows(word) for word in model_text(phrase).split())

    def spanish_probability(self, text: str) -> float:
        """How likely text (normalised by model_text) is Spanish; 0.5 when it cannot tell."""
        if "spanish" not in self.trained or not text:
            return 0.5
        return sigmoid(self.heads.scores(text)[self.heads.spanish])

    def read(self, text: str, rule_features: Sequence[float] = (), normalised: str = "") -> Verdict:
        """The learned reading of one message (rule_features as for training fusion).

        normalised is model_text(text) when the caller has it already (the rule reading's
        words with numbers as digits), so a message is normalised once.
        """
        fast = self.heads
        scores = fast.scores(normalised or model_text(text))
        intent = one_vs_rest(scores[fast.intent], fast.intent_labels, INTENTS)
        about = one_vs_rest(scores[fast.about], fast.about_labels, ABOUT)
        danger = sigmoid(scores[fast.danger]) if "danger" in self.trained else 0.0
        minor = sigmoid(scores[fast.minor]) if "minor" in self.trained else 0.0
        spanish = sigmoid(scores[fast.spanish]) if "spanish" in self.trained else 0.5
        fused, with_rules = intent, None
        danger_now = danger >= self.danger_threshold
        if self.fuser is not None and len(rule_features):
            coef, intercept = self.fuser
            row = fusion_row(intent, about, rule_features)
            fused = softmax(coef @ row + intercept, fast.fuser_labels, INTENTS)
            safety = self.safety
            if safety is not None:  # a second reading can add danger, never clear the head's
                with_rules = sigmoid(
                    safety.coef @ safety_row(row, danger, minor) + safety.intercept
                )
                danger_now = danger_now or with_rules >= safety.threshold
        return Verdict(
            fused,
            intent,
            danger,
            minor,
            about,
            spanish,
            danger_now,
            minor >= self.minor_threshold,
            with_rules,
        )


# Where bot.classify.rule_features puts the rule layer's minor flag: just before its choice
# of intent, one column per intent.
RULE_MINOR = -(len(INTENTS) + 1)


def fusion_row(intent: dict, about: dict, rule_features: Sequence[float]) -> np.ndarray:
    """The fusion model's input: the heads' log-probabilities beside the rule layer's scores."""
    probs = [intent[label] for label in INTENTS] + [about[label] for label in ABOUT]
    return np.array([math.log(max(p, 1e-6)) for p in probs] + list(rule_features), dtype=float)


def safety_row(row: np.ndarray, danger, minor) -> np.ndarray:
    """The safety model's input: the fusion row beside the danger and minor heads' log-odds.

    danger and minor are probabilities, one each or one array each (a row per message).
    """
    sure = [np.clip(p, 1e-6, 1 - 1e-6) for p in (danger, minor)]
    odds = [np.log(p / (1 - p)) for p in sure]
    return np.column_stack([row, *odds]) if np.ndim(row) == 2 else np.array([*row, *odds])


def content_key(examples: Sequence[Example], extra: str = "") -> str:
    """A digest of the examples (and of whatever else shapes training, such as the rules)."""
    digest = hashlib.sha256(extra.encode())
    for e in sorted(examples, key=order):
        digest.update(repr(order(e)).encode())
    return digest.hexdigest()


def order(e: Example) -> tuple:
    """The order examples are trained in, whatever order they were given in."""
    return (e.group, e.lang, e.intent, e.text, e.danger_now, e.minor, e.about)
