"""Checks on what staff type, each failing with a plain sentence: phones, URLs, ids, SMS budget."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import phonenumbers

from bot import compose
from bot import placeholders as bot_placeholders
from bot.sms import MAX_SEGMENTS, is_gsm7, segments, to_gsm7
from bot.types import Knowledge
from knowledge import partners, phone_rules

REGION = "US"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
# Placeholders the bot fills in (see knowledge/data/README.md), with stand-ins for measuring.
PLACEHOLDERS = bot_placeholders.KNOWN
SAMPLE_PLACE = "New Haven"


class CheckError(ValueError):
    """A value staff typed that cannot be saved, with the reason as a sentence."""


def phone(text: str, kind: str = "") -> str:
    """A phone number as stored: E.164, or the digits of a short code such as 233733.

    kind is the kind of the service the phone belongs to: N11 codes (211, 911, ...) are
    refused, as the importer refuses them, except 911 on the emergency entry.
    """
    return phone_parts(text, kind)[0]


def phone_parts(text: str, kind: str = "") -> tuple[str, str]:
    """(the number as stored, the extension written after it) for "203-388-1720 ext. 12"."""
    raw = text.strip()
    number, found, option = phone_rules.split_extension(raw)
    if option:
        raise CheckError(
            f'"{raw}" ends in a menu option, not an extension. Enter the number alone, and '
            f'write "option {option}" in the Label.'
        )
    problem = phone_rules.n11_problem(number, kind)
    if problem:
        raise CheckError(problem)
    if number.isdigit() and 3 <= len(number) <= 6:
        return number, found
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise CheckError(
            f'"{raw}" is not a valid phone number. Enter a number with its area code, '
            "such as 203-555-0123 or +44 20 7946 0000, or a short code such as 233733."
        )
    found = found or phone_rules.extension(parsed.extension) or ""  # "...;ext=12"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), found


def extension(text: str) -> str:
    """A phone's extension: 1 to 8 digits."""
    found = phone_rules.extension(text.strip())
    if found is None:
        raise CheckError(
            f'"{text.strip()}" is not an extension. Enter its digits only, such as 12.'
        )
    return found


def phone_for_people(number: str, extension: str = "") -> str:
    """A stored number shown nationally ((203) 555-0123), or as stored if it is a short code;
    with its extension after it ("(203) 555-0123 ext. 12") when one is given."""
    after = f" ext. {extension}" if extension else ""
    return _national(number) + after


def _national(number: str) -> str:
    if not number or not number.startswith("+"):
        return number or ""
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return number
    if phonenumbers.region_code_for_number(parsed) == REGION:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def colour(text: str) -> str:
    """A colour written as #rrggbb (or #rgb), in lower case."""
    raw = text.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", raw):
        raw = "#" + "".join(c * 2 for c in raw[1:])
    if not re.fullmatch(r"#[0-9a-f]{6}", raw):
        raise CheckError(f'"{text.strip()}" is not a colour. Write it as # and six hex digits.')
    return raw


def accent_of(stored: str | None) -> str:
    """The accent colour in a partner's stored colours (JSON), or "" when there is none."""
    try:
        value = json.loads(stored or "{}")
    except ValueError:
        return ""
    return str(value.get("accent") or "") if isinstance(value, dict) else ""


def url(text: str) -> str:
    """A web address that starts with http:// or https:// and names a host."""
    raw = text.strip()
    parts = urlsplit(raw)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in raw:
        raise CheckError(
            f'"{raw}" is not a web address. Enter the full address, such as https://example.org.'
        )
    return raw


def origins(text: str) -> list[str]:
    """Web origins, one a line (https://partner.org), as the widget's CORS check compares them."""
    out = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        origin = partners.normalize_origin(line)
        if origin is None:
            raise CheckError(
                f'"{line}" is not an origin. Enter the start of the address only, '
                "such as https://partner.org."
            )
        out.append(origin)
    return out


def exit_url(text: str) -> str:
    """Where quick exit goes: a full http(s) address, or a path on this site."""
    raw = text.strip()
    if not partners.valid_exit_url(raw):
        raise CheckError(
            f'"{raw}" is not a quick-exit address. Enter a full address such as '
            "https://www.google.com, or a path on this site such as /demo."
        )
    return raw


def slug(text: str) -> str:
    """An id staff choose: lower-case letters, digits, dashes and underscores."""
    raw = text.strip()
    if not SLUG.match(raw):
        raise CheckError(
            "An id is 1 to 80 lower-case letters, digits, dashes or underscores, "
            "such as new-haven-shelter."
        )
    return raw


def placeholders(text: str) -> list[str]:
    """The {placeholders} a template uses; CheckError if one is unmatched, unknown or has a spec."""
    try:
        return bot_placeholders.check(text, PLACEHOLDERS)
    except bot_placeholders.PlaceholderError as exc:
        raise CheckError(str(exc)) from exc


def _sample_services(kb: Knowledge) -> str:
    """Two service lines, as a stand-in for {services} when measuring a template."""
    listed = [s for s in kb.services if s.kind in ("directory", "program") and s.phones]
    return "\n".join(compose.service_line(s) for s in listed[:2])


def as_sent(text: str, kb: Knowledge, lang: str, kind: str, program: str) -> str:
    """The text a person would get: placeholders filled, and an answer's footer added."""
    values = {
        **compose.numbers(kb),
        "program": program,
        "services": _sample_services(kb),
        "place": SAMPLE_PLACE,
    }
    filled = bot_placeholders.fill(text, values) if kind == "template" else text
    if kind == "answer":
        filled += "\n" + compose.render(kb, "info_footer", lang, program)
    return filled


def budget(text: str, kb: Knowledge, lang: str, kind: str, program: str) -> dict:
    """What a template or answer costs over SMS, and what is wrong with it (if anything)."""
    problems = []
    if kind == "template":
        try:
            placeholders(text)
        except CheckError as exc:
            problems.append(str(exc))
    sent = as_sent(text, kb, lang, kind, program) if not problems else text
    sms = to_gsm7(sent)
    count, encoding = segments(sms)
    if lang == "en" and not is_gsm7(text):
        odd = sorted({ch for ch in text if not is_gsm7(ch)})
        problems.append(
            "English text must use plain characters (GSM-7); replace "
            + " ".join(repr(ch) for ch in odd[:5])
            + " (curly quotes, dashes, emoji or accents)."
        )
    if count > MAX_SEGMENTS:
        over = len(sms) - MAX_SEGMENTS * 153
        problems.append(
            f"Over SMS this is {count} segments; the most is {MAX_SEGMENTS}. "
            f"Cut about {max(over, 1)} characters."
        )
    return {
        "segments": count,
        "encoding": "GSM-7" if encoding == "gsm7" else "UCS-2",
        "characters": len(sms),
        "max_segments": MAX_SEGMENTS,
        "ok": not problems,
        "problems": problems,
        "sms": sms,
    }
