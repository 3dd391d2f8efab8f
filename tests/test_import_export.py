"""Import and export of the knowledge base: own JSON/CSV, HSDS 3.0 JSON and datapackages."""

import json
import zipfile
from pathlib import Path

import pytest
import sqlite_utils

from app import create_app
from bot.location import find_place
from knowledge import hsds_export, kb_io, schema, transfer
from knowledge.db import connect
from knowledge.hsds_ids import hsds_id
from knowledge.import_report import ImportFailed

SHARED = Path(__file__).resolve().parents[2] / "shared" / "hsds"
MIAMI = SHARED / "miami-211" / "datapackage.zip"
EXAMPLES = SHARED / "spec-3.0-examples"
# The first message after the import is answered with the rebuilt snapshot, as in the suite.
CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "PHONE_HASH_KEY": "test-hash-key",
    "REBUILD_IN_BACKGROUND": "",
}

needs_miami = pytest.mark.skipif(not MIAMI.exists(), reason="the Miami 211 file is not here")


def contents(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """Every content table's rows, to compare before and after."""
    return kb_io.export_tables(db)


@pytest.fixture(scope="module")
def miami(tmp_path_factory):
    """The app on the curated knowledge base, after a dry run and then a real Miami import.

    Made once for the module: the import takes seconds and the chat tests only read.
    """
    path = tmp_path_factory.mktemp("miami") / "bot.db"
    app = create_app({**CONFIG, "DATABASE": str(path)})
    db = connect(path)
    before = contents(db)
    dry = transfer.import_path(db, MIAMI, dry_run=True)
    unchanged = contents(db) == before
    real = transfer.import_path(db, MIAMI)
    db.conn.close()
    return {"app": app, "path": path, "dry": dry, "unchanged": unchanged, "real": real}


@pytest.fixture
def miami_client(miami):
    """A chat client on the database with Miami imported."""
    return miami["app"].test_client()


def chat(client, message):
    session = f"s-{message}"  # a fresh conversation per message on the shared database
    response = client.post("/api/chat", json={"session_id": session, "message": message})
    assert response.status_code == 200
    return response.get_json()


@needs_miami
def test_dry_run_reports_counts_and_every_known_defect_and_changes_nothing(miami):
    report = miami["dry"]
    assert report.dry_run and miami["unchanged"]
    counts = report.counts()
    assert counts["service"]["read"] == 4089
    assert counts["service"]["rejected"] == 447  # organisations missing from the file
    reasons = {(r.table, r.kind) for r in report.rejected}
    assert ("service", "dangling foreign key") in reasons
    assert ("eligibility", "missing required field") in reasons  # blank service_id
    assert ("phone", "bad phone") in reasons  # 211, 000-000-0211
    assert ("taxonomy_term", "duplicate id") in reasons
    assert len(report.rejected) == sum(c["rejected"] for c in counts.values())
    assert counts == miami["real"].counts()  # a dry run predicts the real run exactly


@needs_miami
def test_only_the_real_run_says_it_added_categories(miami):
    assert "would add categories: food" in miami["dry"].notes
    assert not any(note.startswith("added categories") for note in miami["dry"].notes)
    assert "added categories: food" in miami["real"].notes


@needs_miami
def test_imported_rows_carry_their_source_and_valid_e164_phones(miami):
    report, db = miami["real"], connect(miami["path"])
    assert report.counts()["service"]["imported"] == 3642
    sources = {r["source"] for r in db.query("SELECT DISTINCT source FROM service")}
    assert "hsds:miami-211" in sources
    numbers = [r["number"] for r in db.query("SELECT number FROM phone WHERE id LIKE 'miami%'")]
    assert numbers and all(n.startswith("+1") and len(n) == 12 for n in numbers)
    assert (
        db.execute("SELECT count(*) FROM address WHERE state_province = 'FL '").fetchone()[0] == 0
    )
    # The option in "305-891-8850 xOPT2" is kept in the label, not in the number; the
    # extension in "305-573-4200 x57471" in its own field.
    assert db.execute("SELECT count(*) FROM phone WHERE description LIKE '%option 2%'").fetchone()[
        0
    ]
    assert db.execute(
        "SELECT count(*) FROM phone WHERE number = '+13055734200' AND extension = '57471'"
    ).fetchone()[0]


@needs_miami
@pytest.mark.parametrize(
    "message, town",
    [("I need food in Miami", "Miami"), ("shelter near 33125", "Miami")],
)
def test_bot_refers_to_imported_services_near_a_miami_place(miami_client, message, town):
    reply = chat(miami_client, message)
    assert reply["intent"] == "find_services"
    imported = [r for r in reply["resources"] if r["id"].startswith("miami-211/")]
    assert imported, reply["reply"]
    assert town in reply["reply"]


@needs_miami
def test_bot_finds_an_imported_service_by_its_organisations_name(miami_client):
    reply = chat(miami_client, "salvation army")
    assert any("Salvation Army" in r["name"] for r in reply["resources"]), reply["reply"]


@needs_miami
@pytest.mark.parametrize(
    "message, expected",
    [
        ("i need a lawyer", "Connecticut Legal Services"),
        ("he has a gun and wont let me leave", "911"),
        ("im 15 and a guy makes me do stuff for money", "1-800-842-2288"),
    ],
)
def test_connecticut_answers_and_safety_rules_stay_with_miami_loaded(
    miami_client, message, expected
):
    reply = chat(miami_client, message)
    assert expected in reply["reply"]
    assert not any(r["id"].startswith("miami-211/") for r in reply["resources"])


@needs_miami
def test_food_with_no_place_asks_where_instead_of_naming_far_services(miami_client):
    reply = chat(miami_client, "i need food")
    assert not reply["resources"] or not any(
        r["id"].startswith("miami-211/") for r in reply["resources"]
    )
    assert "town or ZIP" in reply["reply"]


@needs_miami
def test_import_failing_half_way_leaves_every_table_unchanged(app):
    db = connect(app.config["DATABASE"])
    before = contents(db)
    revision = db.execute("SELECT n FROM kb_revision").fetchone()[0]
    # A real failure in the middle of the run: the 1,000th phone row is refused.
    db.execute(
        "CREATE TRIGGER fail_half_way BEFORE INSERT ON phone "
        "WHEN (SELECT count(*) FROM phone) >= 1000 "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    with pytest.raises(ImportFailed, match="injected failure"):
        transfer.import_path(db, MIAMI)
    assert contents(db) == before
    assert db.execute("SELECT n FROM kb_revision").fetchone()[0] == revision


def test_hsds_3_service_with_nested_organization_imports(app):
    db = connect(app.config["DATABASE"])
    report = transfer.import_path(db, EXAMPLES / "service_full.json")
    assert report.format == "hsds-json"
    service = db["service"].get("service_full/ac148810-d857-441c-9679-408f346de14b")
    assert service["name"] == "Community Counselling"
    assert service["source"] == "hsds:service_full"
    org = db["organization"].get(service["organization_id"])
    assert org["name"] == "Example Organization Inc."
    phone = db.execute("SELECT number, extension FROM phone WHERE service_id = ?", [service["id"]])
    assert phone.fetchone() == ("+441234234567", "100")  # quotes stripped, extension kept


@pytest.mark.parametrize(
    "name", ["organization_full.json", "service_list.json", "service_at_location_full.json", "csv"]
)
def test_hsds_3_examples_import_a_service_each(app, name):
    db = connect(app.config["DATABASE"])
    report = transfer.import_path(db, EXAMPLES / name)
    assert report.counts()["service"]["imported"] == 1


def test_reimporting_a_source_replaces_its_rows_instead_of_adding(app):
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, EXAMPLES / "service_full.json")
    once = contents(db)
    transfer.import_path(db, EXAMPLES / "service_full.json")
    assert contents(db) == once


def test_own_json_export_imports_back_to_the_same_tables(app, tmp_path):
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, EXAMPLES / "service_full.json")  # some imported rows as well
    out = transfer.export_to(db, "json", tmp_path / "kb.json")
    before = contents(db)
    db.execute("DELETE FROM faq")
    report = transfer.import_path(db, out)
    assert report.format == "kb-json" and not report.rejected
    assert contents(db) == before


