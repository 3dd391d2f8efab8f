"""Conversation state and SMS opt-outs, stored under keyed hashes, never raw ids."""

from __future__ import annotations

import hashlib
import hmac
import json
import zlib

import sqlite_utils

from bot.types import Session
from knowledge import events


def keyed_hash(secret: str, channel: str, raw_id: str) -> str:
    """HMAC-SHA256 of a channel's id (a phone number, a chat session id)."""
    message = f"{channel}:{raw_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def stored_state(db: sqlite_utils.Database, key: str) -> str | None:
    """The stored session for key as saved (None when there is none)."""
    row = db.execute("SELECT state FROM conversation WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def session_of(state: str | None) -> Session:
    """The session a stored state holds, or a new one."""
    if not state:
        return Session()
    try:
        return Session.from_dict(json.loads(state))
    except (ValueError, TypeError):
        return Session()


def load_session(db: sqlite_utils.Database, key: str) -> Session:
    """The stored session for key, or a new one."""
    return session_of(stored_state(db, key))


def save_session(db: sqlite_utils.Database, key: str, session: Session) -> None:
    """Store the session for key (inside the caller's transaction)."""
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
    """Record an opt-out (True); an opt-in (False) removes the row, which then says nothing."""
    with db.atomic():
        if not value:
            db.execute("DELETE FROM subscriber WHERE key = ?", [key])
            return
        db.execute(
            "INSERT INTO subscriber (key, opted_out, updated_at) VALUES (?, 1, ?) "
            "ON CONFLICT(key) DO UPDATE SET opted_out = 1, updated_at = excluded.updated_at",
            [key, now],
        )


DELIVERY_RETENTION = 48 * 3600  # seconds a MessageSid is remembered for retries


def claim_key(secret: str, message_sid: str) -> str:
    """The stored key of a MessageSid: a keyed hash, so the table holds no Twilio id."""
    return keyed_hash(secret, "sid", message_sid)[:32]


def seal(secret: str, message_sid: str, reply: str) -> bytes:
    """A reply compressed and sealed under its MessageSid, which the database never holds.

    Only a retry, which carries the MessageSid, can open it: the stream is SHAKE-256 of a
    key made from the hash key and the MessageSid, used for this one reply only.
    """
    return _xor(zlib.compress(reply.encode(), 9), secret, message_sid)


def unseal(secret: str, message_sid: str, sealed: bytes) -> str | None:
    """The reply seal() sealed, or None if it cannot be opened."""
    try:
        return zlib.decompress(_xor(sealed, secret, message_sid)).decode()
    except (zlib.error, UnicodeDecodeError):
        return None


def _xor(data: bytes, secret: str, message_sid: str) -> bytes:
    key = hmac.new(secret.encode(), f"reply:{message_sid}".encode(), hashlib.sha256).digest()
    stream = hashlib.shake_256(key).digest(len(data))
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return mixed.to_bytes(len(data), "big")


def sealed_reply(db: sqlite_utils.Database, claim: str, now: float) -> bytes | None:
    """The sealed reply already sent for a MessageSid's claim key, if any and recent."""
    row = db.execute(
        "SELECT reply FROM delivery WHERE key = ? AND created_at >= ?",
        [claim, now - DELIVERY_RETENTION],
    ).fetchone()
    return row[0] if row else None


def claim(db: sqlite_utils.Database, claim: str, sealed: bytes, now: float) -> bool:
    """Claim a MessageSid with its sealed reply; False when another request claimed it first.

    Run inside the message's write transaction (BEGIN IMMEDIATE), so of concurrent retries
    exactly one claims it and the others read the reply it stored. A claim past its
    retention period is taken over (seen_reply ignores it meanwhile too).
    """
    cursor = db.execute(
        "INSERT INTO delivery (key, reply, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET reply = excluded.reply, created_at = excluded.created_at "
        "WHERE created_at < ?",
        [claim, sealed, now, now - DELIVERY_RETENTION],
    )
    return cursor.rowcount == 1


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
    """Erase the rows held about one sender (state and opt-out); rows removed.

    The conversation's report counts are filed first as an anonymous event (they say
    nothing about who wrote). Remembered replies hold no sender key, so none is theirs.
    """
    removed = 0
    with db.atomic():
        ended = session_of(stored_state(db, key)).event
        if ended:
            events.file(db, ended)
        for table in ("conversation", "subscriber"):
            removed += db.execute(f"DELETE FROM [{table}] WHERE key = ?", [key]).rowcount
    return removed
