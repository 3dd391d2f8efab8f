"""Choose services from the directory for a need and, where it matters, a place."""

from __future__ import annotations

from bot.location import Place, miles
from bot.types import Knowledge, Service

REFERRAL_KINDS = ("directory", "program")
HOME_STATE = "CT"  # where the bot is deployed: its services come first when no place is known


def served_states(kb: Knowledge) -> tuple[str, ...]:
    """States other than home where the directory has local services (their towns are known)."""
    if "served_states" not in kb.derived:
        states = {s.state for s in kb.services if s.scope != "national" and s.state}
        kb.derived["served_states"] = tuple(sorted(states - {HOME_STATE}))
    return kb.derived["served_states"]


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


def choose(
    services: list[Service], terms: list[str], place: Place | None, limit: int = 3
) -> list[Service]:
    """The best services for these categories near this place, with a phone, best first."""
    candidates = [s for s in services if s.kind in REFERRAL_KINDS and s.phones]
    if place is None:
        # "I need food" with no town: a food bank 1,000 miles away helps nobody; the
        # engine asks where the person is instead.
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
            s for s in ranked if _distance(s, place) < 60
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
