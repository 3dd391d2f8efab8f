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

from knowledge import hsds_rows
from knowledge.hsds_ids import RECORD_FIELDS, RECORDS, record_attribute, record_term

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
    ("phones.csv", "phone", ("id", "service_id", "number", "extension", "type", "description")),
    ("schedules.csv", "schedule", ("id", "service_id", "description")),
    ("service_areas.csv", "service_area", ("id", "service_id", "name", "description")),
    ("languages.csv", "language", ("id", "service_id", "name", "code")),
    ("taxonomies.csv", "taxonomy", ("id", "name", "description")),
    (
        "taxonomy_terms.csv",
        "taxonomy_term",
        ("id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id"),
    ),
    (
        "attributes.csv",
        "attribute",
        ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"),
    ),
)
NUMBERS = {"latitude", "longitude", "extension"}
URIS = {"url", "website"}

# Internal rows for a set of services (:ids, a JSON list) or, with no set, for everything.
SELECTED = {
    "service": "id IN (SELECT value FROM json_each(:ids))",
    "organization": "id IN (SELECT organization_id FROM service "
    "WHERE id IN (SELECT value FROM json_each(:ids)))",
    "service_at_location": "service_id IN (SELECT value FROM json_each(:ids))",
    "location": "id IN (SELECT location_id FROM service_at_location "
    "WHERE service_id IN (SELECT value FROM json_each(:ids)))",
    "attribute": "link_id IN (SELECT value FROM json_each(:ids))",
    "taxonomy_term": "id IN (SELECT taxonomy_term_id FROM attribute "
    "WHERE link_id IN (SELECT value FROM json_each(:ids)))",
}
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country")
PUBLIC_ADDRESS = (
    "SELECT a.* FROM address a JOIN location l ON l.id = a.location_id "
    "WHERE NOT coalesce(l.confidential, 0)"
)


def directory_rows(db: sqlite_utils.Database, service_ids: list[str] | None = None) -> dict:
    """Internal rows per table (all, or those of some services), without confidential places."""
    params = {"ids": json.dumps(service_ids or [])}
    out: dict[str, list[dict]] = {}
    for table in hsds_rows.BY_TABLE:
        if table == "address":
            continue
        where = ""
        if service_ids is not None:
            where = " WHERE " + SELECTED.get(
                table, "service_id IN (SELECT value FROM json_each(:ids))"
            )
        out[table] = list(db.query(f"SELECT * FROM [{table}]{where} ORDER BY id", params))
    # HSDS requires a street, town, state, postal code and country: a partial address (a
    # town only) is not exported as one, and travels in its location's record instead.
    locations = {loc["id"]: loc for loc in out["location"]}
    out["address"] = []
    for loc in out["location"]:
        loc["addresses"] = []
    for row in db.query(PUBLIC_ADDRESS + " ORDER BY a.id"):
        if row["location_id"] not in locations:
            continue
        if all(row.get(f) for f in ADDRESS_REQUIRED):
            out["address"].append(row)
        else:
            kept = {f: row.get(f) for f in ("id", *ADDRESS_REQUIRED)}
            locations[row["location_id"]]["addresses"].append(kept)
    for loc in out["location"]:
        if loc.get("confidential"):  # where a shelter is never leaves, not even in a record
            loc["latitude"] = loc["longitude"] = None
    return out


def _records(rows: dict[str, list[dict]]) -> list[dict]:
    return [record_attribute(table, r) for table in RECORD_FIELDS for r in rows[table]]


