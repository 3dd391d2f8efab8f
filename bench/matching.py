"""Intent matching latency: classify() per message, with the match index and without it."""

from __future__ import annotations

import json
import math
import statistics
import time
from pathlib import Path

from bench.knowledge_base import curated, grown, with_miami
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
    return sorted_ms[max(0, math.ceil(share * len(sorted_ms)) - 1)]


def time_classify(kb: Knowledge, texts: list[str], repeat: int) -> tuple[list, list]:
    """Wall-clock and CPU milliseconds per classify() call (sorted), after a warm-up pass.

    CPU time leaves out the time other processes held the cores, which on a shared
    machine is most of the spread in wall-clock time.
    """
    for text in texts:
        classify(text, kb)
    wall, cpu = [], []
    for _ in range(repeat):
        for text in texts:
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            classify(text, kb)
            cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
            wall.append((time.perf_counter_ns() - start) / 1e6)
    return sorted(wall), sorted(cpu)


def _row(label: str, kb: Knowledge, matcher: str, samples: tuple[list, list], build: str) -> dict:
    wall, cpu = samples
    return {
        "knowledge base": label,
        "services": f"{len(kb.services):,}",
        "matcher": matcher,
        "messages": len(wall),
        "wall-clock p50 ms": round(statistics.median(wall), 2),
        "wall-clock p99 ms": round(percentile(wall, 0.99), 2),
        "wall-clock max ms": round(wall[-1], 2),
        "CPU p50 ms": round(statistics.median(cpu), 2),
        "CPU p99 ms": round(percentile(cpu, 0.99), 2),
        "index build s": build,
    }


def knowledge_bases(size: int) -> list[tuple[str, Knowledge]]:
    """The curated knowledge base, with Miami 211's import if it runs, and grown to size."""
    base = curated()
    miami = with_miami()
    if miami is None:
        return [("curated", base), ("generated", grown(base, size))]
    return [("curated", base), ("Miami 211", miami), ("Miami 211 + generated", grown(miami, size))]


def measure_matching(
    size: int = 10_000, repeat: int = 5, baseline_share: int = 4, texts: list[str] | None = None
) -> list[dict]:
    """Latency rows for each knowledge base, with the match index and exhaustive.

    The exhaustive baseline (every phrase tried) is slow with a large directory: there it
    runs once on every baseline_share-th message.
    """
    texts = texts if texts is not None else messages()
    rows = []
    for label, kb in knowledge_bases(size):
        start = time.perf_counter()
        index.of(kb)
        build = f"{time.perf_counter() - start:.2f}"
        rows.append(_row(label, kb, "index", time_classify(kb, texts, repeat), build))
        sample = texts if label == "curated" else texts[::baseline_share]
        rows.append(
            _row(label, kb, "exhaustive", time_classify(index.exhaustive(kb), sample, 1), "")
        )
    return rows
