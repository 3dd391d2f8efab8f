"""The SQLite knowledge base: first start, migrations, staff edits, reloads, the kb CLI."""

import csv
import json
import re
import shutil

import pytest
import sqlite_utils

from app import create_app
from knowledge import db, queries, schema, seed

# The National Human Trafficking Referral Directory entries in seed 004, in E.164.
DIRECTORY = {
    "ct-legal-services": {"+12033881720", "+12033881708"},
    "eac-network": {"+16315535656", "+16314390480"},
    "eac-child-advocacy-center": {"+16315335656", "+16314390480"},
    "kids-in-crisis": {"+12036611911"},
    "love146": {"+12037724420"},
    "my-sisters-place": {"+18002987233", "+19146831333"},
}
LIFELINES = {
    "nhth": {"+18883737888", "233733"},
    "dcf-careline": {"+18008422288"},
    "emergency-911": {"911"},
}


def everything(conn):
    """Every row of every table, to compare before and after."""
    return {table: list(conn[table].rows) for table in sorted(conn.table_names())}


def service_count(path):
    conn = sqlite_utils.Database(path)
    try:
        return conn["service"].count
    finally:
        conn.close()


def phones(conn, service_id):
    return {row["number"] for row in conn["phone"].rows_where("service_id = ?", [service_id])}


@pytest.fixture
def data_dir(tmp_path):
    """A copy of knowledge/data to break."""
    copy = tmp_path / "data"
    shutil.copytree(seed.DATA, copy)
    return copy


# --- first start and migrations ------------------------------------------------------------


@pytest.mark.parametrize("service_id, numbers", {**LIFELINES, **DIRECTORY}.items())
def test_first_start_fills_the_database_with_the_curated_services(database, service_id, numbers):
    assert database["service"].get(service_id)["status"] == "active"
    assert phones(database, service_id) == numbers


def test_every_directory_number_is_e164(database):
    for row in database["phone"].rows:
        assert re.fullmatch(r"\+1\d{10}|\d{3,6}", row["number"]), row


def test_first_start_fills_every_curated_table(database):
    for table in (*seed.DIRECTORY_TABLES, *seed.BOT_TABLES):
        assert database[table].count > 0, table


def test_a_missing_directory_is_created(tmp_path):
    path = tmp_path / "instance" / "nested" / "bot.db"
    db.prepare(path)
    assert service_count(path) > 0


def test_preparing_twice_changes_nothing(app, database):
    before = everything(database)
    db.prepare(app.config["DATABASE"])
    create_app({"TESTING": True, "DATABASE": app.config["DATABASE"]})
    assert everything(database) == before
    assert schema.version(database) == schema.MIGRATIONS[-1][0]  # numbers may have gaps
    assert database["migrations"].count == len(schema.MIGRATIONS)


def test_migrate_reports_the_version_and_is_idempotent(database):
    assert schema.migrate(database) == schema.migrate(database) == schema.MIGRATIONS[-1][0]


# Tables whose rows are entries of their own (phones, areas and so on belong to a service).
CURATED_TABLES = [
    "organization",
    "service",
    "location",
    "taxonomy_term",
    "rule",
    "faq",
    "reply_template",
]


@pytest.mark.parametrize("table", CURATED_TABLES)
def test_every_curated_row_names_its_source_and_last_verified_date(database, table):
    assert set(schema.CURATED) <= set(database[table].columns_dict)
    for row in database[table].rows:
        assert row["source"], row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["last_verified"]), row


def test_every_service_names_a_seed_file_or_staff_as_its_source(database):
    seeds = {p.name for p in (seed.DATA.parents[2] / "shared" / "seeds").glob("*.txt")}
    for row in database["service"].rows:
        assert row["source"] in seeds | {"staff"}, row


def test_confidential_addresses_are_never_in_the_engine_snapshot(database):
    database["location"].update("love146-location", {"confidential": 1})
    kb = queries.load(database)
    assert kb.service("love146").city == ""


# --- staff edits are seen by the next message ---------------------------------------------


def test_an_edit_bumps_the_revision(database):
    before = queries.revision(database)
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    assert queries.revision(database) > before


def test_the_snapshot_is_reread_after_an_edit(app, database):
    path = app.config["DATABASE"]
    first = queries.snapshot(database, path)
    assert queries.snapshot(database, path) is first
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    second = queries.snapshot(database, path)
    assert second is not first
    assert second.service("love146").phones[0].number == "+12035550146"


def test_the_next_chat_message_sees_an_edited_phone_number(chat, database):
    assert "203-772-4420" in chat("love146 phone", session_id="before")["reply"]
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    body = chat("love146 phone", session_id="after")
    assert "203-555-0146" in body["reply"]
    assert any(r["phone"] == "203-555-0146" for r in body["resources"])


