"""Queries behind the read-only HSDS 3.0 API: filtered pages and single objects by UUID.

Only directory tables are read, and every object is built by hsds_rows/hsds_export, so a
confidential location shows no address and no position here either.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import sqlite_utils

from knowledge import hsds_clean, hsds_export, hsds_rows
from knowledge.hsds_ids import hsds_id, taxonomy_id
from knowledge.queries import revision

_ids_lock = threading.Lock()
_ids_cache: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}


def internal_ids(db: sqlite_utils.Database, table: str) -> dict[str, str]:
    """{exported UUID: internal id} for a table, remade only after the content changes."""
    key, current = (str(db.conn.execute("PRAGMA database_list").fetchone()[2]), table), revision(db)
    with _ids_lock:
        cached = _ids_cache.get(key)
        if cached and cached[0] == current:
            return cached[1]
    found = {hsds_id(table, r[0]): r[0] for r in db.execute(f"SELECT id FROM [{table}]")}
    with _ids_lock:
        _ids_cache[key] = (current, found)
    return found


def lookup(db: sqlite_utils.Database, table: str, uid: str) -> str | None:
    """The internal id of the row exported as uid, or None."""
    return internal_ids(db, table).get(uid.strip().lower())


@dataclass
class Filters:
    """The query parameters of /services and /service_at_locations, already checked."""

    search: str = ""
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: str = ""  # YYYY-MM-DD, compared with each service's last-verified date
    postcode: str = ""
    params: dict = field(default_factory=dict)


def _vocabulary(db: sqlite_utils.Database, uid: str) -> str | None:
    for row in db.execute("SELECT DISTINCT coalesce(vocabulary, '') FROM taxonomy_term"):
        if taxonomy_id(row[0]) == uid.strip().lower():
            return row[0]
    return None


def _where(db: sqlite_utils.Database, f: Filters) -> tuple[str, dict]:
    """SQL conditions on services s (joined to organization o) for the filters."""
    parts, params = ["1"], {}
    if f.search:
        parts.append("(s.name LIKE :q OR s.description LIKE :q OR o.name LIKE :q)")
        params["q"] = f"%{f.search}%"
    if f.taxonomy_term_id:
        params["term"] = lookup(db, "taxonomy_term", f.taxonomy_term_id)
        parts.append("s.id IN (SELECT link_id FROM attribute WHERE taxonomy_term_id = :term)")
    if f.taxonomy_id:
        params["vocab"] = _vocabulary(db, f.taxonomy_id)
        parts.append(
            "s.id IN (SELECT a.link_id FROM attribute a JOIN taxonomy_term t "
            "ON t.id = a.taxonomy_term_id WHERE coalesce(t.vocabulary, '') = :vocab)"
        )
    if f.organization_id:
        params["org"] = lookup(db, "organization", f.organization_id)
        parts.append("s.organization_id = :org")
    if f.modified_after:
        params["after"] = f.modified_after
        parts.append("coalesce(s.last_verified, '') >= :after")
    if f.postcode:
        parts.append(_covers(f.postcode, params))
    return " AND ".join(parts), params


def _covers(postcode: str, params: dict) -> str:
    """Services at a public address with this postal code, or whose area covers it."""
    params["zip"] = postcode
    at = (
        "s.id IN (SELECT sal.service_id FROM service_at_location sal "
        "JOIN location l ON l.id = sal.location_id JOIN address a ON a.location_id = l.id "
        "WHERE NOT coalesce(l.confidential, 0) AND a.postal_code LIKE :zip || '%')"
    )
    place = hsds_clean.by_postal_code(postcode)
    if place is None:
        return at
    params.update(state=place["state"], county=place["county"], city=place["city"])
    area = (
        "s.id IN (SELECT service_id FROM service_area WHERE scope = 'national' "
        "OR (scope = 'state' AND state = :state) "
        "OR (scope = 'county' AND state = :state AND EXISTS "
        "(SELECT 1 FROM json_each(extent) WHERE value = :county)))"
    )
    return f"({at} OR {area})"


def _page(db: sqlite_utils.Database, sql: str, params: dict, page: int, per_page: int):
    total = db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    rows = list(
        db.query(
            f"{sql} LIMIT :limit OFFSET :offset",
            {**params, "limit": per_page, "offset": (page - 1) * per_page},
        )
    )
    return total, rows


SERVICES = "SELECT s.* FROM service s JOIN organization o ON o.id = s.organization_id"


def services(db: sqlite_utils.Database, f: Filters, page: int, per_page: int):
    """(total, page of service_list objects) for the filters."""
    where, params = _where(db, f)
    total, rows = _page(db, f"{SERVICES} WHERE {where} ORDER BY s.id", params, page, per_page)
    orgs = _by_id(db, "organization", [r["organization_id"] for r in rows])
    out = []
    for row in rows:
        item = hsds_rows.service(row)
        if row["organization_id"] in orgs:
            item["organization"] = hsds_rows.organization(orgs[row["organization_id"]])
        out.append(item)
    return total, out


def _by_id(db: sqlite_utils.Database, table: str, ids: list[str]) -> dict[str, dict]:
    rows = db.query(
        f"SELECT * FROM [{table}] WHERE id IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps(ids)},
    )
    return {r["id"]: r for r in rows}


def service(db: sqlite_utils.Database, uid: str) -> dict | None:
    """One service, fully nested, or None."""
    sid = lookup(db, "service", uid)
    if sid is None:
        return None
    found = hsds_export.nest(hsds_export.directory_rows(db, [sid]), records=False)
    return found[0] if found else None


def service_at_locations(db: sqlite_utils.Database, f: Filters, page: int, per_page: int):
    """(total, page of service_at_location list objects) for the filters."""
    where, params = _where(db, f)
    sql = (
        "SELECT sal.* FROM service_at_location sal JOIN service s ON s.id = sal.service_id "
        f"JOIN organization o ON o.id = s.organization_id WHERE {where} ORDER BY sal.id"
    )
    total, rows = _page(db, sql, params, page, per_page)
    found = _by_id(db, "service", [r["service_id"] for r in rows])
    places = _by_id(db, "location", [r["location_id"] for r in rows])
    out = []
    for row in rows:
        item = hsds_rows.service_at_location(row)
        if row["service_id"] in found:
            item["service"] = hsds_rows.service(found[row["service_id"]])
        if row["location_id"] in places:
            item["location"] = hsds_rows.location(places[row["location_id"]])
        out.append(item)
    return total, out


def service_at_location(db: sqlite_utils.Database, uid: str) -> dict | None:
    """One service_at_location with its location (and public addresses) and its service."""
    key = lookup(db, "service_at_location", uid)
    if key is None:
        return None
    row = db["service_at_location"].get(key)
    rows = hsds_export.directory_rows(db, [row["service_id"]])
    nested = hsds_export.nest(rows, records=False)[0]
    place = next(
        p for p in nested["service_at_locations"] if p["id"] == hsds_id("service_at_location", key)
    )
    service_part = {k: v for k, v in nested.items() if k != "service_at_locations"}
    return {**place, "service": service_part}


def organizations(db: sqlite_utils.Database, search: str, page: int, per_page: int):
    """(total, page of organization_list objects)."""
    sql, params = "SELECT * FROM organization", {}
    if search:
        sql += " WHERE name LIKE :q OR description LIKE :q"
        params["q"] = f"%{search}%"
    total, rows = _page(db, sql + " ORDER BY id", params, page, per_page)
    return total, [hsds_rows.organization(r) for r in rows]


def organization(db: sqlite_utils.Database, uid: str) -> dict | None:
    """One organization with the basic form of each of its services."""
    key = lookup(db, "organization", uid)
    if key is None:
        return None
    out = hsds_rows.organization(db["organization"].get(key))
    rows = db.query("SELECT * FROM service WHERE organization_id = ? ORDER BY id", [key])
    out["services"] = [hsds_rows.service(r) for r in rows]
    return out


def _vocabularies(db: sqlite_utils.Database, search: str) -> list[str]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT coalesce(vocabulary, '') FROM taxonomy_term ORDER BY 1"
        )
    ]
    return [v for v in names if search.lower() in hsds_rows.taxonomy(v)["name"].lower()]


def taxonomies(db: sqlite_utils.Database, search: str, page: int, per_page: int):
    """(total, page of taxonomies): one per vocabulary the terms name."""
    found = _vocabularies(db, search)
    start = (page - 1) * per_page
    return len(found), [hsds_rows.taxonomy(v) for v in found[start : start + per_page]]


def taxonomy(db: sqlite_utils.Database, uid: str) -> dict | None:
    """One taxonomy by its UUID, or None."""
    vocabulary = _vocabulary(db, uid)
    return None if vocabulary is None else hsds_rows.taxonomy(vocabulary)


def taxonomy_terms(
    db: sqlite_utils.Database, search: str, vocabulary_id: str, page: int, per_page: int
):
    """(total, page of taxonomy terms), of one taxonomy when its UUID is given."""
    parts, params = ["1"], {}
    if search:
        parts.append("(name LIKE :q OR code LIKE :q)")
        params["q"] = f"%{search}%"
    if vocabulary_id:
        parts.append("coalesce(vocabulary, '') = :vocab")
        params["vocab"] = _vocabulary(db, vocabulary_id)
    sql = f"SELECT * FROM taxonomy_term WHERE {' AND '.join(parts)} ORDER BY id"
    total, rows = _page(db, sql, params, page, per_page)
    return total, [hsds_rows.taxonomy_term(r) for r in rows]


def taxonomy_term(db: sqlite_utils.Database, uid: str) -> dict | None:
    """One taxonomy term by its UUID, or None."""
    key = lookup(db, "taxonomy_term", uid)
    return None if key is None else hsds_rows.taxonomy_term(db["taxonomy_term"].get(key))
