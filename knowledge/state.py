"""Conversation state and SMS opt-outs, stored under keyed hashes, never raw ids."""

from __future__ import annotations

import hashlib
import hmac
import json

import sqlite_utils

from bot.types import Session


def keyed_hash(secret: str, channel: str, raw_id: str) -> str:
    """HMAC-SHA256 of a channel's id (a phone number, a chat session id)."""
    message = f"{channel}:{raw_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def load_session(db: sqlite_utils.Database, key: str) -> Session:
    """The stored session for key, or a new one."""
    row = db.execute("SELECT state FROM conversation WHERE key = ?", [key]).fetchone()
    if not row:
        return Session()
    try:
        return Session.from_dict(json.loads(row[0]))
    except (ValueError, TypeError):
        return Session()


def save_session(db: sqlite_utils.Database, key: str, session: Session) -> None:
    """Store the session for key."""
    with db.atomic():
        db.execute(
            "INSERT INTO conversation (key, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            [key, json.dumps(session.to_dict()), session.updated_at],
        )


def opted_out(db: sqlite_utils.Database, key: str) -> bool:
    """True when this sender has opted out and not opted back in."""
    row = db.execute("SELECT opted_out FROM subscriber WHERE key = ?", [key]).fetchone()
    return bool(row and row[0])


def set_opted_out(db: sqlite_utils.Database, key: str, value: bool, now: float) -> None:
    """Record an opt-out (True) or an opt-in (False)."""
    with db.atomic():
        db.execute(
            "INSERT INTO subscriber (key, opted_out, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET opted_out = excluded.opted_out, "
            "updated_at = excluded.updated_at",
            [key, int(value), now],
        )


DELIVERY_RETENTION = 48 * 3600  # seconds a MessageSid is remembered for retries


def seen_reply(db: sqlite_utils.Database, message_sid: str, now: float) -> str | None:
    """The TwiML already sent for this MessageSid within the retention period, if any."""
    row = db.execute(
        "SELECT reply FROM delivery WHERE message_sid = ? AND created_at >= ?",
        [message_sid, now - DELIVERY_RETENTION],
    ).fetchone()
    return row[0] if row else None


def remember_reply(
    db: sqlite_utils.Database, message_sid: str, sender_key: str, reply: str, now: float
) -> None:
    """Keep the TwiML sent for a MessageSid so a retry gets the same answer.

    Old rows are deleted by the retention command; seen_reply ignores them meanwhile.
    """
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO delivery (message_sid, sender_key, reply, created_at) "
            "VALUES (?, ?, ?, ?)",
            [message_sid, sender_key, reply, now],
        )


def record_failure(
    db: sqlite_utils.Database, message_sid: str, status: str, error_code: str, now: float
) -> None:
    """Keep a failed or undelivered reply's status and error code (nothing about the person)."""
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO delivery_failure (message_sid, status, error_code, created_at) "
            "VALUES (?, ?, ?, ?)",
            [message_sid, status, error_code, now],
        )


def forget_sender(db: sqlite_utils.Database, key: str) -> int:
    """Erase every row held about one sender (state, opt-out, deliveries); rows removed."""
    removed = 0
    with db.atomic():
        for table, column in (
            ("conversation", "key"),
            ("subscriber", "key"),
            ("delivery", "sender_key"),
        ):
            removed += db.execute(f"DELETE FROM [{table}] WHERE [{column}] = ?", [key]).rowcount
    return removed
