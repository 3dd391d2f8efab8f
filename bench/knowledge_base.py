"""Knowledge snapshots to measure: the curated one, and one grown to thousands of services."""

from __future__ import annotations

import importlib
import json
import os
import random
import tempfile
from dataclasses import replace
from pathlib import Path

import sqlite_utils
import zipcodes

from app import create_app
from bot.types import Knowledge, Phone, Service
from knowledge import queries

MIAMI = Path(__file__).resolve().parents[2] / "shared/hsds/miami-211/datapackage.zip"

# Words real directory names are made of (211 listings, CT agencies), to combine at random.
SURNAMES = """
abbott adams alvarez baker barnes bennett brooks campbell carter castillo chen clark
collins cruz daniels davis diaz edwards evans fischer flores foster garcia gomez gonzalez
gray green hall harris hernandez hill howard hughes jackson james jenkins johnson jones
kelly kim king lee lewis lopez martin martinez miller mitchell moore morales morgan murphy
nelson nguyen ortiz parker patel perez peterson phillips powell price ramirez reed reyes
richardson rivera roberts robinson rodriguez rogers ross russell sanchez scott simmons
smith stewart sullivan taylor thomas thompson torres turner walker ward washington watson
white williams wilson wood wright young
""".split()
SAINTS = "st joseph st vincent st francis st mary st luke st anne holy trinity".split(" st ")
FIRST = """
new hope open door safe harbor bright futures second chance fresh start helping hands
common ground good shepherd family promise true north solid rock guiding light
""".split("\n")
NOUNS = """
center services agency alliance network coalition project program clinic house shelter
ministries outreach foundation council association partnership institute collaborative
society mission fund league
""".split()
FOCUS = """
family youth women children community legal immigrant refugee health recovery housing
employment literacy veterans senior latino hispanic haitian asian african caribbean
behavioral mental counseling crisis justice advocacy victim survivor domestic violence
homeless food nutrition dental medical education workforce reentry parenting
""".split()
PROGRAMS = """
case management | emergency shelter | transitional housing | legal aid | immigration legal
services | food pantry | counseling | support group | job training | rent assistance |
after school program | mentoring | parenting classes | medical clinic | dental clinic |
substance use treatment | crisis line | victim advocacy | english classes | hot meals |
clothing closet | transportation | utility assistance | health screenings | youth drop in
""".replace("\n", " ").split(" | ")


def _database() -> sqlite_utils.Database:
    """A new database file filled with the curated knowledge base, the way the app fills it."""
    path = os.path.join(tempfile.mkdtemp(prefix="bench-"), "bot.db")
    create_app({"DATABASE": path, "TESTING": True})
    return sqlite_utils.Database(path)


def curated() -> Knowledge:
    """The curated knowledge base, loaded the way the app loads it."""
    db = _database()
    return queries.load(db)


def with_miami() -> Knowledge | None:
    """The curated knowledge base plus the Miami 211 import, if the importer and file exist."""
    try:
        importer = importlib.import_module("knowledge.hsds_import")
    except ImportError:
        return None
    if not MIAMI.exists():
        return None
    db = _database()
    importer.import_hsds(db, MIAMI)
    return queries.load(db)


def _name(rng: random.Random, towns: list[str]) -> tuple[str, str]:
    """An organisation name and one of its programme names."""
    shape = rng.randrange(5)
    noun = rng.choice(NOUNS)
    if shape == 0:
        org = f"{rng.choice(towns)} {rng.choice(FOCUS)} {noun}"
    elif shape == 1:
        org = f"{rng.choice(SURNAMES)} {rng.choice(FOCUS)} {noun}"
    elif shape == 2:
        org = f"{rng.choice(SAINTS)} {noun}"
    elif shape == 3:
        org = f"{rng.choice(FIRST)} {noun} of {rng.choice(towns)}"
    else:
        org = f"{rng.choice(FOCUS)} {rng.choice(FOCUS)} {noun} inc"
    return org.title(), rng.choice(PROGRAMS).title()


