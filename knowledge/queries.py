"""Read the knowledge base into the engine's snapshot, re-read whenever it changes.

A snapshot is built whole (rows, indexes, the model to read with) before anything uses
it. Messages ask answering(): after an edit or an import it starts the new snapshot's
build on a thread and answers from the one it has, so no message waits for a build.
Staff pages, start-up and health ask snapshot(), which builds the current content now.
"""

from __future__ import annotations

import json
import logging
import os
import threading

import sqlite_utils

from bot import classify, derived, training
from bot.types import Example, Faq, Knowledge, Phone, Rule, Service, Term
from knowledge import db as database
from knowledge.db import reading

log = logging.getLogger(__name__)
_cache: dict[str, Knowledge] = {}  # database path -> the newest snapshot built
_retrain: dict[str, bool] = {}  # database name -> retrain the learned reading after a change
_lock = threading.Lock()  # guards the dictionaries below
_builders: dict[str, threading.Lock] = {}  # one build at a time per database
_rebuilds: dict[str, tuple[int, threading.Thread]] = {}  # (pid, thread) building in background
_again: set[str] = set()  # changed again while a background build ran: build once more
_failed: dict[str, tuple[int, str]] = {}  # revision whose build failed, and why


def revision(db: sqlite_utils.Database) -> int:
    """A counter that every change to the content tables increments (by trigger)."""
    return db.execute("SELECT n FROM kb_revision WHERE id = 1").fetchone()[0]


def _tidy(text: str) -> str:
    """An all-capitals name from a 211 export in ordinary capitals ("SALVATION ARMY")."""
    if not text.isupper():
        return text
    words = []
    for word in text.split(" "):
        letters = word.strip(".,()'&-/")
        keep = len(letters) <= 4 and not any(v in letters for v in "AEIOUY")  # YWCA, LLC
        words.append(word if keep else word.capitalize())
    return " ".join(words)


def display_names(row: dict) -> tuple[str, str]:
    """(service name, organisation name) as replies show them.

    An imported service's own name is often a branch or program label ("MIAMI", "SUPPORT
    GROUPS"): it is shown after its organisation's, so it reads well and a message that
    merely contains such a word does not name the service.
    """
    name, org = row["name"] or "", row["org_name"] or ""
    if not str(row.get("source") or "").startswith("hsds:"):
        return name, org
    name, org = _tidy(name), _tidy(org)
    if name.lower() != org.lower():
        name = f"{org}, {name}"
    return name, org


def _services(db: sqlite_utils.Database) -> list[Service]:
    by_service: dict[str, dict] = {}
    for table, key in (
        ("phone", "phones"),
        ("attribute", "terms"),
        ("schedule", "hours"),
        ("service_area", "area"),
    ):
        link = "link_id" if table == "attribute" else "service_id"
        for row in db.query(f"SELECT * FROM [{table}] ORDER BY id"):
            by_service.setdefault(row[link], {}).setdefault(key, []).append(row)
    places = {
        row["service_id"]: row
        for row in db.query(
            "SELECT sal.service_id, l.latitude, l.longitude, l.confidential, a.city, "
            "a.state_province FROM service_at_location sal "
            "JOIN location l ON l.id = sal.location_id "
            "LEFT JOIN address a ON a.location_id = l.id"
        )
    }
    out = []
    for row in db.query(
        "SELECT s.*, o.name AS org_name FROM service s "
        "JOIN organization o ON o.id = s.organization_id WHERE s.status = 'active' ORDER BY s.id"
    ):
        extra = by_service.get(row["id"], {})
        name, organization = display_names(row)
        area = (extra.get("area") or [{}])[0]
        place = places.get(row["id"], {})
        public = not place.get("confidential")
        out.append(
            Service(
                id=row["id"],
                name=name,
                organization=organization,
                kind=row["kind"],
                summary={"en": row["description"] or "", "es": row["description_es"] or ""},
                phones=tuple(
                    Phone(p["number"], p["type"], p["description"] or "", p.get("extension") or "")
                    for p in extra.get("phones", [])
                    if p["type"] in ("voice", "sms")  # a fax number is no use to a person
                ),
                url=row["url"] or "",
                hours=(extra.get("hours") or [{}])[0].get("description", "") or "",
                scope=area.get("scope") or "national",
                state=area.get("state") or "",
                counties=tuple(json.loads(area.get("extent") or "[]")),
                city=(place.get("city") or "") if public else "",
                lat=place.get("latitude"),
                lon=place.get("longitude"),
                terms=tuple(a["taxonomy_term_id"] for a in extra.get("terms", [])),
            )
        )
    return out


def example_of(row: dict) -> Example:
    """An example row (from the table or seed.example_rows) as the engine's Example."""
    return Example(
        row["text"],
        row["lang"],
        row["intent"],
        bool(row["danger_now"]),
        bool(row["minor"]),
        row["about"] or "general",
        row["group_name"] or "",
    )


