"""Odd and hostile import files: each refused with a sentence, nothing changed, nothing left."""

import io
import json
import zipfile

import pytest
from admin_support import add_staff, post, sign_in

from knowledge import transfer
from knowledge.db import connect
from knowledge.import_report import ImportFailed

pytestmark = pytest.mark.usefixtures("release_spooled_uploads")

SERVICES = "id,organization_id,name,status\ns1,o1,Service,active\n"
ORGS = "id,name\no1,Org\n"


def _zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _service(**fields) -> bytes:
    return json.dumps([{"id": "s1", "name": "S", "status": "active", **fields}]).encode()


MALFORMED = {
    "resources-string": (
        "p.zip",
        "",
        _zip(
            {
                "datapackage.json": '{"resources": "x"}',
                "services.csv": SERVICES,
                "organizations.csv": ORGS,
            }
        ),
    ),
    "resources-dict": (
        "p.zip",
        "",
        _zip(
            {
                "datapackage.json": '{"resources": {"a": 1}}',
                "services.csv": SERVICES,
                "organizations.csv": ORGS,
            }
        ),
    ),
    "resource-not-object": (
        "p.zip",
        "",
        _zip({"datapackage.json": '{"resources": [1, "x"]}', "services.csv": SERVICES}),
    ),
    "huge-csv-field": (
        "p.zip",
        "",
        _zip(
            {
                "organizations.csv": ORGS,
                "services.csv": SERVICES + 's2,o1,"' + "x" * 140_000 + '",active\n',
            }
        ),
    ),
    "not-utf8-csv": ("p.zip", "", _zip({"services.csv": b"id,name\n\xff\xfe\xfa,x\n"})),
    "non-integer": (
        "kb.zip",
        "",
        _zip(
            {
                "service.csv": "id,name\n",
                "rule.csv": "id,intent,lang,phrase,weight\nabc,info,en,x,1\n",
            }
        ),
    ),
    "non-number-weight": (
        "kb.zip",
        "",
        _zip(
            {
                "service.csv": "id,name\n",
                "rule.csv": "id,intent,lang,phrase,weight\n1,info,en,x,heavy\n",
            }
        ),
    ),
    "kb-json-row-types": ("kb.json", "", json.dumps({"service": [1, "x", None]}).encode()),
    "kb-json-cell-types": (
        "kb.json",
        "",
        json.dumps({"service": [{"id": {"a": 1}, "name": [1]}]}).encode(),
    ),
    "hsds-attributes": ("s.json", "", _service(attributes=["x", 1])),
    "hsds-phones-strings": ("s.json", "", _service(phones=["555-1234"])),
    "hsds-phone-number-types": ("s.json", "", _service(phones=[{"id": "p", "number": 5551234}])),
    "hsds-organization-string": ("s.json", "", _service(organization="Org")),
    "hsds-tabular-rows": ("t.json", "", json.dumps({"services.csv": [1, "x"]}).encode()),
    "hsds-deep-nesting": ("d.json", "", b"[" * 100_000 + b"]" * 100_000),
    "format-kb-csv-for-json": ("kb.json", "kb-csv", b'{"service": []}'),
    "format-kb-json-for-zip": ("p.zip", "kb-json", _zip({"services.csv": SERVICES})),
    "format-hsds-json-for-zip": ("p.zip", "hsds-json", _zip({"services.csv": SERVICES})),
    "format-datapackage-for-json": ("s.json", "hsds-datapackage", _service()),
}


@pytest.fixture
def admin(app, client):
    add_staff(app, "admin")
    sign_in(client, "admin")
    return client


def _upload(client, content: bytes, name: str, fmt: str = ""):
    return post(
        client,
        "/admin/transfer/import",
        {"file": (io.BytesIO(content), name), "format": fmt},
        content_type="multipart/form-data",
    )


def _left(app) -> list:
    folder = __import__("pathlib").Path(app.config["DATABASE"]).parent / "imports"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_is_refused_with_a_sentence_and_changes_nothing(app, tmp_path, case):
    name, fmt, content = MALFORMED[case]
    path = tmp_path / name
    path.write_bytes(content)
    db = connect(app.config["DATABASE"])
    before = db["service"].count
    try:
        report = transfer.import_path(db, path, fmt or None, dry_run=True)
    except ImportFailed as exc:
        assert str(exc).startswith("Nothing was changed: ")
    else:  # read, with the odd rows rejected: the bad values never reach the table
        assert report.rejected or report.notes
    assert db["service"].count == before
    assert not db.execute("SELECT count(*) FROM service WHERE name LIKE '%xxxxxxxx%'").fetchone()[0]


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_upload_gets_a_4xx_and_leaves_no_file(app, admin, case):
    name, fmt, content = MALFORMED[case]
    response = _upload(admin, content, name, fmt)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Nothing was changed" in response.get_data(as_text=True)
        assert _left(app) == []


@pytest.fixture
def app_config():
    return {"IMPORT_MAX_UNCOMPRESSED": "1000000", "IMPORT_MAX_MEMBERS": "5"}


@pytest.mark.parametrize(
    "members",
    [{"services.csv": b"0" * 2_000_000}, {f"f{i}.csv": "a\n" for i in range(6)}],
    ids=["bomb", "many"],
)
def test_a_zip_over_the_limits_is_refused_before_it_is_unpacked(app, admin, members):
    response = _upload(admin, _zip(members), "p.zip")
    assert response.status_code == 400
    assert "IMPORT_MAX_" in response.get_data(as_text=True)
    assert _left(app) == []


def test_a_body_over_the_upload_limit_is_refused_before_sign_in(app, client):
    app.config["IMPORT_MAX_UPLOAD"] = "1000"
    response = client.post(
        "/admin/transfer/import",
        data={"file": (io.BytesIO(b"x" * 5000), "p.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413  # not a redirect to sign in, not a CSRF refusal
