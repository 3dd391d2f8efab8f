"""Read Open Referral HSDS files (1.1/2.x/3.0 tabular, 3.0 JSON) into rows per table."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from knowledge import archive
from knowledge.hsds_ids import RECORD_TERM_ID, is_record, read_record

# CSV file stems of HSDS 1.1, 2.x and 3.0, by the table they fill here.
FILES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "physical_addresses": "address",
    "addresses": "address",
    "services_at_location": "service_at_location",
    "service_at_location": "service_at_location",
    "phones": "phone",
    "regular_schedules": "schedule",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "taxonomy": "taxonomy_term",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "services_taxonomy": "service_taxonomy",
    "attributes": "attribute",
    "eligibility": "eligibility",
    "metadata": "metadata",  # HSDS 3.0's change log: when each record was last changed
}
Tables = dict[str, list[dict]]
MAX_DESCRIPTOR = 10 * 1024 * 1024  # datapackage.json describes files; it is never this big


class HsdsReadError(ValueError):
    """The file is not HSDS data this importer can read."""


def canonical(table: str, row: dict) -> tuple[str, dict]:
    """The same fields whatever the HSDS version wrote (website/url, language/name, ...)."""
    row = {k.strip(): v for k, v in row.items() if k}
    if table == "organization":
        row["url"] = row.get("url") or row.get("website") or ""
    elif table == "language":
        row["name"] = row.get("name") or row.get("language") or ""
    elif table == "schedule":
        row["description"] = row.get("description") or row.get("original_text") or ""
    elif table == "service_area":
        row["name"] = row.get("name") or row.get("service_area") or ""
    elif table == "taxonomy_term":
        row["code"] = row.get("code") or row.get("id") or ""
        row["vocabulary"] = row.get("vocabulary") or row.get("taxonomy") or ""
    elif table == "service_taxonomy":
        table = "attribute"
        row = {
            "id": row.get("id"),
            "link_id": row.get("service_id"),
            "link_type": "service",
            "taxonomy_term_id": row.get("taxonomy_id"),
            "_line": row.get("_line"),
        }
    return table, row


def _read_csv(rows: Iterator[dict], table: str, tables: Tables) -> None:
    for number, row in enumerate(rows, start=2):
        name, clean = canonical(table, {**row, "_line": f"line {number}"})
        tables[name].append(clean)


def _tabular(names: list[str], opener: Callable[[str], IO[bytes]], notes: list[str]) -> Tables:
    """Rows from CSV files named as HSDS names them (wherever they sit in the package)."""
    tables: Tables = defaultdict(list)
    for path in sorted(names):
        stem = PurePosixPath(path).stem
        if not path.lower().endswith(".csv"):
            continue
        if stem not in FILES:
            notes.append(f"{PurePosixPath(path).name} is not used by the bot and was skipped")
            continue
        with opener(path) as stream:
            _read_csv(archive.csv_rows(stream, PurePosixPath(path).name), FILES[stem], tables)
    return tables


def _listed_missing(names: list[str], opener: Callable[[str], IO[bytes]], notes: list[str]) -> str:
    """The package's name; notes the resources datapackage.json lists but the zip lacks."""
    meta = next((p for p in names if PurePosixPath(p).name == "datapackage.json"), None)
    if meta is None:
        return ""
    try:
        with opener(meta) as stream:
            package = json.loads(stream.read(MAX_DESCRIPTOR).decode("utf-8-sig"))
    except (ValueError, RecursionError):
        notes.append("datapackage.json is not JSON that can be read and was ignored")
        return ""
    if not isinstance(package, dict):
        return ""
    resources = package.get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        notes.append("datapackage.json's resources is not a list of objects and was ignored")
        resources = []
    present = {PurePosixPath(p).name for p in names}
    for resource in resources:
        listed = PurePosixPath(str(resource.get("path", ""))).name
        if listed and listed not in present:
            notes.append(f"datapackage.json lists {listed}, which the package does not hold")
    return str(package.get("name") or "")


def read_datapackage(path: Path, notes: list[str]) -> tuple[Tables, str]:
    """A tabular data package: a zip or a folder with datapackage.json and CSV files."""
    if path.is_dir():
        names = [str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()]
        return _package(path.name, names, lambda n: (path / n).open("rb"), notes)
    try:
        with archive.open_zip(path) as package:
            names = [i.filename for i in package.infolist() if not i.is_dir()]
            return _package(path.name, names, package.open, notes)
    except archive.ArchiveRefused as exc:
        raise HsdsReadError(str(exc)) from exc


def _package(
    label: str, names: list[str], opener: Callable[[str], IO[bytes]], notes: list[str]
) -> tuple[Tables, str]:
    name = _listed_missing(names, opener, notes)
    tables = _tabular(names, opener, notes)
    if not tables:
        raise HsdsReadError(f"{label} holds no HSDS CSV files (organizations.csv, ...)")
    return tables, name


def _objects(value: object, table: str) -> list[dict]:
    """A list of JSON objects, or a sentence saying it is not one."""
    items = value or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise HsdsReadError(f"the {table} entries must be a list of JSON objects")
    return items


