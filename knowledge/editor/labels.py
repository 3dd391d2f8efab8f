"""Readable names for rows whose own label is an id or a code (editor pages and lists)."""

from __future__ import annotations

import json

import sqlite_utils

from knowledge.editor import checks
from knowledge.editor.entities import ENTITIES, Entity

# ISO 639-1 codes the directories use; anything else is shown as its code.
LANGUAGE_NAMES = {
    "ar": "Arabic", "asl": "American Sign Language", "de": "German", "en": "English",
    "es": "Spanish", "fr": "French", "hi": "Hindi", "ht": "Haitian Creole", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "pl": "Polish", "pt": "Portuguese", "ru": "Russian",
    "tl": "Tagalog", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def _lines(value) -> list[str]:
    try:
        items = json.loads(value or "[]")
    except ValueError:
        items = [value]
    return [str(i) for i in items if i] if isinstance(items, list) else [str(items)]


def service_area(row: dict) -> str:
    """'National', 'Statewide: CT', 'County: Hartford, New Haven' or the area's name."""
    scope, state = row.get("scope") or "", row.get("state") or ""
    if scope == "national":
        return "National"
    if scope == "state":
        return f"Statewide: {state}" if state else "Statewide"
    places = ", ".join(_lines(row.get("extent"))) or row.get("name") or state
    return f"{scope.capitalize()}: {places}" if places else scope.capitalize()


def readable(db: sqlite_utils.Database, entity: Entity, row: dict) -> str:
    """How a row is named to people: a referenced row's name, a language, an area, a phone."""
    value = row.get(entity.label)
    spec = entity.field(entity.label)
    if entity.table == "service_area":
        return service_area(row)
    if entity.table == "language":
        return LANGUAGE_NAMES.get(str(value or "").lower(), str(value or row.get(entity.key)))
    if spec is not None and spec.kind == "phone":
        return checks.phone_for_people(value or "", row.get("extension") or "")
    if spec is not None and spec.kind == "ref" and value:
        target = ENTITIES[spec.ref]
        found = list(db[target.table].rows_where(f"[{target.key}] = ?", [value], limit=1))
        if found:
            return readable(db, target, found[0])
    return str(value if value not in (None, "") else row.get(entity.key))


def service_columns(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict[str, str]]:
    """Town and first phone of each service in ids, for the services list."""
    out = {i: {"town": "", "phone": ""} for i in ids}
    if not ids:
        return out
    marks = ", ".join("?" for _ in ids)
    towns = db.query(
        "SELECT sal.service_id AS id, group_concat(DISTINCT a.city) AS towns "
        "FROM service_at_location sal JOIN address a ON a.location_id = sal.location_id "
        f"WHERE sal.service_id IN ({marks}) AND a.city <> '' GROUP BY sal.service_id",
        ids,
    )
    for row in towns:
        out[row["id"]]["town"] = ", ".join(sorted(set((row["towns"] or "").split(","))))
    phones = db.query(  # SQLite takes the extension from the row min() picks
        f"SELECT service_id AS id, min(number) AS number, extension FROM phone "
        f"WHERE service_id IN ({marks}) GROUP BY service_id",
        ids,
    )
    for row in phones:
        out[row["id"]]["phone"] = checks.phone_for_people(
            row["number"] or "", row["extension"] or ""
        )
    return out
