"""Reply text: templates filled with the knowledge base's numbers and services."""

from __future__ import annotations

import functools

from bot import floor, placeholders
from bot.location import Place
from bot.types import Knowledge, Service

# Used only if staff remove the hotline or the Careline from the knowledge base: the
# bot must still name them (safety rules 2 and 3).
FALLBACK_NUMBERS = {
    "hotline_call": floor.HOTLINE_CALL,
    "hotline_text": floor.HOTLINE_TEXT,
    "careline": floor.CARELINE,
}
HOTLINE_ID = floor.HOTLINE_ID
CARELINE_ID = floor.CARELINE_ID
EMERGENCY_ID = floor.EMERGENCY_ID


TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}  # dialled with a leading 1


@functools.lru_cache(maxsize=1024)  # a directory's numbers, formatted for every reply
def format_phone(number: str, extension: str = "") -> str:
    """A number as people write it: 1-888-373-7888, 203-388-1720 ext. 12, 233733, 911."""
    after = f" ext. {extension}" if extension else ""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return number + after
    dashed = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return (f"1-{dashed}" if digits[:3] in TOLL_FREE else dashed) + after


def _number(kb: Knowledge, service_id: str, kind: str) -> str | None:
    service = kb.service(service_id)
    for phone in service.phones if service else ():
        if phone.type == kind:
            return format_phone(phone.number, phone.extension)
    return None


def numbers(kb: Knowledge) -> dict[str, str]:
    """The hotline and Careline numbers as the templates use them."""
    found = {
        "hotline_call": _number(kb, HOTLINE_ID, "voice"),
        "hotline_text": _number(kb, HOTLINE_ID, "sms"),
        "careline": _number(kb, CARELINE_ID, "voice"),
    }
    return {k: v or FALLBACK_NUMBERS[k] for k, v in found.items()}


def service_line(service: Service) -> str:
    """'- Name: 203-388-1720 or 203-388-1708' for a list of services."""
    name = service.organization
    if service.kind == "program" and service.name != service.organization:
        name = service.name
    text = " or ".join(
        ("text " if p.type == "sms" else "") + format_phone(p.number, p.extension)
        for p in service.phones[:2]
    )
    return f"- {name}: {text}" if text else f"- {name}"


def render(kb: Knowledge, key: str, lang: str, program: str = "", **fields: str) -> str:
    """Fill a template with the knowledge base's numbers and the given fields."""
    values = {**numbers(kb), "program": program, **fields}
    try:
        template = kb.template(key, lang)
        placeholders.check(template, {*placeholders.KNOWN, *values})
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        return ""  # a damaged template says nothing; the safety floor fills the reply in
    return placeholders.fill(template, values)


def services_text(kb: Knowledge, lang: str, services: list[Service], place: Place | None) -> str:
    """The services reply for a list of services, near a place if one is known."""
    lines = "\n".join(service_line(s) for s in services)
    if place is not None:
        key = "services_near" if services else "services_none"
        return render(kb, key, lang, services=lines, place=place.name)
    return render(kb, "services", lang, services=lines)