def test_own_csv_export_imports_back_to_the_same_csv(app, tmp_path):
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, EXAMPLES / "service_full.json")
    first = transfer.export_to(db, "csv", tmp_path / "first")
    db.execute("DELETE FROM faq")
    report = transfer.import_path(db, first)
    assert report.format == "kb-csv" and not report.rejected
    assert report.counts()["faq"]["imported"] > 0
    second = transfer.export_to(db, "csv", tmp_path / "second")
    for path in sorted(first.glob("*.csv")):
        assert (second / path.name).read_text() == path.read_text(), path.name


def test_own_import_rejects_bad_rows_with_reasons(app, tmp_path):
    db = connect(app.config["DATABASE"])
    tables = contents(db)
    tables["phone"].append(
        {"id": "x1", "service_id": "nhth", "number": "555-0000", "type": "voice"}
    )
    tables["phone"].append({"id": "x2", "service_id": "gone", "number": "+18883737888"})
    tables["faq"].append(dict(tables["faq"][0]))
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(tables))
    before = contents(db)
    report = transfer.import_path(db, path, dry_run=True)
    kinds = {(r.table, r.row): r.kind for r in report.rejected}
    assert kinds[("phone", "x1")] == "bad phone"
    assert kinds[("phone", "x2")] == "dangling foreign key"
    assert kinds[("faq", tables["faq"][0]["id"])] == "duplicate id"
    assert contents(db) == before


