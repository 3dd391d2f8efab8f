"""Run the benchmarks, print their tables and write them to bench/out/results.md.

`python -m bench.run` runs everything (make bench); `--only matching` (or another key) reruns
one section and keeps the others' last results. bench/out/ is ignored by git: `make
bench-publish` copies the file to the tracked bench/results.md and rewrites the README's
Performance section from it (bench/readme.py).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench import http as http_bench
from bench import per_message, replies
from bench.hostile import hostile_rows
from bench.import_load import import_under_load
from bench.learned import measure_intents, measure_learned, measure_training
from bench.matching import measure_matching

RESULTS = Path(__file__).with_name("out") / "results.md"


@dataclass
class Section:
    """One benchmark: a key for --only, a title, what it measures, and the function that does."""

    key: str
    title: str
    about: str
    measure: Callable[[], list[dict]]


def sections(args: argparse.Namespace) -> list[Section]:
    """The benchmarks, in the order they run; add a Section here for a new measurement."""
    return [
        Section(
            "matching",
            "Intent matching",
            "classify() per message (every turn of the development and challenge sets, "
            f"{args.repeat} times after a warm-up), in process. Target: p99 under 2 ms at "
            "10,000 services. `exhaustive` tries every rule, category word, FAQ phrase and "
            "service name against every message: the matcher before the match index, kept "
            "as the baseline the equivalence tests compare with.",
            partial(measure_matching, size=args.size, repeat=args.repeat),
        ),
        Section(
            "replies",
            "Replies as the directory grows",
            "respond() per message, the learned reading included: every turn of the "
            "project's challenge and held-out conversations (tests/data), played with their "
            "sessions over SMS, 3 times after a warm-up, in process. `snapshot build s` is "
            "what bot/derived.py builds once per snapshot (match and FAQ indexes, directory "
            "lookups, the served states' towns). `full scan` is choose() ranking every "
            "service, as before the directory index, for comparison.",
            replies.respond_rows,
        ),
        Section(
            "replies",
            "The first message after start and after an import",
            f"In a new process, {10_000:,} services in the database (curated, Miami 211, "
            "generated): the app built as gunicorn's master builds it (TRAIN_AT_START), "
            "then /api/chat messages through Flask's test client; `respond()` is timed "
            "inside the request. The import replaces Miami 211's rows from another "
            "connection, as `flask kb import` does.",
            replies.first_rows,
        ),
        Section(
            "replies",
            "Reply targets",
            "What was aimed for, what was measured (met is judged on CPU time, which "
            "leaves out waiting for a CPU another process holds).",
            replies.targets,
        ),
        Section(
            "learned",
            "The learned reading: grouped cross-validation",
            "Every curated example read out of fold: five folds, each holding out whole groups "
            "(a voice or scenario), each training exactly as the bot does. `rules` is the rule "
            "layer alone, `model` the learned heads alone (danger over its threshold makes an "
            "emergency), `fused` what the bot answers with. P / R: precision and recall.",
            measure_learned,
        ),
        Section(
            "learned",
            "The learned reading: each intent",
            "Precision and recall per intent from the same cross-validation.",
            measure_intents,
        ),
        Section(
            "training",
            "The learned reading: training and reading time",
            "Training from 5,000 examples with the rule readings remembered (as after an "
            "example edit), in a child process as the bot trains (its start and scikit-learn's "
            "import included), and classify() over every turn of the development and "
            "challenge sets, alone and while a retraining runs beside it (no reply waits for "
            "training; it only shares the CPU).",
            measure_training,
        ),
        Section(
            "costs",
            "SQL statements per message",
            "Every statement SQLite ran on the request thread's connection "
            "(sqlite3's set_trace_callback), per message, over 200 messages of each kind "
            "through Flask's test client: each /sms with its own MessageSid and sender, each "
            "chat its own session. `/sms retried` is Twilio sending one MessageSid again.",
            per_message.sql_rows,
        ),
        Section(
            "costs",
            "CPU per /sms, by part",
            "400 signed /sms through Flask's test client on one thread, the learned reading "
            "included: the request thread's CPU time per message (time.thread_time), split "
            "by each part's share of a cProfile run (timed by thread CPU) of 400 more. The "
            "bare Flask app answering a constant through the same test client shows what the "
            "client and Flask cost alone.",
            per_message.cpu_table,
        ),
        Section(
            "costs",
            "CPU target",
            "What was aimed for, what was measured.",
            per_message.target_rows,
        ),
        *http_sections(),
        Section(
            "hostile",
            "Hostile input: worst case per request",
            "Messages the contract accepts, written to be slow: each kind sent 5 times with "
            "fresh random text to /api/chat and to a signed /sms, in process (Flask's test "
            "client). `wall-clock worst ms` is the slowest request; `worst peak MB` the most "
            "Python memory one request held at once (tracemalloc, in a separate pass).",
            hostile_rows,
        ),
        Section(
            "import",
            "/sms while the Miami 211 export is imported",
            "gunicorn with gunicorn.conf.py (REBUILD_IN_BACKGROUND on, its default); 4 client "
            "threads send signed /sms over loopback, each text from its own number, about 20 a "
            "second, while `flask kb import` loads the Miami 211 datapackage (3,662 services, "
            "about 50,000 rows) into the same database file from another process, as an admin "
            "would. Texts are grouped by when they were sent; `import s` is how long the import "
            "took beside the load, and the last row counts the conversations saved. Twilio "
            "gives up after 15 s. Measured the same way before imports were staged beside the "
            "database and swapped in, and before a new snapshot was built in the background: "
            "p99 1,007 ms and max 31,044 ms while the import ran, max 15,776 ms after it, "
            "3 texts over 15 s.",
            import_under_load,
        ),
    ]


def http_sections() -> list[Section]:
    """The HTTP benchmarks (bench/http.py), all under --only http."""
    served = (
        "gunicorn with gunicorn.conf.py and 2 workers, each worker setting below given on its "
        "command line; driven over loopback by 2 load processes with 4 keep-alive "
        "connections each (8 requests in flight); signed /sms requests, each with its own "
        "MessageSid and sender; the learned reading trained in the master before the fork."
    )
    return [
        Section(
            "http",
            "HTTP latency in process",
            "Flask's test client, no network.",
            http_bench.latency_rows,
        ),
        Section(
            "http",
            "/sms throughput: the bot and a bare Flask app",
            served + " The bare app answers a constant TwiML reply under the same settings; "
            "bot and bare of every setting take turns (3 rounds of 6 s each), so all meet the "
            "same load from other processes: compare the ratio, not the absolute rates. "
            "`CPU ms per request, server` is the CPU time the gunicorn master and its "
            "workers (recycled ones included) used per answered request, from /proc; "
            "`load`, the load processes' own. On two cores the machine's time per request "
            "is about their sum plus the kernel's loopback work, so the ratio is bounded "
            "by how the server CPU compares.",
            http_bench.throughput_rows,
        ),
        Section(
            "http",
            "/sms latency at 80 % of the bot's rate",
            "The same servers, the bot sent requests on a fixed schedule (open loop, up to 32 "
            "in flight) at 80 % of the rate it reached above; a request's latency counts from "
            "when it was due, so a queue that builds up shows.",
            http_bench.paced_rows,
        ),
        Section(
            "http",
            "Memory per worker",
            "After the load above, topped up to at least 5,000 requests to each bot server, "
            "from /proc: resident (RSS) and proportional (PSS: pages shared with the master "
            "and the other worker split between them).",
            http_bench.memory_rows,
        ),
        Section(
            "http",
            "HTTP targets",
            "What was aimed for, what was measured, under the configuration this run chose.",
            http_bench.target_rows,
        ),
    ]


def machine() -> str:
    """CPU count and model, and the Python version."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {model or platform.processor()}, Python {platform.python_version()}"


