"""Towns and ZIP codes (Connecticut first), resolved offline with the zipcodes package."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import zipcodes
from rapidfuzz import fuzz, process

from bot.normalize import clean


@dataclass(frozen=True)
class Place:
    """A town (or ZIP) a person says they are in."""

    name: str
    county: str
    state: str
    lat: float
    lon: float
    zip: str = ""
    guessed: bool = False  # a misspelt Connecticut town, matched fuzzily


# Places outside Connecticut that the referral directory serves, by the words people use.
NEIGHBOURS = {
    "westchester": ("Westchester County", "Westchester County", "NY", 41.12, -73.79),
    "white plains": ("White Plains", "Westchester County", "NY", 41.03, -73.76),
    "long island": ("Long Island", "Suffolk County", "NY", 40.79, -73.13),
    "nassau": ("Nassau County", "Nassau County", "NY", 40.73, -73.59),
    "suffolk": ("Suffolk County", "Suffolk County", "NY", 40.88, -72.85),
}
STATEWIDE = {"connecticut", "ct", "conn"}


@lru_cache(maxsize=64)
def _state_towns(state: str) -> dict[str, Place]:
    """Every town of one other state (normalised name -> place), for imported directories."""
    towns: dict[str, list[dict]] = {}
    for z in zipcodes.filter_by(state=state):
        if z.get("zip_code_type") in ("MILITARY",):
            continue
        for city in [z["city"], *z.get("acceptable_cities", [])]:
            towns.setdefault(clean(city), []).append(z)
    places = {}
    for key, zips in towns.items():
        lat = sum(float(z["lat"]) for z in zips) / len(zips)
        lon = sum(float(z["long"]) for z in zips) / len(zips)
        places[key] = Place(zips[0]["city"], zips[0]["county"], state, lat, lon)
    return places


@lru_cache(maxsize=1)
def _towns() -> dict[str, Place]:
    """Every Connecticut town name (normalised) with a representative point, and neighbours."""
    places = dict(_state_towns("CT"))
    for key, (name, county, state, lat, lon) in NEIGHBOURS.items():
        places[key] = Place(name, county, state, lat, lon)
    return places


@lru_cache(maxsize=16)
def _known_towns(states: tuple[str, ...]) -> dict[str, Place]:
    """Connecticut's towns and neighbours, then those of the given states (CT wins a tie)."""
    merged: dict[str, Place] = {}
    for state in states:
        for key, place in _state_towns(state).items():
            merged.setdefault(key, place)
    return {**merged, **_towns()}


def prepare(states: Iterable[str]) -> None:
    """Read the towns of these states (and Connecticut's) now, not on the first message."""
    extra = tuple(sorted({s.upper() for s in states} - {"CT"}))
    if extra:
        _known_towns(extra)
    else:
        _towns()


@lru_cache(maxsize=4096)  # zipcodes.matching scans its whole list on every call
def by_zip(code: str) -> Place | None:
    """The place for a five-digit US ZIP code, if it exists."""
    try:
        found = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    z = found[0]
    return Place(z["city"], z["county"], z["state"], float(z["lat"]), float(z["long"]), code)


def find_place(text: str, fuzzy: bool = True, states: Iterable[str] = ()) -> Place | None:
    """The first US ZIP, Connecticut town or neighbouring county named in the text."""
    return locate(clean(text).split(), fuzzy, states)


def locate(words: list[str], fuzzy: bool = True, states: Iterable[str] = ()) -> Place | None:
    """find_place for words already cleaned (see normalize.clean).

    states adds the towns of other states (those the directory has services in), matched
    exactly; misspellings are forgiven only for Connecticut towns (and marked guessed).
    """
    for word in words:
        if re.fullmatch(r"\d{5}", word):
            place = by_zip(word)
            if place:
                return place
    extra = tuple(sorted({s.upper() for s in states} - {"CT"}))
    home = _towns()
    towns = _known_towns(extra) if extra else home
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            gram = " ".join(words[i : i + size])
            place = towns.get(gram)
            if place and (size > 1 or gram in home or _named_as_place(words, i, extra)):
                return place
    if fuzzy:
        # Misspelt town names, only for words long enough not to collide with others.
        for size in (2, 1):
            for i in range(len(words) - size + 1):
                gram = " ".join(words[i : i + size])
                if len(gram) < 6:
                    continue
                found = _misspelt_town(gram)
                if found:
                    return found
    if any(w in STATEWIDE for w in words):
        return Place("Connecticut", "", "CT", 41.6, -72.7)
    return None


# Words before a town that say a place follows ("food in miami", "cerca de rome").
PLACE_CUES = {"in", "near", "around", "outside", "from", "en", "desde", "cerca"}


def _named_as_place(words: list[str], i: int, states: tuple[str, ...]) -> bool:
    """True when the one word at i is said as a place, not merely a word that is a town.

    Another state's towns include everyday words ("fine" and "ruby" in New York, "hope"
    in Rhode Island, "union" and "deal" in New Jersey), so one of them counts only after a
    place word, before its state's abbreviation ("miami fl"), or as the whole message
    ("miami", sent when asked where). Connecticut's towns and names of two or more words
    are taken as they stand.
    """
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if before in PLACE_CUES or (before == "de" and i > 1 and words[i - 2] == "cerca"):
        return True
    if after.upper() in states:
        return True
    return len(words) == 1


# Grams are one or two words ("my boss", "new haven"): common pairs recur in every other
# message, so each is compared with the towns once; a flood of new ones only evicts.
@lru_cache(maxsize=20_000)
def _misspelt_town(gram: str) -> Place | None:
    """The Connecticut town a gram of 6+ letters is a misspelling of (guessed), if any."""
    home = _towns()
    found = process.extractOne(gram, home.keys(), scorer=fuzz.ratio, score_cutoff=86)
    return replace(home[found[0]], guessed=True) if found else None


def miles(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in miles."""
    la1, lo1, la2, lo2 = map(math.radians, (a_lat, a_lon, b_lat, b_lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 3958.8 * 2 * math.asin(math.sqrt(h))
