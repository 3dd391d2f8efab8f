"""What replies offer beyond what a message needed, over conversation sets.

    python -m bench.overreach tests/data/everyday.jsonl [more sets ...]

Each conversation is sent turn by turn to /api/chat, as the widget sends it, on a fresh
SQLite file with the curated knowledge base and the learned reading trained at start.
Of the calm conversations (whose only right intent is "unknown") it counts the last
replies that open with 911 and those that name the DCF Careline; of the emergencies, the
last replies that name 911. Intent accuracy shows neither of the first two: a possible
danger keeps the reply's intent and puts "If you are in danger now, call 911." first.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

CARELINE = "8008422288"
_NINE_ONE_ONE = re.compile(r"\b911\b")
_NINE_ONE_ONE_FIRST = re.compile(r"^[^.\n]*\b911\b")  # in the reply's first sentence


def read_set(path: Path) -> list[dict]:
    """The cases of a JSON-lines conversation set; ValueError says which line is wrong."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            turns, intents = case["turns"], case["intents"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}, line {number}: not a case with turns and intents") from error
        if not turns or not intents or not all(isinstance(t, str) for t in turns):
            raise ValueError(f"{path}, line {number}: turns and intents must not be empty")
        cases.append(case)
    return cases


def last_replies(client, cases: list[dict]) -> list[str]:
    """The reply to each conversation's last turn, each conversation in its own session."""
    replies = []
    for number, case in enumerate(cases):
        reply = ""
        for turn in case["turns"]:
            body = {"session_id": f"overreach-{number}", "message": turn}
            response = client.post("/api/chat", json=body)
            reply = response.get_json()["reply"] if response.status_code == 200 else ""
        replies.append(reply)
    return replies


def count(cases: list[dict], replies: list[str]) -> dict[str, int]:
    """How many calm replies open with 911 or name the Careline; how many emergencies name 911."""
    calm = [r for c, r in zip(cases, replies, strict=True) if c["intents"] == ["unknown"]]
    danger = [r for c, r in zip(cases, replies, strict=True) if c["intents"][0] == "emergency"]
    return {
        "calm": len(calm),
        "calm, 911 first": sum(bool(_NINE_ONE_ONE_FIRST.match(r)) for r in calm),
        "calm, Careline named": sum(CARELINE in re.sub(r"\D", "", r) for r in calm),
        "danger": len(danger),
        "danger, 911 named": sum(bool(_NINE_ONE_ONE.search(r)) for r in danger),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="JSON-lines conversation sets")
    args = parser.parse_args(argv)
    sets = {}
    for path in args.sets:
        try:
            sets[path] = read_set(path)
        except OSError as error:
            parser.error(f"{path}: {error.strerror}")
        except ValueError as error:
            parser.error(str(error))
    from app import create_app  # the whole app: only once the sets are known to be good

    with tempfile.TemporaryDirectory(prefix="overreach-") as folder:
        app = create_app({"TESTING": True, "DATABASE": str(Path(folder) / "bot.db")})
        client = app.test_client()
        for path, cases in sets.items():
            print(path, json.dumps(count(cases, last_replies(client, cases))))


if __name__ == "__main__":
    main()
