"""One turn of a conversation, shared by every channel: load, answer, save."""

from __future__ import annotations

import sqlite3

from flask import current_app

from bot import compose, floor
from bot.engine import respond
from bot.keywords import keyword
from bot.types import Reply, Session
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
    try:
        reply = respond(
            text,
            session,
            knowledge(),
            channel=channel,
            lang_hint=lang_hint,
            program=current_app.config["PROGRAM_NAME"],
        )
    except Exception as exc:  # noqa: BLE001 - a damaged knowledge base must not silence the bot
        return _floor_reply(exc, text, session, lang_hint)
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


def _floor_reply(exc: Exception, text: str, session: Session, lang_hint: str | None) -> Reply:
    """The safety floor's whole reply, when the knowledge base could not answer at all."""
    logs.event("reply_from_floor", error=type(exc).__name__)
    logs.note_degraded("knowledge base unreadable")
    lang = session.lang or lang_hint or "en"
    word = keyword(text)
    intent = word if word in floor.CONFIRMATIONS else "unknown"
    logs.note_intent(intent)
    body = floor.reply(lang, word, current_app.config["PROGRAM_NAME"])
    return Reply(body, intent, lang, [floor.service(floor.HOTLINE_ID)])


def say(key: str, lang: str = "en", *, neutral: bool = False) -> str:
    """A reply template outside a conversation (HELP, DELETE, rate limits), never without help."""
    program = current_app.config["PROGRAM_NAME"]
    try:
        text = compose.render(knowledge(), key, lang, program)
    except Exception as exc:  # noqa: BLE001 - as in turn(): the floor still answers
        logs.event("reply_from_floor", error=type(exc).__name__)
        text = ""
    return floor.complete(text, lang, "unknown", neutral=neutral, program=program)
