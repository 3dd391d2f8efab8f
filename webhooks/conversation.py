"""One turn of a conversation, shared by every channel: load, answer, then save at once."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from flask import current_app

from bot import compose, floor
from bot.engine import expired, respond
from bot.keywords import keyword
from bot.types import Reply, Session
from knowledge import events, queries, state
from knowledge.db import get_db
from webhooks import logs
from webhooks.errors import storage_problem

ATTEMPTS = 3  # answers recomputed when another message of the same sender saved first


class Changed(Exception):
    """The sender's session changed between reading and saving it: answer again."""


def knowledge():
    """The snapshot to answer with: after an edit, the previous one until the new one is built."""
    wait = not current_app.config.get("REBUILD_IN_BACKGROUND")
    return queries.answering(get_db(), current_app.config["DATABASE"], wait=wait)


def session_key(channel: str, raw_id: str) -> str:
    """The stored key for a channel's id: a keyed hash, never the id itself."""
    return state.keyed_hash(current_app.config["PHONE_HASH_KEY"], channel, raw_id)


@dataclass
class Turn:
    """One answered message and what saving it writes."""

    key: str
    loaded: str | None  # the session as read, to notice a concurrent change before saving
    session: Session
    reply: Reply
    ended: dict  # the report counts of a conversation that had expired, to file


def answer(
    channel: str, key: str, text: str, lang_hint: str | None = None, partner: str = ""
) -> Turn:
    """Answer text in the conversation stored under key; nothing is written yet."""
    db = get_db()
    now = time.time()
    loaded = state.stored_state(db, key)
    session = state.session_of(loaded)
    ended = session.event if expired(session, now) else {}
    try:
        reply = respond(
            text,
            session,
            knowledge(),
            channel=channel,
            lang_hint=lang_hint,
            program=current_app.config["PROGRAM_NAME"],
            now=now,
        )
    except Exception as exc:  # noqa: BLE001 - a damaged knowledge base must not silence the bot
        reply = _floor_reply(exc, text, session, lang_hint)
    logs.note_intent(reply.intent)
    events.fold(session, channel, partner, text, reply, now)
    return Turn(key, loaded, session, reply, ended)


def save(db, turn: Turn, check: bool = True) -> None:
    """Write the turn inside the caller's transaction; Changed if the session moved on."""
    if check and state.stored_state(db, turn.key) != turn.loaded:
        raise Changed
    if turn.ended:
        events.file(db, turn.ended)
    state.save_session(db, turn.key, turn.session)


def settle(compute, write, must_save: bool = False):
    """compute() an answer, then write(db, answer, check) in one short write transaction.

    Everything slow happens before the write lock is taken. When another message of the
    same sender saved in between, the answer is computed again (the last try saves
    without checking). A read-only, full or locked disk is logged and the answer goes out
    anyway, unless must_save (STOP, START, DELETE are only true once saved).
    Returns (what write returned or None, the answer).
    """
    db = get_db()
    for attempt in range(ATTEMPTS):
        result = compute()
        try:
            with db.atomic():
                return write(db, result, attempt < ATTEMPTS - 1), result
        except Changed:
            continue
        except sqlite3.OperationalError as exc:
            if must_save:
                raise
            logs.note_degraded(storage_problem(exc))
            logs.event("state_not_saved", kind=storage_problem(exc))
            return None, result
    raise AssertionError("unreachable: the last attempt saves without checking")


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
