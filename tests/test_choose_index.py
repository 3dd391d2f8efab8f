"""services.choose() through the directory index picks what ranking every service picks.

choose() reads only the services of the categories asked for in the areas that cover the
place, or on the map squares near it; scan() ranks the whole directory, as choose() did
before the index. They are compared on thousands of queries over a directory grown with
generated services, including the awkward ones: national lines, other states, no
coordinates, shared phone numbers (with and without extensions) and names, places no service covers.
"""

import random
from dataclasses import replace

import pytest

from bench.knowledge_base import generated
from bot import directory
from bot.engine import respond
from bot.location import Place, by_zip
from bot.services import choose, scan
from bot.types import Phone, Session
from knowledge import db, queries

ZIPS = [
    "06101",  # Hartford
    "06510",  # New Haven
    "06830",  # Greenwich, on the New York line
    "06320",  # New London
    "06279",  # Willington, a small town
    "10601",  # White Plains NY
    "02891",  # Westerly RI: no Rhode Island service, Connecticut's within 60 miles
    "01101",  # Springfield MA
    "33101",  # Miami FL
    "99501",  # Anchorage AK: nothing near
]


def _varied(services, seed=3):
    """Generated services made awkward: other scopes and states, gaps, shared numbers."""
    rng = random.Random(seed)
    out = []
    for n, s in enumerate(services):
        roll = rng.random()
        if roll < 0.05:
            s = replace(s, scope="national", counties=(), state="")
        elif roll < 0.12:
            s = replace(s, scope="state", state=rng.choice(("NY", "MA", "FL")), counties=())
        elif roll < 0.17:
            s = replace(s, scope="city", state="NY", city="White Plains", lat=41.03, lon=-73.76)
        elif roll < 0.22:
            s = replace(s, lat=None, lon=None)
        elif roll < 0.27:
            s = replace(s, scope="county", counties=("Hartford County", "Tolland County"))
        roll = rng.random()
        if roll < 0.08:  # a program on its organisation's line
            s = replace(s, phones=(Phone(services[n // 2].phones[0].number),))
        elif roll < 0.14:  # a program on its own extension of that line
            s = replace(s, phones=(Phone(services[n // 2].phones[0].number, extension="12"),))
        if rng.random() < 0.05:
            s = replace(s, name="Legal Aid")
        if rng.random() < 0.02:
            s = replace(s, phones=())
        if rng.random() < 0.03:
            s = replace(s, kind="hotline")
        out.append(s)
    return out


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """The curated knowledge base grown by 3,000 varied generated services."""
    path = tmp_path_factory.mktemp("kb") / "bot.db"
    db.prepare(path)
    base = queries.load(db.connect(path))
    services = base.services + _varied(generated(3000, [t.id for t in base.terms]))
    return replace(base, services=services, derived={})


def _places():
    places = [None, *(by_zip(z) for z in ZIPS)]
    places.append(Place("Connecticut", "", "CT", 41.6, -72.7))
    places.append(Place("Nowhere", "", "ZZ", 0.0, 0.0))
    return places


def _ids(services):
    return [s.id for s in services]


@pytest.fixture(scope="module")
def local_only(kb):
    """The same directory without national lines: places no service covers get those nearby."""
    services = [s for s in kb.services if s.scope != "national"]
    return replace(kb, services=services, derived={})


@pytest.mark.parametrize("which", ["kb", "local_only"])
def test_the_narrowed_choice_is_the_full_scan_on_many_queries(which, request):
    kb = request.getfixturevalue(which)
    rng = random.Random(11)
    term_ids = [t.id for t in kb.terms] + ["no-such-category"]
    compared = 0
    for place in _places():
        for _ in range(120):
            terms = rng.sample(term_ids, rng.choice((0, 1, 1, 2, 3)))
            limit = rng.choice((1, 3, 3, 5))
            assert _ids(choose(kb, terms, place, limit)) == _ids(
                scan(kb.services, terms, place, limit)
            ), (terms, place, limit)
            compared += 1
    assert compared > 1400


def test_places_no_service_covers_get_those_nearby_or_unmapped(local_only):
    westerly, anchorage = by_zip("02891"), by_zip("99501")
    near_westerly = choose(local_only, [], westerly, 20)
    assert near_westerly == scan(local_only.services, [], westerly, 20)
    assert near_westerly and all(s.state == "CT" for s in near_westerly)
    far = choose(local_only, [], anchorage, 20)
    assert far == scan(local_only.services, [], anchorage, 20)
    assert far and all(s.lat is None for s in far)  # no coordinates: ranked at 0 miles


@pytest.mark.parametrize("zip_code", ZIPS)
def test_every_service_near_a_place_is_on_a_square_the_index_reads(kb, zip_code):
    place = by_zip(zip_code)
    found = directory.of(kb)
    near = set(found.near(place).tolist())
    for position in found.referral.tolist():
        s = kb.services[position]
        if s.lat is not None and float(found.miles(position, place)) < 60:
            assert position in near, (s.id, zip_code)


def test_named_services_come_in_the_directory_order(kb):
    found = directory.of(kb)
    ids = [kb.services[9].id, kb.services[2].id, "no-such-service", kb.services[2].id]
    assert _ids(found.named(ids)) == [kb.services[2].id, kb.services[9].id]


def test_a_conversation_gets_the_same_services_as_before(kb, monkeypatch):
    """The engine's whole reply is unchanged: choose() in place of the full scan."""
    texts = ["i need a lawyer in hartford", "food", "06830", "shelter near new london"]
    replies = [_ids(respond(t, Session(), kb, now=1e9).resources) for t in texts]
    full_scan = lambda kb_, terms, place, limit=3: scan(kb_.services, terms, place, limit)  # noqa: E731
    monkeypatch.setattr("bot.engine.choose", full_scan)
    before = [_ids(respond(t, Session(), kb, now=1e9).resources) for t in texts]
    assert replies == before
    assert any(replies)


def test_a_program_on_its_own_extension_is_listed_beside_its_organisation(kb):
    """One line per number and extension: "ext. 12" reaches someone else than the main line."""
    main = next(s for s in kb.services if s.kind == "directory" and "legal" in s.terms)
    number = main.phones[0].number
    program = replace(main, id="own-extension", phones=(Phone(number, extension="12"),))
    shared = replace(main, id="same-line", phones=(Phone(number),))
    three = replace(kb, services=[main, program, shared], derived={})
    picked = _ids(choose(three, ["legal"], None))
    assert picked == _ids(scan(three.services, ["legal"], None))
    assert picked == [main.id, "own-extension"]
