"""One internal row as an HSDS 3.0 row: UUID ids, 3.0 field names, no nulls, no empty optionals."""

from __future__ import annotations

import json
from functools import lru_cache

from knowledge import hsds_clean, hsds_mapping
from knowledge.hsds_ids import hsds_id, taxonomy_id, taxonomy_name

STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
PHONE_TYPES = {"sms": "text"}  # HSDS calls a text line "text"; ours says "sms"


def _optional(out: dict, **fields: object) -> dict:
    """out with each field added only when it has a value (HSDS: leave it out, never null)."""
    out.update({k: v for k, v in fields.items() if v not in (None, "")})
    return out


def _web(value: object) -> str:
    """A valid http(s) URI for a stored address, or '' (left out) when it is not one."""
    try:
        return hsds_clean.url(value)
    except hsds_clean.FieldError:
        return ""


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for name, code in hsds_mapping.load().languages.items():
        names.setdefault(code, name.title())
    return names


def organization(row: dict) -> dict:
    """An organization row; description is required, so an empty one stays as ''."""
    out = {
        "id": hsds_id("organization", row["id"]),
        "name": row["name"] or "",
        # Required and never blank in a datapackage: the name stands in for a missing one.
        "description": row.get("description") or row["name"] or "",
    }
    return _optional(out, website=_web(row.get("url")))


def service(row: dict) -> dict:
    """A service row; a status HSDS does not know is exported as inactive."""
    status = (row.get("status") or "").lower()
    out = {"id": hsds_id("service", row["id"])}
    if row.get("organization_id"):
        out["organization_id"] = hsds_id("organization", row["organization_id"])
    out.update({"name": row["name"] or "", "status": status if status in STATUSES else "inactive"})
    return _optional(
        out,
        description=row.get("description"),
        url=_web(row.get("url")),
        assured_date=row.get("last_verified"),
    )


def location(row: dict) -> dict:
    """A location row; a confidential location never shows where it is."""
    kind = row.get("location_type") or "physical"
    out = {
        "id": hsds_id("location", row["id"]),
        "location_type": kind if kind in LOCATION_TYPES else "physical",
    }
    if row.get("organization_id"):
        out["organization_id"] = hsds_id("organization", row["organization_id"])
    _optional(out, name=row.get("name"))
    if not row.get("confidential"):
        _optional(out, latitude=row.get("latitude"), longitude=row.get("longitude"))
    return out


def address(row: dict) -> dict:
    """An address row: every field HSDS requires, as '' when we do not know it."""
    return {
        "id": hsds_id("address", row["id"]),
        "location_id": hsds_id("location", row["location_id"]),
        "address_1": row.get("address_1") or "",
        "city": row.get("city") or "",
        "state_province": row.get("state_province") or "",
        "postal_code": row.get("postal_code") or "",
        "country": row.get("country") or "",
        "address_type": "physical",
    }


def service_at_location(row: dict) -> dict:
    """A service_at_location row."""
    return {
        "id": hsds_id("service_at_location", row["id"]),
        "service_id": hsds_id("service", row["service_id"]),
        "location_id": hsds_id("location", row["location_id"]),
    }


def phone(row: dict) -> dict:
    """A phone row, with our 'sms' type as HSDS's 'text'."""
    out = {
        "id": hsds_id("phone", row["id"]),
        "service_id": hsds_id("service", row["service_id"]),
        "number": row["number"] or "",
    }
    kind = row.get("type") or ""
    extension = str(row.get("extension") or "")
    return _optional(
        out,
        extension=int(extension) if extension.isdigit() else None,  # HSDS: a number
        type=PHONE_TYPES.get(kind, kind),
        description=row.get("description"),
    )


def schedule(row: dict) -> dict:
    """A schedule row: the opening hours as written."""
    out = {
        "id": hsds_id("schedule", row["id"]),
        "service_id": hsds_id("service", row["service_id"]),
    }
    return _optional(out, description=row.get("description"))


def service_area(row: dict) -> dict:
    """A service area, named for its place; counties are listed in the description."""
    counties = json.loads(row.get("extent") or "[]")
    scope = row.get("scope") or "national"
    place = (
        ", ".join(counties) or row.get("state") or ("United States" if scope == "national" else "")
    )
    out = {
        "id": hsds_id("service_area", row["id"]),
        "service_id": hsds_id("service", row["service_id"]),
    }
    return _optional(
        out, name=row.get("name") or place, description=f"{scope}: {place}".strip(": ")
    )


def language(row: dict) -> dict:
    """A language row: the ISO 639-1 code and the language's English name."""
    code = row.get("code") or ""
    out = {
        "id": hsds_id("language", row["id"]),
        "service_id": hsds_id("service", row["service_id"]),
    }
    return _optional(out, name=_language_names().get(code, code), code=code)


def taxonomy_term(row: dict) -> dict:
    """A taxonomy term; the bot's own categories keep their slug as the code."""
    vocabulary = row.get("vocabulary") or ""
    out = {
        "id": hsds_id("taxonomy_term", row["id"]),
        "code": row.get("code") or row["id"],
        "name": row["name"] or "",
        "description": row.get("name") or "",
        "taxonomy": taxonomy_name(vocabulary),
        "taxonomy_id": taxonomy_id(vocabulary),
    }
    if row.get("parent_id"):
        out["parent_id"] = hsds_id("taxonomy_term", row["parent_id"])
    return out


def attribute(row: dict) -> dict:
    """A link from a service to a taxonomy term."""
    kind = row.get("link_type") or "service"
    return {
        "id": hsds_id("attribute", row["id"]),
        "link_id": hsds_id(kind, row["link_id"]),
        "link_type": kind,
        "link_entity": kind,
        "taxonomy_term_id": hsds_id("taxonomy_term", row["taxonomy_term_id"]),
    }


def taxonomy(vocabulary: str) -> dict:
    """A taxonomy, by the vocabulary name its terms carry here."""
    name = taxonomy_name(vocabulary)
    about = (
        "Service categories the Resource Line bot uses."
        if not vocabulary
        else f"Terms from {name}."
    )
    return {"id": taxonomy_id(vocabulary), "name": name, "description": about}


BY_TABLE = {
    "organization": organization,
    "service": service,
    "location": location,
    "address": address,
    "service_at_location": service_at_location,
    "phone": phone,
    "schedule": schedule,
    "service_area": service_area,
    "language": language,
    "taxonomy_term": taxonomy_term,
    "attribute": attribute,
}
