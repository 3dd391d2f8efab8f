"""Tables (named after Open Referral HSDS 3.0 where they mirror it) and migrations."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import sqlite_utils

# Tables whose rows the bot reads; a change to any of them bumps kb_revision so the
# next message sees it.
CONTENT_TABLES = (
    "organization",
    "service",
    "phone",
    "location",
    "address",
    "service_at_location",
    "schedule",
    "service_area",
    "language",
    "taxonomy_term",
    "attribute",
    "rule",
    "faq",
    "reply_template",
    "example",
)
CURATED = {"source": str, "last_verified": str}


def _bump_on_change(db: sqlite_utils.Database, table: str) -> None:
    """Triggers that bump kb_revision on every change to table, so the next message sees it."""
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER bump_{table}_{event.lower()} AFTER {event} ON [{table}] "
            "BEGIN UPDATE kb_revision SET n = n + 1 WHERE id = 1; END"
        )


def _v1(db: sqlite_utils.Database) -> None:
    """The HSDS-shaped directory, the bot's own tables, and conversation state."""
    db["organization"].create(
        {"id": str, "name": str, "description": str, "url": str, **CURATED}, pk="id"
    )
    db["service"].create(
        {
            "id": str,
            "organization_id": str,
            "name": str,
            "kind": str,
            "description": str,
            "description_es": str,
            "url": str,
            "status": str,
            **CURATED,
        },
        pk="id",
        foreign_keys=[("organization_id", "organization", "id")],
    )
    db["phone"].create(
        {"id": str, "service_id": str, "number": str, "type": str, "description": str},
        pk="id",
        foreign_keys=[("service_id", "service", "id")],
    )
    db["location"].create(
        {
            "id": str,
            "organization_id": str,
            "name": str,
            "location_type": str,
            "confidential": int,
            "latitude": float,
            "longitude": float,
            **CURATED,
        },
        pk="id",
        foreign_keys=[("organization_id", "organization", "id")],
    )
    db["address"].create(
        {"id": str, "location_id": str, "city": str, "state_province": str, "country": str},
        pk="id",
        foreign_keys=[("location_id", "location", "id")],
    )
    db["service_at_location"].create(
        {"id": str, "service_id": str, "location_id": str},
        pk="id",
        foreign_keys=[("service_id", "service", "id"), ("location_id", "location", "id")],
    )
    db["schedule"].create(
        {"id": str, "service_id": str, "description": str},
        pk="id",
        foreign_keys=[("service_id", "service", "id")],
    )
    db["service_area"].create(
        {"id": str, "service_id": str, "name": str, "scope": str, "state": str, "extent": str},
        pk="id",
        foreign_keys=[("service_id", "service", "id")],
    )
    db["language"].create(
        {"id": str, "service_id": str, "code": str},
        pk="id",
        foreign_keys=[("service_id", "service", "id")],
    )
    db["taxonomy_term"].create(
        {"id": str, "name": str, "name_es": str, "words_en": str, "words_es": str, **CURATED},
        pk="id",
    )
    db["attribute"].create(
        {"id": str, "link_id": str, "link_type": str, "taxonomy_term_id": str},
        pk="id",
        foreign_keys=[("taxonomy_term_id", "taxonomy_term", "id")],
    )
    db["rule"].create(
        {"id": int, "intent": str, "lang": str, "phrase": str, "weight": float, **CURATED},
        pk="id",
    )
    db["faq"].create(
        {
            "id": str,
            "topic": str,
            "phrases_en": str,
            "phrases_es": str,
            "answer_en": str,
            "answer_es": str,
            **CURATED,
        },
        pk="id",
    )
    db["reply_template"].create({"key": str, "text_en": str, "text_es": str, **CURATED}, pk="key")
    db["partner"].create(
        {
            "key": str,
            "name": str,
            "origins": str,
            "greeting": str,
            "default_lang": str,
            "colors": str,
            "exit_url": str,
            "enabled": int,
        },
        pk="key",
    )
    db["staff_user"].create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "failed": int,
            "locked_until": float,
        },
        pk="id",
    )
    # Audit log in the shape of HSDS's metadata table.
    db["metadata"].create(
        {
            "id": int,
            "resource_id": str,
            "resource_type": str,
            "last_action_date": str,
            "last_action_type": str,
            "field_name": str,
            "previous_value": str,
            "replacement_value": str,
            "updated_by": str,
        },
        pk="id",
    )
    db["kb_revision"].create({"id": int, "n": int}, pk="id")
    db["kb_revision"].insert({"id": 1, "n": 0})
    for table in CONTENT_TABLES[: CONTENT_TABLES.index("reply_template") + 1]:
        _bump_on_change(db, table)
    # Conversation state, keyed by a keyed hash of the channel's id; never a number in clear.
    db["conversation"].create({"key": str, "state": str, "updated_at": float}, pk="key")
    db["subscriber"].create({"key": str, "opted_out": int, "updated_at": float}, pk="key")


def _v2(db: sqlite_utils.Database) -> None:
    """Twilio deliveries seen, so a retried MessageSid gets the same reply and nothing more."""
    db["delivery"].create(
        {"message_sid": str, "sender_key": str, "reply": str, "created_at": float},
        pk="message_sid",
    )
    db["delivery"].create_index(["sender_key"])
    db["delivery"].create_index(["created_at"])


