"""When the learned reading is trained: once per content, in the background, cached in process.

A reply never waits for training. It uses the model trained for the knowledge snapshot
it reads if there is one, else the last model trained for an earlier snapshot of the
same knowledge base, else none (the rules answer alone, and still name the hotline).
One worker thread per process trains the newest content asked for; contents superseded
while it was busy are skipped, so a burst of edits costs one training, not one each.
The thread hands the work to a child process (`python -m bot.fit`): it reads every
example with the rules (the fusion model's input) and trains, so the server never imports
scikit-learn or SciPy and keeps none of that work's memory, only the trained arrays and
each example's rule scores (sent back to the next child, so that after an example edit
only the edited text is read with the rules again).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.model import Model, content_key
from bot.types import Example, Knowledge

log = logging.getLogger(__name__)
KEEP = 8  # trained models kept in process, by content: the test suite's few variants
# A bound on one training in its child process: 11,500 examples, read with the rules
# and trained from nothing remembered, take about 35 s.
TRAIN_TIMEOUT = 600
_ROOT = Path(__file__).resolve().parent.parent  # where `python -m bot.fit` finds the package
_lock = threading.RLock()
_changed = threading.Condition(_lock)
_trained: OrderedDict[str, Model] = OrderedDict()
_failed: set[str] = set()
_wanted: dict = {}  # the newest content asked for: its key and snapshot
_busy: set[str] = set()  # the content being trained now
_worker: tuple[int, threading.Thread] | None = None  # (pid, thread)
_rows: OrderedDict[str, dict[str, list[float]]] = OrderedDict()  # rules key -> text -> scores


def rules_key(kb: Knowledge) -> str:
    """A digest of what the rule layer reads with: rules, answers' phrases, category words."""
    key = kb.derived.get("rules_key")
    if key is None:
        rules = repr([(r.intent, r.lang, r.phrase, r.weight) for r in kb.rules])
        faqs = repr([(f.id, f.phrases) for f in kb.faqs])
        terms = repr([(t.id, t.words) for t in kb.terms])
        digest = hashlib.sha256((rules + faqs + terms).encode()).hexdigest()
        key = kb.derived["rules_key"] = digest
    return key


def key_of(kb: Knowledge) -> str:
    """The content key of what trains the model for this snapshot (examples and rules)."""
    key = kb.derived.get("model_key")
    if key is None:
        key = kb.derived["model_key"] = content_key(kb.examples, rules_key(kb))
    return key


def trained(kb: Knowledge) -> Model | None:
    """The model trained for exactly this snapshot's content, if training has finished."""
    with _lock:
        model = _trained.get(key_of(kb))
        if model is not None:
            _trained.move_to_end(model.key)
        return model


def current(kb: Knowledge) -> Model | None:
    """The model to read with now; asks for training in the background if there is none."""
    model = trained(kb)
    if model is not None:
        kb.derived["model"] = model
        return model
    if kb.derived.get("retrain", True):
        start(kb)
    return kb.derived.get("previous_model")


def learned_state(kb: Knowledge) -> str:
    """What reads this snapshot now: "trained", "previous" (while retraining) or "rules only"."""
    if trained(kb) is not None:
        return "trained"
    return "previous" if kb.derived.get("previous_model") is not None else "rules only"


def carry_over(new: Knowledge, old: Knowledge | None) -> None:
    """Let a new snapshot answer with the old one's model until its own is trained."""
    if old is not None:
        previous = old.derived.get("model") or old.derived.get("previous_model")
        if previous is not None:
            new.derived["previous_model"] = previous


def ensure(kb: Knowledge) -> Model | None:
    """Wait until this snapshot's model is trained (or superseded) and return it; for start-up."""
    key = key_of(kb)
    start(kb)
    with _changed:
        _changed.wait_for(lambda: key not in _busy and _wanted.get("key") != key)
    model = trained(kb)
    if model is not None:
        kb.derived["model"] = model
    return model


def start(kb: Knowledge) -> None:
    """Ask for this snapshot's content to be trained, unless it is trained or under way."""
    global _worker
    key = key_of(kb)
    with _lock:
        if key in _trained or key in _failed or key in _busy or _wanted.get("key") == key:
            return
        _wanted.update(key=key, kb=kb)
        # A worker started before a fork (gunicorn's preload) does not run in the child.
        if _worker is None or _worker[0] != os.getpid() or not _worker[1].is_alive():
            thread = threading.Thread(target=_work, name="learned-reading", daemon=True)
            _worker = (os.getpid(), thread)
            _busy.clear()
            thread.start()


def _known_rows(key: str) -> dict[str, list[float]]:
    """The rule scores already read for the examples while the rules stay the same."""
    with _lock:
        known = _rows.pop(key, {})
        _rows[key] = known  # most recent last
        while len(_rows) > 2:
            _rows.popitem(last=False)
        return known


def _work() -> None:
    global _worker
    while True:
        with _changed:
            if not _wanted:
                _worker = None  # under the lock: start() then knows to begin a new worker
                return
            job = dict(_wanted)
            _wanted.clear()
            _busy.add(job["key"])
        try:
            kb = job["kb"]
            known = _known_rows(rules_key(kb))
            texts = {e.text for e in kb.examples}
            rows = {text: row for text, row in known.items() if text in texts}
            model, read = train_apart(kb.examples, job["key"], kb, rows)
            with _lock:
                known.update(read)
        except Exception as exc:  # too few examples or labels: the rules answer alone
            log.warning("learned reading not trained: %s", exc)
            model = None
        with _changed:
            if model is None:
                _failed.add(job["key"])
            else:
                _trained[job["key"]] = model
                while len(_trained) > KEEP:
                    _trained.popitem(last=False)
            _busy.discard(job["key"])
            _changed.notify_all()


def train_apart(
    examples: Sequence[Example],
    key: str = "",
    rules: Knowledge | None = None,
    rows: dict[str, list[float]] | None = None,
) -> tuple[Model, dict[str, list[float]]]:
    """Train in a child process (bot/fit.py): the plain-array model, and the rule scores it read.

    rules is the knowledge the rule layer reads the examples with (the fusion model's
    input), rows the scores already read for some texts; without rules there is no fusion.
    Raises ValueError with the child's sentence when the examples cannot train a model,
    RuntimeError when the child failed or ran over TRAIN_TIMEOUT.
    """
    if rules is not None:  # without its derived indexes (the child builds its own) and
        rules = replace(rules, examples=[], derived={})  # the examples (sent beside it)
    job = pickle.dumps((list(examples), key, rules, rows or {}), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.fit"],
            input=job,
            capture_output=True,
            cwd=_ROOT,
            timeout=TRAIN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"training took over {TRAIN_TIMEOUT} s and was stopped") from exc
    said = done.stderr.decode(errors="replace").strip().splitlines()
    if done.returncode == 2:
        raise ValueError(said[-1] if said else "the examples cannot train a model")
    if done.returncode != 0:
        raise RuntimeError(f"training failed: {said[-1] if said else done.returncode}")
    return pickle.loads(done.stdout)
