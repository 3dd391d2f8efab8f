"""The HSDS 3.0 read API under /hsds, checked against the spec's own schemas and openapi.json."""

import copy
import json

import pytest
import schemathesis
from hsds_spec import MIAMI, SPEC, errors, inline, needs_miami, needs_spec
from hypothesis import HealthCheck, given, settings

from app import create_app
from knowledge import transfer
from knowledge.db import connect
from knowledge.hsds_ids import hsds_id

API = {"HSDS_API": "1", "HSDS_RATE_LIMIT": "100000/minute"}
# Which schema each kind of response answers to (the spec's openapi.json names the same ones,
# except that it points /service_at_locations/{id} at service.json, which its own description
# contradicts: the object is a service_at_location).
LISTS = {
    "services": "compiled/service_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "organizations": "compiled/organization_list.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}
ONES = {
    "services": "compiled/service.json",
    "service_at_locations": "compiled/service_at_location.json",
    "organizations": "compiled/organization.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}

pytestmark = needs_spec


@pytest.fixture
def app_config():
    return API


def page_errors(body: dict) -> list[str]:
    """How a page envelope breaks the spec's Page schema."""
    openapi = json.loads((SPEC / "openapi.json").read_text())
    page = {**openapi["components"]["schemas"]["Page"], "required": ["contents"]}
    page["required"] += list(page["properties"])
    import jsonschema

    return [e.message for e in jsonschema.Draft202012Validator(page).iter_errors(body)]


def walk(client, sample_every: int = 1) -> tuple[int, dict[str, list[str]]]:
    """Every list page and (every nth) single object the API serves, with any schema errors."""
    problems: dict[str, list[str]] = {}
    checked = 0
    root = client.get("/hsds/")
    assert root.status_code == 200 and root.get_json()["version"] == "3.0"
    for kind, schema in LISTS.items():
        page, seen = 1, 0
        while True:
            response = client.get(f"/hsds/{kind}?per_page=100&page={page}")
            assert response.status_code == 200, response.data
            body = response.get_json()
            found = page_errors(body)
            for item in body["contents"]:
                found += errors(schema, item)
                if seen % sample_every == 0:
                    one = client.get(f"/hsds/{kind}/{item['id']}")
                    assert one.status_code == 200, one.data
                    found += [f"{item['id']}: {e}" for e in errors(ONES[kind], one.get_json())]
                    checked += 1
                seen += 1
            if found:
                problems[f"{kind} page {page}"] = found[:5]
            if body["last_page"]:
                break
            page += 1
        assert seen == body["total_items"]
    return checked, problems


def test_every_response_on_the_curated_base_validates(client):
    checked, problems = walk(client)
    assert problems == {}
    assert checked > 60


@pytest.fixture(scope="module")
def miami_app(tmp_path_factory):
    if not MIAMI.exists():
        pytest.skip("the Miami 211 file is not here")
    path = tmp_path_factory.mktemp("miami-api") / "bot.db"
    config = {"TESTING": True, "SECRET_KEY": "t", "PHONE_HASH_KEY": "t", "RETRAIN_ON_CHANGE": ""}
    app = create_app({**config, **API, "DATABASE": str(path)})
    transfer.import_path(connect(path), MIAMI)
    return app


@needs_miami
def test_every_list_page_and_a_sample_of_objects_validate_with_miami_loaded(miami_app):
    checked, problems = walk(miami_app.test_client(), sample_every=40)
    assert problems == {}
    assert checked > 100


def test_the_api_is_off_unless_switched_on(app):
    off = create_app({**app.config, "HSDS_API": ""})
    response = off.test_client().get("/hsds/services")
    assert response.status_code == 404
    assert "not switched on" in response.get_json()["error"]


def contents(client, query: str) -> list[dict]:
    response = client.get(f"/hsds/services?per_page=100&{query}")
    assert response.status_code == 200, response.data
    return response.get_json()["contents"]


def test_filters_narrow_the_services(client):
    names = {s["name"] for s in contents(client, "search=legal")}
    assert names and all("egal" in n for n in names)
    legal = hsds_id("taxonomy_term", "legal")
    tagged = contents(client, f"taxonomy_term_id={legal}")
    assert hsds_id("service", "ct-legal-services") in {s["id"] for s in tagged}
    assert len(tagged) < len(contents(client, ""))
    org = tagged[0]["organization_id"]
    assert {s["organization_id"] for s in contents(client, f"organization_id={org}")} == {org}
    assert contents(client, "modified_after=2999-01-01T00:00:00Z") == []
    # A Hartford ZIP: statewide and national services, not those of other states' counties.
    near = contents(client, "postcode=06106")
    assert hsds_id("service", "nhth") in {s["id"] for s in near}
    assert contents(client, f"taxonomy_term_id={hsds_id('taxonomy_term', 'nothing')}") == []


def test_pages_follow_per_page_and_page(client):
    first = client.get("/hsds/services?per_page=5").get_json()
    second = client.get("/hsds/services?per_page=5&page=2").get_json()
    assert first["size"] == 5 and first["first_page"] and not first["last_page"]
    assert {s["id"] for s in first["contents"]}.isdisjoint(s["id"] for s in second["contents"])
    huge = client.get("/hsds/services?per_page=100000").get_json()
    assert huge["size"] <= 100
    beyond = client.get("/hsds/services?page=1000000").get_json()
    assert beyond["empty"] and beyond["contents"] == []


@pytest.mark.parametrize("query", ["page=0", "per_page=-3", "page=two", "modified_after=yesterday"])
def test_bad_query_parameters_get_a_400_sentence(client, query):
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"].endswith(".")


def test_an_unknown_id_is_a_404_sentence(client):
    response = client.get("/hsds/services/not-a-service")
    assert response.status_code == 404
    assert response.get_json() == {"error": "No service has that id."}


def test_a_confidential_location_never_shows_its_address_or_position(client, database):
    database.execute(
        "UPDATE location SET confidential = 1, latitude = 41.7612, longitude = -72.6701 "
        "WHERE id = 'ct-legal-services-location'"
    )
    database.execute(
        "UPDATE address SET address_1 = '12 Hidden Lane', postal_code = '06106' "
        "WHERE location_id = 'ct-legal-services-location'"
    )
    sid = hsds_id("service", "ct-legal-services")
    sal = hsds_id("service_at_location", "ct-legal-services-at-ct-legal-services-location")
    bodies = [
        client.get(url).get_data(as_text=True)
        for url in (
            f"/hsds/services/{sid}",
            f"/hsds/service_at_locations/{sal}",
            "/hsds/service_at_locations?per_page=100",
            "/hsds/services?postcode=06106&per_page=100",
        )
    ]
    assert all("Hidden Lane" not in b and "41.7612" not in b for b in bodies)


def test_only_directory_routes_are_served(app):
    rules = sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/hsds"))
    kinds = ["organizations", "service_at_locations", "services", "taxonomies", "taxonomy_terms"]
    expected = ["/hsds/"] + [f"/hsds/{k}" for k in kinds] + [f"/hsds/{k}/<uid>" for k in kinds]
    assert rules == sorted(expected)
    methods = {m for r in app.url_map.iter_rules() if r.rule.startswith("/hsds") for m in r.methods}
    assert methods == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("app_config", [{**API, "HSDS_RATE_LIMIT": "3/minute"}])
def test_the_api_is_rate_limited(client):
    statuses = [client.get("/hsds/taxonomies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_no_cross_origin_reading_unless_configured(client):
    response = client.get("/hsds/", headers={"Origin": "https://211.example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "app_config", [{**API, "HSDS_CORS_ORIGINS": "https://211.example.org, https://c.example.org"}]
)
def test_configured_origins_may_read_from_the_browser(client):
    allowed = client.get("/hsds/", headers={"Origin": "https://211.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://211.example.org"
    other = client.get("/hsds/", headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in other.headers


def spec_document() -> dict:
    """The spec's openapi.json, self-contained, served from /hsds."""
    document = inline(json.loads((SPEC / "openapi.json").read_text()))
    document = copy.deepcopy(document)
    document["servers"] = [{"url": "/hsds"}]
    one = document["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    one["content"]["application/json"]["schema"] = inline(
        {"$ref": "compiled/service_at_location.json"}
    )
    return document


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ],
)
def test_schemathesis_from_the_spec_finds_no_server_error_or_bad_response(app, path):
    schema = schemathesis.openapi.from_dict(spec_document())
    schema.app = app
    operation = schema[path]["GET"]
    statuses = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        response = case.call()
        statuses.append(response.status_code)
        assert response.status_code < 500, response.text
        if response.status_code == 200:
            case.validate_response(response)

    run()
    assert statuses and all(s in (200, 400, 404) for s in statuses)
    if "{id}" in path:  # generated ids name nothing: ask for a real one too
        kind = path.split("/")[1]
        real = app.test_client().get(f"/hsds/{kind}").get_json()["contents"][0]["id"]
        case = operation.Case(path_parameters={"id": real})
        response = case.call()
        assert response.status_code == 200
        case.validate_response(response)
    else:
        assert 200 in statuses
