"""Every head of the learned reading side by side, as plain arrays read without scikit-learn.

The server never imports scikit-learn or SciPy (about 66 MB of every process's memory):
bot/fit.py trains in a child process and hands back the vectorizers' vocabularies and IDF
weights and every head's coefficients, and this module reads a message with them. Its
n-grams are scikit-learn's ("char_wb" and "word" analyzers); tests/test_learned_reading.py
checks that both give the same probabilities. A message is one short row, so the same
arithmetic costs about 0.1 ms here against 2 ms through scikit-learn's per-call checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_TOKEN = re.compile(r"\S+")


def char_grams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams within words, each word padded with a space (analyzer "char_wb")."""
    grams = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[:n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # the word is shorter than n: its one gram is counted once
                break
    return grams


def word_grams(text: str, low: int, high: int) -> list[str]:
    """Runs of low to high whitespace-separated words (analyzer "word", token \\S+)."""
    words = _TOKEN.findall(text.lower())
    return [
        " ".join(words[i : i + n]) for n in range(low, high + 1) for i in range(len(words) - n + 1)
    ]


ANALYZERS = {"char_wb": char_grams, "word": word_grams}


@dataclass
class Block:
    """One vectorizer: how it cuts a message, its vocabulary and IDF weights, its columns."""

    analyzer: str  # a key of ANALYZERS
    low: int
    high: int
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int  # where its columns start among the heads' weights


@dataclass
class Heads:
    """The vectorizers and every head's weights, as plain arrays."""

    blocks: list[Block]
    weights: np.ndarray  # features x outputs
    bias: np.ndarray
    intent: slice
    danger: int
    minor: int
    about: slice
    spanish: int
    intent_labels: tuple
    about_labels: tuple
    fuser_labels: tuple

    def words(self) -> dict[str, int]:
        """The vocabulary of whole words and word pairs."""
        return next(b.vocabulary for b in self.blocks if b.analyzer == "word")

    def scores(self, text: str) -> np.ndarray:
        """Every head's decision values for one normalised message."""
        out = self.bias.copy()
        for block in self.blocks:
            counts: dict[int, int] = {}
            vocabulary = block.vocabulary
            for gram in ANALYZERS[block.analyzer](text, block.low, block.high):
                j = vocabulary.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.intp, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), float, len(counts)))
            values = tf * block.idf[index]
            values /= np.sqrt(values @ values)
            out += values @ self.weights[index + block.offset]
        return out


def softmax(values: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> dict:
    """Multinomial probabilities by label (0 for a label the model never saw)."""
    if len(values) == 1:  # a binary model: one decision value for its second class
        values = np.array([0.0, values[0]])
    exp = np.exp(values - values.max())
    found = dict(zip(classes, exp / exp.sum(), strict=True))
    return {label: float(found.get(label, 0.0)) for label in labels}


def one_vs_rest(values: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> dict:
    """One-vs-rest probabilities as scikit-learn gives them: each sigmoid, then normalised."""
    if len(classes) == 2:  # scikit-learn keeps a single model for two labels
        values = np.array([-values[0], values[0]])
    probs = 1.0 / (1.0 + np.exp(-values))
    found = dict(zip(classes, probs / probs.sum(), strict=True))
    return {label: float(found.get(label, 0.0)) for label in labels}


def sigmoid(value: float) -> float:
    """A binary model's probability from its decision value."""
    return float(1.0 / (1.0 + math.exp(-value)))