def _v3(db: sqlite_utils.Database) -> None:
    """Failed SMS deliveries reported by Twilio's status callback; no number, no text."""
    db["delivery_failure"].create(
        {"message_sid": str, "status": str, "error_code": str, "created_at": float},
        pk="message_sid",
    )
    db["delivery_failure"].create_index(["created_at"])


def _v6(db: sqlite_utils.Database) -> None:
    """Imported directories: taxonomy codes and vocabularies, street address and postal code."""
    db["taxonomy_term"].add_column("code", str)
    db["taxonomy_term"].add_column("vocabulary", str)
    db["taxonomy_term"].add_column("parent_id", str)
    db["address"].add_column("address_1", str)
    db["address"].add_column("postal_code", str)
    db["attribute"].create_index(["link_id"])


def _v8(db: sqlite_utils.Database) -> None:
    """Anonymous report events: one row per conversation, nothing that identifies anyone."""
    db["event"].create(
        {
            "id": int,
            "day": str,
            "channel": str,
            "partner": str,
            "kind": str,
            "reason": str,
            "lang": str,
            "region": str,
            "resources": str,
            "opt_out": int,
            "opt_in": int,
        },
        pk="id",
    )
    db["event"].create_index(["day"])


def _v9(db: sqlite_utils.Database) -> None:
    """Example messages the learned reading is trained from; curated, never live traffic."""
    db["example"].create(
        {
            "id": int,
            "text": str,
            "lang": str,
            "intent": str,
            "danger_now": int,
            "minor": int,
            "about": str,
            "group_name": str,
            **CURATED,
        },
        pk="id",
    )
    _bump_on_change(db, "example")
    if db["service"].count:  # a knowledge base made before examples: add the curated ones
        from knowledge import seed

        db["example"].insert_all(seed.example_rows())


def _v10(db: sqlite_utils.Database) -> None:
    """A random session secret per staff account: a sign-in cookie is good only while it holds."""
    db["staff_user"].add_column("session_secret", str)
    for (user_id,) in db.execute("SELECT id FROM staff_user").fetchall():
        db.execute(
            "UPDATE staff_user SET session_secret = ? WHERE id = ?",
            [secrets.token_urlsafe(32), user_id],
        )


# The FAQ sentence a web chat cannot follow, and its channel-neutral replacement (as in
# faq.yaml). Only the curated wording is replaced; an answer staff rewrote is left alone.
_FAQ_SENTENCES = {
    "answer_en": (
        "If someone may check your phone, delete this thread after reading.",
        "If someone may check your phone, delete these messages or close this chat after reading.",
    ),
    "answer_es": (
        "Si alguien puede revisar su teléfono, borre esta conversación después de leerla.",
        "Si alguien puede revisar su teléfono, borre estos mensajes o cierre este chat después "
        "de leerlos.",
    ),
}


def _v15(db: sqlite_utils.Database) -> None:
    """Webchat wording: its own safety line (no thread to delete) and a channel-neutral FAQ."""
    if not db["reply_template"].count:
        return  # an empty knowledge base: the curated files are loaded whole after this
    from knowledge import seed

    if not db["reply_template"].count_where("key = ?", ["safety_line_chat"]):
        rows = seed.template_rows(seed.read("templates"))
        db["reply_template"].insert_all(r for r in rows if r["key"] == "safety_line_chat")
    for column, (old, new) in _FAQ_SENTENCES.items():
        db.execute(
            f"UPDATE faq SET {column} = replace({column}, ?, ?) WHERE id = 'safety-phone'",
            [old, new],
        )


def _v11(db: sqlite_utils.Database) -> None:
    """Nothing that joins a sender to a report, retry replies sealed, shared rate counters.

    A retry's reply is kept sealed under its MessageSid's keyed hash, with no sender key;
    conversation state forgets the id of its report event; an opt-in is no row at all.
    """
    db["delivery"].drop()
    db["delivery"].create({"key": str, "reply": bytes, "created_at": float}, pk="key")
    db["delivery"].create_index(["created_at"])
    db.execute(
        "UPDATE conversation SET state = json_remove(state, '$.event_id') WHERE json_valid(state)"
    )
    db.execute("DELETE FROM subscriber WHERE opted_out = 0")
    db["rate_count"].create({"key": str, "hits": int, "expires_at": float}, pk="key")
    db["rate_count"].create_index(["expires_at"])


def _v12(db: sqlite_utils.Database) -> None:
    """A phone's extension, in digits, kept apart from its number (HSDS phone.extension)."""
    db["phone"].add_column("extension", str)


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (6, _v6),
    (8, _v8),
    (9, _v9),
    (10, _v10),
    (11, _v11),
    (12, _v12),
    (15, _v15),
]


def version(db: sqlite_utils.Database) -> int:
    """The schema version the database is at (0 when empty)."""
    if "migrations" not in db.table_names():
        return 0
    row = db.execute("SELECT max(version) FROM migrations").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration the database has not seen, each in one transaction."""
    if "migrations" not in db.table_names():
        db["migrations"].create({"version": int, "applied_at": str}, pk="version")
    # By the set applied, not the highest: numbers are reserved out of order (6 may land
    # before 4), and a later-merged lower number must still run.
    applied = {row[0] for row in db.execute("SELECT version FROM migrations")}
    for number, step in MIGRATIONS:
        if number in applied:
            continue
        with db.atomic():
            step(db)
            db.execute(
                "INSERT INTO migrations (version, applied_at) VALUES (?, datetime('now'))",
                [number],
            )
    return version(db)
