"""Imports keep the file's own verification date, or leave a row not verified: never today."""

import json
from datetime import date
from pathlib import Path

import pytest
from hsds_spec import MIAMI, needs_miami

from knowledge import freshness, kb_io, transfer
from knowledge.db import connect

EXAMPLE = MIAMI.parents[1] / "spec-3.0-examples" / "service_full.json"
SERVICE = "checked/ac148810-d857-441c-9679-408f346de14b"
TODAY = date.today().isoformat()


def import_service(app, tmp_path: Path, **fields) -> dict:
    """Import the spec's example service with some fields changed (None drops one); its row."""
    service = json.loads(EXAMPLE.read_text())
    for name, value in fields.items():
        service.pop(name, None) if value is None else service.update({name: value})
    path = tmp_path / "checked.json"
    path.write_text(json.dumps(service))
    db = connect(app.config["DATABASE"])
    transfer.import_path(db, path)
    return db["service"].get(SERVICE)


def stale_ids(app) -> set[str]:
    return {r["id"] for r in freshness.stale(connect(app.config["DATABASE"]))}


@pytest.mark.parametrize(
    "fields, verified",
    [
        ({}, "2005-01-01"),  # assured_date: the day the service was last checked
        ({"assured_date": None}, "2023-03-15"),  # else last_modified, as a day
        ({"assured_date": None, "last_modified": None}, "2011-01-01"),  # else its metadata
        ({"assured_date": "2999-01-01"}, "2023-03-15"),  # a day still to come is no check
        ({"assured_date": None, "last_modified": None, "metadata": None}, None),
        ({"assured_date": "soon", "last_modified": "", "metadata": []}, None),
    ],
)
def test_an_hsds_import_keeps_the_files_own_date_or_none(app, tmp_path, fields, verified):
    row = import_service(app, tmp_path, **fields)
    assert row["last_verified"] == verified
    assert SERVICE in stale_ids(app)  # 2005, or never: both need checking


def test_a_service_the_file_checked_lately_is_not_listed(app, tmp_path):
    row = import_service(app, tmp_path, assured_date=TODAY)
    assert row["last_verified"] == TODAY
    assert SERVICE not in stale_ids(app)


def test_nothing_an_import_brings_is_stamped_with_today(app, tmp_path):
    import_service(app, tmp_path, assured_date=None, last_modified=None, metadata=None)
    db = connect(app.config["DATABASE"])
    for table in ("organization", "service", "location", "taxonomy_term"):
        days = {
            r["last_verified"] for r in db.query(f"SELECT * FROM {table} WHERE id LIKE 'checked/%'")
        }
        assert days == {None}, table


def test_another_directorys_taxonomy_is_not_listed_as_unchecked(app, tmp_path):
    import_service(app, tmp_path)
    stale = freshness.stale(connect(app.config["DATABASE"]))
    assert any(r["table"] == "service" and r["id"] == SERVICE for r in stale)
    assert not any(r["table"] == "taxonomy_term" and r["id"].startswith("checked/") for r in stale)


def test_a_restore_keeps_each_rows_own_date_and_lists_rows_without_one(app, tmp_path):
    db = connect(app.config["DATABASE"])
    tables = kb_io.export_tables(db)
    for row in tables["service"]:
        if row["id"] == "ct-legal-services":
            row.pop("last_verified")
        if row["id"] == "nhth":
            row["last_verified"] = "2026-01-02"
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(tables))
    transfer.import_path(db, path)
    assert db["service"].get("ct-legal-services")["last_verified"] is None
    assert db["service"].get("nhth")["last_verified"] == "2026-01-02"
    assert "ct-legal-services" in stale_ids(app)


@needs_miami
def test_thousands_of_unchecked_miami_services_arrive_not_verified(app):
    db = connect(app.config["DATABASE"])
    before = len(freshness.stale(db))
    transfer.import_path(db, MIAMI)
    stale = freshness.stale(db)
    services = [r for r in stale if r["table"] == "service" and r["source"] == "hsds:miami-211"]
    assert len(services) == 3642
    assert {r["last_verified"] for r in services} == {None}
    assert len(stale) > before + 3642  # their organisations and locations too
    assert not any(r["table"] == "taxonomy_term" and r["source"] == "hsds:miami-211" for r in stale)