def tables(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """The directory's rows by 3.0 tabular file name, in 3.0 field names, with our records."""
    rows = directory_rows(db)
    out = {}
    for name, table, _columns in TABULAR:
        if table == "taxonomy":
            vocabularies = {t.get("vocabulary") or "" for t in rows["taxonomy_term"]}
            out[name] = [hsds_rows.taxonomy(v) for v in sorted(vocabularies | {RECORDS})]
        else:
            out[name] = [hsds_rows.BY_TABLE[table](r) for r in rows[table]]
    out["taxonomy_terms.csv"].append(record_term())
    out["attributes.csv"].extend(_records(rows))
    return {name: _by_id(found) for name, found in out.items()}


def _by_id(rows: list[dict]) -> list[dict]:
    """Rows in the order of their exported ids, which do not change with internal ids."""
    return sorted(rows, key=lambda r: r["id"])


def _with_record(table: str, row: dict, hsds: dict, records: bool = True) -> dict:
    return {**hsds, "attributes": [record_attribute(table, row)] if records else []}


def _nested_location(row: dict, addresses: list[dict], records: bool) -> dict:
    out = _with_record("location", row, hsds_rows.location(row), records)
    out["addresses"] = _by_id(
        [_with_record("address", a, hsds_rows.address(a), records) for a in addresses]
    )
    return out


def nest(rows: dict[str, list[dict]], records: bool = True) -> list[dict]:
    """Service objects, fully nested, from directory_rows (with our records, or without)."""
    by: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table in ("phone", "schedule", "service_area", "language", "service_at_location"):
        for row in rows[table]:
            by[table][row["service_id"]].append(row)
    for row in rows["attribute"]:
        by["attribute"][row["link_id"]].append(row)
    for row in rows["address"]:
        by["address"][row["location_id"]].append(row)
    orgs = {o["id"]: o for o in rows["organization"]}
    locations = {loc["id"]: loc for loc in rows["location"]}
    terms = {t["id"]: t for t in rows["taxonomy_term"]}
    out = []
    for row in rows["service"]:
        sid = row["id"]
        service = _with_record("service", row, hsds_rows.service(row), records)
        org = orgs.get(row["organization_id"])
        if org is not None:
            service["organization"] = _with_record(
                "organization", org, hsds_rows.organization(org), records
            )
        for table, key in (
            ("phone", "phones"),
            ("schedule", "schedules"),
            ("service_area", "service_areas"),
            ("language", "languages"),
        ):
            maker = hsds_rows.BY_TABLE[table]
            service[key] = _by_id(
                [_with_record(table, r, maker(r), records) for r in by[table][sid]]
            )
        places = []
        for sal in by["service_at_location"][sid]:
            place = _with_record(
                "service_at_location", sal, hsds_rows.service_at_location(sal), records
            )
            location = locations.get(sal["location_id"])
            if location is not None:
                place["location"] = _nested_location(
                    location, by["address"][location["id"]], records
                )
            places.append(place)
        service["service_at_locations"] = _by_id(places)
        for link in by["attribute"][sid]:
            attribute = hsds_rows.attribute(link)
            term = terms.get(link["taxonomy_term_id"])
            if term is not None:
                attribute["taxonomy_term"] = hsds_rows.taxonomy_term(term)
            service["attributes"].append(attribute)
        service["attributes"] = _by_id(service["attributes"])
        out.append(service)
    return _by_id(out)


def service_objects(db: sqlite_utils.Database, service_ids: list[str] | None = None) -> list[dict]:
    """Every service (or those named) as a fully nested 3.0 service object."""
    return nest(directory_rows(db, service_ids))


def export_json(db: sqlite_utils.Database) -> str:
    """The directory as a JSON list of HSDS 3.0 service objects."""
    return json.dumps(service_objects(db), indent=2, ensure_ascii=False)


def _field(column: str) -> dict:
    field = {"name": column, "type": "number" if column in NUMBERS else "string"}
    if column == "id" or column.endswith("_id"):
        field["format"] = "uuid"
    elif column in URIS:
        field["format"] = "uri"
    return field


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the same directory always gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_datapackage(db: sqlite_utils.Database, out: Path | BinaryIO) -> None:
    """An HSDS 3.0 tabular datapackage: a zip of datapackage.json and one CSV per table."""
    data = tables(db)
    resources = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, _table, columns in TABULAR:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
            writer.writeheader()
            writer.writerows(data[name])
            archive.writestr(_member(name), buffer.getvalue())
            resources.append(
                {
                    "name": name.removesuffix(".csv"),
                    "path": name,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "profile": "tabular-data-resource",
                    "schema": {"fields": [_field(c) for c in columns], "primaryKey": "id"},
                }
            )
        package = {
            "name": "resource-line",
            "profile": "tabular-data-package",
            "title": "Resource Line directory (Open Referral HSDS 3.0)",
            "resources": resources,
        }
        archive.writestr(_member("datapackage.json"), json.dumps(package, indent=2))