class _Flattener:
    """Walks nested HSDS 3.0 objects into rows per table, each object once."""

    def __init__(self) -> None:
        self.tables: Tables = defaultdict(list)
        self.seen: set[tuple[str, str]] = set()

    def add(self, table: str, obj: dict, **links: object) -> str:
        if not isinstance(obj, dict):
            raise HsdsReadError(f"an entry in a {table} list is not a JSON object")
        row = {k: v for k, v in obj.items() if not isinstance(v, (dict, list))}
        row.update({k: v for k, v in links.items() if v is not None})
        key = str(row.get("id") or "")
        if key and (table, key) in self.seen:
            return key  # the same object repeated elsewhere in a nested document
        self.seen.add((table, key))
        table, row = canonical(table, row)
        self.tables[table].append(row)
        for change in obj.get("metadata") or []:  # HSDS 3.0 nests each record's change log
            if isinstance(change, dict):
                flat = {k: v for k, v in change.items() if not isinstance(v, (dict, list))}
                self.tables["metadata"].append(
                    {**flat, "resource_id": flat.get("resource_id") or key}
                )
        for attribute in obj.get("attributes") or []:
            if isinstance(attribute, dict) and is_record(attribute):
                self.tables["attribute"].append(
                    {**attribute, "link_id": key, "taxonomy_term_id": RECORD_TERM_ID}
                )
        return key

    def organization(self, obj: dict) -> str:
        oid = self.add("organization", obj)
        for service in _objects(obj.get("services"), "service"):
            self.service(service, oid)
        for location in _objects(obj.get("locations"), "location"):
            self.location(location, oid)
        return oid

    def service(self, obj: dict, organization_id: str | None = None) -> str:
        org = obj.get("organization")
        if isinstance(org, dict):
            organization_id = self.organization(org)
        sid = self.add(
            "service", obj, organization_id=obj.get("organization_id") or organization_id
        )
        for table, key in (("phone", "phones"), ("schedule", "schedules")):
            for item in _objects(obj.get(key), table):
                self.add(table, item, service_id=sid)
        for table, key in (("service_area", "service_areas"), ("language", "languages")):
            for item in _objects(obj.get(key), table):
                self.add(table, item, service_id=sid)
        for sal in _objects(obj.get("service_at_locations"), "service_at_location"):
            self.service_at_location(sal, sid)
        for attribute in _objects(obj.get("attributes"), "attribute"):
            if is_record(attribute):
                continue  # added with the service itself
            term = attribute.get("taxonomy_term")
            term_id = self.add("taxonomy_term", term) if isinstance(term, dict) else None
            self.add(
                "attribute",
                attribute,
                link_id=sid,
                link_type="service",
                taxonomy_term_id=attribute.get("taxonomy_term_id") or term_id,
            )
        return sid

    def location(self, obj: dict, organization_id: str | None = None) -> str:
        lid = self.add(
            "location", obj, organization_id=obj.get("organization_id") or organization_id
        )
        for address in _objects(obj.get("addresses"), "address"):
            self.add("address", address, location_id=lid)
        return lid

    def service_at_location(self, obj: dict, service_id: str | None = None) -> None:
        if isinstance(obj.get("service"), dict):
            service_id = self.service(obj["service"])
        location = obj.get("location")
        lid = self.location(location) if isinstance(location, dict) else obj.get("location_id")
        self.add("service_at_location", obj, service_id=service_id, location_id=lid)
        for table, key in (("phone", "phones"), ("schedule", "schedules")):
            for item in _objects(obj.get(key), table):
                self.add(table, item, service_id=service_id)

    def any(self, obj: object) -> None:
        """Dispatch one top-level value by its shape."""
        if isinstance(obj, list):
            for item in obj:
                self.any(item)
        elif not isinstance(obj, dict):
            raise HsdsReadError("expected HSDS objects (JSON objects or lists of them)")
        elif isinstance(obj.get("contents"), list):
            self.any(obj["contents"])
        elif "service" in obj and ("location" in obj or "location_id" in obj):
            self.service_at_location(obj)
        elif any(k in obj for k in ("services", "website", "locations", "legal_status")):
            self.organization(obj)
        elif any(k in obj for k in ("location_type", "addresses", "latitude")):
            self.location(obj)
        elif "term_uri" in obj or ("code" in obj and "taxonomy" in obj):
            self.add("taxonomy_term", obj)
        elif "name" in obj and any(k in obj for k in ("status", "organization", "phones")):
            self.service(obj)


def read_json(path: Path, notes: list[str]) -> Tables:
    """HSDS 3.0 JSON: one object, a list, an API page ({"contents": [...]}) or tabular JSON."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    flat = _Flattener()
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise HsdsReadError(f"{file.name} is not JSON: {exc}") from exc
        except RecursionError as exc:
            raise HsdsReadError(f"{file.name} is nested too deeply to read") from exc
        if isinstance(doc, dict) and any(str(k).endswith(".csv") for k in doc):
            for name, rows in doc.items():  # tabular.json: {"services.csv": [rows], ...}
                stem = PurePosixPath(str(name)).stem
                for row in rows if stem in FILES and isinstance(rows, list) else []:
                    if not isinstance(row, dict):
                        raise HsdsReadError(f"a row of {name} is not a JSON object")
                    table, clean = canonical(FILES[stem], {**row})
                    flat.tables[table].append(clean)
            continue
        before = sum(len(r) for r in flat.tables.values())
        flat.any(doc)
        if sum(len(r) for r in flat.tables.values()) == before:
            notes.append(f"{file.name} holds no services, organizations or locations")
    return flat.tables


def take_records(tables: Tables) -> dict[str, dict]:
    """Our own records (see hsds_ids), by the id of the row each describes, out of tables.

    The record attributes and their term are removed: they are not categories.
    """
    records: dict[str, dict] = {}
    kept = []
    for row in tables.get("attribute", []):
        if not is_record(row):
            kept.append(row)
            continue
        found = read_record(row.get("value"))
        if found is not None:
            records[str(row.get("link_id") or "").strip().lower()] = found
    if "attribute" in tables:
        tables["attribute"] = kept
    terms = tables.get("taxonomy_term", [])
    tables["taxonomy_term"] = [t for t in terms if str(t.get("id")).lower() != RECORD_TERM_ID]
    tables.pop("taxonomy", None)  # taxonomies are named on their terms as well
    return records
