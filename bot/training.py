"""When the learned reading is trained: once per content, in the background, cached in process.

A reply never waits for training. It uses the model trained for the knowledge snapshot
it reads if there is one, else the last model trained for an earlier snapshot of the
same knowledge base, else none (the rules answer alone, and still name the hotline).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict

from bot.model import Model, RuleFeatures, content_key, train
from bot.types import Knowledge

log = logging.getLogger(__name__)
KEEP = 8  # trained models kept in process, by content: the test suite's few variants
_lock = threading.RLock()
_trained: OrderedDict[str, Model] = OrderedDict()
_running: dict[str, tuple[int, threading.Thread]] = {}  # key -> (pid, thread)
_failed: set[str] = set()
_features: OrderedDict[str, dict[str, list[float]]] = OrderedDict()  # rules key -> text -> row


def rules_key(kb: Knowledge) -> str:
    """A digest of what the rule layer reads with: rules, answers' phrases, category words."""
    key = kb.derived.get("rules_key")
    if key is None:
        rules = repr([(r.intent, r.lang, r.phrase, r.weight) for r in kb.rules])
        faqs = repr([(f.id, f.phrases) for f in kb.faqs])
        terms = repr([(t.id, t.words) for t in kb.terms])
        names = repr(sorted(s.name for s in kb.services))
        key = kb.derived["rules_key"] = hashlib.sha256((rules + faqs + terms + names).encode())
        key = kb.derived["rules_key"] = key.hexdigest()
    return key


def key_of(kb: Knowledge) -> str:
    """The content key of what trains the model for this snapshot (examples and rules)."""
    key = kb.derived.get("model_key")
    if key is None:
        key = kb.derived["model_key"] = content_key(kb.examples, rules_key(kb))
    return key


def _remembered(kb: Knowledge, features: RuleFeatures) -> RuleFeatures:
    """features, remembered per text while the rules stay the same: an example edit
    then costs one rule reading, not one for every example."""
    with _lock:
        known = _features.pop(rules_key(kb), {})
        _features[rules_key(kb)] = known  # most recent last
        while len(_features) > 2:
            _features.popitem(last=False)

    def remembered(text: str):
        found = known.get(text)
        if found is None:
            found = known[text] = list(features(text))
        return found

    return remembered


def trained(kb: Knowledge) -> Model | None:
    """The model trained for exactly this snapshot's content, if training has finished."""
    with _lock:
        model = _trained.get(key_of(kb))
        if model is not None:
            _trained.move_to_end(model.key)
        return model


def current(kb: Knowledge, features: RuleFeatures) -> Model | None:
    """The model to read with now; starts training in the background if this content has none."""
    model = trained(kb)
    if model is not None:
        kb.derived["model"] = model
        return model
    start(kb, features)
    return kb.derived.get("previous_model")


def carry_over(new: Knowledge, old: Knowledge | None) -> None:
    """Let a new snapshot answer with the old one's model until its own is trained."""
    if old is not None:
        previous = old.derived.get("model") or old.derived.get("previous_model")
        if previous is not None:
            new.derived["previous_model"] = previous


def ensure(kb: Knowledge, features: RuleFeatures) -> Model | None:
    """Train now (or wait for the training under way) and return the model; for start-up."""
    model = trained(kb)
    if model is None:
        thread = start(kb, features)
        if thread is not None:
            thread.join()
        model = trained(kb)
    if model is not None:
        kb.derived["model"] = model
    return model


def start(kb: Knowledge, features: RuleFeatures) -> threading.Thread | None:
    """Start training for this snapshot's content unless it is trained or under way."""
    key = key_of(kb)
    with _lock:
        if key in _trained or key in _failed:
            return None
        running = _running.get(key)
        # A thread started before a fork (gunicorn's preload) does not exist in the child.
        if running is not None and running[0] == os.getpid() and running[1].is_alive():
            return running[1]
        thread = threading.Thread(
            target=_train, args=(key, list(kb.examples), _remembered(kb, features)), daemon=True
        )
        _running[key] = (os.getpid(), thread)
    thread.start()
    return thread


def _train(key: str, examples: list, features: RuleFeatures) -> None:
    try:
        model = train(examples, features, key=key)
    except Exception as exc:  # too few examples or labels: the rules answer alone
        log.warning("learned reading not trained: %s", exc)
        with _lock:
            _failed.add(key)
            _running.pop(key, None)
        return
    with _lock:
        _trained[key] = model
        while len(_trained) > KEEP:
            _trained.popitem(last=False)
        _running.pop(key, None)
