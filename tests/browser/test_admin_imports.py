"""Imports as staff see them, in Chromium: unchecked rows on Not verified, History's entry."""

import json

import pytest
from admin_support import add_staff
from hsds_spec import MIAMI
from test_admin_editor import WAIT, sign_in

EXAMPLE = MIAMI.parents[1] / "spec-3.0-examples" / "service_full.json"


@pytest.fixture
def staff_server(live_app, live_server):
    add_staff(live_app)
    return live_server


@pytest.fixture
def undated(tmp_path):
    """The spec's example service without any date: nobody says when it was checked."""
    service = json.loads(EXAMPLE.read_text())
    for name in ("assured_date", "last_modified", "metadata"):
        service.pop(name, None)
    path = tmp_path / "county-directory.json"
    path.write_text(json.dumps(service))
    return path


def import_file(page, url, path):
    """Upload a file on the Import page, dry-run it, then import it for real."""
    page.goto(url + "/admin/transfer")
    page.get_by_label("File (.zip or .json)").set_input_files(str(path))
    page.get_by_role("button", name="Dry run").click()
    page.get_by_role("button", name="Import for real").click()
    page.get_by_role("heading", name=f"Imported {path.name}").wait_for(timeout=WAIT)


def test_an_imported_service_without_a_date_waits_on_the_not_verified_page(
    staff_server, page, undated
):
    sign_in(page, staff_server.url, "admin")
    import_file(page, staff_server.url, undated)
    page.goto(staff_server.url + "/admin/stale")
    row = page.get_by_role("row").filter(has_text="Community Counselling")
    row.first.wait_for(timeout=WAIT)
    assert "never" in row.first.inner_text()
    assert "hsds:county-directory" in row.first.inner_text()
    row.first.get_by_role("button", name="Mark Community Counselling verified").click()
    page.get_by_role("status").get_by_text("as verified today").wait_for(timeout=WAIT)
    assert page.get_by_role("row").filter(has_text="Community Counselling").count() == 0
