"""HSDS 3.0 exports, checked against the official schemas, and the lossless round trip."""

import json
import shutil
import uuid
from pathlib import Path

import pytest
from hsds_spec import MIAMI, errors, needs_miami, needs_spec, tabular

from app import create_app
from knowledge import hsds_export, transfer
from knowledge.db import connect
from knowledge.hsds_ids import NAMESPACE, RECORD_TERM_ID
from knowledge.seed import DIRECTORY_TABLES

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "PHONE_HASH_KEY": "test-hash-key",
    "RETRAIN_ON_CHANGE": "",
}
MESSAGES = [
    "i ned help my boss took my passport",
    "im 15 and a guy makes me do stuff for money",
    "he has a gun and wont let me leave",
    "i need a lawyer",
    "counseling in hartford",
    "shelter near 06106",
    "what is human trafficking",
    "necesito un abogado",
    "hotline number",
]

pytestmark = needs_spec


def invalid_services(services: list[dict]) -> dict[str, list[str]]:
    """Each service that breaks compiled/service.json, with how."""
    found = {s.get("id"): errors("compiled/service.json", s) for s in services}
    return {k: v for k, v in found.items() if v}


def nulls(value: object, path: str = "$") -> list[str]:
    """Where a value is null."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{path}[{i}]")]
    return []


def empty_copy(source: Path, target: Path) -> Path:
    """A copy of a knowledge base with no directory at all (the bot's own tables stay)."""
    shutil.copyfile(source, target)
    db = connect(target)
    with db.atomic():
        for table in DIRECTORY_TABLES:
            db.execute(f"DELETE FROM [{table}]")
    db.conn.close()
    return target


def answers(app) -> list[dict]:
    client = app.test_client()
    out = []
    for i, message in enumerate(MESSAGES):
        response = client.post("/api/chat", json={"session_id": f"rt-{i}", "message": message})
        assert response.status_code == 200
        out.append(response.get_json())
    return out


def test_every_curated_service_validates_against_the_official_schema(app):
    services = hsds_export.service_objects(connect(app.config["DATABASE"]))
    assert len(services) >= 20
    assert invalid_services(services) == {}
    assert nulls(services) == []


def test_the_curated_datapackage_validates_against_the_tabular_schema(app, tmp_path):
    out = transfer.export_to(
        connect(app.config["DATABASE"]), "hsds-datapackage", tmp_path / "d.zip"
    )
    rows = tabular(out)
    assert len(rows["service"]) >= 20 and rows["taxonomy"]
    assert errors("compiled/tabular.json", rows) == []


def test_ids_are_uuids_from_the_slug_the_same_on_every_export(app):
    db = connect(app.config["DATABASE"])
    first, second = hsds_export.export_json(db), hsds_export.export_json(db)
    assert first == second
    services = json.loads(first)
    hotline = str(uuid.uuid5(NAMESPACE, "service:nhth"))
    assert hotline in {s["id"] for s in services}
    assert db["service"].get("nhth")["name"]  # the slug itself is unchanged for the bot


def test_an_imported_hsds_3_id_is_exported_as_it_came(app):
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, MIAMI.parents[1] / "spec-3.0-examples" / "service_full.json")
    ids = {s["id"] for s in hsds_export.service_objects(db)}
    assert "ac148810-d857-441c-9679-408f346de14b" in ids


def test_a_confidential_location_shows_neither_address_nor_position(app, database, tmp_path):
    database.execute(
        "UPDATE location SET confidential = 1, latitude = 41.76, longitude = -72.67 "
        "WHERE id = 'ct-legal-services-location'"
    )
    database.execute(
        "UPDATE address SET address_1 = '12 Hidden Lane', postal_code = '06106' "
        "WHERE location_id = 'ct-legal-services-location'"
    )
    db = connect(app.config["DATABASE"])
    text = hsds_export.export_json(db)
    transfer.export_to(db, "hsds-datapackage", tmp_path / "d.zip")
    tables = json.dumps(tabular(tmp_path / "d.zip"))
    for exported in (text, tables):
        assert "Hidden Lane" not in exported and "41.76" not in exported


def round_trip(app, fmt: str, tmp_path: Path):
    """Export, import into an empty knowledge base, export again: both exports and the app."""
    db = connect(app.config["DATABASE"])
    suffix = ".json" if fmt == "hsds-json" else ".zip"
    first = transfer.export_to(db, fmt, tmp_path / f"first{suffix}")
    empty = empty_copy(Path(app.config["DATABASE"]), tmp_path / "empty.db")
    target = connect(empty)
    report = transfer.import_path(target, first)
    assert not report.rejected, report.rejected[:3]
    second = transfer.export_to(target, fmt, tmp_path / f"second{suffix}")
    return first, second, create_app({**CONFIG, "DATABASE": str(empty)})


