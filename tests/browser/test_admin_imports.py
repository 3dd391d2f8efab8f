"""Imports as staff see them, in Chromium: unchecked rows on Not verified, History's entry."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from hsds_spec import MIAMI
from test_admin_editor import WAIT, sign_in

EXAMPLE = MIAMI.parents[1] / "spec-3.0-examples" / "service_full.json"


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


def test_an_import_in_history_is_a_readable_summary_with_its_report_and_no_revert(
    staff_server, page, undated
):
    url = staff_server.url
    sign_in(page, url, "admin")
    import_file(page, url, undated)
    for path in ("/admin/history", "/admin/"):
        page.goto(url + path)
        row = page.locator("table.changes tr").filter(has_text="import of")
        assert row.count() == 1, path
        text = row.inner_text()
        assert "county-directory.json" in text and "admin" in text
        assert "services: 1 added, 0 changed, 0 removed" in text
        assert "{" not in text  # no JSON
        assert row.get_by_role("button", name="Revert").count() == 0
        assert page.locator("a[href*='/admin/knowledge_base/']").count() == 0
    page.goto(url + "/admin/history")
    page.get_by_role("link", name="county-directory.json").click()
    page.get_by_role("heading", name="Import of county-directory.json").wait_for(timeout=WAIT)
    main = page.locator("main").inner_text()
    assert "hsds:county-directory" in main and "HSDS JSON" in main and "admin" in main
    service = page.get_by_role("row").filter(has_text="service").first.inner_text().split()
    assert service == ["service", "1", "1", "0", "1", "0", "0"]
    for where in (page.url, url + "/admin/history", url + "/admin/stale"):
        page.goto(where)
        found = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
        )
        serious = [
            v["id"] for v in found.response["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (where, serious)
