"""Intent matching latency: classify() per message, with the match index and without it."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from bench.knowledge_base import curated, grown
from bot import index
from bot.classify import classify
from bot.types import Knowledge

ROOT = Path(__file__).resolve().parents[1]
SETS = (ROOT.parent / "shared/eval/dev.jsonl", ROOT / "tests/data/challenge.jsonl")


def messages() -> list[str]:
    """Every turn of the development and challenge sets."""
    return [
        turn
        for path in SETS
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for turn in json.loads(line)["turns"]
    ]


def percentile(sorted_ms: list[float], share: float) -> float:
    """The value below which share of the (sorted) samples fall, nearest rank."""
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(share * len(sorted_ms)) - 1))]


def time_classify(kb: Knowledge, texts: list[str], repeat: int) -> list[float]:
    """Milliseconds per classify() call, each text repeat times, after one warm-up pass."""
    for text in texts:
        classify(text, kb)
    samples = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter_ns()
            classify(text, kb)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    return sorted(samples)


def _row(label: str, kb: Knowledge, matcher: str, samples: list[float], **extra) -> dict:
    return {
        "knowledge base": label,
        "services": len(kb.services),
        "matcher": matcher,
        "messages": len(samples),
        "p50 ms": round(statistics.median(samples), 3),
        "p99 ms": round(percentile(samples, 0.99), 3),
        "max ms": round(samples[-1], 3),
        **extra,
    }


def measure_matching(
    size: int = 10_000, repeat: int = 5, baseline_share: int = 4, texts: list[str] | None = None
) -> list[dict]:
    """Latency rows for the curated and the grown knowledge base, indexed and exhaustive.

    The exhaustive baseline tries every phrase; at the grown size it runs on every
    baseline_share-th message once, as it is slow.
    """
    texts = texts if texts is not None else messages()
    base = curated()
    rows = []
    for label, kb in (("curated", base), (f"grown to {size:,}", grown(base, size))):
        start = time.perf_counter()
        index.of(kb)
        build_s = round(time.perf_counter() - start, 2)
        samples = time_classify(kb, texts, repeat)
        rows.append(_row(label, kb, "index", samples, **{"index build s": build_s}))
        slow = kb is not base
        baseline = time_classify(index.exhaustive(kb), texts[::baseline_share] if slow else texts, 1)
        rows.append(_row(label, kb, "exhaustive", baseline, **{"index build s": ""}))
    return rows