def test_the_hotline_is_still_named_if_staff_delete_it(chat, database):
    database["phone"].delete_where("service_id = ?", ["nhth"])
    reply = chat("I need help")["reply"]
    assert "1-888-373-7888" in reply and "233733" in reply


# --- seed.load_all: all or nothing -------------------------------------------------------


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKAGES = {
    "invalid-phone-number": ("resources.yaml", '"+12037724420"', '"+1203772442"'),
    "phone-number-that-is-words": ("resources.yaml", '"+12037724420"', '"call us"'),
    "provider-phone-that-is-211": ("resources.yaml", '"+12037724420"', '"211"'),
    "broken-yaml": ("faq.yaml", "- id: hart\n", "- id: [hart\n"),
    "missing-field": ("resources.yaml", "  source: 004_960a24d06814a033.txt\n", ""),
    "unknown-term": ("resources.yaml", "terms: [legal]", "terms: [legl]"),
    "duplicate-service-id": ("resources.yaml", "- id: love146\n", "- id: kids-in-crisis\n"),
    "weight-not-a-number": ("rules.yaml", "weight: 1.3", "weight: high"),
}


@pytest.mark.parametrize("file, old, new", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_a_broken_data_file_raises_seed_error_and_changes_nothing(
    database, data_dir, file, old, new
):
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})  # a staff edit
    replace_in(data_dir / file, old, new)
    before = everything(database)
    with pytest.raises(seed.SeedError):
        seed.load_all(database, data_dir)
    assert everything(database) == before


def test_a_missing_data_file_raises_seed_error(database, data_dir):
    (data_dir / "templates.yaml").unlink()
    before = everything(database)
    with pytest.raises(seed.SeedError, match="templates.yaml"):
        seed.load_all(database, data_dir)
    assert everything(database) == before


def test_load_all_replaces_staff_edits_with_the_curated_rows(database):
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    counts = seed.load_all(database)
    assert phones(database, "love146") == {"+12037724420"}
    assert counts["service"] == database["service"].count


# --- the kb CLI ---------------------------------------------------------------------------


def test_kb_init_on_a_new_file_creates_and_fills_it(tmp_path):
    path = tmp_path / "fresh" / "bot.db"
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "first.db")})
    app.config["DATABASE"] = str(path)
    result = app.test_cli_runner().invoke(args=["kb", "init"])
    assert result.exit_code == 0, result.output
    assert str(path) in result.output
    assert service_count(path) > 0


def test_kb_init_twice_keeps_staff_edits(app, database):
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    result = app.test_cli_runner().invoke(args=["kb", "init"])
    assert result.exit_code == 0, result.output
    assert phones(database, "love146") == {"+12035550146"}


def test_kb_reload_restores_an_edited_row(app, database):
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    database["conversation"].insert({"key": "k" * 64, "state": "{}", "updated_at": 1.0})
    result = app.test_cli_runner().invoke(args=["kb", "reload"])
    assert result.exit_code == 0, result.output
    assert "Reloaded" in result.output
    assert phones(database, "love146") == {"+12037724420"}
    assert database["conversation"].count == 1  # conversation state is kept


def test_kb_export_writes_json_with_every_content_table(app):
    result = app.test_cli_runner().invoke(args=["kb", "export"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.output)
    assert set(tables) == set(schema.CONTENT_TABLES)
    assert {row["id"] for row in tables["service"]} >= set(DIRECTORY) | set(LIFELINES)


def test_kb_export_json_to_a_file(app, tmp_path):
    out = tmp_path / "kb.json"
    result = app.test_cli_runner().invoke(args=["kb", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(json.loads(out.read_text(encoding="utf-8"))) == set(schema.CONTENT_TABLES)


def test_kb_export_csv_writes_one_file_per_table(app, database, tmp_path):
    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(
        args=["kb", "export", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert {p.stem for p in out.glob("*.csv")} == set(schema.CONTENT_TABLES)
    with open(out / "phone.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == database["phone"].count
    assert {r["number"] for r in rows if r["service_id"] == "love146"} == {"+12037724420"}


def test_kb_export_csv_without_out_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["kb", "export", "--format", "csv"])
    assert result.exit_code == 2
    assert "--out" in result.output


# --- a database file that is not one ------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"this is not a database\n" * 200,
        bytes(range(256)) * 64,
        b"SQLite format 3\x00" + b"\xff" * 4000,
    ],
    ids=["text", "binary", "bad-header"],
)
def test_a_corrupt_database_file_stops_the_app_with_a_clear_message(tmp_path, garbage):
    path = tmp_path / "bot.db"
    path.write_bytes(garbage)
    with pytest.raises(db.DatabaseError, match="cannot be used") as error:
        create_app({"TESTING": True, "DATABASE": str(path)})
    assert str(path) in str(error.value)
    assert path.read_bytes() == garbage  # never overwritten
