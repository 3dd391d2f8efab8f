"""One turn of a conversation, shared by every channel: load, answer, save."""

from __future__ import annotations

import sqlite3

from flask import current_app

from bot.engine import respond
from bot.types import Reply
from knowledge import events, queries, state
from knowledge.db import get_db
from webhooks import logs
from webhooks.errors import storage_problem


def knowledge():
    """The current knowledge snapshot (re-read after any edit)."""
    return queries.snapshot(get_db(), current_app.config["DATABASE"])


def session_key(channel: str, raw_id: str) -> str:
    """The stored key for a channel's id: a keyed hash, never the id itself."""
    return state.keyed_hash(current_app.config["PHONE_HASH_KEY"], channel, raw_id)


def turn(
    channel: str, key: str, text: str, lang_hint: str | None = None, partner: str = ""
) -> Reply:
    """Answer text in the conversation stored under key, and save what the bot remembers."""
    db = get_db()
    session = state.load_session(db, key)
    reply = respond(
        text,
        session,
        knowledge(),
        channel=channel,
        lang_hint=lang_hint,
        program=current_app.config["PROGRAM_NAME"],
    )
    logs.note_intent(reply.intent)
    soft_write(events.record, db, session, channel, partner, text, reply, session.updated_at)
    soft_write(state.save_session, db, key, session)
    return reply


def soft_write(write, *args) -> bool:
    """Run a state write; on a read-only, full or locked disk, log it and answer anyway."""
    try:
        write(*args)
    except sqlite3.OperationalError as exc:
        logs.note_degraded(storage_problem(exc))
        logs.event("state_not_saved", kind=storage_problem(exc))
        return False
    return True
