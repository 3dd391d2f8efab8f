"""Field checks and clean-ups for imported rows: phones, URLs, text, places."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlsplit

import phonenumbers
import zipcodes

from knowledge import phone_rules

MARKER = re.compile(r"#{3}[A-Z]{2,}#{3}")  # 211 export markers such as ###MON###
# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and "%").
URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", re.I)


class FieldError(ValueError):
    """A value that cannot be used; args are (kind, detail)."""


def phone(raw: object, region: str = "US") -> tuple[str, str, str]:
    """(E.164 number, extension digits, menu option) for a phone as exports write it, or
    FieldError."""
    text = str(raw or "").strip().strip('"').strip()
    if not text:
        raise FieldError("missing required field", "number is empty")
    text, extension, option = phone_rules.split_extension(text)
    problem = phone_rules.n11_problem(text)
    if problem:  # the shared rule: the editor refuses the same numbers
        raise FieldError("bad phone", problem)
    digits = re.sub(r"\D", "", text)
    if len(digits) <= 6 and not text.startswith("+"):
        raise FieldError("bad phone", f"{raw!r} is a short code, not a full phone number")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise FieldError("bad phone", f"{raw!r} is not a phone number ({exc})") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise FieldError("bad phone", f"{raw!r} is not a valid phone number")
    if not extension and not option:  # an ending phonenumbers knows: "203-388-1720;ext=12"
        extension = phone_rules.extension(parsed.extension) or ""
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return number, extension, option


def url(raw: object) -> str:
    """An http(s) URL, with http:// added to a bare host ("www.example.org"); or FieldError.

    Characters a URI cannot hold as they are ("{" in "?SEC={D4C9...}") are percent-encoded,
    so the address is a valid URI for HSDS and for any browser.
    """
    text = str(raw or "").strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not HOST.match(host) or " " in text:
        raise FieldError("bad value", f"{raw!r} is not a web address")
    return quote(text, safe=URI_SAFE)


def text(raw: object) -> str:
    """Text without export markers, with escaped newlines made real and ends trimmed."""
    value = str(raw or "").replace("\\n", "\n")
    value = MARKER.sub("", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def day(raw: object, today: str) -> str | None:
    """The ISO day at the start of a date or date-time ("2023-03-15T10:30:45.123Z"), or None
    when it is not a real day, or is after today (a file cannot have checked tomorrow)."""
    text = str(raw or "").strip()[:10]
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return None
    return text if len(text) == 10 and found.isoformat() <= today else None


def number(raw: object, low: float, high: float) -> float | None:
    """A float within [low, high], or None when blank or out of range."""
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


@lru_cache(maxsize=4096)
def by_postal_code(code: str) -> dict | None:
    """zipcodes' record for the five-digit US ZIP at the start of a postal code."""
    head = str(code or "").strip()[:5]
    if not re.fullmatch(r"\d{5}", head):
        return None
    try:
        found = zipcodes.matching(head)
    except (ValueError, TypeError):
        return None
    return found[0] if found else None


@lru_cache(maxsize=4096)
def by_town(city: str, state: str) -> dict | None:
    """A representative ZIP record for a US town: mean position, its first county."""
    if not city or not state:
        return None
    found = zipcodes.filter_by(city=city.strip().title(), state=state)
    if not found:
        return None
    lat = sum(float(z["lat"]) for z in found) / len(found)
    lon = sum(float(z["long"]) for z in found) / len(found)
    return {**found[0], "lat": lat, "long": lon}
