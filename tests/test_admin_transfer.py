"""Import and export pages in the editor: downloads, dry run first, then the real run."""

import io
import json
from pathlib import Path

import pytest
from admin_support import add_staff, post, sign_in

from knowledge import audit
from knowledge.db import connect

EXAMPLE = Path(__file__).resolve().parents[2] / "shared/hsds/spec-3.0-examples/service_full.json"


pytestmark = pytest.mark.usefixtures("release_spooled_uploads")


@pytest.fixture
def admin(app, client):
    add_staff(app, "admin", "editor")
    sign_in(client, "admin")
    return client


def upload(client, content: bytes, name: str, fmt: str = ""):
    return post(
        client,
        "/admin/transfer/import",
        {"file": (io.BytesIO(content), name), "format": fmt},
        content_type="multipart/form-data",
    )


def test_json_export_downloads_every_content_table(admin):
    response = admin.get("/admin/transfer/export/json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert any(s["id"] == "nhth" for s in json.loads(response.data)["service"])


@pytest.mark.parametrize("fmt", ["csv", "hsds-json", "hsds-datapackage"])
def test_every_export_format_downloads(admin, fmt):
    response = admin.get(f"/admin/transfer/export/{fmt}")
    assert response.status_code == 200
    assert len(response.data) > 100


def test_unknown_export_format_is_a_404_sentence(admin):
    assert admin.get("/admin/transfer/export/xml").status_code == 404


def test_dry_run_reports_counts_and_changes_nothing(app, admin, database):
    exported = admin.get("/admin/transfer/export/json").data
    before = database["service"].count
    data = json.loads(exported)
    data["service"][0]["name"] = "Renamed in the file"
    response = upload(admin, json.dumps(data).encode(), "kb.json")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Dry run of kb.json" in html
    assert "Import for real" in html
    assert database["service"].count == before
    assert database["service"].get(data["service"][0]["id"])["name"] != "Renamed in the file"


def test_real_run_imports_the_dry_run_file_and_logs_it(app, admin, database):
    data = json.loads(admin.get("/admin/transfer/export/json").data)
    data["service"][0]["name"] = "Renamed in the file"
    upload(admin, json.dumps(data).encode(), "kb.json")
    response = post(admin, "/admin/transfer/import/run")
    assert response.status_code == 200
    assert database["service"].get(data["service"][0]["id"])["name"] == "Renamed in the file"
    db = connect(app.config["DATABASE"])
    assert audit.history(db, "knowledge_base")[0]["last_action_type"] == "import"


def test_hsds_example_imports_and_its_services_reach_the_bot(app, admin, database):
    before = database["service"].count
    assert upload(admin, EXAMPLE.read_bytes(), "service_full.json").status_code == 200
    assert post(admin, "/admin/transfer/import/run").status_code == 200
    assert database["service"].count > before


def test_file_that_is_not_json_is_refused_and_changes_nothing(admin, database):
    before = database["service"].count
    response = upload(admin, b"not json at all", "broken.json")
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert post(admin, "/admin/transfer/import/run").status_code == 400
    assert database["service"].count == before


def test_wrong_file_type_is_refused(admin):
    response = upload(admin, b"a,b\n", "table.csv")
    assert response.status_code == 400
    assert ".zip" in response.get_data(as_text=True)


def test_uploads_larger_than_the_api_limit_are_accepted(admin):
    big = json.loads(admin.get("/admin/transfer/export/json").data)
    big["faq"][0]["topic"] += " " + "x" * 100_000  # well over the 64 KB API body limit
    response = upload(admin, json.dumps(big).encode(), "big.json")
    assert response.status_code == 200
    assert "Dry run of big.json" in response.get_data(as_text=True)


def test_editor_cannot_import(app, client):
    add_staff(app, "editor")
    sign_in(client, "editor")
    assert upload(client, b"{}", "kb.json").status_code == 403


def import_for_real(admin, content: bytes, name: str):
    upload(admin, content, name)
    return post(admin, "/admin/transfer/import/run")


def test_an_import_is_logged_as_a_summary_with_a_report_and_no_revert(app, admin, database):
    response = import_for_real(admin, EXAMPLE.read_bytes(), "service_full.json")
    assert "/admin/imports/" in response.get_data(as_text=True)
    (entry,) = audit.history(database, "knowledge_base")
    summary = json.loads(entry["replacement_value"])
    assert summary["file"] == "service_full.json"
    assert summary["changes"]["service"] == {"added": 1, "changed": 0, "removed": 0}
    for page in ("/admin/history", "/admin/"):
        html = admin.get(page).get_data(as_text=True)
        assert f'href="/admin/imports/{entry["id"]}">service_full.json</a>' in html
        assert "services: 1 added, 0 changed, 0 removed" in html
        assert f"Revert change {entry['id']}" not in html
        assert "/admin/knowledge_base/" not in html and "&#34;counts&#34;" not in html
    report = admin.get(f"/admin/imports/{entry['id']}")
    assert report.status_code == 200
    text = report.get_data(as_text=True)
    assert "Import of service_full.json" in text and "hsds:service_full" in text
    assert "<dd>admin</dd>" in text and "HSDS JSON" in text
    assert post(admin, f"/admin/history/{entry['id']}/revert").status_code == 409


def test_importing_the_same_file_again_reports_nothing_added(admin, database):
    import_for_real(admin, EXAMPLE.read_bytes(), "service_full.json")
    import_for_real(admin, EXAMPLE.read_bytes(), "service_full.json")
    newest = audit.history(database, "knowledge_base")[0]
    assert json.loads(newest["replacement_value"])["changes"] == {}
    assert "0 rows added, 0 changed, 0 removed" in admin.get("/admin/history").get_data(
        as_text=True
    )


def test_a_restore_counts_what_it_changes_and_removes(admin, database):
    data = json.loads(admin.get("/admin/transfer/export/json").data)
    data["service"][0]["name"] = "Renamed in the file"
    data["faq"] = data["faq"][1:]
    import_for_real(admin, json.dumps(data).encode(), "kb.json")
    changes = json.loads(audit.history(database, "knowledge_base")[0]["replacement_value"])[
        "changes"
    ]
    assert changes == {
        "service": {"added": 0, "changed": 1, "removed": 0},
        "faq": {"added": 0, "changed": 0, "removed": 1},
    }


def test_an_import_logged_before_summaries_still_reads_as_a_sentence(admin, database):
    old = {
        "format": "hsds-datapackage",
        "counts": {"service": {"read": 9, "imported": 7, "rejected": 2}},
    }
    audit.record(
        database, "knowledge_base", "hsds:old", "import", "*", None, json.dumps(old), "maria"
    )
    html = admin.get("/admin/history").get_data(as_text=True)
    assert "7 rows imported, 2 rejected." in html and "&#34;format&#34;" not in html
    entry = audit.history(database, "knowledge_base")[0]
    assert "hsds:old" in admin.get(f"/admin/imports/{entry['id']}").get_data(as_text=True)


def test_only_imports_have_an_import_report(admin):
    assert admin.get("/admin/imports/999999").status_code == 404


def test_an_import_from_the_command_line_is_in_the_history_too(app, database):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["kb", "import", str(EXAMPLE), "--dry-run"])
    assert dry.exit_code == 0 and "would add 11 rows, change 0, remove 0" in dry.output
    assert audit.history(database, "knowledge_base") == []  # a dry run changes nothing
    done = runner.invoke(args=["kb", "import", str(EXAMPLE)])
    assert done.exit_code == 0, done.output
    (entry,) = audit.history(database, "knowledge_base")
    assert entry["updated_by"] == "command line"
    assert json.loads(entry["replacement_value"])["file"] == "service_full.json"