def generated(count: int, term_ids: list[str], seed: int = 7) -> list[Service]:
    """count services with realistic names, categories, areas and phone numbers."""
    rng = random.Random(seed)
    places = [z for z in zipcodes.filter_by(state="CT") if z["zip_code_type"] == "STANDARD"]
    towns = sorted({z["city"].title() for z in places})
    out = []
    for i in range(count):
        org, program = _name(rng, towns)
        z = rng.choice(places)
        scope = rng.choice(("city", "county", "county", "state"))
        out.append(
            Service(
                id=f"gen-{i:05d}",
                name=program,
                organization=org,
                kind=rng.choice(("directory", "directory", "program")),
                summary={"en": f"{program} from {org}.", "es": ""},
                phones=(Phone(f"+1{rng.choice(('203', '860', '475'))}555{i % 10_000:04d}"),),
                scope=scope,
                state="CT",
                counties=(z["county"],) if scope == "county" else (),
                city=z["city"].title(),
                lat=float(z["lat"]) + rng.uniform(-0.02, 0.02),
                lon=float(z["long"]) + rng.uniform(-0.02, 0.02),
                terms=tuple(rng.sample(term_ids, rng.randint(1, 3))),
            )
        )
    return out


def grown(base: Knowledge, size: int = 10_000) -> Knowledge:
    """A copy of base topped up with generated services to size services in all."""
    services = list(base.services)
    services += generated(max(0, size - len(services)), [t.id for t in base.terms])
    return replace(base, services=services, derived={})


def store(db: sqlite_utils.Database, services: list[Service]) -> None:
    """Write generated services into a database's directory tables (one transaction)."""
    rows: dict[str, list[dict]] = {
        t: []
        for t in (
            "organization",
            "service",
            "phone",
            "attribute",
            "service_area",
            "location",
            "address",
            "service_at_location",
        )
    }
    stamp = {"source": "bench", "last_verified": "2026-01-01"}
    for s in services:
        rows["organization"].append(
            {"id": f"org-{s.id}", "name": s.organization, "description": "", "url": "", **stamp}
        )
        rows["service"].append(
            {
                "id": s.id,
                "organization_id": f"org-{s.id}",
                "name": s.name,
                "kind": s.kind,
                "description": s.summary.get("en", ""),
                "description_es": s.summary.get("es", ""),
                "url": s.url,
                "status": "active",
                **stamp,
            }
        )
        for n, phone in enumerate(s.phones):
            rows["phone"].append(
                {
                    "id": f"{s.id}-phone-{n}",
                    "service_id": s.id,
                    "number": phone.number,
                    "type": phone.type,
                    "description": phone.label,
                }
            )
        for term in s.terms:
            rows["attribute"].append(
                {
                    "id": f"{s.id}-{term}",
                    "link_id": s.id,
                    "link_type": "service",
                    "taxonomy_term_id": term,
                }
            )
        rows["service_area"].append(
            {
                "id": f"{s.id}-area",
                "service_id": s.id,
                "name": s.city or s.state,
                "scope": s.scope,
                "state": s.state,
                "extent": json.dumps(list(s.counties)),
            }
        )
        if s.lat is not None:
            rows["location"].append(
                {
                    "id": f"{s.id}-place",
                    "organization_id": f"org-{s.id}",
                    "name": s.city,
                    "location_type": "physical",
                    "confidential": 0,
                    "latitude": s.lat,
                    "longitude": s.lon,
                    **stamp,
                }
            )
            rows["address"].append(
                {
                    "id": f"{s.id}-address",
                    "location_id": f"{s.id}-place",
                    "city": s.city,
                    "state_province": s.state,
                    "country": "US",
                }
            )
            rows["service_at_location"].append(
                {"id": f"{s.id}-at", "service_id": s.id, "location_id": f"{s.id}-place"}
            )
    with db.conn:
        for table, found in rows.items():
            db[table].insert_all(found, batch_size=1000)
