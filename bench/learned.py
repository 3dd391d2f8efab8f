"""Grouped cross-validation of the reading: rules only, the learned reading only, and fused.

Whole groups (a voice or scenario) are held out together, so a fold measures wording the
models did not see. Each fold trains exactly as the bot does (inner folds for thresholds
and fusion included), then reads the held-out examples three ways.

    python -m bench.learned            # the table per intent and the safety recalls
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from bench.knowledge_base import curated
from bench.matching import messages, percentile, time_classify
from bot import fit
from bot import model as learned
from bot.classify import fuse, read_rules, rule_features, training_features
from bot.message import Message
from bot.training import train_apart
from bot.types import Example, Knowledge

LAYERS = ("rules", "model", "fused")


def _read(kb: Knowledge, trained: learned.Model, example: Example) -> dict[str, tuple]:
    """(intent, danger now, minor) for one example, by each layer."""
    rules = read_rules(Message.of(example.text), kb)
    rule_view = (rules.rule_intent, rules.rule_intent == "emergency", rules.minor)
    alone = trained.read(example.text)  # the heads alone, without the rules' scores
    top = max(alone.model_intent, key=alone.model_intent.get)
    model_intent = "emergency" if alone.danger_now else top
    model_view = (model_intent, model_intent == "emergency", alone.minor_involved)
    fused = fuse(rules, trained.read(example.text, rule_features(rules)))
    return {
        "rules": rule_view,
        "model": model_view,
        "fused": (fused.intent, fused.danger or fused.intent == "emergency", fused.minor),
    }


def group_folds(groups: list[str], folds: int):
    """(train, test) indices per fold, each group's fold fixed by a hash of its name.

    Adding, editing or removing examples never moves another group to another fold, so two
    states of the examples are compared on the same held-out groups. (GroupKFold balances
    fold sizes instead, and one new group can move many others; on the same 20,918 examples
    two such assignments gave 22 and 34 minors missed.)
    """
    hashes = (hashlib.blake2b(g.encode(), digest_size=4).digest() for g in groups)
    fold = np.array([int.from_bytes(h) % folds for h in hashes])
    for k in range(folds):
        yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)


def cross_validate(kb: Knowledge, folds: int = 5) -> dict:
    """Out-of-fold readings of every example by each layer, and the seconds each fold took."""
    examples = sorted(kb.examples, key=lambda e: (e.group, e.text))
    groups = [e.group or e.text for e in examples]
    found: dict[str, list] = {layer: [None] * len(examples) for layer in LAYERS}
    seconds = []
    features = training_features(kb)  # as the bot trains: without the directory's names
    rows = {e.text: features(e.text) for e in examples}
    for train, test in group_folds(groups, folds):
        started = time.perf_counter()
        trained = fit.train([examples[i] for i in train], rows)
        seconds.append(time.perf_counter() - started)
        for i in test:
            for layer, view in _read(kb, trained, examples[i]).items():
                found[layer][i] = view
    return {"examples": examples, "found": found, "train_seconds": seconds}


def _recall(truth: list[bool], said: list[bool]) -> tuple[float, float]:
    truth, said = np.array(truth), np.array(said)
    recall = (truth & said).sum() / max(truth.sum(), 1)
    precision = (truth & said).sum() / max(said.sum(), 1)
    return float(recall), float(precision)


def tables(result: dict) -> tuple[list[dict], list[dict]]:
    """Per-intent precision and recall by layer, and the summary rows (macro-F1, safety)."""
    examples, found = result["examples"], result["found"]
    truth = [e.intent for e in examples]
    intents = list(learned.INTENTS)
    per_intent, summary = [], []
    scores = {}
    for layer in LAYERS:
        said = [view[0] for view in found[layer]]
        p, r, f, n = precision_recall_fscore_support(truth, said, labels=intents, zero_division=0)
        scores[layer] = (p, r, f, n)
        danger = _recall([e.danger_now for e in examples], [v[1] for v in found[layer]])
        minor = _recall([e.minor for e in examples], [v[2] for v in found[layer]])
        summary.append(
            {
                "layer": layer,
                "intent macro-F1": f"{f.mean():.3f}",
                "intent accuracy": f"{np.mean(np.array(truth) == np.array(said)):.3f}",
                "danger-now recall": f"{danger[0]:.3f}",
                "danger-now precision": f"{danger[1]:.3f}",
                "minor recall": f"{minor[0]:.3f}",
                "minor precision": f"{minor[1]:.3f}",
            }
        )
    for j, intent in enumerate(intents):
        row = {"intent": intent, "examples": int(scores["fused"][3][j])}
        for layer in LAYERS:
            p, r = scores[layer][0][j], scores[layer][1][j]
            row[f"{layer} P / R"] = f"{p:.2f} / {r:.2f}"
        per_intent.append(row)
    return per_intent, summary


@functools.cache
def _cross_validation(folds: int = 5) -> dict:
    """One cross-validation per run, shared by the two tables made from it."""
    return cross_validate(curated(), folds)


def measure_learned(folds: int = 5) -> list[dict]:
    """The bench section: macro-F1 and the safety recalls, per layer."""
    result = _cross_validation(folds)
    summary = tables(result)[1]
    seconds = result["train_seconds"]
    for row in summary:
        row["examples"] = len(result["examples"])
        row["train s per fold (mean)"] = f"{np.mean(seconds):.1f}"
    return summary


def measure_intents(folds: int = 5) -> list[dict]:
    """The bench section: precision and recall per intent, per layer."""
    return tables(_cross_validation(folds))[0]


def worker_memory() -> dict:
    """Resident memory of a fresh process that trained (in its child) and answered a message."""
    script = (
        "import tempfile, resource, sys\n"
        "from app import create_app\n"
        "app = create_app({'TESTING': True, 'TRAIN_AT_START': True,\n"
        "                  'DATABASE': tempfile.mktemp(suffix='.db')})\n"
        "app.test_client().post('/api/chat', json={'session_id': 's', 'message': 'hola'})\n"
        "status = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
        "rss, peak = (int(status[k].split()[0]) // 1024 for k in ('VmRSS', 'VmHWM'))\n"
        "print(rss, peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,\n"
        "      int(any(m.split('.')[0] in ('sklearn', 'scipy') for m in sys.modules)))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    return {
        "worker RSS MB": out[-4],
        "worker peak RSS MB": out[-3],
        "training process peak RSS MB": out[-2],
        "scikit-learn or SciPy in the worker": "yes" if out[-1] == "1" else "no",
    }


def main(argv: list[str] | None = None) -> None:
    """Print the cross-validation tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    kb = curated()
    result = cross_validate(kb, args.folds)
    per_intent, summary = tables(result)
    from bench.run import table

    print(f"{len(result['examples'])} examples, {args.folds} grouped folds")
    print(table(summary))
    print()
    print(table(per_intent))
    print(f"training per fold: {', '.join(f'{s:.1f}' for s in result['train_seconds'])} s")


