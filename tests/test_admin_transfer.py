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