@pytest.mark.parametrize("fmt", ["hsds-json", "hsds-datapackage"])
def test_round_trip_through_an_empty_knowledge_base_is_lossless(app, fmt, tmp_path):
    before = answers(app)
    first, second, restored = round_trip(app, fmt, tmp_path)
    assert first.read_bytes() == second.read_bytes()
    assert answers(restored) == before


@pytest.mark.parametrize("fmt", ["hsds-json", "hsds-datapackage"])
def test_an_extension_is_exported_as_hsds_phone_extension_and_comes_back(
    app, database, fmt, tmp_path
):
    database["phone"].update("ct-legal-services-phone-0", {"extension": "12"})
    db = connect(app.config["DATABASE"])
    services = hsds_export.service_objects(db)
    assert invalid_services(services) == {}
    phones = [p for s in services for p in s["phones"] if p.get("extension")]
    assert [(p["number"], p["extension"]) for p in phones] == [("+12033881720", 12)]
    first, second, restored = round_trip(app, fmt, tmp_path)
    assert first.read_bytes() == second.read_bytes()
    if fmt == "hsds-datapackage":
        assert errors("compiled/tabular.json", tabular(first)) == []
    reply = answers(restored)[MESSAGES.index("i need a lawyer")]["reply"]
    assert "203-388-1720 ext. 12" in reply


def test_another_directorys_extension_is_kept_apart_from_its_number(app, tmp_path):
    example = MIAMI.parents[1] / "spec-3.0-examples" / "service_full.json"
    service = json.loads(example.read_text())
    phone = {"type": "voice", "description": "reception"}
    service["phones"] = [
        {**phone, "id": str(uuid.uuid4()), "number": "305-573-4200 x57471"},
        {**phone, "id": str(uuid.uuid4()), "number": "305-573-4200", "extension": 204},
        {**phone, "id": str(uuid.uuid4()), "number": "305-891-8850 xOPT2"},
    ]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(service))
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, path)
    rows = db.query("SELECT number, extension, description FROM phone WHERE number LIKE '+1305%'")
    assert sorted((r["number"], r["extension"], r["description"]) for r in rows) == [
        ("+13055734200", "204", "reception"),
        ("+13055734200", "57471", "reception"),
        ("+13058918850", "", "reception (option 2)"),
    ]


def test_reimporting_our_own_export_replaces_rows_instead_of_failing(app, tmp_path):
    db = connect(app.config["DATABASE"])
    out = transfer.export_to(db, "hsds-json", tmp_path / "directory.json")
    counts = {t: db[t].count for t in DIRECTORY_TABLES}
    report = transfer.import_path(db, out)
    assert not report.rejected
    assert {t: db[t].count for t in DIRECTORY_TABLES} == counts
    assert db["service"].get("nhth")["source"] != report.source  # its own source came back


def test_record_attributes_are_not_imported_as_categories(app, tmp_path):
    db = connect(app.config["DATABASE"])
    out = transfer.export_to(db, "hsds-datapackage", tmp_path / "d.zip")
    transfer.import_path(db, out)
    assert not db.execute(
        "SELECT count(*) FROM attribute WHERE taxonomy_term_id LIKE ?", [f"%{RECORD_TERM_ID}"]
    ).fetchone()[0]
    found = db.execute("SELECT count(*) FROM taxonomy_term WHERE code = 'resource-line-record'")
    assert not found.fetchone()[0]


@pytest.fixture(scope="module")
def miami_db(tmp_path_factory):
    """The curated knowledge base with the Miami 211 export imported (once for the module)."""
    if not MIAMI.exists():
        pytest.skip("the Miami 211 file is not here")
    path = tmp_path_factory.mktemp("miami") / "bot.db"
    create_app({**CONFIG, "DATABASE": str(path)})
    db = connect(path)
    transfer.import_path(db, MIAMI)
    return path


@needs_miami
def test_every_service_of_the_miami_export_validates(miami_db):
    services = hsds_export.service_objects(connect(miami_db))
    assert len(services) > 3600
    assert invalid_services(services) == {}
    assert nulls(services) == []


@needs_miami
def test_the_miami_datapackage_validates(miami_db, tmp_path):
    out = transfer.export_to(connect(miami_db), "hsds-datapackage", tmp_path / "d.zip")
    assert errors("compiled/tabular.json", tabular(out)) == []


@needs_miami
@pytest.mark.slow
def test_miami_round_trip_is_lossless(miami_db, tmp_path):
    db = connect(miami_db)
    first = transfer.export_to(db, "hsds-datapackage", tmp_path / "first.zip")
    target = connect(empty_copy(miami_db, tmp_path / "empty.db"))
    report = transfer.import_path(target, first)
    assert not report.rejected
    second = transfer.export_to(target, "hsds-datapackage", tmp_path / "second.zip")
    assert first.read_bytes() == second.read_bytes()
    ids = "SELECT id FROM service ORDER BY id"
    assert [r["id"] for r in target.query(ids)] == [r["id"] for r in db.query(ids)]
