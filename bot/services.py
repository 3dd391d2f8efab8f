"""Choose services from the directory for a need and, where it matters, a place."""

from __future__ import annotations

import numpy as np

from bot import directory
from bot.directory import HOME_STATE, NEARBY_MILES, REFERRAL_KINDS
from bot.location import Place, miles
from bot.types import Knowledge, Service

__all__ = ["HOME_STATE", "REFERRAL_KINDS", "choose", "covers", "scan", "served_states"]


def served_states(kb: Knowledge) -> tuple[str, ...]:
    """States other than home where the directory has local services (their towns are known)."""
    return directory.of(kb).served_states


def within_reach(service: Service) -> bool:
    """True for national and home-state services: those worth naming when no place is known."""
    return service.scope == "national" or service.state == HOME_STATE


def covers(service: Service, place: Place | None) -> bool:
    """True when the service's area includes the place (or no place is known)."""
    if place is None or service.scope == "national":
        return True
    if service.scope == "state":
        return service.state == place.state
    if service.scope == "county":
        return service.state == place.state and place.county in service.counties
    return service.state == place.state and service.city.lower() == place.name.lower()


def _distance(service: Service, place: Place | None) -> float:
    if place is None or service.lat is None or service.lon is None:
        return 0.0
    return miles(place.lat, place.lon, service.lat, service.lon)


def choose(kb: Knowledge, terms: list[str], place: Place | None, limit: int = 3) -> list[Service]:
    """The best services for these categories near this place, with a phone, best first.

    Ranks only the services of the categories asked for in the areas that cover the
    place (or, when none does, on the map squares near it), read from the snapshot's
    directory index: the same services, in the same order, as scan() ranking them all.
    """
    found = directory.of(kb)
    if terms:
        buckets = [found.by_term[t] for t in set(terms) if t in found.by_term]
        if not buckets:
            return []
        # A service is in one bucket per category it shares with the message.
        candidates, counts = np.unique(np.concatenate(buckets), return_counts=True)
    else:
        candidates, counts = found.referral, np.zeros(len(found.referral), dtype=np.int64)
    if place is None:
        # "I need food" with no town: a food bank 1,000 miles away helps nobody.
        chosen, shared = _within(candidates, counts, found.reach)
        distance = np.zeros(len(chosen))
        home = np.ones(len(chosen), dtype=bool)  # within reach is home or national
    else:
        chosen, shared = _within(candidates, counts, found.covering(place))
        nearby = not chosen.size  # no service covers the place: those near it instead
        if nearby:
            chosen, shared = _within(candidates, counts, found.near(place))
        distance = found.miles(chosen, place)
        if nearby:
            keep = distance < NEARBY_MILES
            chosen, shared, distance = chosen[keep], shared[keep], distance[keep]
        state = found.state_code.get(place.state, -1)
        home = (found.state[chosen] == state) | found.national[chosen]
    # The scan's rank: covering first (all or none are here), more shared categories,
    # directories before programs, the place's own state, nearer, then by name; ties
    # keep the directory's order.
    order = np.lexsort(
        (chosen, found.name_rank[chosen], distance, ~home, found.other_kind[chosen], -shared)
    )
    picked, lines = [], set()
    for position in chosen[order]:
        if len(picked) >= limit:
            break
        line = found.first_line[position]
        if line not in lines:  # a program on its organisation's line is not listed twice
            picked.append(found.services[position])
            lines.add(line)
    return picked


def _within(
    candidates: np.ndarray, shared: np.ndarray, area: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates (sorted positions) in the area, with their shared-category counts."""
    chosen, kept, _ = np.intersect1d(candidates, area, assume_unique=True, return_indices=True)
    return chosen, shared[kept]


def scan(
    services: list[Service], terms: list[str], place: Place | None, limit: int = 3
) -> list[Service]:
    """choose() by ranking every service: the baseline the equivalence tests compare with."""
    candidates = [s for s in services if s.kind in REFERRAL_KINDS and s.phones]
    if place is None:
        candidates = [s for s in candidates if within_reach(s)]
    if terms:
        wanted = set(terms)
        candidates = [s for s in candidates if wanted & set(s.terms)]

    def rank(s: Service) -> tuple:
        shared = len(set(terms) & set(s.terms)) if terms else 0
        local = covers(s, place)
        home = s.state == (place.state if place else HOME_STATE) or s.scope == "national"
        return (not local, -shared, s.kind != "directory", not home, _distance(s, place), s.name)

    ranked = sorted(candidates, key=rank)
    if place is not None:
        ranked = [s for s in ranked if covers(s, place)] or [
            s for s in ranked if _distance(s, place) < NEARBY_MILES
        ]
    # One line per number: a program reached on its organisation's line is not listed twice
    # (one reached on its own extension of that line is).
    chosen, numbers = [], set()
    for service in ranked:
        first = (service.phones[0].number, service.phones[0].extension)
        if first not in numbers:
            chosen.append(service)
            numbers.add(first)
    return chosen[:limit]
