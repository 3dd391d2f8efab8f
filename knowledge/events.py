"""Anonymous report events: one row per conversation, filed when the conversation ends.

While a conversation lasts, its counts travel in its session (deleted with it); when it
ends (silence past the session's lifetime, DELETE, or the retention command) they become
an event row that no stored id, key or time ties to the sender's rows.
"""

from __future__ import annotations

import json
import time

import sqlite_utils

from bot.signals import CHANNELS, merge
from bot.types import Reply, Session

FIELDS = (
    "day",
    "channel",
    "partner",
    "kind",
    "reason",
    "lang",
    "region",
    "resources",
    "opt_out",
    "opt_in",
)


def day_of(now: float) -> str:
    """The UTC date an event is filed under (no time of day is kept)."""
    return time.strftime("%Y-%m-%d", time.gmtime(now))


def fold(session: Session, channel: str, partner: str, text: str, reply: Reply, now: float) -> None:
    """Fold one turn into the conversation's event, kept in its session until it ends."""
    event = session.event if isinstance(session.event, dict) and session.event else None
    if event is None or set(event) != set(FIELDS):
        event = {name: "" for name in FIELDS} | {"opt_out": 0, "opt_in": 0}
        event |= {"day": day_of(now), "channel": CHANNELS.get(channel, channel)}
        event["partner"] = partner or ""
    session.event = merge(event, text, reply)


def file(db: sqlite_utils.Database, event: dict) -> None:
    """Write an ended conversation's event: a row with no id, key or time to tie it to anyone."""
    if set(event) != set(FIELDS):
        return  # not an event this code wrote; nothing to count
    marks = ", ".join("?" for _ in FIELDS)
    db.execute(
        f"INSERT INTO event ({', '.join(FIELDS)}) VALUES ({marks})", [event[n] for n in FIELDS]
    )


def in_progress(db: sqlite_utils.Database, start: str, end: str) -> list[dict]:
    """Events of conversations not yet ended (still in their session), dated start..end."""
    out = []
    for (raw,) in db.execute(
        "SELECT json_extract(state, '$.event') FROM conversation WHERE json_valid(state) "
        "AND json_extract(state, '$.event.day') BETWEEN ? AND ?",
        [start, end],
    ):
        event = json.loads(raw) if raw else None
        if isinstance(event, dict) and set(event) == set(FIELDS):
            out.append(event)
    return out
