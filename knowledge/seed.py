"""Load the curated YAML files under knowledge/data into the database, in one transaction."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import phonenumbers
import sqlite_utils
import yaml
import zipcodes

from knowledge import partners, phone_rules

DATA = Path(__file__).parent / "data"
# Child tables first, so deleting in this order never trips a foreign key.
DIRECTORY_TABLES = (
    "attribute",
    "language",
    "service_area",
    "schedule",
    "phone",
    "service_at_location",
    "address",
    "service",
    "location",
    "organization",
    "taxonomy_term",
)
BOT_TABLES = ("rule", "faq", "reply_template", "example")
EXAMPLE_INTENTS = ("emergency", "get_help", "report_tip", "find_services", "info", "unknown")
ABOUT = ("self", "other", "general")
CURATED_ON = "2026-11-23"  # when the files' entries without a date of their own were checked


class SeedError(ValueError):
    """A curated data file is missing, malformed or holds an invalid value."""


# libyaml's parser when PyYAML was built with it: ten times faster on the example files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(name: str, data_dir: Path = DATA) -> list | dict:
    """One curated YAML file, parsed (a fresh copy; parsed once per version of the file)."""
    path = data_dir / f"{name}.yaml"
    try:
        stat = path.stat()
        return copy.deepcopy(_parsed(path, stat.st_mtime_ns, stat.st_size))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _parsed(path: Path, _mtime: int, _size: int) -> list | dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (safe loader)


def _e164(number: str, where: str, kind: str = "") -> str:
    """Validate a phone number; short codes (233733, and 911 for the emergency entry) pass
    through as digits. N11 codes are refused as the editor and the importer refuse them."""
    problem = phone_rules.n11_problem(number, kind)
    if problem:
        raise SeedError(f"{where}: {problem}")
    if number.isdigit() and len(number) <= 6:
        return number
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException as exc:
        raise SeedError(f"{where}: {number!r} is not a phone number ({exc})") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise SeedError(f"{where}: {number!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _geocode(city: str, state: str) -> tuple[float | None, float | None]:
    """The mean position of a town's ZIP codes, offline; (None, None) if unknown."""
    if not city or not state:
        return None, None
    found = zipcodes.filter_by(city=city, state=state)
    if not found:
        return None, None
    return (
        sum(float(z["lat"]) for z in found) / len(found),
        sum(float(z["long"]) for z in found) / len(found),
    )


def _slug(*parts: object) -> str:
    return "-".join(str(p) for p in parts)


def directory_rows(entries: list[dict]) -> dict[str, list[dict]]:
    """HSDS-shaped rows for every table, from resources.yaml entries."""
    rows: dict[str, list[dict]] = {t: [] for t in DIRECTORY_TABLES}
    orgs: dict[str, dict] = {}
    for e in entries:
        sid, curated = e["id"], {"source": e["source"], "last_verified": str(e["last_verified"])}
        org_id = "org-" + e["organization"].lower().replace(" ", "-")
        orgs.setdefault(
            org_id,
            {
                "id": org_id,
                "name": e["organization"],
                "description": "",
                "url": e.get("url", ""),
                **curated,
            },
        )
        summary = e.get("summary", {})
        rows["service"].append(
            {
                "id": sid,
                "organization_id": org_id,
                "name": e["name"],
                "kind": e["kind"],
                "description": summary.get("en", ""),
                "description_es": summary.get("es", ""),
                "url": e.get("url", ""),
                "status": "active",
                **curated,
            }
        )
        for i, p in enumerate(e.get("phones") or []):
            rows["phone"].append(
                {
                    "id": _slug(sid, "phone", i),
                    "service_id": sid,
                    "number": _e164(str(p["number"]), f"resources.yaml {sid}", e["kind"]),
                    "extension": str(p.get("extension", "")),
                    "type": p.get("type", "voice"),
                    "description": p.get("label", ""),
                }
            )
        loc = e.get("location") or {}
        loc_id = _slug(sid, "location")
        lat, lon = loc.get("lat"), loc.get("lon")
        if lat is None and not loc.get("virtual"):
            lat, lon = _geocode(loc.get("city", ""), loc.get("state", ""))
        rows["location"].append(
            {
                "id": loc_id,
                "organization_id": org_id,
                "name": e["name"],
                "location_type": "virtual" if loc.get("virtual") else "physical",
                "confidential": int(bool(loc.get("confidential"))),
                "latitude": lat,
                "longitude": lon,
                **curated,
            }
        )
        rows["address"].append(
            {
                "id": _slug(loc_id, "address"),
                "location_id": loc_id,
                "city": loc.get("city", ""),
                "state_province": loc.get("state", ""),
                "country": "US",
            }
        )
        rows["service_at_location"].append(
            {"id": _slug(sid, "at", loc_id), "service_id": sid, "location_id": loc_id}
        )
        if e.get("hours"):
            rows["schedule"].append(
                {"id": _slug(sid, "schedule"), "service_id": sid, "description": e["hours"]}
            )
        area = e.get("area") or {"scope": "national"}
        rows["service_area"].append(
            {
                "id": _slug(sid, "area"),
                "service_id": sid,
                "scope": area.get("scope", "national"),
                "name": area.get("name", ""),
                "state": area.get("state", ""),
                "extent": json.dumps(area.get("counties", [])),
            }
        )
        for code in e.get("languages") or []:
            rows["language"].append(
                {"id": _slug(sid, "lang", code), "service_id": sid, "code": code}
            )
        for term in e.get("terms") or []:
            rows["attribute"].append(
                {
                    "id": _slug(sid, "term", term),
                    "link_id": sid,
                    "link_type": "service",
                    "taxonomy_term_id": term,
                }
            )
    rows["organization"] = list(orgs.values())
    return rows


