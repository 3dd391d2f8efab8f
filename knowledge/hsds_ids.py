"""HSDS ids: stable UUIDs for the directory's own slugs, and the record that maps them back.

HSDS 3.0 wants every id to be a UUID; staff and the bot use readable slugs ("nhth").
An export gives each row uuid5(NAMESPACE, "<table>:<slug>"), the same on every export.
A slug that already ends in a UUID (an imported HSDS 3.0 id, "service_full/ac14...")
exports as that UUID, so other systems keep recognising their own records.

To map ids back, each exported entity carries one attribute in this directory's own
taxonomy ("Resource Line records") whose value is a small JSON object: the slug and the
few fields HSDS has no place for (a service's kind, its Spanish summary, the source of
a row). Other HSDS tools can ignore it; our importer reads it and restores the row.
"""

from __future__ import annotations

import json
import re
import uuid

# Fixed for ever: changing it changes every exported id.
NAMESPACE = uuid.UUID("0d6f2c1e-4b8a-5c3e-9f7d-2a1b3c4d5e6f")
UUID_AT_END = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE
)

CATEGORIES = "Resource Line categories"  # the bot's own taxonomy (vocabulary '' here)
RECORDS = "Resource Line records"  # the taxonomy of the record term below
RECORD_CODE = "resource-line-record"

# Fields each table's record carries, beyond what the HSDS fields give back exactly.
RECORD_FIELDS = {
    "organization": ("id", "source", "last_verified", "description"),
    "service": ("id", "source", "last_verified", "kind", "description_es", "status"),
    "location": (
        "id",
        "source",
        "last_verified",
        "confidential",
        "latitude",
        "longitude",
        "addresses",  # partial addresses, which HSDS cannot hold as addresses
    ),
    "address": ("id",),
    "service_at_location": ("id",),
    "phone": ("id", "number", "extension", "type", "description"),
    "schedule": ("id",),
    "service_area": ("id", "name", "scope", "state", "extent"),
    "language": ("id", "code"),
}


def hsds_id(table: str, slug: str) -> str:
    """The UUID an internal id is exported as: its own trailing UUID, or uuid5 of table:slug."""
    found = UUID_AT_END.search(slug)
    if found:
        return found.group(1).lower()
    return str(uuid.uuid5(NAMESPACE, f"{table}:{slug}"))


def taxonomy_id(vocabulary: str) -> str:
    """The UUID of a taxonomy, by the vocabulary name stored on its terms ('' is ours)."""
    return hsds_id("taxonomy", vocabulary or CATEGORIES)


def taxonomy_name(vocabulary: str) -> str:
    """The name a vocabulary is exported under."""
    return vocabulary or CATEGORIES


RECORD_TERM_ID = hsds_id("taxonomy_term", RECORD_CODE)
RECORD_TAXONOMY_ID = taxonomy_id(RECORDS)


def record_term() -> dict:
    """The taxonomy term every record attribute points to."""
    return {
        "id": RECORD_TERM_ID,
        "code": RECORD_CODE,
        "name": "Resource Line record",
        "description": "This directory's own id and the fields HSDS has no place for, as "
        "JSON. Other systems may ignore it.",
        "taxonomy": RECORDS,
        "taxonomy_id": RECORD_TAXONOMY_ID,
    }


def record_attribute(table: str, row: dict) -> dict:
    """The attribute that carries one internal row's slug and private fields."""
    uid = hsds_id(table, row["id"])
    value = {f: row.get(f) for f in RECORD_FIELDS[table]}
    return {
        "id": hsds_id("attribute", f"record:{table}:{row['id']}"),
        "link_id": uid,
        "link_type": table,
        "link_entity": table,
        "taxonomy_term_id": RECORD_TERM_ID,
        "value": json.dumps(value, ensure_ascii=False, sort_keys=True),
    }


def is_record(attribute: dict) -> bool:
    """Whether an imported attribute row is one of our records."""
    term = attribute.get("taxonomy_term")
    term_id = term.get("id") if isinstance(term, dict) else attribute.get("taxonomy_term_id")
    return str(term_id or "").lower() == RECORD_TERM_ID


def read_record(value: object) -> dict | None:
    """A record's fields, or None when the value is not one."""
    try:
        found = json.loads(str(value or ""))
    except ValueError:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("id"), str):
        return None
    return found
