"""The directory as Open Referral HSDS 3.0: nested JSON services, or a tabular datapackage."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

import sqlite_utils

# 3.0 tabular files: (file name, table here, columns written).
TABULAR = (
    ("organizations.csv", "organization", ("id", "name", "description", "website")),
    (
        "services.csv",
        "service",
        ("id", "organization_id", "name", "description", "url", "status", "assured_date"),
    ),
    (
        "locations.csv",
        "location",
        ("id", "location_type", "organization_id", "name", "latitude", "longitude"),
    ),
    (
        "addresses.csv",
        "address",
        (
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    ),
    ("service_at_location.csv", "service_at_location", ("id", "service_id", "location_id")),
    ("phones.csv", "phone", ("id", "service_id", "number", "type", "description")),
    ("schedules.csv", "schedule", ("id", "service_id", "description")),
    (
        "service_areas.csv",
        "service_area",
        ("id", "service_id", "name", "description", "extent", "extent_type"),
    ),
    ("languages.csv", "language", ("id", "service_id", "name", "code")),
    ("taxonomy_terms.csv", "taxonomy_term", ("id", "code", "name", "parent_id", "taxonomy")),
    ("attributes.csv", "attribute", ("id", "link_id", "link_type", "taxonomy_term_id")),
)


def _rows(db: sqlite_utils.Database, table: str) -> list[dict]:
    return list(db.query(f"SELECT * FROM [{table}] ORDER BY id"))


def _public_addresses(db: sqlite_utils.Database) -> list[dict]:
    """Addresses, without those of confidential locations (shelters stay unlisted)."""
    return list(
        db.query(
            "SELECT a.* FROM address a JOIN location l ON l.id = a.location_id "
            "WHERE NOT coalesce(l.confidential, 0) ORDER BY a.id"
        )
    )


def _hsds(table: str, row: dict) -> dict:
    """A row in 3.0's field names."""
    out = {k: v for k, v in row.items() if k not in ("source", "last_verified")}
    if table == "organization":
        out["website"] = out.pop("url", "") or ""
    elif table == "service":
        out["assured_date"] = row.get("last_verified") or ""
        out.pop("kind", None)
        out.pop("description_es", None)
    elif table == "location":
        out.pop("confidential", None)
    elif table == "address":
        out["address_type"] = "physical"
    elif table == "service_area":
        extent = json.loads(row.get("extent") or "[]")
        place = ", ".join(extent) or row.get("state") or row.get("scope") or ""
        out = {
            "id": row["id"],
            "service_id": row["service_id"],
            "name": row.get("name") or place,
            "description": f"{row.get('scope') or 'national'}: {place}",
            "extent": ", ".join(extent),
            "extent_type": "",
        }
    elif table == "language":
        out["name"] = out.get("code", "")
    elif table == "taxonomy_term":
        out = {
            "id": row["id"],
            "code": row.get("code") or row["id"],
            "name": row["name"],
            "parent_id": row.get("parent_id") or "",
            "taxonomy": row.get("vocabulary") or "resource-line",
        }
    return out


def tables(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """The directory's rows by 3.0 tabular file name, in 3.0 field names."""
    out = {}
    for name, table, _columns in TABULAR:
        rows = _public_addresses(db) if table == "address" else _rows(db, table)
        out[name] = [_hsds(table, r) for r in rows]
    return out


def service_objects(db: sqlite_utils.Database) -> list[dict]:
    """Every service as a 3.0 service object with its organisation, phones, places, terms."""
    t = tables(db)
    by = defaultdict(lambda: defaultdict(list))
    for name, key in (
        ("phones.csv", "service_id"),
        ("schedules.csv", "service_id"),
        ("service_areas.csv", "service_id"),
        ("languages.csv", "service_id"),
        ("service_at_location.csv", "service_id"),
        ("attributes.csv", "link_id"),
        ("addresses.csv", "location_id"),
    ):
        for row in t[name]:
            by[name][row[key]].append(row)
    orgs = {o["id"]: o for o in t["organizations.csv"]}
    locations = {loc["id"]: loc for loc in t["locations.csv"]}
    terms = {term["id"]: term for term in t["taxonomy_terms.csv"]}
    out = []
    for service in t["services.csv"]:
        sid = service["id"]
        places = []
        for sal in by["service_at_location.csv"][sid]:
            location = dict(locations.get(sal["location_id"], {"id": sal["location_id"]}))
            location["addresses"] = by["addresses.csv"][sal["location_id"]]
            places.append({"id": sal["id"], "location": location})
        out.append(
            {
                **service,
                "organization": orgs.get(service["organization_id"]),
                "phones": by["phones.csv"][sid],
                "schedules": by["schedules.csv"][sid],
                "service_areas": by["service_areas.csv"][sid],
                "languages": by["languages.csv"][sid],
                "service_at_locations": places,
                "attributes": [
                    {
                        "id": a["id"],
                        "link_type": a["link_type"],
                        "taxonomy_term": terms.get(a["taxonomy_term_id"]),
                    }
                    for a in by["attributes.csv"][sid]
                ],
            }
        )
    return out


def export_json(db: sqlite_utils.Database) -> str:
    """The directory as a JSON list of HSDS 3.0 service objects."""
    return json.dumps(service_objects(db), indent=2, ensure_ascii=False)


def write_datapackage(db: sqlite_utils.Database, out: Path | BinaryIO) -> None:
    """An HSDS 3.0 tabular datapackage: a zip of datapackage.json and one CSV per table."""
    data = tables(db)
    resources = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, _table, columns in TABULAR:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data[name])
            archive.writestr(name, buffer.getvalue())
            resources.append(
                {
                    "name": name.removesuffix(".csv"),
                    "path": name,
                    "format": "csv",
                    "schema": {"fields": [{"name": c, "type": "string"} for c in columns]},
                }
            )
        package = {
            "name": "resource-line",
            "profile": "tabular-data-package",
            "title": "Resource Line directory (Open Referral HSDS 3.0)",
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
