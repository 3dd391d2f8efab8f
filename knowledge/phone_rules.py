"""Rules every phone in the directory follows, wherever it comes from (editor, import, seed).

N11 dialling codes (211, 311, 511, 911, ...) reach a public line from any phone; they are
never a provider's own number. Only the emergency entry itself may list 911. An extension
("ext. 12") is kept apart from the number, in digits, as HSDS keeps it.
"""

from __future__ import annotations

import re

N11 = re.compile(r"1?([2-9]11)")
EMERGENCY_KIND = "emergency"  # the service kind whose phone may be 911
N11_LINES = {
    "211": "community information",
    "311": "city services",
    "411": "directory enquiries",
    "511": "traffic and travel",
    "611": "phone company repairs",
    "711": "the relay service",
    "811": "call before you dig",
    "911": "emergencies",
}


def dialling_code(raw: object) -> str:
    """The N11 code a number is ("911" for "9-1-1" or "1 911"), or "" when it is not one."""
    found = N11.fullmatch(re.sub(r"\D", "", str(raw or "")))
    return found.group(1) if found else ""


def n11_problem(raw: object, kind: str = "") -> str:
    """Why this number cannot be a phone of a service of this kind, or "" when it can."""
    code = dialling_code(raw)
    if not code or (code == "911" and kind == EMERGENCY_KIND):
        return ""
    typed = str(raw).strip()
    named = f'"{typed}"' if typed == code else f'"{typed}" is {code}, which'
    return (
        f"{named} is the dialling code for {N11_LINES[code]}, not a provider's own number. "
        "Enter the provider's number with its area code."
    )


# What may follow a number: "x57471", "ext. 12", "extension 12", "xOPT2" (a menu option).
_AFTER = re.compile(
    r"\s*(?:x|ext\.?|extension)\s*(?P<option>opt(?:ion)?\.?\s*)?(?P<value>\w+)\s*$", re.I
)
EXTENSION = re.compile(r"\d{1,8}")  # HSDS's extension is a number; 8 digits is plenty


def split_extension(raw: object) -> tuple[str, str, str]:
    """(the number, its extension in digits, a menu option) from a number as people write it.

    "(203) 388-1720 ext. 12" -> ("(203) 388-1720", "12", ""); "305-891-8850 xOPT2" ->
    ("305-891-8850", "", "2"). An ending that is neither stays part of the number.
    """
    text = str(raw or "").strip()
    found = _AFTER.search(text)
    if not found or not re.search(r"\d{7}", re.sub(r"\D", "", text[: found.start()])):
        return text, "", ""
    value = found.group("value")
    if found.group("option") or not EXTENSION.fullmatch(value):
        return text[: found.start()].strip(), "", value
    return text[: found.start()].strip(), value, ""


def extension(raw: object) -> str | None:
    """An extension field as digits ("12" from 12, 12.0 or " 12 "); "" when blank, and None
    when it is not 1 to 8 digits."""
    if raw is None or str(raw).strip() == "":
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text if EXTENSION.fullmatch(text) else None