def load(db: sqlite_utils.Database) -> Knowledge:
    """Everything the engine needs, as one snapshot."""
    rules = [
        Rule(r["intent"], r["lang"], r["phrase"], r["weight"], r["id"])
        for r in db.query("SELECT * FROM rule ORDER BY id")
    ]
    faqs = [
        Faq(
            f["id"],
            {
                "en": tuple(json.loads(f["phrases_en"] or "[]")),
                "es": tuple(json.loads(f["phrases_es"] or "[]")),
            },
            {"en": f["answer_en"] or "", "es": f["answer_es"] or ""},
        )
        for f in db.query("SELECT * FROM faq ORDER BY id")
    ]
    terms = [
        Term(
            t["id"],
            {"en": t["name"], "es": t["name_es"] or t["name"]},
            {
                "en": tuple(json.loads(t["words_en"] or "[]")),
                "es": tuple(json.loads(t["words_es"] or "[]")),
            },
        )
        # Only the bot's own categories: an imported taxonomy (a 211's AIRS terms) is
        # linked to services but has no words people use, and would only slow matching.
        for t in db.query(
            "SELECT * FROM taxonomy_term WHERE coalesce(vocabulary, '') = '' ORDER BY id"
        )
    ]
    templates = {
        t["key"]: {"en": t["text_en"] or "", "es": t["text_es"] or ""}
        for t in db.query("SELECT * FROM reply_template")
    }
    examples = [example_of(e) for e in db.query("SELECT * FROM example ORDER BY id")]
    return Knowledge(rules, faqs, terms, _services(db), templates, examples)


def _builder(name: str) -> threading.Lock:
    with _lock:
        return _builders.setdefault(name, threading.Lock())


def _build(db: sqlite_utils.Database, name: str) -> Knowledge:
    """Read every table in one transaction and build the snapshot's indexes; keep it."""
    with reading(db):  # one consistent read of every table, taking no lock
        current = revision(db)
        kb = load(db)
    kb.revision = current
    kb.derived["retrain"] = _retrain.get(name, True)
    training.carry_over(kb, _cache.get(name))
    derived.build(kb)
    _cache[name] = kb
    return kb


def snapshot(db: sqlite_utils.Database, name: str) -> Knowledge:
    """The snapshot of the knowledge base as it is now, built here if it changed.

    For start-up, staff pages and previews (which must show an edit at once); a message
    asks answering() instead.
    """
    current = revision(db)
    cached = _cache.get(name)
    if cached is not None and cached.revision == current:
        return cached
    with _builder(name):  # a build under way for this revision is waited for, not repeated
        cached = _cache.get(name)
        if cached is not None and cached.revision == revision(db):
            return cached
        return _build(db, name)


def answering(db: sqlite_utils.Database, name: str, wait: bool = False) -> Knowledge:
    """The snapshot to answer a message with: the newest built, never waiting for a build.

    After a change the new snapshot is built on a thread while this one keeps answering.
    Only the very first message of a process without a snapshot (start-up did not build
    one) waits, and with wait=True every first message after a change does (tests).
    """
    cached = _cache.get(name)
    if cached is None or wait:
        return snapshot(db, name)
    if cached.revision != revision(db):
        rebuild(name)
    return cached


def rebuild(name: str) -> None:
    """Build the current snapshot of the database at path name on a thread (one at a time)."""
    with _lock:
        _again.add(name)
        running = _rebuilds.get(name)
        # A thread started before a fork (gunicorn's preload) does not run in the child.
        if running is not None and running[0] == os.getpid() and running[1].is_alive():
            return
        thread = threading.Thread(
            target=_rebuild, args=(name,), name="knowledge-snapshot", daemon=True
        )
        _rebuilds[name] = (os.getpid(), thread)
        thread.start()


def _rebuild(name: str) -> None:
    db = None
    try:
        while True:
            with _lock:
                if name not in _again:
                    _rebuilds.pop(name, None)
                    return
                _again.discard(name)
            current = None
            try:
                db = db or database.connect(name, read_only=True)
                current = revision(db)
                if _failed.get(name, (None,))[0] == current:
                    continue  # this content failed to build already: keep answering as before
                snapshot(db, name)
                _failed.pop(name, None)
            except Exception as exc:  # noqa: BLE001 - damaged rows: the old snapshot answers
                _failed[name] = (current, type(exc).__name__)
                log.warning("knowledge snapshot %s not rebuilt: %s", current, type(exc).__name__)
    finally:
        if db is not None:
            db.conn.close()


def wait_for_rebuild(name: str, timeout: float | None = None) -> bool:
    """Wait until no background build of this database runs here; False if one still does."""
    with _lock:
        running = _rebuilds.get(name)
    if running is None or running[0] != os.getpid():
        return True
    running[1].join(timeout)
    return not running[1].is_alive()


def rebuild_problem(name: str) -> str | None:
    """Why the last background build failed (an exception's name), if the newest one did."""
    failed = _failed.get(name)
    return failed[1] if failed else None


def rebuilding(name: str) -> bool:
    """True while a background build of this database's snapshot runs in this process."""
    with _lock:
        running = _rebuilds.get(name)
        return bool(running and running[0] == os.getpid() and running[1].is_alive())


def warm(db: sqlite_utils.Database, name: str, retrain: bool = True, read: bool = True) -> None:
    """Read the snapshot and train its learned reading, so the first message has both.

    retrain False keeps answering with this model after later changes, and read False
    skips reading examples after training (both for test suites, where a retraining per
    edit and a warm-up per app would only cost time).
    """
    _retrain[name] = retrain
    kb = snapshot(db, name)
    classify.prepare(kb, read=read)