def table(rows: list[dict]) -> str:
    """A Markdown table of rows that share their keys."""
    if not rows:
        return "(no rows)"
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def earlier(path: Path) -> dict[str, str]:
    """The sections of an earlier results file, by title."""
    if not path.exists():
        return {}
    blocks = path.read_text(encoding="utf-8").split("\n## ")[1:]
    return {block.split("\n", 1)[0]: "## " + block for block in blocks}


def main(argv: list[str] | None = None) -> None:
    """Run the chosen sections, print each table and write results.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this section (repeatable)")
    parser.add_argument("--size", type=int, default=10_000, help="services in the grown KB")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the messages")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the tables")
    args = parser.parse_args(argv)
    everything = sections(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    kept = earlier(args.out) if args.only else {}  # sections not rerun keep their last results
    header = (
        "# Benchmark results\n\nWritten by `make bench` (bench/run.py); each section says when "
        "and where it was measured. Wall-clock times include waiting for a shared CPU; CPU "
        "times count only the work.\n"
    )
    print(header)
    for section in everything:
        if not args.only or section.key in args.only:
            rows = table(section.measure())
            measured = f"Measured {datetime.date.today()}, {machine()}."
            text = f"## {section.title}\n\n{measured} {section.about}\n\n{rows}\n"
            print(text, flush=True)
            kept[section.title] = text
    parts = [header, *(kept[s.title] for s in everything if s.title in kept)]
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