def term_rows(terms: list[dict]) -> list[dict]:
    """taxonomy_term rows from terms.yaml."""
    return [
        {
            "id": t["id"],
            "name": t["name"]["en"],
            "name_es": t["name"].get("es", ""),
            "words_en": json.dumps(t["words"].get("en", [])),
            "words_es": json.dumps(t["words"].get("es", [])),
            "source": t.get("source", "staff"),
            "last_verified": str(t.get("last_verified", CURATED_ON)),
        }
        for t in terms
    ]


def rule_rows(groups: list[dict]) -> list[dict]:
    """One rule row per phrase in rules.yaml."""
    rows = []
    for g in groups:
        for phrase in g["phrases"]:
            rows.append(
                {
                    "intent": g["intent"],
                    "lang": g["lang"],
                    "phrase": str(phrase),
                    "weight": float(g.get("weight", 1.0)),
                    "source": g.get("source", "staff"),
                    "last_verified": str(g.get("last_verified", CURATED_ON)),
                }
            )
    return rows


def faq_rows(faqs: list[dict]) -> list[dict]:
    """faq rows from faq.yaml."""
    return [
        {
            "id": f["id"],
            "topic": f.get("topic", ""),
            "phrases_en": json.dumps(f["phrases"].get("en", [])),
            "phrases_es": json.dumps(f["phrases"].get("es", [])),
            "answer_en": f["answer"]["en"],
            "answer_es": f["answer"].get("es", ""),
            "source": f["source"],
            "last_verified": str(f["last_verified"]),
        }
        for f in faqs
    ]


def template_rows(templates: dict) -> list[dict]:
    """reply_template rows from templates.yaml."""
    return [
        {
            "key": key,
            "text_en": texts["en"],
            "text_es": texts.get("es", ""),
            "source": "staff",
            "last_verified": CURATED_ON,
        }
        for key, texts in templates.items()
    ]


def example_rows(data_dir: Path = DATA) -> list[dict]:
    """One example row per text in examples/*.yaml (group labels, each text may override)."""
    rows = []
    for path in sorted((data_dir / "examples").glob("*.yaml")):
        for group in read(f"examples/{path.stem}", data_dir) or []:
            labels = {k: v for k, v in group.items() if k != "texts"}
            for item in group["texts"]:
                entry = {**labels, **(item if isinstance(item, dict) else {"text": item})}
                rows.append(example_row(entry, f"examples/{path.name} {group['group']}"))
    return rows


def example_row(entry: dict, where: str) -> dict:
    """A validated example row from a curated entry or an editor form."""
    text = str(entry.get("text") or "").strip()
    if not text:
        raise SeedError(f"{where}: an example has no text")
    checks = (
        ("lang", ("en", "es")),
        ("intent", EXAMPLE_INTENTS),
        ("about", ABOUT),
    )
    for name, allowed in checks:
        if entry.get(name) not in allowed:
            raise SeedError(f"{where}: {name} {entry.get(name)!r} is not one of {allowed}")
    for name in ("danger_now", "minor"):
        if not isinstance(entry.get(name), bool):
            raise SeedError(f"{where}: {name} must be yes or no")
    return {
        "text": text,
        "lang": entry["lang"],
        "intent": entry["intent"],
        "danger_now": int(entry["danger_now"]),
        "minor": int(entry["minor"]),
        "about": entry["about"],
        "group_name": str(entry.get("group") or ""),
        "source": entry.get("source", "staff"),
        "last_verified": str(entry.get("last_verified", CURATED_ON)),
    }


def curated_rows(data_dir: Path = DATA) -> dict[str, list[dict]]:
    """Every curated row, by table, validated before anything touches the database."""
    try:
        rows = directory_rows(read("resources", data_dir))
        rows["taxonomy_term"] = term_rows(read("terms", data_dir))
        rows["rule"] = rule_rows(read("rules", data_dir))
        rows["faq"] = faq_rows(read("faq", data_dir))
        rows["reply_template"] = template_rows(read("templates", data_dir))
        rows["example"] = example_rows(data_dir)
        rows["partner"] = partners.rows_from_entries(read("partners", data_dir))
    except partners.PartnerError as exc:
        raise SeedError(str(exc)) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise SeedError(f"A curated data file is missing a field: {exc}") from exc
    except ValueError as exc:
        raise SeedError(f"A curated data file holds a value of the wrong kind: {exc}") from exc
    for table, key in (
        ("service", "id"),
        ("taxonomy_term", "id"),
        ("faq", "id"),
        ("reply_template", "key"),
    ):
        seen = [r[key] for r in rows[table]]
        duplicates = sorted({k for k in seen if seen.count(k) > 1})
        if duplicates:
            raise SeedError(f"{table}: the id {duplicates[0]!r} is used more than once")
    known = {t["id"] for t in rows["taxonomy_term"]}
    for a in rows["attribute"]:
        if a["taxonomy_term_id"] not in known:
            raise SeedError(
                f"resources.yaml {a['link_id']}: unknown term {a['taxonomy_term_id']!r}"
            )
    return rows


def load_all(db: sqlite_utils.Database, data_dir: Path = DATA) -> dict[str, int]:
    """Replace the directory, rules, answers and templates with the curated files.

    Partners listed in partners.yaml are written over; partners only in the table are kept.
    """
    rows = curated_rows(data_dir)
    with db.atomic():
        for table in (*DIRECTORY_TABLES, *BOT_TABLES):
            db.execute(f"DELETE FROM [{table}]")
        for table in reversed(DIRECTORY_TABLES):
            db[table].insert_all(rows[table])
        for table in BOT_TABLES:
            db[table].insert_all(rows[table])
        db["partner"].upsert_all(rows["partner"], pk="key")
    return {table: len(r) for table, r in rows.items()}
