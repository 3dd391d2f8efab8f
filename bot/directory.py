"""The referral services of one snapshot, filed by id, category, area and map square.

services.choose() reads a reply's few candidates from here instead of ranking the whole
directory: the services of the categories asked for, within the area buckets that cover
the place (national, its state, its county, its town), or near it on the map. A reply
then costs about the same with 20 services or 10,000; tests/test_choose_index.py checks
that it picks exactly what ranking every service picks.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from bot.location import Place
from bot.types import Knowledge, Service

REFERRAL_KINDS = ("directory", "program")
HOME_STATE = "CT"  # where the bot is deployed: its services come first when no place is known
NEARBY_MILES = 60  # when no service covers the place, those this close are named instead
EARTH_MILES = 3958.8  # the radius bot.location.miles uses
EMPTY = np.zeros(0, dtype=np.int64)


def _positions(values) -> np.ndarray:
    return np.unique(np.fromiter(values, dtype=np.int64)) if values else EMPTY


def area_key(service: Service) -> tuple[str, ...]:
    """The bucket of a service's area, mirroring services.covers() (one per county)."""
    if service.scope == "national":
        return ("national",)
    if service.scope == "state":
        return ("state", service.state)
    if service.scope == "county":
        return ("county", service.state)  # the counties are added by the caller
    return ("city", service.state, service.city.lower())


class Directory:
    """Lookups over one snapshot's services, built once with it."""

    def __init__(self, services: list[Service]) -> None:
        self.services = services
        self.position = {s.id: i for i, s in enumerate(services)}
        count = len(services)
        by_term: dict[str, set[int]] = defaultdict(set)
        by_area: dict[tuple, set[int]] = defaultdict(set)
        by_square: dict[tuple[int, int], set[int]] = defaultdict(set)
        referral, reach, nowhere = [], [], []
        self.lat = np.zeros(count)
        self.lon = np.zeros(count)
        self.mapped = np.zeros(count, dtype=bool)
        self.other_kind = np.ones(count, dtype=bool)  # not a directory: ranked after those
        self.national = np.zeros(count, dtype=bool)
        states = sorted({s.state for s in services})
        self.state_code = {state: n for n, state in enumerate(states)}
        self.state = np.array([self.state_code[s.state] for s in services], dtype=np.int64)
        names = sorted({s.name for s in services})
        name_rank = {name: n for n, name in enumerate(names)}
        self.name_rank = np.array([name_rank[s.name] for s in services], dtype=np.int64)
        # One line per number and extension: what choose() lists each service under.
        self.first_line = [
            (s.phones[0].number, s.phones[0].extension) if s.phones else ("", "") for s in services
        ]
        for i, s in enumerate(services):
            self.other_kind[i] = s.kind != "directory"
            self.national[i] = s.scope == "national"
            if s.kind not in REFERRAL_KINDS or not s.phones:
                continue
            referral.append(i)
            if s.scope == "national" or s.state == HOME_STATE:
                reach.append(i)
            for term in s.terms:
                by_term[term].add(i)
            key = area_key(s)
            if key[0] == "county":
                for county in s.counties:
                    by_area[(*key, county)].add(i)
            else:
                by_area[key].add(i)
            if s.lat is None or s.lon is None:
                nowhere.append(i)
            else:
                self.lat[i], self.lon[i], self.mapped[i] = s.lat, s.lon, True
                by_square[(math.floor(s.lat), math.floor(s.lon) % 360)].add(i)
        self.referral = _positions(referral)
        self.reach = _positions(reach)
        self.nowhere = _positions(nowhere)  # no coordinates: 0 miles from anywhere, as ranked
        self.by_term = {term: _positions(found) for term, found in by_term.items()}
        self.by_area = {key: _positions(found) for key, found in by_area.items()}
        self.by_square = {key: _positions(found) for key, found in by_square.items()}
        self.served_states = tuple(
            sorted({s.state for s in services if s.scope != "national" and s.state} - {HOME_STATE})
        )

    def named(self, ids) -> list[Service]:
        """The services with these ids, in the directory's order."""
        found = sorted(self.position[i] for i in set(ids) if i in self.position)
        return [self.services[p] for p in found]

    def covering(self, place: Place) -> np.ndarray:
        """Positions of the referral services whose area includes the place."""
        keys = (
            ("national",),
            ("state", place.state),
            ("county", place.state, place.county),
            ("city", place.state, place.name.lower()),
        )
        parts = [self.by_area[k] for k in keys if k in self.by_area]
        return np.sort(np.concatenate(parts)) if parts else EMPTY

    def near(self, place: Place) -> np.ndarray:
        """Positions of the referral services on map squares within NEARBY_MILES, and unmapped.

        A square is 1 degree each way. A point that close is at most NEARBY_MILES / R
        radians of latitude away, and at most the haversine bound below in longitude, so
        no service within reach sits on a square left out.
        """
        reach = NEARBY_MILES / EARTH_MILES
        dlat = math.degrees(reach) + 1e-9
        low, high = math.floor(place.lat - dlat), math.floor(place.lat + dlat)
        widest = min(90.0, max(abs(place.lat - dlat), abs(place.lat + dlat)))
        bound = math.sin(reach / 2) / max(math.cos(math.radians(widest)), 1e-12)
        if bound >= 1:
            columns = range(360)
        else:
            dlon = math.degrees(2 * math.asin(bound)) + 1e-9
            first, last = math.floor(place.lon - dlon), math.floor(place.lon + dlon)
            columns = range(first, last + 1) if last - first < 360 else range(360)
        parts = [self.nowhere]
        for row in range(low, high + 1):
            for column in {c % 360 for c in columns}:
                found = self.by_square.get((row, column))
                if found is not None:
                    parts.append(found)
        return np.unique(np.concatenate(parts))

    def miles(self, positions: np.ndarray, place: Place) -> np.ndarray:
        """Great-circle miles from the place to each service (0 for one not on the map)."""
        la1, lo1 = math.radians(place.lat), math.radians(place.lon)
        la2, lo2 = np.radians(self.lat[positions]), np.radians(self.lon[positions])
        h = (
            np.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
        )
        distance = EARTH_MILES * 2 * np.arcsin(np.sqrt(h))
        return np.where(self.mapped[positions], distance, 0.0)


def of(kb: Knowledge) -> Directory:
    """The directory lookups for a snapshot, built on first use and kept with it."""
    found = kb.derived.get("directory")
    if found is None:
        found = kb.derived["directory"] = Directory(kb.services)
    return found
