"""Anonymous report events: one row per conversation, written as the conversation goes."""

from __future__ import annotations

import time

import sqlite_utils

from bot.signals import CHANNELS, merge
from bot.types import Reply, Session

COLUMNS = ("day", "channel", "partner", "kind", "reason", "lang", "region", "resources")


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
    row = None
    if session.event_id:
        row = db.execute("SELECT * FROM event WHERE id = ?", [session.event_id]).fetchone()
    if row is None:
        event = {
            "day": day_of(now),
            "channel": CHANNELS.get(channel, channel),
            "partner": partner or "",
            "kind": "",
            "reason": "",
            "lang": "",
            "region": "",
            "resources": "",
            "opt_out": 0,
            "opt_in": 0,
        }
    else:
        names = [d[0] for d in db.execute("SELECT * FROM event LIMIT 0").description]
        event = dict(zip(names, row, strict=True))
    merge(event, text, reply)
    with db.atomic():
        if "id" in event:
            db["event"].update(event["id"], event)
        else:
            event["id"] = db["event"].insert(event).last_pk
    session.event_id = event["id"]
    return event["id"]
