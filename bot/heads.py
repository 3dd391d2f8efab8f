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


class Block:
    """One vectorizer: how it cuts a message, its vocabulary and IDF weights, its columns.

    The vocabulary is held as a sorted array of the n-grams' hashes beside their columns,
    not as a dict of strings: a fifth of the memory, no reference counts touched when a
    forked worker reads it (so its pages stay shared), and looked up for a whole message
    at once. str hashes differ between processes, so a Block crosses a process boundary
    (from training's child, bot/training.py) as its n-grams and is indexed again on arrival.
    """

    def __init__(
        self, analyzer: str, low: int, high: int, grams: Sequence[str], idf, offset: int
    ) -> None:
        self.analyzer, self.low, self.high, self.offset = analyzer, low, high, offset
        self.idf = np.asarray(idf, dtype=np.float64)
        self._grams = list(grams)  # kept only where it was built, to be sent on
        self._index(self._grams)

    def _index(self, grams: Sequence[str]) -> None:
        hashes = np.fromiter(map(hash, grams), dtype=np.int64, count=len(grams))
        order = np.argsort(hashes, kind="stable")
        self.keys, self.columns = hashes[order], order.astype(np.int32)
        self.size = len(grams)

    def columns_of(self, grams: list[str]) -> np.ndarray:
        """The columns of the grams in the vocabulary, one per occurrence."""
        if not grams or not self.size:
            return np.empty(0, dtype=np.int32)
        hashes = np.fromiter(map(hash, grams), dtype=np.int64, count=len(grams))
        at = np.minimum(np.searchsorted(self.keys, hashes), self.size - 1)
        return self.columns[at[self.keys[at] == hashes]]

    def __contains__(self, gram: str) -> bool:
        return bool(len(self.columns_of([gram])))

    def __getstate__(self) -> dict:
        if self._grams is None:
            raise TypeError("a Block is sent on only from the process that built it")
        return {k: v for k, v in self.__dict__.items() if k not in ("keys", "columns")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._index(self._grams)
        self._grams = None  # the hashes are enough to read with


@dataclass
class Heads:
    """The vectorizers and every head's weights, as plain arrays."""

    blocks: list[Block]
    weights: np.ndarray  # features x outputs (float32: half the memory, same probabilities)
    bias: np.ndarray
    intent: slice
    danger: int
    minor: int
    about: slice
    spanish: int
    intent_labels: tuple
    about_labels: tuple
    fuser_labels: tuple

    def knows(self, word: str) -> bool:
        """True when the examples had this word (or word pair)."""
        return any(word in b for b in self.blocks if b.analyzer == "word")

    def scores(self, text: str) -> np.ndarray:
        """Every head's decision values for one normalised message."""
        out = self.bias.copy()
        for block in self.blocks:
            found = block.columns_of(ANALYZERS[block.analyzer](text, block.low, block.high))
            if not len(found):
                continue
            index, counts = np.unique(found, return_counts=True)
            values = (1.0 + np.log(counts)) * block.idf[index]
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
