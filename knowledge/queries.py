"""Read the knowledge base into the engine's snapshot, re-read whenever it changes."""

from __future__ import annotations

import json
import threading

import sqlite_utils

from bot import classify, training
from bot.types import Example, Faq, Knowledge, Phone, Rule, Service, Term
from knowledge.db import reading

_cache: dict[str, Knowledge] = {}
_retrain: dict[str, bool] = {}  # database name -> retrain the learned reading after a change
_lock = threading.Lock()


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
                    Phone(p["number"], p["type"], p["description"] or "")
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


def snapshot(db: sqlite_utils.Database, name: str) -> Knowledge:
    """The current snapshot for the database called name, re-read only after a change."""
    current = revision(db)
    cached = _cache.get(name)
    if cached is not None and cached.revision == current:
        return cached
    with _lock:
        with reading(db):  # one consistent read of every table, taking no lock
            current = revision(db)
            kb = load(db)
        kb.revision = current
        kb.derived["retrain"] = _retrain.get(name, True)
        training.carry_over(kb, _cache.get(name))
        _cache[name] = kb
    return kb


def warm(db: sqlite_utils.Database, name: str, retrain: bool = True) -> None:
    """Read the snapshot and train its learned reading, so the first message has both.

    retrain False keeps answering with this model after later changes (for test suites,
    where a retraining per edit would only cost time).
    """
    _retrain[name] = retrain
    classify.prepare(snapshot(db, name))