def test_own_import_refuses_dialling_codes_as_a_providers_phone_as_the_editor_does(app, tmp_path):
    db = connect(app.config["DATABASE"])
    tables = contents(db)
    tables["phone"].append({"id": "n11", "service_id": "ct-legal-services", "number": "911"})
    tables["phone"].append({"id": "n11b", "service_id": "nhth", "number": "211"})
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(tables))
    report = transfer.import_path(db, path, dry_run=True)
    refused = {r.row: r for r in report.rejected}
    assert refused["n11"].kind == refused["n11b"].kind == "bad phone"
    assert "dialling code for emergencies" in refused["n11"].detail
    assert "emergency-911-phone-0" not in refused  # the emergency entry itself keeps 911


def test_hsds_import_names_the_dialling_code_it_refuses(app, tmp_path):
    service = json.loads((EXAMPLES / "service_full.json").read_text())
    service["phones"] = [{**service["phones"][0], "number": "311"}]
    path = tmp_path / "city.json"
    path.write_text(json.dumps(service))
    report = transfer.import_path(connect(app.config["DATABASE"]), path, dry_run=True)
    details = [r.detail for r in report.rejected if r.table == "phone"]
    assert details == [
        '"311" is the dialling code for city services, '
        "not a provider's own number. Enter the provider's number with its area code."
    ]


def test_hsds_json_export_nests_organization_phones_locations_and_terms(app):
    db = connect(app.config["DATABASE"])
    services = json.loads(transfer.export_bytes(db, "hsds-json")[0])
    legal = next(s for s in services if s["id"] == hsds_id("service", "ct-legal-services"))
    assert legal["organization"]["name"] == "Connecticut Legal Services, Inc."
    assert legal["phones"][0]["number"].startswith("+1")
    assert legal["service_at_locations"][0]["location"]["location_type"] == "physical"
    codes = {a["taxonomy_term"]["code"] for a in legal["attributes"] if "taxonomy_term" in a}
    assert codes >= {"legal"}


def test_hsds_datapackage_export_imports_back_under_a_new_source(app, tmp_path):
    db = connect(app.config["DATABASE"])
    out = transfer.export_to(db, "hsds-datapackage", tmp_path / "directory.zip")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        package = json.loads(archive.read("datapackage.json"))
    assert {"datapackage.json", "services.csv", "service_at_location.csv"} <= names
    assert {r["path"] for r in package["resources"]} <= names
    report = transfer.import_path(db, out, dry_run=True, source="hsds:copy")
    assert report.counts()["service"]["imported"] == db["service"].count


def test_hsds_export_leaves_out_confidential_addresses(app):
    db = connect(app.config["DATABASE"])
    db.execute("UPDATE location SET confidential = 1 WHERE id = 'ct-legal-services-location'")
    rows = hsds_export.tables(db)["addresses.csv"]
    assert not any(r["location_id"] == "ct-legal-services-location" for r in rows)


def test_cli_import_dry_run_and_export(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb", "import", str(EXAMPLES / "service_full.json"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run of hsds:service_full" in result.output
    out = tmp_path / "hsds.zip"
    result = runner.invoke(args=["kb", "export", "--format", "hsds-datapackage", "--out", str(out)])
    assert result.exit_code == 0 and zipfile.is_zipfile(out)


def test_cli_import_of_a_file_that_is_not_hsds_fails_cleanly(app, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    result = app.test_cli_runner().invoke(args=["kb", "import", str(bad)])
    assert result.exit_code != 0 and "Nothing was changed" in result.output


def test_towns_of_served_states_are_found_and_connecticut_wins_ties():
    assert find_place("food in miami") is None
    assert find_place("food in miami", states=["FL"]).state == "FL"
    assert find_place("in hartford", states=["FL"]).state == "CT"


@pytest.mark.parametrize(
    "text, town",
    [
        ("ok english is fine. can the hotline help without papers?", None),
        ("i hope you can help me", None),
        ("we had a deal, he kept my pay", None),
        ("i need food miami", None),
        ("food near miami", "Miami"),
        ("comida cerca de miami", "Miami"),
        ("miami fl", "Miami"),
        ("miami", "Miami"),
        ("a bed in hope", "Hope"),
        ("shelter westchester", "Westchester County"),
        ("a lawyer in deal", "Deal"),
    ],
)
def test_another_states_one_word_town_must_be_said_as_a_place(text, town):
    place = find_place(text, states=["FL", "NY", "RI", "NJ"])
    assert (place.name if place else None) == town


def test_migration_6_is_applied_even_when_numbers_arrive_out_of_order(app):
    db = connect(app.config["DATABASE"])
    applied = {r[0] for r in db.execute("SELECT version FROM migrations")}
    assert {n for n, _ in schema.MIGRATIONS} <= applied
    assert "vocabulary" in db["taxonomy_term"].columns_dict
