"""Every head of the learned reading side by side, read without scikit-learn's per-call checks.

A message is one short row: scikit-learn's transform and predict_proba spend about 2 ms
on validation and sparse-matrix building for it, against 0.1 ms for the same arithmetic
done here with the vectorizers' own analyzers, vocabularies and IDF weights.
tests/test_learned_reading.py checks that both give the same probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Heads:
    """The vectorizers' vocabularies and every head's weights, as plain arrays."""

    blocks: list  # (analyzer, vocabulary, idf, offset) per vectorizer
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

    @classmethod
    def of(cls, model) -> Heads:
        """The arrays of a trained bot.model.Model."""
        blocks, offset = [], 0
        for _, vectorizer in model.vectorizer.transformer_list:
            vocabulary = vectorizer.vocabulary_
            blocks.append((vectorizer.build_analyzer(), vocabulary, vectorizer.idf_, offset))
            offset += len(vocabulary)
        binaries = [
            *model.intent.estimators_,
            model.danger,
            model.minor,
            *model.about.estimators_,
            model.spanish,
        ]
        coefs = [h.coef_ if h is not None else np.zeros((1, offset)) for h in binaries]
        biases = [h.intercept_ if h is not None else np.zeros(1) for h in binaries]
        n_intent, n_about = len(model.intent.estimators_), len(model.about.estimators_)
        return cls(
            blocks,
            np.vstack(coefs).T.astype(np.float64),
            np.concatenate(biases),
            slice(0, n_intent),
            n_intent,
            n_intent + 1,
            slice(n_intent + 2, n_intent + 2 + n_about),
            n_intent + 2 + n_about,
            tuple(model.intent.classes_),
            tuple(model.about.classes_),
            tuple(model.fuser.classes_) if model.fuser is not None else (),
        )

    def scores(self, text: str) -> np.ndarray:
        """Every head's decision values for one normalised message."""
        out = self.bias.copy()
        for analyze, vocabulary, idf, offset in self.blocks:
            counts: dict[int, int] = {}
            for gram in analyze(text):
                j = vocabulary.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.intp, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), float, len(counts)))) * idf[index]
            values /= np.sqrt(values @ values)
            out += values @ self.weights[index + offset]
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
