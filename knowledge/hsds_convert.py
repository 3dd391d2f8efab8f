"""Turn HSDS rows into this knowledge base's rows, rejecting each bad row with its reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from knowledge import hsds_clean as clean
from knowledge.hsds_areas import area_rows, attribute_rows
from knowledge.hsds_contact import language_rows, phone_rows, schedule_rows
from knowledge.hsds_ids import CATEGORIES
from knowledge.hsds_mapping import Mapping
from knowledge.hsds_read import Tables, take_records
from knowledge.import_report import DANGLING, DUPLICATE, MISSING, ImportReport

ORDER = (
    "taxonomy_term",
    "organization",
    "service",
    "location",
    "address",
    "service_at_location",
    "phone",
    "schedule",
    "service_area",
    "language",
    "attribute",
    "eligibility",
)


class Converter:
    """One import's conversion: ids prefixed by the source, foreign keys checked in order."""

    def __init__(
        self, tables: Tables, source: str, report: ImportReport, mapping: Mapping, today: str
    ) -> None:
        self.tables, self.report, self.mapping = tables, report, mapping
        self.source, self.today = source, today
        self.slug = source.split(":", 1)[-1]
        self.out: dict[str, list[dict]] = {t: [] for t in ORDER if t != "eligibility"}
        self.kept: dict[str, dict[str, dict]] = defaultdict(dict)  # table -> raw id -> row
        self.service_of_sal: dict[str, str] = {}
        self.known_terms: set[str] = set()  # the bot's category ids imported rows may link to
        self.used_terms: set[str] = set()  # those the import links to
        self.existing_terms: set[str] = set()  # the bot's categories already in the database
        self.category_rows: dict[str, dict] = {}  # curated categories, by slug, with words
        # Our own export's records: raw id -> the row's slug and fields HSDS cannot hold.
        self.records = take_records(tables)
        self.changed = self._changes()

    def record(self, raw: object) -> dict | None:
        """Our record of the row with this raw id, when the file is our own export."""
        return self.records.get(str(raw).strip().lower())

    def key(self, raw: object) -> str:
        """The id a raw HSDS id gets here: its slug from our record, or one unique to the source."""
        found = self.record(raw)
        return found["id"] if found else f"{self.slug}/{raw}"

    def rows(self, table: str, need_id: bool = True) -> Iterator[tuple[str, str, dict]]:
        """(raw id, where to point in a report, row) for rows with a usable, unique id."""
        seen: set[str] = set()
        for row in self.tables.get(table, []):
            self.report.read[table] += 1
            rid = str(row.get("id") or "").strip()
            where = rid or str(row.get("_line") or "?")
            if need_id and not rid:
                self.report.reject(table, where, MISSING, "id is empty")
                continue
            if need_id and rid in seen:  # rows whose ids are not kept may repeat them
                self.report.reject(table, where, DUPLICATE, f"id {rid} appears more than once")
                continue
            seen.add(rid)
            yield rid, where, row

    def link(self, table: str, where: str, row: dict, field: str, target: str) -> str | None:
        """The raw id in row[field] if that row was kept in target; else reject and None."""
        raw = str(row.get(field) or "").strip()
        if not raw:
            self.report.reject(table, where, MISSING, f"{field} is empty")
        elif raw not in self.kept[target]:
            self.report.reject(table, where, DANGLING, f"{field} {raw} is not a kept {target}")
        else:
            return raw
        return None

    def emit(self, table: str, rid: str, row: dict) -> None:
        found = self.record(rid) if rid else None
        if found:  # the fields our own export carried back
            row.update({k: v for k, v in found.items() if k in row and k != "id"})
        self.kept[table][rid] = row
        self.out[table].append(row)
        self.report.imported[table] += 1

    def curated(self, rid: object = "", *dates: object) -> dict:
        """The source, and the day the file says the row was last checked: the first of
        dates that is a real day, else the row's newest change in the file's metadata, else
        None (not verified: the Not verified page lists it)."""
        return {"source": self.source, "last_verified": self.verified(rid, *dates)}

    def verified(self, rid: object, *dates: object) -> str | None:
        for value in (*dates, self.changed.get(str(rid or "").strip())):
            day = clean.day(value, self.today)
            if day:
                return day
        return None

    def _changes(self) -> dict[str, str]:
        """The newest last_action_date of each record in the file's metadata, by its id."""
        newest: dict[str, str] = {}
        for row in self.tables.get("metadata", []):
            rid = str(row.get("resource_id") or "").strip()
            day = clean.day(row.get("last_action_date"), self.today)
            if rid and day and day > newest.get(rid, ""):
                newest[rid] = day
        return newest

    def url(self, table: str, where: str, raw: object) -> str:
        try:
            return clean.url(raw)
        except clean.FieldError as exc:
            self.report.warn(table, where, "url dropped", exc.args[1])
            return ""

    def run(self) -> dict[str, list[dict]]:
        """Every table, in foreign-key order."""
        for table in ORDER:
            getattr(self, "_" + table)()
        return self.out

    def _taxonomy_term(self) -> None:
        for rid, where, row in self.rows("taxonomy_term"):
            if not str(row.get("name") or "").strip():
                self.report.reject("taxonomy_term", where, MISSING, "name is empty")
                continue
            if str(row.get("vocabulary") or "").strip() == CATEGORIES:
                self._category(rid, row)
                continue
            parent = str(row.get("parent_id") or "").strip()
            self.emit(
                "taxonomy_term",
                rid,
                {
                    "id": self.key(rid),
                    "name": clean.text(row["name"]),
                    "name_es": "",
                    "words_en": "[]",
                    "words_es": "[]",
                    "code": str(row.get("code") or "").strip(),
                    "vocabulary": str(row.get("vocabulary") or "").strip() or "hsds",
                    "parent_id": self.key(parent) if parent else "",
                    **self.curated(rid),
                },
            )

    def _category(self, rid: str, row: dict) -> None:
        """One of the bot's own categories, from our own export: known again by its slug.

        Its words are bot content, not HSDS: they come from the curated files when the
        database does not have the category already.
        """
        slug = str(row.get("code") or "").strip()
        if not slug:
            self.report.reject("taxonomy_term", rid, MISSING, "code is empty")
            return
        if slug in self.existing_terms:
            self.kept["taxonomy_term"][rid] = {"id": slug, "code": slug, "name": row["name"]}
            return
        blank = {"name": clean.text(row["name"]), "name_es": "", "words_en": "[]", "words_es": "[]"}
        found = self.category_rows.get(slug) or {**blank, **self.curated(rid)}
        columns = {"code": None, "vocabulary": None, "parent_id": None}
        self.emit("taxonomy_term", rid, {**columns, **found, "id": slug})
        self.existing_terms.add(slug)

    def _organization(self) -> None:
        for rid, where, row in self.rows("organization"):
            if not str(row.get("name") or "").strip():
                self.report.reject("organization", where, MISSING, "name is empty")
                continue
            self.emit(
                "organization",
                rid,
                {
                    "id": self.key(rid),
                    "name": clean.text(row["name"]),
                    "description": clean.text(row.get("description")),
                    "url": self.url("organization", where, row.get("url")),
                    **self.curated(rid, row.get("assured_date")),
                },
            )

    def _service(self) -> None:
        for rid, where, row in self.rows("service"):
            if not str(row.get("name") or "").strip():
                self.report.reject("service", where, MISSING, "name is empty")
                continue
            org = self.link("service", where, row, "organization_id", "organization")
            if org is None:
                continue
            self.emit(
                "service",
                rid,
                {
                    "id": self.key(rid),
                    "organization_id": self.key(org),
                    "name": clean.text(row["name"]),
                    "kind": "program",
                    "description": clean.text(row.get("description")),
                    "description_es": "",
                    "url": self.url("service", where, row.get("url")),
                    "status": str(row.get("status") or "").strip().lower() or "active",
                    **self.curated(rid, row.get("assured_date"), row.get("last_modified")),
                },
            )

    def _first_address(self) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for row in self.tables.get("address", []):
            found.setdefault(str(row.get("location_id") or "").strip(), row)
        return found

    def _location(self) -> None:
        services_at: dict[str, str] = {}
        for row in self.tables.get("service_at_location", []):
            sid = str(row.get("service_id") or "").strip()
            if sid in self.kept["service"]:
                services_at.setdefault(str(row.get("location_id") or "").strip(), sid)
        addresses = self._first_address()
        for rid, where, row in self.rows("location"):
            org = str(row.get("organization_id") or "").strip()
            if org not in self.kept["organization"]:
                # 211 exports name organisations they do not include: use the service's.
                service = self.kept["service"].get(services_at.get(rid, ""))
                if service is None:
                    kind, detail = (DANGLING, f"organization_id {org} is not a kept organization")
                    if not org:
                        kind, detail = MISSING, "organization_id is empty and no service is here"
                    self.report.reject("location", where, kind, detail)
                    continue
                org = service["organization_id"].split("/", 1)[1]
            lat = clean.number(row.get("latitude"), -90, 90)
            lon = clean.number(row.get("longitude"), -180, 180)
            address = addresses.get(rid, {})
            if lat is None or lon is None:
                found = clean.by_postal_code(address.get("postal_code", "")) or clean.by_town(
                    str(address.get("city") or ""), _state(address.get("state_province"))
                )
                lat, lon = (float(found["lat"]), float(found["long"])) if found else (None, None)
            self.emit(
                "location",
                rid,
                {
                    "id": self.key(rid),
                    "organization_id": self.key(org),
                    "name": clean.text(row.get("name")),
                    "location_type": str(row.get("location_type") or "").strip() or "physical",
                    "confidential": 0,
                    "latitude": lat,
                    "longitude": lon,
                    **self.curated(rid),
                },
            )

    def _address(self) -> None:
        for rid, where, row in self.rows("address", need_id=False):
            loc = self.link("address", where, row, "location_id", "location")
            if loc is None:
                continue
            state = _state(row.get("state_province"))
            postal = str(row.get("postal_code") or "").strip()
            country = str(row.get("country") or "").strip().upper()
            if not country and (clean.by_postal_code(postal) or len(state) == 2):
                country = "US"  # 211 exports leave country blank
            self.emit(
                "address",
                rid or where,
                {
                    "id": self.key(rid) if rid else self.key(f"{loc}/address"),
                    "location_id": self.key(loc),
                    "address_1": clean.text(row.get("address_1")),
                    "city": str(row.get("city") or "").strip(),
                    "state_province": state,
                    "postal_code": postal,
                    "country": country,
                },
            )
        for rid in self.kept["location"]:  # partial addresses our export kept in the record
            for address in (self.record(rid) or {}).get("addresses") or []:
                self.emit("address", "", {**address, "location_id": self.key(rid)})

    def _service_at_location(self) -> None:
        for rid, where, row in self.rows("service_at_location"):
            service = self.link("service_at_location", where, row, "service_id", "service")
            if service is None:
                continue
            loc = self.link("service_at_location", where, row, "location_id", "location")
            if loc is None:
                continue
            self.service_of_sal[rid] = service
            self.emit(
                "service_at_location",
                rid,
                {
                    "id": self.key(rid),
                    "service_id": self.key(service),
                    "location_id": self.key(loc),
                },
            )

    def service_for(self, table: str, where: str, row: dict) -> str | None:
        """The row's service, directly or through its service_at_location."""
        sal = str(row.get("service_at_location_id") or "").strip()
        if not str(row.get("service_id") or "").strip() and sal in self.service_of_sal:
            return self.service_of_sal[sal]
        return self.link(table, where, row, "service_id", "service")

    def _phone(self) -> None:
        phone_rows(self)

    def _schedule(self) -> None:
        schedule_rows(self)

    def _language(self) -> None:
        language_rows(self)

    def _service_area(self) -> None:
        area_rows(self)

    def _attribute(self) -> None:
        attribute_rows(self)

    def _eligibility(self) -> None:
        # Not stored (the bot does not use eligibility), but checked so its defects show.
        for _rid, where, row in self.rows("eligibility", need_id=False):
            self.link("eligibility", where, row, "service_id", "service")


def _state(raw: object) -> str:
    """A state code without the stray spaces 211 exports leave ("FL " -> "FL")."""
    return str(raw or "").strip().upper()
