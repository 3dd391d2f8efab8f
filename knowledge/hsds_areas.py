"""Imported service areas and taxonomy links, including the bot's own categories."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import TYPE_CHECKING

from knowledge import hsds_clean as clean

if TYPE_CHECKING:
    from knowledge.hsds_convert import Converter

NATIONAL = {"national", "nationwide", "united states", "usa", "us"}


def _places(conv: Converter) -> dict[str, dict]:
    """Each kept service's address (city, state, county), from its first location."""
    addresses = {a["location_id"]: a for a in conv.out["address"]}
    places: dict[str, dict] = {}
    for sal in conv.out["service_at_location"]:
        address = addresses.get(sal["location_id"])
        if address is None or sal["service_id"] in places:
            continue
        found = clean.by_postal_code(address["postal_code"]) or clean.by_town(
            address["city"], address["state_province"]
        )
        places[sal["service_id"]] = {
            "city": address["city"],
            "state": address["state_province"] or (found or {}).get("state", ""),
            "county": (found or {}).get("county", ""),
        }
    return places


def interpret(text: str, place: dict, states: dict[str, str]) -> dict | None:
    """scope, state and counties for an area's name ("Miami-Dade County", "Florida")."""
    words = " ".join(re.findall(r"[a-z]+", text.lower()))
    if words in NATIONAL:
        return {"scope": "national", "state": "", "extent": []}
    if words in states or text.strip().upper() in states.values():
        return {"scope": "state", "state": states.get(words, text.strip().upper()), "extent": []}
    county = re.search(r"([A-Za-z][A-Za-z .'-]*?)\s+county\b", text, re.I)
    if county:
        name = county.group(1).strip().title() + " County"
        return {"scope": "county", "state": place.get("state", ""), "extent": [name]}
    return None


def derived(place: dict) -> dict:
    """The area of a service that names none: its county, or else its town."""
    if place.get("county"):
        return {"scope": "county", "state": place["state"], "extent": [place["county"]]}
    return {"scope": "city", "state": place.get("state", ""), "extent": []}


def area_rows(conv: Converter) -> None:
    """service_area rows: the file's own where they can be read, derived ones otherwise."""
    places = _places(conv)
    covered: set[str] = set()
    for rid, where, row in conv.rows("service_area"):
        service = conv.service_for("service_area", where, row)
        if service is None:
            continue
        place = places.get(conv.key(service), {})
        name = str(row.get("name") or "")
        area = interpret(name, place, conv.mapping.states) or interpret(
            str(row.get("description") or ""), place, conv.mapping.states
        )
        if area is None:
            conv.report.warn("service_area", where, "area not understood", name[:80])
            area = derived(place)
        covered.add(service)
        conv.emit("service_area", rid, _row(conv.key(rid), conv.key(service), name, area))
    for service in conv.kept["service"]:
        if service not in covered:
            place = places.get(conv.key(service), {})
            area = derived(place)
            name = (area["extent"] or [place.get("city", "")])[0]
            key = conv.key(f"{service}/area")
            conv.out["service_area"].append(_row(key, conv.key(service), name, area))


def _row(key: str, service_key: str, name: str, area: dict) -> dict:
    return {
        "id": key,
        "service_id": service_key,
        "name": clean.text(name),
        "scope": area["scope"],
        "state": area["state"],
        "extent": json.dumps(area["extent"]),
    }


def attribute_rows(conv: Converter) -> None:
    """The file's taxonomy links, then a link to each bot category those terms map to."""
    categories: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    for rid, where, row in conv.rows("attribute", need_id=False):
        service = conv.link("attribute", where, row, "link_id", "service")
        if service is None:
            continue
        term = conv.link("attribute", where, row, "taxonomy_term_id", "taxonomy_term")
        if term is None or (service, term) in seen:
            continue
        seen.add((service, term))
        found = conv.kept["taxonomy_term"][term]
        conv.emit(
            "attribute",
            rid or where,
            {
                "id": conv.key(rid) if rid else conv.key(f"{service}/attr/{term}"),
                "link_id": conv.key(service),
                "link_type": "service",
                "taxonomy_term_id": found["id"],
            },
        )
        if not conv.records:  # our own export lists its categories itself
            categories[service] |= conv.mapping.bot_terms(found["code"], found["name"])
    for service, ids in categories.items():
        for term in sorted(ids & conv.known_terms):
            conv.used_terms.add(term)
            conv.out["attribute"].append(
                {
                    "id": conv.key(f"{service}/category/{term}"),
                    "link_id": conv.key(service),
                    "link_type": "service",
                    "taxonomy_term_id": term,
                }
            )
