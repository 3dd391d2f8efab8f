"""A restore or import that would delete most of the knowledge base says so and needs a yes."""

import io
import json
from pathlib import Path

import pytest
from admin_support import add_staff, post, sign_in

from knowledge import transfer
from knowledge.db import connect
from knowledge.import_report import ImportFailed

pytestmark = pytest.mark.usefixtures("release_spooled_uploads")
EXAMPLES = Path(__file__).resolve().parents[2] / "shared/hsds/spec-3.0-examples"


@pytest.fixture
def admin(app, client):
    add_staff(app, "admin")
    sign_in(client, "admin")
    return client


def _upload(client, content: bytes, name: str):
    return post(
        client,
        "/admin/transfer/import",
        {"file": (io.BytesIO(content), name), "format": ""},
        content_type="multipart/form-data",
    )


EMPTY = json.dumps({"service": []}).encode()


def test_the_dry_run_of_an_emptying_restore_says_what_it_deletes(admin, database):
    before = database["service"].count
    response = _upload(admin, EMPTY, "kb.json")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This import would delete" in html
    assert f"{before:,} of {before:,} service rows" in html
    assert 'name="confirm_deletions"' in html


def test_an_emptying_restore_is_refused_without_the_confirmation(admin, database):
    before = database["service"].count
    _upload(admin, EMPTY, "kb.json")
    response = post(admin, "/admin/transfer/import/run")
    assert response.status_code == 400
    assert "Confirm the deletions" in response.get_data(as_text=True)
    assert database["service"].count == before
    # The file waits for the confirmed run: no upload again.
    response = post(admin, "/admin/transfer/import/run", {"confirm_deletions": "1"})
    assert response.status_code == 200
    assert database["service"].count == 0


def test_restoring_an_export_needs_no_confirmation(admin, database):
    exported = admin.get("/admin/transfer/export/json").data
    response = _upload(admin, exported, "kb.json")
    assert 'name="confirm_deletions"' not in response.get_data(as_text=True)
    assert post(admin, "/admin/transfer/import/run").status_code == 200


def test_the_cli_refuses_an_emptying_restore_without_confirm_deletions(app, tmp_path, database):
    path = tmp_path / "empty.json"
    path.write_bytes(EMPTY)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["kb", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "WARNING: This import would delete" in dry.output
    refused = runner.invoke(args=["kb", "import", str(path)])
    assert refused.exit_code != 0 and "--confirm-deletions" in refused.output
    assert database["service"].count > 0
    done = runner.invoke(args=["kb", "import", str(path), "--confirm-deletions"])
    assert done.exit_code == 0, done.output
    assert database["service"].count == 0


@pytest.mark.parametrize("percent, refused", [(50, True), (100, True), (101, False)])
def test_the_threshold_is_a_setting(app, tmp_path, percent, refused):
    path = tmp_path / "empty.json"
    path.write_bytes(EMPTY)
    db = connect(app.config["DATABASE"])
    if refused:
        with pytest.raises(ImportFailed):
            transfer.import_path(db, path, confirm_percent=percent)
    else:
        transfer.import_path(db, path, confirm_percent=percent)


def test_an_hsds_file_that_drops_most_services_of_a_big_source_needs_confirmation(app, tmp_path):
    db = connect(app.config["DATABASE"])
    services = [
        {
            "id": f"s{i}",
            "name": f"Service {i}",
            "status": "active",
            "organization": {"id": "o1", "name": "Org"},
        }
        for i in range(200)
    ]
    first = tmp_path / "big.json"
    first.write_text(json.dumps(services))
    transfer.import_path(db, first)
    first.write_text(json.dumps(services[:1]))
    report = transfer.import_path(db, first, dry_run=True)
    assert report.needs_confirmation()
    with pytest.raises(ImportFailed, match="199 of"):
        transfer.import_path(db, first)


def test_uploading_the_same_file_twice_replaces_its_services(admin, database):
    example = EXAMPLES / "service_full.json"
    for _ in range(2):
        assert _upload(admin, example.read_bytes(), "service_full.json").status_code == 200
        assert post(admin, "/admin/transfer/import/run").status_code == 200
    sources = [r["source"] for r in database.query("SELECT source FROM service")]
    assert sources.count("hsds:service_full") == 1
    assert not any("imports" in s or len(s) > 40 for s in sources)


def test_a_typed_source_name_is_used(admin, database):
    content = (EXAMPLES / "service_full.json").read_bytes()
    response = post(
        admin,
        "/admin/transfer/import",
        {"file": (io.BytesIO(content), "x.json"), "format": "", "source": "Partner list"},
        content_type="multipart/form-data",
    )
    assert "hsds:partner-list" in response.get_data(as_text=True)
    post(admin, "/admin/transfer/import/run")
    assert database["service"].count_where("source = 'hsds:partner-list'") == 1
