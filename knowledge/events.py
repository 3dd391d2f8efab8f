"""Anonymous report events: one row per conversation, written as the conversation goes."""

from __future__ import annotations

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


def record(
    db: sqlite_utils.Database,
    session: Session,
    channel: str,
    partner: str,
    text: str,
    reply: Reply,
    now: float,
) -> int:
    """Fold one turn into its conversation's event (a new one for a new conversation)."""
    event = None
    if session.event_id:
        cursor = db.execute(
            f"SELECT id, {', '.join(FIELDS)} FROM event WHERE id = ?", [session.event_id]
        )
        row = cursor.fetchone()
        event = dict(zip(("id", *FIELDS), row, strict=True)) if row else None
    if event is None:
        event = {name: "" for name in FIELDS} | {"opt_out": 0, "opt_in": 0}
        event |= {"day": day_of(now), "channel": CHANNELS.get(channel, channel)}
        event["partner"] = partner or ""
    merge(event, text, reply)
    values = [event[name] for name in FIELDS]
    with db.atomic():
        if "id" in event:
            sets = ", ".join(f"{name} = ?" for name in FIELDS)
            db.execute(f"UPDATE event SET {sets} WHERE id = ?", [*values, event["id"]])
        else:
            marks = ", ".join("?" for _ in FIELDS)
            cursor = db.execute(f"INSERT INTO event ({', '.join(FIELDS)}) VALUES ({marks})", values)
            event["id"] = cursor.lastrowid
    session.event_id = event["id"]
    return event["id"]