def measure_training(size: int = 5000, repeat: int = 3) -> list[dict]:
    """Retraining at `size` examples, and classify() while a retraining runs beside it."""
    kb = curated()
    examples = sorted(kb.examples, key=lambda e: (e.group, e.text))[:size]
    features = training_features(kb)
    started = time.perf_counter()
    remembered = {e.text: features(e.text) for e in examples}
    rule_seconds = time.perf_counter() - started
    started = time.perf_counter()
    trained, _ = train_apart(examples, "", kb, remembered)  # in a child process, as the bot
    train_seconds = time.perf_counter() - started
    texts = messages()
    quiet = time_classify(kb, texts, repeat)[0]
    worker = threading.Thread(target=train_apart, args=(examples, "", kb, remembered))
    worker.start()
    busy = []
    while worker.is_alive():
        busy += time_classify(kb, texts, 1)[0]
    worker.join()
    busy.sort()
    weights = trained.heads.weights.nbytes
    return [
        {
            "examples": len(examples),
            "rule readings s (first training only)": f"{rule_seconds:.1f}",
            "training s": f"{train_seconds:.1f}",
            "classify wall-clock p50 / p99 ms": f"{statistics.median(quiet):.2f} / "
            f"{percentile(quiet, 0.99):.2f}",
            "classify wall-clock p50 / p99 ms while retraining": f"{statistics.median(busy):.2f} / "
            f"{percentile(busy, 0.99):.2f}",
            "model weights MB": f"{weights / 2**20:.1f}",
            **worker_memory(),
        }
    ]


if __name__ == "__main__":
    main()
